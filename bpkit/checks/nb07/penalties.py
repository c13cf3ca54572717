"""nb07: exercises 1 and 2: the L2 and L1 penalties."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb07._common import _abs, _default_rng, _sign, _sqrt, _where, _zeros_like
from bpkit.optim import is_weight as _is_weight
from bpkit.optim import l1_penalty as _ref_l1
from bpkit.optim import l2_penalty as _ref_l2

# ----- exercises 1 and 2: the L2 and L1 penalties -----------------------------------------------
PENALIZED_BIASES = "the biases penalized too (only the weights W are penalized)"
MISSING_LAM = "a missing lam"
LAST_ONLY = (
    "only the last weight matrix counted: add every layer's term (value += ..., not value = ...)"
)
NO_WEIGHTS = (
    'no weight penalized at all: a weight\'s name ends in W ("0.W", "2.W" or just "W"), '
    'e.g. name.split(".")[-1] == "W"'
)
MISSING_LAM_IN_VALUE = MISSING_LAM + " in the value"
GRADS_FIRST = "returned (grads, value): the pair is in the wrong order"
L2_NO_HALF = "a missing 1/2 (the penalty is lam / 2 times the sum of squares)"
L2_NORM = "the norm instead of its square"
L2_MEAN = "a mean of the squares instead of their sum"
L2_FACTOR_2 = "an extra factor 2 (the 1/2 cancels the 2 from the square)"
L1_NO_ABS = "a sum without the absolute value"
L1_IS_L2 = "the L2 penalty instead of L1"
L1_HALF = "an extra 1/2 (the 1/2 belongs to L2, where it cancels the 2 of the square)"
L1_MEAN = "a mean of |W| instead of the sum"
L1_L2_GRAD = "the L2 gradient lam * W instead of lam * sign(W)"
SIGN_0_PLUS = (
    "sign(0) taken as +1: where a weight is exactly 0 the gradient must be 0, as the "
    "docstring says (np.sign(0) == 0; a test like w >= 0 gives +lam there)"
)
SIGN_0_MINUS = (
    "sign(0) taken as -1: where a weight is exactly 0 the gradient must be 0, as the "
    "docstring says (np.sign(0) == 0; a test like w > 0 gives -lam there)"
)
L1_NAN = (
    "lam * W / |W|, which is 0 / 0 = NaN where a weight is exactly 0; use "
    "lam * np.sign(W), which is 0 there"
)

Arrays = dict[str, np.ndarray]
Shapes = dict[str, tuple[int, ...]]

VISIBLE_PENALTY: Sequence[tuple[str, int, Shapes, float]] = (
    ("one layer", 1, {"W": (3, 4), "b": (3,)}, 0.1),
    ("a 2-layer model", 2, {"0.W": (5, 2), "0.b": (5,), "2.W": (1, 5), "2.b": (1,)}, 0.03),
)


def _params(seed: int, shapes: Shapes) -> Arrays:
    """Seeded parameters; every weight matrix holds exact zeros (each fourth entry), where the
    L1 (sub)gradient must be 0."""
    gen = _default_rng(seed)
    params = {name: gen.normal(size=shape) for name, shape in shapes.items()}
    for name, p in params.items():
        if _is_weight(name):
            p.ravel()[::4] = 0.0
    return params


def _pair(got: Any, what: str) -> tuple[Any, Any]:
    if got is None:
        raise CheckError(f"{what} returned None. Return the pair (value, grads).")
    if not isinstance(got, tuple | list) or len(got) != 2:
        raise CheckError(f"{what} should return a pair (value, grads), got {type(got).__name__}.")
    if isinstance(got[0], dict) and not isinstance(got[1], dict):
        raise CheckError(f"{what} {GRADS_FIRST}. Return (value, grads), the penalty first.")
    return got[0], got[1]


def _check_grads(what: str, grads: Any, params: Arrays, ref: Arrays, mistakes: dict) -> None:
    expect(
        isinstance(grads, dict) and set(grads) == set(params),
        f"{what}: grads should be a dict with the same keys as params {sorted(params)}, got "
        f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}. Give every "
        "parameter a gradient (zeros for biases).",
    )
    for name in params:
        expect_close(
            f"{what}: grads[{name!r}]",
            grads[name],
            ref[name],
            mistakes={label: m[name] for label, m in mistakes.items()},
        )


def _penalty_check(
    student_fn: Callable[..., Any],
    fn_name: str,
    reference: Callable[[Arrays, float], tuple[float, Arrays]],
    wrong_values: Callable[[Arrays, float, float], dict[str, float]],
    wrong_grads: Callable[[Arrays, float], dict[str, Arrays]],
    cases: Sequence[tuple[str, int, Shapes, float]],
) -> None:
    for label, seed, shapes, lam in cases:
        params = _params(seed, shapes)
        what = f"{fn_name} ({label}, lam={lam})"
        value, grads = _pair(call(student_fn, params, lam, what=what), what)
        ref_value, ref_grads = reference(params, lam)
        expect_close(
            f"{what}: the penalty value",
            value,
            ref_value,
            mistakes=wrong_values(params, lam, ref_value),
        )
        _check_grads(what, grads, params, ref_grads, wrong_grads(params, lam))


def _all_sum(params: Arrays, fn: Callable[[np.ndarray], float]) -> float:
    return sum(fn(p) for p in params.values())


def _weights_sum(params: Arrays, fn: Callable[[np.ndarray], float]) -> float:
    return sum(fn(p) for k, p in params.items() if _is_weight(k))


def _last_weight(params: Arrays, fn: Callable[[np.ndarray], float]) -> float:
    weights = [p for k, p in params.items() if _is_weight(k)]
    return fn(weights[-1]) if weights else 0.0


def _weights_only(params: Arrays, fn: Callable[[np.ndarray], np.ndarray]) -> Arrays:
    """{name: fn(W)} for weights and zeros for biases: the shape of every penalty gradient."""
    return {k: fn(p) if _is_weight(k) else _zeros_like(p) for k, p in params.items()}


def _check_l2_penalty(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, Shapes, float]],
) -> None:
    """Check ``l2_penalty(params, lam) -> (lam/2 * sum of W**2, {name: lam * W or 0})``."""
    guard()

    def values(params: Arrays, lam: float, ref: float) -> dict[str, float]:
        squares = _weights_sum(params, lambda p: float((p * p).sum()))
        return {
            L2_NO_HALF: 2 * ref,
            PENALIZED_BIASES: 0.5 * lam * _all_sum(params, lambda p: float((p * p).sum())),
            L2_NORM: 0.5 * lam * _sqrt(squares),
            MISSING_LAM_IN_VALUE: 0.5 * squares,
            L2_MEAN: 0.5 * lam * _weights_sum(params, lambda p: float((p * p).mean())),
            LAST_ONLY: 0.5 * lam * _last_weight(params, lambda p: float((p * p).sum())),
            NO_WEIGHTS: 0.0,
        }

    def grads(params: Arrays, lam: float) -> dict[str, Arrays]:
        return {
            WRONG_SIGN: _weights_only(params, lambda p: -lam * p),
            PENALIZED_BIASES: {k: lam * p for k, p in params.items()},
            MISSING_LAM: _weights_only(params, lambda p: p),
            L2_FACTOR_2: _weights_only(params, lambda p: 2 * lam * p),
        }

    _penalty_check(student_fn, "l2_penalty", _ref_l2, values, grads, cases)
    passed("l2_penalty")


def _check_l1_penalty(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, Shapes, float]],
) -> None:
    """Check ``l1_penalty(params, lam) -> (lam * sum of |W|, {name: lam * sign(W) or 0})``."""
    guard()

    def values(params: Arrays, lam: float, ref: float) -> dict[str, float]:
        return {
            PENALIZED_BIASES: lam * _all_sum(params, lambda p: float(_abs(p).sum())),
            L1_NO_ABS: lam * _weights_sum(params, lambda p: float(p.sum())),
            L1_IS_L2: 0.5 * lam * _weights_sum(params, lambda p: float((p * p).sum())),
            L1_HALF: 0.5 * ref,
            MISSING_LAM_IN_VALUE: ref / lam if lam else ref,
            L1_MEAN: lam * _weights_sum(params, lambda p: float(_abs(p).mean())),
            LAST_ONLY: lam * _last_weight(params, lambda p: float(_abs(p).sum())),
            NO_WEIGHTS: 0.0,
        }

    def grads(params: Arrays, lam: float) -> dict[str, Arrays]:
        with np.errstate(all="ignore"):
            ratio = _weights_only(params, lambda p: lam * p / _abs(p))
        return {
            WRONG_SIGN: _weights_only(params, lambda p: -lam * _sign(p)),
            PENALIZED_BIASES: {k: lam * _sign(p) for k, p in params.items()},
            L1_L2_GRAD: _weights_only(params, lambda p: lam * p),
            MISSING_LAM: _weights_only(params, _sign),
            SIGN_0_PLUS: _weights_only(params, lambda p: lam * _where(p >= 0, 1.0, -1.0)),
            SIGN_0_MINUS: _weights_only(params, lambda p: lam * _where(p > 0, 1.0, -1.0)),
            L1_NAN: ratio,
        }

    _penalty_check(student_fn, "l1_penalty", _ref_l1, values, grads, cases)
    passed("l1_penalty")
