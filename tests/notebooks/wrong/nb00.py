"""Plausible wrong answers for notebook 00, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
error message of the test cell that follows it)].
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "linear_forward": [
        (
            "W not transposed",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W + b\n",
            "looks like a transposed W",
        ),
        (
            "bias forgotten",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W.T\n",
            "a missing bias",
        ),
        (
            "examples as columns",
            "def linear_forward(a_prev, W, b):\n    return W @ a_prev.T + b[:, None]\n",
            "a shape mismatch",
        ),
        (
            "elementwise product instead of @",
            "def linear_forward(a_prev, W, b):\n    return a_prev * W + b\n",
            "raised ValueError",
        ),
        (
            "no return",
            "def linear_forward(a_prev, W, b):\n    z = a_prev @ W.T + b\n",
            "Did you forget to `return`",
        ),
    ],
    "batch_mean": [
        (
            "sum instead of mean",
            "def batch_mean(a):\n    return a.sum(axis=0)\n",
            "looks like a missing 1/n",
        ),
        (
            "mean over the features",
            "def batch_mean(a):\n    return a.mean(axis=1)\n",
            "an average over the wrong axis",
        ),
        (
            "mean of everything",
            "def batch_mean(a):\n    return a.mean()\n",
            "a shape mismatch",
        ),
        (
            "keepdims",
            "def batch_mean(a):\n    return a.mean(axis=0, keepdims=True)\n",
            "has shape (1, 4) but should have shape (4,)",
        ),
    ],
    "sigmoid": [
        (
            "sign flipped",
            "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n",
            "looks like the wrong sign",
        ),
        (
            "the 1 + forgotten",
            "def sigmoid(z):\n    return 1 / np.exp(-z)\n",
            "without the 1 +",
        ),
        (
            "tanh",
            "def sigmoid(z):\n    return np.tanh(z)\n",
            "looks like tanh(z)",
        ),
    ],
    "mse": [
        (
            "no 1/2",
            "def mse(y_hat, y):\n    return float(np.sum((y - y_hat) ** 2) / y.shape[0])\n",
            "looks like a missing 1/2",
        ),
        (
            "no 1/n",
            "def mse(y_hat, y):\n    return float(np.sum((y - y_hat) ** 2) / 2)\n",
            "looks like a missing 1/n",
        ),
        (
            "np.mean over every entry",
            "def mse(y_hat, y):\n    return float(np.mean((y - y_hat) ** 2) / 2)\n",
            "number of entries n*d",
        ),
        (
            "a per-column array instead of one number",
            "def mse(y_hat, y):\n    return np.sum((y - y_hat) ** 2, axis=0) / (2 * y.shape[0])\n",
            "a shape mismatch",
        ),
    ],
    "mse_grad": [
        (
            "y - y_hat",
            "def mse_grad(y_hat, y):\n    return (y - y_hat) / y.shape[0]\n",
            "looks like the wrong sign",
        ),
        (
            "no 1/n",
            "def mse_grad(y_hat, y):\n    return y_hat - y\n",
            "looks like a missing 1/n",
        ),
        (
            "the 2 kept",
            "def mse_grad(y_hat, y):\n    return 2 * (y_hat - y) / y.shape[0]\n",
            "an extra factor 2",
        ),
        (
            "divided by the number of entries",
            "def mse_grad(y_hat, y):\n    return (y_hat - y) / y.size\n",
            "number of entries n*d",
        ),
    ],
}
