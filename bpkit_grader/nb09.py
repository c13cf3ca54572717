"""Hidden cases for notebook 09: the visible checks' logic on other seeds, lengths and widths.

Sequences of one step (no recurrence at all) and longer ones than the visible cases, batches of
one and odd batch sizes, non-square W_x, truncation lengths at both ends (k = 1, k = T) and in
between, and training runs on every memory task with clipping on, off and out of reach.
"""

from __future__ import annotations

from typing import Any

HIDDEN: dict[str, dict[str, Any]] = {
    "rnn_forward": {
        "cases": [
            ("n = 5 sequences of T = 8 steps, d_in = 3, d_h = 2", 101, 5, 8, 3, 2),
            ("n = 2 sequences of a single step (T = 1), d_in = 2, d_h = 4", 102, 2, 1, 2, 4),
            ("a single sequence of T = 12 steps, d_in = d_h = 2", 103, 1, 12, 2, 2),
        ],
    },
    "rnn_backward": {
        "cases": [
            ("n = 5 sequences of T = 9 steps, d_in = 3, d_h = 2", 111, 5, 9, 3, 2),
            ("n = 3 sequences of a single step (T = 1), d_in = 2, d_h = 3", 112, 3, 1, 2, 3),
            ("a single sequence of T = 4 steps, d_in = 4, d_h = 6", 113, 1, 4, 4, 6),
            ("n = 7 sequences of T = 2 steps, d_in = 1, d_h = 1", 114, 7, 2, 1, 1),
        ],
    },
    "rnn_backward_truncated": {
        "cases": [
            ("T = 10 steps truncated to k = 4, n = 3, d_in = 2, d_h = 3", 121, 3, 10, 2, 3, 4),
            ("T = 9 steps truncated to k = 5, n = 1, d_in = 3, d_h = 2", 122, 1, 9, 3, 2, 5),
            ("T = 6 steps with k = 1, n = 5, d_in = 1, d_h = 4", 123, 5, 6, 1, 4, 1),
            ("T = 3 steps with k = T = 3, n = 2, d_in = 2, d_h = 2", 124, 2, 3, 2, 2, 3),
            ("T = 8 steps truncated to k = 7, n = 2, d_in = 2, d_h = 3", 125, 2, 8, 2, 3, 7),
        ],
    },
    "grad_norms_by_lag": {
        "cases": [
            ("n = 6 sequences of T = 11 steps, d_in = 2, d_h = 4", 131, 6, 11, 2, 4),
            ("n = 3 sequences of a single step (T = 1), d_in = 1, d_h = 2", 132, 3, 1, 1, 2),
            ("a single sequence of T = 5 steps, d_in = 3, d_h = 3", 133, 1, 5, 3, 3),
        ],
    },
    "train_rnn": {
        "cases": [
            ("delayed recall at lag 5, clip_norm = 0.02", 141, "recall", 20, 5, 5, 0.8, 7,
             0.02),
            ("noisy sine, 1 step ahead, no clipping", 142, "sine", 9, 1, 3, 0.2, 4, None),
            ("the adding problem at lag 3, clip_norm = 0.03", 143, "adding", 13, 3, 4, 0.5,
             6, 0.03),
            ("delayed recall at lag 2, clip_norm = 1000 (never reached)", 144, "recall", 10,
             2, 3, 0.4, 3, 1000.0),
        ],
    },
}  # fmt: skip
