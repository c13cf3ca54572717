"""bpkit.losses: values, gradients (with the 1/n inside), stability and error messages."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import FAST, assert_gradients_match, batch, dims, floats, matrices

from bpkit.gradcheck import numerical_gradient
from bpkit.losses import binary_cross_entropy, get_loss, mse, softmax_cross_entropy


def check_gradient(loss, out, y):
    L, grad = loss(out, y)
    numeric = numerical_gradient(lambda: loss(out, y)[0], out)
    assert grad.shape == out.shape
    assert_gradients_match(grad, numeric)
    return L, grad


# ----- gradients against finite differences ---------------------------------------------------
@FAST
@given(data=st.data(), n=batch, k=dims)
def test_mse_gradient(data, n, k):
    y_hat = data.draw(matrices(n=n, d=k))
    y = data.draw(matrices(n=n, d=k))
    check_gradient(mse, y_hat, y)


@FAST
@given(data=st.data(), n=batch, k=st.sampled_from([None, 1, 3]))
def test_bce_gradient(data, n, k):
    shape = (n,) if k is None else (n, k)
    z = data.draw(hnp.arrays(np.float64, shape, elements=floats(-8, 8)))
    y = data.draw(hnp.arrays(np.float64, shape, elements=floats(0, 1)))
    check_gradient(binary_cross_entropy, z, y)


@FAST
@given(data=st.data(), n=batch, k=st.integers(2, 6))
def test_softmax_ce_gradient_int_labels(data, n, k):
    z = data.draw(matrices(n=n, d=k, lo=-10, hi=10))
    y = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    L, grad = check_gradient(softmax_cross_entropy, z, y)
    L_onehot, grad_onehot = softmax_cross_entropy(z, np.eye(k)[y])  # one-hot: same answer
    assert L == pytest.approx(L_onehot, rel=1e-12)
    np.testing.assert_allclose(grad, grad_onehot, atol=1e-15)


@FAST
@given(data=st.data(), n=batch, k=st.integers(2, 5))
def test_softmax_ce_gradient_soft_targets(data, n, k):
    z = data.draw(matrices(n=n, d=k))
    w = data.draw(matrices(n=n, d=k, lo=0.01, hi=1.0))
    check_gradient(softmax_cross_entropy, z, w / w.sum(axis=1, keepdims=True))


# ----- values ----------------------------------------------------------------------------------
def test_mse_is_sum_of_squares_over_2n():
    L, grad = mse(np.array([[1.0], [2.0], [4.0]]), np.array([[1.0], [1.0], [1.0]]))
    assert L == pytest.approx((0 + 1 + 9) / (2 * 3))
    np.testing.assert_allclose(grad, [[0.0], [1 / 3], [3 / 3]])


def test_bce_matches_the_textbook_formula():
    z = np.array([-2.0, 0.0, 1.5])
    y = np.array([0.0, 1.0, 1.0])
    p = 1 / (1 + np.exp(-z))
    L, grad = binary_cross_entropy(z, y)
    assert L == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    np.testing.assert_allclose(grad, (p - y) / 3)
    assert binary_cross_entropy(np.zeros(4), np.ones(4))[0] == pytest.approx(np.log(2))


def test_softmax_ce_matches_the_textbook_formula():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    y = np.array([1, 2])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    L, grad = softmax_cross_entropy(z, y)
    assert L == pytest.approx(-np.mean(np.log(p[[0, 1], y])))
    np.testing.assert_allclose(grad, (p - np.eye(3)[y]) / 2)


@pytest.mark.parametrize(
    "loss, out, y",
    [
        (mse, np.array([[0.3, -1.0], [2.0, 0.5]]), np.array([[1.0, 0.0], [0.0, 1.0]])),
        (binary_cross_entropy, np.array([0.3, -1.0]), np.array([1.0, 0.0])),
        (softmax_cross_entropy, np.array([[0.3, -1.0], [2.0, 0.5]]), np.array([0, 1])),
    ],
)
def test_loss_is_a_batch_mean_and_its_gradient_holds_the_1_over_n(loss, out, y):
    L, grad = loss(out, y)
    L2, grad2 = loss(np.concatenate([out, out]), np.concatenate([y, y]))
    assert L2 == pytest.approx(L)  # the mean does not change when the batch is duplicated
    np.testing.assert_allclose(grad2[: len(out)], grad / 2)  # each row now counts half


def test_targets_of_shape_n_match_outputs_of_shape_n_by_1():
    y_hat = np.array([[1.0], [3.0]])
    assert mse(y_hat, np.array([1.0, 1.0]))[0] == pytest.approx(1.0)
    assert binary_cross_entropy(np.zeros((2, 1)), [0, 1])[1].shape == (2, 1)


def test_float32_in_float32_out():
    z = np.array([[0.5, -0.5]], dtype=np.float32)
    for loss, y in [(mse, np.ones((1, 2))), (binary_cross_entropy, np.ones((1, 2)))]:
        assert loss(z, y)[1].dtype == np.float32
    assert softmax_cross_entropy(z, [1])[1].dtype == np.float32
    assert isinstance(mse(z, np.ones((1, 2)))[0], float)


# ----- stability -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_at_plus_minus_1e4_without_warnings(dtype):
    z = np.array([[1e4], [-1e4], [1e4], [-1e4]], dtype=dtype)
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        results = {
            "bce": binary_cross_entropy(z, y),
            "ce": softmax_cross_entropy(Z, np.array([1, 1])),
            "mse": mse(z, y),
        }
    for L, grad in results.values():
        assert np.isfinite(L) and np.all(np.isfinite(grad))
    assert results["bce"][0] == pytest.approx(2 * 1e4 / 4)  # two confidently wrong examples
    np.testing.assert_allclose(results["bce"][1].ravel(), [0.25, -0.25, 0, 0])
    assert results["ce"][0] == pytest.approx(2e4 / 2)  # first example off by 2e4, second right


# ----- errors ----------------------------------------------------------------------------------
def test_mismatched_label_count_is_named():
    msg = r"mse: y_hat has 3 rows but y has 4 labels \(shapes \(3, 1\) and \(4,\)\)"
    with pytest.raises(ValueError, match=msg):
        mse(np.ones((3, 1)), np.ones(4))
    with pytest.raises(
        ValueError, match="binary_cross_entropy: logits has 2 rows but y has 3 labels"
    ):
        binary_cross_entropy(np.ones(2), np.ones(3))
    with pytest.raises(
        ValueError, match=r"softmax_cross_entropy: logits have 2 rows but y has shape \(3,\)"
    ):
        softmax_cross_entropy(np.ones((2, 3)), np.array([0, 1, 2]))


def test_label_values_are_checked():
    with pytest.raises(
        ValueError, match=r"labels must be class indices in \[0, 3\), got values from 0 to 3"
    ):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="must be integer class indices"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\], got values from 0.0 to 2.0"):
        binary_cross_entropy(np.zeros(2), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"logits must have shape \(n, k\)"):
        softmax_cross_entropy(np.zeros(3), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"y has shape \(2, 2\) but y_hat has shape \(2, 3\)"):
        mse(np.zeros((2, 3)), np.zeros((2, 2)))


def test_float_labels_that_are_whole_numbers_are_accepted():
    assert softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 2.0]))[0] == pytest.approx(
        np.log(3)
    )


def test_get_loss():
    assert get_loss("mse") is mse
    assert get_loss("bce") is binary_cross_entropy
    assert get_loss("softmax_ce") is softmax_cross_entropy
    assert get_loss("cross_entropy") is softmax_cross_entropy
    assert get_loss(mse) is mse
    with pytest.raises(
        ValueError, match="unknown loss 'hinge'; valid names are: mse, bce, softmax_ce"
    ):
        get_loss("hinge")
