"""Plausible wrong answers for notebook 04, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "loop_gradient": [
        (
            "outer product the wrong way round",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros((W.shape[1], W.shape[0]))
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        z = W @ x + b
        delta = (sigmoid(z) - y) * sigmoid_prime(z)
        dW += np.outer(x, delta)
        db += delta
    return dW / n, db / n
""",
            "a transposed W",
        ),
        (
            "sum instead of mean",
            """
def loop_gradient(W, b, X, Y):
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        z = W @ x + b
        delta = (sigmoid(z) - y) * sigmoid_prime(z)
        dW += np.outer(delta, x)
        db += delta
    return dW, db
""",
            "a missing 1/n",
        ),
        (
            "y - a",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        z = W @ x + b
        delta = (y - sigmoid(z)) * sigmoid_prime(z)
        dW += np.outer(delta, x)
        db += delta
    return dW / n, db / n
""",
            "the wrong sign",
        ),
        (
            "no activation derivative",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        delta = sigmoid(W @ x + b) - y
        dW += np.outer(delta, x)
        db += delta
    return dW / n, db / n
""",
            "a missing f'(z) (activation derivative)",
        ),
        (
            "derivative of a instead of z",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        a = sigmoid(W @ x + b)
        delta = (a - y) * sigmoid_prime(a)
        dW += np.outer(delta, x)
        db += delta
    return dW / n, db / n
""",
            "sigmoid_prime applied to a instead of z",
        ),
    ],
    "batch_gradient": [
        (
            "X.T @ delta",
            """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    z = X @ W.T + b
    delta = (sigmoid(z) - Y) * sigmoid_prime(z)
    return X.T @ delta / n, delta.mean(axis=0)
""",
            "a transposed W",
        ),
        (
            "summed over the batch",
            """
def batch_gradient(W, b, X, Y):
    z = X @ W.T + b
    delta = (sigmoid(z) - Y) * sigmoid_prime(z)
    return delta.T @ X, delta.sum(axis=0)
""",
            "a missing 1/n",
        ),
        (
            "no activation derivative",
            """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    delta = sigmoid(X @ W.T + b) - Y
    return delta.T @ X / n, delta.mean(axis=0)
""",
            "a missing f'(z) (activation derivative)",
        ),
        (
            "db averaged over the wrong axis",
            """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    z = X @ W.T + b
    delta = (sigmoid(z) - Y) * sigmoid_prime(z)
    return delta.T @ X / n, delta.mean(axis=1)
""",
            "a shape mismatch",
        ),
        (
            "Y - a",
            """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    z = X @ W.T + b
    delta = (Y - sigmoid(z)) * sigmoid_prime(z)
    return delta.T @ X / n, delta.mean(axis=0)
""",
            "the wrong sign",
        ),
        (
            "still a loop over examples",
            """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        z = W @ x + b
        delta = (sigmoid(z) - y) * sigmoid_prime(z)
        dW += np.outer(delta, x) / n
        db += delta / n
    return dW, db
""",
            "contains a for loop",
        ),
    ],
    "minibatch_indices": [
        (
            "not shuffled",
            """
def minibatch_indices(n, batch_size, seed):
    order = np.arange(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]
""",
            "the batches are not shuffled",
        ),
        (
            "last partial batch dropped",
            """
def minibatch_indices(n, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n)
    return [order[s:s + batch_size] for s in range(0, n - batch_size + 1, batch_size)]
""",
            "the last, smaller batch",
        ),
        (
            "drawn with replacement",
            """
def minibatch_indices(n, batch_size, seed):
    order = np.random.default_rng(seed).integers(0, n, size=n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]
""",
            "without replacement",
        ),
        (
            "seed ignored",
            """
def minibatch_indices(n, batch_size, seed):
    order = np.random.default_rng().permutation(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]
""",
            "is not reproducible",
        ),
        (
            "batch_size used as the number of batches",
            """
def minibatch_indices(n, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n)
    return np.array_split(order, batch_size)
""",
            "not the number of batches",
        ),
        (
            "a fixed seed",
            """
def minibatch_indices(n, batch_size, seed):
    order = np.random.default_rng(0).permutation(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]
""",
            "ignores the seed",
        ),
    ],
    "train_epoch": [
        (
            "whole data set in every step",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    losses = []
    for idx in minibatches(X.shape[0], batch_size, seed):
        L, dL_dyhat = mse(model(X), Y)
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "computed on the whole data set",
        ),
        (
            "divided by the batch size again",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    losses = []
    for idx in minibatches(X.shape[0], batch_size, seed):
        L, dL_dyhat = mse(model(X[idx]), Y[idx])
        model.backward(dL_dyhat / len(idx))
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "an extra 1/m",
        ),
        (
            "targets sliced in order",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    losses = []
    start = 0
    for idx in minibatches(X.shape[0], batch_size, seed):
        L, dL_dyhat = mse(model(X[idx]), Y[start:start + len(idx)])
        start += len(idx)
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "targets that do not belong to the inputs",
        ),
        (
            "gradient ascent",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    losses = []
    for idx in minibatches(X.shape[0], batch_size, seed):
        L, dL_dyhat = mse(model(X[idx]), Y[idx])
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), -eta)
        losses.append(L)
    return losses
""",
            "the wrong sign",
        ),
        (
            "batches in the original order",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    losses = []
    n = X.shape[0]
    for start in range(0, n, batch_size):
        idx = np.arange(start, min(start + batch_size, n))
        L, dL_dyhat = mse(model(X[idx]), Y[idx])
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "batches taken in the original order",
        ),
        (
            "one update per epoch",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    L, dL_dyhat = mse(model(X), Y)
    model.backward(dL_dyhat)
    sgd_step(model.named_params(), model.named_grads(), eta)
    return [L]
""",
            "expected one loss per batch",
        ),
    ],
    "activation_bytes": [
        (
            "parameter memory",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    return itemsize * sum(d_in * d_out + d_out for d_in, d_out in zip(sizes[:-1], sizes[1:]))
""",
            "the memory of the parameters",
        ),
        (
            "numbers, not bytes",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    return batch_size * (sum(sizes[:-1]) + sum(sizes[1:-1]))
""",
            "not bytes",
        ),
        (
            "Linear inputs only",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    return itemsize * batch_size * sum(sizes[:-1])
""",
            "only the inputs of the Linear layers",
        ),
        (
            "output counted too",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    return itemsize * batch_size * (sum(sizes[:-1]) + sum(sizes[1:]))
""",
            "the network's output counted too",
        ),
        (
            "batch size left out",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    return itemsize * (sum(sizes[:-1]) + sum(sizes[1:-1]))
""",
            "the batch size left out",
        ),
    ],
}
