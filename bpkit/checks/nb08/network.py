"""nb08: the reference network."""

from __future__ import annotations

import numpy as np

from bpkit.checks.nb08._common import Params, _arange, _asarray, _default_rng, _exp, _log, _maximum


# ----- the reference network ----------------------------------------------------------------------
def _forward(params: Params, X: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Reference forward pass: logits of shape (n, 10) and the cache (X, z1, a1, z2)."""
    z1 = X @ params["W1"].T + params["b1"]
    a1 = _maximum(z1, 0.0)
    z2 = a1 @ params["W2"].T + params["b2"]
    return z2, (X, z1, a1, z2)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = _exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _loss(params: Params, X: np.ndarray, y: np.ndarray, lam: float) -> float:
    """Batch-mean softmax cross-entropy plus lam/2 * (||W1||^2 + ||W2||^2)."""
    z2 = _forward(params, X)[0]
    shifted = z2 - z2.max(axis=1, keepdims=True)
    log_p = shifted - _log(_exp(shifted).sum(axis=1, keepdims=True))
    data = -float(log_p[_arange(len(y)), y].mean())
    return data + lam / 2 * float((params["W1"] ** 2).sum() + (params["W2"] ** 2).sum())


def _backward(
    params: Params,
    cache: tuple,
    y: np.ndarray,
    lam: float,
    *,
    sign: float = 1.0,
    per_n: bool = True,
    relu_prime: str = "step",
    l2: float = 1.0,
    bias_l2: bool = False,
    logits: bool = False,
    bias_per_n: bool = True,
) -> Params:
    """Reference gradients; the keywords produce the plausible wrong variants."""
    X, z1, a1, z2 = cache
    n = len(y)
    delta2 = z2.copy() if logits else _softmax(z2)
    delta2[_arange(n), y] -= 1.0
    delta2 = sign * delta2
    scale = 1.0 / n if per_n else 1.0
    bias_scale = scale if bias_per_n else 1.0
    through = delta2 @ params["W2"]
    delta1 = {"step": through * (z1 > 0), "none": through, "a1": through * a1}[relu_prime]
    grads = {
        "W2": delta2.T @ a1 * scale + l2 * lam * params["W2"],
        "b2": delta2.sum(axis=0) * bias_scale,
        "W1": delta1.T @ X * scale + l2 * lam * params["W1"],
        "b1": delta1.sum(axis=0) * bias_scale,
    }
    if bias_l2:
        grads["b1"] = grads["b1"] + lam * params["b1"]
        grads["b2"] = grads["b2"] + lam * params["b2"]
    return grads


def _init(seed: int, d: int, H: int, k: int, scale: float = 0.5) -> Params:
    gen = _default_rng(seed)
    return {
        "W1": gen.normal(0.0, scale, (H, d)),
        "b1": gen.normal(0.0, 0.1, H),
        "W2": gen.normal(0.0, scale, (k, H)),
        "b2": gen.normal(0.0, 0.1, k),
    }


def _copy(params: Params) -> Params:
    return {key: _asarray(value, dtype=float).copy() for key, value in params.items()}
