"""Notebook 10 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bpkit import optim
from bpkit.checks import nb10 as checks
from bpkit.checks._core import CheckError
from bpkit_grader import judge

pytestmark = pytest.mark.nb10
EXERCISES = ["nesterov_step", "rmsprop_step", "adam_step", "random_restarts", "cyclical_lr"]


# ----- answers written with bpkit's own update rules pass -------------------------------------
def _nesterov_by_bpkit(params, grads, velocity, eta, beta):
    rule = optim.Nesterov(eta=eta, beta=beta)
    rule.state = {k: {"v": velocity[k]} for k in params}
    rule.step(params, grads)


def _rmsprop_by_bpkit(params, grads, cache, eta, beta, eps):
    rule = optim.RMSprop(eta=eta, beta=beta, eps=eps)
    rule.state = {k: {"s": cache[k]} for k in params}
    rule.step(params, grads)


def _adam_by_bpkit(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    rule = optim.Adam(eta=eta, beta1=beta1, beta2=beta2, eps=eps)
    rule.t = state["t"]
    rule.state = {k: {"m": state["m"][k], "s": state["s"][k]} for k in params}
    rule.step(params, grads)
    state["t"] = rule.t


def _cyclical_by_bpkit(eta_min, eta_max, period, decay=1.0):
    base = optim.cyclical_schedule(eta_min, eta_max, period)
    return lambda t: eta_min + (base(t) - eta_min) * decay ** (t // period)


def _restarts_vectorised(f, grad, low, high, n_starts, eta, steps, seed):
    W = np.random.default_rng(seed).uniform(low, high, size=(n_starts, len(low)))
    for _ in range(steps):
        W = W - eta * grad(W)
    values = f(W)
    i = int(np.argmin(values))
    return W[i], float(values[i])


BPKIT = {
    "nesterov_step": _nesterov_by_bpkit,
    "rmsprop_step": _rmsprop_by_bpkit,
    "adam_step": _adam_by_bpkit,
    "cyclical_lr": _cyclical_by_bpkit,
    "random_restarts": _restarts_vectorised,
}


@pytest.mark.parametrize("name", sorted(BPKIT))
def test_answers_built_on_bpkit_pass_both_checks(name: str) -> None:
    getattr(checks, name)(BPKIT[name])
    assert judge.judge_in_process("nb10", name, BPKIT[name]) is None


def test_updates_that_replace_dict_entries_pass() -> None:
    """cache[k] = ... (a new array in the dict) is as good as an in-place update of it."""

    def rmsprop_step(params, grads, cache, eta, beta, eps):
        for k, p in params.items():
            cache[k] = beta * cache[k] + (1 - beta) * grads[k] ** 2
            p -= eta * grads[k] / (np.sqrt(cache[k]) + eps)

    checks.rmsprop_step(rmsprop_step)
    assert judge.judge_in_process("nb10", "rmsprop_step", rmsprop_step) is None


def test_unimplemented_answers_are_reported_as_not_implemented() -> None:
    def adam_step(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.adam_step(adam_step)


def test_an_adam_that_forgets_to_count_t_is_named() -> None:
    def adam_step(params, grads, state, eta, beta1=0.9, beta2=0.999, eps=1e-8):
        t = state["t"] + 1
        for k, p in params.items():
            g = grads[k]
            state["m"][k] = beta1 * state["m"][k] + (1 - beta1) * g
            state["s"][k] = beta2 * state["s"][k] + (1 - beta2) * g**2
            m_hat = state["m"][k] / (1 - beta1**t)
            s_hat = state["s"][k] / (1 - beta2**t)
            p -= eta * m_hat / (np.sqrt(s_hat) + eps)

    with pytest.raises(CheckError, match="a t that never grows"):
        checks.adam_step(adam_step)


# ----- stack-frame theft -------------------------------------------------------------------------
# In record mode the whole check runs in the student's kernel, so a student's function can walk
# up the stack and read the check's locals. No reference for a call may exist before that call.
LOOT = re.compile(r"^(right|expected\w*|ref\w*|want\w*|target\w*|mistakes|wrong)$")
STOLEN: list[str] = []


def _loot(fits: Callable[[Any], bool]) -> dict[str, Any]:
    """Every value named like a reference that ``fits``, in the frames above the caller's."""
    found: dict[str, Any] = {}
    frame = sys._getframe(2)
    while frame is not None:
        for name, value in list(frame.f_locals.items()):
            if LOOT.match(name) and name not in found and fits(value):
                found[name] = value
        frame = frame.f_back
    STOLEN.extend(found)
    return found


def _thief_update(params, grads, store, *rest):
    """Copies any dict shaped like the parameters (or a flat array of their size) into them."""
    size = sum(np.size(p) for p in params.values())
    dicts = _loot(lambda v: isinstance(v, dict) and set(v) == set(params))
    flats = _loot(lambda v: isinstance(v, np.ndarray) and v.shape == (size,))
    for values in dicts.values():
        for k in params:
            params[k][...] = values[k]
    for flat in flats.values():
        start = 0
        for k in sorted(params):
            params[k][...] = flat[start : start + params[k].size].reshape(params[k].shape)
            start += params[k].size


def _thief_restarts(f, grad, low, high, n_starts, eta, steps, seed):
    found = _loot(lambda v: isinstance(v, np.ndarray) and v.shape == np.shape(low))
    w = next(iter(found.values()), np.zeros(len(low)))
    return w, float(f(w))


def _thief_cyclical(eta_min, eta_max, period, decay=1.0):
    def eta(t):
        found = _loot(lambda v: isinstance(v, list | np.ndarray) and len(v) > t)
        return float(next(iter(found.values()), [eta_min] * (t + 1))[t])

    return eta


THIEVES = {
    "nesterov_step": _thief_update,
    "rmsprop_step": _thief_update,
    "adam_step": _thief_update,
    "random_restarts": _thief_restarts,
    "cyclical_lr": _thief_cyclical,
}


def test_the_thief_finds_a_reference_that_exists_before_the_call() -> None:
    """The thief works: a check that computed `expected` before the call would be fooled."""
    STOLEN.clear()

    def careless_check():
        expected = np.array([0.5, -1.0])  # noqa: F841 - the reference, computed too early
        return _thief_restarts(lambda w: 0.0, None, np.zeros(2), np.ones(2), 1, 0.1, 1, 0)

    w, _ = careless_check()
    assert w.tolist() == [0.5, -1.0]
    assert STOLEN == ["expected"]


@pytest.mark.parametrize("name", sorted(THIEVES))
def test_a_student_reading_the_checks_frames_is_rejected(name: str) -> None:
    STOLEN.clear()
    verdict = judge.judge_in_process("nb10", name, THIEVES[name])
    assert verdict is not None
    assert STOLEN == [], f"the thief found {STOLEN} in the frames of the {name} check"


def test_global_seeding_is_named_even_when_the_check_runs_twice() -> None:
    def random_restarts(f, grad, low, high, n_starts, eta, steps, seed):
        np.random.seed(seed)  # noqa: NPY002 - the mistake under test
        W = np.random.uniform(low, high, size=(n_starts, len(low)))  # noqa: NPY002
        for _ in range(steps):
            W = W - eta * grad(W)
        i = int(np.argmin(f(W)))
        return W[i], float(f(W[i]))

    for _ in range(2):
        with pytest.raises(CheckError, match="used numpy's global random state"):
            checks.random_restarts(random_restarts)
    verdict = judge.judge_in_process("nb10", "random_restarts", random_restarts)
    assert verdict is not None and "used numpy's global random state" in verdict
