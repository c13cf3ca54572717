"""nb09: shared helpers."""

from __future__ import annotations

import numpy as np

_type = object.__class__
_rng = np.random.default_rng
_sqrt = np.sqrt
_concatenate = np.concatenate
_norm = np.linalg.norm
_zeros = np.zeros
_tanh = np.tanh
