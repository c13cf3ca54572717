"""nb01: graphs shared by Exercises 4 and 5."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bpkit.autodiff import Value


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


GraphCase = tuple[str, Callable[[], Value]]

VISIBLE_GRAPHS: list[GraphCase] = [
    ("a single leaf", graph_leaf),
    ("the neuron L = 0.5 (tanh(w x + b) - y)**2", graph_neuron),
    ("L = u x + u with u = e**x (u is reached along two paths)", graph_two_paths),
    ("L = x x + e**x + sigmoid(x) (x is reused)", graph_reused),
    ("a chain of 5 levels, each using the previous node twice", graph_doubling),
]
