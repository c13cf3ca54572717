"""Notebook 06 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from exercises import answer_cells  # noqa: E402

from bpkit.checks import nb06 as checks
from bpkit.checks._core import CheckError
from bpkit.layers import Linear
from bpkit.losses import mse
from bpkit.model import mlp

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
