"""nb07: shared helpers."""

from __future__ import annotations

import numpy as np

_asarray = np.asarray
_default_rng = np.random.default_rng
_where = np.where
_sqrt = np.sqrt
_abs = np.absolute
_zeros_like = np.zeros_like
_roll = np.roll
_sign = np.sign
