"""Plausible wrong answers for notebook 00, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
error message of the test cell that follows it)].
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "linear_forward": [
        (
            "W not transposed",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W + b\n",
            "a transposed W",
        ),
        (
            "bias forgotten",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W.T\n",
            "a missing bias",
        ),
        (
            "bias subtracted",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W.T - b\n",
            "the wrong sign on b",
        ),
        (
            "examples as columns",
            "def linear_forward(a_prev, W, b):\n    return W @ a_prev.T + b[:, None]\n",
            "examples stored as columns",
        ),
        (
            "elementwise product instead of @",
            "def linear_forward(a_prev, W, b):\n    return a_prev * W + b\n",
            "an entry-by-entry product",
        ),
        (
            "b as a column",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W.T + b.reshape(-1, 1)\n",
            "b reshaped into a column",
        ),
        (
            "W times a_prev",
            "def linear_forward(a_prev, W, b):\n    return W @ a_prev + b\n",
            "a matrix product whose shapes do not line up",
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
            "a missing 1/n",
        ),
        (
            "mean over the features",
            "def batch_mean(a):\n    return a.mean(axis=1)\n",
            "an average over the wrong axis",
        ),
        (
            "mean of everything",
            "def batch_mean(a):\n    return a.mean()\n",
            "the mean of every entry",
        ),
        (
            "keepdims",
            "def batch_mean(a):\n    return a.mean(axis=0, keepdims=True)\n",
            "keepdims=True, which keeps the averaged axis",
        ),
        (
            "divided by the number of features",
            "def batch_mean(a):\n    return a.sum(axis=0) / a.shape[1]\n",
            "divided by the number of features",
        ),
        (
            "divided by a.size",
            "def batch_mean(a):\n    return a.sum(axis=0) / a.size\n",
            "divided by the number of entries n*d",
        ),
        (
            "divides a in place",
            "def batch_mean(a):\n    a /= a.shape[0]\n    return a.sum(axis=0)\n",
            "changed its input `a` in place",
        ),
    ],
    "sigmoid": [
        (
            "sign flipped",
            "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n",
            "the wrong sign",
        ),
        (
            "the 1 + forgotten",
            "def sigmoid(z):\n    return 1 / np.exp(-z)\n",
            "without the 1 +",
        ),
        (
            "tanh",
            "def sigmoid(z):\n    return np.tanh(z)\n",
            "tanh(z), which is a different S-shaped function",
        ),
        (
            "no brackets around the denominator",
            "def sigmoid(z):\n    return 1 / 1 + np.exp(-z)\n",
            "put the denominator in brackets",
        ),
        (
            "naive formula (overflows for z = -1e4)",
            "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
            "This exercise is about numerical stability",
        ),
        (
            "np.where over two formulas that each overflow somewhere",
            "def sigmoid(z):\n"
            "    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))\n",
            "This exercise is about numerical stability",
        ),
        (
            "naive formula with the overflow warning silenced",
            "def sigmoid(z):\n"
            "    with np.errstate(over='ignore'):\n"
            "        return 1 / (1 + np.exp(-z))\n",
            "gives the right numbers but silences numpy's warnings",
        ),
        (
            "math.exp on an array",
            "import math\n\n\ndef sigmoid(z):\n    return 1 / (1 + math.exp(-z))\n",
            "Python's math module",
        ),
        (
            "stable, but written into z",
            "def sigmoid(z):\n"
            "    e = np.exp(-np.abs(z))\n"
            "    positive = z >= 0\n"
            "    z[positive] = 1 / (1 + e[positive])\n"
            "    z[~positive] = e[~positive] / (1 + e[~positive])\n"
            "    return z\n",
            "changed its input `z` in place",
        ),
        (
            "z clipped to [-20, 20]",
            "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.clip(z, -20, 20)))\n",
            "before np.exp: that range is too narrow",
        ),
        (
            "the stable form's first branch everywhere",
            "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.abs(z)))\n",
            "that is sigma(z) only where z >= 0",
        ),
    ],
    "mse": [
        (
            "no 1/2",
            "def mse(y_hat, y):\n    return float(np.sum((y - y_hat) ** 2) / y.shape[0])\n",
            "a missing 1/2",
        ),
        (
            "no 1/n",
            "def mse(y_hat, y):\n    return float(np.sum((y - y_hat) ** 2) / 2)\n",
            "a missing 1/n",
        ),
        (
            "np.mean over every entry",
            "def mse(y_hat, y):\n    return float(np.mean((y - y_hat) ** 2) / 2)\n",
            "number of entries n*d",
        ),
        (
            "np.mean, no 1/2",
            "def mse(y_hat, y):\n    return float(np.mean((y - y_hat) ** 2))\n",
            "np.mean((y - y_hat)**2): it divides by the number of entries",
        ),
        (
            "/ 2 * n",
            "def mse(y_hat, y):\n    return float(np.sum((y - y_hat) ** 2) / 2 * len(y))\n",
            "it multiplies by n instead of dividing",
        ),
        (
            "square of the sum",
            "def mse(y_hat, y):\n    return float(np.sum(y - y_hat) ** 2 / (2 * len(y)))\n",
            "the square of the summed differences",
        ),
        (
            "a per-column array instead of one number",
            "def mse(y_hat, y):\n    return np.sum((y - y_hat) ** 2, axis=0) / (2 * y.shape[0])\n",
            "one loss per output column",
        ),
        (
            "norm without its square",
            "def mse(y_hat, y):\n    return float(np.linalg.norm(y - y_hat) / (2 * len(y)))\n",
            "without its square",
        ),
    ],
    "mse_grad": [
        (
            "y - y_hat",
            "def mse_grad(y_hat, y):\n    return (y - y_hat) / y.shape[0]\n",
            "the wrong sign",
        ),
        (
            "no 1/n",
            "def mse_grad(y_hat, y):\n    return y_hat - y\n",
            "a missing 1/n",
        ),
        (
            "the 2 kept",
            "def mse_grad(y_hat, y):\n    return 2 * (y_hat - y) / y.shape[0]\n",
            "an extra factor 2",
        ),
        (
            "the 1/2 kept",
            "def mse_grad(y_hat, y):\n    return (y_hat - y) / (2 * y.shape[0])\n",
            "an extra 1/2",
        ),
        (
            "divided by the number of entries",
            "def mse_grad(y_hat, y):\n    return (y_hat - y) / y.size\n",
            "number of entries n*d",
        ),
        (
            "averaged over the batch",
            "def mse_grad(y_hat, y):\n    return np.mean(y_hat - y, axis=0)\n",
            "the gradient averaged over the batch",
        ),
        (
            "subtracts in place",
            "def mse_grad(y_hat, y):\n    y_hat -= y\n    return y_hat / len(y)\n",
            "changed its input `y_hat` in place",
        ),
    ],
}
