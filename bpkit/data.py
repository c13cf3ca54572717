"""Small data sets for the course: seeded 2-D toy problems, 1-D regression, 8x8 digits, splitting,
and the sequence tasks of ``bpkit.sequences`` (adding problem, delayed recall, noisy sine).

Every generator takes a ``seed`` (int, ``np.random.Generator`` or None) and returns float64
inputs. Classification sets return ``X`` of shape (n, 2) and integer labels ``y`` of shape (n,)
with the classes as equal in size as ``n`` allows, in shuffled order.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from bpkit._validate import rng
from bpkit.sequences import adding_problem, delayed_recall, noisy_sine

__all__ = [
    "adding_problem",
    "circles",
    "delayed_recall",
    "load_digits",
    "moons",
    "noisy_sine",
    "one_hot",
    "regression_1d",
    "spirals",
    "split",
    "xor",
]

Seed = int | np.random.Generator | None


def _check_n(n: int, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < minimum:
        raise ValueError(f"n (number of examples) must be an int >= {minimum}, got {n!r}")
    return int(n)


def _check_noise(noise: float) -> float:
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def _balanced_labels(n: int, k: int, gen: np.random.Generator) -> np.ndarray:
    """n labels in 0..k-1, each class n//k or n//k + 1 times, in random order."""
    return gen.permutation(np.arange(n) % k).astype(np.int64)


def xor(n: int = 200, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: four blobs at the corners (+-1, +-1); the label is 1 when the signs differ.

    No straight line separates the classes, so a network needs a hidden layer.

    Returns:
        X: array of shape (n, 2) float64; y: array of shape (n,) int64 in {0, 1}.
    """
    n, noise, gen = _check_n(n), _check_noise(noise), rng(seed)
    corner = _balanced_labels(n, 4, gen)  # 0..3 -> (sign of x1, sign of x2)
    signs = np.stack([np.where(corner & 1, 1.0, -1.0), np.where(corner & 2, 1.0, -1.0)], axis=1)
    X = signs + noise * gen.standard_normal((n, 2))
    y = (signs[:, 0] != signs[:, 1]).astype(np.int64)
    return X, y


def moons(n: int = 200, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles of radius 1.

    Class 0 lies on the upper arc ``(cos t, sin t)``, class 1 on the lower arc
    ``(1 - cos t, 0.5 - sin t)``, with ``t`` uniform in [0, pi], plus Gaussian noise.

    Returns:
        X: array of shape (n, 2) float64; y: array of shape (n,) int64 in {0, 1}.
    """
    n, noise, gen = _check_n(n), _check_noise(noise), rng(seed)
    y = _balanced_labels(n, 2, gen)
    t = gen.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where(y[:, None] == 0, upper, lower) + noise * gen.standard_normal((n, 2))
    return X, y


def circles(
    n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric rings: class 0 on radius 1, class 1 on radius ``factor`` (0 < factor < 1).

    Returns:
        X: array of shape (n, 2) float64; y: array of shape (n,) int64 in {0, 1}.
    """
    n, noise, gen = _check_n(n), _check_noise(noise), rng(seed)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor!r}")
    y = _balanced_labels(n, 2, gen)
    angle = gen.uniform(0.0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return X + noise * gen.standard_normal((n, 2)), y


def spirals(
    n: int = 300, k: int = 3, noise: float = 0.2, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` interleaved spiral arms, one per class.

    A point of class ``j`` at radius ``r`` (uniform in [0, 1]) sits at angle
    ``2 pi j / k + 4 r`` (plus ``noise`` times a Gaussian, in radians), so each arm turns by
    4 radians from the centre to the rim.

    Returns:
        X: array of shape (n, 2) float64 inside the unit disc (before noise);
        y: array of shape (n,) int64 in 0..k-1.
    """
    n, noise, gen = _check_n(n), _check_noise(noise), rng(seed)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 2:
        raise ValueError(f"k (number of classes / arms) must be an int >= 2, got {k!r}")
    y = _balanced_labels(n, int(k), gen)
    r = gen.uniform(0.0, 1.0, n)
    angle = 2 * np.pi * y / k + 4.0 * r + noise * gen.standard_normal(n)
    X = r[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return X, y


def regression_1d(
    n: int = 100, noise: float = 0.1, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """1-D regression: ``y = sin(pi x) + 0.5 x + noise * N(0, 1)``, ``x`` uniform in [-1, 1].

    Returns:
        X: array of shape (n, 1) float64; y: array of shape (n, 1) float64.
    """
    n, noise, gen = _check_n(n), _check_noise(noise), rng(seed)
    X = gen.uniform(-1.0, 1.0, (n, 1))
    y = np.sin(np.pi * X) + 0.5 * X + noise * gen.standard_normal((n, 1))
    return X, y


def one_hot(y: np.ndarray, k: int | None = None) -> np.ndarray:
    """Integer labels -> one-hot rows.

    Args:
        y: int labels of shape (n,), each in 0..k-1.
        k: number of classes (default: ``y.max() + 1``).

    Returns:
        Y: float64 array of shape (n, k) with ``Y[i, y[i]] = 1`` and zeros elsewhere.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"one_hot expects labels of shape (n,), got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        if not (np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y))):
            raise ValueError(f"one_hot expects integer class labels, got dtype {y.dtype}")
    y = y.astype(np.int64)
    if k is None:
        k = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"one_hot labels must be in 0..{k - 1}, got values {y.min()}..{y.max()}")
    Y = np.zeros((y.shape[0], k))
    Y[np.arange(y.shape[0]), y] = 1.0
    return Y


def _class_labels(y: np.ndarray) -> np.ndarray | None:
    """The class of each row if ``y`` holds class labels (ints or one-hot), else None."""
    if y.ndim == 1 and (np.issubdtype(y.dtype, np.integer) or y.dtype == bool):
        return y
    if y.ndim == 2 and y.shape[1] > 1 and np.all((y == 0) | (y == 1)) and np.all(y.sum(1) == 1):
        return y.argmax(axis=1)
    if y.ndim == 2 and y.shape[1] == 1 and np.issubdtype(y.dtype, np.integer):
        return y[:, 0]
    return None


def split(
    X: np.ndarray,
    y: np.ndarray,
    val: float = 0.2,
    test: float = 0.2,
    seed: Seed = 0,
    stratify: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split into train / validation / test parts with no example in two parts.

    With ``stratify=True`` and class labels in ``y`` (ints of shape (n,), or one-hot rows),
    every class is split in the same proportions, so each part has the class balance of the
    whole. Real-valued targets are split at random. Each class contributes
    ``round(test * count)`` examples to the test part and ``round(val * count)`` to the
    validation part; the rest go to training. Within each part the order is shuffled.

    Args:
        X: array of shape (n, ...).
        y: array with n rows.
        val, test: fractions in [0, 1) with ``val + test < 1``. Use ``val=0`` for a plain
            train/test split (the validation arrays are then empty).
        seed: int, Generator or None.
        stratify: keep class proportions (see above).

    Returns:
        ``(X_train, y_train, X_val, y_val, X_test, y_test)``.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y must have the same number of rows, got shapes {X.shape} and {y.shape}"
        )
    for name, frac in (("val", val), ("test", test)):
        if not 0 <= frac < 1:
            raise ValueError(f"{name} must be a fraction in [0, 1), got {frac!r}")
    if val + test >= 1:
        raise ValueError(f"val + test must be < 1 to leave training data, got {val} + {test}")
    gen = rng(seed)
    labels = _class_labels(y) if stratify else None
    groups = (
        [np.arange(len(y))]
        if labels is None
        else [np.flatnonzero(labels == c) for c in np.unique(labels)]
    )
    parts: list[list[np.ndarray]] = [[], [], []]  # train, val, test
    for members in groups:
        members = gen.permutation(members)
        n_test = int(round(test * len(members)))
        n_val = int(round(val * len(members)))
        parts[2].append(members[:n_test])
        parts[1].append(members[n_test : n_test + n_val])
        parts[0].append(members[n_test + n_val :])
    out: list[np.ndarray] = []
    for chunks in parts:
        idx = gen.permutation(np.concatenate(chunks))
        out += [X[idx], y[idx]]
    return tuple(out)  # type: ignore[return-value]


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """1797 handwritten digits as 8x8 images, shipped with bpkit (works offline).

    The test set of the UCI "Optical Recognition of Handwritten Digits" data (E. Alpaydin and
    C. Kaynak, 1998), licensed CC BY 4.0 by the UCI Machine Learning Repository. Each pixel
    counts the inked points in a 4x4 block of a 32x32 bitmap (0..16); here it is divided by 16.

    Returns:
        X: float64 array of shape (1797, 64) in [0, 1] (row-major 8x8 images; use
        ``X.reshape(-1, 8, 8)`` to plot); y: int64 array of shape (1797,) in 0..9.
    """
    source = resources.files("bpkit") / "datasets" / "digits.npz"
    with source.open("rb") as f, np.load(f, allow_pickle=False) as archive:
        X = archive["X"].astype(np.float64) / 16.0
        y = archive["y"].astype(np.int64)
    return X, y
