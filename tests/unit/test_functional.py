"""bpkit.functional: activations, their derivatives and the softmax family."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from strategies import FAST, assert_gradients_match, away_from_zero, matrices

from bpkit import functional as fn
from bpkit.gradcheck import numerical_gradient

PAIRS = [
    (fn.sigmoid, fn.sigmoid_prime),
    (fn.tanh, fn.tanh_prime),
    (fn.relu, fn.relu_prime),
    (fn.leaky_relu, fn.leaky_relu_prime),
    (lambda z: fn.leaky_relu(z, 0.2), lambda z: fn.leaky_relu_prime(z, 0.2)),
]
ALL = [
    fn.sigmoid,
    fn.tanh,
    fn.relu,
    fn.leaky_relu,
    fn.sigmoid_prime,
    fn.tanh_prime,
    fn.relu_prime,
    fn.leaky_relu_prime,
    fn.softmax,
    fn.log_softmax,
    fn.softplus,
    fn.logsumexp,
]


@FAST
@given(z=matrices(lo=-6, hi=6))
@pytest.mark.parametrize("f, f_prime", PAIRS)
def test_derivative_matches_numerical_gradient(f, f_prime, z):
    z = away_from_zero(z)  # the ReLU kink at 0 has no derivative
    # f is element-wise, so each entry's derivative is a central difference of that entry alone.
    # (Differencing sum(f(z)) instead would add the rounding of the whole sum, about
    # 1e-16 * size / h, which swamps the tiny derivatives of a saturated tanh or sigmoid.)
    h = 1e-5
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    assert_gradients_match(f_prime(z), numeric)


@FAST
@given(z=matrices(lo=-20, hi=20))
def test_log_softmax_gradient_matches_numerical_gradient(z):
    G = np.random.default_rng(0).standard_normal(z.shape)
    numeric = numerical_gradient(lambda: float(np.sum(G * fn.log_softmax(z))), z)
    # d/dz of sum(G * log_softmax(z)) = G - softmax(z) * sum(G) per row
    analytic = G - fn.softmax(z) * G.sum(axis=1, keepdims=True)
    assert_gradients_match(analytic, numeric)


@FAST
@given(z=matrices(lo=-50, hi=50))
def test_softmax_rows_are_distributions_and_shift_invariant(z):
    p = fn.softmax(z)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(fn.softmax(z + 123.0), p, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(np.exp(fn.log_softmax(z)), p, rtol=1e-9, atol=1e-15)


def test_known_values():
    assert fn.sigmoid(0.0) == 0.5
    np.testing.assert_allclose(fn.sigmoid(np.array([-2.0, 2.0])), 1 / (1 + np.exp([2.0, -2.0])))
    np.testing.assert_allclose(fn.sigmoid(-3.0), 1 - fn.sigmoid(3.0))
    assert fn.relu(np.array([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 2.0]
    assert fn.relu_prime(np.array([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 1.0]  # 0 at the kink
    assert fn.leaky_relu(np.array([-1.0, 2.0]), 0.1).tolist() == [-0.1, 2.0]
    assert fn.leaky_relu_prime(np.array([-1.0, 2.0]), 0.1).tolist() == [0.1, 1.0]
    np.testing.assert_allclose(fn.logsumexp(np.array([[0.0, np.log(3.0)]])), [np.log(4.0)])
    np.testing.assert_allclose(fn.softplus(np.array([0.0])), [np.log(2.0)])
    assert fn.logsumexp(np.zeros((2, 3)), axis=None) == pytest.approx(np.log(6.0))
    assert fn.logsumexp(np.zeros((2, 3)), keepdims=True).shape == (2, 1)


@pytest.mark.parametrize("f", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_at_plus_minus_1e4_without_warnings(f, dtype):
    z = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        out = f(z)
    assert np.all(np.isfinite(out))
    assert out.dtype == dtype  # float32 in, float32 out


def test_extreme_values_are_right():
    z = np.array([-1e4, 1e4])
    assert fn.sigmoid(z).tolist() == [0.0, 1.0]
    assert fn.tanh(z).tolist() == [-1.0, 1.0]
    assert fn.softplus(z).tolist() == [0.0, 1e4]
    np.testing.assert_allclose(fn.log_softmax(np.array([[1e4, 0.0]])), [[0.0, -1e4]])
    assert fn.logsumexp(np.array([1e4, 1e4])) == pytest.approx(1e4 + np.log(2))


def test_integer_input_becomes_float64():
    assert fn.sigmoid(np.array([0, 1])).dtype == np.float64
    assert fn.relu([1, -1]).tolist() == [1.0, 0.0]
