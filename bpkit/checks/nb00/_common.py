"""nb00: shared helpers: seeded inputs and the forgotten-return label."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.checks._core import MISSING_RETURN

Fn = Callable[..., Any]

NO_RETURN = MISSING_RETURN


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)
