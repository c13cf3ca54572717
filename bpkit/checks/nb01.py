"""Visible checks for notebook 01 (the chain rule and computational graphs).

One public function per exercise; each runs named cases and names the likely mistake. The hidden
checks (``bpkit_grader.nb01``) call the same private ``_check_*`` functions with other cases.
References come from formulas and from ``bpkit.autodiff`` (``Value.backward``), never from the
student's code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit import autodiff
from bpkit.autodiff import Value
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
from bpkit.checks._messages import expect_number

_type = object.__class__
_id = id


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


def chain_derivative(fn: Callable[..., Any]) -> None:
    """Check chain_derivative(fs, dfs, x) -> float on several chains."""
    _check_chain_derivative(fn, VISIBLE_CHAIN)


# ----- Exercise 2: central_difference --------------------------------------------------------
# (name, f, x, h or None for the default); the reference is the formula itself.
DiffCase = tuple[str, Callable[[float], float], float, float | None]

FORWARD = "a forward difference (f(x+h) - f(x)) / h; use f(x+h) and f(x-h)"
BACKWARD_DIFF = "a backward difference (f(x) - f(x-h)) / h; use f(x+h) and f(x-h)"
OVER_H = "twice the estimate: the two points are 2h apart, so divide by 2h, not h"
IGNORES_H = "the h argument being ignored: use the h you are given"
TIMES_H = (
    "(f(x+h) - f(x-h)) / 2*h: Python reads `/ 2*h` left to right, as ((f(x+h) - f(x-h)) / 2) * h, "
    "so the difference is multiplied by h instead of divided by it (the result is h**2 times "
    "the estimate). Write / (2*h)"
)
OVER_2_ONLY = "a division by 2 but not by h: the two points are 2h apart, so divide by (2*h)"
NOT_DIVIDED = (
    "the difference f(x+h) - f(x-h) itself: divide it by the distance 2h between the points"
)
PLUS = "f(x+h) + f(x-h): the central difference subtracts, (f(x+h) - f(x-h)) / (2h)"
OVER_H_SQUARED = "a division by h**2: the central difference divides by 2h"
TIMES_2H = "a multiplication by 2h where a division is needed: (f(x+h) - f(x-h)) / (2*h)"
FORWARD_OVER_2H = (
    "a forward difference (f(x+h) - f(x)) divided by 2h: the central difference uses f(x+h) "
    "and f(x-h), which are 2h apart"
)
FOUR_H = (
    "points 4h apart, f(x+2h) and f(x-2h), divided by 2h: use f(x+h) and f(x-h), which are 2h apart"
)
SECOND_DIFF = (
    "the second difference (f(x+h) - 2 f(x) + f(x-h)) / h**2, which estimates f''(x); the first "
    "derivative is (f(x+h) - f(x-h)) / (2h)"
)

VISIBLE_DIFF: list[DiffCase] = [
    ("f = x**3 at x = 1.5 with h = 0.1 (exactly 3x**2 + h**2 = 6.76)", lambda t: t**3, 1.5, 0.1),
    ("f = sin at x = 1 with the default h", math.sin, 1.0, None),
    ("f = cos at x = 1 with h = 0.01 (a negative slope)", math.cos, 1.0, 0.01),
    ("f = exp at x = -0.5 with h = 1e-3", math.exp, -0.5, 1e-3),
]


def _difference_mistakes(f: Callable[[float], float], x: float, h: float) -> dict[str, float]:
    """What the common mistakes give for f at x with step h."""
    diff = f(x + h) - f(x - h)
    tiny = 1e-5 if h != 1e-5 else 1e-6
    fixed = {
        f"{IGNORES_H} (the result matches a fixed step of {step:g})": (f(x + step) - f(x - step))
        / (2 * step)
        for step in (1e-2, 1e-3, 1e-4, 1e-6, 1e-7, 1e-8)
        if step not in (h, tiny)
    }
    return {
        WRONG_SIGN: -diff / (2 * h),
        FORWARD: (f(x + h) - f(x)) / h,
        BACKWARD_DIFF: (f(x) - f(x - h)) / h,
        OVER_H: diff / h,
        TIMES_H: diff / 2 * h,
        OVER_2_ONLY: diff / 2,
        NOT_DIVIDED: diff,
        PLUS: (f(x + h) + f(x - h)) / (2 * h),
        SECOND_DIFF: (f(x + h) - 2 * f(x) + f(x - h)) / h**2,
        IGNORES_H: (f(x + tiny) - f(x - tiny)) / (2 * tiny),
        OVER_H_SQUARED: diff / h**2,
        TIMES_2H: diff * 2 * h,
        FORWARD_OVER_2H: (f(x + h) - f(x)) / (2 * h),
        FOUR_H: (f(x + 2 * h) - f(x - 2 * h)) / (2 * h),
        **fixed,
    }


def _check_central_difference(fn: Callable[..., Any], cases: Sequence[DiffCase]) -> None:
    guard()
    for name, f, x, h in cases:
        what = f"central_difference for {name}"
        if h is None:
            got = call(fn, f, x, what=what)
            hh = 1e-5
            right = (f(x + hh) - f(x - hh)) / (2 * hh)
            # with the default step only the accuracy is checked (any sensible default h works)
            exact = math.cos(x) if f is math.sin else right
            mistakes = {
                label: value
                for label, value in _difference_mistakes(f, x, hh).items()
                if not label.startswith(IGNORES_H)
            }
            expect_number(what, got, exact, rtol=1e-8, atol=1e-9, mistakes=mistakes)
            continue
        got = call(fn, f, x, h, what=what)
        right = (f(x + h) - f(x - h)) / (2 * h)
        expect_number(
            what, got, right, mistakes=_difference_mistakes(f, x, h), rtol=1e-10, atol=1e-12
        )
    passed("central_difference")


def central_difference(fn: Callable[..., Any]) -> None:
    """Check central_difference(f, x, h=1e-5) -> float against the formula."""
    _check_central_difference(fn, VISIBLE_DIFF)


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


def _local_mistakes(op: str, inputs: tuple[float, ...], out: float) -> dict[str, tuple]:
    p = inputs[0]
    if op == "+":
        return {
            "only the first input getting a derivative: d(p+q)/dq is 1 too": (1.0, 0.0),
            "the inputs returned instead of 1 and 1": (p, inputs[1]),
        }
    if op == "*":
        q = inputs[1]
        return {
            "the two derivatives swapped: d(p*q)/dp is q, the *other* input": (p, q),
            "the output used: d(p*q)/dp is just q": (out, out),
        }
    if op == "**":
        k = inputs[1]
        named = {
            "a missing factor k: d(p**k)/dp = k p**(k-1)": (p ** (k - 1), 0.0),
            "an exponent not lowered: d(p**k)/dp = k p**(k-1)": (k * p**k, 0.0),
            "k * p ** k - 1, which Python reads as (k * p**k) - 1: put the exponent in "
            "brackets, k * p ** (k - 1)": (k * p**k - 1, 0.0),
            "the factor k - 1 where k is needed: d(p**k)/dp = k p**(k-1)": (
                (k - 1) * p ** (k - 1),
                0.0,
            ),
        }
        if p > 0:
            named[
                "a derivative for the exponent k: in this table k is a constant, so its local "
                "derivative is 0"
            ] = (k * p ** (k - 1), out * math.log(p))
        return named
    wrong_in_terms_of_input = {
        "exp": p,
        "log": 1.0 / out if out else math.inf,
        "tanh": 1.0 - p * p,
        "sigmoid": p * (1.0 - p),
        "relu": max(p, 0.0),
    }
    labels = {
        "exp": "the input p where e**p (that is, out) is needed",
        "log": "1/out where 1/p is needed",
        "tanh": "1 - p**2 where 1 - out**2 is needed (tanh' is written with the output)",
        "sigmoid": "p(1 - p) where out(1 - out) is needed (sigma' is written with the output)",
        "relu": "the output max(p, 0) instead of the step (1 if p > 0 else 0)",
    }
    mistakes = {labels[op]: (wrong_in_terms_of_input[op],)}
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
        label = f"the {op} applied again to out: out is already {op}(p), so use it as it is"
        mistakes[label] = (twice,)
    if op == "tanh":
        mistakes["1 - out where 1 - out**2 is needed"] = (1.0 - out,)
    if op == "sigmoid":
        mistakes["the activation itself, out, instead of out(1 - out)"] = (out,)
    if op == "relu":
        mistakes["1 at the kink p = 0; the table takes 0 there (1 only if p > 0)"] = (1.0,)
    if op == "log":
        mistakes[WRONG_SIGN] = (-1.0 / p,)
    if op in ("log", "tanh"):
        mistakes[f"the output out = {op}(p) itself instead of its derivative"] = (out,)
    rows = {
        "exp": out,
        "log": 1.0 / p if p else math.inf,
        "tanh": 1.0 - out * out,
        "sigmoid": out * (1.0 - out),
        "relu": 1.0 if p > 0 else 0.0,
    }
    for other, value in rows.items():
        label = f"the row of {other!r} used for {op!r} (a mixed-up branch?)"
        if other != op and label not in mistakes:
            mistakes[label] = (value,)
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
            f"{what} should return a tuple with one derivative per input, got "
            f"{_kind(got)}: {got!r}",
        )
        expect(
            len(got) == len(right),
            f"{what} should return {len(right)} derivative(s), one per input, got {len(got)}"
            + (
                " (for '**' the exponent k is an input too: its derivative is 0)"
                if op == "**"
                else ""
            ),
        )
        mistakes = {
            k: v for k, v in _local_mistakes(op, inputs, out).items() if not np.allclose(v, right)
        }
        try:
            values = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise CheckError(f"{what} should return numbers, got {got!r:.200}") from None
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


def local_derivatives(fn: Callable[..., Any]) -> None:
    """Check local_derivatives(op, inputs, out) -> tuple against the table of the notebook."""
    _check_local_derivatives(fn, VISIBLE_LOCAL)


# ----- graphs shared by Exercises 4 and 5 ----------------------------------------------------
def graph_neuron(x: float = 0.5, w: float = -1.3, b: float = 0.4, y: float = 1.0) -> Value:
    """L = 0.5 (tanh(w x + b) - y)**2."""
    xv, wv, bv, yv = Value(x, "x"), Value(w, "w"), Value(b, "b"), Value(y, "y")
    return 0.5 * ((wv * xv + bv).tanh() - yv) ** 2


def graph_two_paths(x: float = 0.3) -> Value:
    """u = e**x, L = u * x + u: u reaches L along paths of length 1 and 2."""
    xv = Value(x, "x")
    u = xv.exp()
    return u * xv + u


def graph_reused(x: float = 0.8) -> Value:
    """L = x * x + e**x + sigmoid(x): x feeds three nodes, twice the same product."""
    xv = Value(x, "x")
    return xv * xv + xv.exp() + xv.sigmoid()


def graph_doubling(k: int = 5, x: float = 0.5) -> Value:
    """Each level uses the previous node twice: 2**k paths from L down to x."""
    node = Value(x, "x")
    for _ in range(k):
        node = node * 0.5 + (node * 1.5).relu() * 0.25
    return node


def graph_wide(n: int = 6, seed: int = 0) -> Value:
    """A tiny 'layer': L = sum_j tanh(sum_i w_ji x_i) with shared inputs x_i."""
    rng = np.random.default_rng(seed)
    xs = [Value(float(v), f"x{i}") for i, v in enumerate(rng.normal(size=3))]
    total = Value(0.0)
    for j in range(n):
        s = Value(0.0)
        for xi in xs:
            s = s + float(rng.normal()) * xi
        total = total + s.tanh() * (1.0 / (j + 1)) + (s.log() if s.data > 0 else s * s)
    return total


def graph_leaf() -> Value:
    return Value(1.5, "leaf")


# ----- inputs of the hidden cases (``bpkit_grader.nb01``) ------------------------------------
# The kernel unpickles the hidden cases, so the functions and graphs they name live here. They are
# inputs, not secrets: what is kept from students is the expected values, computed by the checks.
def _sin_sq(t: float) -> float:
    return math.sin(t) ** 2


def _sin_sq_prime(t: float) -> float:
    return 2.0 * math.sin(t) * math.cos(t)


def _recip(t: float) -> float:
    return 1.0 / t


def _recip_prime(t: float) -> float:
    return -1.0 / (t * t)


def _shift(t: float) -> float:
    return t + 2.0


def _one(t: float) -> float:
    return 1.0


def _poly(t: float) -> float:
    return t**4 - 3.0 * t


def _poly_prime(t: float) -> float:
    return 4.0 * t**3 - 3.0


def _graph_deep_chain() -> Value:
    """A 60-node chain of tanh and affine steps (only one path)."""
    node = Value(0.2, "x")
    for k in range(30):
        node = (node * (1.0 + 0.01 * k) + 0.05).tanh()
    return node


def _graph_shared_twice() -> Value:
    """s = x * y is used by three later nodes; y is also used directly."""
    x, y = Value(1.2, "x"), Value(-0.7, "y")
    s = x * y
    return (s.exp() + s * s + s.sigmoid() * y) / (y * y + 1.0)


def _graph_doubling_7() -> Value:
    return graph_doubling(7)


def _graph_wide_5() -> Value:
    return graph_wide(5, seed=3)


def _graph_neuron_other() -> Value:
    return graph_neuron(-0.8, 2.1, -0.3, 0.0)


def _reachable(root: Value) -> list[Value]:
    seen: dict[int, Value] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if _id(node) in seen:
            continue
        seen[_id(node)] = node
        stack.extend(node._prev)
    return list(seen.values())


def _label(node: Value) -> str:
    return node.label or f"{node._op or 'const'} node (data {node.data:.4g})"


# ----- Exercise 4: topological_order ---------------------------------------------------------
GraphCase = tuple[str, Callable[[], Value]]

VISIBLE_GRAPHS: list[GraphCase] = [
    ("a single leaf", graph_leaf),
    ("the neuron L = 0.5 (tanh(w x + b) - y)**2", graph_neuron),
    ("L = u x + u with u = e**x (u is reached along two paths)", graph_two_paths),
    ("L = x x + e**x + sigmoid(x) (x is reused)", graph_reused),
    ("a chain of 5 levels, each using the previous node twice", graph_doubling),
]


def _check_topological_order(fn: Callable[..., Any], cases: Sequence[GraphCase]) -> None:
    guard()
    for name, build in cases:
        root = build()
        what = f"topological_order on {name}"
        got = call(fn, root, what=what)
        if got is None:
            raise CheckError(f"{what} returned None. Did you forget to `return` the list?")
        expect(
            _type(got) in (_type([]), _type(())),
            f"{what} should return a list of nodes, got {_kind(got)}",
        )
        got = list(got)
        nodes = _reachable(root)
        ids = {_id(n) for n in nodes}
        got_ids = [_id(n) for n in got]
        stray = [n for n in got if _id(n) not in ids]
        expect(
            not stray,
            f"{what} returned {len(stray)} object(s) that are not nodes of the "
            f"graph (e.g. {stray[0]!r}). Return the Value nodes themselves."
            if stray
            else "",
        )
        expect(
            len(set(got_ids)) == len(got_ids),
            f"{what} lists some node more than once ({len(got_ids)} entries for "
            f"{len(set(got_ids))} different nodes). Keep a set of visited nodes and skip a node "
            "you have already seen.",
        )
        missing = [n for n in nodes if _id(n) not in set(got_ids)]
        expect(
            not missing,
            f"{what} misses {len(missing)} of the {len(nodes)} nodes (e.g. "
            f"{_label(missing[0])}). Every node reachable from root through _prev belongs "
            "in the list, root included."
            if missing
            else "",
        )
        position = {i: k for k, i in enumerate(got_ids)}
        bad = [(n, c) for n in got for c in n._prev if position[_id(c)] > position[_id(n)]]
        if bad:
            node, child = bad[0]
            if got[0] is root and len(got) > 1:
                raise CheckError(
                    f"{what}: the order looks reversed, root comes first. A node must come "
                    "after all of its inputs, so root is last: append a node only after "
                    "visiting all its children."
                )
            raise CheckError(
                f"{what}: {_label(node)} comes before its input {_label(child)}. A node must "
                "come after all of its children: append it only after visiting every child "
                "(depth first, not breadth first)."
            )
        expect(got[-1] is root, f"{what}: root should be the last node.")
    passed("topological_order")


def topological_order(fn: Callable[..., Any]) -> None:
    """Check topological_order(root) -> list of Value on several graphs."""
    _check_topological_order(fn, VISIBLE_GRAPHS)


# ----- Exercise 5: backward ------------------------------------------------------------------
def reference_local_grads(node: Value) -> list[tuple[Value, float]]:
    """(input node, d node / d input) pairs of a bpkit node, from the notebook's table."""
    children = list(node._prev)
    if not children:
        return []
    op = node._op
    if op in ("+", "*") and len(children) == 1:  # x + x or x * x
        children = children * 2
    inputs = tuple(c.data for c in children)
    if op.startswith("**"):
        op, inputs = "**", (inputs[0], float(node._op[2:]))
    locals_ = reference_local_derivatives(op, inputs, node.data)
    return list(zip(children, locals_, strict=False))


OVERWRITE = "= instead of += (a node used more than once keeps only its last parent's contribution)"
NO_RESET = (
    "grads that were not reset to 0 first (old values were added to). Set every node's grad "
    "to 0.0 before the pass"
)
FORWARD_ORDER = (
    "the nodes visited in topological order instead of its reverse (a node must pass on its "
    "grad only after all of its parents have)"
)
NO_CHAIN = "the local derivative added without multiplying by node.grad (the chain rule multiplies)"
NO_SEED = "root.grad never set to 1.0 (every grad stays 0)"
RESET_TO_ONE = "every grad reset to 1.0 instead of 0.0 (only root.grad starts at 1.0)"
SWAPPED_ROLES = (
    "node and child swapped in the update: the grad flows from a node to its inputs, "
    "child.grad += local * node.grad"
)
STALE = 0.25  # grads are set to this before the student's pass, to see whether they reset them


def _simulate(
    root: Value,
    order: list[Value],
    mistake: str,
    local_grads: Callable[[Value], list[tuple[Value, float]]] | None = None,
) -> list[float]:
    """The grads a backward pass with `mistake` ("" for none) leaves, using `local_grads`."""
    local_grads = local_grads or reference_local_grads
    start = {NO_RESET: STALE, RESET_TO_ONE: 1.0}.get(mistake, 0.0)
    for node in order:
        node.grad = start
    root.grad = 0.0 if mistake == NO_SEED else 1.0
    walk = order if mistake == FORWARD_ORDER else order[::-1]
    for node in walk:
        for child, local in local_grads(node):
            if mistake == OVERWRITE:
                child.grad = local * node.grad
            elif mistake == SWAPPED_ROLES:
                node.grad += local * child.grad
            elif mistake == NO_CHAIN:
                child.grad += local
            else:
                child.grad += local * node.grad
    return [n.grad for n in order]


def _twin(build: Callable[[], Value], order: list[Value]) -> tuple[Value, list[Value]]:
    """A fresh copy of the graph that ``order`` lists, and its nodes in the same order.

    ``build`` makes the same graph every time; nodes correspond by creation order. The
    references are computed on the copy, so that nothing the student's pass did to its graph
    reaches them.
    """
    root = build()
    twins = sorted(autodiff.topological_order(root), key=lambda n: n._seq)
    originals = sorted(order, key=lambda n: n._seq)
    twin_of = {_id(n): t for n, t in zip(originals, twins, strict=True)}
    return root, [twin_of[_id(n)] for n in order]


def _backward_references(
    build: Callable[[], Value], order: list[Value]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The right grads of the graph's nodes in ``order``, and what the common mistakes give."""
    root, twins = _twin(build, order)
    root.backward()
    right = np.array([n.grad for n in twins])
    mistakes = {}
    for label in (
        OVERWRITE, NO_RESET, FORWARD_ORDER, NO_CHAIN, NO_SEED, SWAPPED_ROLES, RESET_TO_ONE,
    ):  # fmt: skip
        wrong = np.array(_simulate(root, twins, label))
        if not np.allclose(wrong, right, rtol=1e-9, atol=1e-12):
            mistakes[label] = wrong
    return right, mistakes


def _check_backward(fn: Callable[..., Any], cases: Sequence[GraphCase]) -> None:
    guard()
    for name, build in cases:
        root = build()
        order = autodiff.topological_order(root)
        for node in order:
            node.grad = STALE  # stale values from an earlier pass
        what = f"backward on {name}"
        # The student's pass runs before any expected grad exists (it could read this frame).
        call(fn, root, reference_local_grads, what=what)
        got = np.array([float(n.grad) for n in order])
        right, mistakes = _backward_references(build, order)
        expect_close(
            f"{what}: the grads of its {len(order)} nodes (in topological order)",
            got,
            right,
            mistakes=mistakes,
            rtol=1e-9,
            atol=1e-12,
        )
    _check_uses_local_grads(fn, cases[0])
    passed("backward")


def _scaled_local_grads(node: Value) -> list[tuple[Value, float]]:
    """A deliberately different table: every local derivative times 2, plus 0.5."""
    return [(child, 2.0 * local + 0.5) for child, local in reference_local_grads(node)]


IGNORES_TABLE = (
    "it ignores the local_grads it is given (the grads equal bpkit's own Value.backward()). "
    "Compute every contribution from the pairs returned by local_grads(node)"
)


def _check_uses_local_grads(fn: Callable[..., Any], case: GraphCase) -> None:
    """backward must propagate whatever local derivatives it is handed, not call bpkit's own."""
    name, build = case
    root = build()
    order = autodiff.topological_order(root)
    for node in order:
        node.grad = STALE
    what = f"backward on {name}, called with a different table of local derivatives"
    call(fn, root, _scaled_local_grads, what=what)
    got = np.array([float(n.grad) for n in order])
    # the references only now, on a fresh copy of the graph
    ref_root, ref_order = _twin(build, order)
    ref_root.backward()
    true_grads = np.array([n.grad for n in ref_order])
    right = np.array(_simulate(ref_root, ref_order, "", _scaled_local_grads))
    expect_close(
        f"{what}: the grads",
        got,
        right,
        mistakes={IGNORES_TABLE: true_grads},
        rtol=1e-9,
        atol=1e-12,
    )


def backward(fn: Callable[..., Any]) -> None:
    """Check backward(root, local_grads) against bpkit's Value.backward() on several graphs.

    The check passes its own table of local derivatives (not the notebook's), so this exercise
    is graded on its own.
    """
    _check_backward(fn, VISIBLE_GRAPHS[1:])
