"""Weight initializers.

Every initializer has the signature ``init(shape, seed=None, dtype=np.float64) -> ndarray``
(``normal`` also takes ``scale``). For a weight matrix ``shape = (d_out, d_in)``, so
``fan_in = shape[1]`` and ``fan_out = shape[0]``.

Random numbers are drawn in float64 and then cast, so a float32 and a float64 network built from
the same seed start from the same weights (up to rounding).

| name             | distribution                                   | keeps the variance of    |
|------------------|------------------------------------------------|--------------------------|
| zeros            | all 0 (breaks symmetry: never use for W)       |                          |
| normal           | N(0, scale**2)                                 |                          |
| xavier_uniform   | U(-r, r), r = sqrt(6 / (fan_in + fan_out))     | tanh layers (see below)  |
| xavier_normal    | N(0, 2 / (fan_in + fan_out))                   | tanh layers (see below)  |
| he_normal        | N(0, 2 / fan_in)                               | ReLU layers              |
| he_uniform       | U(-r, r), r = sqrt(6 / fan_in)                 | ReLU layers              |

Xavier's derivation assumes an activation with slope 1 at 0 and outputs centred on 0 (tanh).
Sigmoid has slope 1/4 and outputs centred on 1/2: four times Xavier's scale is the usual choice,
and deep sigmoid nets still vanish with it (notebook 06 measures both).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import DTypeLike

from bpkit._validate import SeedLike, lookup, rng

Initializer = Callable[..., np.ndarray]


def _shape(shape: int | Sequence[int]) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, int) else tuple(int(s) for s in shape)
    if any(s <= 0 for s in shape):
        raise ValueError(f"initializer shape must have positive sizes, got {shape}")
    return shape


def _fans(shape: tuple[int, ...], name: str) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight matrix of shape (d_out, d_in)."""
    if len(shape) != 2:
        raise ValueError(f"{name} needs a 2-D weight shape (d_out, d_in), got {shape}")
    return shape[1], shape[0]


def zeros(shape: int | Sequence[int], seed: SeedLike = None, dtype: DTypeLike = np.float64):
    """All-zero array of ``shape`` (``seed`` is accepted for a uniform signature, unused)."""
    return np.zeros(_shape(shape), dtype=dtype)


def normal(
    shape: int | Sequence[int],
    scale: float = 0.01,
    seed: SeedLike = None,
    dtype: DTypeLike = np.float64,
) -> np.ndarray:
    """Draws from N(0, scale**2): the classic "small random numbers" start."""
    if not scale >= 0:
        raise ValueError(f"normal: scale must be >= 0, got {scale}")
    return (scale * rng(seed).standard_normal(_shape(shape))).astype(dtype, copy=False)


def _uniform(shape: tuple[int, ...], limit: float, seed: SeedLike, dtype: DTypeLike):
    return rng(seed).uniform(-limit, limit, size=shape).astype(dtype, copy=False)


def xavier_uniform(
    shape: Sequence[int], seed: SeedLike = None, dtype: DTypeLike = np.float64
) -> np.ndarray:
    """Glorot/Xavier uniform: U(-r, r) with ``r = sqrt(6 / (fan_in + fan_out))``.

    Args:
        shape: (d_out, d_in).

    Returns:
        array of ``shape``; its variance is ``2 / (fan_in + fan_out)``.
    """
    shape = _shape(shape)
    fan_in, fan_out = _fans(shape, "xavier_uniform")
    return _uniform(shape, np.sqrt(6.0 / (fan_in + fan_out)), seed, dtype)


def xavier_normal(
    shape: Sequence[int], seed: SeedLike = None, dtype: DTypeLike = np.float64
) -> np.ndarray:
    """Glorot/Xavier normal: N(0, 2 / (fan_in + fan_out)); shape (d_out, d_in)."""
    shape = _shape(shape)
    fan_in, fan_out = _fans(shape, "xavier_normal")
    return normal(shape, np.sqrt(2.0 / (fan_in + fan_out)), seed, dtype)


def he_normal(
    shape: Sequence[int], seed: SeedLike = None, dtype: DTypeLike = np.float64
) -> np.ndarray:
    """He/Kaiming normal: N(0, 2 / fan_in), for ReLU layers; shape (d_out, d_in)."""
    shape = _shape(shape)
    fan_in, _ = _fans(shape, "he_normal")
    return normal(shape, np.sqrt(2.0 / fan_in), seed, dtype)


def he_uniform(
    shape: Sequence[int], seed: SeedLike = None, dtype: DTypeLike = np.float64
) -> np.ndarray:
    """He/Kaiming uniform: U(-r, r) with ``r = sqrt(6 / fan_in)``; shape (d_out, d_in)."""
    shape = _shape(shape)
    fan_in, _ = _fans(shape, "he_uniform")
    return _uniform(shape, np.sqrt(6.0 / fan_in), seed, dtype)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "normal": normal,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}

_ALIASES = {
    "xavier": "xavier_uniform",
    "glorot": "xavier_uniform",
    "glorot_uniform": "xavier_uniform",
    "glorot_normal": "xavier_normal",
    "he": "he_normal",
    "kaiming": "he_normal",
    "kaiming_normal": "he_normal",
    "kaiming_uniform": "he_uniform",
}


def get_initializer(name: str | Initializer) -> Initializer:
    """Look up an initializer by name (a callable is returned unchanged).

    Raises:
        ValueError: for an unknown name; the message lists the valid names.
    """
    if callable(name):
        return name
    return lookup("initializer", name, INITIALIZERS, _ALIASES)
