"""Hidden cases for notebook 04: the visible checks' logic on other seeds and shapes.

The gradients meet n = 2 and n = 64, d_in = 1 and a square W; the mini-batches other sizes,
remainders and seeds (and n = batch_size); training other nets, batch sizes and learning rates;
the memory count deeper nets and other batch and item sizes.
"""

from __future__ import annotations

from typing import Any

# The square W first, as in the visible cases: there a missing .T runs and can be named.
_GRAD_CASES = [
    ("n=64 with a square W (d_in = d_out = 5)", 64, 5, 5, 103),
    ("a batch of n=17, d_in=6, d_out=4", 17, 6, 4, 101),
    ("n=2 with d_in=1, d_out=5", 2, 1, 5, 102),
]

HIDDEN: dict[str, dict[str, Any]] = {
    "loop_gradient": {"cases": _GRAD_CASES},
    "batch_gradient": {"cases": _GRAD_CASES},
    "minibatch_indices": {
        "cases": [(37, 8, 11), (50, 7, 12), (16, 16, 13), (11, 2, 14), (1000, 128, 15)]
    },
    "train_epoch": {
        "cases": [
            (
                "mlp([4, 7, 3], tanh), n=30, batch_size=8, eta=0.3",
                (4, 7, 3),
                "tanh",
                30,
                8,
                0.3,
                21,
            ),
            (
                "mlp([2, 5, 5, 1], relu), n=12, batch_size=12 (one batch), eta=0.1",
                (2, 5, 5, 1),
                "relu",
                12,
                12,
                0.1,
                22,
            ),
            (
                "mlp([1, 3, 2], sigmoid), n=9, batch_size=2, eta=1.0",
                (1, 3, 2),
                "sigmoid",
                9,
                2,
                1.0,
                23,
            ),
        ],
    },
    "activation_bytes": {
        "cases": [([3072, 1024, 512, 256, 10], 128, 4), ([5, 1], 9, 8), ([8, 8, 8], 1000, 2)]
    },
}
