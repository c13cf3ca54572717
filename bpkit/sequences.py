"""Seeded sequence tasks where memory matters, each with one difficulty knob: the time lag.

Every task returns float64 sequences ``X`` of shape (n, T, d_in) (rows are examples, then steps,
then features) and takes a ``seed`` (int, ``np.random.Generator`` or None). The same seed gives
the same data. The lag is how many steps back the network must look to get the answer right,
so raising it shows where a plain RNN stops learning.

* :func:`adding_problem` (Hochreiter and Schmidhuber, 1997): add the two marked numbers.
* :func:`delayed_recall`: output the symbol seen ``lag`` steps before the last one.
* :func:`noisy_sine`: predict a clean sine wave ``lag`` steps ahead from noisy samples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bpkit._validate import SeedLike, rng

__all__ = ["adding_problem", "delayed_recall", "noisy_sine"]


def _int(value: Any, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{what} must be an int >= {minimum}, got {value!r}")
    return int(value)


def _length(T: Any, lag: int, minimum: int, default: int, task: str) -> int:
    if T is None:
        return default
    T = _int(T, "T (sequence length)", 1)
    if T < minimum:
        raise ValueError(f"{task}: T = {T} is too short for lag = {lag}; it needs T >= {minimum}")
    return T


def adding_problem(
    n: int = 256, lag: int = 10, T: int | None = None, seed: SeedLike = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem: two numbers in a long sequence are marked; output their sum.

    Each step carries two features: a number drawn uniformly from [0, 1], and a marker that is
    1 at exactly two steps and 0 elsewhere. The target is the sum of the two marked numbers.
    The first marker falls in the first ``T - lag`` steps and the second in the last ``lag``
    steps, so the first marked number was seen at least ``lag`` steps before the answer is
    due. Always answering 1 (the mean of the target) gives an MSE loss of about 1/12 (variance
    1/6, halved by the 1/2 of bpkit's MSE): a network must beat that to have learned anything.

    Args:
        n: number of sequences (>= 1).
        lag: the difficulty knob (>= 1).
        T: sequence length, default ``2 * lag``; must be >= lag + 1.
        seed: int, Generator or None.

    Returns:
        X: float64 array of shape (n, T, 2); y: float64 array of shape (n, 1).
    """
    n = _int(n, "n (number of sequences)", 1)
    lag = _int(lag, "lag", 1)
    T = _length(T, lag, lag + 1, 2 * lag, "adding_problem")
    g = rng(seed)
    values = g.uniform(0.0, 1.0, size=(n, T))
    first = g.integers(0, T - lag, size=n)
    second = g.integers(T - lag, T, size=n)
    rows = np.arange(n)
    marks = np.zeros((n, T))
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    X = np.stack([values, marks], axis=2)
    y = (values[rows, first] + values[rows, second]).reshape(n, 1)
    return X, y


def delayed_recall(
    n: int = 256,
    lag: int = 5,
    n_symbols: int = 4,
    T: int | None = None,
    seed: SeedLike = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Delayed recall: read a stream of symbols; at the end, output the one seen ``lag`` steps ago.

    Every step shows one of ``n_symbols`` symbols, drawn uniformly and one-hot encoded. The
    answer is the symbol at step ``T - 1 - lag`` (0-based), so the steps after it are
    distractors the network must not confuse with it. ``lag = 0`` asks for the last symbol
    itself (no memory needed). Guessing gives an accuracy of ``1 / n_symbols``.

    Args:
        n: number of sequences (>= 1).
        lag: the difficulty knob (>= 0).
        n_symbols: alphabet size (>= 2).
        T: sequence length, default ``lag + 1`` (the answer is then the first symbol); must be
            >= lag + 1.
        seed: int, Generator or None.

    Returns:
        X: float64 one-hot array of shape (n, T, n_symbols); y: int64 labels of shape (n,),
        in 0..n_symbols-1 (for ``bpkit.losses.softmax_cross_entropy``).
    """
    n = _int(n, "n (number of sequences)", 1)
    lag = _int(lag, "lag", 0)
    n_symbols = _int(n_symbols, "n_symbols", 2)
    T = _length(T, lag, lag + 1, lag + 1, "delayed_recall")
    g = rng(seed)
    symbols = g.integers(0, n_symbols, size=(n, T))
    X = np.zeros((n, T, n_symbols))
    np.put_along_axis(X, symbols[:, :, None], 1.0, axis=2)
    y = symbols[:, T - 1 - lag].astype(np.int64)
    return X, y


def noisy_sine(
    n: int = 256,
    T: int = 20,
    lag: int = 1,
    noise: float = 0.1,
    seed: SeedLike = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy sine waves: at every step, predict the clean wave ``lag`` steps ahead.

    Each sequence is ``sin(omega * t + phi)`` at t = 0..T-1, with its own angular frequency
    ``omega`` drawn from [0.2, 0.6] radians per step and phase ``phi`` from [0, 2 pi), plus
    Gaussian noise of standard deviation ``noise`` on the inputs. The target at step t is the
    clean value at step ``t + lag``: to predict it the network must estimate frequency and
    phase from what it has seen, and the further ahead, the harder. ``lag = 0`` asks it to
    denoise the current value.

    Args:
        n: number of sequences (>= 1).
        T: sequence length (>= 1).
        lag: the difficulty knob, steps ahead (>= 0).
        noise: input noise standard deviation (>= 0).
        seed: int, Generator or None.

    Returns:
        X: float64 array of shape (n, T, 1); y: float64 array of shape (n, T, 1) (one target
        per step: use ``RNN(..., output="sequence")``).
    """
    n = _int(n, "n (number of sequences)", 1)
    T = _int(T, "T (sequence length)", 1)
    lag = _int(lag, "lag", 0)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    g = rng(seed)
    omega = g.uniform(0.2, 0.6, size=(n, 1))
    phi = g.uniform(0.0, 2 * np.pi, size=(n, 1))
    t = np.arange(T)
    X = np.sin(omega * t + phi) + noise * g.standard_normal((n, T))
    y = np.sin(omega * (t + lag) + phi)
    return X[:, :, None], y[:, :, None]
