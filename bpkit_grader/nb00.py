"""Hidden checks for notebook 00: the visible checks' logic on shapes and seeds not shown.

Each function takes a fresh, untampered copy of ``bpkit.checks.nb00`` and runs its private
``_check_*`` functions on other cases, so a student cannot pass by special-casing the visible
inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit_grader._core import fresh

Fn = Callable[..., Any]


def linear_forward(fn: Fn) -> None:
    checks = fresh("nb00")
    checks._check_linear_forward(
        fn,
        [
            ("a square 7 -> 7 layer", 100, 9, 7, 7),
            ("a wide layer 2 -> 11", 101, 13, 2, 11),
            ("one example, one output", 102, 1, 6, 1),
        ],
    )


def batch_mean(fn: Fn) -> None:
    checks = fresh("nb00")
    checks._check_batch_mean(
        fn, [("a square 6x6 batch", 110, 6, 6), ("31 examples, 2 features", 111, 31, 2)]
    )


def sigmoid(fn: Fn) -> None:
    checks = fresh("nb00")
    rng = np.random.default_rng(120)
    checks._check_sigmoid(
        fn,
        [
            ("a (2, 3, 4) array", rng.normal(scale=4.0, size=(2, 3, 4))),
            ("z = 0 exactly", np.zeros(5)),
            ("z in [-800, 800]", np.linspace(-800.0, 800.0, 9)),
        ],
    )


def mse(fn: Fn) -> None:
    checks = fresh("nb00")
    checks._check_mse(fn, [("17 examples, 4 outputs", 130, 17, 4), ("one example", 131, 1, 2)])


def mse_grad(fn: Fn) -> None:
    checks = fresh("nb00")
    checks._check_mse_grad(fn, [("17 examples, 4 outputs", 140, 17, 4), ("one example", 141, 1, 2)])
