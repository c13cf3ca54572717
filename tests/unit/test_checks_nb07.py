"""The notebook 07 checks accept the reference answers and name each wrong one."""

import numpy as np
import pytest

from bpkit.checks import nb07 as checks
from bpkit.checks._core import CheckError
from tests.notebooks.wrong.nb07 import WRONG

REFERENCE = {
    "l2_penalty": """
def l2_penalty(params, lam):
    from bpkit.optim import l2_penalty as ref
    return ref(params, lam)
""",
    "l1_penalty": """
def l1_penalty(params, lam):
    from bpkit.optim import l1_penalty as ref
    return ref(params, lam)
""",
    "dropout_forward": """
def dropout_forward(a, p_drop, rng, training=True):
    if not training:
        return a, np.ones(a.shape, dtype=bool)
    mask = rng.random(a.shape) >= p_drop
    return a * mask / (1 - p_drop), mask
""",
    "dropout_backward": """
def dropout_backward(dout, mask, p_drop):
    return dout * mask / (1 - p_drop)
""",
    "early_stopping": """
def early_stopping(val_losses, patience):
    best, best_epoch, waited = float("inf"), None, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
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
    gain = 2.0 / d_in if activation == "relu" else 2.0 / (d_in + d_out)
    return rng.uniform(-np.sqrt(3 * gain), np.sqrt(3 * gain), (d_out, d_in)), np.zeros(d_out)
""",
}


def _define(source: str, name: str):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace[name]


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_reference_answer_passes(name, capsys):
    getattr(checks, name)(_define(REFERENCE[name], name))
    assert f"{name}: all checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(WRONG))
def test_every_exercise_has_a_reference_and_three_wrong_answers(name):
    assert name in REFERENCE
    assert len(WRONG[name]) >= 3


@pytest.mark.parametrize(
    ("name", "label", "source", "expected"),
    [(name, *case) for name, cases in WRONG.items() for case in cases],
    ids=[f"{name}-{case[0]}" for name, cases in WRONG.items() for case in cases],
)
def test_wrong_answer_is_rejected_with_its_diagnosis(name, label, source, expected):
    with pytest.raises(CheckError) as info:
        getattr(checks, name)(_define(source, name))
    assert expected in str(info.value), f"{label}: {info.value}"


def test_stub_is_reported_as_not_implemented():
    def l2_penalty(params, lam):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.l2_penalty(l2_penalty)
