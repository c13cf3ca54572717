"""nb01: Exercise 1: chain_derivative."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from bpkit.checks._core import (
    call,
    guard,
    passed,
)
from bpkit.checks._messages import expect_number

# ----- Exercise 1: chain_derivative ----------------------------------------------------------
# A chain case: (name, fs, dfs, x)
ChainCase = tuple[str, list[Callable[[float], float]], list[Callable[[float], float]], float]

AT_ORIGINAL_X = (
    "every local derivative evaluated at the original x instead of at its own input x_(k-1). "
    "Carry x forward: after using link k, set x = fs[k](x)"
)
AT_OUTPUT = (
    "each local derivative evaluated at its link's output x_k instead of its input x_(k-1). "
    "Take the derivative first, then move x forward"
)
ADDED = "local derivatives added instead of multiplied (the chain rule multiplies)"
REVERSED = "the links applied in reverse order (fs[0] is applied first)"
ZERO_START = (
    "a product that starts at 0.0, so it stays 0: start from 1.0 (the derivative of the empty "
    "chain, x -> x)"
)
ONLY_LAST = (
    "only the last link's local derivative (= where *= is needed): the chain rule multiplies "
    "the local derivatives of every link"
)
VALUES_NOT_DERIVATIVES = (
    "the values f_k(x_(k-1)) multiplied instead of the derivatives: dfs[k] is the derivative of "
    "fs[k], fs[k] only carries x forward"
)
SKIPS_LAST = (
    "the last link left out (a loop that stops one link early?): multiply the local derivatives "
    "of all K links"
)
INPUTS_REVERSED = (
    "each local derivative evaluated at another link's input (the inputs x_0 ... x_(K-1) "
    "taken in reverse order): dfs[k] goes with x_k's predecessor, x_(k-1)"
)
CHAIN_VALUE = "the value x_K of the chain instead of its derivative"
DFS_COMPOSED = (
    "the derivatives composed, dfs[-1](...dfs[0](x)), instead of evaluated at each link's input "
    "and multiplied"
)
LIST_OF_LOCALS = (
    "the list of the local derivatives: the derivative of the chain is their product, one number"
)


def _chain_variants(fs: list, dfs: list, x: float) -> dict[str, float]:
    """The right answer and what common mistakes give, for one chain."""
    xs = [x]
    for f in fs:
        xs.append(f(xs[-1]))
    right = math.prod(df(xk) for df, xk in zip(dfs, xs[:-1], strict=True))
    at_x = math.prod(df(x) for df in dfs)
    at_out = math.prod(df(xk) for df, xk in zip(dfs, xs[1:], strict=True))
    added = sum(df(xk) for df, xk in zip(dfs, xs[:-1], strict=True))
    rx, rev = x, 1.0
    for f, df in zip(fs[::-1], dfs[::-1], strict=True):
        rev *= df(rx)
        rx = f(rx)
    only_last = dfs[-1](xs[-2]) if fs else 1.0
    skips_last = math.prod(df(xk) for df, xk in zip(dfs[:-1], xs[:-2], strict=True))
    swapped_inputs = math.prod(df(xk) for df, xk in zip(dfs, xs[-2::-1], strict=True))
    composed = x
    for df in dfs:
        composed = df(composed)
    values = math.prod(f(xk) for f, xk in zip(fs, xs[:-1], strict=True))
    return {
        "right": right,
        AT_ORIGINAL_X: at_x,
        AT_OUTPUT: at_out,
        ADDED: added,
        REVERSED: rev,
        ONLY_LAST: only_last,
        SKIPS_LAST: skips_last if len(fs) > 1 else math.nan,
        VALUES_NOT_DERIVATIVES: values,
        ZERO_START: 0.0,
        f"{ADDED} (a sum that starts at 1.0)": 1.0 + added,
        INPUTS_REVERSED: swapped_inputs,
        CHAIN_VALUE: xs[-1],
        DFS_COMPOSED: composed,
    }


def _dtanh(t: float) -> float:
    return 1.0 - math.tanh(t) ** 2


VISIBLE_CHAIN: list[ChainCase] = [
    (
        "x -> x**2 -> exp -> sin at x = 0.7",
        [lambda t: t * t, math.exp, math.sin],
        [lambda t: 2.0 * t, math.exp, math.cos],
        0.7,
    ),
    (
        "x -> tanh -> 3x + 1 -> x**2 at x = -0.4",
        [math.tanh, lambda t: 3.0 * t + 1.0, lambda t: t * t],
        [_dtanh, lambda t: 3.0, lambda t: 2.0 * t],
        -0.4,
    ),
    ("one link, exp at x = 0.3", [math.exp], [math.exp], 0.3),
    ("an empty chain (the identity) at x = 2.5", [], [], 2.5),
]


def _check_chain_derivative(fn: Callable[..., Any], cases: Sequence[ChainCase]) -> None:
    guard()
    for name, fs, dfs, x in cases:
        what = f"chain_derivative on the chain {name}"
        got = call(fn, list(fs), list(dfs), x, what=what)
        variants = _chain_variants(list(fs), list(dfs), x)
        right = variants.pop("right")
        mistakes: dict[str, Any] = {
            k: v for k, v in variants.items() if abs(v - right) > 1e-6 * (1 + abs(right))
        }
        xs = [x]
        for f in fs[:-1]:
            xs.append(f(xs[-1]))
        if len(fs) > 1:
            mistakes[LIST_OF_LOCALS] = [df(xk) for df, xk in zip(dfs, xs, strict=True)]
        expect_number(what, got, right, mistakes=mistakes, rtol=1e-9, atol=1e-12)
    passed("chain_derivative")
