"""bpkit.losses: values, gradients (with the 1/n inside), stability and error messages."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import FAST, assert_gradients_match, batch, dims, floats, matrices

from bpkit._validate import as_array
from bpkit.gradcheck import numerical_gradient
from bpkit.losses import binary_cross_entropy, get_loss, mse, softmax_cross_entropy
from bpkit.model import mlp
from bpkit.train import fit


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
    # by name: the training-loop form of the same function (non-finite predictions let through)
    for name, loss in [
        ("mse", mse),
        ("bce", binary_cross_entropy),
        ("softmax_ce", softmax_cross_entropy),
        ("cross_entropy", softmax_cross_entropy),
        ("Binary-Cross-Entropy", binary_cross_entropy),
    ]:
        form = get_loss(name)
        assert form.func is loss and form.keywords == {"check_finite": False}
    # bpkit's own loss passed as a function gets the same form; any other function is kept
    assert get_loss(mse).func is mse and get_loss(mse).keywords == {"check_finite": False}

    def mine(out, y):
        return mse(out, y)

    assert get_loss(mine) is mine
    with pytest.raises(
        ValueError, match="unknown loss 'hinge'; valid names are: mse, bce, softmax_ce"
    ):
        get_loss("hinge")


# ----- bool labels: classes 0 and 1 (cast, never used as a mask) --------------------------------
@pytest.mark.parametrize(
    "z",
    [
        np.array([[0.3, -1.0], [2.0, 0.5], [-0.4, 1.2]]),  # n = 3 != k = 2: used to be IndexError
        np.array([[0.3, -1.0], [2.0, 0.5]]),  # n == k == 2: used to be a wrong value, silently
        np.array([[0.3, -1.0, 0.1], [2.0, 0.5, -2.0], [0.0, 1.0, 2.0]]),  # n == k == 3
    ],
    ids=["n!=k", "n==k=2", "n==k=3"],
)
def test_bool_labels_are_classes_0_and_1(z):
    labels = np.array([True, False, True])[: len(z)]
    L, grad = softmax_cross_entropy(z, labels)
    L_int, grad_int = softmax_cross_entropy(z, labels.astype(int))
    assert L == L_int
    np.testing.assert_array_equal(grad, grad_int)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)  # the textbook value, as a check
    assert L == pytest.approx(-np.mean(np.log(p[np.arange(len(z)), labels.astype(int)])))


def test_bool_targets_count_as_0_and_1_everywhere():
    y_bool = np.array([[True], [False], [True]])
    y_float = y_bool.astype(float)
    out = np.array([[0.3], [-1.0], [2.0]])
    for loss in (mse, binary_cross_entropy):
        L, grad = loss(out, y_bool)
        L_ref, grad_ref = loss(out, y_float)
        assert L == L_ref
        np.testing.assert_array_equal(grad, grad_ref)
    onehot = np.array([[False, True], [True, False]])  # bool one-hot rows, shape (n, k)
    z = np.array([[2.0, 0.5], [-1.0, 0.3]])
    assert softmax_cross_entropy(z, onehot)[0] == softmax_cross_entropy(z, np.array([1, 0]))[0]


def test_a_bool_label_needs_two_classes():
    with pytest.raises(
        ValueError, match=r"labels must be class indices in \[0, 1\), got values from 0 to 1"
    ):
        softmax_cross_entropy(np.zeros((2, 1)), np.array([True, False]))


# ----- NaN and inf: rejected with fit's message -------------------------------------------------
BAD_INPUTS = [
    (mse, "y_hat", [[0.5], [np.nan]], [[1.0], [0.0]], "NaN", "(1, 0)"),
    (mse, "y", [[0.5], [0.2]], [[1.0], [np.inf]], "infinite", "(1, 0)"),
    (binary_cross_entropy, "logits", [np.nan, 0.3], [1.0, 0.0], "NaN", "(0,)"),
    (binary_cross_entropy, "y", [0.1, 0.3], [1.0, np.nan], "NaN", "(1,)"),
    (softmax_cross_entropy, "logits", [[0.0, np.inf], [1.0, 2.0]], [0, 1], "infinite", "(0, 1)"),
    (softmax_cross_entropy, "y", [[0.0, 1.0], [1.0, 2.0]], [[1.0, 0.0], [np.nan, 1.0]], "NaN",
     "(1, 0)"),
    (softmax_cross_entropy, "y", [[0.0, 1.0], [1.0, 2.0]], [0.0, np.nan], "NaN", "(1,)"),
]  # fmt: skip


@pytest.mark.parametrize(("loss", "name", "out", "y", "what", "where"), BAD_INPUTS)
def test_nan_and_inf_are_rejected_with_the_message_fit_gives(loss, name, out, y, what, where):
    with pytest.raises(ValueError) as err:
        loss(np.array(out), np.array(y))
    message = str(err.value)
    assert message.startswith(f"{loss.__name__}: {name} contains {what} values (")
    assert f"first at index {where}). Check the data and the learning rate." in message
    bad = np.array(out if name != "y" else y, dtype=float)
    with pytest.raises(ValueError) as from_fit:  # what fit says for the same array
        as_array(bad, name)
    assert message == f"{loss.__name__}: {from_fit.value}"


def test_fit_and_the_losses_word_a_nan_alike():
    X, y = np.zeros((4, 2)), np.array([[0.0], [np.nan], [1.0], [0.0]])
    with pytest.raises(ValueError) as from_fit:
        fit(mlp([2, 1], seed=0), X, y, loss="mse", epochs=1)
    with pytest.raises(ValueError) as from_mse:
        mse(np.zeros((4, 1)), y)
    assert str(from_mse.value) == f"mse: {from_fit.value}"


def test_the_training_loop_form_lets_a_diverged_prediction_through():
    # a diverging run: the loss must come out non-finite so the loop can stop, not raise
    out = np.array([[np.inf], [np.nan]])
    with np.errstate(all="ignore"):  # as in fit: a loop reports divergence, not warnings
        for name in ("mse", "bce"):
            L, _ = get_loss(name)(out, np.array([[1.0], [0.0]]))
            assert not np.isfinite(L)
        L, _ = get_loss("softmax_ce")(np.array([[np.nan, 0.0]]), np.array([1]))
    assert not np.isfinite(L)
    with pytest.raises(ValueError, match="mse: y contains NaN values"):  # targets: still data
        get_loss("mse")(np.zeros((1, 1)), np.array([[np.nan]]))


def test_fit_still_reports_a_diverged_run_instead_of_raising():
    X = np.linspace(-1e3, 1e3, 40).reshape(-1, 2)
    h = fit(mlp([2, 8, 1], seed=0), X, X[:, :1] * 1e3, loss="mse", eta=1e3, epochs=50)
    assert h.diverged and not np.isfinite(h.loss[-1])


# ----- strings: rejected, never parsed ----------------------------------------------------------
@pytest.mark.parametrize(
    ("loss", "out", "y", "dtype"),
    [
        (mse, [[1.0], [0.0]], ["2.0", "1.5"], "<U3"),
        (mse, [[1.0], [0.0]], np.array([[2.0], [1.5]], dtype=object), "object"),
        (binary_cross_entropy, [0.5, -0.5], ["1", "0"], "<U1"),
        (softmax_cross_entropy, [[0.5, -0.5]], ["1"], "<U1"),
        (softmax_cross_entropy, [[0.5, -0.5]], [["0", "1"]], "<U1"),
    ],
)
def test_string_targets_are_rejected_as_fit_rejects_them(loss, out, y, dtype):
    with pytest.raises(ValueError) as err:
        loss(np.array(out), y)
    assert str(err.value) == f"{loss.__name__}: y must hold numbers, got dtype {dtype}"


def test_fit_rejects_string_targets_with_the_same_words():
    X = np.zeros((2, 2))
    with pytest.raises(ValueError) as from_fit:
        fit(mlp([2, 1], seed=0), X, np.array(["2.0", "1.5"]), loss="mse", epochs=1)
    with pytest.raises(ValueError) as from_mse:
        mse(np.zeros((2, 1)), np.array(["2.0", "1.5"]))
    assert str(from_mse.value) == f"mse: {from_fit.value}"
