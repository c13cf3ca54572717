"""nb05: shared helpers."""

from __future__ import annotations

import numpy as np

_asarray = np.asarray
_concatenate = np.concatenate
_arange = np.arange
_sort = np.sort
_bincount = np.bincount
_default_rng = np.random.default_rng
_sqrt = np.sqrt

_type = object.__class__
