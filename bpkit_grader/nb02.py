"""Hidden cases for notebook 02: the visible checks' logic on other seeds, shapes and batches.

Non-square shapes make a transpose fail loudly; batch sizes differ from the visible ones (and
include n = 1 and an odd n), so a hard-coded n or a missing 1/n cannot pass by luck. The softmax
meets logits around 1e4, where a formula that overflows warns (and fails: its point is stability).
"""

from __future__ import annotations

from typing import Any

HIDDEN: dict[str, dict[str, Any]] = {
    "linear_forward": {
        "cases": [
            ("W of shape (7, 2) (2 -> 7), n = 3 examples", 11, 3, 2, 7),
            ("W of shape (1, 6) (6 -> 1), n = 9 examples", 12, 9, 6, 1),
            ("square W (4 -> 4), n = 1", 13, 1, 4, 4),
        ],
    },
    "linear_backward": {
        "cases": [
            ("W of shape (3, 7) (7 -> 3), n = 5 examples", 21, 5, 7, 3),
            ("square W (2 -> 2), n = 11 examples", 22, 11, 2, 2),
            ("W of shape (6, 1) (1 -> 6), n = 2 examples", 23, 2, 1, 6),
        ],
    },
    "activation_prime": {
        "cases": [
            ("z of shape (2, 7)", 31, (2, 7), 3.0),
            ("z of shape (6, 1) with some entries exactly 0", 32, (6, 1), 1.0),
            ("|z| around 2000 (exp(709) is the float64 limit)", 33, (2, 3), 2000.0),
        ],
    },
    "mse_output_delta": {
        "cases": [
            ("a sigmoid output, n = 7 examples, 2 units", 41, 7, 2, "sigmoid"),
            ("a tanh output, n = 3 examples, 1 unit", 42, 3, 1, "tanh"),
        ],
    },
    "softmax_ce_delta": {
        "cases": [
            ("n = 7 examples, k = 2 classes", 51, 7, 2, 1.5),
            ("n = 2 examples, k = 6 classes", 52, 2, 6, 3.0),
            ("a single example, k = 3", 53, 1, 3, 1.0),
            ("logits around 800 (exp overflows beyond 709), n = 2, k = 3", 54, 2, 3, 800.0),
            ("logits around 1e4, n = 5 examples, k = 3 classes", 55, 5, 3, 1e4),
        ],
    },
    "mlp_backward": {
        "cases": [
            ("a 4-6-2 network, n = 7 examples", 61, 7, 4, 6, 2),
            ("a 2-5-3 network, n = 3 examples", 62, 3, 2, 5, 3),
            ("a 3-2-1 network, n = 1 example", 63, 1, 3, 2, 1),
        ],
    },
}
