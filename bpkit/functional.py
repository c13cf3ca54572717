"""Activation functions, their derivatives, and the softmax family, on numpy arrays.

Every function keeps the input's floating dtype (float32 in, float32 out) and is numerically
stable: inputs of +-1e4 give finite results and no overflow warning.

Notation: ``z`` is a pre-activation, ``a = f(z)`` an activation, and ``f_prime(z)`` is the
element-wise derivative ``f'(z)`` used in ``delta = dL/da * f'(z)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def as_float(z: ArrayLike) -> np.ndarray:
    """``z`` as a floating array (ints become float64; float32 stays float32)."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def sigmoid(z: ArrayLike) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))``, element-wise.

    Stable form: with ``e = exp(-|z|)`` (never overflows), ``sigmoid(z) = 1 / (1 + e)`` for
    ``z >= 0`` and ``e / (1 + e)`` for ``z < 0``.

    Args:
        z: array of any shape.

    Returns:
        array of the same shape, values in [0, 1].
    """
    z = as_float(z)
    e = np.exp(-np.abs(z))
    r = 1.0 / (1.0 + e)
    return np.where(z >= 0, r, e * r)


def sigmoid_prime(z: ArrayLike) -> np.ndarray:
    """Derivative of the sigmoid: ``sigmoid(z) * (1 - sigmoid(z))``, same shape as ``z``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: ArrayLike) -> np.ndarray:
    """Hyperbolic tangent, element-wise, values in [-1, 1] (``np.tanh`` is already stable)."""
    return np.tanh(as_float(z))


def tanh_prime(z: ArrayLike) -> np.ndarray:
    """Derivative of tanh: ``1 - tanh(z)**2``, same shape as ``z``."""
    t = np.tanh(as_float(z))
    return 1.0 - t * t


def relu(z: ArrayLike) -> np.ndarray:
    """Rectified linear unit ``max(z, 0)``, element-wise."""
    return np.maximum(as_float(z), 0)


def relu_prime(z: ArrayLike) -> np.ndarray:
    """Derivative of ReLU: 1 where ``z > 0``, else 0 (we take 0 at the kink ``z = 0``)."""
    z = as_float(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z: ArrayLike, slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU: ``z`` where ``z > 0``, else ``slope * z``."""
    z = as_float(z)
    return np.where(z > 0, z, slope * z)


def leaky_relu_prime(z: ArrayLike, slope: float = 0.01) -> np.ndarray:
    """Derivative of leaky ReLU: 1 where ``z > 0``, else ``slope``."""
    z = as_float(z)
    return np.where(z > 0, z.dtype.type(1), z.dtype.type(slope))


def logsumexp(z: ArrayLike, axis: int | None = -1, keepdims: bool = False) -> np.ndarray:
    """``log(sum(exp(z), axis))`` computed without overflow, by factoring out the maximum.

    Args:
        z: array, e.g. logits of shape (n, k).
        axis: axis to reduce (default: the last, i.e. per row), or None for all entries.
        keepdims: keep the reduced axis with length 1.

    Returns:
        array with ``axis`` reduced, e.g. shape (n,) for logits (n, k).
    """
    z = as_float(z)
    m = np.max(z, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def shifted_exp(z: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stable pieces of softmax and log-softmax, row by row.

    Each row is shifted so that its largest entry is 0; then ``exp`` cannot overflow and each
    row sum lies in [1, k], so its log is safe. ``softmax(z) = e / row_sum`` and
    ``log_softmax(z) = shifted - log(row_sum)``.

    Args:
        z: logits of shape (n, k) (or (k,) for one example).

    Returns:
        (shifted, e, row_sum): ``z - max(z)`` and ``exp(shifted)``, both shaped like z, and the
        row sums of e with the last axis kept (shape (n, 1)).
    """
    z = as_float(z)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return shifted, e, np.sum(e, axis=-1, keepdims=True)


def log_softmax(z: ArrayLike) -> np.ndarray:
    """Row-wise ``log(softmax(z)) = z - logsumexp(z)``, stable for any logits.

    Args:
        z: logits of shape (n, k) (or (k,) for one example).

    Returns:
        array of the same shape; each row's ``exp`` sums to 1.
    """
    shifted, _, row_sum = shifted_exp(z)
    return shifted - np.log(row_sum)


def softmax(z: ArrayLike) -> np.ndarray:
    """Row-wise softmax ``exp(z) / sum(exp(z))``, stable (the row maximum is subtracted first).

    Args:
        z: logits of shape (n, k) (or (k,) for one example).

    Returns:
        probabilities of the same shape; each row sums to 1.
    """
    _, e, row_sum = shifted_exp(z)
    e /= row_sum
    return e


def softplus(z: ArrayLike) -> np.ndarray:
    """``log(1 + exp(z))`` without overflow (``np.logaddexp(0, z)``); its derivative is sigmoid."""
    z = as_float(z)
    return np.logaddexp(z.dtype.type(0), z)
