"""Hidden checks for notebook 03: the visible checks' logic on other seeds, shapes and bowls.

Each function takes a fresh, untampered copy of ``bpkit.checks.nb03`` and runs its private
``_check_*`` function on cases the student has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit_grader._core import fresh


def _quartic_mix(w: np.ndarray) -> np.ndarray:
    """Gradient of L(w) = sum(w**4)/4 + w_0 * w_1 (two coordinates coupled)."""
    w = np.asarray(w, dtype=np.float64)
    g = w**3
    g[0] += w[1]
    g[1] += w[0]
    return g


def gd_step(fn: Callable[..., Any]) -> None:
    """Hidden cases for gd_step: more keys, other shapes and learning rates."""
    m = fresh("nb03")
    cases = [
        (
            "three arrays of different shapes, eta = 0.3",
            {"0.W": (4, 3), "0.b": (4,), "2.W": (1, 4)},
            (),
            0.3,
            11,
        ),
        ("the named_params() of mlp([3, 6, 5, 2]), eta = 1.0", None, (3, 6, 5, 2), 1.0, 12),
        ("a (2, 2, 2) array, eta = 2.5", {"T": (2, 2, 2)}, (), 2.5, 13),
    ]
    m._check_gd_step(fn, cases)


def gradient_descent(fn: Callable[..., Any]) -> None:
    """Hidden cases for gradient_descent: 3-D bowls, a coupled non-quadratic, a single step."""
    m = fresh("nb03")
    cases = [
        (
            "a 3-D bowl with eigenvalues 0.3, 1, 5, eta = 0.35, 7 steps",
            m._Linear(m.random_spd([0.3, 1.0, 5.0], seed=21)),
            [1.0, -2.0, 0.5],
            0.35,
            7,
        ),
        (
            "a diverging 2-D bowl (eta above 2/lambda_max), 6 steps",
            m._Linear(m.rotated_bowl([2.0, 8.0], 50.0)),
            [0.4, -0.3],
            0.3,
            6,
        ),
        (
            "a coupled non-quadratic from [0.5, -1.0], eta = 0.1, 9 steps",
            _quartic_mix,
            [0.5, -1.0],
            0.1,
            9,
        ),
        ("one step", m._Linear([[2.0]]), [3.0], 0.2, 1),
    ]
    m._check_gradient_descent(fn, cases)


def largest_stable_eta(fn: Callable[..., Any]) -> None:
    """Hidden cases for largest_stable_eta: other eigenvalues, rotations and dimensions."""
    m = fresh("nb03")
    cases = [
        ("a 1-D bowl A = [[0.25]]", np.array([[0.25]])),
        (
            "a bowl with curvatures 3 and 50 rotated by 70 degrees",
            m.rotated_bowl([3.0, 50.0], 70.0),
        ),
        ("a 4-D bowl with eigenvalues 0.1, 1, 4, 9", m.random_spd([0.1, 1.0, 4.0, 9.0], seed=31)),
    ]
    m._check_largest_stable_eta(fn, cases)


def convergence_rate(fn: Callable[..., Any]) -> None:
    """Hidden cases for convergence_rate: both arms of the V and the best learning rate."""
    m = fresh("nb03")
    A = m.rotated_bowl([2.0, 30.0], 60.0)
    B = m.random_spd([0.2, 1.5, 6.0, 11.0], seed=41)
    cases = [
        ("a bowl (2, 30) rotated by 60 degrees at the best eta 2/32", A, 2.0 / 32.0),
        ("the same bowl at eta = 0.005 (crawl)", A, 0.005),
        ("the same bowl at eta = 0.09 (divergence)", A, 0.09),
        ("a 4-D bowl at eta = 0.17", B, 0.17),
    ]
    m._check_convergence_rate(fn, cases)


def train_full_batch(fn: Callable[..., Any]) -> None:
    """Hidden cases for train_full_batch: other nets, data and learning rates."""
    m = fresh("nb03")
    cases = [
        (
            "mlp([1, 12, 1], relu) on regression_1d(n=40), eta = 0.1, 5 epochs",
            (1, 12, 1),
            "relu",
            40,
            0.1,
            5,
            7,
        ),
        (
            "mlp([4, 6, 6, 3], tanh) on random data (n=15), eta = 0.8, 3 epochs",
            (4, 6, 6, 3),
            "tanh",
            15,
            0.8,
            3,
            8,
        ),
        ("one epoch", (2, 3, 1), "sigmoid", 9, 1.5, 1, 9),
    ]
    m._check_train_full_batch(fn, cases)
