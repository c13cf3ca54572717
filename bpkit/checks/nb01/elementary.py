"""nb01: Exercise 3: local_derivatives."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._answers import kind as _kind
from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    expect_raises,
    guard,
    passed,
)
from bpkit.checks.nb01._common import _type


# ----- Exercise 3: local_derivatives ---------------------------------------------------------
def _sig(p: float) -> float:
    return 1.0 / (1.0 + math.exp(-p)) if p >= 0 else math.exp(p) / (1.0 + math.exp(p))


def _forward(op: str, inputs: tuple[float, ...]) -> float:
    p = inputs[0]
    table = {
        "+": lambda: p + inputs[1],
        "*": lambda: p * inputs[1],
        "**": lambda: p ** inputs[1],
        "exp": lambda: math.exp(p),
        "log": lambda: math.log(p),
        "tanh": lambda: math.tanh(p),
        "sigmoid": lambda: _sig(p),
        "relu": lambda: max(p, 0.0),
    }
    return table[op]()


def reference_local_derivatives(op: str, inputs: tuple[float, ...], out: float) -> tuple:
    """The table of notebook 01: d out / d inputs[i] for one elementary operation."""
    p = inputs[0]
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[1], p)
    if op == "**":
        k = inputs[1]
        return (k * p ** (k - 1), 0.0)
    if op == "exp":
        return (out,)
    if op == "log":
        return (1.0 / p,)
    if op == "tanh":
        return (1.0 - out * out,)
    if op == "sigmoid":
        return (out * (1.0 - out),)
    if op == "relu":
        return (1.0 if p > 0 else 0.0,)
    raise ValueError(f"unknown op {op!r}")


SUM_FIRST_ONLY = "only the first input getting a derivative: d(p+q)/dq is 1 too"
SUM_INPUTS = "the inputs returned instead of 1 and 1"
PRODUCT_SWAPPED = "the two derivatives swapped: d(p*q)/dp is q, the *other* input"
PRODUCT_OUTPUT = "the output used: d(p*q)/dp is just q"
POWER_NO_K = "a missing factor k: d(p**k)/dp = k p**(k-1)"
POWER_NOT_LOWERED = "an exponent not lowered: d(p**k)/dp = k p**(k-1)"
POWER_PRECEDENCE = (
    "k * p ** k - 1, which Python reads as (k * p**k) - 1: put the exponent in "
    "brackets, k * p ** (k - 1)"
)
POWER_K_MINUS_1 = "the factor k - 1 where k is needed: d(p**k)/dp = k p**(k-1)"
POWER_EXPONENT = (
    "a derivative for the exponent k: in this table k is a constant, so its local derivative is 0"
)
#: op -> its row written with the wrong variable (the input p where the output is needed, ...)
WRONG_VARIABLE = {
    "exp": "the input p where e**p (that is, out) is needed",
    "log": "1/out where 1/p is needed",
    "tanh": "1 - p**2 where 1 - out**2 is needed (tanh' is written with the output)",
    "sigmoid": "p(1 - p) where out(1 - out) is needed (sigma' is written with the output)",
    "relu": "the output max(p, 0) instead of the step (1 if p > 0 else 0)",
}
APPLIED_AGAIN = {
    op: f"the {op} applied again to out: out is already {op}(p), so use it as it is"
    for op in ("exp", "tanh", "sigmoid")
}
TANH_ONE_MINUS_OUT = "1 - out where 1 - out**2 is needed"
SIGMOID_OUT = "the activation itself, out, instead of out(1 - out)"
RELU_KINK = "1 at the kink p = 0; the table takes 0 there (1 only if p > 0)"
OUTPUT_ITSELF = {
    op: f"the output out = {op}(p) itself instead of its derivative" for op in ("log", "tanh")
}
#: (the row used, the op it was used for) -> label
MIXED_ROW = {
    (other, op): f"the row of {other!r} used for {op!r} (a mixed-up branch?)"
    for op in WRONG_VARIABLE
    for other in WRONG_VARIABLE
    if other != op
}
NOT_A_TUPLE = "should return a tuple with one derivative per input"
EXPONENT_IS_INPUT = "for '**' the exponent k is an input too: its derivative is 0"
NOT_NUMBERS = "should return numbers"
UNKNOWN_OP = "should raise ValueError for the unknown op"  # what expect_raises says of none


def _local_mistakes(op: str, inputs: tuple[float, ...], out: float) -> dict[str, tuple]:
    p = inputs[0]
    if op == "+":
        return {SUM_FIRST_ONLY: (1.0, 0.0), SUM_INPUTS: (p, inputs[1])}
    if op == "*":
        q = inputs[1]
        return {PRODUCT_SWAPPED: (p, q), PRODUCT_OUTPUT: (out, out)}
    if op == "**":
        k = inputs[1]
        named = {
            POWER_NO_K: (p ** (k - 1), 0.0),
            POWER_NOT_LOWERED: (k * p**k, 0.0),
            POWER_PRECEDENCE: (k * p**k - 1, 0.0),
            POWER_K_MINUS_1: ((k - 1) * p ** (k - 1), 0.0),
        }
        if p > 0:
            named[POWER_EXPONENT] = (k * p ** (k - 1), out * math.log(p))
        return named
    wrong_in_terms_of_input = {
        "exp": p,
        "log": 1.0 / out if out else math.inf,
        "tanh": 1.0 - p * p,
        "sigmoid": p * (1.0 - p),
        "relu": max(p, 0.0),
    }
    mistakes = {WRONG_VARIABLE[op]: (wrong_in_terms_of_input[op],)}
    again = {
        "exp": lambda: math.exp(out),
        "tanh": lambda: 1.0 - math.tanh(out) ** 2,
        "sigmoid": lambda: _sig(out) * (1.0 - _sig(out)),
    }
    if op in again:
        try:
            twice = again[op]()
        except OverflowError:
            twice = math.inf
        mistakes[APPLIED_AGAIN[op]] = (twice,)
    if op == "tanh":
        mistakes[TANH_ONE_MINUS_OUT] = (1.0 - out,)
    if op == "sigmoid":
        mistakes[SIGMOID_OUT] = (out,)
    if op == "relu":
        mistakes[RELU_KINK] = (1.0,)
    if op == "log":
        mistakes[WRONG_SIGN] = (-1.0 / p,)
    if op in OUTPUT_ITSELF:
        mistakes[OUTPUT_ITSELF[op]] = (out,)
    rows = {
        "exp": out,
        "log": 1.0 / p if p else math.inf,
        "tanh": 1.0 - out * out,
        "sigmoid": out * (1.0 - out),
        "relu": 1.0 if p > 0 else 0.0,
    }
    for other, value in rows.items():
        if other != op and MIXED_ROW[other, op] not in mistakes:
            mistakes[MIXED_ROW[other, op]] = (value,)
    return mistakes


TABLE_ROWS = {
    "+": "(1, 1)",
    "*": "(q, p)",
    "**": "(k p**(k-1), 0)",
    "exp": "(out,)",
    "log": "(1/p,)",
    "tanh": "(1 - out**2,)",
    "sigmoid": "(out (1 - out),)",
    "relu": "(1,) if p > 0, else (0,)",
}

# (op, inputs) pairs; out is computed here.
VISIBLE_LOCAL: list[tuple[str, tuple[float, ...]]] = [
    ("+", (0.5, -2.0)),
    ("*", (1.5, -2.0)),
    ("*", (-0.3, 4.0)),
    ("**", (1.7, 3.0)),
    ("**", (2.0, -1.0)),
    ("exp", (0.4,)),
    ("log", (2.5,)),
    ("tanh", (0.8,)),
    ("sigmoid", (-1.2,)),
    ("relu", (1.3,)),
    ("relu", (-0.7,)),
    ("relu", (0.0,)),
]


def _check_local_derivatives(
    fn: Callable[..., Any], cases: Sequence[tuple[str, tuple[float, ...]]]
) -> None:
    guard()
    for op, inputs in cases:
        out = _forward(op, inputs)
        what = f"local_derivatives({op!r}, {inputs}, out={out:.6g})"
        got = call(fn, op, tuple(inputs), out, what=what)
        right = reference_local_derivatives(op, inputs, out)
        expect(
            _type(got) in (_type(()), _type([])) or isinstance(got, np.ndarray),
            f"{what} {NOT_A_TUPLE}, got {_kind(got)}: {got!r}",
        )
        expect(
            len(got) == len(right),
            f"{what} should return {len(right)} derivative(s), one per input, got {len(got)}"
            + (f" ({EXPONENT_IS_INPUT})" if op == "**" else ""),
        )
        mistakes = {
            k: v for k, v in _local_mistakes(op, inputs, out).items() if not np.allclose(v, right)
        }
        try:
            values = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise CheckError(f"{what} {NOT_NUMBERS}, got {got!r:.200}") from None
        try:
            expect_close(what, values, np.asarray(right), mistakes=mistakes, rtol=1e-9, atol=1e-12)
        except CheckError as error:
            if not str(error).startswith(f"{what} is not correct:"):
                raise
            shown = ", ".join(f"{v:.6g}" for v in values.ravel())
            expected = ", ".join(f"{v:.6g}" for v in right)
            raise CheckError(
                f"{what} is not correct: got ({shown}), expected ({expected}). The table's row "
                f"for {op!r} gives {TABLE_ROWS[op]}."
            ) from None
    what = "local_derivatives('sqrt', (2.0,), 1.414)"
    expect_raises(what, lambda: fn("sqrt", (2.0,), 2.0**0.5), "op", "sqrt")
    passed("local_derivatives")
