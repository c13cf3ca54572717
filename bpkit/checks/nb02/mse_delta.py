"""nb02: Exercise 4: mse_output_delta."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bpkit import losses
from bpkit.checks._core import (
    MISSING_ACTIVATION_DERIVATIVE,
    WRONG_SIGN,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import call_naming as _call
from bpkit.checks.nb02._common import EXTRA_1_OVER_N, _rng
from bpkit.checks.nb02.primes import FORWARD, REFERENCE_PRIME

# ----- Exercise 4: mse_output_delta ----------------------------------------------------------
# (name, seed, n, k, output activation)
OutCase = tuple[str, int, int, int, str]
VISIBLE_OUT: list[OutCase] = [
    ("a sigmoid output, n = 5 examples, 1 unit", 0, 5, 1, "sigmoid"),
    ("a tanh output, n = 4 examples, 3 units", 1, 4, 3, "tanh"),
]
F_OF_A = "f'(a) where f'(z) is needed: the derivative is taken at the pre-activation z"
HARD_CODED_SIGMOID = (
    "the sigmoid's derivative a(1 - a) written in, whatever the activation: use the f_prime you "
    "are given, f_prime(z)"
)
EXTRA_TWO = (
    "an extra factor 2: the per-example loss is (1/2)||a - y||**2, whose 1/2 cancels the 2 of "
    "the derivative"
)
EXTRA_HALF = "an extra 1/2: the 1/2 of the loss (1/2)||a - y||**2 cancels with the 2 of the square"
DELTA_MEAN = "delta averaged over the batch: it is per example, one row per example, shape (n, k)"
SQUARED_ERROR = "the squared error (a - y)**2 where its derivative (a - y) is needed"
OUTPUT_MATMUL = (
    "@ (a matrix product) where BP1 multiplies entry by entry: delta = (a - y) * f'(z), with `*`"
)


def _check_mse_output_delta(fn: Callable[..., Any], cases: Sequence[OutCase]) -> None:
    guard()
    for name, seed, n, k, kind in cases:
        g = _rng(seed)
        z = 1.5 * g.normal(size=(n, k))
        a = FORWARD[kind](z)
        y = g.uniform(-0.2, 1.0, size=(n, k))
        f_prime = REFERENCE_PRIME[kind]
        what = f"mse_output_delta with {name}"
        got = _call(fn, a, z, y, f_prime, what=what, names={}, matmul=OUTPUT_MATMUL)
        _, dL_da = losses.mse(a, y)  # bpkit: (a - y) / n
        right = dL_da * n * f_prime(z)
        expect_close(
            what,
            got,
            right,
            mistakes={
                MISSING_ACTIVATION_DERIVATIVE: a - y,
                WRONG_SIGN: -right,
                EXTRA_1_OVER_N: right / n,
                F_OF_A: (a - y) * f_prime(a),
                HARD_CODED_SIGMOID: (a - y) * a * (1 - a),
                EXTRA_TWO: 2 * right,
                EXTRA_HALF: right / 2,
                DELTA_MEAN: right.mean(axis=0),
                SQUARED_ERROR: (a - y) ** 2 * f_prime(z),
            },
            hint="delta_L = (a - y) * f'(z), one row per example, shape (n, k).",
        )
    passed("mse_output_delta")
