"""Notebook 05 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from bpkit.checks import nb05 as checks
from bpkit.checks._core import CheckError
from bpkit.losses import get_loss
from bpkit_grader import judge

pytestmark = pytest.mark.nb05


def _define(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {"np": np, "get_loss": get_loss}
    exec(compile(source, f"<answer {name}>", "exec"), namespace)  # noqa: S102 - test fixture
    return namespace[name]


def test_unimplemented_generator_is_reported_as_not_implemented() -> None:
    def minibatch_stream(n: int, batch_size: int, epochs: int, seed: Any = None) -> Any:
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.minibatch_stream(minibatch_stream)


def test_a_stream_built_on_bpkit_minibatches_passes() -> None:
    from bpkit.train import minibatches

    def minibatch_stream(n: int, batch_size: int, epochs: int, seed: Any = None) -> Any:
        rng = np.random.default_rng(seed)
        for epoch in range(epochs):
            for idx in minibatches(n, batch_size, rng):
                yield epoch, idx

    checks.minibatch_stream(minibatch_stream)


def test_a_stream_reseeded_with_seed_plus_epoch_passes() -> None:
    """Reproducible and different every epoch, though drawn differently: accepted."""

    def minibatch_stream(n: int, batch_size: int, epochs: int, seed: Any = None) -> Any:
        for epoch in range(epochs):
            order = np.random.default_rng([seed, epoch]).permutation(n)
            for start in range(0, n, batch_size):
                yield epoch, order[start : start + batch_size]

    checks.minibatch_stream(minibatch_stream)


def test_bpkit_reference_implementations_pass() -> None:
    from bpkit import optim

    checks.momentum_step(optim.momentum_step)
    checks.step_schedule(optim.step_schedule)


# ----- stack-frame theft -------------------------------------------------------------------------
# In record mode the whole check runs in the student's kernel, so a student's function can walk
# up the stack and read the check's locals. No reference for a call may exist before that call.
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


def _thief_sgd(model, X, y, stream, eta, loss):
    n_updates = len(list(stream))
    params = model.named_params()
    size = sum(p.size for p in params.values())
    models = _loot(lambda v: hasattr(v, "named_params"))
    flats = _loot(lambda v: isinstance(v, np.ndarray) and v.shape == (size,))
    losses = _loot(lambda v: isinstance(v, list | np.ndarray) and len(v) == n_updates)
    for ref in models.values():
        for k, p in params.items():
            p[...] = ref.named_params()[k]
    for flat in flats.values():
        start = 0
        for p in params.values():
            p[...] = flat[start : start + p.size].reshape(p.shape)
            start += p.size
    return next(iter(losses.values()), [0.0] * n_updates)


def _thief_gradient_noise(grad_fn, n, batches):
    found = _loot(lambda v: isinstance(v, float | np.floating) or np.shape(v) == ())
    return next(iter(found.values()), 0.0)


def _thief_momentum_step(params, grads, velocity, eta, beta):
    found = _loot(lambda v: isinstance(v, dict) and set(v) == set(params))
    for name, values in found.items():
        for k in params:
            if name.endswith("v"):
                velocity[k] = np.array(values[k], dtype=float)
            else:
                params[k][...] = values[k]


def _thief_step_schedule(eta0, drop, every):
    def eta(t):
        found = _loot(lambda v: isinstance(v, list | np.ndarray) and len(v) > t)
        return float(next(iter(found.values()), [eta0] * (t + 1))[t])

    return eta


THIEVES = {
    "sgd": _thief_sgd,
    "gradient_noise": _thief_gradient_noise,
    "momentum_step": _thief_momentum_step,
    "step_schedule": _thief_step_schedule,
}


def test_the_thief_finds_a_reference_that_exists_before_the_call() -> None:
    """The thief works: a check that computed `expected` before the call would be fooled."""
    STOLEN.clear()

    def careless_check():
        expected = 0.125  # noqa: F841 - the reference, computed too early
        return _thief_gradient_noise(None, 3, [])

    assert careless_check() == 0.125
    assert STOLEN == ["expected"]


@pytest.mark.parametrize("name", sorted(THIEVES))
def test_a_student_reading_the_checks_frames_is_rejected(name: str) -> None:
    STOLEN.clear()
    verdict = judge.judge_in_process("nb05", name, THIEVES[name])
    assert verdict is not None
    assert STOLEN == [], f"the thief found {STOLEN} in the frames of the {name} check"


# ----- numpy's global random state; batches that change after they were yielded ---------------
def _seeded_globally(n: int, batch_size: int, epochs: int, seed: Any = None) -> Any:
    np.random.seed(seed)  # noqa: NPY002 - the mistake under test
    for epoch in range(epochs):
        order = np.random.permutation(n)  # noqa: NPY002
        for start in range(0, n, batch_size):
            yield epoch, order[start : start + batch_size]


def test_global_seeding_is_named_even_when_the_check_runs_twice() -> None:
    for _ in range(2):
        with pytest.raises(CheckError, match="used numpy's global random state"):
            checks.minibatch_stream(_seeded_globally)
    verdict = judge.judge_in_process("nb05", "minibatch_stream", _seeded_globally)
    assert verdict is not None and "used numpy's global random state" in verdict


def test_a_reshuffled_array_passes_when_its_batches_are_copies() -> None:
    def minibatch_stream(n: int, batch_size: int, epochs: int, seed: Any = None) -> Any:
        rng = np.random.default_rng(seed)
        order = np.arange(n)
        for epoch in range(epochs):
            rng.shuffle(order)
            for start in range(0, n, batch_size):
                yield epoch, order[start : start + batch_size].copy()

    checks.minibatch_stream(minibatch_stream)
    assert judge.judge_in_process("nb05", "minibatch_stream", minibatch_stream) is None


def test_a_schedule_given_as_a_lambda_passes() -> None:
    def step_schedule(eta0: float, drop: float, every: int) -> Any:
        return lambda t: eta0 * drop ** (t // every)

    checks.step_schedule(step_schedule)
    assert judge.judge_in_process("nb05", "step_schedule", step_schedule) is None
