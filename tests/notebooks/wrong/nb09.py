"""Plausible wrong answers for notebook 09, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)]. The answer cells run after the notebook's setup cell,
so ``np`` and ``clip_grad_norm`` (bpkit.optim) are defined.
"""

_FORWARD = """
def rnn_forward(X, h0, W_x, W_h, b):
    n, T, _ = X.shape
    Z = np.zeros((n, T, W_h.shape[0]))
    H = np.zeros((n, T, W_h.shape[0]))
    h = h0
    for t in range(T):
        Z[:, t] = {z}
        H[:, t] = {h}
        h = {carry}
    return {ret}, {{"X": X, "h0": h0, "Z": {cache_z}, "H": {ret}}}
"""
_Z = "X[:, t] @ W_x.T + h @ W_h.T + b"


def _forward(
    z: str = _Z,
    h: str = "np.tanh(Z[:, t])",
    carry: str = "H[:, t]",
    ret: str = "H",
    cache_z: str = "Z",
) -> str:
    return _FORWARD.format(z=z, h=h, carry=carry, ret=ret, cache_z=cache_z)


_BACKWARD = """
def rnn_backward(dH, cache, W_h):
    X, h0, H = cache["X"], cache["h0"], cache["H"]
    n, T, _ = H.shape
    dW_x, dW_h, db = 0.0, 0.0, 0.0
    delta_next = np.zeros_like(h0)
    for t in {order}:
        h_prev = H[:, t - 1] if t > 0 else h0
        delta = ({error}) * (1 - {prime} ** 2)
        dW_x {op} delta.T @ X[:, t] / n
        dW_h {op} delta.T @ {pair} / {n}
        db {op} delta.mean(axis=0)
        delta_next = delta
    return {{"W_x": dW_x, "W_h": dW_h, "b": db}}
"""


def _backward(
    order: str = "reversed(range(T))",
    error: str = "dH[:, t] + delta_next @ W_h",
    prime: str = "H[:, t]",
    op: str = "+=",
    pair: str = "h_prev",
    n: str = "n",
) -> str:
    return _BACKWARD.format(order=order, error=error, prime=prime, op=op, pair=pair, n=n)


_TRUNCATED_WINDOW = """
def rnn_backward_truncated(dH, cache, W_h, k):
    X, h0, H = cache["X"], cache["h0"], cache["H"]
    n, T, _ = H.shape
    dW_x, dW_h, db = 0.0, 0.0, 0.0
    for t in range(T):
        g = dH[:, t]
        for s in range(t, max({stop}, -1), -1):
            h_prev = H[:, s - 1] if s > 0 else h0
            delta = g * (1 - H[:, s] ** 2)
            dW_x = dW_x + delta.T @ X[:, s] / n
            dW_h = dW_h + delta.T @ h_prev / n
            db = db + delta.mean(axis=0)
            g = delta @ W_h
    return {{"W_x": dW_x, "W_h": dW_h, "b": db}}
"""

_TRUNCATED_RECURSION = """
def rnn_backward_truncated(dH, cache, W_h, k):
    X, h0, H = cache["X"], cache["h0"], cache["H"]
    n, T, _ = H.shape
    dW_x, dW_h, db = 0.0, 0.0, 0.0
    delta_next = np.zeros_like(h0)
    for t in {order}:
        {cut}
        h_prev = H[:, t - 1] if t > 0 else h0
        delta = (dH[:, t] + delta_next @ W_h) * (1 - H[:, t] ** 2)
        dW_x = dW_x + delta.T @ X[:, t] / n
        dW_h = dW_h + delta.T @ h_prev / n
        db = db + delta.mean(axis=0)
        delta_next = delta
    return {{"W_x": dW_x, "W_h": dW_h, "b": db}}
"""

_LAG = """
def grad_norms_by_lag(dh_T, cache, W_h):
    H = cache["H"]
    T = H.shape[1]
    norms = []
    g = dh_T
    for t in reversed(range(T)):
        norms.append({measure})
        g = {step}
    return np.array(norms){order}
"""


def _lag(
    measure: str = "np.linalg.norm(g)",
    step: str = "(g * (1 - H[:, t] ** 2)) @ W_h",
    order: str = "",
) -> str:
    return _LAG.format(measure=measure, step=step, order=order)


_TRAIN = """
def train_rnn(model, X, y, loss, eta, epochs, clip_norm=None):
    losses = []
    for epoch in range(epochs):
        L, dout = loss(model.forward(X), y)
        model.backward(dout)
        grads = model.named_grads()
        {before}
        for name, p in model.named_params().items():
            p {update} eta * grads[name]
        {after}
        losses.append(L)
    return losses
"""
_CLIP = "if clip_norm is not None: clip_grad_norm(grads, clip_norm)"


def _train(before: str = _CLIP, update: str = "-=", after: str = "pass") -> str:
    return _TRAIN.format(before=before, update=update, after=after)


WRONG: dict[str, list[tuple[str, str, str]]] = {
    "rnn_forward": [
        ("W_h not transposed", _forward(z="X[:, t] @ W_x.T + h @ W_h + b"), "a transposed W_h"),
        (
            "the state is never carried",
            _forward(z="X[:, t] @ W_x.T + h0 @ W_h.T + b"),
            "the hidden state never carried forward",
        ),
        ("no tanh", _forward(h="Z[:, t]"), "a missing f (tanh)"),
        (
            "H starts with h0",
            _forward(ret="np.concatenate([h0[:, None], H[:, :-1]], axis=1)"),
            "H shifted by one step",
        ),
        ("cache keeps h as z", _forward(cache_z="H"), "cache['Z'] holding h = f(z)"),
        ("bias left out", _forward(z="X[:, t] @ W_x.T + h @ W_h.T"), "a missing b"),
    ],
    "rnn_backward": [
        (
            "the recurrent term forgotten",
            _backward(error="dH[:, t]"),
            "the recurrent term forgotten",
        ),
        ("= instead of +=", _backward(op="="), "not summed over time"),
        ("f' of the previous step", _backward(prime="h_prev"), "f'(z) taken at the wrong step"),
        ("walking forward in time", _backward(order="range(T)"), "walking forward in time"),
        (
            "W_h transposed in the recurrent term",
            _backward(error="dH[:, t] + delta_next @ W_h.T"),
            "a transposed W_h",
        ),
        ("dW_h paired with h_t", _backward(pair="H[:, t]"), "dW_h built from h_t"),
        ("dW_h without 1/n", _backward(n="1"), "a missing 1/n"),
    ],
    "rnn_backward_truncated": [
        (
            "k ignored (full BPTT)",
            _TRUNCATED_RECURSION.format(order="reversed(range(T))", cut="pass"),
            "k ignored",
        ),
        ("k + 1 steps back", _TRUNCATED_WINDOW.format(stop="t - k - 1"), "one step too many"),
        ("k - 1 steps back", _TRUNCATED_WINDOW.format(stop="t - k + 1"), "one step too few"),
        (
            "cut at blocks of k steps",
            _TRUNCATED_RECURSION.format(
                order="reversed(range(T))",
                cut="delta_next = np.zeros_like(h0) if (t + 1) % k == 0 else delta_next",
            ),
            "truncation at fixed chunk boundaries",
        ),
        (
            "the loop stops k steps from the end",
            _TRUNCATED_RECURSION.format(order="reversed(range(T - k, T))", cut="pass"),
            "a backward loop that stops k steps from the end",
        ),
    ],
    "grad_norms_by_lag": [
        ("in time order", _lag(order="[::-1]"), "the norms in time order"),
        (
            "norms of delta",
            _lag(measure="np.linalg.norm(g * (1 - H[:, t] ** 2))"),
            "the norms of delta_t",
        ),
        ("no f' between steps", _lag(step="g @ W_h"), "a missing f'(z)"),
        ("W_h transposed", _lag(step="(g * (1 - H[:, t] ** 2)) @ W_h.T"), "a transposed W_h"),
        ("squared norms", _lag(measure="np.sum(g ** 2)"), "squared norms"),
    ],
    "train_rnn": [
        ("no clipping", _train(before="pass"), "updates that used unclipped gradients"),
        ("clipping after the update", _train(before="pass", after=_CLIP), "unclipped gradients"),
        (
            "each array clipped on its own",
            _train(
                before="if clip_norm is not None:\n"
                "            for g in grads.values(): clip_grad_norm({'g': g}, clip_norm)"
            ),
            "clipping each gradient array separately",
        ),
        (
            "the weights clipped",
            _train(
                before="if clip_norm is not None: clip_grad_norm(model.named_params(), clip_norm)"
            ),
            "the weights clipped instead of the gradients",
        ),
        (
            "entries clipped",
            _train(
                before="if clip_norm is not None:\n"
                "            for g in grads.values(): np.clip(g, -clip_norm, clip_norm, out=g)"
            ),
            "clipping each entry",
        ),
        (
            "loss recorded after the update",
            _train(after="L = loss(model.forward(X), y)[0]"),
            "each loss recorded after its update",
        ),
        ("gradient ascent", _train(update="+="), "the wrong sign"),
    ],
}
