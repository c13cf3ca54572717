"""Hidden checks for notebook 04: the visible checks' logic on other seeds and shapes.

Each function takes a fresh, untampered copy of ``bpkit.checks.nb04`` and runs its private
``_check_*`` function on cases the student has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bpkit_grader._core import fresh

_GRAD_CASES = [
    ("a batch of n=17, d_in=6, d_out=4", 17, 6, 4, 101),
    ("n=2 with d_in=1, d_out=5", 2, 1, 5, 102),
    ("n=64 with a square W (d_in = d_out = 5)", 64, 5, 5, 103),
]


def loop_gradient(fn: Callable[..., Any]) -> None:
    """Hidden cases for loop_gradient."""
    fresh("nb04")._check_loop_gradient(fn, _GRAD_CASES)


def batch_gradient(fn: Callable[..., Any]) -> None:
    """Hidden cases for batch_gradient."""
    fresh("nb04")._check_batch_gradient(fn, _GRAD_CASES)


def minibatch_indices(fn: Callable[..., Any]) -> None:
    """Hidden cases for minibatch_indices: other sizes, remainders and seeds."""
    fresh("nb04")._check_minibatch_indices(
        fn, [(37, 8, 11), (50, 7, 12), (16, 16, 13), (11, 2, 14), (1000, 128, 15)]
    )


def train_epoch(fn: Callable[..., Any]) -> None:
    """Hidden cases for train_epoch: other nets, batch sizes and learning rates."""
    fresh("nb04")._check_train_epoch(
        fn,
        [
            (
                "mlp([4, 7, 3], tanh), n=30, batch_size=8, eta=0.3",
                (4, 7, 3),
                "tanh",
                30,
                8,
                0.3,
                21,
            ),
            (
                "mlp([2, 5, 5, 1], relu), n=12, batch_size=12 (one batch), eta=0.1",
                (2, 5, 5, 1),
                "relu",
                12,
                12,
                0.1,
                22,
            ),
            (
                "mlp([1, 3, 2], sigmoid), n=9, batch_size=2, eta=1.0",
                (1, 3, 2),
                "sigmoid",
                9,
                2,
                1.0,
                23,
            ),
        ],
    )


def activation_bytes(fn: Callable[..., Any]) -> None:
    """Hidden cases for activation_bytes: deeper nets, other batch and item sizes."""
    fresh("nb04")._check_activation_bytes(
        fn, [([3072, 1024, 512, 256, 10], 128, 4), ([5, 1], 9, 8), ([8, 8, 8], 1000, 2)]
    )
