"""nb00: Exercises 4 and 5: mse and mse_grad."""

from __future__ import annotations

import numpy as np

from bpkit import losses
from bpkit.checks._core import (
    MISSING_1_OVER_N,
    WRONG_SIGN,
    call,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import (
    expect_number,
)
from bpkit.checks._messages import possible as _known
from bpkit.checks.nb00._common import Fn, _rng

# ----- Exercises 4 and 5: mse and mse_grad ------------------------------------------------------
MISSING_HALF = (
    "a missing 1/2: the course's MSE is sum((y - y_hat)**2) / (2n), so that its derivative "
    "has no factor 2"
)
PER_ENTRY = (
    "a division by the number of entries n*d instead of the number of examples n "
    "(np.mean averages over every entry; divide by n = y.shape[0])"
)
MEAN_NO_HALF = (
    "np.mean((y - y_hat)**2): it divides by the number of entries n*d instead of 2n (the "
    "course's MSE is sum((y - y_hat)**2) / (2n))"
)
DIV_PRECEDENCE = (
    "... / 2 * n, which Python reads as (... / 2) * n: it multiplies by n instead of dividing; "
    "write / (2 * n)"
)
SQUARE_OF_SUM = (
    "the square of the summed differences, (sum(y - y_hat))**2, instead of the sum of the squared "
    "differences, sum((y - y_hat)**2)"
)
PER_COLUMN = "one loss per output column: L is one number, summed over both axes"
PER_EXAMPLE = "one loss per example: L is one number, the mean over the examples"
BY_FEATURES_MSE = (
    "a division by 2d, with d = y.shape[1] the number of outputs; divide by 2n, with "
    "n = y.shape[0] the number of examples"
)
NO_SQUARE = "absolute differences where the squared differences (y - y_hat)**2 are needed"
NORM_NOT_SQUARED = "np.linalg.norm(y - y_hat) without its square: sum((y - y_hat)**2) = norm**2"
ROOT = "a square root: the MSE itself has none (that would be a root-mean-square error)"
BY_N_TWICE = "a division by n twice (n**2): the 1/n of the mean appears once"
EXTRA_TWO = (
    "an extra factor 2: the 1/2 in L = sum((y - y_hat)**2) / (2n) cancels the 2 of the derivative"
)
EXTRA_HALF = (
    "an extra 1/2: differentiating the square brings down a 2, which cancels the 1/2 of the loss, "
    "so dL/dy_hat = (y_hat - y) / n"
)
GRAD_AVERAGED = "the gradient averaged over the batch; keep every row and divide it by n instead"
GRAD_SUMMED = "a single number instead of one entry per entry of y_hat"
LOSS_TERMS = "the loss terms (y_hat - y)**2 / (2n) instead of their derivative (y_hat - y) / n"
GRAD_BY_FEATURES = (
    "a division by d = y.shape[1], the number of outputs; divide by n = y.shape[0], the number "
    "of examples"
)
GRAD_PER_EXAMPLE = "one number per example: dL/dy_hat has one entry per entry of y_hat"
GRAD_TRANSPOSED = "the gradient transposed: dL/dy_hat has the shape of y_hat, (n, d)"
GRAD_PRECEDENCE = (
    "(y_hat - y) / 2 * n, which Python reads as ((y_hat - y) / 2) * n: it multiplies by n "
    "instead of dividing"
)


def _mse_case(seed: int, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, d))


VISIBLE_MSE: list[tuple[str, int, int, int]] = [
    ("5 examples, 3 outputs", 7, 5, 3),
    ("4 examples, 1 output", 8, 4, 1),
]
VISIBLE_MSE_GRAD: list[tuple[str, int, int, int]] = [
    ("5 examples, 3 outputs", 9, 5, 3),
    ("6 examples, 1 output", 10, 6, 1),
]


def _check_mse(fn: Fn, cases: list[tuple[str, int, int, int]]) -> None:
    """cases: (name, seed, n, d); d > 1 tells dividing by n from dividing by n*d."""
    guard()
    for name, seed, n, d in cases:
        y_hat, y = _mse_case(seed, n, d)
        what = f"mse on {name} (y_hat and y of shape {y.shape})"
        got = call(fn, y_hat, y, what="mse(y_hat, y)")
        expected, _ = losses.mse(y_hat, y)
        squares = (y - y_hat) ** 2
        sq = squares.sum()
        mistakes = {
            MISSING_HALF: sq / n,
            MISSING_1_OVER_N: sq / 2,
            PER_ENTRY: sq / (2 * n * d),
            MEAN_NO_HALF: sq / (n * d),
            DIV_PRECEDENCE: sq / 2 * n,
            SQUARE_OF_SUM: (y - y_hat).sum() ** 2 / (2 * n),
            PER_COLUMN: squares.sum(axis=0) / (2 * n),
            PER_EXAMPLE: squares.sum(axis=1) / 2,
            BY_FEATURES_MSE: sq / (2 * d) if d != n else None,
            NO_SQUARE: np.abs(y - y_hat).sum() / (2 * n),
            NORM_NOT_SQUARED: np.sqrt(sq) / (2 * n),
            ROOT: np.sqrt(sq / (2 * n)),
            BY_N_TWICE: sq / (2 * n * n) if n > 1 else None,
        }
        expect_number(
            what, got, expected, mistakes=_known(mistakes), rtol=1e-7, atol=1e-9,
            hint="L is one number, a float.",
        )  # fmt: skip
    passed("mse")


def _check_mse_grad(fn: Fn, cases: list[tuple[str, int, int, int]]) -> None:
    guard()
    for name, seed, n, d in cases:
        y_hat, y = _mse_case(seed, n, d)
        what = f"mse_grad on {name} (y_hat and y of shape {y.shape})"
        got = call(fn, y_hat, y, what="mse_grad(y_hat, y)")
        _, expected = losses.mse(y_hat, y)
        diff = y_hat - y
        mistakes = {
            WRONG_SIGN: -diff / n,
            MISSING_1_OVER_N: diff,
            EXTRA_TWO: 2 * diff / n,
            EXTRA_HALF: diff / (2 * n),
            PER_ENTRY: diff / (n * d),
            LOSS_TERMS: diff**2 / (2 * n),
            GRAD_AVERAGED: diff.mean(axis=0),
            GRAD_SUMMED: diff.sum() / n,
            f"{GRAD_SUMMED} (the mean of every entry)": diff.mean(),
            GRAD_BY_FEATURES: diff / d if d != n else None,
            GRAD_PER_EXAMPLE: diff.sum(axis=1) / n,
            GRAD_TRANSPOSED: diff.T / n,
            GRAD_PRECEDENCE: diff / 2 * n,
            BY_N_TWICE: diff / n**2 if n > 1 else None,
        }
        expect_close(
            what,
            got,
            expected,
            mistakes=_known(mistakes),
            hint="dL/dy_hat has one entry per entry of y_hat, shape (n, d).",
        )
    passed("mse_grad")
