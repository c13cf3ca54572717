"""Notebook 04 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import linecache
from typing import Any

import numpy as np
import pytest
from exercises import answer_cells  # noqa: E402

from bpkit.checks import nb04 as checks
from bpkit.checks._core import CheckError
from bpkit.functional import sigmoid, sigmoid_prime
from bpkit.losses import mse
from bpkit.optim import sgd_step
from bpkit.train import minibatches

pytestmark = pytest.mark.nb04


def _define(source: str, name: str) -> Any:
    namespace: dict[str, Any] = {
        "np": np,
        "mse": mse,
        "sgd_step": sgd_step,
        "sigmoid": sigmoid,
        "sigmoid_prime": sigmoid_prime,
        "minibatches": minibatches,
    }
    filename = f"<answer {name} {abs(hash(source))}>"
    # like IPython, keep the cell's source findable (inspect.getsource reads linecache)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - test fixture
    return namespace[name]


ANSWERS = answer_cells("nb04")


def test_not_implemented_is_reported_as_such() -> None:
    def loop_gradient(W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray) -> None:
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.loop_gradient(loop_gradient)


def test_reference_gradient_is_the_mean_of_per_example_gradients() -> None:
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)
    X, Y = rng.normal(size=(6, 4)), rng.uniform(size=(6, 3))
    dW, db = checks.reference_gradient(W, b, X, Y)
    per = [checks.reference_gradient(W, b, X[i : i + 1], Y[i : i + 1]) for i in range(6)]
    np.testing.assert_allclose(dW, np.mean([p[0] for p in per], axis=0), rtol=1e-12)
    np.testing.assert_allclose(db, np.mean([p[1] for p in per], axis=0), rtol=1e-12)


def test_activation_bytes_formula_matches_a_real_model() -> None:
    from bpkit.model import mlp

    sizes, n = [7, 5, 4, 3], 11
    model = mlp(sizes, activation="relu", seed=0, record=True)
    X = np.random.default_rng(0).normal(size=(n, sizes[0]))
    model(X)
    kept = [X] + [r.output for r in model.records[:-1]]
    assert sum(a.nbytes for a in kept) == checks.reference_activation_bytes(sizes, n, 8)


def test_a_batch_gradient_without_source_is_still_checked_by_value() -> None:
    ref = _define(ANSWERS["batch_gradient"], "batch_gradient")

    class Wrapped:
        def __call__(self, *args: Any) -> Any:
            return ref(*args)

    checks.batch_gradient(Wrapped())


def test_minibatch_check_accepts_any_valid_shuffle() -> None:
    def minibatch_indices(n: int, batch_size: int, seed: int) -> list[np.ndarray]:
        order = np.argsort(np.random.default_rng([seed, 99]).random(n))
        return [order[i : i + batch_size] for i in range(0, n, batch_size)]

    checks.minibatch_indices(minibatch_indices)


def test_train_epoch_check_does_not_depend_on_other_random_calls() -> None:
    def train_epoch(
        model: Any, X: np.ndarray, Y: np.ndarray, batch_size: int, eta: float, seed: int
    ) -> list[float]:
        np.random.default_rng().normal(size=7)  # unrelated draws before and during training
        losses = []
        for idx in minibatches(X.shape[0], batch_size, seed):
            np.random.random(3)  # noqa: NPY002 - a student may well use the legacy API
            L, dL_dyhat = mse(model(X[idx]), Y[idx])
            model.backward(dL_dyhat)
            sgd_step(model.named_params(), model.named_grads(), eta)
            losses.append(L)
        return losses

    checks.train_epoch(train_epoch)
