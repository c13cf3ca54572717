"""nb03: shared helpers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bpkit.checks._core import WRONG_SIGN

_type = object.__class__

NOT_IN_PLACE = (
    "a step that was not applied in place (or not at all): the array the model holds still has "
    "its old values. `W = W - eta * dW` or `params[name] = ...` makes a new array that the model "
    "never sees; write into the existing array with `W -= eta * dW`"
)
NO_ETA = "a step without the learning rate: multiply the gradient by eta"
GD_WRONG_SIGN = f"{WRONG_SIGN} (the gradient was added instead of subtracted)"
STEP_SIZE = (
    "a step of the wrong size: the array moved by {factor:.4g} x eta * grads instead of exactly "
    "eta * grads (an extra factor such as 2, 1/2, eta or 1/n?). The step is W -= eta * dW"
)


def _step_factor(moved: np.ndarray, step: np.ndarray) -> float | None:
    """c such that ``moved == c * step`` (both arrays), or None if they are not proportional."""
    norm = float(np.vdot(step, step))
    if norm == 0.0 or moved.shape != step.shape:
        return None
    c = float(np.vdot(moved, step)) / norm
    if not np.isfinite(c) or not np.allclose(moved, c * step, rtol=1e-9, atol=1e-12):
        return None
    return c


def rotated_bowl(lams: Sequence[float], degrees: float = 0.0) -> np.ndarray:
    """A symmetric matrix with eigenvalues ``lams``, rotated in the (w_1, w_2) plane.

    lams: d eigenvalues (d >= 1); degrees: rotation angle of the first two axes.
    Returns: array of shape (d, d).
    """
    d = len(lams)
    Q = np.eye(d)
    if d >= 2:
        t = np.deg2rad(degrees)
        Q[:2, :2] = [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]
    return Q @ np.diag(np.asarray(lams, dtype=np.float64)) @ Q.T


def random_spd(lams: Sequence[float], seed: int) -> np.ndarray:
    """A symmetric positive definite matrix with eigenvalues ``lams`` and random eigenvectors."""
    gen = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(gen.normal(size=(len(lams), len(lams))))
    return Q @ np.diag(np.asarray(lams, dtype=np.float64)) @ Q.T
