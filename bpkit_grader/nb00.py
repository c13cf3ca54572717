"""Hidden cases for notebook 00: the visible checks' logic on shapes and seeds not shown.

A square layer and a square batch keep a transposed W and the wrong axis detectable; one
example and one output catch a hard-coded batch size; the sigmoid meets |z| up to 2e4, where a
formula that overflows warns (and fails: that exercise is about stability).
"""

from __future__ import annotations

from typing import Any

import numpy as np

_Z = np.random.default_rng(120).normal(scale=4.0, size=(2, 3, 4))

HIDDEN: dict[str, dict[str, Any]] = {
    "linear_forward": {
        "cases": [
            ("a square 7 -> 7 layer", 100, 9, 7, 7),
            ("a wide layer 2 -> 11", 101, 13, 2, 11),
            ("one example, one output", 102, 1, 6, 1),
        ],
    },
    "batch_mean": {
        "cases": [("a square 6x6 batch", 110, 6, 6), ("31 examples, 2 features", 111, 31, 2)]
    },
    "sigmoid": {
        "cases": [
            ("a (2, 3, 4) array", _Z),
            ("z = 0 exactly", np.zeros(5)),
            ("z in [-800, 800]", np.linspace(-800.0, 800.0, 9)),
            ("|z| around 1e4", np.array([-2e4, -1.2e4, -9000.0, 0.5, 8000.0, 1.5e4])),
        ],
    },
    "mse": {"cases": [("17 examples, 4 outputs", 130, 17, 4), ("one example", 131, 1, 2)]},
    "mse_grad": {"cases": [("17 examples, 4 outputs", 140, 17, 4), ("one example", 141, 1, 2)]},
}
