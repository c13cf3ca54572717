"""The notebook 08 checks accept the reference answers and name each wrong one."""

import numpy as np
import pytest

from bpkit.checks import nb08 as checks
from bpkit.checks._core import CheckError
from bpkit.data import load_digits, split
from bpkit.train import minibatches
from bpkit_grader import nb08 as hidden
from tests.notebooks.wrong.nb08 import WRONG

REFERENCE = {
    "standardize": """
def standardize(X_train, X_val, X_test):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std, mean, std
""",
    "backward": """
def backward(params, cache, y, lam):
    X, z1, a1, z2 = cache
    n = X.shape[0]
    e = np.exp(z2 - z2.max(axis=1, keepdims=True))
    delta2 = e / e.sum(axis=1, keepdims=True)
    delta2[np.arange(n), y] -= 1.0
    delta1 = (delta2 @ params["W2"]) * (z1 > 0)
    return {
        "W1": delta1.T @ X / n + lam * params["W1"],
        "b1": delta1.mean(axis=0),
        "W2": delta2.T @ a1 / n + lam * params["W2"],
        "b2": delta2.mean(axis=0),
    }
""",
    # In place, with the gradients of a whole batch taken before any update.
    "train_epoch": """
def train_epoch(params, velocity, X, y, batches, eta, beta, lam):
    for idx in batches:
        _, cache = forward(params, X[idx])
        grads = backward(params, cache, y[idx], lam)
        for name in params:
            velocity[name] *= beta
            velocity[name] -= eta * grads[name]
            params[name] += velocity[name]
    return params, velocity
""",
    # A loop instead of np.add.at, with float counts: both fine.
    "confusion_matrix": """
def confusion_matrix(y_true, y_pred, k):
    C = np.zeros((k, k))
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C
""",
}
UNIT_TESTED = sorted(REFERENCE)  # train_model needs the notebook; see the final_accuracy tests


def _define(source: str, name: str):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace[name]


@pytest.mark.parametrize("name", UNIT_TESTED)
def test_reference_answer_passes(name, capsys):
    getattr(checks, name)(_define(REFERENCE[name], name))
    assert f"{name}: all checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", UNIT_TESTED)
def test_reference_answer_passes_the_hidden_checks(name, capsys):
    getattr(hidden, name)(_define(REFERENCE[name], name))
    assert f"{name}: all checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(WRONG))
def test_every_exercise_has_three_wrong_answers(name):
    assert len(WRONG[name]) >= 3


@pytest.mark.parametrize(
    ("name", "label", "source", "expected"),
    [(name, *case) for name in UNIT_TESTED for case in WRONG[name]],
    ids=[f"{name}-{case[0]}" for name in UNIT_TESTED for case in WRONG[name]],
)
def test_wrong_answer_is_rejected_with_its_diagnosis(name, label, source, expected):
    with pytest.raises(CheckError) as info:
        getattr(checks, name)(_define(source, name))
    assert expected in str(info.value), f"{label}: {info.value}"


@pytest.mark.parametrize(
    ("name", "label", "source", "expected"),
    [(name, *case) for name in UNIT_TESTED for case in WRONG[name]],
    ids=[f"{name}-{case[0]}" for name in UNIT_TESTED for case in WRONG[name]],
)
def test_wrong_answer_fails_the_hidden_checks_too(name, label, source, expected):
    with pytest.raises(AssertionError):
        getattr(hidden, name)(_define(source, name))


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


def test_hidden_final_accuracy_scores_the_test_set(digits, trained, capsys):
    _, _, _, _, mean, std = digits
    with pytest.raises(AssertionError, match="of the 359 test digits"):
        hidden.fresh("nb08").final_accuracy(trained, mean, std, part="test", threshold=0.999)
