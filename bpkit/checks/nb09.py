"""Visible checks for notebook 09: backpropagation through time.

The notebook's exercises use the per-example convention of notebook 02: ``dH[i, t]`` is example
i's own dl_i/dh_t (no 1/n), and the shared-weight gradients are those of the batch-mean loss,
``dW = sum_t delta_t.T @ x_t / n``. bpkit's ``RNN`` passes true gradients, so every reference
here is bpkit's result with ``dout = dH / n``. One public function per exercise; the hidden
checks (``bpkit_grader.nb09``) run the private ``_check_*`` functions on other cases.

Each case runs in its own helper function, so that nothing computed for one case (its
reference) is still around when the student's function runs on the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    MISSING_1_OVER_N,
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import named_error, numpy_error_hint
from bpkit.checks._replay import Opaque
from bpkit.losses import mse, softmax_cross_entropy
from bpkit.model import Sequential
from bpkit.optim import clip_grad_norm
from bpkit.recurrent import RNN, sequence_mse
from bpkit.sequences import adding_problem, delayed_recall, noisy_sine

_type = object.__class__
_rng = np.random.default_rng
_sqrt = np.sqrt
_concatenate = np.concatenate
_norm = np.linalg.norm
_zeros = np.zeros
_tanh = np.tanh

# ----- mistakes every exercise may name (the tests assert these substrings) -----------------------
TRANSPOSED_WH = (
    "a transposed W_h: the recurrent term is h_{t-1} @ W_h.T forward and delta @ W_h back"
)
TRANSPOSED_WX = "a transposed W_x: the input term is x_t @ W_x.T"
NO_CARRY = (
    "the hidden state never carried forward: step t must use h_{t-1}, the state the step before "
    "computed (h0 only at the first step)"
)
NO_ACTIVATION = "a missing f (tanh): h_t = tanh(z_t)"
SHIFTED_H = (
    "H shifted by one step: H[:, t] is the state after reading x_t (h_1 .. h_T); h0 is not part "
    "of H"
)
MISSING_B = "a missing b (the bias is added at every step)"
Z_HOLDS_H = "cache['Z'] holding h = f(z) instead of the pre-activation z_t"
RECURRENT_FORGOTTEN = (
    "the recurrent term forgotten: the error at step t collects dH[:, t] from its own output AND "
    "delta_{t+1} @ W_h from the step after it"
)
NOT_SUMMED = (
    "shared-weight gradients not summed over time: W_x, W_h and b are used at every step, so "
    "their gradient is the sum (+=) of one term per step"
)
AVERAGED_OVER_T = (
    "gradients averaged over the T steps: shared weights add their per-step terms, with no 1/T"
)
WRONG_STEP = (
    "f'(z) taken at the wrong step: delta_t = (dH[:, t] + delta_{t+1} @ W_h) * f'(z_t), with "
    "f'(z_t) = 1 - h_t**2 of the same step t"
)
FORWARD_IN_TIME = (
    "walking forward in time: delta_t needs delta_{t+1}, so the backward pass runs from the last "
    "step t = T down to the first"
)
WH_WITH_H_T = (
    "dW_h built from h_t: W_h multiplies h_{t-1} in step t, so "
    "dW_h = sum_t delta_t.T @ h_{t-1} / n (with h0 at the first step)"
)
H0_FORGOTTEN = "h0 left out of dW_h: the first step's term is delta_1.T @ h0"

# truncated BPTT
K_IGNORED = "k ignored: this is full BPTT; each error may travel back at most k steps"
ONE_STEP_TOO_MANY = (
    "one step too many: an error entering at step t reaches z_t, z_{t-1}, ..., z_{t-k+1}, "
    "k steps in all (its own step included)"
)
ONE_STEP_TOO_FEW = (
    "one step too few: an error entering at step t reaches z_t, z_{t-1}, ..., z_{t-k+1}, "
    "k steps in all (its own step included)"
)
CHUNKED = (
    "truncation at fixed chunk boundaries: here every error travels back k steps from where it "
    "entered, not only to the start of a block of k steps"
)
STOPPED_LOOP = (
    "a backward loop that stops k steps from the end: the errors of the earlier outputs are lost "
    "altogether; each output's error must travel back its own k steps"
)

# gradient norms by lag
BY_TIME = "the norms in time order (t = 1 .. T); list them by lag: lag 0 is h_T, the last step"
DELTA_NORMS = (
    "the norms of delta_t = dl/dz_t (after the f'(z_t) factor); the exercise asks for dl/dh_t"
)
NO_F_PRIME = "a missing f'(z) (activation derivative) between the steps"
SQUARED = "squared norms: take the square root, np.linalg.norm(g)"

# the training loop
UNCLIPPED = (
    "updates that used unclipped gradients: rescale the gradients with "
    "clip_grad_norm(model.named_grads(), clip_norm) BEFORE the update"
)
PER_ARRAY = (
    "clipping each gradient array separately: the global norm is one norm over all arrays, and "
    "every array is scaled by the same factor"
)
VALUE_CLIP = "clipping each entry (np.clip) instead of rescaling by the global norm"
CLIPPED_WEIGHTS = "the weights clipped instead of the gradients: clip model.named_grads()"
LOSS_AFTER = (
    "each loss recorded after its update: record L from the forward pass the gradient came from"
)
UPHILL = f"{WRONG_SIGN} (the weights moved uphill: subtract eta * gradient)"


MATMUL_RNN = (
    "a matrix product whose shapes do not line up: W_x has shape (d_h, d_in) and W_h (d_h, d_h), "
    "so a step computes X[:, t] @ W_x.T + h_prev @ W_h.T (each (n, d_h)), and the backward pass "
    "delta @ W_h, delta.T @ X[:, t] and delta.T @ h_prev"
)


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


# ----- shared data and references -----------------------------------------------------------------
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


# ----- Exercise 1: rnn_forward --------------------------------------------------------------------
# (name, seed, n, T, d_in, d_h). The first visible case has d_in == d_h, so a transposed W_x runs.
SeqCase = tuple[str, int, int, int, int, int]
VISIBLE_FORWARD: list[SeqCase] = [
    ("n = 3 sequences of T = 4 steps, d_in = d_h = 3", 0, 3, 4, 3, 3),
    ("n = 2 sequences of T = 6 steps, d_in = 2, d_h = 5", 1, 2, 6, 2, 5),
    ("a single sequence (n = 1) of T = 3 steps, d_in = 4, d_h = 2", 2, 1, 3, 4, 2),
]


def _forward_variant(X, h0, W_x, W_h, b, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """(Z, H) of a common mistake."""
    n, T, _ = X.shape
    Wx = W_x if variant == "Wx.T" else W_x.T
    Wh = W_h if variant == "Wh.T" else W_h.T
    bias = 0.0 if variant == "no b" else b
    Z = _zeros((n, T, W_h.shape[0]))
    H = _zeros(Z.shape)
    h = h0
    for t in range(T):
        Z[:, t] = X[:, t] @ Wx + (h0 if variant == "no carry" else h) @ Wh + bias
        H[:, t] = Z[:, t] if variant == "linear" else _tanh(Z[:, t])
        h = H[:, t]
    return Z, H


def _forward_case(fn: Callable[..., Any], case: SeqCase) -> None:
    name, seed, n, T, d_in, d_h = case
    X, h0, W_x, W_h, b, _ = _case_arrays(seed, n, T, d_in, d_h)
    what = f"rnn_forward with {name}"
    got = _call(fn, X, h0, W_x, W_h, b, what=what)
    if got is None:
        raise CheckError(f"{what} returned None. Did you forget `return H, cache`?")
    if _type(got) not in (_type(()), _type([])) or len(got) != 2:
        raise CheckError(f"{what} should return the pair (H, cache), got {_shape_of(got)}.")
    H, cache = got[0], got[1]
    right = _cache(X, h0, W_x, W_h, b)
    wrong = {v: _forward_variant(X, h0, W_x, W_h, b, v) for v in ("Wh.T", "no carry", "linear")}
    shifted = _concatenate([h0[:, None], right["H"][:, :-1]], axis=1)
    mistakes_H = {
        TRANSPOSED_WH: wrong["Wh.T"][1],
        NO_CARRY: wrong["no carry"][1] if T > 1 else None,
        NO_ACTIVATION: wrong["linear"][1],
        SHIFTED_H: shifted,
        MISSING_B: _forward_variant(X, h0, W_x, W_h, b, "no b")[1],
        TRANSPOSED_WX: _forward_variant(X, h0, W_x, W_h, b, "Wx.T")[1] if d_in == d_h else None,
    }
    expect_close(
        f"H ({what})",
        H,
        right["H"],
        mistakes={k: v for k, v in mistakes_H.items() if v is not None},
        hint="z_t = x_t @ W_x.T + h_{t-1} @ W_h.T + b, h_t = tanh(z_t); H has shape (n, T, d_h).",
    )
    expect(
        _type(cache) is _type({}),
        f"{what}: the cache should be a dict with keys 'X', 'h0', 'Z', 'H', got "
        f"{_shape_of(cache)}.",
    )
    missing = [key for key in ("X", "h0", "Z", "H") if key not in cache]
    expect(not missing, f"{what}: the cache has no key(s) {missing}; the backward pass needs them.")
    expect_close(
        f"cache['Z'] ({what})",
        cache["Z"],
        right["Z"],
        mistakes={Z_HOLDS_H: right["H"]},
        hint="Keep every pre-activation z_t, shape (n, T, d_h).",
    )
    expect_close(f"cache['H'] ({what})", cache["H"], right["H"], hint="The same H you return.")
    expect_close(f"cache['X'] ({what})", cache["X"], X, hint="The input sequence X itself.")
    expect_close(
        f"cache['h0'] ({what})", cache["h0"], h0, hint="The start state h0 (dW_h needs it)."
    )


def _check_rnn_forward(fn: Callable[..., Any], cases: Sequence[SeqCase]) -> None:
    guard()
    for case in cases:
        _forward_case(fn, case)
    passed("rnn_forward")


def rnn_forward(fn: Callable[..., Any]) -> None:
    """Check rnn_forward(X, h0, W_x, W_h, b) -> (H, cache) against bpkit's RNN."""
    _check_rnn_forward(fn, VISIBLE_FORWARD)


# ----- Exercise 2: rnn_backward (full BPTT) -------------------------------------------------------
VISIBLE_BACKWARD: list[SeqCase] = [
    ("n = 3 sequences of T = 5 steps, d_in = 2, d_h = 3", 10, 3, 5, 2, 3),
    ("n = 4 sequences of T = 3 steps, d_in = 3, d_h = 3", 11, 4, 3, 3, 3),
    ("a single sequence (n = 1) of T = 7 steps, d_in = 1, d_h = 4", 12, 1, 7, 1, 4),
]
BACKWARD_HINT = (
    "Walk t from T down to 1: delta_t = (dH[:, t] + delta_{t+1} @ W_h) * (1 - h_t**2), and add "
    "delta_t.T @ x_t / n, delta_t.T @ h_{t-1} / n and delta_t.mean(axis=0) to the gradients."
)


def _backward_mistakes(cache: dict, W_h: np.ndarray, dH: np.ndarray) -> dict[str, dict]:
    X, h0, H = cache["X"], cache["h0"], cache["H"]
    n, T, _ = H.shape
    D = _deltas(dH, H, h0, W_h)

    def grads(D: np.ndarray, **kw: Any) -> dict:
        return _grads_from(D, X, H, h0, **kw)

    out: dict[str, dict | None] = {
        RECURRENT_FORGOTTEN: grads(_deltas(dH, H, h0, W_h, recurrent=False)),
        NOT_SUMMED + " (only the last term the loop computed, t = 1)": grads(D, combine="first"),
        NOT_SUMMED + " (only the term of the last step, t = T)": grads(D, combine="last"),
        AVERAGED_OVER_T: grads(D, combine="mean"),
        WRONG_STEP + " (here f'(z_{t-1}))": grads(_deltas(dH, H, h0, W_h, step=-1)),
        WRONG_STEP + " (here f'(z_{t+1}))": grads(_deltas(dH, H, h0, W_h, step=1)),
        FORWARD_IN_TIME: grads(_deltas(dH, H, h0, W_h, forward=True)),
        TRANSPOSED_WH: grads(_deltas(dH, H, h0, W_h, transpose=True)),
        WH_WITH_H_T: grads(D, h_pair="same"),
        H0_FORGOTTEN: grads(D, with_h0=False),
        MISSING_1_OVER_N: grads(D, per_n=False) if n > 1 else None,
    }
    if T == 1:  # one step: no recurrence, so most mistakes give the right numbers
        out = {MISSING_1_OVER_N: out[MISSING_1_OVER_N]}
    return {k: v for k, v in out.items() if v is not None}


def _backward_case(fn: Callable[..., Any], case: SeqCase) -> None:
    name, seed, n, T, d_in, d_h = case
    X, h0, W_x, W_h, b, dH = _case_arrays(seed, n, T, d_in, d_h)
    cache = _cache(X, h0, W_x, W_h, b)
    what = f"rnn_backward with {name}"
    got = _grads_dict(what, _call(fn, dH, cache, W_h, what=what))
    right = _bpkit_grads(X, h0, W_x, W_h, b, dH, None)
    _compare_grads(what, got, right, _backward_mistakes(cache, W_h, dH), BACKWARD_HINT)


def _check_rnn_backward(fn: Callable[..., Any], cases: Sequence[SeqCase]) -> None:
    guard()
    for case in cases:
        _backward_case(fn, case)
    passed("rnn_backward")


def rnn_backward(fn: Callable[..., Any]) -> None:
    """Check rnn_backward(dH, cache, W_h) -> {'W_x', 'W_h', 'b'} against bpkit's BPTT."""
    _check_rnn_backward(fn, VISIBLE_BACKWARD)


# ----- Exercise 3: truncated BPTT -----------------------------------------------------------------
# (name, seed, n, T, d_in, d_h, k)
TruncCase = tuple[str, int, int, int, int, int, int]
VISIBLE_TRUNCATED: list[TruncCase] = [
    ("T = 7 steps truncated to k = 3, n = 3, d_in = 2, d_h = 3", 20, 3, 7, 2, 3, 3),
    ("T = 6 steps truncated to k = 2, n = 2, d_in = 3, d_h = 4", 21, 2, 6, 3, 4, 2),
    ("T = 5 steps with k = 1 (no step back at all), n = 4", 22, 4, 5, 2, 2, 1),
    ("T = 4 steps with k = T = 4 (that is full BPTT), n = 2", 23, 2, 4, 2, 3, 4),
]
TRUNCATED_HINT = (
    "For each step t: start from g = dH[:, t] and walk back over s = t, t-1, ..., t-k+1 (not "
    "below the first step): delta = g * (1 - h_s**2), add its gradient terms, g = delta @ W_h."
)


def _truncated_mistakes(cache: dict, W_h: np.ndarray, dH: np.ndarray, k: int) -> dict[str, dict]:
    X, h0, H = cache["X"], cache["h0"], cache["H"]
    T = H.shape[1]

    def grads(first: Callable[[int], int]) -> dict:
        return _grads_from(_windowed(dH, H, W_h, first), X, H, h0)

    stop = _zeros(H.shape)  # the plain recursion, stopped k steps from the end
    full = _deltas(dH, H, h0, W_h)
    if k < T:
        stop[:, T - k :] = _deltas(dH[:, T - k :], H[:, T - k :], H[:, T - k - 1], W_h)
    out = {
        K_IGNORED: _grads_from(full, X, H, h0),
        ONE_STEP_TOO_MANY: grads(lambda t: t - k),
        ONE_STEP_TOO_FEW: grads(lambda t: t - k + 2) if k > 1 else None,
        CHUNKED + " (blocks counted from the first step)": grads(lambda t: t - t % k),
        CHUNKED + " (blocks counted from the last step)": grads(
            lambda t: t - (k - 1 - (T - 1 - t) % k)
        ),
        STOPPED_LOOP: _grads_from(stop, X, H, h0) if k < T else None,
        RECURRENT_FORGOTTEN: _grads_from(_deltas(dH, H, h0, W_h, recurrent=False), X, H, h0),
    }
    return {label: v for label, v in out.items() if v is not None}


def _truncated_case(fn: Callable[..., Any], case: TruncCase) -> None:
    name, seed, n, T, d_in, d_h, k = case
    X, h0, W_x, W_h, b, dH = _case_arrays(seed, n, T, d_in, d_h)
    cache = _cache(X, h0, W_x, W_h, b)
    what = f"rnn_backward_truncated with {name}"
    got = _grads_dict(what, _call(fn, dH, cache, W_h, k, what=what))
    right = _bpkit_grads(X, h0, W_x, W_h, b, dH, k)
    _compare_grads(what, got, right, _truncated_mistakes(cache, W_h, dH, k), TRUNCATED_HINT)


def _check_rnn_backward_truncated(fn: Callable[..., Any], cases: Sequence[TruncCase]) -> None:
    guard()
    for case in cases:
        _truncated_case(fn, case)
    passed("rnn_backward_truncated")


def rnn_backward_truncated(fn: Callable[..., Any]) -> None:
    """Check rnn_backward_truncated(dH, cache, W_h, k) against bpkit's RNN(truncate=k)."""
    _check_rnn_backward_truncated(fn, VISIBLE_TRUNCATED)


# ----- Exercise 4: the gradient norm against the lag ----------------------------------------------
VISIBLE_LAG: list[SeqCase] = [
    ("n = 4 sequences of T = 6 steps, d_in = 2, d_h = 3", 30, 4, 6, 2, 3),
    ("a single sequence of T = 9 steps, d_in = 1, d_h = 5", 31, 1, 9, 1, 5),
    ("n = 2 sequences of T = 2 steps, d_in = 3, d_h = 2", 32, 2, 2, 3, 2),
]
LAG_HINT = (
    "g = dh_T; then for t = T down to 2: g = (g * (1 - h_t**2)) @ W_h is dl/dh_{t-1}. "
    "norms[j] = np.linalg.norm of dl/dh_{T-j}, shape (T,)."
)


def _lag_variant(dh_T, H, h0, W_h, variant: str = "") -> np.ndarray:
    n, T, _ = H.shape
    prime = 1.0 - H**2
    W = W_h.T if variant == "Wh.T" else W_h
    out = []
    g = dh_T
    for t in range(T - 1, -1, -1):
        p = prime[:, t]
        out.append(_norm(g * p) if variant == "delta" else _norm(g))
        if variant == "no prime":
            p = 1.0
        elif variant == "step":
            p = prime[:, t - 1] if t > 0 else 1.0 - h0**2
        g = (g * p) @ W
    return np.asarray(out)


def _lag_case(fn: Callable[..., Any], case: SeqCase) -> None:
    name, seed, n, T, d_in, d_h = case
    X, h0, W_x, W_h, b, dH = _case_arrays(seed, n, T, d_in, d_h)
    cache = _cache(X, h0, W_x, W_h, b)
    dh_T = dH[:, -1]
    what = f"grad_norms_by_lag with {name}"
    got = _call(fn, dh_T, cache, W_h, what=what)
    layer = _bpkit_rnn(W_x, W_h, b, output="last")
    layer.forward(X, h0)
    layer.backward(dh_T / n)
    right = _norm(layer.dH * n, axis=(0, 2))[::-1]
    mistakes = {
        BY_TIME: right[::-1] if T > 1 else None,
        DELTA_NORMS: _lag_variant(dh_T, cache["H"], h0, W_h, "delta"),
        NO_F_PRIME: _lag_variant(dh_T, cache["H"], h0, W_h, "no prime") if T > 1 else None,
        TRANSPOSED_WH: _lag_variant(dh_T, cache["H"], h0, W_h, "Wh.T") if T > 1 else None,
        WRONG_STEP: _lag_variant(dh_T, cache["H"], h0, W_h, "step") if T > 1 else None,
        SQUARED: right**2,
    }
    expect_close(
        what,
        got,
        right,
        mistakes={k: v for k, v in mistakes.items() if v is not None},
        hint=LAG_HINT,
    )


def _check_grad_norms_by_lag(fn: Callable[..., Any], cases: Sequence[SeqCase]) -> None:
    guard()
    for case in cases:
        _lag_case(fn, case)
    passed("grad_norms_by_lag")


def grad_norms_by_lag(fn: Callable[..., Any]) -> None:
    """Check grad_norms_by_lag(dh_T, cache, W_h) -> ||dl/dh_{T-j}|| for j = 0 .. T-1."""
    _check_grad_norms_by_lag(fn, VISIBLE_LAG)


# ----- Exercise 5: a training loop with clipping on a memory task ---------------------------------
# (name, seed, task, n, lag, d_h, eta, epochs, clip_norm)
TrainCase = tuple[str, int, str, int, int, int, float, int, float | None]
VISIBLE_TRAIN: list[TrainCase] = [
    ("delayed recall at lag 3, clip_norm = 0.05 (clipping at every step)", 0, "recall", 24, 3, 6,
     0.5, 6, 0.05),
    ("the adding problem at lag 4, clip_norm = None (no clipping)", 1, "adding", 16, 4, 5, 0.2, 5,
     None),
    ("noisy sine, 2 steps ahead, clip_norm = 0.1", 2, "sine", 12, 2, 4, 0.3, 5, 0.1),
]  # fmt: skip

TASKS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    # task: (data(n, lag, seed) -> X, y; model(d_h, seed) -> Sequential), with the loss below
    "recall": (
        lambda n, lag, seed: delayed_recall(n, lag, n_symbols=3, seed=seed),
        lambda d_h, seed: Sequential(RNN(3, d_h, 3, seed=seed)),
    ),
    "adding": (
        lambda n, lag, seed: adding_problem(n, lag, seed=seed),
        lambda d_h, seed: Sequential(RNN(2, d_h, 1, seed=seed)),
    ),
    "sine": (
        lambda n, lag, seed: noisy_sine(n, T=3 * lag, lag=lag, seed=seed),
        lambda d_h, seed: Sequential(RNN(1, d_h, 1, output="sequence", seed=seed)),
    ),
}
LOSSES = {"recall": softmax_cross_entropy, "adding": mse, "sine": sequence_mse}


def _flat_params(model: Any) -> np.ndarray:
    params = model.named_params()
    return _concatenate([params[key].ravel() for key in sorted(params)])


def _reference_training(model, X, y, loss, eta, epochs, clip_norm, variant="") -> list[float]:
    """The loop of the exercise; ``variant`` reproduces a common mistake."""
    losses = []
    for _ in range(epochs):
        L, dout = loss(model.forward(X), y)
        model.backward(dout)
        grads, params = model.named_grads(), model.named_params()
        if clip_norm is not None:
            if variant == "per array":
                for g in grads.values():
                    clip_grad_norm({"g": g}, clip_norm)
            elif variant == "values":
                for g in grads.values():
                    np.clip(g, -clip_norm, clip_norm, out=g)
            elif variant == "weights":
                clip_grad_norm(params, clip_norm)
            elif variant != "unclipped":
                clip_grad_norm(grads, clip_norm)
        sign = -1.0 if variant == "uphill" else 1.0
        for key, p in params.items():
            p -= sign * eta * grads[key]
        if variant == "after":
            L = loss(model.forward(X), y)[0]
        losses.append(float(L))
    return losses


def _train_case(fn: Callable[..., Any], case: TrainCase) -> None:
    name, seed, task, n, lag, d_h, eta, epochs, clip_norm = case
    make_data, make_model = TASKS[task]
    X, y = make_data(n, lag, seed)
    loss = LOSSES[task]
    what = f"train_rnn on {name}"
    model = make_model(d_h, seed)
    got = call(fn, model, X, y, loss, eta, epochs, clip_norm, what=what)
    if got is None:
        raise CheckError(f"{what} returned None. Return the list of the {epochs} losses.")
    ref_model = make_model(d_h, seed)
    right = _reference_training(ref_model, X, y, loss, eta, epochs, clip_norm)
    variants = {UPHILL: "uphill", LOSS_AFTER: "after"}
    if clip_norm is not None:
        variants.update(
            {
                UNCLIPPED: "unclipped",
                PER_ARRAY: "per array",
                VALUE_CLIP: "values",
                CLIPPED_WEIGHTS: "weights",
            }
        )
    runs = {}
    for label, variant in variants.items():
        m = make_model(d_h, seed)
        try:
            with np.errstate(all="ignore"):
                runs[label] = (
                    _reference_training(m, X, y, loss, eta, epochs, clip_norm, variant),
                    m,
                )
        except ValueError:  # this mistake diverges here (a loss refused its predictions)
            continue
    expect_close(
        f"{what}: the list of losses",
        got,
        np.asarray(right),
        mistakes={label: np.asarray(losses) for label, (losses, _) in runs.items()},
        rtol=1e-7,
        atol=1e-10,
        hint="One full-batch step per epoch: forward, loss, backward, clip, update; record L.",
    )
    expect_close(
        f"{what}: the model's parameters after training",
        _flat_params(model),
        _flat_params(ref_model),
        mistakes={label: _flat_params(m) for label, (_, m) in runs.items()},
        rtol=1e-7,
        atol=1e-10,
        hint="The losses were right but the weights are not: update every parameter in place "
        "(p -= eta * grads[name]) once per epoch, with the clipped gradients.",
    )


def _check_train_rnn(fn: Callable[..., Any], cases: Sequence[TrainCase]) -> None:
    guard()
    for case in cases:
        _train_case(fn, case)
    passed("train_rnn")


def train_rnn(fn: Callable[..., Any]) -> None:
    """Check train_rnn(model, X, y, loss, eta, epochs, clip_norm) against bpkit, step by step."""
    _check_train_rnn(fn, VISIBLE_TRAIN)


__all__ = [
    "grad_norms_by_lag",
    "rnn_backward",
    "rnn_backward_truncated",
    "rnn_forward",
    "train_rnn",
]
