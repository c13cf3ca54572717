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
        (
            "W without its transpose",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        z = x @ W + b
        delta = (sigmoid(z) - y) * sigmoid_prime(z)
        dW += np.outer(delta, x)
        db += delta
    return dW / n, db / n
""",
            "z computed with W instead of its transpose",
        ),
        (
            "overwritten instead of accumulated",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    for x, y in zip(X, Y):
        z = W @ x + b
        delta = (sigmoid(z) - y) * sigmoid_prime(z)
        dW = np.outer(delta, x)
        db = delta
    return dW / n, db / n
""",
            "only the last example counted",
        ),
        (
            "return inside the loop",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        z = W @ x + b
        delta = (sigmoid(z) - y) * sigmoid_prime(z)
        dW += np.outer(delta, x)
        db += delta
        return dW / n, db / n
""",
            "only the first example counted",
        ),
        (
            "factor 2 from the square",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        z = W @ x + b
        delta = 2 * (sigmoid(z) - y) * sigmoid_prime(z)
        dW += np.outer(delta, x)
        db += delta
    return dW / n, db / n
""",
            "an extra factor 2",
        ),
        (
            "bias left out of z",
            """
def loop_gradient(W, b, X, Y):
    n = X.shape[0]
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    for x, y in zip(X, Y):
        z = W @ x
        delta = (sigmoid(z) - y) * sigmoid_prime(z)
        dW += np.outer(delta, x)
        db += delta
    return dW / n, db / n
""",
            "z computed without the bias",
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
            "contains a Python loop",
        ),
        (
            "X @ W without .T",
            """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    z = X @ W + b
    delta = (sigmoid(z) - Y) * sigmoid_prime(z)
    return delta.T @ X / n, delta.mean(axis=0)
""",
            "z computed with W instead of its transpose",
        ),
        (
            "mean taken twice",
            """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    z = X @ W.T + b
    delta = (sigmoid(z) - Y) * sigmoid_prime(z) / n
    return delta.T @ X / n, delta.sum(axis=0) / n
""",
            "the mean was taken twice",
        ),
        (
            "product of the means",
            """
def batch_gradient(W, b, X, Y):
    z = X @ W.T + b
    delta = (sigmoid(z) - Y) * sigmoid_prime(z)
    return np.outer(delta.mean(axis=0), X.mean(axis=0)), delta.mean(axis=0)
""",
            "the mean of products is not the product of means",
        ),
        (
            "db a single number",
            """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    z = X @ W.T + b
    delta = (sigmoid(z) - Y) * sigmoid_prime(z)
    return delta.T @ X / n, delta.mean()
""",
            "db averaged over everything",
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
            "the order drawn with replacement",
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
        (
            "np.random.seed",
            """
def minibatch_indices(n, batch_size, seed):
    np.random.seed(seed)
    order = np.random.permutation(n)
    return [order[s:s + batch_size] for s in range(0, n, batch_size)]
""",
            "used numpy's global random state",
        ),
        (
            "shuffled inside each batch only",
            """
def minibatch_indices(n, batch_size, seed):
    rng = np.random.default_rng(seed)
    return [rng.permutation(np.arange(s, min(s + batch_size, n)))
            for s in range(0, n, batch_size)]
""",
            "every batch is a contiguous block",
        ),
        (
            "only the order of the batches shuffled",
            """
def minibatch_indices(n, batch_size, seed):
    batches = [np.arange(s, min(s + batch_size, n)) for s in range(0, n, batch_size)]
    order = np.random.default_rng(seed).permutation(len(batches))
    return [batches[i] for i in order]
""",
            "every batch is a contiguous block",
        ),
        (
            "np.array_split into equal parts",
            """
def minibatch_indices(n, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n)
    return np.array_split(order, int(np.ceil(n / batch_size)))
""",
            "spread evenly",
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
        (
            "np.random.seed and an own shuffle",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    np.random.seed(seed)
    order = np.random.permutation(X.shape[0])
    losses = []
    for start in range(0, X.shape[0], batch_size):
        idx = order[start:start + batch_size]
        L, dL_dyhat = mse(model(X[idx]), Y[idx])
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "used numpy's global random state",
        ),
        (
            "seed not passed to minibatches",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    losses = []
    for idx in minibatches(X.shape[0], batch_size):
        L, dL_dyhat = mse(model(X[idx]), Y[idx])
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "without the seed",
        ),
        (
            "gradient by hand, without 1/m",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    losses = []
    for idx in minibatches(X.shape[0], batch_size, seed):
        y_hat = model(X[idx])
        L, _ = mse(y_hat, Y[idx])
        model.backward(y_hat - Y[idx])
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "a missing 1/m",
        ),
        (
            "no backward pass",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    losses = []
    for idx in minibatches(X.shape[0], batch_size, seed):
        L, dL_dyhat = mse(model(X[idx]), Y[idx])
        losses.append(L)
    return losses
""",
            "weights that never change",
        ),
        (
            "inputs standardised in place",
            """
def train_epoch(model, X, Y, batch_size, eta, seed):
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    losses = []
    for idx in minibatches(X.shape[0], batch_size, seed):
        L, dL_dyhat = mse(model(X[idx]), Y[idx])
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "changed its input `X` in place",
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
        (
            "input layer left out",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    return itemsize * batch_size * 2 * sum(sizes[1:-1])
""",
            "the input X left out",
        ),
        (
            "Linear inputs shifted by one",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    return itemsize * batch_size * (sum(sizes[1:]) + sum(sizes[1:-1]))
""",
            "taken as sizes[1:]",
        ),
        (
            "bits",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    return 8 * itemsize * batch_size * (sum(sizes[:-1]) + sum(sizes[1:-1]))
""",
            "bits, not bytes",
        ),
        (
            "sizes list changed in place",
            """
def activation_bytes(sizes, batch_size, itemsize=8):
    sizes.pop()  # the output is not kept
    return itemsize * batch_size * (sum(sizes) + sum(sizes[1:]))
""",
            "changed its input `sizes` in place",
        ),
    ],
}
