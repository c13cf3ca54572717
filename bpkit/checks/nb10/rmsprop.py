"""nb10: exercise 2: RMSprop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bpkit.checks._core import WRONG_SIGN, call, expect, expect_close, guard, passed
from bpkit.checks.nb10._common import (
    NEVER_CHANGED,
    StepCase,
    _case,
    _check_in_place,
    _errstate,
    _flat,
    _sqrt,
    _zeros_like,
)

# ----- exercise 2: RMSprop --------------------------------------------------------------------
EPS_INSIDE = (
    "eps inside the square root, sqrt(s + eps): this notebook adds eps outside, g / (sqrt(s) + eps)"
)
EPS_SQUARED = (
    "eps squared inside the square root, sqrt(s + eps**2): add eps outside, g / (sqrt(s) + eps)"
)
AFTER = (
    "the cache updated after the step: the step divided by the previous cache. Update "
    "the cache first, then step with the new one"
)
ADAGRAD = (
    "a sum of squared gradients that never decays (AdaGrad): keep a running mean, "
    "s <- beta * s + (1 - beta) * g**2"
)
SWAPPED = (
    "beta and 1 - beta swapped: the old cache keeps the fraction beta, "
    "s <- beta * s + (1 - beta) * g**2"
)
NO_MEMORY = (
    "a cache without memory: add the new g**2 to the stored cache, "
    "s <- beta * s + (1 - beta) * g**2"
)
NO_SQRT = "a missing square root: divide by sqrt(s) + eps"
SIGN = WRONG_SIGN + " (p <- p - eta * g / (sqrt(s) + eps))"
CACHE_ZEROS = "the cache still holds zeros"


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


def _check_rmsprop_step(student_fn: Callable[..., Any], *, cases: Sequence[StepCase]) -> None:
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
        f"{what}: after step {step} {CACHE_ZEROS}. Store the running mean: "
        "cache[k] = beta * cache[k] + (1 - beta) * grads[k] ** 2 (or update it in place).",
    )
    labels = (
        (EPS_INSIDE, "eps_inside"),
        (EPS_SQUARED, "eps_squared"),
        (AFTER, "after"),
        (ADAGRAD, "adagrad"),
        (SWAPPED, "swapped"),
        (NO_MEMORY, "no_memory"),
        (NO_SQRT, "no_sqrt"),
        (SIGN, "sign"),
    )
    mistakes = {
        label: _flat(_replay_rmsprop(params, grads_seq, etas, beta, eps, variant)[0])
        for label, variant in labels
    }
    mistakes[NEVER_CHANGED] = _flat(params)
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
