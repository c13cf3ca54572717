"""Plausible wrong answers for notebook 10, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "nesterov_step": [
        (
            "classical momentum",
            """
def nesterov_step(params, grads, velocity, eta, beta):
    for k, p in params.items():
        velocity[k] = beta * velocity[k] - eta * grads[k]
        p += velocity[k]
""",
            "classical momentum",
        ),
        (
            "wrong sign",
            """
def nesterov_step(params, grads, velocity, eta, beta):
    for k, p in params.items():
        velocity[k] = beta * velocity[k] + eta * grads[k]
        p += beta * velocity[k] + eta * grads[k]
""",
            "the wrong sign",
        ),
        (
            "gradient term left out",
            """
def nesterov_step(params, grads, velocity, eta, beta):
    for k, p in params.items():
        velocity[k] = beta * velocity[k] - eta * grads[k]
        p += beta * velocity[k]
""",
            "a missing gradient term",
        ),
        (
            "(1 + beta) v",
            """
def nesterov_step(params, grads, velocity, eta, beta):
    for k, p in params.items():
        velocity[k] = beta * velocity[k] - eta * grads[k]
        p += (1 + beta) * velocity[k]
""",
            "(1 + beta) * v",
        ),
        (
            "the other form of momentum",
            """
def nesterov_step(params, grads, velocity, eta, beta):
    for k, p in params.items():
        velocity[k] = beta * velocity[k] + grads[k]
        p -= eta * (grads[k] + beta * velocity[k])
""",
            "the other form of momentum",
        ),
        (
            "parameters rebound, not updated",
            """
def nesterov_step(params, grads, velocity, eta, beta):
    for k, p in params.items():
        velocity[k] = beta * velocity[k] - eta * grads[k]
        p = p + beta * velocity[k] - eta * grads[k]
""",
            "parameters that never changed",
        ),
    ],
    "rmsprop_step": [
        (
            "eps inside the square root",
            """
def rmsprop_step(params, grads, cache, eta, beta, eps):
    for k, p in params.items():
        cache[k] = beta * cache[k] + (1 - beta) * grads[k] ** 2
        p -= eta * grads[k] / np.sqrt(cache[k] + eps)
""",
            "eps inside the square root",
        ),
        (
            "cache updated after the step",
            """
def rmsprop_step(params, grads, cache, eta, beta, eps):
    for k, p in params.items():
        p -= eta * grads[k] / (np.sqrt(cache[k]) + eps)
        cache[k] = beta * cache[k] + (1 - beta) * grads[k] ** 2
""",
            "the cache updated after the step",
        ),
        (
            "AdaGrad sum",
            """
def rmsprop_step(params, grads, cache, eta, beta, eps):
    for k, p in params.items():
        cache[k] += grads[k] ** 2
        p -= eta * grads[k] / (np.sqrt(cache[k]) + eps)
""",
            "never decays (AdaGrad)",
        ),
        (
            "beta and 1 - beta swapped",
            """
def rmsprop_step(params, grads, cache, eta, beta, eps):
    for k, p in params.items():
        cache[k] = (1 - beta) * cache[k] + beta * grads[k] ** 2
        p -= eta * grads[k] / (np.sqrt(cache[k]) + eps)
""",
            "beta and 1 - beta swapped",
        ),
        (
            "no square root",
            """
def rmsprop_step(params, grads, cache, eta, beta, eps):
    for k, p in params.items():
        cache[k] = beta * cache[k] + (1 - beta) * grads[k] ** 2
        p -= eta * grads[k] / (cache[k] + eps)
""",
            "a missing square root",
        ),
        (
            "cache kept in a local name",
            """
def rmsprop_step(params, grads, cache, eta, beta, eps):
    for k, p in params.items():
        s = beta * cache[k] + (1 - beta) * grads[k] ** 2
        p -= eta * grads[k] / (np.sqrt(s) + eps)
""",
            "the cache still holds zeros",
        ),
    ],
    "adam_step": [
        (
            "no bias correction",
            """
def adam_step(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    for k, p in params.items():
        g = grads[k]
        state["m"][k] = beta1 * state["m"][k] + (1 - beta1) * g
        state["s"][k] = beta2 * state["s"][k] + (1 - beta2) * g**2
        p -= eta * state["m"][k] / (np.sqrt(state["s"][k]) + eps)
""",
            "no bias correction",
        ),
        (
            "t counted from 0",
            """
def adam_step(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"]
    for k, p in params.items():
        g = grads[k]
        state["m"][k] = beta1 * state["m"][k] + (1 - beta1) * g
        state["s"][k] = beta2 * state["s"][k] + (1 - beta2) * g**2
        m_hat = state["m"][k] / (1 - beta1**t)
        s_hat = state["s"][k] / (1 - beta2**t)
        p -= eta * m_hat / (np.sqrt(s_hat) + eps)
    state["t"] = t + 1
""",
            "t counted from 0",
        ),
        (
            "beta1 and beta2 swapped",
            """
def adam_step(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for k, p in params.items():
        g = grads[k]
        state["m"][k] = beta2 * state["m"][k] + (1 - beta2) * g
        state["s"][k] = beta1 * state["s"][k] + (1 - beta1) * g**2
        m_hat = state["m"][k] / (1 - beta2**t)
        s_hat = state["s"][k] / (1 - beta1**t)
        p -= eta * m_hat / (np.sqrt(s_hat) + eps)
""",
            "beta1 and beta2 swapped",
        ),
        (
            "t never stored",
            """
def adam_step(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] + 1
    for k, p in params.items():
        g = grads[k]
        state["m"][k] = beta1 * state["m"][k] + (1 - beta1) * g
        state["s"][k] = beta2 * state["s"][k] + (1 - beta2) * g**2
        m_hat = state["m"][k] / (1 - beta1**t)
        s_hat = state["s"][k] / (1 - beta2**t)
        p -= eta * m_hat / (np.sqrt(s_hat) + eps)
""",
            "a t that never grows",
        ),
        (
            "corrected moments stored",
            """
def adam_step(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for k, p in params.items():
        g = grads[k]
        m = beta1 * state["m"][k] + (1 - beta1) * g
        s = beta2 * state["s"][k] + (1 - beta2) * g**2
        state["m"][k] = m / (1 - beta1**t)
        state["s"][k] = s / (1 - beta2**t)
        p -= eta * state["m"][k] / (np.sqrt(state["s"][k]) + eps)
""",
            "the corrected m_hat and s_hat stored in the state",
        ),
        (
            "eps inside the square root",
            """
def adam_step(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for k, p in params.items():
        g = grads[k]
        state["m"][k] = beta1 * state["m"][k] + (1 - beta1) * g
        state["s"][k] = beta2 * state["s"][k] + (1 - beta2) * g**2
        m_hat = state["m"][k] / (1 - beta1**t)
        s_hat = state["s"][k] / (1 - beta2**t)
        p -= eta * m_hat / np.sqrt(s_hat + eps)
""",
            "eps inside the square root",
        ),
    ],
    "random_restarts": [
        (
            "the last restart",
            """
def random_restarts(f, grad, low, high, n_starts, eta, steps, seed):
    rng = np.random.default_rng(seed)
    starts = rng.uniform(low, high, size=(n_starts, len(low)))
    for w in starts:
        for _ in range(steps):
            w = w - eta * grad(w)
    return w, float(f(w))
""",
            "the last restart's end point",
        ),
        (
            "the highest f",
            """
def random_restarts(f, grad, low, high, n_starts, eta, steps, seed):
    rng = np.random.default_rng(seed)
    starts = rng.uniform(low, high, size=(n_starts, len(low)))
    ends = []
    for w in starts:
        for _ in range(steps):
            w = w - eta * grad(w)
        ends.append(w)
    values = [f(w) for w in ends]
    i = int(np.argmax(values))
    return ends[i], float(values[i])
""",
            "the restart with the highest f",
        ),
        (
            "best start chosen before descending",
            """
def random_restarts(f, grad, low, high, n_starts, eta, steps, seed):
    rng = np.random.default_rng(seed)
    starts = rng.uniform(low, high, size=(n_starts, len(low)))
    w = min(starts, key=f)
    for _ in range(steps):
        w = w - eta * grad(w)
    return w, float(f(w))
""",
            "one descent from the best starting point",
        ),
        (
            "generator re-created for every restart",
            """
def random_restarts(f, grad, low, high, n_starts, eta, steps, seed):
    best = None
    for _ in range(n_starts):
        w = np.random.default_rng(seed).uniform(low, high)
        for _ in range(steps):
            w = w - eta * grad(w)
        if best is None or f(w) < best[1]:
            best = (w, float(f(w)))
    return best
""",
            "the same start for every restart",
        ),
        (
            "global random state",
            """
def random_restarts(f, grad, low, high, n_starts, eta, steps, seed):
    np.random.seed(seed)
    best = None
    for _ in range(n_starts):
        w = np.random.uniform(low, high)
        for _ in range(steps):
            w = w - eta * grad(w)
        if best is None or f(w) < best[1]:
            best = (w, float(f(w)))
    return best
""",
            "used numpy's global random state",
        ),
        (
            "no descent",
            """
def random_restarts(f, grad, low, high, n_starts, eta, steps, seed):
    rng = np.random.default_rng(seed)
    starts = rng.uniform(low, high, size=(n_starts, len(low)))
    values = [f(w) for w in starts]
    i = int(np.argmin(values))
    return starts[i], float(values[i])
""",
            "the best starting point, not the end of its descent",
        ),
    ],
    "cyclical_lr": [
        (
            "sawtooth",
            """
def cyclical_lr(eta_min, eta_max, period, decay=1.0):
    def eta(t):
        phase = (t % period) / period
        return eta_min + (eta_max - eta_min) * decay ** (t // period) * phase
    return eta
""",
            "a sawtooth",
        ),
        (
            "starts at eta_max",
            """
def cyclical_lr(eta_min, eta_max, period, decay=1.0):
    def eta(t):
        phase = (t % period) / period
        return eta_min + (eta_max - eta_min) * decay ** (t // period) * abs(2 * phase - 1)
    return eta
""",
            "a cycle that starts at eta_max",
        ),
        (
            "period read as half a cycle",
            """
def cyclical_lr(eta_min, eta_max, period, decay=1.0):
    def eta(t):
        phase = (t % (2 * period)) / (2 * period)
        height = 1 - abs(2 * phase - 1)
        return eta_min + (eta_max - eta_min) * decay ** (t // (2 * period)) * height
    return eta
""",
            "a period read as a half cycle",
        ),
        (
            "decay at every step",
            """
def cyclical_lr(eta_min, eta_max, period, decay=1.0):
    def eta(t):
        phase = (t % period) / period
        return eta_min + (eta_max - eta_min) * decay**t * (1 - abs(2 * phase - 1))
    return eta
""",
            "a decay at every step",
        ),
        (
            "decay ignored",
            """
def cyclical_lr(eta_min, eta_max, period, decay=1.0):
    def eta(t):
        phase = (t % period) / period
        return eta_min + (eta_max - eta_min) * (1 - abs(2 * phase - 1))
    return eta
""",
            "decay ignored",
        ),
        (
            "a stateful schedule",
            """
def cyclical_lr(eta_min, eta_max, period, decay=1.0):
    calls = []
    def eta(t):
        calls.append(t)
        k = len(calls) - 1
        phase = (k % period) / period
        return eta_min + (eta_max - eta_min) * decay ** (k // period) * (1 - abs(2 * phase - 1))
    return eta
""",
            "keeps state between calls",
        ),
    ],
}
