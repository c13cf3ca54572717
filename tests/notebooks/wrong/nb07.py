"""Plausible wrong answers for notebook 07, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

_L2_HEAD = "def l2_penalty(params, lam):\n    value, grads = 0.0, {}\n"
_L1_HEAD = "def l1_penalty(params, lam):\n    value, grads = 0.0, {}\n"
_DROP_HEAD = "def dropout_forward(a, p_drop, rng, training=True):\n"
_INIT_HEAD = "def init_layer(d_in, d_out, activation, rng):\n"
_XAVIER = "np.sqrt(2.0 / (d_in + d_out))"

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "l2_penalty": [
        (
            "no 1/2 in the value",
            _L2_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam * float(np.sum(p**2)) if is_w else 0.0
        grads[name] = lam * p if is_w else np.zeros_like(p)
    return value, grads
""",
            "a missing 1/2",
        ),
        (
            "biases penalized",
            _L2_HEAD
            + """    for name, p in params.items():
        value += lam / 2 * float(np.sum(p**2))
        grads[name] = lam * p
    return value, grads
""",
            "the biases penalized too",
        ),
        (
            "gradient with the wrong sign",
            _L2_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam / 2 * float(np.sum(p**2)) if is_w else 0.0
        grads[name] = -lam * p if is_w else np.zeros_like(p)
    return value, grads
""",
            "the wrong sign",
        ),
        (
            "gradient 2 * lam * W",
            _L2_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam / 2 * float(np.sum(p**2)) if is_w else 0.0
        grads[name] = 2 * lam * p if is_w else np.zeros_like(p)
    return value, grads
""",
            "an extra factor 2",
        ),
    ],
    "l1_penalty": [
        (
            "L2 gradient",
            _L1_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam * float(np.sum(np.abs(p))) if is_w else 0.0
        grads[name] = lam * p if is_w else np.zeros_like(p)
    return value, grads
""",
            "the L2 gradient lam * W instead of lam * sign(W)",
        ),
        (
            "no absolute value",
            _L1_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam * float(np.sum(p)) if is_w else 0.0
        grads[name] = lam * np.sign(p) if is_w else np.zeros_like(p)
    return value, grads
""",
            "a sum without the absolute value",
        ),
        (
            "biases penalized",
            _L1_HEAD
            + """    for name, p in params.items():
        value += lam * float(np.sum(np.abs(p)))
        grads[name] = lam * np.sign(p)
    return value, grads
""",
            "the biases penalized too",
        ),
        (
            "gradient with the wrong sign",
            _L1_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam * float(np.sum(np.abs(p))) if is_w else 0.0
        grads[name] = -lam * np.sign(p) if is_w else np.zeros_like(p)
    return value, grads
""",
            "the wrong sign",
        ),
    ],
    "dropout_forward": [
        (
            "keeps with probability p_drop",
            _DROP_HEAD
            + """    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = rng.random(a.shape) < p_drop
    return a * mask / p_drop, mask
""",
            "keep and drop probabilities swapped",
        ),
        (
            "not inverted",
            _DROP_HEAD
            + """    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = rng.random(a.shape) >= p_drop
    return a * mask, mask
""",
            "dropout that is not inverted",
        ),
        (
            "divides by p_drop",
            _DROP_HEAD
            + """    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = rng.random(a.shape) >= p_drop
    return a * mask / p_drop, mask
""",
            "keep and drop probabilities swapped in the scaling",
        ),
        (
            "scales in eval mode too",
            _DROP_HEAD
            + """    if not training:
        return a / (1 - p_drop), np.ones(a.shape, dtype=bool)
    mask = rng.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask
""",
            "scaling in eval mode",
        ),
        (
            "global random state",
            _DROP_HEAD
            + """    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = np.random.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask
""",
            "used numpy's global random state",
        ),
    ],
    "dropout_backward": [
        (
            "not inverted",
            "def dropout_backward(dout, mask, p_drop):\n    return dout * mask\n",
            "not inverted",
        ),
        (
            "divides by p_drop",
            "def dropout_backward(dout, mask, p_drop):\n    return dout * mask / p_drop\n",
            "keep and drop probabilities swapped",
        ),
        (
            "forgets the mask",
            "def dropout_backward(dout, mask, p_drop):\n    return dout / (1 - p_drop)\n",
            "a missing mask",
        ),
        (
            "mask inverted",
            "def dropout_backward(dout, mask, p_drop):\n    return dout * ~mask / (1 - p_drop)\n",
            "the mask applied the wrong way round",
        ),
    ],
    "early_stopping": [
        (
            "stops one epoch late",
            """def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited > patience:
                return best_epoch, epoch
    return best_epoch, None
""",
            "stops one epoch late",
        ),
        (
            "a tie counts as an improvement",
            """def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses):
        if loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, None
""",
            "a tie counted as an improvement",
        ),
        (
            "returns the last epoch as the best",
            """def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return epoch, epoch
    return len(val_losses) - 1, None
""",
            "returned",
        ),
        (
            "epochs counted from 1",
            """def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, None
""",
            "epochs counted from 1",
        ),
    ],
    "shift_images": [
        (
            "np.roll wraps around",
            """def shift_images(X, dx, dy):
    images = X.reshape(-1, 8, 8)
    return np.roll(np.roll(images, dy, axis=1), dx, axis=2).reshape(X.shape)
""",
            "wrapped around the border",
        ),
        (
            "dx and dy swapped",
            """def shift_images(X, dx, dy):
    images = X.reshape(-1, 8, 8)
    out = np.zeros_like(images)
    for r in range(8):
        for c in range(8):
            if 0 <= r - dx < 8 and 0 <= c - dy < 8:
                out[:, r, c] = images[:, r - dx, c - dy]
    return out.reshape(X.shape)
""",
            "dx and dy swapped",
        ),
        (
            "moves the wrong way",
            """def shift_images(X, dx, dy):
    images = X.reshape(-1, 8, 8)
    out = np.zeros_like(images)
    for r in range(8):
        for c in range(8):
            if 0 <= r + dy < 8 and 0 <= c + dx < 8:
                out[:, r, c] = images[:, r + dy, c + dx]
    return out.reshape(X.shape)
""",
            "the wrong sign",
        ),
        (
            "returns 8x8 images",
            """def shift_images(X, dx, dy):
    images = X.reshape(-1, 8, 8)
    out = np.zeros_like(images)
    for r in range(8):
        for c in range(8):
            if 0 <= r - dy < 8 and 0 <= c - dx < 8:
                out[:, r, c] = images[:, r - dy, c - dx]
    return out
""",
            "a shape mismatch",
        ),
    ],
    "init_layer": [
        (
            "fan_out instead of fan_in",
            _INIT_HEAD
            + f"""    std = np.sqrt(2.0 / d_out) if activation == "relu" else {_XAVIER}
    return rng.normal(0.0, std, size=(d_out, d_in)), np.zeros(d_out)
""",
            "fan_out (d_out) used instead of fan_in",
        ),
        (
            "transposed W",
            _INIT_HEAD
            + f"""    std = np.sqrt(2.0 / d_in) if activation == "relu" else {_XAVIER}
    return rng.normal(0.0, std, size=(d_in, d_out)), np.zeros(d_out)
""",
            "a transposed W",
        ),
        (
            "variance instead of std",
            _INIT_HEAD
            + """    var = 2.0 / d_in if activation == "relu" else 2.0 / (d_in + d_out)
    return rng.normal(0.0, var, size=(d_out, d_in)), np.zeros(d_out)
""",
            "a missing square root",
        ),
        (
            "He for every activation",
            _INIT_HEAD
            + """    std = np.sqrt(2.0 / d_in)
    return rng.normal(0.0, std, size=(d_out, d_in)), np.zeros(d_out)
""",
            "He scaling for tanh",
        ),
        (
            "random biases",
            _INIT_HEAD
            + f"""    std = np.sqrt(2.0 / d_in) if activation == "relu" else {_XAVIER}
    return rng.normal(0.0, std, size=(d_out, d_in)), rng.normal(0.0, std, size=d_out)
""",
            "b should start at zero",
        ),
    ],
}
