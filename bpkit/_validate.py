"""Input checks shared by every bpkit module: random generators and arrays.

Every random thing in bpkit takes ``seed: int | np.random.Generator | None`` and turns it into a
Generator with :func:`rng`. Every public entry point that receives user data passes it through
:func:`as_array` (or :func:`check_finite`), so a NaN, an infinity, a string or a wrong number of
dimensions is reported by name, at the boundary, instead of surfacing later as a NaN loss. The
losses word these errors as ``fit`` does, prefixed with their own name.

One deliberate exception: the training-loop form of a loss (``bpkit.losses.get_loss``, used by
``fit``) lets non-finite *predictions* through, because that is how a loop sees that its run
diverged. Targets are checked there too.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import numpy as np

SeedLike = int | np.random.Generator | None


def rng(seed: SeedLike = None) -> np.random.Generator:
    """Turn ``seed`` into a ``numpy.random.Generator``.

    Args:
        seed: an int (same int, same stream), an existing Generator (returned as is, so several
            objects can share one stream) or None (fresh entropy, not reproducible).

    Returns:
        a Generator.

    Raises:
        TypeError: for anything else (floats, strings, the legacy ``np.random.RandomState``).
        ValueError: for a negative int seed.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be an int, a numpy.random.Generator or None, got {type(seed).__name__} "
            f"{seed!r}"
        )
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}")
    return np.random.default_rng(int(seed))


def as_array(
    x: Any,
    name: str,
    ndim: int | Iterable[int] | None = None,
    dtype: Any = None,
) -> np.ndarray:
    """Convert ``x`` to an ndarray and check it, naming ``name`` in every error.

    No copy is made when ``x`` already is an ndarray of the requested dtype.

    Args:
        x: array-like.
        name: what the array is, for messages (e.g. ``"X"``, ``"y_hat"``).
        ndim: required number of dimensions (an int or several allowed ints), or None.
        dtype: dtype to convert to, or None to keep the input's dtype.

    Returns:
        the array.

    Raises:
        ValueError: if the array is empty, has the wrong number of dimensions, is not numeric,
            or holds NaN or infinite values.
    """
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} could not be converted to a numeric array: {err}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be {want}, got a {arr.ndim}-D array of shape {arr.shape}"
            )
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype.kind == "f":
        check_finite(arr, name)
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ValueError naming ``name`` if ``arr`` holds NaN or infinite values."""
    if not np.isfinite(arr).all():
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        first = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        what = "NaN" if n_nan else "infinite"
        raise ValueError(
            f"{name} contains {what} values ({n_nan} NaN, {n_inf} inf; first at index {first}). "
            "Check the data and the learning rate."
        )


def float_dtype(x: np.ndarray) -> np.dtype:
    """The floating dtype to compute in: the array's own if it is floating, else float64."""
    return x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)


T = TypeVar("T")


def lookup(
    kind: str, name: Any, table: Mapping[str, T], aliases: Mapping[str, str] | None = None
) -> T:
    """``table[name]``, forgiving case, "-" for "_" and the given aliases.

    Raises:
        ValueError: "unknown <kind> <name>; valid names are: ..." for a name not in the table.
    """
    key = str(name).lower().replace("-", "_")
    key = (aliases or {}).get(key, key)
    if key not in table:
        raise ValueError(f"unknown {kind} {name!r}; valid names are: {', '.join(table)}")
    return table[key]
