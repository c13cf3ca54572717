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
            "examples stored as columns",
        ),
        (
            "b as a column",
            "def linear_forward(a_prev, W, b):\n    return a_prev @ W.T + b.reshape(-1, 1)\n",
            "b reshaped into a column",
        ),
        (
            "* instead of @",
            "def linear_forward(a_prev, W, b):\n    return a_prev * W + b\n",
            "an entry-by-entry product",
        ),
        (
            "W @ a_prev",
            "def linear_forward(a_prev, W, b):\n    return W @ a_prev + b\n",
            "a matrix product whose shapes do not line up",
        ),
    ],
    "linear_backward": [
        ("dW without 1/n", _lb(dW="delta.T @ a_prev"), "a missing 1/n"),
        ("dW transposed", _lb(dW="a_prev.T @ delta / n"), "a transposed W"),
        ("db summed", _lb(db="delta.sum(axis=0)"), "a missing 1/n"),
        ("db over the wrong axis", _lb(db="delta.mean(axis=1)"), "a shape mismatch"),
        ("da_prev with W.T", _lb(da="delta @ W.T"), "a transposed W"),
        ("da_prev divided by n", _lb(da="delta @ W / n"), "an extra 1/n"),
        ("db over everything", _lb(db="delta.mean()"), "the mean of every entry of delta"),
        ("da_prev as columns", _lb(da="W.T @ delta.T"), "da_prev with examples as columns"),
        (
            "dW from a_prev @ delta.T",
            _lb(dW="a_prev @ delta.T / n"),
            "instead of over the examples",
        ),
        (
            "dW from delta @ a_prev.T",
            _lb(dW="delta @ a_prev.T / n"),
            "instead of over the examples",
        ),
        (
            "results in another order",
            _LB.replace("return {dW}, {db}, {da}", "return {dW}, {da}, {db}").format(
                dW="delta.T @ a_prev / n", db="delta.mean(axis=0)", da="delta @ W"
            ),
            "return the tuple (dW, db, da_prev)",
        ),
        (
            "delta divided in place",
            """
def linear_backward(delta, a_prev, W):
    delta /= a_prev.shape[0]
    return delta.T @ a_prev, delta.sum(axis=0), delta @ W * a_prev.shape[0]
""",
            "changed its input `delta` in place",
        ),
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
        (
            "relu' written into z",
            _act(relu="z[z <= 0] = 0\n        z[z > 0] = 1\n        return z"),
            "changed its input `z` in place",
        ),
        (
            "relu' from z with z[z <= 0] = 0",
            _act(relu="z[z <= 0] = 0\n        return (z > 0).astype(float)"),
            "changed its input `z` in place",
        ),
        (
            "tanh' in the sigmoid branch",
            _act(sigmoid="return 1 - F.tanh(z) ** 2"),
            "the derivative of tanh where sigmoid's is asked for",
        ),
        (
            "a dict lookup that raises KeyError",
            """
def activation_prime(z, kind):
    primes = {"sigmoid": F.sigmoid_prime, "tanh": F.tanh_prime,
              "relu": lambda t: (t > 0).astype(float)}
    return primes[kind](z)
""",
            "an unknown kind should raise ValueError",
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
        (
            "sigmoid' written in",
            "def mse_output_delta(a, z, y, f_prime):\n    return (a - y) * a * (1 - a)\n",
            "use the f_prime you are given",
        ),
        (
            "the 2 of the square kept",
            "def mse_output_delta(a, z, y, f_prime):\n    return 2 * (a - y) * f_prime(z)\n",
            "an extra factor 2",
        ),
        (
            "@ instead of *",
            "def mse_output_delta(a, z, y, f_prime):\n    return (a - y) @ f_prime(z)\n",
            "BP1 multiplies entry by entry",
        ),
        (
            "a - y computed in place",
            "def mse_output_delta(a, z, y, f_prime):\n    a -= y\n    return a * f_prime(z)\n",
            "changed its input `a` in place",
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
            "softmax without the shift (overflows at |z| ~ 1e4)",
            "def softmax_ce_delta(z, y):\n    e = np.exp(z)\n"
            "    return e / e.sum(axis=1, keepdims=True) - one_hot(y, z.shape[1])\n",
            "This exercise is about numerical stability",
        ),
        (
            "unshifted softmax with the warning silenced",
            "def softmax_ce_delta(z, y):\n    with np.errstate(all='ignore'):\n"
            "        e = np.exp(z)\n"
            "        return e / e.sum(axis=1, keepdims=True) - one_hot(y, z.shape[1])\n",
            "Subtract each row's own maximum",
        ),
        (
            "one shift for the whole batch",
            "def softmax_ce_delta(z, y):\n    e = np.exp(z - z.max())\n"
            "    return e / e.sum(axis=1, keepdims=True) - one_hot(y, z.shape[1])\n",
            "with one maximum for the whole batch",
        ),
        (
            "shift written into z",
            "def softmax_ce_delta(z, y):\n    z -= z.max(axis=1, keepdims=True)\n"
            "    e = np.exp(z)\n"
            "    return e / e.sum(axis=1, keepdims=True) - one_hot(y, z.shape[1])\n",
            "changed its input `z` in place",
        ),
        (
            "one_hot without k",
            "def softmax_ce_delta(z, y):\n    return F.softmax(z) - one_hot(y)\n",
            "one_hot(y) without its k",
        ),
        (
            "softmax over the columns",
            "def softmax_ce_delta(z, y):\n    e = np.exp(z - z.max(axis=0))\n"
            "    return e / e.sum(axis=0) - one_hot(y, z.shape[1])\n",
            "a softmax over the wrong axis",
        ),
        (
            "row sum without keepdims",
            "def softmax_ce_delta(z, y):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
            "    return e / e.sum(axis=1) - one_hot(y, z.shape[1])\n",
            "keepdims=True",
        ),
        (
            "one_hot with k = len(y)",
            "def softmax_ce_delta(z, y):\n    return F.softmax(z) - one_hot(y, len(y))\n",
            "one_hot(y, n) with the number of examples",
        ),
        (
            "p[:, y] -= 1",
            "def softmax_ce_delta(z, y):\n    p = F.softmax(z)\n    p[:, y] -= 1\n    return p\n",
            "subtracts 1 in the columns of every label",
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
        (
            "1 - z1**2 as tanh'",
            _mlp(delta1="(delta2 @ W2) * (1 - z1**2)"),
            "1 - z1**2 where tanh'(z1) = 1 - tanh(z1)**2 is needed",
        ),
        (
            "tanh' taken at a1",
            _mlp(delta1="(delta2 @ W2) * F.tanh_prime(a1)"),
            "tanh'(a1) where tanh'(z1) is needed",
        ),
        (
            "sigmoid' taken at a2",
            _mlp(delta2="(a2 - y) * F.sigmoid_prime(a2)"),
            "sigmoid'(a2) where sigmoid'(z2) is needed",
        ),
        ("dW2 from X", _mlp(dW2="delta2.T @ X / n"), "dW2 computed with X"),
        (
            "sigmoid' in the hidden layer",
            _mlp(delta1="(delta2 @ W2) * F.sigmoid_prime(z1)"),
            "sigmoid'(z1) in the hidden layer",
        ),
        (
            "delta2 built inside the cache",
            _MLP.replace(
                "    delta2 = {delta2}\n",
                "    delta2 = a2\n    delta2 -= y\n    delta2 *= F.sigmoid_prime(z2)\n",
            ).format(delta1=_D1, dW2=_DW2, dW1=_DW1),
            "changed its input `cache` in place",
        ),
    ],
}
