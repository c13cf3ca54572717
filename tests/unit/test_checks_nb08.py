"""Notebook 08 checks: cases beyond the shared verdicts of test_exercise_verdicts.py."""

import numpy as np
import pytest
from exercises import answer_cells

from bpkit.checks import nb08 as checks
from bpkit.checks._core import CheckError
from bpkit.data import load_digits, split
from bpkit.train import minibatches
from bpkit_grader import nb08 as hidden

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


def test_hidden_final_accuracy_scores_the_test_set(digits, trained, capsys):
    _, _, _, _, mean, std = digits
    with pytest.raises(AssertionError, match="of the 359 test digits"):
        hidden.fresh("nb08").final_accuracy(trained, mean, std, part="test", threshold=0.999)
