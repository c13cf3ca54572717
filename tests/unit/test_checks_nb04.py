"""The notebook 04 checks accept the solutions and reject known-wrong answers with their message.

The reference answers are read from the solution notebook's answer cells, so these tests also
guard the notebook. Each wrong answer from ``tests/notebooks/wrong/nb04.py`` must fail the
visible check with its expected diagnostic, and the hidden check too.
"""

from __future__ import annotations

import importlib.util
import json
import linecache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import bpkit_grader.nb04 as hidden
from bpkit.checks import nb04 as checks
from bpkit.checks._core import CheckError
from bpkit.functional import sigmoid, sigmoid_prime
from bpkit.losses import mse
from bpkit.optim import sgd_step
from bpkit.train import minibatches

pytestmark = pytest.mark.nb04

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("wrong_nb04", ROOT / "tests/notebooks/wrong/nb04.py")
_wrong = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_wrong)
WRONG = _wrong.WRONG
NOTEBOOK = ROOT / "solutions" / "04_batch_training" / "04_batch_training.ipynb"
EXERCISES = [
    "loop_gradient",
    "batch_gradient",
    "minibatch_indices",
    "train_epoch",
    "activation_bytes",
]


def _answers() -> dict[str, str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution"):
            out[meta["grade_id"]] = "".join(cell["source"])
    return out


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


ANSWERS = _answers()


def test_every_exercise_has_an_answer_cell_and_wrong_answers() -> None:
    assert sorted(ANSWERS) == sorted(EXERCISES)
    assert sorted(WRONG) == sorted(EXERCISES)
    for name, variants in WRONG.items():
        assert len(variants) >= 3, name


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_visible_and_hidden(name: str, capsys: pytest.CaptureFixture) -> None:
    fn = _define(ANSWERS[name], name)
    getattr(checks, name)(fn)
    getattr(hidden, name)(fn)
    out = capsys.readouterr()
    assert f"{name}: all checks passed" in out.out
    assert out.err == ""


CASES = [
    pytest.param(name, source, expected, id=f"{name}-{label}")
    for name, variants in WRONG.items()
    for label, source, expected in variants
]


@pytest.mark.parametrize(("name", "source", "expected"), CASES)
def test_wrong_answer_is_rejected_with_its_diagnosis(name: str, source: str, expected: str) -> None:
    fn = _define(source, name)
    with pytest.raises(CheckError) as visible:
        getattr(checks, name)(fn)
    assert expected in str(visible.value)
    with pytest.raises(AssertionError):  # the hidden checks raise their fresh copy's CheckError
        getattr(hidden, name)(fn)


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
