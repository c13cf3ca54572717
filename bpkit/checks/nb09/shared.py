"""nb09: shared data and references."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bpkit.checks._core import (
    CheckError,
    call,
    expect,
    expect_close,
)
from bpkit.checks._messages import named_error, numpy_error_hint
from bpkit.checks._replay import Opaque
from bpkit.checks.nb09._common import _concatenate, _rng, _sqrt, _type, _zeros
from bpkit.checks.nb09.mistakes import MATMUL_RNN
from bpkit.recurrent import RNN

# ----- shared data and references -----------------------------------------------------------------
# (name, seed, n, T, d_in, d_h): a case of the forward, backward and lag exercises
SeqCase = tuple[str, int, int, int, int, int]


def _call(fn: Callable[..., Any], *args: Any, what: str) -> Any:
    """``call``, with numpy's bare shape errors turned into the mistake they usually are."""
    try:
        return call(fn, *args, what=what)
    except CheckError as error:
        raise named_error(error, numpy_error_hint(str(error), {}, MATMUL_RNN)) from error.__cause__


def _shape_of(obj: Any) -> str:
    if isinstance(obj, Opaque):
        return obj.type_name
    return _type(obj).__name__


def _case_arrays(seed: int, n: int, T: int, d_in: int, d_h: int) -> tuple[np.ndarray, ...]:
    """Inputs of one case: X (n, T, d_in), h0 (n, d_h), W_x, W_h, b and dH (n, T, d_h)."""
    g = _rng(seed)
    X = g.normal(size=(n, T, d_in))
    h0 = 0.5 * g.normal(size=(n, d_h))  # not zero, so that a forgotten h0 shows
    W_x = g.normal(size=(d_h, d_in)) / _sqrt(d_in)
    W_h = 0.9 * g.normal(size=(d_h, d_h)) / _sqrt(d_h)
    b = 0.3 * g.normal(size=d_h)
    dH = g.normal(size=(n, T, d_h))
    return X, h0, W_x, W_h, b, dH


def _bpkit_rnn(W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray, output: str = "sequence") -> RNN:
    layer = RNN(W_x.shape[1], W_x.shape[0], output=output)
    layer.params["W_x"][...] = W_x
    layer.params["W_h"][...] = W_h
    layer.params["b"][...] = b
    return layer


def _h_prev(h0: np.ndarray, H: np.ndarray) -> np.ndarray:
    """h_0 .. h_{T-1}: the state each step reads, shape (n, T, d_h)."""
    return _concatenate([h0[:, None], H[:, :-1]], axis=1)


def _cache(X, h0, W_x, W_h, b) -> dict[str, np.ndarray]:
    """The cache rnn_forward returns, computed with bpkit."""
    H = _bpkit_rnn(W_x, W_h, b).forward(X, h0)
    Z = X @ W_x.T + _h_prev(h0, H) @ W_h.T + b
    return {"X": X, "h0": h0, "Z": Z, "H": H}


def _bpkit_grads(X, h0, W_x, W_h, b, dH, k: int | None) -> dict[str, np.ndarray]:
    """bpkit's BPTT (per-example dH, so dout = dH / n); truncated to k steps when k is given."""
    layer = _bpkit_rnn(W_x, W_h, b)
    layer.forward(X, h0)
    layer.backward(dH / X.shape[0], truncate=k)
    return {key: layer.grads[key].copy() for key in ("W_x", "W_h", "b")}


def _deltas(dH, H, h0, W_h, *, recurrent=True, transpose=False, step=0, forward=False):
    """delta_t for every step, walking back (or, wrongly, forward) through time."""
    n, T, d_h = H.shape
    prime = 1.0 - H**2
    prime_h0 = 1.0 - h0**2
    W = W_h.T if transpose else W_h
    D = _zeros(H.shape)
    carry = _zeros((n, d_h))
    for t in range(T) if forward else range(T - 1, -1, -1):
        s = min(max(t + step, -1), T - 1)
        g = dH[:, t] + (carry if recurrent else 0.0)
        D[:, t] = g * (prime[:, s] if s >= 0 else prime_h0)
        carry = D[:, t] @ W
    return D


def _windowed(dH, H, W_h, first: Callable[[int], int]) -> np.ndarray:
    """delta_t when the error entering at step t reaches back to step first(t) and no further."""
    n, T, _ = H.shape
    prime = 1.0 - H**2
    D = _zeros(H.shape)
    for t in range(T):
        g = dH[:, t]
        for s in range(t, max(first(t), 0) - 1, -1):
            delta = g * prime[:, s]
            D[:, s] += delta
            g = delta @ W_h
    return D


def _grads_from(D, X, H, h0, *, combine="sum", h_pair="prev", per_n=True, with_h0=True):
    """Shared-weight gradients from the deltas D (n, T, d_h)."""
    n, T, _ = D.shape
    pair = _h_prev(h0, H) if h_pair == "prev" else H
    if not with_h0:
        pair = pair.copy()
        pair[:, 0] = 0.0
    steps = {"sum": range(T), "first": [0], "last": [T - 1], "mean": range(T)}[combine]
    out = {
        "W_x": sum(D[:, t].T @ X[:, t] for t in steps),
        "W_h": sum(D[:, t].T @ pair[:, t] for t in steps),
        "b": sum(D[:, t].sum(axis=0) for t in steps),
    }
    scale = (1.0 / n if per_n else 1.0) / (T if combine == "mean" else 1)
    return {key: value * scale for key, value in out.items()}


def _grads_dict(what: str, got: Any) -> dict:
    if got is None:
        raise CheckError(f"{what} returned None. Did you forget `return grads`?")
    expect(
        _type(got) is _type({}),
        f"{what} should return a dict with keys 'W_x', 'W_h', 'b', got {_shape_of(got)}.",
    )
    missing = [key for key in ("W_x", "W_h", "b") if key not in got]
    expect(not missing, f"{what}: the returned dict has no key(s) {missing}.")
    return got


def _compare_grads(what: str, got: dict, right: dict, wrong: dict[str, dict], hint: str) -> None:
    for key in ("W_h", "W_x", "b"):
        expect_close(
            f"grads[{key!r}] ({what})",
            got[key],
            right[key],
            mistakes={label: value[key] for label, value in wrong.items() if value is not None},
            hint=hint,
        )
