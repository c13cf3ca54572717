"""Hidden cases for notebook 05: the visible checks, run again on other sizes and seeds.

Batch sizes that do not divide n (and one that equals it), other networks, losses and a schedule
(named "halving <eta0>": cases stay data), other gradient tables, shapes and momenta.
"""

from __future__ import annotations

from typing import Any

HIDDEN: dict[str, dict[str, Any]] = {
    "minibatch_stream": {
        "cases": ((23, 5, 2), (16, 16, 3), (9, 2, 2), (3, 1, 4)),
        "seeds": (11, 12),
    },
    "sgd": {
        "cases": (
            ("MSE, 4 batches with a smaller last one", 7, 15, (4, 3, 2), "mse", 4, 2, 0.15),
            (
                "softmax cross-entropy, eta(t) = 0.8 * 0.5**t",
                8,
                10,
                (3, 5, 4),
                "softmax_ce",
                5,
                3,
                "halving 0.8",
            ),
            ("binary cross-entropy, batch size 2", 9, 8, (2, 3, 1), "bce", 2, 1, 0.7),
            ("full batch, 3 epochs", 10, 9, (2, 4, 2), "mse", 9, 3, 0.25),
        ),
    },
    "gradient_noise": {
        "cases": (
            ("20 examples, batches of 6", 21, 20, 4, 6),
            ("7 examples, batches of 2", 22, 7, 6, 2),
            ("8 examples, one full batch", 23, 8, 3, 8),
        ),
    },
    "momentum_step": {
        "cases": (
            (
                "W (2, 4), b (2,) and a second W",
                31,
                {"W": (2, 4), "b": (2,), "W2": (3, 2)},
                0.05,
                0.8,
            ),
            ("a matrix, beta = 0.95", 32, {"0.W": (5, 3)}, 0.01, 0.95),
        ),
    },
    "step_schedule": {"cases": ((0.2, 0.1, 5), (0.7, 0.9, 2), (3.0, 0.5, 7)), "epochs": 50},
}
