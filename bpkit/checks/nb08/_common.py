"""nb08: shared helpers."""

from __future__ import annotations

import math

import numpy as np

_asarray = np.asarray
_default_rng = np.random.default_rng
_zeros = np.zeros
_arange = np.arange
_maximum = np.maximum
_exp = np.exp
_log = np.log
_where = np.where
_concatenate = np.concatenate
_isfinite = np.isfinite
_absolute = np.absolute
_rint = np.rint
_int8 = np.int8
_lgamma = math.lgamma
_exp_scalar = math.exp
_sqrt_scalar = math.sqrt
_ceil = math.ceil
_print = print

Params = dict[str, np.ndarray]
KEYS = ("W1", "b1", "W2", "b2")
