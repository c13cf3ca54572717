"""Messages shared by several notebooks' checks: numpy's bare errors named, one-number answers.

numpy reports a wrong shape as "operands could not be broadcast together with shapes (4,3) (3,1)";
:func:`numpy_error_hint` turns that into the mistake it usually comes from. :func:`expect_number`
is ``expect_close`` for a single number, whose fallback speaks of a number, not of entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.checks._core import CheckError, call, expect, expect_close

_SHAPE = re.compile(r"\(([\d,\s]*)\)")


def broadcast_shapes(message: str) -> list[tuple[int, ...]]:
    """The operand shapes of numpy's "could not be broadcast together" error in ``message``."""
    if "could not be broadcast" not in message:
        return []
    tail = message.split("could not be broadcast", 1)[1]
    return [tuple(int(s) for s in m.split(",") if s.strip()) for m in _SHAPE.findall(tail)]


MATMUL = (
    "a matrix product whose shapes do not line up: in (n, d_in) @ (d_in, d_out) the inner sizes "
    "must agree, and W has shape (d_out, d_in), so the product is a_prev @ W.T"
)
MATH_MODULE = (
    "a function of Python's math module (math.exp, math.tanh, ...) applied to an array: they take "
    "one number at a time. Use numpy's np.exp, np.tanh, ..., which work entry by entry"
)


def numpy_error_hint(message: str, named: dict[tuple[int, ...], str], matmul: str = MATMUL) -> str:
    """The likely mistake behind an error message of a call, or "".

    named: {operand shape: label} for broadcasting errors, e.g. {(3, 1): "b as a column"}; the
    first shape found in the message wins. matmul: the label of a matrix-product shape error.
    """
    shapes = broadcast_shapes(message)
    for shape, label in named.items():
        if shape in shapes:
            return label
    if "matmul:" in message and "mismatch in its core dimension" in message:
        return matmul
    if "arrays can be converted to Python scalars" in message:
        return MATH_MODULE
    return ""


def named_error(error: CheckError, label: str) -> CheckError:
    """``error`` (what the student's code raised) with "It looks like <label>." appended."""
    if not label:
        return error
    return CheckError(joined(str(error), f"It looks like {label}."))


def joined(message: str, extra: str) -> str:
    """``message``, ended with a full stop, then ``extra``."""
    message = message.rstrip()
    if not extra:
        return message
    return f"{message if message.endswith('.') else message + '.'} {extra}"


def expect_number(
    what: str,
    got: Any,
    right: float,
    *,
    mistakes: dict[str, Any],
    rtol: float,
    atol: float,
    hint: str = "",
) -> None:
    """expect_close for one number, whose fallback message talks of a number, not of entries."""
    try:
        expect_close(what, got, right, mistakes=mistakes, rtol=rtol, atol=atol, hint=hint)
    except CheckError as error:
        generic = str(error).startswith(f"{what} is not correct:")
        value = np.asarray(got, dtype=float) if generic else None
        if value is None or value.shape != () or not bool(np.isfinite(value)):
            raise
        g = float(value)
        if right != 0 and g != 0:
            ratio = g / right
            how = f" (that is {ratio:.4g} times the right value: is a factor missing or extra?)"
        else:
            how = ""
        raise CheckError(
            f"{what} is not correct: got {g:.10g}, expected {right:.10g}{how}."
            + (f" {hint}" if hint else "")
        ) from None


# ----- mistakes of a linear layer's forward pass (notebooks 00 and 02) ------------------------
B_COLUMN = (
    "b reshaped into a column of shape (d_out, 1): numpy then adds it down the columns instead of "
    "along every row. Keep b of shape (d_out,), which lines up with the last axis of z"
)
ELEMENTWISE = (
    "an entry-by-entry product a_prev * W: `*` multiplies entry by entry, the matrix product is `@`"
)


_NUMBER = int | float | np.floating | np.integer


#: What :func:`schedule_values` says of a schedule that is not a function of t alone.
NOT_A_SCHEDULE = "should return a function of the"
NOT_A_RATE = "should return a number"
KEEPS_STATE = "your schedule keeps state between calls"


def schedule_values(
    sched: Any, what: str, ts: list[int], *, unit: str, stateful: str = "", formula: str = ""
) -> np.ndarray:
    """The rates a student's learning-rate schedule gives for ``ts``, shape (len(ts),).

    Fails, naming it, unless ``sched`` is a function of t that returns a number and gives the
    same rates when called again in the reverse order (no state kept between calls).
    ``stateful`` and ``formula`` complete that last message.
    """
    expect(
        callable(sched),
        f"{what} {NOT_A_SCHEDULE} {unit} t (got {type(sched).__name__}). "
        "Define an inner def eta(t): ... and return eta.",
    )
    got = [call(sched, t, what=f"{what}({t})") for t in ts]
    expect(
        all(isinstance(e, _NUMBER) for e in got),
        f"{what}(t) {NOT_A_RATE}, got {type(got[0]).__name__}.",
    )
    again = [call(sched, t, what=f"{what}({t})") for t in reversed(ts)][::-1]
    expect(
        all(isinstance(e, _NUMBER) for e in again)
        and np.array_equal(np.asarray(again, dtype=float), np.asarray(got, dtype=float), True),
        f"{what}(t) gave other values when called again for the same t (in another order): "
        f"{KEEPS_STATE}{stateful}. Compute the rate from t alone"
        f"{formula}.",
    )
    return np.asarray(got, dtype=float)


def maybe(make: Callable[[], Any]) -> Any:
    """What a mistake gives, or None when it would not even run on these inputs."""
    try:
        with np.errstate(all="ignore"):
            return make()
    except (ValueError, TypeError, ZeroDivisionError):
        return None


def possible(named: dict[str, Any]) -> dict[str, Any]:
    """The mistakes that can happen on this case (those :func:`maybe` could compute)."""
    return {label: value for label, value in named.items() if value is not None}


def call_naming(
    fn: Callable[..., Any], *args: Any, what: str, names: dict, matmul: str = MATMUL, **kw: Any
) -> Any:
    """``call``, with numpy's broadcasting errors named by ``names`` ({operand shape: label}) and
    its matrix-product shape errors by ``matmul``."""
    try:
        return call(fn, *args, what=what, **kw)
    except CheckError as error:
        raise named_error(error, numpy_error_hint(str(error), names, matmul)) from error.__cause__
