"""nb03: Exercise 3: largest_stable_eta."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    call,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb03._common import random_spd, rotated_bowl

# ----- Exercise 3: largest_stable_eta ---------------------------------------------------------
# (name, A)
BowlCase = tuple[str, np.ndarray]

HALF = (
    "1 / lambda_max, half the answer: that step lands on the minimum along the steepest "
    "direction in one step, but steps up to twice as long still converge (|1 - eta*lambda| < 1)"
)
SMALLEST = (
    "2 / lambda_min: the smallest eigenvalue. Stability needs |1 - eta*lambda_i| < 1 for EVERY "
    "i, and the largest lambda_i is the first to break"
)
DIAGONAL = (
    "the largest diagonal entry of A instead of its largest eigenvalue: for a rotated bowl "
    "the two differ (use np.linalg.eigvalsh(A))"
)
TRACE = "2 / trace(A): the sum of all eigenvalues, not the largest one"
INVERTED = "lambda_max / 2 instead of 2 / lambda_max"
FROBENIUS = (
    "2 / ||A|| with the Frobenius norm (np.linalg.norm(A)), which mixes all eigenvalues: use "
    "the largest eigenvalue, np.linalg.eigvalsh(A)[-1] (or the 2-norm, np.linalg.norm(A, 2))"
)
OTHER_EIGENVALUE = (
    "2 / an eigenvalue that is not the largest: np.linalg.eigvals does not sort its output "
    "(eigvalsh sorts in ascending order); take the largest, max(...)"
)
MEAN_EIGENVALUE = "2 / the mean eigenvalue: the LARGEST eigenvalue limits the step"
LAMBDA_ITSELF = "lambda_max itself, not the learning rate 2 / lambda_max"
TWICE_LAMBDA = "2 * lambda_max instead of 2 / lambda_max"
DETERMINANT = "2 / det(A): the determinant is the product of ALL eigenvalues, not the largest"
NORM_1 = (
    "2 / the largest row (or column) sum of |A| (np.linalg.norm(A, 1) or np.inf): that only "
    "bounds lambda_max from above; use the largest eigenvalue itself"
)
SQRT_LAMBDA = "2 / sqrt(lambda_max): the limit is 2 / lambda_max, no square root"
QUARTER = "1 / (2 lambda_max) instead of 2 / lambda_max"
ROUNDED = "a rounded value: return the exact number (do not round it)"


def _rounding(value: float | None, right: float) -> float | None:
    """round(right, k) for the k (1..6) that gives ``value``, if any."""
    if value is None:
        return None
    for k in range(1, 7):
        if value == round(right, k) and value != right:
            return value
    return None


VISIBLE_BOWLS: list[BowlCase] = [
    ("the 1-D bowl with curvature 4, A = [[4]]", np.array([[4.0]])),
    ("a diagonal bowl diag(1, 20)", np.diag([1.0, 20.0])),
    ("the bowl with curvatures 1 and 20 rotated by 30 degrees", rotated_bowl([1.0, 20.0], 30.0)),
    ("a 3-D bowl with eigenvalues 0.4, 2 and 7", random_spd([0.4, 2.0, 7.0], seed=3)),
]


def _run_distance(A: np.ndarray, eta: float, steps: int = 400) -> float:
    """||w_steps|| / ||w_0|| for gradient descent on 1/2 w^T A w from a generic start."""
    d = A.shape[0]
    w = np.linspace(1.0, 2.0, d) / np.sqrt(d)
    start = float(np.linalg.norm(w))
    M = np.eye(d) - eta * A
    for _ in range(steps):
        w = M @ w
        if np.linalg.norm(w) > 1e6 * start:
            break
    return float(np.linalg.norm(w)) / start


def _check_largest_stable_eta(fn: Callable[..., Any], cases: Sequence[BowlCase]) -> None:
    guard()
    for name, A in cases:
        what = f"largest_stable_eta for {name}"
        got = call(fn, A, what=what)
        lams = np.linalg.eigvalsh(A)
        right = 2.0 / lams[-1]
        hint = ""
        try:
            value = float(got)
        except (TypeError, ValueError):
            value = None
        if value is not None and np.isfinite(value) and value > 0:
            below, above = _run_distance(A, 0.98 * value), _run_distance(A, 1.02 * value)
            if below > 1.0:
                hint = (
                    f"Checked numerically: at eta = 0.98 x your value ({0.98 * value:.4g}) "
                    "gradient descent does not converge, so your value is too large."
                )
            elif above <= 1.0:
                hint = (
                    f"Checked numerically: at eta = 1.02 x your value ({1.02 * value:.4g}) "
                    "gradient descent still converges, so the true limit is larger."
                )
        diag_max = float(np.max(np.diag(A)))
        mistakes = {
            HALF: 1.0 / lams[-1],
            INVERTED: lams[-1] / 2.0,
            TRACE: 2.0 / float(np.trace(A)),
        }
        if A.shape[0] > 1:
            mistakes[SMALLEST] = 2.0 / lams[0]
        if abs(diag_max - lams[-1]) > 1e-9 * lams[-1]:
            mistakes[DIAGONAL] = 2.0 / diag_max
        mistakes[LAMBDA_ITSELF] = lams[-1]
        mistakes[TWICE_LAMBDA] = 2.0 * lams[-1]
        if A.shape[0] > 1:
            mistakes[FROBENIUS] = 2.0 / float(np.linalg.norm(A))
            mistakes[MEAN_EIGENVALUE] = 2.0 / float(np.mean(lams))
            mistakes[DETERMINANT] = 2.0 / float(np.prod(lams))
            mistakes[NORM_1] = 2.0 / float(np.abs(A).sum(axis=0).max())
        mistakes[SQRT_LAMBDA] = 2.0 / float(np.sqrt(lams[-1]))
        mistakes[QUARTER] = 1.0 / (2.0 * lams[-1])
        rounded = _rounding(value, right)
        if rounded is not None:
            mistakes[ROUNDED] = rounded
        middle = [2.0 / lam for lam in lams[1:-1]]
        if middle and value is not None:  # the one nearest the answer, if it is one of them
            mistakes[OTHER_EIGENVALUE] = min(middle, key=lambda m: abs(m - value))
        mistakes = {k: v for k, v in mistakes.items() if abs(v - right) > 1e-9 * right}
        expect_close(what, got, right, mistakes=mistakes, rtol=1e-8, atol=1e-12, hint=hint)
    passed("largest_stable_eta")
