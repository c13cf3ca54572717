"""Plausible wrong answers for notebook 07, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

_L2_HEAD = "def l2_penalty(params, lam):\n    value, grads = 0.0, {}\n"
_L1_HEAD = "def l1_penalty(params, lam):\n    value, grads = 0.0, {}\n"
_DROP_HEAD = "def dropout_forward(a, p_drop, rng, training=True):\n"
_INIT_HEAD = "def init_layer(d_in, d_out, activation, rng):\n"
_XAVIER = "np.sqrt(2.0 / (d_in + d_out))"
_STD = """    if activation == "relu":
        std = np.sqrt(2.0 / d_in)
    elif activation == "tanh":
        std = np.sqrt(2.0 / (d_in + d_out))
    else:
        std = 4 * np.sqrt(2.0 / (d_in + d_out))
"""
_SHIFT_HEAD = "def shift_images(X, dx, dy):\n    images = X.reshape(-1, 8, 8)\n"
_EARLY_HEAD = """def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
"""

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
        (
            "only the last layer counted",
            _L2_HEAD
            + """    for name, p in params.items():
        if name.split(".")[-1] == "W":
            value = lam / 2 * float(np.sum(p**2))
            grads[name] = lam * p
        else:
            grads[name] = np.zeros_like(p)
    return value, grads
""",
            "only the last weight matrix counted",
        ),
        (
            "mean instead of sum",
            _L2_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam / 2 * float(np.mean(p**2)) if is_w else 0.0
        grads[name] = lam * p if is_w else np.zeros_like(p)
    return value, grads
""",
            "a mean of the squares",
        ),
        (
            "weights found by name == 'W'",
            _L2_HEAD
            + """    for name, p in params.items():
        is_w = name == "W"
        value += lam / 2 * float(np.sum(p**2)) if is_w else 0.0
        grads[name] = lam * p if is_w else np.zeros_like(p)
    return value, grads
""",
            "no weight penalized at all",
        ),
        (
            "gradient computed in place",
            _L2_HEAD
            + """    for name, p in params.items():
        if name.split(".")[-1] == "W":
            value += lam / 2 * float(np.sum(p**2))
            p *= lam
            grads[name] = p
        else:
            grads[name] = np.zeros_like(p)
    return value, grads
""",
            "changed its input `params` in place",
        ),
        (
            "lam missing from the value",
            _L2_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += 0.5 * float(np.sum(p**2)) if is_w else 0.0
        grads[name] = lam * p if is_w else np.zeros_like(p)
    return value, grads
""",
            "a missing lam in the value",
        ),
        (
            "swapped return",
            """
def l2_penalty(params, lam):
    value = sum(lam / 2 * np.sum(p**2) for k, p in params.items() if k.endswith("W"))
    grads = {k: lam * p if k.endswith("W") else np.zeros_like(p) for k, p in params.items()}
    return grads, value
""",
            "the pair is in the wrong order",
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
        (
            "sign(0) taken as +1",
            _L1_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam * float(np.sum(np.abs(p))) if is_w else 0.0
        grads[name] = np.where(p >= 0, lam, -lam) if is_w else np.zeros_like(p)
    return value, grads
""",
            "sign(0) taken as +1",
        ),
        (
            "sign(0) taken as -1",
            _L1_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam * float(np.sum(np.abs(p))) if is_w else 0.0
        grads[name] = np.where(p > 0, lam, -lam) if is_w else np.zeros_like(p)
    return value, grads
""",
            "sign(0) taken as -1",
        ),
        (
            "W / |W|",
            _L1_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam * float(np.sum(np.abs(p))) if is_w else 0.0
        grads[name] = lam * p / np.abs(p) if is_w else np.zeros_like(p)
    return value, grads
""",
            "0 / 0 = NaN",
        ),
        (
            "an extra 1/2",
            _L1_HEAD
            + """    for name, p in params.items():
        is_w = name.split(".")[-1] == "W"
        value += lam / 2 * float(np.sum(np.abs(p))) if is_w else 0.0
        grads[name] = lam * np.sign(p) if is_w else np.zeros_like(p)
    return value, grads
""",
            "an extra 1/2",
        ),
        (
            "sign computed in place",
            _L1_HEAD
            + """    for name, p in params.items():
        if name.split(".")[-1] == "W":
            value += lam * float(np.sum(np.abs(p)))
            p[p > 0] = 1.0
            p[p < 0] = -1.0
            grads[name] = lam * p
        else:
            grads[name] = np.zeros_like(p)
    return value, grads
""",
            "changed its input `params` in place",
        ),
        (
            "only the last layer counted",
            _L1_HEAD
            + """    for name, p in params.items():
        if name.split(".")[-1] == "W":
            value = lam * float(np.sum(np.abs(p)))
            grads[name] = lam * np.sign(p)
        else:
            grads[name] = np.zeros_like(p)
    return value, grads
""",
            "only the last weight matrix counted",
        ),
        (
            "mean",
            """
def l1_penalty(params, lam):
    value = sum(lam * np.mean(np.abs(p)) for k, p in params.items() if k.endswith("W"))
    grads = {k: lam * np.sign(p) if k.endswith("W") else np.zeros_like(p)
             for k, p in params.items()}
    return value, grads
""",
            "a mean of |W| instead of the sum",
        ),
        (
            "missing lam in value",
            """
def l1_penalty(params, lam):
    value = sum(np.sum(np.abs(p)) for k, p in params.items() if k.endswith("W"))
    grads = {k: lam * np.sign(p) if k.endswith("W") else np.zeros_like(p)
             for k, p in params.items()}
    return value, grads
""",
            "a missing lam in the value",
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
        (
            "ignores the rng argument",
            _DROP_HEAD
            + """    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = np.random.default_rng(0).random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask
""",
            "ignores its rng argument",
        ),
        (
            "one mask for the whole batch",
            _DROP_HEAD
            + """    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = np.broadcast_to(rng.random(a.shape[1]) >= p_drop, a.shape)
    return a * mask / (1 - p_drop), mask
""",
            "every example (row) got the same mask",
        ),
        (
            "dropout in eval mode too",
            _DROP_HEAD
            + """    mask = rng.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask
""",
            "dropout was applied although training=False",
        ),
        (
            "eval mask of all False",
            _DROP_HEAD
            + """    if not training:
        return a, np.zeros(a.shape, dtype=bool)
    mask = rng.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask
""",
            "the mask should be all True in eval mode",
        ),
        (
            "zeroes the input in place",
            _DROP_HEAD
            + """    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = rng.random(a.shape) >= p_drop
    a[~mask] = 0.0
    return a / (1 - p_drop), mask
""",
            "changed its input `a` in place",
        ),
        (
            "multiplies by 1 - p_drop",
            _DROP_HEAD
            + """    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = rng.random(a.shape) >= p_drop
    return a * mask * (1 - p_drop), mask
""",
            "multiplied by (1 - p_drop) instead of divided",
        ),
        (
            "returns (mask, out)",
            """
def dropout_forward(a, p_drop, rng, training=True):
    if not training:
        return np.ones(a.shape, dtype=bool), a
    mask = rng.random(a.shape) >= p_drop
    return mask, a * mask / (1 - p_drop)
""",
            "returned (mask, out)",
        ),
        (
            "eval times (1-p)",
            """
def dropout_forward(a, p_drop, rng, training=True):
    if not training:
        return a * (1 - p_drop), np.ones(a.shape, dtype=bool)
    mask = rng.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask
""",
            "as in the original, non-inverted dropout",
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
        (
            "multiplies by 1 - p_drop",
            "def dropout_backward(dout, mask, p_drop):\n    return dout * mask * (1 - p_drop)\n",
            "a multiplication by (1 - p_drop)",
        ),
        (
            "scales dout in place",
            "def dropout_backward(dout, mask, p_drop):\n"
            "    dout *= mask\n    dout /= 1 - p_drop\n    return dout\n",
            "changed its input `dout` in place",
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
            "the last epoch's weights kept instead of the best epoch's",
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
        (
            "count never reset",
            _EARLY_HEAD
            + """    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch = loss, epoch
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, None
""",
            "never reset",
        ),
        (
            "compares with the previous epoch",
            """def early_stopping(val_losses, patience):
    best_epoch, waited, previous = 0, 0, val_losses[0]
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < previous:
            best_epoch, waited = epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
        previous = val_losses[epoch]
    return best_epoch, None
""",
            "compared with the previous epoch's",
        ),
        (
            "best of the whole list",
            _EARLY_HEAD
            + """    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1
            if waited >= patience:
                return int(np.argmin(val_losses)), epoch
    return int(np.argmin(val_losses)), None
""",
            "the best epoch of the whole list",
        ),
        (
            "last epoch when it never stops",
            _EARLY_HEAD
            + """    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1
""",
            "return None then",
        ),
        (
            "the best loss instead of its epoch",
            _EARLY_HEAD
            + """    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best, epoch
    return best, None
""",
            "the best validation loss returned instead of its epoch",
        ),
        (
            "check before update",
            """
def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses):
        if waited >= patience:
            return best_epoch, epoch
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
    return best_epoch, None
""",
            "stops one epoch late",
        ),
        (
            "patience-1",
            """
def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience - 1:
                return best_epoch, epoch
    return best_epoch, None
""",
            "stops one epoch early",
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
        (
            "dy > 0 moves up",
            _SHIFT_HEAD
            + """    out = np.zeros_like(images)
    for r in range(8):
        for c in range(8):
            if 0 <= r + dy < 8 and 0 <= c - dx < 8:
                out[:, r, c] = images[:, r + dy, c - dx]
    return out.reshape(X.shape)
""",
            "dy > 0 moving the image up",
        ),
        (
            "slices that break on a zero shift",
            _SHIFT_HEAD
            + """    out = np.zeros_like(images)
    if dy >= 0:
        out[:, dy:, :] = images[:, :-dy, :]
    else:
        out[:, :dy, :] = images[:, -dy:, :]
    if dx >= 0:
        out[:, :, dx:] = out[:, :, :-dx].copy()
        out[:, :, :dx] = 0
    else:
        out[:, :, :dx] = out[:, :, -dx:].copy()
        out[:, :, dx:] = 0
    return out.reshape(X.shape)
""",
            "a shift of 0 breaks slices",
        ),
        (
            "edge pixels repeated",
            _SHIFT_HEAD
            + """    padded = np.pad(images, ((0, 0), (8, 8), (8, 8)), mode="edge")
    return padded[:, 8 - dy:16 - dy, 8 - dx:16 - dx].reshape(X.shape)
""",
            "copies of the edge pixels",
        ),
        (
            "shifts the input in place",
            _SHIFT_HEAD
            + """    images[:] = np.roll(np.roll(images, dy, axis=1), dx, axis=2)
    if dy > 0:
        images[:, :dy] = 0
    elif dy < 0:
        images[:, dy:] = 0
    if dx > 0:
        images[:, :, :dx] = 0
    elif dx < 0:
        images[:, :, dx:] = 0
    return X.copy()
""",
            "changed its input `X` in place",
        ),
        (
            "dx only sign",
            """
def shift_images(X, dx, dy):
    images = X.reshape(-1, 8, 8)
    out = np.zeros_like(images)
    for r in range(8):
        for c in range(8):
            if 0 <= r - dy < 8 and 0 <= c + dx < 8:
                out[:, r, c] = images[:, r - dy, c + dx]
    return out.reshape(X.shape)
""",
            "dx > 0 moving the image left",
        ),
        (
            "negative slicing bug",
            """
def shift_images(X, dx, dy):
    images = X.reshape(-1, 8, 8)
    out = np.roll(np.roll(images, dy, axis=1), dx, axis=2)
    if dy != 0:
        out[:, :dy, :] = 0
    if dx != 0:
        out[:, :, :dx] = 0
    return out.reshape(X.shape)
""",
            "a border zeroed as out[:, :dx] for negative shifts too",
        ),
    ],
    "init_layer": [
        (
            "fan_out instead of fan_in",
            _INIT_HEAD
            + _STD.replace("np.sqrt(2.0 / d_in)", "np.sqrt(2.0 / d_out)")
            + "    return rng.normal(0.0, std, size=(d_out, d_in)), np.zeros(d_out)\n",
            "fan_out (d_out) used instead of fan_in",
        ),
        (
            "transposed W",
            _INIT_HEAD
            + _STD
            + "    return rng.normal(0.0, std, size=(d_in, d_out)), np.zeros(d_out)\n",
            "a transposed W",
        ),
        (
            "variance instead of std",
            _INIT_HEAD
            + _STD
            + "    return rng.normal(0.0, std**2, size=(d_out, d_in)), np.zeros(d_out)\n",
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
            + _STD
            + "    W = rng.normal(0.0, std, size=(d_out, d_in))\n"
            + "    return W, rng.normal(0.0, std, size=d_out)\n",
            "b should start at zero",
        ),
        (
            "plain Xavier for sigmoid",
            _INIT_HEAD
            + f"""    std = np.sqrt(2.0 / d_in) if activation == "relu" else {_XAVIER}
    return rng.normal(0.0, std, size=(d_out, d_in)), np.zeros(d_out)
""",
            "Xavier's tanh scale for sigmoid",
        ),
        (
            "the factor 4 on the variance",
            _INIT_HEAD
            + _STD.replace("4 * np.sqrt(2.0 / (d_in + d_out))", "np.sqrt(4 * 2.0 / (d_in + d_out))")
            + "    return rng.normal(0.0, std, size=(d_out, d_in)), np.zeros(d_out)\n",
            "multiplies the standard deviation, not the variance",
        ),
        (
            "global random state",
            _INIT_HEAD
            + _STD
            + "    return np.random.normal(0.0, std, size=(d_out, d_in)), np.zeros(d_out)\n",
            "used numpy's global random state",
        ),
        (
            "ignores the rng argument",
            _INIT_HEAD
            + _STD
            + "    W = np.random.default_rng(0).normal(0.0, std, size=(d_out, d_in))\n"
            + "    return W, np.zeros(d_out)\n",
            "ignores its rng argument",
        ),
        (
            "LeCun for tanh",
            """
def init_layer(d_in, d_out, activation, rng):
    xavier = np.sqrt(2 / (d_in + d_out))
    std = {"relu": np.sqrt(2 / d_in), "tanh": np.sqrt(1 / d_in), "sigmoid": 4 * xavier}[activation]
    return rng.normal(0, std, (d_out, d_in)), np.zeros(d_out)
""",
            "LeCun's scale",
        ),
        (
            "He for sigmoid",
            """
def init_layer(d_in, d_out, activation, rng):
    xavier = np.sqrt(2 / (d_in + d_out))
    std = {"relu": np.sqrt(2 / d_in), "tanh": xavier, "sigmoid": np.sqrt(2 / d_in)}[activation]
    return rng.normal(0, std, (d_out, d_in)), np.zeros(d_out)
""",
            "He scaling for sigmoid",
        ),
    ],
}
