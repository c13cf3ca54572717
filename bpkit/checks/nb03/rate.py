"""nb03: Exercise 4: convergence_rate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    WRONG_SIGN,
    call,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb03._common import random_spd, rotated_bowl
from bpkit.checks.nb03.stability import ROUNDED, _rounding

# ----- Exercise 4: convergence_rate -----------------------------------------------------------
# (name, A, eta)
RateCase = tuple[str, np.ndarray, float]

NO_ABS = (
    "a missing absolute value: a factor of -1.4 shrinks nothing, it flips and grows the error. "
    "Take |1 - eta*lambda_i|"
)
FASTEST = (
    "the smallest factor instead of the largest: the slowest direction decides how fast the "
    "error shrinks, so take the max over i"
)
ONLY_STEEP = (
    "only the largest eigenvalue: with a small eta the flat direction (smallest lambda) is the "
    "slow one; take the max of |1 - eta*lambda_i| over ALL eigenvalues"
)
ONLY_FLAT = (
    "only the smallest eigenvalue: with a large eta the steep direction oscillates and can "
    "dominate; take the max over ALL eigenvalues"
)
DIAG_RATE = "the diagonal of A instead of its eigenvalues (use np.linalg.eigvalsh(A))"
RATE_SIGN = f"{WRONG_SIGN}: the factor is 1 - eta*lambda, not 1 + eta*lambda"
RATE_FROBENIUS = (
    "the Frobenius norm of I - eta*A (np.linalg.norm of the matrix), which mixes all "
    "directions: take the largest |1 - eta*lambda_i| (or np.linalg.norm(I - eta*A, 2))"
)
RATE_MEAN = "the mean of |1 - eta*lambda_i|: the WORST (largest) factor decides, take the max"
RATE_NO_ONE = "max |eta*lambda_i|: the factor per step is 1 - eta*lambda_i, not eta*lambda_i"
RATE_BEST = (
    "the best possible rate (kappa - 1)/(kappa + 1), which does not depend on eta: compute "
    "max_i |1 - eta*lambda_i| for the eta you are given"
)
RATE_SQUARED = "the squared factor (1 - eta*lambda)^2: take the absolute value, not the square"
RATE_KAPPA = (
    "the condition number lambda_max / lambda_min: it decides the best possible rate, but the "
    "rate for a given eta is max_i |1 - eta*lambda_i|"
)
RATE_PRODUCT = "the product of the factors: take the largest |1 - eta*lambda_i|, not the product"

VISIBLE_RATES: list[RateCase] = [
    ("the 1-D bowl A = [[4]], eta = 0.1 (crawl)", np.array([[4.0]]), 0.1),
    ("the 1-D bowl A = [[4]], eta = 0.45 (oscillation)", np.array([[4.0]]), 0.45),
    ("a 3-D bowl with eigenvalues 0.5, 2, 7, eta = 0.4", random_spd([0.5, 2.0, 7.0], 3), 0.4),
    (
        "the rotated bowl (1, 20), eta = 0.01 (the flat direction is slow)",
        rotated_bowl([1.0, 20.0], 30.0),
        0.01,
    ),
    ("the rotated bowl (1, 20), eta = 0.12 (divergence)", rotated_bowl([1.0, 20.0], 30.0), 0.12),
    (
        "a 3-D bowl with eigenvalues 0.3, 1.7, 6.1, eta = 0.1234",
        random_spd([0.3, 1.7, 6.1], 5),
        0.1234,
    ),
]


def _check_convergence_rate(fn: Callable[..., Any], cases: Sequence[RateCase]) -> None:
    guard()
    for name, A, eta in cases:
        what = f"convergence_rate for {name}"
        got = call(fn, A, eta, what=what)
        lams = np.linalg.eigvalsh(A)
        factors = 1.0 - eta * lams
        right = float(np.max(np.abs(factors)))
        # Order matters where two mistakes give the same number: the specific one comes first.
        candidates = {
            RATE_SIGN: float(np.max(np.abs(1.0 + eta * lams))),
            NO_ABS: float(np.max(factors)),
            ONLY_STEEP: float(abs(factors[-1])),
            ONLY_FLAT: float(abs(factors[0])),
            FASTEST: float(np.min(np.abs(factors))),
            DIAG_RATE: float(np.max(np.abs(1.0 - eta * np.diag(A)))),
            RATE_FROBENIUS: float(np.linalg.norm(np.eye(len(A)) - eta * A)),
            RATE_MEAN: float(np.mean(np.abs(factors))),
            RATE_NO_ONE: float(np.max(np.abs(eta * lams))),
            RATE_BEST: float((lams[-1] - lams[0]) / (lams[-1] + lams[0])),
            RATE_SQUARED: float(np.max(factors**2)),
            RATE_KAPPA: float(lams[-1] / lams[0]),
            RATE_PRODUCT: float(np.prod(np.abs(factors))),
        }
        try:
            rounded = _rounding(float(got), right)
        except (TypeError, ValueError):
            rounded = None
        if rounded is not None:
            candidates[ROUNDED] = rounded
        mistakes = {k: v for k, v in candidates.items() if abs(v - right) > 1e-9}
        expect_close(what, got, right, mistakes=mistakes, rtol=1e-8, atol=1e-12)
    passed("convergence_rate")
