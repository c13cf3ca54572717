"""nb07: exercise 6: shifted images."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.augment import shift_images as _ref_shift
from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    call,
    error_kind,
    expect_close,
    guard,
    passed,
)
from bpkit.checks.nb07._common import _asarray, _default_rng, _roll

# ----- exercise 6: shifted images --------------------------------------------------------------
WRAPPED = "pixels wrapped around the border (np.roll); fill the gap with zeros instead"
OTHER_WAY = f"{WRONG_SIGN}: the image moved the other way (dx > 0 moves right, dy > 0 down)"
DY_UP = (
    "dy > 0 moving the image up; in an image row 0 is at the top, so dy > 0 moves it down (to "
    "larger row numbers)"
)
DX_LEFT = "dx > 0 moving the image left; dx > 0 moves it right (to larger column numbers)"
DX_DY_SWAPPED = "dx and dy swapped (dx moves columns, dy moves rows)"
EDGE_FILLED = "the gap filled with copies of the edge pixels; fill it with zeros"
NEGATIVE_CUT = (
    "a border zeroed as out[:, :dx] for negative shifts too: for dx < 0 (or dy < 0) the "
    "uncovered border is at the other end, out[:, dx:], and out[:, :dx] is all but it"
)
ZERO_SHIFT = (
    "a shift of 0 breaks slices written with -dx or -dy: X[:, :-0] is X[:, :0], which is empty"
)

VISIBLE_SHIFTS: Sequence[tuple[int, int]] = ((1, 0), (0, 1), (-1, 0), (0, -2), (2, -1), (0, 0))


def _edge_shift(X: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """A shift whose uncovered border repeats the edge pixels (np.pad's mode="edge")."""
    images = X.reshape(-1, 8, 8)
    rows = np.clip(np.arange(8) - dy, 0, 7)
    cols = np.clip(np.arange(8) - dx, 0, 7)
    return images[:, rows][:, :, cols].reshape(X.shape)


def _rolled_and_cut(X: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """np.roll, then the border zeroed as out[:, :dy] and out[:, :, :dx] whatever their sign."""
    out = _roll(_roll(X.reshape(-1, 8, 8), dy, axis=1), dx, axis=2)
    if dy:
        out[:, :dy, :] = 0.0
    if dx:
        out[:, :, :dx] = 0.0
    return out.reshape(X.shape)


def _shift_mistakes(X: np.ndarray, dx: int, dy: int) -> dict[str, np.ndarray]:
    n = X.shape[0]
    images = X.reshape(-1, 8, 8)
    return {
        WRAPPED: _roll(_roll(images, dy, axis=1), dx, axis=2).reshape(n, 64),
        OTHER_WAY: _ref_shift(X, -dx, -dy),
        DY_UP: _ref_shift(X, dx, -dy),
        DX_LEFT: _ref_shift(X, -dx, dy),
        DX_DY_SWAPPED: _ref_shift(X, dy, dx),
        EDGE_FILLED: _edge_shift(X, dx, dy),
        NEGATIVE_CUT: _rolled_and_cut(X, dx, dy),
    }


def _check_shift_images(
    student_fn: Callable[..., Any],
    *,
    shifts: Sequence[tuple[int, int]],
    n: int,
    seed: int,
) -> None:
    """Check ``shift_images(X, dx, dy)``: dx columns right, dy rows down, zero-filled.

    Every shift is run first; then a mistake is named only if it explains the results of all
    the shifts (e.g. "dy > 0 moves up" leaves the shifts with dy = 0 right).
    """
    guard()
    X = _default_rng(seed).random((n, 64))
    results = []
    for dx, dy in shifts:
        what = f"shift_images(X of shape {X.shape}, dx={dx}, dy={dy})"
        try:
            results.append((what, dx, dy, call(student_fn, X, dx, dy, what=what)))
        except CheckError as error:
            if error_kind(error) not in ("", "NotImplementedError") and 0 in (dx, dy):
                raise CheckError(
                    f"{str(error).removesuffix('.')}. Note that {ZERO_SHIFT}. Handle 0 apart, "
                    "or slice with explicit ends such as X[:, :8 - dx]."
                ) from error
            raise
    explained = None
    for label in _shift_mistakes(X, 1, 1):
        if all(_matches(got, _shift_mistakes(X, dx, dy)[label]) for _, dx, dy, got in results):
            explained = label
            break
    for what, dx, dy, got in results:
        right = _ref_shift(X, dx, dy)
        if _matches(got, right):
            continue
        if explained is not None:
            raise CheckError(f"{what} looks like {explained}.")
        expect_close(what, got, right, mistakes=_shift_mistakes(X, dx, dy))
    passed("shift_images")


def _matches(got: Any, want: np.ndarray) -> bool:
    try:
        arr = _asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return arr.shape == want.shape and bool((abs(arr - want) <= 1e-9 + 1e-7 * abs(want)).all())
