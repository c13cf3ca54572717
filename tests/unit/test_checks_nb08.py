"""Notebook 08 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from exercises import answer_cells

from bpkit.augment import augment
from bpkit.checks import nb08 as checks
from bpkit.checks._core import CheckError
from bpkit.checks.nb08._common import KEYS
from bpkit.checks.nb08.digits import _parts
from bpkit.checks.nb08.network import _backward, _forward
from bpkit.checks.nb08.uncertainty import _chance_to_clear, _estimate, _wilson
from bpkit.data import load_digits, split
from bpkit.train import minibatches
from bpkit_grader import judge

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
    parts = _parts()
    X_tr, y_tr = parts["training"]
    X_va, y_va = parts["validation"]
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
            _, cache = _forward(p, X[idx])
            g = _backward(p, cache, y[idx], 1e-3)
            for k in p:
                v[k] = 0.9 * v[k] - 0.02 * g[k]
                p[k] += v[k]
    return p


@pytest.fixture(scope="module")
def trained(digits):
    X_tr, y_tr, _, _, mean, std = digits
    return _train((X_tr - mean) / std, y_tr)


SHIFTS = [(1, 0), (-1, 0), (0, 1), (0, -1)]


def _final_accuracy(*values: Any, threshold: float) -> Any:
    """final_accuracy's visible check with another bar."""
    row = checks.EXERCISES["final_accuracy"]
    return row.check(*values, **{**row.visible, "threshold": threshold})


def _history(X_tr, X_va, **more):
    """What run_training's history holds about the data it was given."""
    return {"X_tr": X_tr, "X_va": X_va, "epochs": 12, "val_acc": [0.9] * 12, **more}


def test_the_four_parts_are_disjoint_and_the_test_set_is_the_graders():
    parts = _parts()
    assert {k: len(v[1]) for k, v in parts.items()} == {
        "training": 1169,
        "validation": 90,
        "holdout": 179,
        "test": 359,
    }
    rows = [{r.tobytes() for r in parts[k][0]} for k in parts]
    assert sum(len(r) for r in rows) == len(set().union(*rows))  # no image in two parts
    X, y = load_digits()
    _, _, _, _, X_te, _ = split(X, y, val=0.15, test=0.2, seed=0)  # the test set of before
    assert {r.tobytes() for r in X_te} == rows[3]


def test_final_accuracy_prints_the_estimate_with_its_uncertainty(digits, trained, capsys):
    X_tr, y_tr, X_va, _, mean, std = digits
    X_more, _ = augment(X_tr, y_tr, shifts=SHIFTS)
    history = _history((X_more - mean) / std, (X_va - mean) / std)
    assert _final_accuracy(trained, mean, std, history, threshold=0.9) is None  # no credit
    out = capsys.readouterr().out
    assert "held-out accuracy:" in out
    assert "binomial standard error" in out
    assert "95% interval" in out
    assert "the chance that 359 new digits (the test set) score at least 90%" in out
    assert "final accuracy on the held-out set: all checks passed" in out


def test_final_accuracy_reports_the_shortfall_in_sentences(digits, trained):
    _, _, _, _, mean, std = digits
    with pytest.raises(CheckError, match="at least 99.9% is needed") as error:
        _final_accuracy(trained, mean, std, threshold=0.999)
    message = str(error.value)
    assert "Ingredients that help" in message
    assert "ingredients that help" not in message
    assert not re.search(r"\. [a-z]", message), message  # every sentence starts with a capital
    assert "of the 179 held-out digits" in message
    assert "95% interval" in message


def test_final_accuracy_names_an_untrained_network(digits):
    _, _, _, _, mean, std = digits
    gen = np.random.default_rng(0)
    params = {"W1": gen.normal(size=(16, 64)), "b1": np.zeros(16), "W2": np.zeros((10, 16))}
    params["b2"] = np.zeros(10)
    with pytest.raises(CheckError, match="chance level"):
        checks.final_accuracy(params, mean, std)


def test_final_accuracy_names_training_on_raw_pixels(digits):
    X_tr, y_tr, X_va, _, mean, std = digits
    raw = _train(X_tr, y_tr, epochs=8)
    with pytest.raises(CheckError, match="not standardized"):
        checks.final_accuracy(raw, mean, std)  # from the accuracy on raw pixels
    X_more, _ = augment(X_tr, y_tr, shifts=SHIFTS)
    with pytest.raises(CheckError, match="holds 1169 of the 1169 training digits as raw images"):
        checks.final_accuracy(raw, mean, std, _history(X_more, X_va))  # from the data


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


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("augmented validation", "the validation set was augmented"),
        ("validation in training", "the validation set went into training"),
        ("held-out in training", "the held-out set went into training"),
        ("test in training", "the test set went into training"),
        ("held-out as validation", "holds 179 of the 179 held-out digits, which are kept"),
        ("test as validation", "holds 359 of the 359 test digits"),
        ("other statistics", "neither the raw images nor the images standardized"),
        ("shifted after standardizing", "the copies were made after standardizing"),
        ("sideways only", "move the digits sideways only"),
        ("up and down only", "move the digits up and down only"),
    ],
)
def test_final_accuracy_names_what_went_into_training(digits, trained, where, expected):
    X_tr, y_tr, X_va, y_va, mean, std = digits
    parts = _parts()
    X_ho, y_ho = parts["holdout"]
    X_te, y_te = parts["test"]
    shifts = {"sideways only": SHIFTS[:2], "up and down only": SHIFTS[2:]}.get(where, SHIFTS)
    X_tr_in, X_va_in = augment(X_tr, y_tr, shifts=shifts)[0], X_va
    if where == "augmented validation":
        X_va_in = augment(X_va, y_va, shifts=SHIFTS)[0]
    if where.endswith("in training"):
        extra = {"validation": X_va, "held-out": X_ho, "test": X_te}[where.split()[0]]
        X_tr_in = np.concatenate([X_tr_in, augment(extra, np.zeros(len(extra)), shifts=SHIFTS)[0]])
    if where.endswith("as validation"):
        X_va_in = X_ho if where.startswith("held-out") else X_te
    std_in = std
    if where == "other statistics":
        std_in = X_tr_in.std(axis=0) + 0.1
    history = _history((X_tr_in - mean) / std_in, (X_va_in - mean) / std)
    if where == "shifted after standardizing":
        history["X_tr"] = augment((X_tr - mean) / std, y_tr, shifts=SHIFTS)[0]
    with pytest.raises(CheckError, match=re.escape(expected)):
        _final_accuracy(trained, mean, std, history, threshold=0.9)


def test_final_accuracy_reads_float32_training_data(digits, trained):
    """Rounding in float32 does not make (X - mean) / std look like other statistics."""
    X_tr, y_tr, X_va, _, mean, std = digits
    X_more = augment(X_tr, y_tr, shifts=SHIFTS)[0]
    history = _history(((X_more - mean) / std).astype(np.float32), (X_va - mean) / std)
    _final_accuracy(trained, mean, std, history, threshold=0.9)


def test_final_accuracy_accepts_clipped_inputs(digits, trained):
    """Clipping the standardized inputs (which notebook 08 says does not hurt) hides the copies
    whose large values were clipped; that is not a recipe with copies in one direction."""
    X_tr, y_tr, X_va, _, mean, std = digits
    X_more = augment(X_tr, y_tr, shifts=SHIFTS)[0]
    for bound in (5.0, 3.0):
        history = _history(
            np.clip((X_more - mean) / std, -bound, bound), np.clip((X_va - mean) / std, -5, 5)
        )
        _final_accuracy(trained, mean, std, history, threshold=0.9)


@pytest.mark.parametrize(
    ("validation", "expected"),
    [
        ("raw", "holds 90 of the 90 validation digits as raw images"),
        ("own statistics", "neither the raw validation images nor (X_val - mean) / std"),
    ],
)
def test_final_accuracy_names_validation_data_on_another_scale(
    digits, trained, validation, expected
):
    X_tr, y_tr, X_va, _, mean, std = digits
    own = (X_va - X_va.mean(axis=0)) / np.where(X_va.std(axis=0) > 0, X_va.std(axis=0), 1.0)
    X_given = X_va if validation == "raw" else own
    history = _history((X_tr - mean) / std, X_given)
    with pytest.raises(CheckError, match=re.escape(expected)):
        _final_accuracy(trained, mean, std, history, threshold=0.9)


def test_final_accuracy_names_training_longer_than_the_grader_allows(digits, trained):
    X_tr, _, X_va, _, mean, std = digits
    history = _history((X_tr - mean) / std, (X_va - mean) / std, seconds=59.0)
    with pytest.raises(CheckError, match="run_training took 59 s. The grader stops a cell"):
        _final_accuracy(trained, mean, std, history, threshold=0.9)
    history["seconds"] = 3.0
    _final_accuracy(trained, mean, std, history, threshold=0.9)


def test_final_accuracy_hints_from_the_history(digits, trained):
    X_tr, y_tr, X_va, _, mean, std = digits
    cut_short = _history((X_tr - mean) / std, (X_va - mean) / std, epochs=60)
    with pytest.raises(CheckError, match="stopped after 12 of the 60 epochs") as error:
        _final_accuracy(trained, mean, std, cut_short, threshold=0.999)
    assert "no shifted copies" in str(error.value)
    no_copies = _history((X_tr - mean) / std, (X_va - mean) / std)
    _final_accuracy(trained, mean, std, no_copies, threshold=0.9)  # a hint, not a rule


def test_the_estimate_and_its_interval():
    lo, hi = _wilson(175, 179)
    assert lo < 175 / 179 < hi <= 1.0
    assert _wilson(179, 179)[1] == 1.0
    assert _chance_to_clear(150, 179, 359, 0.0) == pytest.approx(1.0)
    chances = [_chance_to_clear(k, 179, 359, 0.97) for k in range(170, 180)]
    assert chances == sorted(chances)
    assert chances[0] < 0.2 < 0.8 < chances[-1]
    assert "lies inside the interval" in _estimate(175, 179)
    assert "The whole interval lies below 97%" in _estimate(150, 179)
    assert "The whole interval lies above 97%" in _estimate(359, 359)
    assert "0.6%" in _estimate(359, 359) or "\u00b1 0.0%" in _estimate(359, 359)


def test_hidden_final_accuracy_scores_the_test_set(digits):
    """The grader scores the handed-over weights on the 359 held-out test digits (97 % needed)."""
    X_tr, y_tr, _, _, mean, std = digits
    weak = _train((X_tr - mean) / std, y_tr, epochs=1, H=8)  # well short of 97 %
    verdict = judge.judge_in_process("nb08", "final_accuracy", weak, mean, std)
    assert verdict is not None
    assert "of the 359 test digits" in verdict
    assert "at least 97% is needed (349 of 359; one digit is 0.28%)" in verdict
    assert "interval" not in verdict  # the grade itself, not an estimate


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
    found = _loot(lambda v: isinstance(v, dict) and set(v) == set(KEYS))
    return next(iter(found.values()), {k: np.zeros_like(p) for k, p in params.items()})


def _thief_train_epoch(params, velocity, X, y, batches, eta, beta, lam):
    def fits(v: Any) -> bool:
        keys = isinstance(v, dict) and set(v) == set(KEYS)
        return keys and all(np.shape(v[k]) == np.shape(params[k]) for k in KEYS)

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
