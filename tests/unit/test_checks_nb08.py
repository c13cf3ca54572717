"""Notebook 08 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from exercises import answer_cells

from bpkit.checks import nb08 as checks
from bpkit.checks._core import CheckError
from bpkit.data import load_digits, split
from bpkit.train import minibatches
from bpkit_grader import judge

ROOT = Path(__file__).resolve().parents[2]

REFERENCE = answer_cells("nb08")


def _define(source: str, name: str):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace[name]


def test_stub_is_reported_as_not_implemented():
    def backward(params, cache, y, lam):
        raise NotImplementedError()

    with pytest.raises(CheckError, match="not implemented yet"):
        checks.backward(backward)


def test_backward_check_prints_the_gradient_check(capsys):
    checks.backward(_define(REFERENCE["backward"], "backward"))
    out = capsys.readouterr().out
    assert "gradient check [with L2, lam = 0.1]: rel_error dW1" in out


def test_backward_gradient_check_catches_an_unlisted_mistake():
    """A wrong gradient that matches no listed mistake still fails, on the gradient check."""
    source = REFERENCE["backward"].replace(
        '"b2": delta2.mean(axis=0)', '"b2": 0.9 * delta2.mean(0)'
    )
    with pytest.raises(CheckError, match=r"grads\['b2'\] is not correct"):
        checks.backward(_define(source, "backward"))


def test_train_epoch_uses_the_reference_network_and_restores_the_notebook():
    """A wrong backward in the notebook does not fail train_epoch, and is put back after."""
    namespace = {"np": np}
    exec(REFERENCE["train_epoch"], namespace)

    def broken_backward(params, cache, y, lam):
        return {k: np.zeros_like(v) for k, v in params.items()}

    namespace["backward"] = broken_backward
    checks.train_epoch(namespace["train_epoch"])
    assert namespace["backward"] is broken_backward
    assert "forward" not in namespace


def test_train_epoch_that_shuffles_itself_is_rejected():
    source = REFERENCE["train_epoch"].replace("for idx in batches:", "for idx in batches[::-1]:")
    with pytest.raises(CheckError, match="after the epoch"):
        checks.train_epoch(_define(source, "train_epoch"))


# ----- final_accuracy ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    X_tr, y_tr, X_va, y_va, _, _ = split(X, y, val=0.15, test=0.2, seed=0)
    mean = X_tr.mean(axis=0)
    std = np.where(X_tr.std(axis=0) > 0, X_tr.std(axis=0), 1.0)
    return X_tr, y_tr, X_va, y_va, mean, std


def _train(X, y, epochs=12, H=32, seed=0):
    """A quick reference training run (plain SGD with momentum, no augmentation)."""
    gen = np.random.default_rng(seed)
    p = {
        "W1": gen.normal(0, np.sqrt(2 / 64), (H, 64)),
        "b1": np.zeros(H),
        "W2": gen.normal(0, np.sqrt(1 / H), (10, H)),
        "b2": np.zeros(10),
    }
    v = {k: np.zeros_like(a) for k, a in p.items()}
    for epoch in range(epochs):
        for idx in minibatches(len(X), 32, seed=epoch):
            _, cache = checks._forward(p, X[idx])
            g = checks._backward(p, cache, y[idx], 1e-3)
            for k in p:
                v[k] = 0.9 * v[k] - 0.02 * g[k]
                p[k] += v[k]
    return p


@pytest.fixture(scope="module")
def trained(digits):
    X_tr, y_tr, _, _, mean, std = digits
    return _train((X_tr - mean) / std, y_tr)


def test_final_accuracy_accepts_a_trained_network(digits, trained, capsys):
    _, _, _, _, mean, std = digits
    assert checks.final_accuracy(trained, mean, std, threshold=0.9) is None  # no partial credit
    assert "validation accuracy" in capsys.readouterr().out


def test_final_accuracy_reports_the_shortfall(digits, trained):
    _, _, _, _, mean, std = digits
    with pytest.raises(CheckError, match="at least 99.9% is needed"):
        checks.final_accuracy(trained, mean, std, threshold=0.999)


def test_final_accuracy_names_an_untrained_network(digits):
    _, _, _, _, mean, std = digits
    gen = np.random.default_rng(0)
    params = {"W1": gen.normal(size=(16, 64)), "b1": np.zeros(16), "W2": np.zeros((10, 16))}
    params["b2"] = np.zeros(10)
    with pytest.raises(CheckError, match="chance level"):
        checks.final_accuracy(params, mean, std)


def test_final_accuracy_names_training_on_raw_pixels(digits):
    X_tr, y_tr, _, _, mean, std = digits
    raw = _train(X_tr, y_tr, epochs=8)
    with pytest.raises(CheckError, match="not standardized"):
        checks.final_accuracy(raw, mean, std)


def test_final_accuracy_names_divergence_and_shapes(digits, trained):
    _, _, _, _, mean, std = digits
    nan = dict(trained, W2=np.full_like(trained["W2"], np.nan))
    with pytest.raises(CheckError, match="training diverged"):
        checks.final_accuracy(nan, mean, std)
    transposed = dict(trained, W1=trained["W1"].T)
    with pytest.raises(CheckError, match="a transposed W"):
        checks.final_accuracy(transposed, mean, std)
    with pytest.raises(CheckError, match="keys"):
        checks.final_accuracy({"W1": trained["W1"]}, mean, std)
    with pytest.raises(CheckError, match="mean"):
        checks.final_accuracy(trained, mean[:10], std)


def test_final_accuracy_requires_the_training_statistics(digits, trained):
    _, _, _, _, mean, std = digits
    X_all = load_digits()[0]
    with pytest.raises(CheckError, match="the test set leaked"):
        checks.final_accuracy(trained, X_all.mean(axis=0), std)
    with pytest.raises(CheckError, match="Pass the mean and std that standardize computed"):
        checks.final_accuracy(trained, mean, np.ones(64))


def test_hidden_final_accuracy_scores_the_test_set(digits):
    """The grader scores the handed-over weights on the 359 held-out test digits (97 % needed)."""
    X_tr, y_tr, _, _, mean, std = digits
    weak = _train((X_tr - mean) / std, y_tr, epochs=1, H=8)  # well short of 97 %
    verdict = judge.judge_in_process("nb08", "final_accuracy", weak, mean, std)
    assert verdict is not None
    assert "of the 359 test digits" in verdict
    assert "at least 97% is needed" in verdict


# ----- the hidden cases reach the sandbox as inputs only -----------------------------------------
# A student's process that cannot import bpkit_grader must still read the cases file.
_NO_GRADER = """
import pickle, sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "bpkit_grader":
            raise ImportError("bpkit_grader is not in the sandbox")
sys.meta_path.insert(0, _Block())
sys.path = [p for p in sys.path if p not in ("", ".", {root!r})]
table = pickle.load(open({path!r}, "rb"))
assert "bpkit_grader" not in sys.modules
print(sorted(table["specs"]))
"""


def test_hidden_cases_unpickle_without_the_grader(tmp_path):
    path = tmp_path / "cases.pkl"
    path.write_bytes(judge.cases_payload("nb08"))
    code = _NO_GRADER.format(root=str(ROOT), path=str(path))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(sorted(judge.specs("nb08")))


# ----- stack-frame theft -------------------------------------------------------------------------
# In record mode the whole check runs in the student's kernel, so a student's function can walk
# up the stack and read the check's locals. No reference for a call may exist before that call.
# (final_accuracy is scored in the grader on the values handed over: no student code runs.)
LOOT = re.compile(r"^(right|expected\w*|ref\w*|want\w*|target\w*|C)$")
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


def _thief_standardize(X_train, X_val, X_test):
    mean = X_train.mean(axis=0)  # honest statistics: only the standardized sets are stolen
    std = np.where(X_train.std(axis=0) > 0, X_train.std(axis=0), 1.0)
    shapes = [X_train.shape, X_val.shape, X_test.shape]
    found = _loot(lambda v: isinstance(v, list) and [np.shape(a) for a in v] == shapes)
    parts = next(iter(found.values()), [X_train, X_val, X_test])
    return parts[0], parts[1], parts[2], mean, std


def _thief_backward(params, cache, y, lam):
    found = _loot(lambda v: isinstance(v, dict) and set(v) == set(checks.KEYS))
    return next(iter(found.values()), {k: np.zeros_like(p) for k, p in params.items()})


def _thief_train_epoch(params, velocity, X, y, batches, eta, beta, lam):
    def fits(v: Any) -> bool:
        keys = isinstance(v, dict) and set(v) == set(checks.KEYS)
        return keys and all(np.shape(v[k]) == np.shape(params[k]) for k in checks.KEYS)

    for name, values in _loot(fits).items():
        if name.endswith(("p", "v")):
            (velocity if name.endswith("v") else params).update(values)
    return params, velocity


def _thief_confusion_matrix(y_true, y_pred, k):
    found = _loot(lambda v: isinstance(v, np.ndarray) and v.shape == (k, k))
    return next(iter(found.values()), np.zeros((k, k), dtype=int))


THIEVES = {
    "standardize": _thief_standardize,
    "backward": _thief_backward,
    "train_epoch": _thief_train_epoch,
    "confusion_matrix": _thief_confusion_matrix,
}


def test_the_thief_finds_a_reference_that_exists_before_the_call():
    """The thief works: a check that computed `C` before the call would be fooled."""
    STOLEN.clear()

    def careless_check():
        C = np.eye(2, dtype=int)  # noqa: F841 - the reference, computed too early
        return _thief_confusion_matrix(np.arange(2), np.arange(2), 2)

    assert careless_check().tolist() == [[1, 0], [0, 1]]
    assert STOLEN == ["C"]


@pytest.mark.parametrize("name", sorted(THIEVES))
def test_a_student_reading_the_checks_frames_is_rejected(name):
    STOLEN.clear()
    verdict = judge.judge_in_process("nb08", name, THIEVES[name])
    assert verdict is not None
    assert STOLEN == [], f"the thief found {STOLEN} in the frames of the {name} check"
