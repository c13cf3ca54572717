"""Notebook 04 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from exercises import answer_cells  # noqa: E402

from bpkit.checks import nb04 as checks
from bpkit.checks._core import CheckError, call, expect_close
from bpkit.functional import sigmoid, sigmoid_prime
from bpkit.losses import mse
from bpkit.optim import sgd_step
from bpkit.train import minibatches
from bpkit_grader import judge

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
    assert judge.judge_in_process("nb04", "batch_gradient", Wrapped()) is None


LOOPED = """
def batch_gradient(W, b, X, Y):
    n = X.shape[0]
    dW, db = np.zeros_like(W), np.zeros_like(b)
    for x, y in zip(X, Y):
        z = W @ x + b
        delta = (sigmoid(z) - y) * sigmoid_prime(z)
        dW += np.outer(delta, x)
        db += delta
    return dW / n, db / n
"""


def test_the_judge_reads_the_loop_in_the_answer_cell_despite_magics() -> None:
    fn = _define(LOOPED, "batch_gradient")
    for cell in (LOOPED, "%%capture\n" + LOOPED, "%time 0\n!true\n" + LOOPED):
        verdict = judge.judge_in_process("nb04", "batch_gradient", fn, source=cell)
        assert verdict is not None and "contains a Python loop (a for loop)" in verdict, verdict


def test_the_judge_reads_only_the_graded_function_of_the_cell() -> None:
    """A loop in another function of the cell is not batch_gradient's (as in the kernel)."""
    cell = ANSWERS["batch_gradient"] + "\n\ndef rows(X):\n    return [x for x in X]\n"
    fn = _define(cell, "batch_gradient")
    checks.batch_gradient(fn)
    assert judge.judge_in_process("nb04", "batch_gradient", fn, source=cell) is None


def test_minibatch_check_accepts_any_valid_shuffle() -> None:
    def minibatch_indices(n: int, batch_size: int, seed: int) -> list[np.ndarray]:
        order = np.argsort(np.random.default_rng([seed, 99]).random(n))
        return [order[i : i + batch_size] for i in range(0, n, batch_size)]

    checks.minibatch_indices(minibatch_indices)


def test_batches_from_a_generator_are_graded_like_a_list() -> None:
    """Iterating the student's generator runs their code: it runs inside call(), recorded."""

    def minibatch_indices(n: int, batch_size: int, seed: int) -> Any:
        order = np.random.default_rng(seed).permutation(n)
        return (order[i : i + batch_size] for i in range(0, n, batch_size))

    checks.minibatch_indices(minibatch_indices)
    assert judge.judge_in_process("nb04", "minibatch_indices", minibatch_indices) is None


def test_train_epoch_check_does_not_depend_on_other_random_calls() -> None:
    def train_epoch(
        model: Any, X: np.ndarray, Y: np.ndarray, batch_size: int, eta: float, seed: int
    ) -> list[float]:
        np.random.default_rng().normal(size=7)  # unrelated draws before and during training
        losses = []
        for idx in minibatches(X.shape[0], batch_size, seed):
            np.random.default_rng().random(3)
            L, dL_dyhat = mse(model(X[idx]), Y[idx])
            model.backward(dL_dyhat)
            sgd_step(model.named_params(), model.named_grads(), eta)
            losses.append(L)
        return losses

    checks.train_epoch(train_epoch)

    def global_draws(*args: Any) -> list[float]:
        np.random.random(3)  # noqa: NPY002 - the legacy global state, which the rules forbid
        return train_epoch(*args)

    with pytest.raises(CheckError, match="used numpy's global random state"):
        checks.train_epoch(global_draws)


# ----- stack-frame theft: no expected value exists when the student's function runs ------------
LOOT = ("right", "expected", "ref", "true_grads", "want", "target")


def steal(fits: Callable[[Any], bool]) -> Any:
    """The first local of an outer frame named like a reference whose value ``fits``."""
    frame = sys._getframe(1)
    while frame is not None:
        found = list(frame.f_locals.items())
        for prefix in LOOT:
            for name, value in found:
                if name.startswith(prefix) and fits(value):
                    return value
        frame = frame.f_back
    return None


def shaped(shape: tuple[int, ...]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.shape == shape


def number(v: Any) -> bool:
    return isinstance(v, float | np.floating)


def _loot_or(default: Any, fits: Callable[[Any], bool]) -> Any:
    found = steal(fits)
    return default if found is None else found


def _steal_training(model: Any, n_losses: int) -> list[float]:
    """Copy a reference model's weights into ``model``; return a stolen list of losses."""
    ref = steal(lambda v: v is not model and hasattr(v, "named_params"))
    if ref is not None:
        for key, value in ref.named_params().items():
            model.named_params()[key][...] = value
    losses = steal(lambda v: type(v) is list and len(v) == n_losses and all(map(number, v)))
    return [0.0] * n_losses if losses is None else losses


def _steal_gradient(W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray) -> tuple:
    return _loot_or(np.zeros(W.shape), shaped(W.shape)), _loot_or(
        np.zeros(b.shape), shaped(b.shape)
    )


def _an_int(v: Any) -> bool:
    return type(v) is int or isinstance(v, np.integer)


# minibatch_indices has no expected value to steal: any valid shuffle passes.
THIEVES: dict[str, Callable[..., Any]] = {
    "loop_gradient": _steal_gradient,
    "batch_gradient": _steal_gradient,
    "train_epoch": lambda model, X, Y, bs, eta, seed: _steal_training(model, -(-X.shape[0] // bs)),
    "activation_bytes": lambda sizes, n, itemsize=8: _loot_or(0, _an_int),
}


def test_the_thief_would_find_a_reference_computed_before_the_call() -> None:
    def leaky(fn: Any) -> None:
        W, b = np.ones((2, 3)), np.ones(2)
        right_W, right_b = np.full((2, 3), 0.5), np.full(2, 0.25)
        dW, db = call(fn, W, b, np.ones((4, 3)), np.ones((4, 2)), what="loop_gradient")
        expect_close("dW", dW, right_W)
        expect_close("db", db, right_b)

    leaky(THIEVES["loop_gradient"])


@pytest.mark.parametrize("exercise", sorted(THIEVES))
def test_a_thief_reading_the_checks_frames_is_rejected(exercise: str) -> None:
    verdict = judge.judge_in_process("nb04", exercise, THIEVES[exercise])
    assert verdict is not None, f"{exercise}: the outside judge accepted a frame thief"


# ----- numpy's global random state, other valid shuffles ----------------------------------------
def _seeded_globally(n: int, batch_size: int, seed: int) -> list[np.ndarray]:
    np.random.seed(seed)  # noqa: NPY002 - the mistake under test
    order = np.random.permutation(n)  # noqa: NPY002
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def test_global_seeding_is_named_even_when_the_check_runs_twice() -> None:
    """np.random.seed(seed) then a draw leaves the same global state on every run with that
    seed, so a second run in a row would look untouched; the check stirs the state first."""
    for _ in range(2):
        with pytest.raises(CheckError, match="used numpy's global random state"):
            checks.minibatch_indices(_seeded_globally)
    verdict = judge.judge_in_process("nb04", "minibatch_indices", _seeded_globally)
    assert verdict is not None and "used numpy's global random state" in verdict


def _cut(order: Any, batch_size: int) -> list[np.ndarray]:
    order = np.asarray(order)
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


VALID_SHUFFLES: dict[str, Callable[[int, int, int], list[np.ndarray]]] = {
    "rng.choice without replacement": lambda n, bs, seed: _cut(
        np.random.default_rng(seed).choice(n, n, replace=False), bs
    ),
    "a legacy RandomState of its own": lambda n, bs, seed: _cut(
        np.random.RandomState(seed).permutation(n), bs
    ),
    "Python's random.Random": lambda n, bs, seed: _cut(
        __import__("random").Random(seed).sample(range(n), n), bs
    ),
    "each batch sorted": lambda n, bs, seed: [
        np.sort(b) for b in _cut(np.random.default_rng(seed).permutation(n), bs)
    ],
    "np.split at multiples of batch_size": lambda n, bs, seed: np.split(
        np.random.default_rng(seed).permutation(n), range(bs, n, bs)
    ),
}


@pytest.mark.parametrize("name", sorted(VALID_SHUFFLES))
def test_other_valid_shuffles_pass(name: str) -> None:
    checks.minibatch_indices(VALID_SHUFFLES[name])
    assert judge.judge_in_process("nb04", "minibatch_indices", VALID_SHUFFLES[name]) is None
