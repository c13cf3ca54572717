"""What the optimizers share about a parameter dict: which entries are weights, matching keys."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

Arrays = Mapping[str, np.ndarray]


def is_weight(name: str) -> bool:
    """True for weight matrices (``"W"``, ``"0.W"``), False for biases and anything else."""
    return name == "W" or name.endswith(".W")


def check_same_keys(params: Arrays, grads: Arrays) -> None:
    """Raise ValueError unless ``params`` and ``grads`` name the same arrays."""
    if set(params) != set(grads):
        raise ValueError(
            f"params and grads must have the same keys, got {sorted(params)} and {sorted(grads)}"
        )
