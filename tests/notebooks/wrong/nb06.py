"""Plausible wrong answers for notebook 06, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "xavier_uniform": [
        (
            "fan_in only",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(6.0 / shape[1])
    return np.random.default_rng(seed).uniform(-r, r, size=shape)
""",
            "uses only fan_in",
        ),
        (
            "standard deviation used as the bound",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(2.0 / (shape[0] + shape[1]))
    return np.random.default_rng(seed).uniform(-r, r, size=shape)
""",
            "used as the bound r",
        ),
        (
            "normal instead of uniform",
            """
def xavier_uniform(shape, seed=None):
    std = np.sqrt(2.0 / (shape[0] + shape[1]))
    return np.random.default_rng(seed).normal(0.0, std, size=shape)
""",
            "draws from a normal distribution",
        ),
        (
            "transposed shape",
            """
def xavier_uniform(shape, seed=None):
    d_out, d_in = shape
    r = np.sqrt(6.0 / (d_in + d_out))
    return np.random.default_rng(seed).uniform(-r, r, size=(d_in, d_out))
""",
            "a shape mismatch",
        ),
        (
            "global random state",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(6.0 / (shape[0] + shape[1]))
    return np.random.uniform(-r, r, size=shape)
""",
            "used numpy's global random state",
        ),
        (
            "missing square root",
            """
def xavier_uniform(shape, seed=None):
    r = 6.0 / (shape[0] + shape[1])
    return np.random.default_rng(seed).uniform(-r, r, size=shape)
""",
            "a missing square root",
        ),
        (
            "LeCun's bound, fan_in only",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(3.0 / shape[1])
    return np.random.default_rng(seed).uniform(-r, r, size=shape)
""",
            "uses only fan_in",
        ),
        (
            "fan_in read from shape[0]",
            """
def xavier_uniform(shape, seed=None):
    fan_in = shape[0]
    r = np.sqrt(6.0 / fan_in)
    return np.random.default_rng(seed).uniform(-r, r, size=shape)
""",
            "uses only fan_out",
        ),
        (
            "seed ignored",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(6.0 / (shape[0] + shape[1]))
    return np.random.default_rng(42).uniform(-r, r, size=shape)
""",
            "ignores its seed",
        ),
        (
            "only positive values",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(6.0 / (shape[0] + shape[1]))
    return np.random.default_rng(seed).uniform(0.0, r, size=shape)
""",
            "centred on 0",
        ),
        (
            "random() - 0.5 times r",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(6.0 / (shape[0] + shape[1]))
    return (np.random.default_rng(seed).random(shape) - 0.5) * r
""",
            "a bound of r / 2",
        ),
        (
            "square root of the 6 only",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(6.0) / (shape[0] + shape[1])
    return np.random.default_rng(seed).uniform(-r, r, size=shape)
""",
            "square root taken of the 6 only",
        ),
        (
            "global random state, seeded",
            """
def xavier_uniform(shape, seed=None):
    np.random.seed(seed)
    r = np.sqrt(6.0 / (shape[0] + shape[1]))
    return np.random.uniform(-r, r, size=shape)
""",
            "used numpy's global random state",
        ),
        (
            "normal with std r",
            """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(6.0 / (shape[0] + shape[1]))
    return np.random.default_rng(seed).normal(0.0, r, size=shape)
""",
            "the bound r as their standard deviation",
        ),
        (
            "precedence",
            """
def xavier_uniform(shape, seed=None):
    fan_out, fan_in = shape
    r = np.sqrt(6.0 / fan_in + fan_out)
    return np.random.default_rng(seed).uniform(-r, r, size=shape)
""",
            "operator-precedence slip",
        ),
    ],
    "he_normal": [
        (
            "fan_out instead of fan_in",
            """
def he_normal(shape, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(2.0 / shape[0]), size=shape)
""",
            "uses fan_out instead of fan_in",
        ),
        (
            "variance used as the standard deviation",
            """
def he_normal(shape, seed=None):
    return np.random.default_rng(seed).normal(0.0, 2.0 / shape[1], size=shape)
""",
            "used as the standard deviation",
        ),
        (
            "missing factor 2",
            """
def he_normal(shape, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(1.0 / shape[1]), size=shape)
""",
            "a missing factor 2",
        ),
        (
            "uniform with the right spread",
            """
def he_normal(shape, seed=None):
    r = np.sqrt(6.0 / shape[1])
    return np.random.default_rng(seed).uniform(-r, r, size=shape)
""",
            "do not look like normal draws",
        ),
        (
            "seed ignored",
            """
def he_normal(shape, seed=None):
    return np.random.default_rng(0).normal(0.0, np.sqrt(2.0 / shape[1]), size=shape)
""",
            "ignores its seed",
        ),
        (
            "Xavier's variance",
            """
def he_normal(shape, seed=None):
    std = np.sqrt(2.0 / (shape[0] + shape[1]))
    return np.random.default_rng(seed).normal(0.0, std, size=shape)
""",
            "Xavier's 2 / (fan_in + fan_out)",
        ),
        (
            "square root of fan_in only",
            """
def he_normal(shape, seed=None):
    return np.random.default_rng(seed).normal(0.0, 2.0 / np.sqrt(shape[1]), size=shape)
""",
            "square root taken of fan_in only",
        ),
        (
            "a fixed small scale",
            """
def he_normal(shape, seed=None):
    return np.random.default_rng(seed).normal(0.0, 0.01, size=shape)
""",
            "does not depend on the shape",
        ),
        (
            "global random state",
            """
def he_normal(shape, seed=None):
    return np.random.normal(0.0, np.sqrt(2.0 / shape[1]), size=shape)
""",
            "used numpy's global random state",
        ),
        (
            "loc/scale swapped",
            """
def he_normal(shape, seed=None):
    return np.random.default_rng(seed).normal(np.sqrt(2.0 / shape[1]), size=shape)
""",
            "rng.normal takes the mean first",
        ),
        (
            "sqrt(2)/fan_in",
            """
def he_normal(shape, seed=None):
    return np.random.default_rng(seed).normal(0.0, np.sqrt(2.0) / shape[1], size=shape)
""",
            "square root taken of the 2 only",
        ),
    ],
    "grad_norms": [
        (
            "norms of the weights",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.linalg.norm(layer.params["W"]) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "the norms of the weights W, not of their gradients",
        ),
        (
            "output layer first",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    norms = [np.linalg.norm(layer.grads["W"]) for layer in model.layers
             if isinstance(layer, Linear)]
    return np.array(norms[::-1])
""",
            "listed from output to input",
        ),
        (
            "squared norms",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.sum(layer.grads["W"] ** 2) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "squared norms",
        ),
        (
            "bias included",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.sqrt(np.sum(layer.grads["W"] ** 2) + np.sum(layer.grads["b"] ** 2))
                     for layer in model.layers if isinstance(layer, Linear)])
""",
            "the gradients of W and b together",
        ),
        (
            "hand-made loss gradient without 1/n",
            """
def grad_norms(model, X, y):
    model.backward(model.forward(X) - y)
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "a missing 1/n",
        ),
        (
            "a norm for every layer",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.linalg.norm(layer.grads["W"]) if "W" in layer.grads else 0.0
                     for layer in model.layers])
""",
            "one per Linear layer",
        ),
        (
            "weights updated while measuring",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    for name, p in model.named_params().items():
        p -= 0.1 * model.named_grads()[name]
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "the model's weights changed",
        ),
        (
            "spectral norm",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.linalg.norm(layer.grads["W"], 2) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "the spectral norm",
        ),
        (
            "largest entry",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.abs(layer.grads["W"]).max() for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "the largest entry",
        ),
        (
            "no backward pass",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "before model.backward(dL) filled them",
        ),
        (
            "sum of absolute values",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.sum(np.abs(layer.grads["W"])) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "the sum of |dW|",
        ),
        (
            "rms",
            """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.sqrt(np.mean(layer.grads["W"] ** 2)) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "the root mean square of dW",
        ),
        (
            "mse without 1/2",
            """
def grad_norms(model, X, y):
    y_hat = model.forward(X)
    model.backward(2 * (y_hat - y) / len(X))
    return np.array([np.linalg.norm(l.grads["W"]) for l in model.layers if isinstance(l, Linear)])
""",
            "twice bpkit's",
        ),
    ],
    "depth_profile": [
        (
            "init not passed to mlp",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, seed=seed)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    return grad_norms(model, X, y)
""",
            "never called init",
        ),
        (
            "one layer too many",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * (depth + 1) + [1], activation=activation, init=init, seed=seed)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    return grad_norms(model, X, y)
""",
            "one norm per Linear layer",
        ),
        (
            "activation ignored",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation="relu", init=init, seed=seed)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    return grad_norms(model, X, y)
""",
            "same norms for 'relu' and 'sigmoid'",
        ),
        (
            "weights measured instead of gradients",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=seed)
    return np.array([np.linalg.norm(layer.params["W"]) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "norms of the weights W, not of their gradients",
        ),
        (
            "network not seeded",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    return grad_norms(model, X, y)
""",
            "the network ignores the seed",
        ),
        (
            "fresh random data on every call",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=seed)
    gen = np.random.default_rng()
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    return grad_norms(model, X, y)
""",
            "different norms on two calls with the same seed",
        ),
        (
            "256 examples whatever n is",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=seed)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((256, width)), gen.standard_normal((256, 1))
    return grad_norms(model, X, y)
""",
            "a batch of 256 examples whatever n is",
        ),
        (
            "hand-made loss gradient without 1/n",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=seed)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    model.backward(model.forward(X) - y)
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "a missing 1/n",
        ),
        (
            "data from the global random state",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=seed)
    np.random.seed(seed)
    X, y = np.random.standard_normal((n, width)), np.random.standard_normal((n, 1))
    return grad_norms(model, X, y)
""",
            "used numpy's global random state",
        ),
        (
            "no backward pass",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=seed)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    mse(model.forward(X), y)
    return np.array([np.linalg.norm(layer.grads["W"]) for layer in model.layers
                     if isinstance(layer, Linear)])
""",
            "before a backward pass filled them",
        ),
        (
            "n = width",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=seed)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((width, width)), gen.standard_normal((width, 1))
    return grad_norms(model, X, y)
""",
            "a batch of width examples instead of n",
        ),
        (
            "reversed",
            """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=seed)
    gen = np.random.default_rng(seed)
    X, y = gen.standard_normal((n, width)), gen.standard_normal((n, 1))
    return grad_norms(model, X, y)[::-1]
""",
            "listed from output to input",
        ),
    ],
    "clip_by_global_norm": [
        (
            "each array clipped separately",
            """
def clip_by_global_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    for g in grads.values():
        norm = np.linalg.norm(g)
        if norm > max_norm:
            g *= max_norm / norm
    return total
""",
            "clipping each gradient separately instead of by the global norm",
        ),
        (
            "always rescaled",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    for g in grads.values():
        g *= max_norm / norm
    return norm
""",
            "also scales gradients already below max_norm",
        ),
        (
            "value clipping",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    for g in grads.values():
        np.clip(g, -max_norm, max_norm, out=g)
    return norm
""",
            "value clipping",
        ),
        (
            "new arrays in the dict",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    if norm > max_norm:
        for name in grads:
            grads[name] = grads[name] * (max_norm / norm)
    return norm
""",
            "the dict now holds new arrays",
        ),
        (
            "norm after clipping returned",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
""",
            "the norm after clipping",
        ),
        (
            "sum of the arrays' norms",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(sum(np.linalg.norm(g) for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
""",
            "a sum of the arrays' norms",
        ),
        (
            "rebinding instead of scaling in place",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g = g * (max_norm / norm)
    return norm
""",
            "not changed at all",
        ),
        (
            "factor upside down",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g *= norm / max_norm
    return norm
""",
            "the factor upside down",
        ),
        (
            "squared norm",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(sum(np.sum(g**2) for g in grads.values()))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
""",
            "squared global norm",
        ),
        (
            "returns the scaling factor",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    factor = min(1.0, max_norm / norm)
    for g in grads.values():
        g *= factor
    return factor
""",
            "the scaling factor",
        ),
        (
            "norm overwritten in the loop",
            """
def clip_by_global_norm(grads, max_norm):
    for g in grads.values():
        norm = float(np.linalg.norm(g))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
""",
            "the norm of the last array only",
        ),
        (
            "sqrt of sum of norms",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.linalg.norm(g) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
""",
            "the square root of a sum of the arrays' norms",
        ),
        (
            "returns None",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
""",
            "returned None",
        ),
        (
            "mean of squares",
            """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(np.mean(np.concatenate([g.ravel()**2 for g in grads.values()]))))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
""",
            "the root mean square of the entries",
        ),
    ],
}
