"""Hidden cases for notebook 07: the visible checks again, on other shapes, strengths and seeds."""

from __future__ import annotations

from typing import Any

# a 3-layer model: weights and biases under "<layer index>.W" / ".b" names
THREE_LAYERS = {"0.W": (4, 3), "0.b": (4,), "2.W": (4, 4), "2.b": (4,), "4.W": (2, 4), "4.b": (2,)}

HIDDEN: dict[str, dict[str, Any]] = {
    # three layers, a key without a dot, and a large strength
    "l2_penalty": {
        "cases": (
            ("three layers", 21, THREE_LAYERS, 0.4),
            ("plain W and b", 22, {"W": (1, 7), "b": (1,)}, 2.0),
        ),
    },
    "l1_penalty": {
        "cases": (
            ("three layers", 23, THREE_LAYERS, 0.2),
            ("plain W and b", 24, {"W": (6, 1), "b": (6,)}, 1.5),
        ),
    },
    # other drop probabilities, a non-square shape and another seed
    "dropout_forward": {"shape": (250, 480), "p_drops": (0.35, 0.1), "seed": 31},
    "dropout_backward": {"cases": ((41, (7, 3), 0.25), (42, (1, 12), 0.6))},
    # a late best epoch, a long plateau, a very patient run, bumps that reset the count
    "early_stopping": {
        "cases": (
            ("a late best epoch", [0.9, 0.95, 0.97, 0.5, 0.6, 0.7], 2),
            ("a plateau of equal losses", [0.4, 0.3, 0.3, 0.3, 0.3, 0.3], 4),
            ("very patient", [1.0, 1.1, 1.2, 1.3], 10),
            ("stops at once", [0.2, 0.3], 1),
            ("bumps between improvements", [2.0, 2.5, 1.5, 1.6, 1.0, 1.2, 1.1, 1.3, 0.9], 3),
        ),
    },
    # other shifts, including ones of 3 pixels, on other images
    "shift_images": {"shifts": ((3, 0), (0, -3), (-2, 2), (1, 1)), "n": 4, "seed": 51},
    # other fan-in/fan-out ratios for each activation (chosen so that no two named formulas give
    # standard deviations within 8 % of each other)
    "init_layer": {
        "cases": ((300, 60, "sigmoid"), (80, 400, "relu"), (300, 500, "tanh")),
        "seed": 61,
    },
}
