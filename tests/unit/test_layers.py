"""bpkit.layers: every backward against numerical_gradient, plus shapes, dtypes and errors."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import (
    FAST,
    assert_gradients_match,
    away_from_zero,
    batch,
    dims,
    matrices,
    seeds,
    vjp_numeric,
)

from bpkit.gradcheck import numerical_gradient
from bpkit.layers import (
    Dropout,
    LeakyReLU,
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    get_activation,
)

ACTIVATIONS = [Sigmoid, Tanh, ReLU, LeakyReLU, lambda: LeakyReLU(0.3)]


# ----- backward against finite differences --------------------------------------------------
@FAST
@given(n=batch, d_in=dims, d_out=dims, seed=seeds, data=st.data())
def test_linear_backward_matches_numerical_gradient(n, d_in, d_out, seed, data):
    layer = Linear(d_in, d_out, seed=seed)
    layer.params["b"][:] = np.random.default_rng(seed).standard_normal(d_out)
    X = data.draw(matrices(n=n, d=d_in))
    G = np.random.default_rng(seed + 1).standard_normal((n, d_out))  # random upstream gradient
    layer.forward(X)
    d_input = layer.backward(G)
    assert_gradients_match(d_input, vjp_numeric(layer.forward, X, G))
    for name in ("W", "b"):
        numeric = vjp_numeric(lambda _: layer.forward(X), layer.params[name], G)
        assert_gradients_match(layer.grads[name], numeric, name)


@FAST
@given(z=matrices(lo=-5, hi=5), seed=seeds)
@pytest.mark.parametrize("make", ACTIVATIONS)
def test_activation_backward_matches_numerical_gradient(make, z, seed):
    z = away_from_zero(z)  # finite differences across the ReLU kink are meaningless
    layer = make()
    G = np.random.default_rng(seed).standard_normal(z.shape)
    layer.forward(z)
    assert_gradients_match(layer.backward(G), vjp_numeric(layer.forward, z, G))


@FAST
@given(z=matrices(), seed=seeds, p_drop=st.floats(0.0, 0.9))
def test_dropout_backward_matches_numerical_gradient(z, seed, p_drop):
    layer = Dropout(p_drop, seed=seed)
    G = np.random.default_rng(seed).standard_normal(z.shape)
    state = layer.rng.bit_generator.state

    def forward(x):  # the same mask on every pass
        layer.rng.bit_generator.state = state
        return layer.forward(x)

    forward(z)
    assert_gradients_match(layer.backward(G), vjp_numeric(forward, z, G))


# ----- Linear: the exact formulas, shapes and dtypes -----------------------------------------
def test_linear_formulas_are_the_contract():
    rng = np.random.default_rng(0)
    layer = Linear(3, 4, seed=0)
    X, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    np.testing.assert_allclose(layer(X), X @ layer.W.T + layer.b)
    d_prev = layer.backward(dout)
    np.testing.assert_allclose(layer.grads["W"], dout.T @ X)  # no 1/n here: dout holds it
    np.testing.assert_allclose(layer.grads["b"], dout.sum(axis=0))
    np.testing.assert_allclose(d_prev, dout @ layer.W)
    assert layer.params["W"].shape == (4, 3) and layer.params["b"].shape == (4,)
    assert not layer.b.any()


def test_linear_updates_grads_in_place_and_skips_input_grad_on_request():
    layer = Linear(3, 2, seed=0)
    gW, gb = layer.grads["W"], layer.grads["b"]
    layer(np.ones((4, 3)))
    assert layer.backward(np.ones((4, 2)), input_grad=False) is None
    assert layer.grads["W"] is gW and layer.grads["b"] is gb
    assert gb.tolist() == [4.0, 4.0]
    layer.zero_grad()
    assert not gW.any() and not gb.any()


def test_linear_keeps_float32_end_to_end():
    layer = Linear(3, 2, seed=0, dtype=np.float32)
    X = np.ones((4, 3), dtype=np.float32)
    out = layer(X)
    assert out.dtype == np.float32
    assert layer.a_prev is X  # cached without a copy
    assert layer.backward(np.ones((4, 2), dtype=np.float32)).dtype == np.float32
    assert layer.grads["W"].dtype == np.float32
    assert layer(np.ones((4, 3))).dtype == np.float32  # float64 data is converted to the layer's
    assert layer.backward(np.ones((4, 2))).dtype == np.float32


def test_linear_stores_w_column_major_with_the_initializer_values():
    from bpkit.init import get_initializer

    layer = Linear(5, 3, init="he_normal", seed=7)
    expected = get_initializer("he_normal")((3, 5), seed=7, dtype=np.float64)
    np.testing.assert_array_equal(layer.W, expected)  # same shape (d_out, d_in), same values
    # W.T is row-major, so a_prev @ W.T needs no transposed operand; the grads share the layout
    assert layer.W.T.flags.c_contiguous and layer.grads["W"].T.flags.c_contiguous
    X = np.random.default_rng(0).standard_normal((4, 5))
    np.testing.assert_allclose(layer(X), X @ np.ascontiguousarray(expected).T, rtol=1e-12)


def test_linear_same_seed_same_weights():
    np.testing.assert_array_equal(Linear(5, 3, seed=4).W, Linear(5, 3, seed=4).W)
    assert not np.array_equal(Linear(5, 3, seed=4).W, Linear(5, 3, seed=5).W)
    assert Linear(2, 2, init="zeros").W.sum() == 0


def test_linear_wrong_features_names_layer_and_shapes():
    with pytest.raises(
        ValueError, match=r"^Linear\(3 -> 4\) expected input with 3 features, got shape \(10, 5\)$"
    ):
        Linear(3, 4)(np.ones((10, 5)))


def test_linear_one_dimensional_input_gets_a_hint():
    with pytest.raises(
        ValueError, match=r"got shape \(3,\) \(a single example needs shape \(1, d_in\)"
    ):
        Linear(3, 4)(np.ones(3))


def test_linear_backward_errors():
    layer = Linear(3, 4)
    with pytest.raises(RuntimeError, match=r"Linear\(3 -> 4\): call forward before backward"):
        layer.backward(np.ones((2, 4)))
    layer(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"expected dout of shape \(2, 4\) .*got \(2, 3\)"):
        layer.backward(np.ones((2, 3)))


@pytest.mark.parametrize("bad", [0, -2, 2.5, True])
def test_linear_bad_sizes(bad):
    with pytest.raises(ValueError, match="Linear: d_in must be a positive int"):
        Linear(bad, 3)


def test_linear_bad_init_and_dtype():
    with pytest.raises(ValueError, match="unknown initializer 'magic'; valid names are"):
        Linear(2, 2, init="magic")
    with pytest.raises(ValueError, match="dtype must be a float type"):
        Linear(2, 2, dtype=np.int32)


# ----- activations -----------------------------------------------------------------------------
@pytest.mark.parametrize("make", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activations_stable_at_1e4_and_keep_dtype(make, dtype):
    layer = make()
    z = np.array([[-1e4, -1.0, 0.0, 1.0, 1e4]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        a = layer(z)
        d = layer.backward(np.ones_like(z))
    assert a.dtype == dtype and d.dtype == dtype
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(d))


def test_activation_values_and_derivatives():
    z = np.array([[-2.0, 0.5]])
    s = 1 / (1 + np.exp(-z))
    layer = Sigmoid()
    np.testing.assert_allclose(layer(z), s)
    np.testing.assert_allclose(layer.backward(np.ones_like(z)), s * (1 - s))
    layer = LeakyReLU(0.1)
    assert layer(z).tolist() == [[-0.2, 0.5]]
    assert layer.backward(np.array([[2.0, 2.0]])).tolist() == [[0.2, 2.0]]
    layer = ReLU()
    assert layer(z).tolist() == [[0.0, 0.5]]
    assert layer.backward(np.array([[3.0, 3.0]])).tolist() == [[0.0, 3.0]]


def test_activation_backward_before_forward_and_wrong_shape():
    with pytest.raises(RuntimeError, match=r"Tanh\(\): call forward before backward"):
        Tanh().backward(np.ones((1, 1)))
    layer = ReLU()
    layer(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"ReLU\(\) backward expected dout of shape \(2, 3\)"):
        layer.backward(np.ones((3, 2)))


def test_get_activation_and_leaky_slope():
    assert isinstance(get_activation("ReLU"), ReLU)
    assert isinstance(get_activation("leaky-relu"), LeakyReLU)
    with pytest.raises(
        ValueError,
        match="unknown activation 'swish'; valid names are: relu, leaky_relu, sigmoid, tanh",
    ):
        get_activation("swish")
    with pytest.raises(ValueError, match=r"slope must be in \[0, 1\)"):
        LeakyReLU(1.5)


# ----- Dropout ---------------------------------------------------------------------------------
@pytest.mark.parametrize("p_drop", [0.1, 0.5, 0.8])
def test_dropout_drops_p_drop_and_preserves_the_expectation(p_drop):
    layer = Dropout(p_drop, seed=0)
    x = np.ones((200, 500))
    a = layer(x)
    dropped = np.mean(a == 0)
    sd = np.sqrt(p_drop * (1 - p_drop) / x.size)
    assert abs(dropped - p_drop) < 5 * sd  # p_drop is the DROP probability
    kept = a[a != 0]
    np.testing.assert_allclose(kept, 1 / (1 - p_drop))  # inverted: survivors scaled up
    assert abs(a.mean() - 1.0) < 5 * sd / (1 - p_drop)  # E[a] = x


def test_dropout_mask_follows_the_contract_formula():
    x = np.random.default_rng(1).standard_normal((6, 7))
    a = Dropout(0.3, seed=42)(x)
    mask = np.random.default_rng(42).random(x.shape) >= 0.3
    np.testing.assert_allclose(a, x * mask / 0.7)


def test_dropout_backward_uses_the_forward_mask():
    layer = Dropout(0.5, seed=3)
    a = layer(np.ones((4, 5)))
    np.testing.assert_array_equal(layer.backward(np.ones((4, 5))), a)


def test_dropout_eval_is_identity_and_train_switches_back():
    layer = Dropout(0.5, seed=0).eval()
    x = np.random.default_rng(0).standard_normal((3, 4))
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer.backward(x), x)
    layer.train()
    assert np.any(layer(x) == 0)


def test_dropout_is_seeded():
    x = np.ones((10, 10))
    a, b = Dropout(0.5, seed=9), Dropout(0.5, seed=9)
    for _ in range(3):  # the same sequence of masks, not just the first
        np.testing.assert_array_equal(a(x), b(x))
    assert not np.array_equal(Dropout(0.5, seed=1)(x), Dropout(0.5, seed=2)(x))


def test_dropout_zero_is_identity_and_keeps_float32():
    x = np.ones((2, 3), dtype=np.float32)
    assert Dropout(0.0)(x) is x
    assert Dropout(0.5, seed=0)(x).dtype == np.float32


@pytest.mark.parametrize("kw", ["p", "keep_prob"])
def test_dropout_rejects_ambiguous_keywords(kw):
    with pytest.raises(
        TypeError, match=f"Dropout takes p_drop, the probability of DROPPING a unit, not {kw}="
    ):
        Dropout(**{kw: 0.5})


@pytest.mark.parametrize("bad", [1.0, -0.1, 1.5])
def test_dropout_rejects_out_of_range(bad):
    with pytest.raises(ValueError, match=rf"must satisfy 0 <= p_drop < 1, got {bad}"):
        Dropout(bad)


def test_dropout_needs_p_drop():
    with pytest.raises(TypeError, match="Dropout needs p_drop"):
        Dropout()
    with pytest.raises(TypeError, match="p_drop must be a number"):
        Dropout("0.5")


# ----- hypothesis keeps kinks away ---------------------------------------------------------------
@FAST
@given(x=matrices(lo=-2, hi=2))
def test_relu_after_linear_gradient(x):
    layer, act = Linear(x.shape[1], 3, seed=0), ReLU()
    z = layer(x)
    assume(np.all(np.abs(z) > 1e-3))  # no pre-activation within reach of the kink
    G = np.ones_like(z)
    numeric = numerical_gradient(lambda: float(np.sum(G * act(layer(x)))), layer.params["W"])
    act(layer(x))
    layer.backward(act.backward(G))
    assert_gradients_match(layer.grads["W"], numeric)
