"""nb07: exercise 7: initialization by activation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    expect_shape,
    guard,
    passed,
)
from bpkit.checks.nb07._common import _asarray, _default_rng, _sqrt

# ----- exercise 7: initialization by activation ------------------------------------------------
SIGMOID_GAIN = 4.0  # 1 / sigmoid'(0): Glorot and Bengio's factor for sigmoid layers

_RIGHT = {
    "relu": "He, sqrt(2 / fan_in)",
    "tanh": "Xavier, sqrt(2 / (fan_in + fan_out))",
    "sigmoid": "4 * sqrt(2 / (fan_in + fan_out))",
}


def _he_for(act: str) -> str:
    return f"He scaling for {act}; use {_RIGHT[act]}"


def _gain_for(act: str) -> str:
    return f"the sigmoid's 4 * Xavier for {act}; use {_RIGHT[act]}"


FAN_OUT = "fan_out (d_out) used instead of fan_in (d_in)"
VARIANCE = "a missing square root: that is the variance, not the standard deviation"
XAVIER_FOR_RELU = (
    "Xavier scaling for ReLU; ReLU zeroes half its inputs, so use He, sqrt(2 / fan_in)"
)
XAVIER_FOR_SIGMOID = (
    "Xavier's tanh scale for sigmoid. The sigmoid's slope at 0 is 1/4, not 1, so with Xavier "
    "weights every sigmoid layer shrinks the backward signal about 4 times (notebook 06 "
    "measured it); multiply Xavier's standard deviation by 4"
)
HE_FOR_TANH, HE_FOR_SIGMOID = _he_for("tanh"), _he_for("sigmoid")
GAIN_FOR_RELU, GAIN_FOR_TANH = _gain_for("relu"), _gain_for("tanh")
GAIN_ON_VARIANCE = "2 * Xavier: the factor 4 multiplies the standard deviation, not the variance"
LECUN = "sqrt(1 / fan_in), LeCun's scale"
UNSCALED = "unscaled N(0, 1) weights"
B_NOT_ZERO = "b should start at zero"
NOT_CENTRED = "the weights should have mean 0"
W_NOT_REPRODUCIBLE = "two calls with generators made from the same seed gave different weights"
W_RNG_IGNORED = (
    "generators made from two different seeds gave the same weights: the function ignores its "
    "rng argument"
)

VISIBLE_INIT: Sequence[tuple[int, int, str]] = (
    (400, 100, "relu"),
    (100, 400, "tanh"),
    (250, 150, "sigmoid"),
)


def _target_std(d_in: int, d_out: int, activation: str) -> float:
    """He for ReLU, Xavier for tanh, 4 times Xavier for sigmoid."""
    if activation == "relu":
        return float(_sqrt(2.0 / d_in))
    xavier = float(_sqrt(2.0 / (d_in + d_out)))
    return SIGMOID_GAIN * xavier if activation == "sigmoid" else xavier


def _init_diagnosis(std: float, d_in: int, d_out: int, act: str) -> str | None:
    want = _target_std(d_in, d_out, act)
    he, xavier = float(_sqrt(2.0 / d_in)), float(_sqrt(2.0 / (d_in + d_out)))
    diagnoses = [
        (float(_sqrt(2.0 / d_out)), FAN_OUT),
        (want**2, VARIANCE),
        (xavier, XAVIER_FOR_RELU if act == "relu" else XAVIER_FOR_SIGMOID),
        (he, _he_for(act)),
        (SIGMOID_GAIN * xavier, _gain_for(act)),
        (2 * xavier, GAIN_ON_VARIANCE),
        (float(_sqrt(1.0 / d_in)), LECUN),
        (1.0, UNSCALED),
    ]
    return next(
        (text for s, text in diagnoses if abs(s / want - 1) > 0.03 and abs(std / s - 1) <= 0.03),
        None,
    )


def _check_init_layer(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[int, int, str]],
    seed: int,
) -> None:
    """Check ``init_layer(d_in, d_out, activation, rng) -> (W, b)`` statistically.

    W has shape (d_out, d_in), mean 0 and the standard deviation of He (ReLU), Xavier (tanh) or
    4 times Xavier (sigmoid) within 3 %; b is zero; the same seed gives the same W, and another
    seed another W.
    """
    guard()
    for d_in, d_out, act in cases:
        what = f"init_layer(d_in={d_in}, d_out={d_out}, activation={act!r}, rng)"
        got = call(student_fn, d_in, d_out, act, _default_rng(seed), what=what)
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise CheckError(f"{what} should return the pair (W, b).")
        W, b = _asarray(got[0], dtype=float), got[1]
        expect_shape(f"{what}: W", W, (d_out, d_in), hint="W has one row per output unit.")
        expect_shape(f"{what}: b", b, (d_out,))
        expect(not _asarray(b).any(), f"{what}: {B_NOT_ZERO}.")
        std, want = float(W.std()), _target_std(d_in, d_out, act)
        expect(
            abs(float(W.mean())) < 0.1 * want,
            f"{what}: {NOT_CENTRED}, got {float(W.mean()):.4f}.",
        )
        if abs(std / want - 1) <= 0.03:
            continue
        hint = _init_diagnosis(std, d_in, d_out, act)
        raise CheckError(
            f"{what}: the weights have standard deviation {std:.4f}, expected {want:.4f}"
            + (f": it looks like {hint}." if hint else ".")
        )
    W1 = call(student_fn, 30, 20, "relu", _default_rng(seed + 1), what="init_layer")[0]
    W2 = call(student_fn, 30, 20, "relu", _default_rng(seed + 1), what="init_layer")[0]
    expect(
        bool((_asarray(W1) == _asarray(W2)).all()),
        f"init_layer: {W_NOT_REPRODUCIBLE}. Draw from the rng argument, not from np.random.",
    )
    W3 = call(student_fn, 30, 20, "relu", _default_rng(seed + 2), what="init_layer")[0]
    expect(
        not bool((_asarray(W1) == _asarray(W3)).all()),
        f"init_layer: {W_RNG_IGNORED}. Draw from it: rng.normal(0.0, std, size=(d_out, d_in)).",
    )
    passed("init_layer")
