"""Visible checks for notebook 00 (welcome: numpy in the course's notation).

One public function per exercise. Each runs named, seeded cases and names the likely mistake; the
hidden checks (``bpkit_grader.nb00``) call the same private ``_check_*`` functions with other
shapes and seeds. References come from bpkit (``Linear``, ``functional.sigmoid``, ``losses.mse``),
never from the student's code.

:func:`~bpkit.checks._messages.numpy_error_hint` turns numpy's bare broadcasting and matmul errors
into the mistake they usually come from.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit import functional, losses
from bpkit.checks._answers import function_tree as _function_tree
from bpkit.checks._core import (
    MISSING_1_OVER_N,
    TRANSPOSED_W,
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import (
    B_COLUMN,
    ELEMENTWISE,
    expect_number,
    joined,
    named_error,
    numpy_error_hint,
)
from bpkit.layers import Linear

Fn = Callable[..., Any]
_type = object.__class__


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _maybe(make: Callable[[], Any]) -> Any:
    """What a mistake gives, or None when it would not even run on these shapes."""
    try:
        with np.errstate(all="ignore"):
            return make()
    except (ValueError, TypeError, ZeroDivisionError):
        return None


def _known(named: dict[str, Any]) -> dict[str, Any]:
    return {label: value for label, value in named.items() if value is not None}


# ----- numpy's bare errors, named ---------------------------------------------------------------
def _call(fn: Fn, *args: Any, what: str, names: dict[tuple[int, ...], str], **kw: Any) -> Any:
    """``call``, with numpy's broadcasting and matmul errors named by ``names``."""
    try:
        return call(fn, *args, what=what, **kw)
    except CheckError as error:
        raise named_error(error, numpy_error_hint(str(error), names)) from error.__cause__


# ----- Exercise 1: linear_forward -------------------------------------------------------------
NO_BIAS = "a missing bias: z = a_prev @ W.T + b, and b is added to every row"
BIAS_SUBTRACTED = f"{WRONG_SIGN} on b: z = a_prev @ W.T + b adds the bias, it does not subtract it"
BIAS_TIMES = "b multiplied in instead of added: z = a_prev @ W.T + b"
BIAS_ON_INPUT = "b added to the input before the product instead of to z: z = a_prev @ W.T + b"
COLUMN_LAYOUT = (
    "examples stored as columns (W @ a_prev.T): in this course rows are examples, so "
    "z = a_prev @ W.T + b has one row per example"
)


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
        names = {
            (d_out, 1): B_COLUMN,
            (d_in, d_out): ELEMENTWISE,
            (d_out, d_in): ELEMENTWISE,
            (d_out, n): COLUMN_LAYOUT,
        }
        if n == d_out and d_in == 1:  # b as a column would have a_prev's shape: say nothing
            del names[(d_out, 1)]
        got = _call(fn, a_prev, W, b, what="linear_forward(a_prev, W, b)", names=names)
        expected = _linear_reference(a_prev, W, b)
        mistakes = {
            NO_BIAS: a_prev @ W.T,
            BIAS_SUBTRACTED: a_prev @ W.T - b,
            TRANSPOSED_W: _maybe(lambda: a_prev @ W + b),  # noqa: B023 - used right away
            B_COLUMN: _maybe(lambda: a_prev @ W.T + b[:, None]),  # noqa: B023
            ELEMENTWISE: _maybe(lambda: a_prev * W + b),  # noqa: B023
            COLUMN_LAYOUT: W @ a_prev.T + b[:, None],
            BIAS_TIMES: a_prev @ W.T * b,
            BIAS_ON_INPUT: _maybe(lambda: (a_prev + b) @ W.T),  # noqa: B023
        }
        expect_close(
            what,
            got,
            expected,
            mistakes=_known(mistakes),
            hint="Rows are examples: z has one row per example, shape (n, d_out).",
        )


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
WRONG_AXIS = (
    "an average over the wrong axis: axis=1 averages the features of each example, but the "
    "batch axis (one row per example) is axis 0"
)
BY_FEATURES = (
    "a sum over the examples divided by the number of features d = a.shape[1]; divide by the "
    "number of examples n = a.shape[0]"
)
BY_ENTRIES = (
    "a sum over the examples divided by the number of entries n*d (a.size); divide by the "
    "number of examples n = a.shape[0]"
)
BY_N_MINUS_1 = "a division by n - 1 (that is for an unbiased variance); a mean divides by n"
MEAN_OF_ALL = "the mean of every entry (a.mean() without axis): average over axis 0 only"
KEEPDIMS = "keepdims=True, which keeps the averaged axis with length 1; return shape (d,)"
SUM_OF_ALL = "a sum over every entry (np.sum without axis): sum over axis 0 only, then divide by n"
MEDIAN = "the median over the batch; the mean is the sum over the examples divided by n"
FIRST_ROW = "the first example a[0] alone: average all n rows, a.sum(axis=0) / n"
AS_COLUMN = "a column of shape (d, 1): return a flat array of shape (d,)"


def _check_batch_mean(fn: Fn, cases: list[tuple[str, int, int, int]]) -> None:
    """cases: (name, seed, n, d). A square case first diagnoses the wrong axis."""
    for name, seed, n, d in cases:
        a = _rng(seed).normal(loc=1.0, size=(n, d))
        what = f"batch_mean on {name} (a of shape {a.shape})"
        got = call(fn, a, what="batch_mean(a)")
        total = a.sum(axis=0)
        mistakes = {
            MISSING_1_OVER_N: total,
            WRONG_AXIS: a.mean(axis=1),
            BY_FEATURES: total / d if d != n else None,
            BY_ENTRIES: total / (n * d) if d > 1 else None,
            BY_N_MINUS_1: total / (n - 1) if n > 1 else None,
            MEAN_OF_ALL: a.mean(),
            KEEPDIMS: a.mean(axis=0, keepdims=True),
            SUM_OF_ALL: a.sum() / n,
            MEDIAN: np.median(a, axis=0) if n > 2 else None,
            FIRST_ROW: a[0] if n > 1 else None,
            AS_COLUMN: (total / n)[:, None],
        }
        expect_close(
            what,
            got,
            total / n,
            mistakes=_known(mistakes),
            hint="Average over the examples (axis 0): one value per column, shape (d,).",
        )


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
NO_ONE_PLUS = "1 / e^(-z) without the 1 + in the denominator: sigmoid(z) = 1 / (1 + e^(-z))"
ONE_MINUS = "1 / (1 - e^(-z)): the denominator is 1 + e^(-z)"
PRECEDENCE = (
    "1 / 1 + np.exp(-z), which Python reads as (1 / 1) + e^(-z); put the denominator in "
    "brackets: 1 / (1 + np.exp(-z))"
)
TANH = "tanh(z), which is a different S-shaped function with outputs in (-1, 1)"
SIGMOID_PRIME = "the derivative sigma(z) (1 - sigma(z)) instead of sigma(z) itself"
TANH_UNHALVED = "(1 + tanh(z)) / 2: the identity is sigma(z) = (1 + tanh(z / 2)) / 2, with z / 2"
ABS_EVERYWHERE = (
    "1 / (1 + e^(-|z|)) for every entry: that is sigma(z) only where z >= 0; where z < 0 use "
    "e / (1 + e) with e = e^(-|z|)"
)
STABLE_HINT = (
    "For z = -1e4 the formula 1 / (1 + np.exp(-z)) needs e^10000, which overflows. Compute "
    "e = np.exp(-np.abs(z)) (never overflows) and use 1 / (1 + e) where z >= 0 and e / (1 + e) "
    "where z < 0. Note that np.where(cond, x, y) computes both x and y on every entry before "
    "choosing, so each of them must be safe for every z."
)
SILENCED = (
    "sigmoid gives the right numbers but silences numpy's warnings ({found}) instead of "
    "avoiding the overflow. This exercise is about numerical stability: the formula itself must "
    "not overflow for |z| around 1e4. Remove the silencing and use the stable form. "
) + STABLE_HINT
_SILENCERS = ("errstate", "seterr", "catch_warnings", "filterwarnings", "simplefilter")


def _error_settings() -> dict[str, str]:
    """numpy's global floating-point error settings, as sigmoid will run under them."""
    return dict(np.geterr())


def _silencers(fn: Any, name: str) -> list[str]:
    """The warning-silencing calls (np.errstate, warnings.catch_warnings, ...) in fn's source."""
    tree = _function_tree(fn, name)
    if tree is None:
        return []
    found = []
    for node in ast.walk(tree):
        word = node.attr if _type(node) is ast.Attribute else getattr(node, "id", None)
        if word in _SILENCERS and word not in found:
            found.append(word)
    return found


CLIPPED = (
    "z clipped to about [{low:.4g}, {high:.4g}] before np.exp: that range is too narrow, "
    "sigmoid({low:.4g}) is {value:.3g}, not about 0. Clipping to +-500 would avoid the overflow, "
    "but the stable form needs no clipping at all"
)


def _clip_bound(z: np.ndarray, got: Any) -> float | None:
    """c if got looks like sigmoid(clip(z, -c, c)) with 0 < c < 500, else None."""
    try:
        with np.errstate(all="ignore"):
            g = np.asarray(got, dtype=float)
            if g.shape != z.shape or not bool(np.isfinite(g).all()):
                return None
            low = g[z == z.min()].max()
            if not 0.0 < low < 0.5:
                return None
            c = float(np.log(1.0 / low - 1.0))  # sigmoid(-c) = low
            clipped = functional.sigmoid(np.clip(z, -c, c))
    except (ValueError, TypeError, ZeroDivisionError):
        return None
    ok = bool((np.abs(clipped - g) <= 1e-9 + 1e-7 * np.abs(clipped)).all())
    return c if ok and 0.0 < c < 500.0 else None


def _sigmoid_error(message: str, large: bool) -> str:
    """What to add to an error of the student's sigmoid."""
    label = numpy_error_hint(message, {})
    if label:
        return f"It looks like {label}."
    if large or "numerical stability" in message or "OverflowError" in message:
        return STABLE_HINT
    return ""


def _check_sigmoid(fn: Fn, cases: list[tuple[str, np.ndarray]]) -> None:
    settings = call(_error_settings, what="numpy's error settings")
    for name, z in cases:
        what = f"sigmoid on {name}"
        large = bool(np.abs(z).max() > 500)
        try:
            with np.errstate(under="ignore"):  # e^-10000 = 0 is fine, even where underflow warns
                got = call(fn, z, what=f"sigmoid(z) on {name}", stable=True)
        except CheckError as error:  # e.g. an overflow warning: say how to avoid it
            extra = _sigmoid_error(str(error), large)
            raise CheckError(joined(str(error), extra)) from error.__cause__
        with np.errstate(all="ignore"):  # the references must not warn, whatever the settings
            expected = functional.sigmoid(z)
            mistakes = {
                WRONG_SIGN: functional.sigmoid(-z),
                NO_ONE_PLUS: np.exp(z),
                ONE_MINUS: 1.0 / (1.0 - np.exp(-z)),
                PRECEDENCE: 1.0 + np.exp(-z),
                TANH: np.tanh(z),
                SIGMOID_PRIME: expected * (1.0 - expected),
                TANH_UNHALVED: (1.0 + np.tanh(z)) / 2,
                ABS_EVERYWHERE: functional.sigmoid(np.abs(z)),
            }
        try:
            expect_close(
                what,
                got,
                expected,
                mistakes=mistakes,
                rtol=1e-9,
                atol=1e-12,
                hint=STABLE_HINT if large else "The sigmoid acts on each entry separately.",
            )
        except CheckError:
            bound = _clip_bound(z, got) if large else None
            if bound is None:
                raise
            clipped = CLIPPED.format(low=-bound, high=bound, value=functional.sigmoid(-bound))
            raise CheckError(f"{what} looks like {clipped}.") from None
        got = np.asarray(got)
        expect(
            bool(((got >= 0) & (got <= 1)).all()),
            f"sigmoid on {name} returned values outside [0, 1]; a probability cannot be.",
        )
    quiet = [f"np.seterr({k}='ignore')" for k in ("over", "invalid") if settings.get(k) == "ignore"]
    found = _silencers(fn, "sigmoid") + quiet[:1]
    expect(not found, SILENCED.format(found=", ".join(found)))


_LARGE = np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4])


def sigmoid(fn: Fn) -> None:
    """Check sigmoid(z) -> 1 / (1 + e^(-z)), elementwise, stable (no warning) for |z| ~ 1e4."""
    guard()
    _check_sigmoid(
        fn,
        [
            ("12 points in [-5.5, 5.5]", np.linspace(-5.5, 5.5, 12)),
            ("a (3, 4) array", _rng(6).normal(scale=3.0, size=(3, 4))),
            ("z = 0 and large |z| (-1e4, -1000, 0, 1000, 1e4)", _LARGE),
        ],
    )
    passed("sigmoid")


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


def _check_mse(fn: Fn, cases: list[tuple[str, int, int, int]]) -> None:
    """cases: (name, seed, n, d); d > 1 tells dividing by n from dividing by n*d."""
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


def mse_grad(fn: Fn) -> None:
    """Check mse_grad(y_hat, y) -> dL/dy_hat = (y_hat - y) / n, shape like y_hat."""
    guard()
    _check_mse_grad(fn, [("5 examples, 3 outputs", 9, 5, 3), ("6 examples, 1 output", 10, 6, 1)])
    passed("mse_grad")
