"""bpkit.gradcheck: the numerical tools, and that every check mode catches broken layers."""

import numpy as np
import pytest
from hypothesis import given
from strategies import FAST, matrices

from bpkit.gradcheck import (
    GradCheckReport,
    check_layer,
    check_model,
    numerical_gradient,
    rel_error,
    tolerance,
)
from bpkit.layers import Dropout, LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from bpkit.model import Sequential, mlp

MODES = ["full", "sparse", "directional"]


# ----- numerical_gradient -----------------------------------------------------------------------
@FAST
@given(x=matrices(lo=-2, hi=2))
def test_numerical_gradient_of_a_known_function(x):
    A = np.arange(1.0, 1.0 + x.size).reshape(x.shape)
    numeric = numerical_gradient(lambda v: float(np.sum(A * v**2 + np.sin(v))), x)
    np.testing.assert_allclose(numeric, 2 * A * x + np.cos(x), rtol=1e-7, atol=1e-7)


def test_numerical_gradient_restores_x_exactly_and_perturbs_in_place():
    x = np.array([0.1, 1e-17, 3.3333333333333335, -7.1e8])
    before = x.copy()
    seen = []
    numerical_gradient(lambda v: seen.append(v is x) or float(np.sum(v)), x)
    assert all(seen) and len(seen) == 2 * x.size
    assert x.tobytes() == before.tobytes()  # bit for bit


def test_numerical_gradient_at_indices_and_closures():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    values = numerical_gradient(lambda: float(np.sum(x**2)), x, indices=[(1, 0), (0, 1)])
    np.testing.assert_allclose(values, [6.0, 4.0], rtol=1e-8)
    assert values.shape == (2,)
    x32 = np.array([0.5, -1.0], dtype=np.float32)
    np.testing.assert_allclose(
        numerical_gradient(lambda v: float(np.sum(v**3)), x32), [0.75, 3.0], rtol=1e-3
    )


def test_numerical_gradient_errors():
    with pytest.raises(TypeError, match="x must be a float ndarray"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))
    with pytest.raises(ValueError, match=r"f must return a scalar, got an array of shape \(2,\)"):
        numerical_gradient(lambda v: v * 2, np.ones(2))
    with pytest.raises(ValueError, match="h must be > 0"):
        numerical_gradient(lambda v: 0.0, np.ones(2), h=0)


# ----- rel_error and tolerance ------------------------------------------------------------------
def test_rel_error_values():
    a = np.array([1.0, -2.0, 0.0])
    assert rel_error(a, a) == 0.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(a, -a) == pytest.approx(1.0)  # a sign error
    assert rel_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 4.2)
    assert rel_error(a, 2 * a) == rel_error(2 * a, a) == pytest.approx(2 / 6)


def test_rel_error_names_a_shape_mismatch():
    with pytest.raises(ValueError, match=r"shapes differ, \(2, 3\) vs \(3, 2\) \(a transpose\?\)"):
        rel_error(np.ones((2, 3)), np.ones((3, 2)))


def test_tolerance_depends_on_dtype():
    assert tolerance(np.float64) == 1e-6
    assert tolerance(np.float32) > 100 * tolerance(np.float64)


# ----- correct layers and models pass -----------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "layer",
    [Linear(4, 3, seed=0), Sigmoid(), Tanh(), ReLU(), LeakyReLU(0.1), Dropout(0.4, seed=0)],
    ids=repr,
)
def test_correct_layers_pass(layer, mode):
    X = np.random.default_rng(1).standard_normal((5, 4)) + 0.05
    report = check_layer(layer, X, mode=mode, k=5)
    assert report.ok, str(report)
    names = [e.name for e in report.entries]
    if mode == "directional":
        assert names == (["W, b", "input"] if layer.params else ["input"])
    else:
        assert names == [*layer.params, "input"]
    assert all(e.rel_error < 1e-6 for e in report.entries)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("loss", ["mse", "bce", "softmax_ce"])
def test_correct_models_pass(loss, mode):
    model = mlp([3, 5, 4, 2], activation="tanh", p_drop=0.3, seed=0)  # dropout masks frozen
    g = np.random.default_rng(0)
    X = g.standard_normal((6, 3))
    y = {
        "mse": g.standard_normal((6, 2)),
        "bce": g.random((6, 2)),
        "softmax_ce": g.integers(0, 2, 6),
    }
    before = {k: v.tobytes() for k, v in model.get_weights().items()}
    report = check_model(model, X, y[loss], loss=loss, mode=mode, k=4)
    assert report.ok, str(report)
    assert {k: v.tobytes() for k, v in model.get_weights().items()} == before  # restored exactly
    if mode == "directional":
        assert [e.name for e in report.entries] == ["all 6 parameters"]
    else:
        assert [e.name for e in report.entries] == list(model.named_params())
        checked = [e.n_checked for e in report.entries]
        sizes = [p.size for p in model.named_params().values()]
        assert checked == (sizes if mode == "full" else [min(4, s) for s in sizes])


def test_float32_model_passes_with_the_float32_tolerance():
    model = mlp([3, 6, 2], activation="tanh", dtype=np.float32, seed=0)
    X = np.random.default_rng(0).standard_normal((5, 3))
    for mode in MODES:
        report = check_model(model, X, [0, 1, 0, 1, 1], loss="softmax_ce", mode=mode)
        assert report.ok and report.tol == tolerance(np.float32) and report.dtype == "float32"


# ----- broken layers are caught in every mode -----------------------------------------------------
class MissingTranspose(Linear):
    """grads["W"] transposed (square layer, so the shapes still fit)."""

    def backward(self, dout, input_grad=True):
        d = super().backward(dout, input_grad)
        self.grads["W"][...] = self.grads["W"].T.copy()
        return d


class BiasTimesN(Linear):
    """grads["b"] multiplied by n: the 1/n lost on the bias."""

    def backward(self, dout, input_grad=True):
        d = super().backward(dout, input_grad)
        self.grads["b"] *= len(dout)
        return d


class WrongInputGrad(Linear):
    """Returns dout @ W.T-like nonsense for a square layer: the input gradient uses W.T."""

    def backward(self, dout, input_grad=True):
        super().backward(dout, input_grad)
        return dout @ self.W.T


class SigmoidWithoutDerivative(Sigmoid):
    """Forgets f'(z): passes dout straight through."""

    def backward(self, dout):
        super().backward(dout)
        return dout


BROKEN = [
    (MissingTranspose, "W"),
    (BiasTimesN, "b"),
    (WrongInputGrad, "input"),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cls, culprit", BROKEN, ids=lambda v: getattr(v, "__name__", v))
def test_broken_layer_is_caught(cls, culprit, mode):
    layer = cls(4, 4, seed=0)
    layer.params["b"][:] = 0.3
    X = np.random.default_rng(2).standard_normal((6, 4))
    report = check_layer(layer, X, mode=mode, k=16)
    assert not report.ok
    failing = [e.name for e in report.entries if not e.ok]
    if mode == "directional":
        assert len(failing) == 1 and culprit in failing[0]
    else:
        assert failing == [culprit]
    text = str(report)
    assert "FAILED" in text and "WRONG" in text and f"worst entries of {failing[0]}" in text


@pytest.mark.parametrize("mode", MODES)
def test_broken_activation_inside_a_model_is_caught(mode):
    model = Sequential(Linear(3, 4, seed=0), SigmoidWithoutDerivative(), Linear(4, 2, seed=1))
    X = np.random.default_rng(0).standard_normal((5, 3))
    report = check_model(model, X, [0, 1, 1, 0, 1], loss="softmax_ce", mode=mode, k=3)
    assert not report.ok, str(report)
    if mode != "directional":  # the layer after the bug is fine; the one before is wrong
        status = {e.name: e.ok for e in report.entries}
        assert status == {"0.W": False, "0.b": False, "2.W": True, "2.b": True}
    with pytest.raises(AssertionError, match="gradient check"):
        report.assert_ok()


def test_broken_model_layer_caught_in_float32_too():
    layers = [
        BiasTimesN(3, 3, seed=0, dtype=np.float32),
        Tanh(),
        Linear(3, 2, seed=1, dtype=np.float32),
    ]
    layers[0].params["b"][:] = 0.5
    model = Sequential(*layers)
    X = np.random.default_rng(0).standard_normal((8, 3))
    for mode in MODES:
        report = check_model(model, X, [0, 1] * 4, loss="softmax_ce", mode=mode)
        assert report.dtype == "float32" and not report.ok


# ----- the report and the argument checks --------------------------------------------------------
def test_report_text_is_a_readable_table():
    report = check_layer(Linear(3, 2, seed=0), np.ones((2, 3)), mode="full")
    text = str(report)
    lines = text.splitlines()
    assert lines[0] == "gradient check (full, float64, tol 1e-06): PASSED"
    assert lines[1].split() == ["parameter", "shape", "checked", "rel_error", "status"]
    assert lines[2].split()[:4] == ["W", "(2,", "3)", "6"] and lines[2].endswith("ok")
    assert isinstance(report, GradCheckReport) and "ok=True" in repr(report)
    worst = report.entries[0].worst
    assert len(worst) == 3 and all(len(w) == 3 for w in worst)


def test_check_arguments_are_validated():
    with pytest.raises(
        ValueError,
        match="unknown gradcheck mode 'fast'; valid modes are: full, sparse, directional",
    ):
        check_layer(Tanh(), np.ones((2, 2)), mode="fast")
    with pytest.raises(ValueError, match="sparse mode needs k >= 1"):
        check_layer(Tanh(), np.ones((2, 2)), mode="sparse", k=0)
    with pytest.raises(ValueError, match="X contains NaN"):
        check_model(mlp([2, 1]), np.array([[np.nan, 0.0]]), [[0.0]])
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        check_model(mlp([2, 1]), np.ones((1, 2)), [[0.0]], loss="l1")
    with pytest.raises(ValueError, match="no parameters"):
        check_model(Sequential(Tanh()), np.ones((1, 2)), [[0.0, 0.0]])


def test_check_layer_does_not_change_the_callers_input():
    X = np.random.default_rng(0).standard_normal((3, 4))
    before = X.copy()
    check_layer(Linear(4, 2, seed=0), X, mode="full")
    np.testing.assert_array_equal(X, before)


def test_numerical_gradient_accepts_numpy_scalars_from_f():
    # np.sum returns a numpy scalar, whose .data attribute is a memory buffer, not a number
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda: np.sum(W**2), W)
    np.testing.assert_allclose(grad, 2 * W, rtol=1e-7)
