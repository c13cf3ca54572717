"""Hidden cases for notebook 06: the visible checks, run again on other shapes and seeds.

Initializers on a wide and a tall matrix, gradient norms of other depths, widths and activations,
the depth experiment on other seeds, and clipping of other shapes, scales and limits.
"""

from __future__ import annotations

from typing import Any

HIDDEN: dict[str, dict[str, Any]] = {
    # a wide matrix (fan_in > fan_out) and other seeds
    "xavier_uniform": {"small": (2, 7), "big": (80, 500), "seed": 41},
    # a tall matrix (fan_out > fan_in) and other seeds
    "he_normal": {"small": (6, 2), "big": (400, 120), "seed": 42},
    "grad_norms": {
        "cases": (
            ("tanh, 5 Linear layers", 11, (2, 5, 5, 5, 5, 3), "tanh", 9),
            ("relu, 1 Linear layer", 12, (4, 2), "relu", 5),
            ("sigmoid, 3 Linear layers", 13, (6, 3, 4, 1), "sigmoid", 20),
        ),
    },
    "depth_profile": {"seeds": (10, 11, 12, 13, 14, 15, 16, 17)},
    "clip_by_global_norm": {
        "cases": (
            (
                "three arrays, norm far above",
                21,
                {"a": (5,), "b": (2, 3), "c": (4, 1)},
                5.0,
                0.5,
            ),
            ("one vector, just below", 22, {"w": (3,)}, 0.2, 2.0),
            ("two matrices, one much larger", 23, {"0.W": (3, 2), "2.W": (2, 2)}, 4.0, 1.5),
        ),
    },
}
