"""nb06: shared helpers."""

from __future__ import annotations

import numpy as np

_asarray = np.asarray
_sqrt = np.sqrt
_log10 = np.log10
_default_rng = np.random.default_rng
_concatenate = np.concatenate
_isfinite = np.isfinite
_median = np.median
