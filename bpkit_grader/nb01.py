"""Hidden checks for notebook 01: the visible checks' logic on other chains, points and graphs.

Each function takes a fresh, untampered copy of ``bpkit.checks.nb01`` and runs its private
``_check_*`` function on cases the student has not seen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from bpkit.autodiff import Value
from bpkit_grader._core import fresh


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


def chain_derivative(fn: Callable[..., Any]) -> None:
    m = fresh("nb01")
    cases = [
        (
            "x -> x + 2 -> 1/x -> sin(x)**2 at x = 0.9",
            [_shift, _recip, _sin_sq],
            [_one, _recip_prime, _sin_sq_prime],
            0.9,
        ),
        (
            "x -> exp -> tanh -> exp -> x + 2 at x = -1.1",
            [math.exp, math.tanh, math.exp, _shift],
            [math.exp, m._dtanh, math.exp, _one],
            -1.1,
        ),
        ("one link, x**4 - 3x at x = 1.3", [_poly], [_poly_prime], 1.3),
    ]
    m._check_chain_derivative(fn, cases)


def central_difference(fn: Callable[..., Any]) -> None:
    m = fresh("nb01")
    cases = [
        ("f = x**4 - 3x at x = -1.5 with h = 0.05", _poly, -1.5, 0.05),
        ("f = sin(x)**2 at x = 0.4 with h = 1e-4", _sin_sq, 0.4, 1e-4),
        ("f = 1/x at x = 3 with h = 0.2", _recip, 3.0, 0.2),
    ]
    m._check_central_difference(fn, cases)


def local_derivatives(fn: Callable[..., Any]) -> None:
    m = fresh("nb01")
    cases = [
        ("+", (-1.25, 3.5)),
        ("*", (2.25, 0.6)),
        ("**", (0.7, 2.0)),
        ("**", (3.0, 0.5)),
        ("exp", (-1.7,)),
        ("log", (0.3,)),
        ("tanh", (-2.1,)),
        ("sigmoid", (0.35,)),
        ("relu", (0.01,)),
        ("relu", (-3.0,)),
        ("relu", (0.0,)),
    ]
    m._check_local_derivatives(fn, cases)


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


def topological_order(fn: Callable[..., Any]) -> None:
    m = fresh("nb01")
    cases = [
        ("a 60-node chain", _graph_deep_chain),
        ("a graph where x * y is used four times", _graph_shared_twice),
        ("a small layer with shared inputs", m.graph_wide),
        ("a chain of 7 levels, each using the previous node twice", lambda: m.graph_doubling(7)),
    ]
    m._check_topological_order(fn, cases)


def backward(fn: Callable[..., Any]) -> None:
    m = fresh("nb01")
    cases = [
        ("a graph where x * y is used four times", _graph_shared_twice),
        ("a small layer with shared inputs", lambda: m.graph_wide(5, seed=3)),
        ("a 60-node chain", _graph_deep_chain),
        ("the neuron at other values", lambda: m.graph_neuron(-0.8, 2.1, -0.3, 0.0)),
    ]
    m._check_backward(fn, cases)
