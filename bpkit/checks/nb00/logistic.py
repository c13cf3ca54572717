"""nb00: Exercise 3: sigmoid."""

from __future__ import annotations

import ast
from typing import Any

import numpy as np

from bpkit import functional
from bpkit.checks._answers import function_tree as _function_tree
from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import (
    joined,
    numpy_error_hint,
)
from bpkit.checks.nb00._common import Fn, _rng

_type = object.__class__

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
OUTSIDE_01 = "values outside [0, 1]; a probability cannot be"
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


_LARGE = np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4])
VISIBLE_SIGMOID: list[tuple[str, np.ndarray]] = [
    ("12 points in [-5.5, 5.5]", np.linspace(-5.5, 5.5, 12)),
    ("a (3, 4) array", _rng(6).normal(scale=3.0, size=(3, 4))),
    ("z = 0 and large |z| (-1e4, -1000, 0, 1000, 1e4)", _LARGE),
]


def _check_sigmoid(fn: Fn, cases: list[tuple[str, np.ndarray]]) -> None:
    guard()
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
        expect(bool(((got >= 0) & (got <= 1)).all()), f"sigmoid on {name} returned {OUTSIDE_01}.")
    quiet = [f"np.seterr({k}='ignore')" for k in ("over", "invalid") if settings.get(k) == "ignore"]
    found = _silencers(fn, "sigmoid") + quiet[:1]
    expect(not found, SILENCED.format(found=", ".join(found)))
    passed("sigmoid")
