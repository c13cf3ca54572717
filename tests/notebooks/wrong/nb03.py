"""Plausible wrong answers for notebook 03, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "gd_step": [
        (
            "gradient added",
            """
def gd_step(params, grads, eta):
    for name, W in params.items():
        W += eta * grads[name]
""",
            "the wrong sign",
        ),
        (
            "dict entry rebound to a new array",
            """
def gd_step(params, grads, eta):
    for name in params:
        params[name] = params[name] - eta * grads[name]
""",
            "not applied in place",
        ),
        (
            "new dict returned",
            """
def gd_step(params, grads, eta):
    return {name: W - eta * grads[name] for name, W in params.items()}
""",
            "not applied in place",
        ),
        (
            "learning rate left out",
            """
def gd_step(params, grads, eta):
    for name, W in params.items():
        W -= grads[name]
""",
            "without the learning rate",
        ),
        (
            "gradient scaled in place",
            """
def gd_step(params, grads, eta):
    for name, W in params.items():
        dW = grads[name]
        dW *= eta
        W -= dW
""",
            "The step only updates params; leave grads as they are",
        ),
        (
            "step twice as long",
            """
def gd_step(params, grads, eta):
    for name, W in params.items():
        W -= 2 * eta * grads[name]
""",
            "a step of the wrong size",
        ),
        (
            "step divided by the array size",
            """
def gd_step(params, grads, eta):
    for name, W in params.items():
        W -= eta * grads[name] / W.size
""",
            "a step of the wrong size",
        ),
        (
            "eta squared",
            """
def gd_step(params, grads, eta):
    for name in params:
        params[name] -= eta * eta * grads[name]
""",
            "a step of the wrong size",
        ),
    ],
    "gradient_descent": [
        (
            "same array appended every step",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(steps):
        w -= eta * grad_fn(w)
        path.append(w)
    return np.array(path)
""",
            "every row being the same array",
        ),
        (
            "start point left out",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    w = np.array(w0, dtype=float)
    path = []
    for _ in range(steps):
        w = w - eta * grad_fn(w)
        path.append(w)
    return np.array(path)
""",
            "the starting point missing",
        ),
        (
            "gradient ascent",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(steps):
        w = w + eta * grad_fn(w)
        path.append(w)
    return np.array(path)
""",
            "the wrong sign",
        ),
        (
            "gradient only at w0",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    g = grad_fn(w0)
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(steps):
        w = w - eta * g
        path.append(w)
    return np.array(path)
""",
            "always taken at the starting point",
        ),
        (
            "w0 modified in place",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    w = w0
    path = [w.copy()]
    for _ in range(steps):
        w -= eta * grad_fn(w)
        path.append(w.copy())
    return np.array(path)
""",
            "w0 was changed",
        ),
        (
            "one update too few",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(steps - 1):
        w = w - eta * grad_fn(w)
        path.append(w)
    return np.array(path)
""",
            "one step too few",
        ),
        (
            "one update too many",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(steps + 1):
        w = w - eta * grad_fn(w)
        path.append(w)
    return np.array(path)
""",
            "one step too many",
        ),
        (
            "only the end point returned",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        w = w - eta * grad_fn(w)
    return w
""",
            "only the final point",
        ),
        (
            "one column per point",
            """
def gradient_descent(grad_fn, w0, eta, steps):
    w = np.array(w0, dtype=float)
    path = [w]
    for _ in range(steps):
        w = w - eta * grad_fn(w)
        path.append(w)
    return np.column_stack(path)
""",
            "the path transposed",
        ),
    ],
    "largest_stable_eta": [
        (
            "one over lambda_max",
            """
def largest_stable_eta(A):
    return 1.0 / np.linalg.eigvalsh(A)[-1]
""",
            "1 / lambda_max, half the answer",
        ),
        (
            "smallest eigenvalue",
            """
def largest_stable_eta(A):
    return 2.0 / np.linalg.eigvalsh(A)[0]
""",
            "2 / lambda_min",
        ),
        (
            "largest diagonal entry",
            """
def largest_stable_eta(A):
    return 2.0 / np.max(np.diag(A))
""",
            "the largest diagonal entry of A",
        ),
        (
            "trace",
            """
def largest_stable_eta(A):
    return 2.0 / np.trace(A)
""",
            "trace(A)",
        ),
        (
            "Frobenius norm",
            """
def largest_stable_eta(A):
    return 2.0 / np.linalg.norm(A)
""",
            "Frobenius norm",
        ),
        (
            "lambda_max returned",
            """
def largest_stable_eta(A):
    return float(np.max(np.linalg.eigvalsh(A)))
""",
            "lambda_max itself",
        ),
        (
            "mean eigenvalue",
            """
def largest_stable_eta(A):
    return 2.0 / np.mean(np.linalg.eigvalsh(A))
""",
            "the mean eigenvalue",
        ),
        (
            "lambda_max / 2",
            """
def largest_stable_eta(A):
    return np.linalg.eigvalsh(A).max() / 2
""",
            "lambda_max / 2 instead of 2 / lambda_max",
        ),
    ],
    "convergence_rate": [
        (
            "no absolute value",
            """
def convergence_rate(A, eta):
    return float(np.max(1 - eta * np.linalg.eigvalsh(A)))
""",
            "a missing absolute value",
        ),
        (
            "min instead of max",
            """
def convergence_rate(A, eta):
    return float(np.min(np.abs(1 - eta * np.linalg.eigvalsh(A))))
""",
            "the smallest factor instead of the largest",
        ),
        (
            "steepest direction only",
            """
def convergence_rate(A, eta):
    return abs(1 - eta * np.linalg.eigvalsh(A)[-1])
""",
            "only the largest eigenvalue",
        ),
        (
            "diagonal instead of eigenvalues",
            """
def convergence_rate(A, eta):
    return float(np.max(np.abs(1 - eta * np.diag(A))))
""",
            "the diagonal of A instead of its eigenvalues",
        ),
        (
            "plus instead of minus",
            """
def convergence_rate(A, eta):
    return float(np.max(np.abs(1 + eta * np.linalg.eigvalsh(A))))
""",
            "the wrong sign",
        ),
        (
            "A overwritten with I - eta*A",
            """
def convergence_rate(A, eta):
    A *= -eta
    A += np.eye(A.shape[0])
    return float(np.max(np.abs(np.linalg.eigvalsh(A))))
""",
            "changed its input `A` in place",
        ),
        (
            "Frobenius norm of I - eta*A",
            """
def convergence_rate(A, eta):
    return float(np.linalg.norm(np.eye(len(A)) - eta * A))
""",
            "the Frobenius norm of I - eta*A",
        ),
        (
            "mean factor",
            """
def convergence_rate(A, eta):
    return float(np.mean(np.abs(1 - eta * np.linalg.eigvalsh(A))))
""",
            "the mean of |1 - eta*lambda_i|",
        ),
        (
            "eta*lambda without 1 -",
            """
def convergence_rate(A, eta):
    return float(np.max(np.abs(eta * np.linalg.eigvalsh(A))))
""",
            "not eta*lambda_i",
        ),
        (
            "best rate, eta ignored",
            """
def convergence_rate(A, eta):
    lams = np.linalg.eigvalsh(A)
    return float((lams[-1] - lams[0]) / (lams[-1] + lams[0]))
""",
            "does not depend on eta",
        ),
    ],
    "train_full_batch": [
        (
            "loss recorded after the update",
            """
def train_full_batch(model, X, y, eta, epochs):
    losses = []
    for _ in range(epochs):
        L, dL_dyhat = mse(model(X), y)
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
        L_after, _ = mse(model(X), y)
        losses.append(L_after)
    return losses
""",
            "losses recorded after each update",
        ),
        (
            "extra division by n",
            """
def train_full_batch(model, X, y, eta, epochs):
    losses = []
    for _ in range(epochs):
        L, dL_dyhat = mse(model(X), y)
        model.backward(dL_dyhat / len(X))
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "an extra 1/n",
        ),
        (
            "gradient ascent",
            """
def train_full_batch(model, X, y, eta, epochs):
    losses = []
    for _ in range(epochs):
        L, dL_dyhat = mse(model(X), y)
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), -eta)
        losses.append(L)
    return losses
""",
            "the wrong sign",
        ),
        (
            "backward never called",
            """
def train_full_batch(model, X, y, eta, epochs):
    losses = []
    for _ in range(epochs):
        L, dL_dyhat = mse(model(X), y)
        losses.append(L)
    return losses
""",
            "weights that never change",
        ),
        (
            "one loss for the whole run",
            """
def train_full_batch(model, X, y, eta, epochs):
    for _ in range(epochs):
        L, dL_dyhat = mse(model(X), y)
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
    return [L]
""",
            "expected one loss per epoch",
        ),
        (
            "gradient by hand, without 1/n",
            """
def train_full_batch(model, X, y, eta, epochs):
    losses = []
    for _ in range(epochs):
        y_hat = model(X)
        L, _ = mse(y_hat, y)
        model.backward(y_hat - y)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "a missing 1/n",
        ),
        (
            "derivative of the loss with a factor 2",
            """
def train_full_batch(model, X, y, eta, epochs):
    losses = []
    for _ in range(epochs):
        y_hat = model(X)
        L, _ = mse(y_hat, y)
        model.backward(2 * (y_hat - y) / len(X))
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "an extra factor 2",
        ),
        (
            "mse arguments swapped",
            """
def train_full_batch(model, X, y, eta, epochs):
    losses = []
    for _ in range(epochs):
        L, grad = mse(y, model(X))
        model.backward(grad)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "the wrong sign",
        ),
        (
            "inputs standardised in place",
            """
def train_full_batch(model, X, y, eta, epochs):
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    losses = []
    for _ in range(epochs):
        L, dL_dyhat = mse(model(X), y)
        model.backward(dL_dyhat)
        sgd_step(model.named_params(), model.named_grads(), eta)
        losses.append(L)
    return losses
""",
            "changed its input `X` in place",
        ),
    ],
}
