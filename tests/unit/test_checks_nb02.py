"""Notebook 02 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import pytest

from bpkit.checks import nb02 as checks
from bpkit.checks._core import CheckError

pytestmark = pytest.mark.nb02


def test_unimplemented_answer_says_so():
    def mlp_backward(X, y, W2, cache):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.mlp_backward(mlp_backward)


def test_wrong_keys_and_missing_return_are_named():
    with pytest.raises(CheckError, match="no key"):
        checks.mlp_backward(lambda X, y, W2, cache: {"W1": 0})
    with pytest.raises(CheckError, match="returned None"):
        checks.linear_backward(lambda delta, a_prev, W: None)
    with pytest.raises(CheckError, match=r"\(dW, db, da_prev\)"):
        checks.linear_backward(lambda delta, a_prev, W: delta.T @ a_prev)


def test_the_per_example_convention_matches_bpkit_layers():
    """delta / n is what bpkit's Linear receives; the checks' references rely on it."""
    import numpy as np

    from bpkit.layers import Linear

    rng = np.random.default_rng(0)
    layer = Linear(3, 2, seed=0)
    a_prev, delta = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    layer.forward(a_prev)
    d_prev = layer.backward(delta / 6)
    np.testing.assert_allclose(layer.grads["W"], delta.T @ a_prev / 6)
    np.testing.assert_allclose(layer.grads["b"], delta.mean(axis=0))
    np.testing.assert_allclose(d_prev * 6, delta @ layer.params["W"])
