"""nb01: inputs of the hidden cases (``bpkit_grader.nb01``)."""

from __future__ import annotations

import math

from bpkit.autodiff import Value
from bpkit.checks.nb01.graphs import graph_doubling, graph_neuron, graph_wide


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
