"""Notebook 05 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bpkit.checks import nb05 as checks
from bpkit.checks._core import CheckError
from bpkit.losses import get_loss

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
