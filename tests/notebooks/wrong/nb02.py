"""Plausible wrong answers for notebook 02, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)]. The answer cells run after the notebook's setup cell,
so ``np``, ``F`` (bpkit.functional) and ``one_hot`` are defined.
"""

_MLP = """
def mlp_backward(X, y, W2, cache):
    n = X.shape[0]
    z1, a1, z2, a2 = cache["z1"], cache["a1"], cache["z2"], cache["a2"]
    delta2 = {delta2}
    delta1 = {delta1}
    return {{"W2": {dW2}, "b2": delta2.mean(axis=0), "W1": {dW1}, "b1": delta1.mean(axis=0)}}
"""
_D2 = "(a2 - y) * F.sigmoid_prime(z2)"
_D1 = "(delta2 @ W2) * F.tanh_prime(z1)"
_DW2 = "delta2.T @ a1 / n"
_DW1 = "delta1.T @ X / n"


def _mlp(delta2: str = _D2, delta1: str = _D1, dW2: str = _DW2, dW1: str = _DW1) -> str:
    return _MLP.format(delta2=delta2, delta1=delta1, dW2=dW2, dW1=dW1)


_ACT = """
def activation_prime(z, kind):
    if kind == "sigmoid":
        {sigmoid}
    if kind == "tanh":
        {tanh}
    if kind == "relu":
        {relu}
    raise ValueError(kind)
"""
_SIG = "a = F.sigmoid(z); return a * (1 - a)"
_TANH = "return 1 - F.tanh(z) ** 2"
_RELU = "return (z > 0).astype(float)"


def _act(sigmoid: str = _SIG, tanh: str = _TANH, relu: str = _RELU) -> str:
    return _ACT.format(sigmoid=sigmoid, tanh=tanh, relu=relu)


_LB = """
def linear_backward(delta, a_prev, W):
    n = a_prev.shape[0]
    return {dW}, {db}, {da}
"""


def _lb(dW: str = "delta.T @ a_prev / n", db: str = "delta.mean(axis=0)", da: str = "delta @ W"):
    return _LB.format(dW=dW, db=db, da=da)


WRONG: dict[str, list[tuple[str, str, str]]] = {
    "linear_forward": [
        (
            "W not transposed",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W + b\n",
            "a transposed W",
        ),
        (
            "bias left out",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W.T\n",
            "a missing b",
        ),
        (
            "bias subtracted",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W.T - b\n",
            "the wrong sign",
        ),
        (
            "column layout (d_out, n)",
            "def linear_forward(a_prev, W, b):\n    return W @ a_prev.T + b[:, None]\n",
            "a shape mismatch",
        ),
    ],
    "linear_backward": [
        ("dW without 1/n", _lb(dW="delta.T @ a_prev"), "a missing 1/n"),
        ("dW transposed", _lb(dW="a_prev.T @ delta / n"), "a transposed W"),
        ("db summed", _lb(db="delta.sum(axis=0)"), "a missing 1/n"),
        ("db over the wrong axis", _lb(db="delta.mean(axis=1)"), "a shape mismatch"),
        ("da_prev with W.T", _lb(da="delta @ W.T"), "a transposed W"),
        ("da_prev divided by n", _lb(da="delta @ W / n"), "an extra 1/n"),
    ],
    "activation_prime": [
        ("sigmoid' from z", _act(sigmoid="return z * (1 - z)"), "computed from z"),
        (
            "tanh' without the square",
            _act(tanh="return 1 - F.tanh(z)"),
            "1 - tanh(z) where 1 - tanh(z)**2",
        ),
        ("relu' at the kink", _act(relu="return (z >= 0).astype(float)"), "1 at the kink"),
        ("relu itself", _act(relu="return F.relu(z)"), "the activation f(z) itself"),
        (
            "unknown kind answered with zeros",
            _ACT.format(sigmoid=_SIG, tanh=_TANH, relu=_RELU).replace(
                "raise ValueError(kind)", "return np.zeros_like(z)"
            ),
            "should raise ValueError",
        ),
    ],
    "mse_output_delta": [
        (
            "no f'(z)",
            "def mse_output_delta(a, z, y, f_prime):\n    return a - y\n",
            "a missing f'(z) (activation derivative)",
        ),
        (
            "y - a",
            "def mse_output_delta(a, z, y, f_prime):\n    return (y - a) * f_prime(z)\n",
            "the wrong sign",
        ),
        (
            "divided by n",
            "def mse_output_delta(a, z, y, f_prime):\n    return (a - y) * f_prime(z) / len(a)\n",
            "an extra 1/n",
        ),
        (
            "f' at a",
            "def mse_output_delta(a, z, y, f_prime):\n    return (a - y) * f_prime(a)\n",
            "f'(a) where f'(z) is needed",
        ),
    ],
    "softmax_ce_delta": [
        (
            "one_hot - softmax",
            "def softmax_ce_delta(z, y):\n    return one_hot(y, z.shape[1]) - F.softmax(z)\n",
            "the wrong sign",
        ),
        (
            "divided by n",
            "def softmax_ce_delta(z, y):\n"
            "    return (F.softmax(z) - one_hot(y, z.shape[1])) / len(z)\n",
            "an extra 1/n",
        ),
        (
            "no softmax",
            "def softmax_ce_delta(z, y):\n    return z - one_hot(y, z.shape[1])\n",
            "a missing softmax",
        ),
        (
            "extra p(1 - p)",
            "def softmax_ce_delta(z, y):\n    p = F.softmax(z)\n"
            "    return (p - one_hot(y, z.shape[1])) * p * (1 - p)\n",
            "an extra p(1 - p)",
        ),
        (
            "softmax that overflows",
            "def softmax_ce_delta(z, y):\n    e = np.exp(z)\n"
            "    return e / e.sum(axis=1, keepdims=True) - one_hot(y, z.shape[1])\n",
            "numerically stable",
        ),
    ],
    "mlp_backward": [
        (
            "no tanh' in delta1",
            _mlp(delta1="delta2 @ W2"),
            "a missing f'(z) (activation derivative)",
        ),
        ("no sigmoid' at the output", _mlp(delta2="a2 - y"), "at the output: sigmoid'(z2)"),
        ("no 1/n", _mlp(dW2="delta2.T @ a1", dW1="delta1.T @ X"), "a missing 1/n"),
        (
            "W2 transposed on the way down",
            _mlp(delta1="(delta2 @ W2.T) * F.tanh_prime(z1)"),
            "a transposed W",
        ),
        ("dW1 transposed", _mlp(dW1="X.T @ delta1 / n"), "a transposed W"),
        ("y - a2", _mlp(delta2="(y - a2) * F.sigmoid_prime(z2)"), "the wrong sign"),
    ],
}
