"""bpkit.diagnostics on real Sequential models after forward and backward."""

from __future__ import annotations

import numpy as np
import pytest

from bpkit import diagnostics as diag
from bpkit.layers import Linear, ReLU, Sigmoid
from bpkit.losses import mse
from bpkit.model import Sequential, mlp


def _run(model: Sequential, n: int = 32, seed: int = 0) -> Sequential:
    g = np.random.default_rng(seed)
    d_in = model.layers[0].params["W"].shape[1]
    X = g.standard_normal((n, d_in))
    _, dout = mse(model.forward(X), g.standard_normal((n, 1)))
    model.backward(dout)
    return model


def test_layer_grad_norms_match_each_linear_grad() -> None:
    model = _run(mlp([5, 7, 6, 1], activation="tanh", seed=1))
    norms = diag.layer_grad_norms(model)
    assert list(norms) == ["0.W", "2.W", "4.W"]
    for i, key in ((0, "0.W"), (2, "2.W"), (4, "4.W")):
        assert norms[key] == pytest.approx(np.linalg.norm(model.layers[i].grads["W"]))
    assert all(v > 0 for v in norms.values())


def test_deep_sigmoid_net_has_vanishing_first_layer_gradient() -> None:
    model = _run(mlp([16] + [16] * 8 + [1], activation="sigmoid", seed=0))
    norms = list(diag.layer_grad_norms(model).values())
    assert norms[0] < 1e-3 * norms[-1]
    shallow = list(diag.layer_grad_norms(_run(mlp([16, 16, 1], activation="sigmoid"))).values())
    assert norms[0] < shallow[0]


def test_grad_norms_reject_models_without_linear_layers() -> None:
    with pytest.raises(ValueError, match="no Linear layers"):
        diag.layer_grad_norms(Sequential(ReLU()))
    with pytest.raises(TypeError, match="Sequential"):
        diag.layer_grad_norms(object())


def test_update_ratio_is_eta_times_grad_norm_over_weight_norm() -> None:
    model = _run(mlp([4, 8, 1], activation="relu", seed=2))
    ratios = diag.update_ratio(model, eta=0.1)
    W, dW = model.layers[0].params["W"], model.layers[0].grads["W"]
    assert ratios["0.W"] == pytest.approx(0.1 * np.linalg.norm(dW) / np.linalg.norm(W))
    assert diag.update_ratio(model, eta=0.2)["0.W"] == pytest.approx(2 * ratios["0.W"])
    with pytest.raises(ValueError, match="eta"):
        diag.update_ratio(model, eta=-1.0)


def test_update_ratio_of_zero_weights_is_inf() -> None:
    model = _run(mlp([3, 2, 1], init="zeros", activation="tanh"))
    assert diag.update_ratio(model, 0.1)["0.W"] == np.inf


@pytest.mark.parametrize(
    ("a", "kind", "expected"),
    [
        (np.array([0.001, 0.5, 0.999, 0.3]), "sigmoid", 0.5),
        (np.array([-0.995, 0.0, 0.2, 0.9999]), "tanh", 0.5),
        (np.array([0.0, 0.0, 0.0, 2.0]), "relu", 0.75),
        (np.array([-0.01, 0.5, -0.2, 1.0]), "leaky_relu", 0.5),
    ],
)
def test_saturation_fraction_per_activation(a: np.ndarray, kind: str, expected: float) -> None:
    assert diag.saturation_fraction(a, kind) == pytest.approx(expected)


def test_saturation_fraction_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        diag.saturation_fraction(np.ones(3), "softplus")
    with pytest.raises(ValueError, match="empty"):
        diag.saturation_fraction(np.array([]), "relu")


def test_activation_stats_need_record_true() -> None:
    model = _run(mlp([4, 8, 1], activation="sigmoid"))
    with pytest.raises(ValueError, match="record=True"):
        diag.activation_stats(model)


def test_activation_stats_see_saturation_and_dead_units() -> None:
    big = _run(mlp([32, 32, 32, 1], activation="sigmoid", init="normal", record=True))
    small_scale = [s.saturation for s in diag.activation_stats(big)]
    assert small_scale == [0.0, 0.0]  # normal(scale=0.01): z near 0, far from the asymptotes
    huge = mlp([32, 32, 32, 1], activation="sigmoid", record=True, seed=0)
    huge.set_weights({k: v * 50 for k, v in huge.get_weights().items()})
    stats = diag.activation_stats(_run(huge))
    assert [s.name for s in stats] == ["1.sigmoid", "3.sigmoid"]
    assert all(s.saturation > 0.8 for s in stats)
    assert all(s.grad_std is not None and s.grad_std >= 0 for s in stats)

    dead = Sequential(Linear(4, 6, seed=0), ReLU(), Linear(6, 1, seed=1), record=True)
    dead.layers[0].params["b"][:] = -100.0  # every pre-activation negative: all units dead
    (s,) = diag.activation_stats(_run(dead))
    assert s.kind == "relu" and s.saturation == 1.0 and s.mean == 0.0 and s.std == 0.0


def test_activation_stats_mean_and_std_match_the_records() -> None:
    model = _run(Sequential(Linear(3, 5, seed=0), Sigmoid(), Linear(5, 1, seed=1), record=True))
    (s,) = diag.activation_stats(model)
    a = model.records[1].output
    assert s.mean == pytest.approx(a.mean()) and s.std == pytest.approx(a.std())
    assert s.grad_std == pytest.approx(np.std(model.records[1].grad_output))


def test_layer_values_returns_recorded_arrays_and_checks_backward() -> None:
    model = mlp([3, 4, 4, 1], activation="tanh", record=True)
    model.forward(np.ones((6, 3)))
    acts = diag.layer_values(model, "activations")
    assert {k: v.shape for k, v in acts.items()} == {"1.tanh": (6, 4), "3.tanh": (6, 4)}
    with pytest.raises(ValueError, match="backward"):
        diag.layer_values(model, "gradients")
    with pytest.raises(ValueError, match="which"):
        diag.layer_values(model, "weights")


def test_update_ratio_logger_records_one_value_per_epoch_and_layer() -> None:
    from bpkit.data import xor
    from bpkit.train import fit

    X, y = xor(40, seed=0)
    model = mlp([2, 6, 1], activation="tanh", seed=0)
    callback, ratios = diag.update_ratio_logger(model)
    fit(model, X, y, loss="bce", eta=0.3, epochs=4, callback=callback)
    assert list(ratios) == ["0.W", "2.W"] and all(len(v) == 4 for v in ratios.values())
    assert ratios["0.W"][-1] == pytest.approx(diag.update_ratio(model, 0.3)["0.W"])
