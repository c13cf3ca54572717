"""Hidden cases for notebook 10: the visible checks, run again on other shapes and settings.

Other parameter shapes and seeds, more steps, eta changing at other moments, other betas and
eps (one case each where eps is large enough to tell where it sits), restarts in 1-D and 4-D,
and schedules with other periods (odd ones too) and decays.
"""

from __future__ import annotations

from typing import Any

HIDDEN: dict[str, dict[str, Any]] = {
    "nesterov_step": {
        "cases": (
            (
                "W (2, 4), b (2,) and a second W, eta halved at step 3",
                31,
                {"W": (2, 4), "b": (2,), "W2": (3, 2)},
                (0.05, 0.05, 0.025, 0.025, 0.025),
                0.8,
                0.0,
            ),
            (
                "a matrix, beta = 0.95, eta raised at step 2",
                32,
                {"0.W": (5, 3)},
                (0.01, 0.02, 0.02, 0.02),
                0.95,
                0.0,
            ),
        ),
    },  # fmt: skip
    "rmsprop_step": {
        "cases": (
            (
                "eps = 0.5 and gradients of the same size, 5 steps",
                41,
                {"W": (3, 3), "b": (3,)},
                (0.02, 0.02, 0.02, 0.01, 0.01),
                0.8,
                0.5,
            ),
            (
                "beta = 0.999, eps = 1e-6, 4 steps",
                42,
                {"w": (6,), "0.W": (2, 2)},
                (0.003, 0.003, 0.001, 0.001),
                0.999,
                1e-6,
            ),
        ),
    },  # fmt: skip
    "adam_step": {
        "cases": (
            (
                "W (2, 3), b (2,), betas (0.7, 0.9), eps = 0.2, 5 steps",
                51,
                {"W": (2, 3), "b": (2,)},
                (0.05, 0.05, 0.05, 0.1, 0.1),
                0.7,
                0.9,
                0.2,
            ),
            (
                "two matrices, betas (0.9, 0.99), eps = 1e-8, 4 steps",
                52,
                {"0.W": (3, 2), "1.W": (1, 3)},
                (0.002, 0.002, 0.001, 0.001),
                0.9,
                0.99,
                1e-8,
            ),
        ),
    },  # fmt: skip
    "random_restarts": {
        "cases": (
            ("1-D, 5 restarts in [-2, 2]", (0.45,), -2.0, 2.0, 5, 0.02, 15, 21),
            (
                "4-D, 12 restarts in [-1.8, 1.8]^4",
                (0.3, -0.5, 0.2, 0.35),
                -1.8,
                1.8,
                12,
                0.04,
                150,
                21,
            ),
        ),
    },  # fmt: skip
    "cyclical_lr": {
        "cases": ((0.05, 0.2, 10, 0.9), (0.0, 0.3, 5, 0.5), (0.002, 0.02, 2, 1.0)),
        "n": 41,
    },
}
