"""Notebook 06 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from exercises import answer_cells  # noqa: E402

from bpkit.checks import nb06 as checks
from bpkit.checks._core import CheckError
from bpkit.layers import Linear
from bpkit.losses import mse
from bpkit.model import mlp
from bpkit_grader import judge

pytestmark = pytest.mark.nb06


def _define(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {"np": np, "mse": mse, "mlp": mlp, "Linear": Linear}
    exec(compile(ANSWERS["grad_norms"], "<answer grad_norms>", "exec"), namespace)  # noqa: S102
    exec(compile(source, f"<answer {name}>", "exec"), namespace)  # noqa: S102 - test fixture
    return namespace[name]


ANSWERS = answer_cells("nb06")


def test_unimplemented_answer_is_reported_as_not_implemented() -> None:
    def he_normal(shape: tuple[int, int], seed: Any = None) -> np.ndarray:
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.he_normal(he_normal)


def test_bpkit_reference_implementations_pass() -> None:
    from bpkit import init, optim

    checks.xavier_uniform(init.xavier_uniform)
    checks.he_normal(init.he_normal)
    checks.clip_by_global_norm(optim.clip_grad_norm)


def test_xavier_normal_is_not_accepted_as_xavier_uniform() -> None:
    from bpkit import init

    with pytest.raises(CheckError, match="normal distribution"):
        checks.xavier_uniform(init.xavier_normal)


# ----- other correct answers -----------------------------------------------------------------
ALTERNATIVES = {
    "xavier_uniform": """
def xavier_uniform(shape, seed=None):
    r = np.sqrt(6.0 / sum(shape))
    return (2.0 * np.random.default_rng(seed).random(shape) - 1.0) * r
""",
    "he_normal": """
def he_normal(shape, seed=None):
    return np.random.default_rng(seed).standard_normal(shape) * np.sqrt(2.0 / shape[1])
""",
    "grad_norms": """
def grad_norms(model, X, y):
    model.backward(mse(model.forward(X), y)[1])
    grads = model.named_grads()
    return np.array([np.sqrt(np.sum(g**2)) for k, g in grads.items() if k.endswith("W")])
""",
    "depth_profile": """
def depth_profile(activation, init, depth=10, width=32, n=256, seed=0):
    gen = np.random.default_rng(seed)
    model = mlp([width] * depth + [1], activation=activation, init=init, seed=gen)
    X, y = gen.normal(size=(n, width)), gen.normal(size=(n, 1))  # after the weights: fine
    return grad_norms(model, X, y)
""",
    "clip_by_global_norm": """
def clip_by_global_norm(grads, max_norm):
    norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()])))
    factor = max_norm / (norm + 1e-6)  # a safety epsilon, as PyTorch's clip_grad_norm_
    if factor < 1.0:
        for name in grads:
            grads[name] *= factor
    return norm
""",
}


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_other_correct_answers_pass_too(name: str, capsys) -> None:
    fn = _define(ALTERNATIVES[name], name)
    getattr(checks, name)(fn)
    assert f"{name}: all checks passed" in capsys.readouterr().out
    assert judge.judge_in_process("nb06", name, fn, source=ALTERNATIVES[name]) is None


def test_a_bound_that_ignores_fan_out_is_named_for_any_constant() -> None:
    """LeCun's sqrt(3 / fan_in), or any c / sqrt(fan_in): the extra draws show fan_out is
    ignored, whatever the constant."""
    for c in (1.0, 1.5, 3.0):

        def xavier_uniform(shape, seed=None, c=c):
            r = c / np.sqrt(shape[1])
            return np.random.default_rng(seed).uniform(-r, r, size=shape)

        with pytest.raises(CheckError, match="uses only fan_in"):
            checks.xavier_uniform(xavier_uniform)


def test_spectral_norm_is_named_on_the_hidden_cases_too() -> None:
    source = """
def grad_norms(model, X, y):
    L, dL = mse(model.forward(X), y)
    model.backward(dL)
    return np.array([np.linalg.norm(l.grads["W"], 2) for l in model.layers
                     if isinstance(l, Linear)])
"""
    verdict = judge.judge_in_process("nb06", "grad_norms", _define(source, "grad_norms"))
    assert verdict is not None and "spectral norm" in verdict


# ----- stack-frame theft -------------------------------------------------------------------------
# In record mode the whole check runs in the student's kernel, so a student's function can walk
# up the stack and read the check's locals. No reference for a call may exist before that call.
# (The initializers and the depth experiment are checked by properties: nothing to steal.)
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


def _thief_grad_norms(model, X, y):
    n_linear = sum(isinstance(layer, Linear) for layer in model.layers)
    arrays = _loot(lambda v: isinstance(v, np.ndarray) and v.shape == (n_linear,))
    models = _loot(lambda v: hasattr(v, "layers") and hasattr(v, "named_params"))
    for ref in models.values():  # a reference model that already ran its backward pass
        return np.array(
            [np.linalg.norm(layer.grads["W"]) for layer in ref.layers if isinstance(layer, Linear)]
        )
    return next(iter(arrays.values()), np.zeros(n_linear))


def _thief_clip_by_global_norm(grads, max_norm):
    norm = float(np.sqrt(sum(float((g**2).sum()) for g in grads.values())))  # honest
    found = _loot(lambda v: isinstance(v, dict) and set(v) == set(grads))
    for clipped in found.values():
        for k, g in grads.items():
            g[...] = clipped[k]
    return norm


THIEVES = {"grad_norms": _thief_grad_norms, "clip_by_global_norm": _thief_clip_by_global_norm}


def test_the_thief_finds_a_reference_that_exists_before_the_call() -> None:
    """The thief works: a check that computed `expected` before the call would be fooled."""
    STOLEN.clear()
    model = mlp([2, 3, 1], seed=0)

    def careless_check():
        expected = np.array([0.5, 0.25])  # noqa: F841 - the reference, computed too early
        return _thief_grad_norms(model, None, None)

    assert careless_check().tolist() == [0.5, 0.25]
    assert STOLEN == ["expected"]


@pytest.mark.parametrize("name", sorted(THIEVES))
def test_a_student_reading_the_checks_frames_is_rejected(name: str) -> None:
    STOLEN.clear()
    verdict = judge.judge_in_process("nb06", name, THIEVES[name])
    assert verdict is not None
    assert STOLEN == [], f"the thief found {STOLEN} in the frames of the {name} check"
