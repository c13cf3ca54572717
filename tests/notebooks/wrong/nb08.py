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
        (
            "the sample std (ddof=1)",
            _STD_HEAD
            + """    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std, mean, std
""",
            "the sample std (ddof=1)",
        ),
        (
            "the mean not subtracted",
            _STD_HEAD
            + """    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return X_train / std, X_val / std, X_test / std, mean, std
""",
            "the mean not subtracted",
        ),
        (
            "divided by the variance",
            _STD_HEAD
            + """    mean, var = X_train.mean(axis=0), X_train.var(axis=0)
    var = np.where(var > 0, var, 1.0)
    return (X_train - mean) / var, (X_val - mean) / var, (X_test - mean) / var, mean, var
""",
            "a division by the variance",
        ),
        (
            "the std returned before the fix for constant pixels",
            _STD_HEAD
            + """    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    safe = np.where(std > 0, std, 1.0)
    return (X_train - mean) / safe, (X_val - mean) / safe, (X_test - mean) / safe, mean, std
""",
            "the std before the fix for constant pixels",
        ),
        (
            "mean and std swapped in the return",
            _STD_HEAD
            + """    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std, std, mean
""",
            "mean and std swapped",
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
        (
            "relu derivative taken as a1",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"]) * a1
    return {"W1": d1.T @ X / n + lam * params["W1"], "b1": d1.mean(axis=0),
            "W2": d2.T @ a1 / n + lam * params["W2"], "b2": d2.mean(axis=0)}
""",
            "the ReLU derivative taken as relu(z1) = a1",
        ),
        (
            "no L2 term",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": d1.T @ X / n, "b1": d1.mean(axis=0),
            "W2": d2.T @ a1 / n, "b2": d2.mean(axis=0)}
""",
            "a missing L2 term",
        ),
        (
            "L2 term with a factor 2",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": d1.T @ X / n + 2 * lam * params["W1"], "b1": d1.mean(axis=0),
            "W2": d2.T @ a1 / n + 2 * lam * params["W2"], "b2": d2.mean(axis=0)}
""",
            "an extra factor 2 in the L2 term",
        ),
        (
            "L2 term divided by n",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": (d1.T @ X + lam * params["W1"]) / n, "b1": d1.mean(axis=0),
            "W2": (d2.T @ a1 + lam * params["W2"]) / n, "b2": d2.mean(axis=0)}
""",
            "the L2 term divided by n",
        ),
        (
            "delta2 from the logits",
            _BACK_HEAD
            + """    d2 = z2 - onehot
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": d1.T @ X / n + lam * params["W1"], "b1": d1.mean(axis=0),
            "W2": d2.T @ a1 / n + lam * params["W2"], "b2": d2.mean(axis=0)}
""",
            "delta2 built from the logits z2",
        ),
        (
            "bias gradients summed",
            _BACK_HEAD
            + """    d2 = p - onehot
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": d1.T @ X / n + lam * params["W1"], "b1": d1.sum(axis=0),
            "W2": d2.T @ a1 / n + lam * params["W2"], "b2": d2.sum(axis=0)}
""",
            "a missing 1/n in the bias gradient",
        ),
        (
            "softmax without the row maximum",
            """def backward(params, cache, y, lam):
    X, z1, a1, z2 = cache
    n = X.shape[0]
    e = np.exp(z2)
    d2 = e / e.sum(axis=1, keepdims=True)
    d2[np.arange(n), y] -= 1.0
    d1 = (d2 @ params["W2"]) * (z1 > 0)
    return {"W1": d1.T @ X / n + lam * params["W1"], "b1": d1.mean(axis=0),
            "W2": d2.T @ a1 / n + lam * params["W2"], "b2": d2.mean(axis=0)}
""",
            "subtract each row's maximum from z2",
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
        (
            "velocity reset at the start of the epoch",
            _EPOCH_HEAD
            + """    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    for idx in batches:
        grads = backward(params, forward(params, X[idx])[1], y[idx], lam)
        for k in params:
            velocity[k] = beta * velocity[k] - eta * grads[k]
            params[k] = params[k] + velocity[k]
    return params, velocity
""",
            "the velocity reset to zero at the start of the epoch",
        ),
        (
            "the opposite velocity convention",
            _EPOCH_HEAD
            + """    for idx in batches:
        grads = backward(params, forward(params, X[idx])[1], y[idx], lam)
        for k in params:
            velocity[k] = beta * velocity[k] + eta * grads[k]
            params[k] = params[k] - velocity[k]
    return params, velocity
""",
            "the opposite velocity convention",
        ),
        (
            "the last batch skipped",
            _EPOCH_HEAD
            + """    for i in range(len(batches) - 1):
        idx = batches[i]
        grads = backward(params, forward(params, X[idx])[1], y[idx], lam)
        for k in params:
            velocity[k] = beta * velocity[k] - eta * grads[k]
            params[k] = params[k] + velocity[k]
    return params, velocity
""",
            "the last batch skipped",
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
        (
            "the validation set augmented too",
            _MODEL_HEAD
            + """    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    X_more, y_more = augment(X_train, y_train, shifts=shifts)
    X_vmore, y_vmore = augment(X_val, y_val, shifts=shifts)
    return run_training((X_more - mean) / std, y_more, (X_vmore - mean) / std, y_vmore,
                        hidden=256, lam=1e-3, eta=0.02, epochs=60, average_from=20, seed=seed)
""",
            "the validation set was augmented",
        ),
        (
            "the validation digits augmented along with the training set",
            _MODEL_HEAD
            + """    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    X_all, y_all = np.concatenate([X_train, X_val]), np.concatenate([y_train, y_val])
    X_more, y_more = augment(X_all, y_all, shifts=shifts)
    return run_training((X_more - mean) / std, y_more, (X_val - mean) / std, y_val,
                        hidden=256, lam=1e-3, eta=0.02, epochs=60, average_from=20, seed=seed)
""",
            "the validation set went into training",
        ),
        (
            "the held-out digits used for training",
            _MODEL_HEAD
            + """    X_all = np.concatenate([X_train, X_holdout])
    y_all = np.concatenate([y_train, y_holdout])
    X_more, y_more = augment(X_all, y_all, shifts=[(1, 0), (-1, 0), (0, 1), (0, -1)])
    return run_training((X_more - mean) / std, y_more, (X_val - mean) / std, y_val,
                        hidden=256, lam=1e-3, eta=0.02, epochs=60, average_from=20, seed=seed)
""",
            "the held-out set went into training",
        ),
        (
            "the held-out digits used as validation data",
            _MODEL_HEAD
            + """    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    X_more, y_more = augment(X_train, y_train, shifts=shifts)
    return run_training((X_more - mean) / std, y_more, (X_holdout - mean) / std, y_holdout,
                        hidden=256, lam=1e-3, eta=0.02, epochs=60, batch_size=32, seed=seed)
""",
            "The validation data given to run_training holds",
        ),
        (
            "no shifted copies",
            _MODEL_HEAD
            + """    X_tr, X_va = (X_train - mean) / std, (X_val - mean) / std
    return run_training(X_tr, y_train, X_va, y_val, hidden=128, lam=0.0, eta=0.02, epochs=20,
                        seed=seed)
""",
            "no shifted copies",
        ),
        (
            "shifted copies of standardized images",
            _MODEL_HEAD
            + """    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    X_more, y_more = augment((X_train - mean) / std, y_train, shifts=shifts)
    return run_training(X_more, y_more, (X_val - mean) / std, y_val, hidden=256, lam=1e-3,
                        eta=0.02, epochs=60, average_from=20, seed=seed)
""",
            "the copies were made after standardizing",
        ),
        (
            "copies shifted sideways only",
            _MODEL_HEAD
            + """    X_more, y_more = augment(X_train, y_train, shifts=[(1, 0), (-1, 0)])
    return run_training((X_more - mean) / std, y_more, (X_val - mean) / std, y_val,
                        hidden=256, lam=1e-3, eta=0.02, epochs=60, average_from=20, seed=seed)
""",
            "move the digits sideways only",
        ),
        (
            "standardized with the statistics of the augmented set",
            _MODEL_HEAD
            + """    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    X_more, y_more = augment(X_train, y_train, shifts=shifts)
    m, s = X_more.mean(axis=0), X_more.std(axis=0)
    s = np.where(s > 0, s, 1.0)
    return run_training((X_more - m) / s, y_more, (X_val - m) / s, y_val, hidden=256, lam=1e-3,
                        eta=0.02, epochs=60, average_from=20, seed=seed)
""",
            "neither the raw images nor the images standardized with mean and std",
        ),
        (
            "raw validation images",
            _MODEL_HEAD
            + """    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    X_more, y_more = augment(X_train, y_train, shifts=shifts)
    return run_training((X_more - mean) / std, y_more, X_val, y_val, hidden=256, lam=1e-3,
                        eta=0.02, epochs=60, average_from=20, seed=seed)
""",
            "validation digits as raw images",
        ),
        (
            "validation images standardized with their own statistics",
            _MODEL_HEAD
            + """    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    X_more, y_more = augment(X_train, y_train, shifts=shifts)
    s = X_val.std(axis=0)
    X_va = (X_val - X_val.mean(axis=0)) / np.where(s > 0, s, 1.0)
    return run_training((X_more - mean) / std, y_more, X_va, y_val, hidden=256, lam=1e-3,
                        eta=0.02, epochs=60, average_from=20, seed=seed)
""",
            "neither the raw validation images nor (X_val - mean) / std",
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
        (
            "fancy-index += counts repeated pairs once",
            """def confusion_matrix(y_true, y_pred, k):
    C = np.zeros((k, k), dtype=int)
    C[y_true, y_pred] += 1
    return C
""",
            "each (true, predicted) pair counted at most once",
        ),
        (
            "fractions of all examples",
            """def confusion_matrix(y_true, y_pred, k):
    C = np.zeros((k, k))
    np.add.at(C, (y_true, y_pred), 1)
    return C / len(y_true)
""",
            "fractions of all examples",
        ),
        (
            "normalized columns",
            """def confusion_matrix(y_true, y_pred, k):
    C = np.zeros((k, k))
    np.add.at(C, (y_true, y_pred), 1)
    return C / np.maximum(C.sum(axis=0, keepdims=True), 1)
""",
            "fractions per column",
        ),
        (
            "classes renumbered by the labels seen",
            """def confusion_matrix(y_true, y_pred, k):
    labels = np.unique(np.concatenate([y_true, y_pred]))
    index = {label: i for i, label in enumerate(labels)}
    C = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[index[t], index[p]] += 1
    return C
""",
            "the classes renumbered by the labels that occur",
        ),
    ],
}
