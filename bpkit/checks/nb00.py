"""Visible checks for notebook 00 (welcome: numpy in the course's notation).

One public function per exercise. Each runs named, seeded cases and names the likely mistake; the
hidden checks (``bpkit_grader.nb00``) call the same private ``_check_*`` functions with other
shapes and seeds. References come from bpkit (``Linear``, ``functional.sigmoid``, ``losses.mse``),
never from the student's code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit import functional, losses
from bpkit.checks._core import (
    MISSING_1_OVER_N,
    TRANSPOSED_W,
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    expect_shape,
    guard,
    passed,
)
from bpkit.layers import Linear

Fn = Callable[..., Any]

NO_BIAS = "a missing bias: z = a_prev @ W.T + b, and b is added to every row"
WRONG_AXIS = (
    "an average over the wrong axis: axis=1 averages the features of each example, but the "
    "batch axis (one row per example) is axis 0"
)
NO_ONE_PLUS = "1 / e^(-z) without the 1 + in the denominator: sigmoid(z) = 1 / (1 + e^(-z))"
TANH = "tanh(z), which is a different S-shaped function with outputs in (-1, 1)"
MISSING_HALF = (
    "a missing 1/2: the course's MSE is sum((y - y_hat)**2) / (2n), so that its derivative "
    "has no factor 2"
)
PER_ENTRY = (
    "a division by the number of entries n*d instead of the number of examples n "
    "(np.mean averages over every entry; divide by n = y.shape[0])"
)
EXTRA_TWO = (
    "an extra factor 2: the 1/2 in L = sum((y - y_hat)**2) / (2n) cancels the 2 of the derivative"
)
STABLE_HINT = (
    "For z = -1000, np.exp(-z) overflows. Compute e = np.exp(-np.abs(z)) (never overflows) and "
    "use 1 / (1 + e) where z >= 0 and e / (1 + e) where z < 0."
)


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ----- Exercise 1: linear_forward -------------------------------------------------------------
def _linear_reference(a_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    layer = Linear(W.shape[1], W.shape[0])
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    return layer.forward(a_prev)


def _check_linear_forward(fn: Fn, cases: list[tuple[str, int, int, int, int]]) -> None:
    """cases: (name, seed, n, d_in, d_out). A square case first diagnoses a transposed W."""
    for name, seed, n, d_in, d_out in cases:
        rng = _rng(seed)
        a_prev = rng.normal(size=(n, d_in))
        W = rng.normal(size=(d_out, d_in))
        b = rng.normal(size=d_out)
        what = f"linear_forward on {name} (a_prev {a_prev.shape}, W {W.shape}, b {b.shape})"
        got = call(fn, a_prev, W, b, what="linear_forward(a_prev, W, b)")
        expected = _linear_reference(a_prev, W, b)
        mistakes = {NO_BIAS: a_prev @ W.T}
        if d_in == d_out:
            mistakes[TRANSPOSED_W] = a_prev @ W + b
        expect_shape(what, got, (n, d_out), hint="Rows are examples: z has one row per example.")
        expect_close(what, got, expected, mistakes=mistakes)


def linear_forward(fn: Fn) -> None:
    """Check linear_forward(a_prev, W, b) -> z of shape (n, d_out)."""
    guard()
    _check_linear_forward(
        fn,
        [
            ("a square layer", 0, 6, 4, 4),
            ("a batch of 5 examples, 3 -> 2 features", 1, 5, 3, 2),
            ("a single example", 2, 1, 3, 4),
        ],
    )
    passed("linear_forward")


# ----- Exercise 2: batch_mean -------------------------------------------------------------------
def _check_batch_mean(fn: Fn, cases: list[tuple[str, int, int, int]]) -> None:
    """cases: (name, seed, n, d). A square case first diagnoses the wrong axis."""
    for name, seed, n, d in cases:
        a = _rng(seed).normal(loc=1.0, size=(n, d))
        what = f"batch_mean on {name} (a of shape {a.shape})"
        got = call(fn, a, what="batch_mean(a)")
        mistakes = {MISSING_1_OVER_N: a.sum(axis=0)}
        if n == d:
            mistakes[WRONG_AXIS] = a.mean(axis=1)
        expect_shape(
            what, got, (d,), hint="Average over the examples (axis 0): one value per column."
        )
        expect_close(what, got, a.sum(axis=0) / n, mistakes=mistakes)


def batch_mean(fn: Fn) -> None:
    """Check batch_mean(a) -> the mean over the batch axis, shape (d,)."""
    guard()
    _check_batch_mean(
        fn,
        [
            ("a square batch", 3, 4, 4),
            ("8 examples with 3 features", 4, 8, 3),
            ("one example", 5, 1, 5),
        ],
    )
    passed("batch_mean")


# ----- Exercise 3: sigmoid ----------------------------------------------------------------------
def _check_sigmoid(fn: Fn, cases: list[tuple[str, np.ndarray]]) -> None:
    for name, z in cases:
        what = f"sigmoid on {name}"
        hint = STABLE_HINT if np.abs(z).max() > 500 else ""
        try:
            got = call(fn, z, what=f"sigmoid(z) on {name}")
        except CheckError as error:  # e.g. an overflow warning: say how to avoid it
            raise CheckError(f"{error} {hint}".strip()) from error.__cause__
        expected = functional.sigmoid(z)
        with np.errstate(all="ignore"):
            mistakes = {
                WRONG_SIGN: functional.sigmoid(-z),
                NO_ONE_PLUS: np.exp(z),
                TANH: np.tanh(z),
            }
        expect_shape(what, got, z.shape, hint="The sigmoid acts on each entry separately.")
        expect_close(what, got, expected, mistakes=mistakes, rtol=1e-9, atol=1e-12, hint=hint)
        got = np.asarray(got)
        expect(
            bool(((got >= 0) & (got <= 1)).all()),
            f"sigmoid on {name} returned values outside [0, 1]; a probability cannot be.",
        )


def sigmoid(fn: Fn) -> None:
    """Check sigmoid(z) -> 1 / (1 + e^(-z)), elementwise, stable for large |z|."""
    guard()
    _check_sigmoid(
        fn,
        [
            ("13 points in [-6, 6]", np.linspace(-6.0, 6.0, 13)),
            ("a (3, 4) array", _rng(6).normal(scale=3.0, size=(3, 4))),
            ("large |z| (-1e4, -1000, 0, 1000, 1e4)", np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4])),
        ],
    )
    passed("sigmoid")


# ----- Exercises 4 and 5: mse and mse_grad ------------------------------------------------------
def _mse_case(seed: int, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, d))


def _check_mse(fn: Fn, cases: list[tuple[str, int, int, int]]) -> None:
    """cases: (name, seed, n, d); d > 1 tells dividing by n from dividing by n*d."""
    for name, seed, n, d in cases:
        y_hat, y = _mse_case(seed, n, d)
        what = f"mse on {name} (y_hat and y of shape {y.shape})"
        got = call(fn, y_hat, y, what="mse(y_hat, y)")
        expected, _ = losses.mse(y_hat, y)
        sq = ((y - y_hat) ** 2).sum()
        mistakes = {MISSING_HALF: sq / n, MISSING_1_OVER_N: sq / 2, PER_ENTRY: sq / (2 * n * d)}
        expect_close(what, got, expected, mistakes=mistakes, hint="L is one number, a float.")


def mse(fn: Fn) -> None:
    """Check mse(y_hat, y) -> L = sum((y - y_hat)**2) / (2n), a float."""
    guard()
    _check_mse(fn, [("5 examples, 3 outputs", 7, 5, 3), ("4 examples, 1 output", 8, 4, 1)])
    passed("mse")


def _check_mse_grad(fn: Fn, cases: list[tuple[str, int, int, int]]) -> None:
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
            PER_ENTRY: diff / (n * d),
        }
        expect_shape(what, got, y.shape, hint="dL/dy_hat has one entry per entry of y_hat.")
        expect_close(what, got, expected, mistakes=mistakes)


def mse_grad(fn: Fn) -> None:
    """Check mse_grad(y_hat, y) -> dL/dy_hat = (y_hat - y) / n, shape like y_hat."""
    guard()
    _check_mse_grad(fn, [("5 examples, 3 outputs", 9, 5, 3), ("6 examples, 1 output", 10, 6, 1)])
    passed("mse_grad")
