"""Plausible wrong answers for notebook 08, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

_STD_HEAD = "def standardize(X_train, X_val, X_test):\n"
_BACK_HEAD = """def backward(params, cache, y, lam):
    X, z1, a1, z2 = cache
    n = X.shape[0]
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    onehot = np.eye(p.shape[1])[y]
"""
_EPOCH_HEAD = """def train_epoch(params, velocity, X, y, batches, eta, beta, lam):
"""
_MODEL_HEAD = """def train_model(X_train, y_train, X_val, y_val, mean, std, seed=0):
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "standardize": [
        (
            "statistics of all the data",
            _STD_HEAD
            + """    every = np.concatenate([X_train, X_val, X_test])
    mean, std = every.mean(axis=0), every.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std, mean, std
""",
            "the test set leaked into the normalization",
        ),
        (
            "each set with its own statistics",
            _STD_HEAD
            + """    def own(A):
        s = A.std(axis=0)
        return (A - A.mean(axis=0)) / np.where(s > 0, s, 1.0)

    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return own(X_train), own(X_val), own(X_test), mean, std
""",
            "its own mean and std",
        ),
        (
            "per example (axis=1)",
            _STD_HEAD
            + """    def rows(A):
        s = A.std(axis=1, keepdims=True)
        return (A - A.mean(axis=1, keepdims=True)) / np.where(s > 0, s, 1.0)

    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return rows(X_train), rows(X_val), rows(X_test), mean, std
""",
            "per example (axis=1)",
        ),
        (
            "no floor for constant pixels",
            _STD_HEAD
            + """    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std, mean, std
""",
            "divided by a standard deviation of 0",
        ),
        (
            "a tiny eps added to std",
            _STD_HEAD
            + """    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-8
    return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std, mean, std
""",
            "Adding a tiny eps to std",
        ),
    ],
    "backward": [
        (
            "missing 1/n",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": d1.T @ X + lam * params["W1"], "b1": d1.sum(axis=0),
            "W2": d2.T @ a1 + lam * params["W2"], "b2": d2.sum(axis=0)}
""",
            "a missing 1/n",
        ),
        (
            "transposed weight gradient",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": X.T @ d1 / n + lam * params["W1"].T, "b1": d1.mean(axis=0),
            "W2": a1.T @ d2 / n + lam * params["W2"].T, "b2": d2.mean(axis=0)}
""",
            "a transposed W",
        ),
        (
            "W2 not transposed in delta1",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"].T) * (z1 > 0)
    return {"W1": d1.T @ X / n + lam * params["W1"], "b1": d1.mean(axis=0),
            "W2": d2.T @ a1 / n + lam * params["W2"], "b2": d2.mean(axis=0)}
""",
            "a transposed W",
        ),
        (
            "missing relu derivative",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = d2 @ params["W2"]
    return {"W1": d1.T @ X / n + lam * params["W1"], "b1": d1.mean(axis=0),
            "W2": d2.T @ a1 / n + lam * params["W2"], "b2": d2.mean(axis=0)}
""",
            "a missing f'(z)",
        ),
        (
            "wrong sign of delta2",
            _BACK_HEAD
            + """    d2 = onehot - p
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": d1.T @ X / n + lam * params["W1"], "b1": d1.mean(axis=0),
            "W2": d2.T @ a1 / n + lam * params["W2"], "b2": d2.mean(axis=0)}
""",
            "the wrong sign",
        ),
        (
            "biases penalized",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": d1.T @ X / n + lam * params["W1"], "b1": d1.mean(axis=0) + lam * params["b1"],
            "W2": d2.T @ a1 / n + lam * params["W2"], "b2": d2.mean(axis=0) + lam * params["b2"]}
""",
            "the biases penalized too",
        ),
    ],
    "train_epoch": [
        (
            "no momentum",
            _EPOCH_HEAD
            + """    for idx in batches:
        grads = backward(params, forward(params, X[idx])[1], y[idx], lam)
        for k in params:
            velocity[k] = -eta * grads[k]
            params[k] = params[k] + velocity[k]
    return params, velocity
""",
            "no momentum",
        ),
        (
            "steps with the gradient, not the velocity",
            _EPOCH_HEAD
            + """    for idx in batches:
        grads = backward(params, forward(params, X[idx])[1], y[idx], lam)
        for k in params:
            velocity[k] = beta * velocity[k] - eta * grads[k]
            params[k] = params[k] - eta * grads[k]
    return params, velocity
""",
            "W moved by -eta * g instead of v",
        ),
        (
            "one step on the whole data",
            _EPOCH_HEAD
            + """    grads = backward(params, forward(params, X)[1], y, lam)
    for k in params:
        velocity[k] = beta * velocity[k] - eta * grads[k]
        params[k] = params[k] + velocity[k]
    return params, velocity
""",
            "one step on the whole data set",
        ),
        (
            "W updated before v",
            _EPOCH_HEAD
            + """    for idx in batches:
        grads = backward(params, forward(params, X[idx])[1], y[idx], lam)
        for k in params:
            params[k] = params[k] + velocity[k]
            velocity[k] = beta * velocity[k] - eta * grads[k]
    return params, velocity
""",
            "OLD velocity",
        ),
        (
            "lam not passed on",
            _EPOCH_HEAD
            + """    for idx in batches:
        grads = backward(params, forward(params, X[idx])[1], y[idx], 0.0)
        for k in params:
            velocity[k] = beta * velocity[k] - eta * grads[k]
            params[k] = params[k] + velocity[k]
    return params, velocity
""",
            "lam not passed on to backward",
        ),
        (
            "returns nothing",
            _EPOCH_HEAD
            + """    for idx in batches:
        grads = backward(params, forward(params, X[idx])[1], y[idx], lam)
        for k in params:
            velocity[k] = beta * velocity[k] - eta * grads[k]
            params[k] += velocity[k]
""",
            "returned None",
        ),
    ],
    "train_model": [
        (
            "a small network, briefly trained",
            _MODEL_HEAD
            + """    X_tr, X_va = (X_train - mean) / std, (X_val - mean) / std
    return run_training(X_tr, y_train, X_va, y_val, hidden=4, lam=0.0, eta=0.02, epochs=2,
                        seed=seed)
""",
            "at least 97% is needed",
        ),
        (
            "trained on raw pixels",
            _MODEL_HEAD
            + """    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    X_more, y_more = augment(X_train, y_train, shifts=shifts)
    return run_training(X_more, y_more, X_val, y_val, hidden=128, lam=1e-3, eta=0.02,
                        epochs=8, seed=seed)
""",
            "not standardized",
        ),
        (
            "a learning rate so large that training diverges",
            _MODEL_HEAD
            + """    X_tr, X_va = (X_train - mean) / std, (X_val - mean) / std
    return run_training(X_tr, y_train, X_va, y_val, hidden=64, lam=0.0, eta=50.0, epochs=3,
                        seed=seed)
""",
            "training diverged",
        ),
    ],
    "confusion_matrix": [
        (
            "transposed",
            """def confusion_matrix(y_true, y_pred, k):
    C = np.zeros((k, k), dtype=int)
    np.add.at(C, (y_pred, y_true), 1)
    return C
""",
            "the transposed matrix",
        ),
        (
            "normalized rows",
            """def confusion_matrix(y_true, y_pred, k):
    C = np.zeros((k, k))
    np.add.at(C, (y_true, y_pred), 1)
    return C / np.maximum(C.sum(axis=1, keepdims=True), 1)
""",
            "fractions per row",
        ),
        (
            "size from the labels present",
            """def confusion_matrix(y_true, y_pred, k):
    m = max(y_true.max(), y_pred.max()) + 1
    C = np.zeros((m, m), dtype=int)
    np.add.at(C, (y_true, y_pred), 1)
    return C
""",
            "even when a class never occurs",
        ),
        (
            "diagonal only",
            """def confusion_matrix(y_true, y_pred, k):
    C = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        if t == p:
            C[t, t] += 1
    return C
""",
            "only the diagonal",
        ),
    ],
}
