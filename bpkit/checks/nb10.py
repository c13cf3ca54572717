"""Visible checks for notebook 10: beyond plain SGD (Nesterov, RMSprop, Adam, restarts, cycles).

One function per exercise. The three update rules run several steps on live dicts (the student
updates them in place, as an optimizer updates a model's arrays), with eta changing mid-run, and
every step is compared with bpkit's formulas and with the named mistakes replayed on the same
inputs. References are computed only after the call they judge, in helpers.

The keyword arguments let the hidden tests run the same checks on other shapes, seeds and
hyper-parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import WRONG_SIGN, call, expect, expect_close, guard, passed
from bpkit.checks._messages import schedule_values

_asarray = np.asarray
_concatenate = np.concatenate
_default_rng = np.random.default_rng
_sqrt = np.sqrt
_zeros_like = np.zeros_like
_errstate = np.errstate
_cos = np.cos
_pi = np.pi
_type = object.__class__

_global_draw = np.random.random_sample  # noqa: NPY002 - only to move the global state on


def _stir_global_rng() -> None:
    """Move numpy's global random state on by one draw before calling a seed-taking answer.

    An answer that runs ``np.random.seed(seed)`` and draws leaves the same global state every
    time it runs with that seed, so the next call would look as if it never touched it; one
    draw in between lets the GLOBAL_RNG rule of ``call`` see every such call.
    """
    _global_draw()


StepCase = tuple[str, int, dict[str, tuple[int, ...]], tuple[float, ...], float, float]


def _flat(d: dict) -> np.ndarray:
    return _concatenate([_asarray(d[k], dtype=float).ravel() for k in sorted(d)])


def _case(seed: int, shapes: dict[str, tuple[int, ...]], steps: int, scale: float = 1.0):
    """Parameters and one gradient dict per step; gradients of mixed sizes per parameter."""
    g = _default_rng(seed)
    params = {k: g.standard_normal(s) for k, s in shapes.items()}
    sizes = {k: scale * 10.0 ** float(g.integers(-1, 2)) for k in shapes}
    grads = [{k: sizes[k] * g.standard_normal(s) for k, s in shapes.items()} for _ in range(steps)]
    return params, grads


def _check_in_place(what: str, p: dict, p_ids: dict) -> None:
    expect(
        all(id(p[k]) == p_ids[k] for k in p),
        f"{what}: the parameter arrays were replaced, not updated in place. Write "
        "params[k] -= ... (or params[k][...] = ...) so the model that owns the arrays sees "
        "the change.",
    )


def _unchanged(p: dict, params: dict) -> bool:
    x, y = _flat(p), _flat(params)
    return x.shape == y.shape and bool((abs(x - y) <= 1e-12 * (1 + abs(y))).all())


# ----- exercise 1: Nesterov momentum ----------------------------------------------------------
def _replay_nesterov(params, grads_seq, etas, beta, variant=""):
    p = {k: v.copy() for k, v in params.items()}
    v = {k: _zeros_like(a) for k, a in p.items()}
    u = {k: _zeros_like(a) for k, a in p.items()}  # the other form's buffer
    for grads, eta in zip(grads_seq, etas, strict=False):
        for k in p:
            g = grads[k]
            v_old = v[k]
            v[k] = beta * v_old - eta * g
            if variant == "":
                p[k] = p[k] + beta * v[k] - eta * g
            elif variant == "classical":
                p[k] = p[k] + v[k]
            elif variant == "no_g":
                p[k] = p[k] + beta * v[k]
            elif variant == "one_plus_beta":
                p[k] = p[k] + (1 + beta) * v[k]
            elif variant == "sign":
                v[k] = beta * v_old + eta * g
                p[k] = p[k] + beta * v[k] + eta * g
            elif variant == "plain":
                p[k] = p[k] - eta * g
            elif variant == "other_form":
                u[k] = beta * u[k] + g
                p[k] = p[k] - eta * (g + beta * u[k])
    return p, v


NESTEROV_CASES: tuple[StepCase, ...] = (
    ("W (3, 2) and b (3,), 4 steps, eta 0.1 then 0.05", 0, {"W": (3, 2), "b": (3,)},
     (0.1, 0.1, 0.05, 0.05), 0.9, 0.0),
    ("one vector, beta = 0.5, 3 steps", 1, {"w": (4,)}, (0.3, 0.3, 0.3), 0.5, 0.0),
)  # fmt: skip


def nesterov_step(student_fn: Callable[..., Any], *, cases: Sequence[StepCase] = NESTEROV_CASES):
    """Check ``nesterov_step(params, grads, velocity, eta, beta)`` over several steps.

    Convention: ``v <- beta * v - eta * g``, then ``p <- p + beta * v - eta * g`` (new v),
    in place, with the velocity dict starting at zeros.
    """
    guard()
    for name, seed, shapes, etas, beta, _ in cases:
        params, grads_seq = _case(seed, shapes, len(etas))
        what = f"nesterov_step, case '{name}'"
        p = {k: a.copy() for k, a in params.items()}
        v = {k: _zeros_like(a) for k, a in p.items()}
        p_ids = {k: id(a) for k, a in p.items()}
        for step, (grads, eta) in enumerate(zip(grads_seq, etas, strict=True), start=1):
            call(
                lambda grads, p=p, v=v, eta=eta: student_fn(p, grads, v, eta, beta),  # noqa: B023
                grads,
                what=what,
            )
            _check_in_place(what, p, p_ids)
            _compare_nesterov(what, step, p, v, params, grads_seq[:step], etas[:step], beta)
    passed("nesterov_step")


def _compare_nesterov(what, step, p, v, params, grads_seq, etas, beta) -> None:
    # After one step, classical momentum and a plain step both give p - eta * g; the second
    # step tells them apart, so such a p is judged there.
    first = _flat(_replay_nesterov(params, grads_seq, etas, beta, "plain")[0])
    if (
        step == 1
        and _flat(p).shape == first.shape
        and bool((abs(_flat(p) - first) <= 1e-9 + 1e-7 * abs(first)).all())
    ):
        return
    ref_p, ref_v = _replay_nesterov(params, grads_seq, etas, beta)
    expect(
        bool((_flat(v) != 0).any()),
        f"{what}: after step {step} the velocity dict still holds zeros. Store the new "
        "velocity: velocity[k] = beta * velocity[k] - eta * grads[k] (or update it in place).",
    )
    mistakes = {
        label: _flat(_replay_nesterov(params, grads_seq, etas, beta, variant)[0])
        for label, variant in (
            (
                "classical momentum (p <- p + v): Nesterov moves by the look-ahead, "
                "p <- p + beta * v - eta * g, with the new v",
                "classical",
            ),
            ("a missing gradient term: p <- p + beta * v - eta * g, not p + beta * v", "no_g"),
            (
                "(1 + beta) * v: the gradient enters the move once through v and once on its "
                "own, p <- p + beta * v - eta * g",
                "one_plus_beta",
            ),
            (WRONG_SIGN + " (v <- beta * v - eta * g, p <- p + beta * v - eta * g)", "sign"),
            ("a plain gradient step that ignores the velocity", "plain"),
            (
                "the other form of momentum (u <- beta * u + g, p <- p - eta * (g + beta * u)), "
                "which agrees only while eta is constant; this notebook's velocity keeps eta "
                "inside, v <- beta * v - eta * g",
                "other_form",
            ),
        )
    }
    mistakes[
        "parameters that never changed: `p = p + ...` only rebinds a name; update the array "
        "in place, params[k] += ..."
    ] = _flat(params)
    expect_close(f"{what}: the parameters after step {step}", _flat(p), _flat(ref_p),
                 mistakes=mistakes)  # fmt: skip
    expect_close(
        f"{what}: the velocity stored at step {step}",
        _flat(v),
        _flat(ref_v),
        mistakes={
            "the other form of momentum (a velocity without eta, u <- beta * u + g): this "
            "notebook stores v <- beta * v - eta * g": _flat(_replay_other_u(grads_seq, beta)),
            "a velocity with the opposite sign: store v <- beta * v - eta * g": -_flat(ref_v),
        },
        hint="Store the new velocity in the dict: velocity[k] = beta * velocity[k] - "
        "eta * grads[k].",
    )


def _replay_other_u(grads_seq, beta):
    u = {k: _zeros_like(a) for k, a in grads_seq[0].items()}
    for grads in grads_seq:
        for k in u:
            u[k] = beta * u[k] + grads[k]
    return u


# ----- exercise 2: RMSprop --------------------------------------------------------------------
def _replay_rmsprop(params, grads_seq, etas, beta, eps, variant=""):
    p = {k: a.copy() for k, a in params.items()}
    s = {k: _zeros_like(a) for k, a in p.items()}
    with _errstate(all="ignore"):
        for grads, eta in zip(grads_seq, etas, strict=False):
            for k in p:
                g = grads[k]
                s_old = s[k]
                if variant == "adagrad":
                    s[k] = s_old + g * g
                elif variant == "swapped":
                    s[k] = (1 - beta) * s_old + beta * g * g
                elif variant == "no_memory":
                    s[k] = (1 - beta) * g * g
                else:
                    s[k] = beta * s_old + (1 - beta) * g * g
                if variant == "eps_inside":
                    p[k] = p[k] - eta * g / _sqrt(s[k] + eps)
                elif variant == "after":
                    p[k] = p[k] - eta * g / (_sqrt(s_old) + eps)
                elif variant == "no_sqrt":
                    p[k] = p[k] - eta * g / (s[k] + eps)
                elif variant == "sign":
                    p[k] = p[k] + eta * g / (_sqrt(s[k]) + eps)
                elif variant == "eps_squared":
                    p[k] = p[k] - eta * g / _sqrt(s[k] + eps * eps)
                else:
                    p[k] = p[k] - eta * g / (_sqrt(s[k]) + eps)
    return p, s


RMSPROP_CASES: tuple[StepCase, ...] = (
    ("eps = 0.1 and small gradients, 4 steps, eta 0.01 then 0.02", 2, {"W": (2, 3), "b": (2,)},
     (0.01, 0.01, 0.02, 0.02), 0.9, 0.1),
    ("one vector, beta = 0.99, eps = 1e-8, 3 steps", 3, {"w": (5,)}, (0.001,) * 3, 0.99, 1e-8),
)  # fmt: skip


def rmsprop_step(student_fn: Callable[..., Any], *, cases: Sequence[StepCase] = RMSPROP_CASES):
    """Check ``rmsprop_step(params, grads, cache, eta, beta, eps)`` over several steps.

    Convention: ``s <- beta * s + (1 - beta) * g**2``, then
    ``p <- p - eta * g / (sqrt(s) + eps)``, in place; ``cache`` starts at zeros.
    """
    guard()
    for name, seed, shapes, etas, beta, eps in cases:
        params, grads_seq = _case(seed, shapes, len(etas), scale=eps if eps > 1e-3 else 1.0)
        what = f"rmsprop_step, case '{name}'"
        p = {k: a.copy() for k, a in params.items()}
        s = {k: _zeros_like(a) for k, a in p.items()}
        p_ids = {k: id(a) for k, a in p.items()}
        for step, (grads, eta) in enumerate(zip(grads_seq, etas, strict=True), start=1):
            call(
                lambda grads, p=p, s=s, eta=eta: student_fn(p, grads, s, eta, beta, eps),  # noqa: B023
                grads,
                what=what,
            )
            _check_in_place(what, p, p_ids)
            _compare_rmsprop(what, step, p, s, params, grads_seq[:step], etas[:step], beta, eps)
    passed("rmsprop_step")


def _compare_rmsprop(what, step, p, s, params, grads_seq, etas, beta, eps) -> None:
    ref_p, ref_s = _replay_rmsprop(params, grads_seq, etas, beta, eps)
    expect(
        bool((_flat(s) != 0).any()),
        f"{what}: after step {step} the cache still holds zeros. Store the running mean: "
        "cache[k] = beta * cache[k] + (1 - beta) * grads[k] ** 2 (or update it in place).",
    )
    labels = (
        ("eps inside the square root, sqrt(s + eps): this notebook adds eps outside, "
         "g / (sqrt(s) + eps)", "eps_inside"),
        ("eps squared inside the square root, sqrt(s + eps**2): add eps outside, "
         "g / (sqrt(s) + eps)", "eps_squared"),
        ("the cache updated after the step: the step divided by the previous cache. Update "
         "the cache first, then step with the new one", "after"),
        ("a sum of squared gradients that never decays (AdaGrad): keep a running mean, "
         "s <- beta * s + (1 - beta) * g**2", "adagrad"),
        ("beta and 1 - beta swapped: the old cache keeps the fraction beta, "
         "s <- beta * s + (1 - beta) * g**2", "swapped"),
        ("a cache without memory: add the new g**2 to the stored cache, "
         "s <- beta * s + (1 - beta) * g**2", "no_memory"),
        ("a missing square root: divide by sqrt(s) + eps", "no_sqrt"),
        (WRONG_SIGN + " (p <- p - eta * g / (sqrt(s) + eps))", "sign"),
    )  # fmt: skip
    mistakes = {
        label: _flat(_replay_rmsprop(params, grads_seq, etas, beta, eps, variant)[0])
        for label, variant in labels
    }
    mistakes["parameters that never changed: update the arrays in place, params[k] -= ..."] = _flat(
        params
    )
    expect_close(f"{what}: the parameters after step {step}", _flat(p), _flat(ref_p),
                 mistakes=mistakes, rtol=1e-7, atol=1e-10)  # fmt: skip
    expect_close(
        f"{what}: the cache stored at step {step}",
        _flat(s),
        _flat(ref_s),
        mistakes={
            label: _flat(_replay_rmsprop(params, grads_seq, etas, beta, eps, variant)[1])
            for label, variant in labels
            if variant in ("adagrad", "swapped", "no_memory")
        },
        hint="Store the running mean: cache[k] = beta * cache[k] + (1 - beta) * grads[k] ** 2.",
    )


# ----- exercise 3: Adam -----------------------------------------------------------------------
AdamCase = tuple[str, int, dict[str, tuple[int, ...]], tuple[float, ...], float, float, float]


def _replay_adam(params, grads_seq, etas, b1, b2, eps, variant=""):
    if variant == "swapped":
        b1, b2 = b2, b1
    p = {k: a.copy() for k, a in params.items()}
    m = {k: _zeros_like(a) for k, a in p.items()}
    s = {k: _zeros_like(a) for k, a in p.items()}
    with _errstate(all="ignore"):
        for t, (grads, eta) in enumerate(zip(grads_seq, etas, strict=False), start=1):
            tc = {"t0": t - 1, "t_stuck": 1}.get(variant, t)
            for k in p:
                g = grads[k]
                m[k] = b1 * m[k] + (1 - b1) * g
                s[k] = b2 * s[k] + (1 - b2) * g * g
                m_hat = m[k] / (1 - b1**tc)
                s_hat = s[k] / (1 - b2**tc)
                if variant == "no_correction":
                    m_hat, s_hat = m[k], s[k]
                elif variant == "m_only":
                    s_hat = s[k]
                elif variant == "s_only":
                    m_hat = m[k]
                if variant == "eps_inside":
                    step = m_hat / _sqrt(s_hat + eps)
                else:
                    step = m_hat / (_sqrt(s_hat) + eps)
                p[k] = p[k] + eta * step if variant == "sign" else p[k] - eta * step
                if variant == "stored_hat":
                    m[k], s[k] = m_hat, s_hat
    return p, m, s


ADAM_CASES: tuple[AdamCase, ...] = (
    ("W (3, 2) and b (3,), betas (0.8, 0.95), eps = 0.05, 4 steps, eta 0.1 then 0.03", 4,
     {"W": (3, 2), "b": (3,)}, (0.1, 0.1, 0.03, 0.03), 0.8, 0.95, 0.05),
    ("one vector, the default betas (0.9, 0.999), eps = 1e-8, 3 steps", 5, {"w": (4,)},
     (0.01, 0.01, 0.01), 0.9, 0.999, 1e-8),
)  # fmt: skip


def adam_step(student_fn: Callable[..., Any], *, cases: Sequence[AdamCase] = ADAM_CASES):
    """Check ``adam_step(params, grads, state, eta, beta1, beta2, eps)`` over several steps.

    ``state = {"t": 0, "m": {k: zeros}, "s": {k: zeros}}``. Convention: ``t <- t + 1`` first;
    ``m <- beta1 m + (1 - beta1) g``; ``s <- beta2 s + (1 - beta2) g**2``;
    ``p <- p - eta * m_hat / (sqrt(s_hat) + eps)`` with ``m_hat = m / (1 - beta1**t)`` and
    ``s_hat = s / (1 - beta2**t)``.
    """
    guard()
    for name, seed, shapes, etas, b1, b2, eps in cases:
        params, grads_seq = _case(seed, shapes, len(etas), scale=eps if eps > 1e-3 else 1.0)
        what = f"adam_step, case '{name}'"
        p = {k: a.copy() for k, a in params.items()}
        state = {"t": 0, "m": {k: _zeros_like(a) for k, a in p.items()},
                 "s": {k: _zeros_like(a) for k, a in p.items()}}  # fmt: skip
        p_ids = {k: id(a) for k, a in p.items()}
        for step, (grads, eta) in enumerate(zip(grads_seq, etas, strict=True), start=1):
            call(
                lambda grads, p=p, st=state, eta=eta: student_fn(p, grads, st, eta, b1, b2, eps),  # noqa: B023
                grads,
                what=what,
            )
            _check_in_place(what, p, p_ids)
            _compare_adam(what, step, p, state, params, grads_seq[:step], etas[:step], b1, b2, eps)
    passed("adam_step")


def _compare_adam(what, step, p, state, params, grads_seq, etas, b1, b2, eps) -> None:
    ref_p, ref_m, ref_s = _replay_adam(params, grads_seq, etas, b1, b2, eps)
    t = state.get("t") if _type(state) is _type({}) else None
    ok_t = _type(t) in (_type(0), _type(0.0)) or isinstance(t, np.integer | np.floating)
    labels = (
        ("no bias correction: divide m by (1 - beta1**t) and s by (1 - beta2**t) before the "
         "step", "no_correction"),
        ("t counted from 0 in the bias correction (1 - beta**0 = 0): increase state['t'] "
         "first, so the first step uses t = 1", "t0"),
        ("a t that never grows: every step corrected with t = 1. Store the new count, "
         "state['t'] += 1", "t_stuck"),
        ("beta1 and beta2 swapped: beta1 (about 0.9) averages the gradients in m, beta2 "
         "(about 0.999) the squared gradients in s", "swapped"),
        ("a bias correction of m only: s needs its own, s / (1 - beta2**t)", "m_only"),
        ("a bias correction of s only: m needs its own, m / (1 - beta1**t)", "s_only"),
        ("eps inside the square root: this notebook adds eps outside, "
         "m_hat / (sqrt(s_hat) + eps)", "eps_inside"),
        ("the corrected m_hat and s_hat stored in the state: keep the raw averages m and s "
         "in the state, and correct a copy for the step", "stored_hat"),
        (WRONG_SIGN + " (p <- p - eta * m_hat / (sqrt(s_hat) + eps))", "sign"),
    )  # fmt: skip
    mistakes = {
        label: _flat(_replay_adam(params, grads_seq, etas, b1, b2, eps, variant)[0])
        for label, variant in labels
    }
    mistakes["parameters that never changed: update the arrays in place, params[k] -= ..."] = _flat(
        params
    )
    expect_close(f"{what}: the parameters after step {step}", _flat(p), _flat(ref_p),
                 mistakes=mistakes)  # fmt: skip
    stuck = " It looks like a t that never grows (counted but not stored)." if t == 0 else ""
    expect(
        ok_t and t == step,
        f"{what}: state['t'] is {t!r} after {step} step(s); it counts the updates made, so "
        f"it should be {step}.{stuck} Start each call with state['t'] += 1.",
    )
    for i, (key, ref) in enumerate((("m", ref_m), ("s", ref_s)), start=1):
        got = state.get(key)
        expect(
            _type(got) is _type({}) and set(got) == set(ref),
            f"{what}: state[{key!r}] should stay a dict with the keys {sorted(ref)}.",
        )
        wrong = {}
        for label, variant in labels:
            if variant in ("swapped", "stored_hat"):
                wrong[label] = _flat(_replay_adam(params, grads_seq, etas, b1, b2, eps, variant)[i])
        expect_close(
            f"{what}: state[{key!r}] after step {step}",
            _flat(got),
            _flat(ref),
            mistakes=wrong,
            hint=f"Store the raw running average in state[{key!r}][k] (before the correction).",
        )


# ----- exercise 4: random restarts ------------------------------------------------------------
def _wells(w: Any, tilt: tuple[float, ...]) -> Any:
    """A sum of tilted double wells, one per coordinate: 2**d minima of different depths."""
    w = _asarray(w, dtype=float)
    return ((w * w - 1.0) ** 2 + _asarray(tilt) * w).sum(axis=-1)


def _wells_grad(w: Any, tilt: tuple[float, ...]) -> Any:
    w = _asarray(w, dtype=float)
    return 4.0 * w * (w * w - 1.0) + _asarray(tilt)


RestartCase = tuple[str, tuple[float, ...], float, float, int, float, int, int]


def _descend(start, tilt, eta, steps):
    w = start.copy()
    for _ in range(steps):
        w = w - eta * _wells_grad(w, tilt)
    return w


def _replay_restarts(tilt, low, high, n_starts, eta, steps, seed, variant=""):
    d = len(tilt)
    lo, hi = np.full(d, low), np.full(d, high)
    starts = _default_rng(seed).uniform(lo, hi, size=(n_starts, d))
    if variant == "same_start":
        starts = np.repeat(starts[:1], n_starts, axis=0)
    if variant == "best_start":
        starts = starts[[int(_wells(starts, tilt).argmin())]]
    ends = np.array([_descend(s, tilt, eta, steps) for s in starts])
    values = _wells(ends, tilt)
    if variant == "no_descent":
        ends, values = starts, _wells(starts, tilt)
    pick = {"last": len(ends) - 1, "worst": int(values.argmax())}.get(variant, int(values.argmin()))
    return ends[pick], float(values[pick])


RESTART_CASES: tuple[RestartCase, ...] = (
    ("2-D, 6 restarts in [-2, 2]^2", (0.3, 0.5), -2.0, 2.0, 6, 0.02, 20, 6),
    ("3-D, 10 restarts in [-1.5, 1.5]^3", (0.4, -0.25, 0.6), -1.5, 1.5, 10, 0.02, 25, 2),
)


def random_restarts(
    student_fn: Callable[..., Any], *, cases: Sequence[RestartCase] = RESTART_CASES
) -> None:
    """Check ``random_restarts(f, grad, low, high, n_starts, eta, steps, seed)``.

    Starts ``rng.uniform(low, high, size=(n_starts, d))`` from ``rng = default_rng(seed)``;
    ``steps`` gradient steps from each; returns ``(w_best, f_best)`` of the lowest end point.
    """
    guard()
    for name, tilt, low, high, n_starts, eta, steps, seed in cases:
        d = len(tilt)
        what = (
            f"random_restarts(f, grad, low, high, n_starts={n_starts}, eta={eta}, "
            f"steps={steps}, seed={seed}), case '{name}'"
        )
        lo, hi = np.full(d, low), np.full(d, high)
        got = _run_restarts(student_fn, tilt, lo, hi, n_starts, eta, steps, seed, what)
        expect(
            isinstance(got, tuple | list) and len(got) == 2,
            f"{what} should return a pair (w_best, f_best), got {type(got).__name__}.",
        )
        w_best, f_best = got
        _compare_restarts(what, w_best, tilt, low, high, n_starts, eta, steps, seed)
        expect_close(
            f"{what}: f_best",
            f_best,
            float(_wells(_asarray(w_best, dtype=float), tilt)),
            hint="Return f_best = f(w_best), the value at the point you return.",
        )
        again = _run_restarts(student_fn, tilt, lo, hi, n_starts, eta, steps, seed, what)
        expect(
            isinstance(again, tuple | list) and len(again) == 2
            and _asarray(again[0]).shape == (d,)
            and bool((_asarray(again[0], dtype=float) == _asarray(w_best, dtype=float)).all()),
            f"{what}: a second call with the same seed returned another point. Draw the "
            "starts from rng = np.random.default_rng(seed), once per call.",
        )  # fmt: skip
    passed("random_restarts")


def _run_restarts(student_fn, tilt, lo, hi, n_starts, eta, steps, seed, what) -> Any:
    def f(w: Any) -> Any:
        return _wells(w, tilt)

    def grad(w: Any) -> Any:
        return _wells_grad(w, tilt)

    _stir_global_rng()
    return call(
        lambda lo, hi: student_fn(f, grad, lo, hi, n_starts, eta, steps, seed),
        lo,
        hi,
        what=what,
    )


def _compare_restarts(what, w_best, tilt, low, high, n_starts, eta, steps, seed) -> None:
    ref_w, _ = _replay_restarts(tilt, low, high, n_starts, eta, steps, seed)
    labels = (
        ("the last restart's end point, not the best: keep the one with the lowest f", "last"),
        ("the restart with the highest f: the best is the lowest loss (argmin)", "worst"),
        ("the best starting point, not the end of its descent: run `steps` gradient steps "
         "from every start, then compare the end points", "no_descent"),
        ("one descent from the best starting point: a start's value does not tell which "
         "basin ends lowest; descend from every start, then compare", "best_start"),
        ("the same start for every restart, or only the first restart kept (a generator "
         "re-created inside the loop?): create rng = np.random.default_rng(seed) once, draw "
         "all starts from it, and keep the end point with the lowest f", "same_start"),
    )  # fmt: skip
    expect_close(
        f"{what}: w_best",
        w_best,
        ref_w,
        mistakes={
            label: _replay_restarts(tilt, low, high, n_starts, eta, steps, seed, variant)[0]
            for label, variant in labels
        },
        rtol=1e-7,
        atol=1e-9,
        hint="Draw starts = rng.uniform(low, high, size=(n_starts, d)) with "
        "rng = np.random.default_rng(seed), run w <- w - eta * grad(w) `steps` times from each, "
        "and return the end point with the lowest f.",
    )


# ----- exercise 5: a cyclical learning rate ---------------------------------------------------
def _ref_cyclical(eta_min, eta_max, period, decay, t, variant=""):
    cycle, pos = divmod(t, period)
    phase = pos / period
    height = 1.0 - abs(2.0 * phase - 1.0)
    amp = (eta_max - eta_min) * decay**cycle
    if variant == "sawtooth":
        height = phase
    elif variant == "starts_high":
        height = abs(2.0 * phase - 1.0)
    elif variant == "half":
        cycle, pos = divmod(t, 2 * period)
        height = 1.0 - abs(2.0 * pos / (2 * period) - 1.0)
        amp = (eta_max - eta_min) * decay**cycle
    elif variant == "cosine":
        height = 0.5 * (1.0 - _cos(2.0 * _pi * phase))
    elif variant == "int_div":
        height = 0.0
    elif variant == "decay_each_step":
        amp = (eta_max - eta_min) * decay**t
    elif variant == "no_decay":
        amp = eta_max - eta_min
    elif variant == "decay_all":
        return (eta_min + (eta_max - eta_min) * height) * decay**cycle
    elif variant == "no_min":
        return eta_max * decay**cycle * height
    elif variant == "decay_from_1":
        amp = (eta_max - eta_min) * decay ** (cycle + 1)
    return eta_min + amp * height


CyclicalCase = tuple[float, float, int, float]


def cyclical_lr(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[CyclicalCase] = ((0.01, 0.1, 8, 1.0), (0.001, 0.5, 6, 0.5), (0.0, 1.0, 4, 0.8)),
    n: int = 30,
) -> None:
    """Check ``cyclical_lr(eta_min, eta_max, period, decay)`` returns the triangular schedule.

    ``eta(t) = eta_min + (eta_max - eta_min) * decay**(t // period) * (1 - |2 phase - 1|)`` with
    ``phase = (t % period) / period``: eta_min at t = 0, the peak at period / 2, eta_min again
    at t = period; each cycle's height is ``decay`` times the last one's.
    """
    guard()
    for eta_min, eta_max, period, decay in cases:
        what = f"cyclical_lr(eta_min={eta_min}, eta_max={eta_max}, period={period}, decay={decay})"
        sched = call(student_fn, eta_min, eta_max, period, decay, what=what)
        ts = list(range(n))
        got = schedule_values(sched, what, ts, unit="step")
        _compare_cyclical(what, got, eta_min, eta_max, period, decay, ts)
    passed("cyclical_lr")


def _compare_cyclical(what, got, eta_min, eta_max, period, decay, ts) -> None:
    def curve(variant: str = "") -> list[float]:
        return [_ref_cyclical(eta_min, eta_max, period, decay, t, variant) for t in ts]

    labels = (
        ("a sawtooth (a rise, then a jump back down): the rate must fall back as linearly as "
         "it rose, 1 - |2 * phase - 1|", "sawtooth"),
        ("a cycle that starts at eta_max: eta(0) must be eta_min, with the peak at period / 2",
         "starts_high"),
        ("a period read as a half cycle: one full cycle (up and down) takes `period` steps",
         "half"),
        ("a cosine, not a triangle: the rate goes up and down in straight lines", "cosine"),
        ("a rate stuck at eta_min: (t % period) // period is always 0; use true division, "
         "(t % period) / period", "int_div"),
        ("a decay at every step: the height shrinks by decay once per cycle, "
         "decay ** (t // period)", "decay_each_step"),
        ("decay ignored: each cycle's height (eta_max - eta_min) is multiplied by "
         "decay ** (t // period)", "no_decay"),
        ("decay applied to eta_min too: only the height above eta_min shrinks", "decay_all"),
        ("eta_min left out: the rate runs from eta_min up to eta_max, "
         "eta_min + (eta_max - eta_min) * ...", "no_min"),
        ("a decay already in the first cycle: the first cycle reaches eta_max, "
         "decay ** (t // period)", "decay_from_1"),
    )  # fmt: skip
    expected = curve()
    expect_close(
        f"{what}(t) for t = 0..{len(ts) - 1}",
        got,
        expected,
        mistakes={label: curve(v) for label, v in labels if not np.allclose(curve(v), expected)},
    )


__all__ = ["adam_step", "cyclical_lr", "nesterov_step", "random_restarts", "rmsprop_step"]
