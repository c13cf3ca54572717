"""Data augmentation for small images: shifted and noisy copies of the training set.

Images are stored one per row, flattened row-major: ``X.shape == (n, h * w)``, as
:func:`bpkit.data.load_digits` returns them (h = w = 8).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bpkit._validate import rng as make_rng


def _image_shape(X: np.ndarray, shape: tuple[int, int]) -> tuple[int, int]:
    h, w = shape
    if X.ndim != 2 or X.shape[1] != h * w:
        raise ValueError(
            f"expected images flattened to shape (n, {h * w}) for {h}x{w} images, "
            f"got shape {X.shape}"
        )
    return h, w


def shift_images(X: np.ndarray, dx: int, dy: int, shape: tuple[int, int] = (8, 8)) -> np.ndarray:
    """Shift every image dx pixels right and dy pixels down, filling the gap with zeros.

    Inputs:
      X: array of shape (n, h*w), images flattened row-major.
      dx, dy: integer shifts; negative values move left / up. Pixels pushed past the border
        are lost (no wrap-around).
      shape: (h, w) of one image.
    Returns:
      array of shape (n, h*w), the same dtype as X.
    """
    X = np.asarray(X)
    h, w = _image_shape(X, shape)
    if int(dx) != dx or int(dy) != dy:
        raise ValueError(f"shifts must be whole pixels, got dx={dx!r}, dy={dy!r}")
    dx, dy = int(dx), int(dy)
    images = X.reshape(-1, h, w)
    out = np.zeros_like(images)
    if abs(dx) < w and abs(dy) < h:
        rows_to, rows_from = slice(max(dy, 0), h + min(dy, 0)), slice(max(-dy, 0), h - max(dy, 0))
        cols_to, cols_from = slice(max(dx, 0), w + min(dx, 0)), slice(max(-dx, 0), w - max(dx, 0))
        out[:, rows_to, cols_to] = images[:, rows_from, cols_from]
    return out.reshape(X.shape)


def add_noise(X: np.ndarray, sigma: float, seed: int | np.random.Generator | None = None):
    """Add Gaussian pixel noise N(0, sigma^2) and clip to the data's [0, 1] range.

    Inputs: X: array of shape (n, d) with values in [0, 1]; sigma >= 0.
    Returns: array of shape (n, d).
    """
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    X = np.asarray(X, dtype=np.float64)
    return np.clip(X + make_rng(seed).normal(0.0, sigma, size=X.shape), 0.0, 1.0)


def augment(
    X: np.ndarray,
    y: np.ndarray,
    shifts: Sequence[tuple[int, int]] = ((1, 0), (-1, 0), (0, 1), (0, -1)),
    sigma: float = 0.0,
    seed: int | np.random.Generator | None = 0,
    shape: tuple[int, int] = (8, 8),
) -> tuple[np.ndarray, np.ndarray]:
    """The training set plus one shifted copy per (dx, dy) in `shifts`, optionally noisy.

    Inputs: X: array of shape (n, h*w); y: labels of shape (n,) (or (n, k)).
    Returns: (X_aug, y_aug) with (1 + len(shifts)) * n rows; the originals come first.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
    copies = [X] + [shift_images(X, dx, dy, shape) for dx, dy in shifts]
    X_aug = np.concatenate(copies)
    if sigma > 0:
        X_aug = add_noise(X_aug, sigma, seed)
    return X_aug, np.concatenate([y] * len(copies))
