"""Plausible wrong answers for notebook 05, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "minibatch_stream": [
        (
            "generator re-created every epoch",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    for epoch in range(epochs):
        order = np.random.default_rng(seed).permutation(n)
        for start in range(0, n, batch_size):
            yield epoch, order[start:start + batch_size]
""",
            "two epochs visit the examples in the same order",
        ),
        (
            "shuffled once, before all epochs",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    order = np.random.default_rng(seed).permutation(n)
    for epoch in range(epochs):
        for start in range(0, n, batch_size):
            yield epoch, order[start:start + batch_size]
""",
            "reshuffled every epoch",
        ),
        (
            "no shuffling",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    for epoch in range(epochs):
        for start in range(0, n, batch_size):
            yield epoch, np.arange(start, min(start + batch_size, n))
""",
            "original order",
        ),
        (
            "last partial batch dropped",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(n)
        for k in range(n // batch_size):
            yield epoch, order[k * batch_size:(k + 1) * batch_size]
""",
            "drop the last, smaller batch",
        ),
        (
            "each batch sampled with replacement",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        for start in range(0, n, batch_size):
            yield epoch, rng.integers(0, n, size=min(batch_size, n - start))
""",
            "an example is missing or repeated",
        ),
        (
            "only the order of contiguous blocks shuffled",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    rng = np.random.default_rng(seed)
    starts = np.arange(0, n, batch_size)
    for epoch in range(epochs):
        for start in rng.permutation(starts):
            yield epoch, np.arange(start, min(start + batch_size, n))
""",
            "contiguous block",
        ),
        (
            "global numpy random state",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    for epoch in range(epochs):
        order = np.random.permutation(n)
        for start in range(0, n, batch_size):
            yield epoch, order[start:start + batch_size]
""",
            "used numpy's global random state",
        ),
        (
            "batches without their epoch",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]
""",
            "expected a pair (epoch, idx)",
        ),
        (
            "np.random.seed once, then global permutations",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    np.random.seed(seed)
    for epoch in range(epochs):
        order = np.random.permutation(n)
        for start in range(0, n, batch_size):
            yield epoch, order[start:start + batch_size]
""",
            "used numpy's global random state",
        ),
        (
            "one index array reshuffled in place",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    rng = np.random.default_rng(seed)
    order = np.arange(n)
    for epoch in range(epochs):
        rng.shuffle(order)
        for start in range(0, n, batch_size):
            yield epoch, order[start:start + batch_size]
""",
            "changed after it was yielded",
        ),
        (
            "epochs counted from 1",
            """
def minibatch_stream(n, batch_size, epochs, seed=None):
    rng = np.random.default_rng(seed)
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield epoch, order[start:start + batch_size]
""",
            "epochs are numbered 0",
        ),
    ],
    "sgd": [
        (
            "gradient added",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    losses = []
    for epoch, idx in stream:
        rate = eta(epoch) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p += rate * grads[name]
        losses.append(L)
    return losses
""",
            "the wrong sign",
        ),
        (
            "divides by the batch size again",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    losses = []
    for epoch, idx in stream:
        rate = eta(epoch) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p -= rate * grads[name] / len(idx)
        losses.append(L)
    return losses
""",
            "an extra 1/|B|",
        ),
        (
            "whole data set every update",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    losses = []
    for epoch, idx in stream:
        rate = eta(epoch) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X), y)
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p -= rate * grads[name]
        losses.append(L)
    return losses
""",
            "the whole data set in every update",
        ),
        (
            "parameters rebound, not updated in place",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    losses = []
    for epoch, idx in stream:
        rate = eta(epoch) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p = p - rate * grads[name]
        losses.append(L)
    return losses
""",
            "parameters did not change",
        ),
        (
            "schedule read once, at epoch 0",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    rate = eta(0) if callable(eta) else eta
    losses = []
    for epoch, idx in stream:
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p -= rate * grads[name]
        losses.append(L)
    return losses
""",
            "a learning rate fixed at eta(0)",
        ),
        (
            "loss recorded after the update",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    losses = []
    for epoch, idx in stream:
        rate = eta(epoch) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p -= rate * grads[name]
        losses.append(loss_fn(model.forward(X[idx]), y[idx])[0])
    return losses
""",
            "losses recorded after each update",
        ),
        (
            "schedule one epoch ahead",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    losses = []
    for epoch, idx in stream:
        rate = eta(epoch + 1) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p -= rate * grads[name]
        losses.append(L)
    return losses
""",
            "a schedule one epoch ahead",
        ),
        (
            "schedule called per update",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    losses = []
    for step, (epoch, idx) in enumerate(stream):
        rate = eta(step) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p -= rate * grads[name]
        losses.append(L)
    return losses
""",
            "a schedule called with the update number",
        ),
        (
            "divided by the data set size",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    loss_fn = get_loss(loss)
    losses = []
    for epoch, idx in stream:
        rate = eta(epoch) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p -= rate * grads[name] / len(X)
        losses.append(L)
    return losses
""",
            "an extra 1/n",
        ),
        (
            "inputs standardised in place",
            """
def sgd(model, X, y, stream, eta, loss="mse"):
    X -= X.mean(axis=0)
    X /= X.std(axis=0)
    loss_fn = get_loss(loss)
    losses = []
    for epoch, idx in stream:
        rate = eta(epoch) if callable(eta) else eta
        L, dL = loss_fn(model.forward(X[idx]), y[idx])
        model.backward(dL)
        grads = model.named_grads()
        for name, p in model.named_params().items():
            p -= rate * grads[name]
        losses.append(L)
    return losses
""",
            "changed its input `X` in place",
        ),
    ],
    "gradient_noise": [
        (
            "full gradient not subtracted",
            """
def gradient_noise(grad_fn, n, batches):
    return float(np.mean([np.sum(grad_fn(idx) ** 2) for idx in batches]))
""",
            "not their distance from the full-batch gradient",
        ),
        (
            "norm instead of squared norm",
            """
def gradient_noise(grad_fn, n, batches):
    g = grad_fn(np.arange(n))
    return float(np.mean([np.linalg.norm(grad_fn(idx) - g) for idx in batches]))
""",
            "do not take the square root",
        ),
        (
            "sum over batches",
            """
def gradient_noise(grad_fn, n, batches):
    g = grad_fn(np.arange(n))
    return float(np.sum([np.sum((grad_fn(idx) - g) ** 2) for idx in batches]))
""",
            "average it instead",
        ),
        (
            "mean over the entries instead of the squared norm",
            """
def gradient_noise(grad_fn, n, batches):
    g = grad_fn(np.arange(n))
    return float(np.mean([np.mean((grad_fn(idx) - g) ** 2) for idx in batches]))
""",
            "a mean over the vector entries",
        ),
        (
            "np.var of the batch gradients",
            """
def gradient_noise(grad_fn, n, batches):
    gs = np.array([grad_fn(idx) for idx in batches])
    return float(np.var(gs, axis=0).sum())
""",
            "as np.var does",
        ),
        (
            "divided by the number of batches minus one",
            """
def gradient_noise(grad_fn, n, batches):
    g = grad_fn(np.arange(n))
    sq = [np.sum((grad_fn(idx) - g) ** 2) for idx in batches]
    return float(np.sum(sq) / (len(batches) - 1))
""",
            "(number of batches - 1)",
        ),
        (
            "squared norm of the mean difference",
            """
def gradient_noise(grad_fn, n, batches):
    g = grad_fn(np.arange(n))
    diff = np.mean([grad_fn(idx) - g for idx in batches], axis=0)
    return float(np.sum(diff ** 2))
""",
            "the squared norm of the mean difference",
        ),
    ],
    "momentum_step": [
        (
            "velocity adds the gradient",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        velocity[name] = beta * velocity[name] + eta * grads[name]
        p += velocity[name]
""",
            "the wrong sign",
        ),
        (
            "plain step, velocity ignored",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        p -= eta * grads[name]
""",
            "velocity dict still holds zeros",
        ),
        (
            "new velocity kept in a local variable only",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        v = beta * velocity[name] - eta * grads[name]
        p += v
""",
            "velocity dict still holds zeros",
        ),
        (
            "parameters moved with the old velocity",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        p += velocity[name]
        velocity[name] = beta * velocity[name] - eta * grads[name]
""",
            "the old velocity",
        ),
        (
            "(1 - beta) on the gradient",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        velocity[name] = beta * velocity[name] - (1 - beta) * eta * grads[name]
        p += velocity[name]
""",
            "a (1 - beta) factor",
        ),
        (
            "parameter arrays replaced",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name in params:
        velocity[name] = beta * velocity[name] - eta * grads[name]
        params[name] = params[name] + velocity[name]
""",
            "replaced, not updated in place",
        ),
        (
            "the other convention",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        velocity[name] = beta * velocity[name] + grads[name]
        p -= eta * velocity[name]
""",
            "other convention",
        ),
        (
            "gradient scaled in place",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        g = grads[name]
        g *= eta
        velocity[name] = beta * velocity[name] - g
        p += velocity[name]
""",
            "changed its input `grads` in place",
        ),
        (
            "parameters rebound",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        velocity[name] = beta * velocity[name] - eta * grads[name]
        p = p + velocity[name]
""",
            "parameters that never changed",
        ),
        (
            "velocity stored with the opposite sign",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        velocity[name] = beta * velocity[name] + eta * grads[name]
        p -= velocity[name]
""",
            "a velocity with the opposite sign",
        ),
        (
            "eta applied to the parameter step",
            """
def momentum_step(params, grads, velocity, eta, beta):
    for name, p in params.items():
        velocity[name] = beta * velocity[name] - grads[name]
        p += eta * velocity[name]
""",
            "eta applied when moving p",
        ),
    ],
    "step_schedule": [
        (
            "decays every epoch",
            """
def step_schedule(eta0, drop, every):
    def eta(t):
        return eta0 * drop ** t
    return eta
""",
            "a decay at every epoch",
        ),
        (
            "drops one epoch early",
            """
def step_schedule(eta0, drop, every):
    def eta(t):
        return eta0 * drop ** ((t + 1) // every)
    return eta
""",
            "one epoch too early",
        ),
        (
            "rounds instead of floor",
            """
def step_schedule(eta0, drop, every):
    def eta(t):
        return eta0 * drop ** round(t / every)
    return eta
""",
            "rounding t / every",
        ),
        (
            "remainder instead of quotient",
            """
def step_schedule(eta0, drop, every):
    def eta(t):
        return eta0 * drop ** (t % every)
    return eta
""",
            "t % every",
        ),
        (
            "returns a number, not a function",
            """
def step_schedule(eta0, drop, every):
    return eta0
""",
            "should return a function",
        ),
        (
            "times instead of power",
            """
def step_schedule(eta0, drop, every):
    def eta(t):
        return eta0 * drop * (t // every)
    return eta
""",
            "drop * (t // every) instead of drop ** (t // every)",
        ),
        (
            "1 - drop as the factor",
            """
def step_schedule(eta0, drop, every):
    def eta(t):
        return eta0 * (1 - drop) ** (t // every)
    return eta
""",
            "(1 - drop) as the factor",
        ),
        (
            "first drop at t = 0",
            """
def step_schedule(eta0, drop, every):
    def eta(t):
        return eta0 * drop ** (t // every + 1)
    return eta
""",
            "a first drop already at t = 0",
        ),
        (
            "a rate kept between calls",
            """
def step_schedule(eta0, drop, every):
    rate = [eta0]
    def eta(t):
        if t > 0 and t % every == 0:
            rate[0] *= drop
        return rate[0]
    return eta
""",
            "keeps state between calls",
        ),
    ],
}
