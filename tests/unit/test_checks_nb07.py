"""Notebook 07 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

import numpy as np
import pytest

from bpkit.checks import nb07 as checks
from bpkit.checks._core import CheckError

ALTERNATIVES = {
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


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_other_correct_answers_pass_too(name, capsys):
    """A vectorised shift, and uniform draws with the same standard deviation, are right too."""
    scope = {"np": np}
    exec(ALTERNATIVES[name], scope)
    getattr(checks, name)(scope[name])
    assert f"{name}: all checks passed" in capsys.readouterr().out


def test_stub_is_reported_as_not_implemented():
    def l2_penalty(params, lam):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.l2_penalty(l2_penalty)
