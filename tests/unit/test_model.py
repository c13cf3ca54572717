"""bpkit.model: Sequential backward against numerical_gradient, modes, weights and records."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import FAST, assert_gradients_match, matrices, seeds

from bpkit.gradcheck import numerical_gradient
from bpkit.layers import Dropout, Linear, ReLU, Sigmoid, Tanh
from bpkit.losses import get_loss, mse, softmax_cross_entropy
from bpkit.model import LayerRecord, Sequential, mlp


def targets(loss: str, n: int, k: int, seed: int) -> np.ndarray:
    g = np.random.default_rng(seed)
    if loss == "softmax_ce":
        return g.integers(0, k, size=n)
    if loss == "bce":
        return g.random((n, k))
    return g.standard_normal((n, k))


# ----- the whole backward pass against finite differences ----------------------------------------
@FAST
@given(
    data=st.data(),
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    activation=st.sampled_from(["tanh", "sigmoid", "relu", "leaky_relu"]),
    loss=st.sampled_from(["mse", "bce", "softmax_ce"]),
    seed=seeds,
)
def test_sequential_backward_matches_numerical_gradient(data, sizes, activation, loss, seed):
    sizes[-1] = max(sizes[-1], 2) if loss == "softmax_ce" else sizes[-1]
    model = mlp(sizes, activation=activation, seed=seed)
    for p in model.named_params().values():  # non-zero biases too
        p += 0.1 * np.random.default_rng(seed).standard_normal(p.shape)
    X = data.draw(matrices(d=sizes[0], lo=-2, hi=2))
    y = targets(loss, len(X), sizes[-1], seed)
    if activation in ("relu", "leaky_relu"):  # keep every pre-activation z off the kink
        model.record = True
        model.forward(X)
        zs = [r.output for r in model.records if isinstance(r.layer, Linear)]
        assume(all(np.min(np.abs(z)) > 1e-4 for z in zs))
    loss_fn = get_loss(loss)

    def f() -> float:
        return loss_fn(model.forward(X), y)[0]

    model.zero_grad()
    _, dout = loss_fn(model.forward(X), y)
    d_input = model.backward(dout)
    for name, param in model.named_params().items():
        assert_gradients_match(model.named_grads()[name], numerical_gradient(f, param), name)
    assert_gradients_match(d_input, numerical_gradient(f, X), "input")


def test_backward_without_input_grad_gives_the_same_parameter_grads():
    model = mlp([3, 5, 2], activation="tanh", seed=0)
    X = np.random.default_rng(0).standard_normal((4, 3))
    _, dout = mse(model(X), np.zeros((4, 2)))
    assert model.backward(dout).shape == (4, 3)
    full = {k: g.copy() for k, g in model.named_grads().items()}
    model.zero_grad()
    model(X)
    assert model.backward(dout, input_grad=False) is None
    for k, g in model.named_grads().items():
        np.testing.assert_array_equal(g, full[k])


# ----- parameters, gradients and weights ---------------------------------------------------------
def test_named_params_and_grads_are_the_layers_arrays():
    model = mlp([2, 3, 1], seed=0)
    params, grads = model.named_params(), model.named_grads()
    assert list(params) == ["0.W", "0.b", "2.W", "2.b"] == list(grads)
    assert params["0.W"] is model[0].params["W"] and grads["2.b"] is model[2].grads["b"]
    X = np.ones((1, 2))
    before = model(X).copy()
    params["2.b"] += 1.0  # an in-place update changes the model
    np.testing.assert_allclose(model(X), before + 1.0)
    assert model.n_params == 2 * 3 + 3 + 3 * 1 + 1


def test_get_and_set_weights_copy_and_validate():
    model = mlp([2, 3, 1], seed=0)
    saved = model.get_weights()
    assert saved["0.W"] is not model.named_params()["0.W"]
    W = model.named_params()["0.W"]
    W += 5.0
    model.set_weights(saved)
    np.testing.assert_array_equal(model.named_params()["0.W"], saved["0.W"])
    assert model.named_params()["0.W"] is W  # restored in place: references stay valid
    bad = dict(saved, **{"0.W": np.zeros((2, 3))})
    with pytest.raises(
        ValueError, match=r"set_weights: 0.W must have shape \(3, 2\), got \(2, 3\)"
    ):
        model.set_weights(bad)
    with pytest.raises(ValueError, match=r"missing \['2.b'\], unknown \['9.W'\]"):
        model.set_weights({**{k: v for k, v in saved.items() if k != "2.b"}, "9.W": 0})
    with pytest.raises(ValueError, match=r"weights\['0.b'\] contains NaN"):
        model.set_weights(dict(saved, **{"0.b": np.full(3, np.nan)}))


def test_zero_grad_clears_every_gradient():
    model = mlp([2, 3, 2], seed=0)
    _, dout = softmax_cross_entropy(model(np.ones((2, 2))), [0, 1])
    model.backward(dout)
    assert any(g.any() for g in model.named_grads().values())
    model.zero_grad()
    assert not any(g.any() for g in model.named_grads().values())


# ----- modes and predict -----------------------------------------------------------------------
def test_train_eval_propagate_and_predict_restores_the_mode():
    model = mlp([4, 16, 2], p_drop=0.5, seed=0)
    X = np.ones((8, 4))
    assert model.eval() is model and not any(layer.training for layer in model)
    np.testing.assert_array_equal(model(X), model(X))  # no dropout in eval
    model.train()
    assert all(layer.training for layer in model)
    assert not np.array_equal(model(X), model(X))  # fresh masks in training
    out = model.predict(X)
    assert model.training and all(layer.training for layer in model)
    np.testing.assert_array_equal(out, model.eval()(X))
    model.eval().predict(X)
    assert not model.training


def test_predict_rejects_nan_and_does_not_record():
    model = mlp([2, 3, 1], seed=0, record=True)
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="X contains NaN"):
        model.predict(np.array([[np.nan, 1.0]]))
    model.predict(X)
    assert all(r.output is None for r in model.records)
    with pytest.raises(ValueError, match=r"Linear\(2 -> 3\) expected input with 2 features"):
        model.predict(np.ones((3, 5)))


# ----- records -----------------------------------------------------------------------------------
def test_records_hold_outputs_and_output_gradients():
    model = mlp([3, 4, 4, 2], activation="tanh", seed=0, record=True)
    X = np.random.default_rng(0).standard_normal((5, 3))
    out = model(X)
    recs = model.records
    assert [r.name for r in recs] == ["0.Linear", "1.Tanh", "2.Linear", "3.Tanh", "4.Linear"]
    assert all(isinstance(r, LayerRecord) and r.grad_output is None for r in recs)
    a = X
    for r in recs:  # each output is that layer applied to the previous output
        a = r.layer.forward(a)
        np.testing.assert_allclose(r.output, a)
    assert recs[-1].output is out
    _, dout = mse(out, np.zeros((5, 2)))
    model(X)
    model.backward(dout)
    assert recs[-1].grad_output is dout
    for i in range(len(recs) - 1):  # dL/d(output of i) is what layer i+1 passed back
        rec, nxt = recs[i], recs[i + 1]
        nxt.layer.forward(rec.output)
        np.testing.assert_allclose(rec.grad_output, nxt.layer.backward(nxt.grad_output))


def test_records_are_off_by_default():
    model = mlp([2, 2], seed=0)
    model(np.ones((1, 2)))
    assert model.records[0].output is None


# ----- mlp ---------------------------------------------------------------------------------------
def test_mlp_structure():
    model = mlp([2, 8, 8, 3], activation="tanh", out_activation="sigmoid", p_drop=0.2, seed=0)
    kinds = [type(layer) for layer in model]
    assert kinds == [Linear, Tanh, Dropout, Linear, Tanh, Dropout, Linear, Sigmoid]
    assert [model[0].d_in, model[0].d_out, model[6].d_out] == [2, 8, 3]
    assert "Linear(2 -> 8)" in repr(model) and "123 parameters" in repr(model)
    assert [type(layer) for layer in mlp([2, 3, 1])] == [Linear, ReLU, Linear]


def test_mlp_is_seeded_including_dropout_masks():
    X = np.ones((4, 3))
    a, b = mlp([3, 6, 2], p_drop=0.5, seed=3), mlp([3, 6, 2], p_drop=0.5, seed=3)
    for k, v in a.get_weights().items():
        np.testing.assert_array_equal(v, b.get_weights()[k])
    np.testing.assert_array_equal(a(X), b(X))
    c = mlp([3, 6, 2], p_drop=0.5, seed=4)
    assert not np.array_equal(a.named_params()["0.W"], c.named_params()["0.W"])


def test_mlp_picks_he_for_relu_and_xavier_otherwise():
    relu = mlp([400, 300, 1], activation="relu", seed=0).named_params()["0.W"]
    tanh = mlp([400, 300, 1], activation="tanh", seed=0).named_params()["0.W"]
    assert relu.std() == pytest.approx(np.sqrt(2 / 400), rel=0.03)
    assert tanh.std() == pytest.approx(np.sqrt(2 / 700), rel=0.03)
    normal = mlp([400, 300, 1], init="normal", seed=0).named_params()["0.W"]
    assert normal.std() == pytest.approx(0.01, rel=0.03)


def test_mlp_float32():
    model = mlp([3, 4, 2], dtype=np.float32, seed=0)
    assert all(p.dtype == np.float32 for p in model.named_params().values())
    out = model(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float32
    _, dout = softmax_cross_entropy(out, [0, 1])
    assert model.backward(dout).dtype == np.float32


def test_mlp_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown activation 'softsign'; valid names are: relu"):
        mlp([2, 2], activation="softsign")
    with pytest.raises(ValueError, match="unknown activation 'relu6'"):
        mlp([2, 2], out_activation="relu6")
    with pytest.raises(ValueError, match="must list >= 2 positive widths"):
        mlp([3])
    with pytest.raises(ValueError, match="p_drop is the probability of DROPPING a unit"):
        mlp([2, 2, 2], p_drop=1.0)
    with pytest.raises(ValueError, match="unknown initializer 'lecun'"):
        mlp([2, 2], init="lecun")
    with pytest.raises(TypeError, match="Sequential: item 1 is not a Layer, got str"):
        Sequential(Linear(2, 2), "relu")


def test_sequential_accepts_a_list_and_is_a_container():
    layers = [Linear(2, 3, seed=0), Sigmoid()]
    model = Sequential(layers)
    assert len(model) == 2 and model[1] is layers[1] and list(model) == layers
