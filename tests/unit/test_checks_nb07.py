"""Notebook 07 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bpkit.checks import nb07 as checks
from bpkit.checks._core import CheckError
from bpkit.checks.nb07.penalties import _params
from bpkit_grader import judge

ALTERNATIVES = {
    "l1_penalty": """
def l1_penalty(params, lam):
    weights = {k: p for k, p in params.items() if k.endswith("W")}
    value = lam * sum(float(np.abs(p).sum()) for p in weights.values())
    grads = {k: np.where(p > 0, lam, np.where(p < 0, -lam, 0.0)) if k in weights
             else np.zeros(p.shape) for k, p in params.items()}
    return value, grads
""",
    "dropout_forward": """
def dropout_forward(a, p_drop, rng, training=True):
    if not training:
        return a.copy(), np.full(a.shape, True)
    mask = rng.binomial(1, 1.0 - p_drop, size=a.shape).astype(bool)
    return np.where(mask, a / (1.0 - p_drop), 0.0), mask
""",
    "early_stopping": """
def early_stopping(val_losses, patience):
    best_epoch, waited = 0, 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best_epoch]:
            best_epoch, waited = epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, None
""",
    "shift_images": """
def shift_images(X, dx, dy):
    from bpkit.augment import shift_images as ref
    return ref(X, dx, dy)
""",
    "init_layer": """
def init_layer(d_in, d_out, activation, rng):
    var = {"relu": 2.0 / d_in, "tanh": 2.0 / (d_in + d_out), "sigmoid": 32.0 / (d_in + d_out)}
    r = np.sqrt(3 * var[activation])
    return rng.uniform(-r, r, (d_out, d_in)), np.zeros(d_out)
""",
}


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_other_correct_answers_pass_too(name, capsys):
    """Other ways to write each answer: a vectorised shift, uniform draws with the same standard
    deviation, a binomial mask, comparisons with the best epoch's loss, a nested np.where."""
    scope = {"np": np}
    exec(ALTERNATIVES[name], scope)
    getattr(checks, name)(scope[name])
    assert f"{name}: all checks passed" in capsys.readouterr().out
    assert judge.judge_in_process("nb07", name, scope[name], source=ALTERNATIVES[name]) is None


def test_l1_cases_hold_exact_zeros():
    params = _params(1, {"W": (3, 4), "b": (3,)})
    assert (params["W"] == 0).sum() >= 3 and (params["b"] != 0).all()


def test_sign_of_zero_taken_as_plus_one_is_named_by_the_hidden_cases_too():
    def l1_penalty(params, lam):
        grads = {
            k: np.where(p >= 0, lam, -lam) if k.endswith("W") else np.zeros_like(p)
            for k, p in params.items()
        }
        value = lam * sum(float(np.abs(p).sum()) for k, p in params.items() if k.endswith("W"))
        return value, grads

    with pytest.raises(CheckError, match=r"sign\(0\) taken as \+1"):
        checks.l1_penalty(l1_penalty)
    verdict = judge.judge_in_process("nb07", "l1_penalty", l1_penalty)
    assert verdict is not None and "sign(0) taken as +1" in verdict


def test_stub_is_reported_as_not_implemented():
    def l2_penalty(params, lam):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.l2_penalty(l2_penalty)


# ----- stack-frame theft -------------------------------------------------------------------------
# In record mode the whole check runs in the student's kernel, so a student's function can walk
# up the stack and read the check's locals. No reference for a call may exist before that call.
# (dropout_forward is checked by properties of the mask it returns: nothing to steal.)
LOOT = re.compile(r"^(right|expected\w*|ref\w*|want\w*|target\w*)$")
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


def _is_number(v: Any) -> bool:
    return isinstance(v, float | np.floating) and not isinstance(v, bool)


def _thief_penalty(params, lam):
    values = _loot(_is_number)
    grads = _loot(lambda v: isinstance(v, dict) and set(v) == set(params))
    zeros = {k: np.zeros_like(p) for k, p in params.items()}
    return next(iter(values.values()), 0.0), next(iter(grads.values()), zeros)


def _thief_dropout_backward(dout, mask, p_drop):
    found = _loot(lambda v: isinstance(v, np.ndarray) and v.shape == dout.shape)
    return next(iter(found.values()), dout)


def _thief_early_stopping(val_losses, patience):
    found = _loot(lambda v: isinstance(v, tuple) and len(v) == 2)
    return next(iter(found.values()), (0, None))


def _thief_shift_images(X, dx, dy):
    found = _loot(lambda v: isinstance(v, np.ndarray) and v.shape == X.shape)
    return next(iter(found.values()), X)


def _thief_init_layer(d_in, d_out, activation, rng):
    found = _loot(_is_number)  # the target standard deviation
    std = float(next(iter(found.values()), 1.0))
    return rng.standard_normal((d_out, d_in)) * std, np.zeros(d_out)


THIEVES = {
    "l2_penalty": _thief_penalty,
    "l1_penalty": _thief_penalty,
    "dropout_backward": _thief_dropout_backward,
    "early_stopping": _thief_early_stopping,
    "shift_images": _thief_shift_images,
    "init_layer": _thief_init_layer,
}


def test_the_thief_finds_a_reference_that_exists_before_the_call():
    """The thief works: a check that computed `expected` before the call would be fooled."""
    STOLEN.clear()

    def careless_check():
        expected = (3, 5)  # noqa: F841 - the reference, computed too early
        return _thief_early_stopping([1.0, 2.0], 1)

    assert careless_check() == (3, 5)
    assert STOLEN == ["expected"]


@pytest.mark.parametrize("name", sorted(THIEVES))
def test_a_student_reading_the_checks_frames_is_rejected(name):
    STOLEN.clear()
    verdict = judge.judge_in_process("nb07", name, THIEVES[name])
    assert verdict is not None
    assert STOLEN == [], f"the thief found {STOLEN} in the frames of the {name} check"
