"""Hidden cases for notebook 01: the visible checks' logic on other chains, points and graphs.

The chains, functions and graphs are built from helpers of ``bpkit.checks.nb01`` (mostly its
``hidden_inputs``): the kernel unpickles these cases, where this package cannot be imported.
"""

from __future__ import annotations

import math
from typing import Any

from bpkit.checks.nb01 import hidden_inputs as m
from bpkit.checks.nb01.chains import _dtanh
from bpkit.checks.nb01.graphs import graph_wide

HIDDEN: dict[str, dict[str, Any]] = {
    "chain_derivative": {
        "cases": [
            (
                "x -> x + 2 -> 1/x -> sin(x)**2 at x = 0.9",
                [m._shift, m._recip, m._sin_sq],
                [m._one, m._recip_prime, m._sin_sq_prime],
                0.9,
            ),
            (
                "x -> exp -> tanh -> exp -> x + 2 at x = -1.1",
                [math.exp, math.tanh, math.exp, m._shift],
                [math.exp, _dtanh, math.exp, m._one],
                -1.1,
            ),
            ("one link, x**4 - 3x at x = 1.3", [m._poly], [m._poly_prime], 1.3),
        ],
    },
    "central_difference": {
        "cases": [
            ("f = x**4 - 3x at x = -1.5 with h = 0.05", m._poly, -1.5, 0.05),
            ("f = sin(x)**2 at x = 0.4 with h = 1e-4", m._sin_sq, 0.4, 1e-4),
            ("f = 1/x at x = 3 with h = 0.2", m._recip, 3.0, 0.2),
        ],
    },
    "local_derivatives": {
        "cases": [
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
        ],
    },
    "topological_order": {
        "cases": [
            ("a 60-node chain", m._graph_deep_chain),
            ("a graph where x * y is used four times", m._graph_shared_twice),
            ("a small layer with shared inputs", graph_wide),
            (
                "a chain of 7 levels, each using the previous node twice",
                m._graph_doubling_7,
            ),
        ],
    },
    "backward": {
        "cases": [
            ("a graph where x * y is used four times", m._graph_shared_twice),
            ("a small layer with shared inputs", m._graph_wide_5),
            ("a 60-node chain", m._graph_deep_chain),
            ("the neuron at other values", m._graph_neuron_other),
        ],
    },
}
