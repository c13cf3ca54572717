"""bpkit.recurrent: BPTT against numerical gradients, truncation, long sequences, errors; and the
BPTT explorer built on it (without a kernel)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import FAST, assert_gradients_match, seeds

from bpkit.gradcheck import check_layer, numerical_gradient, rel_error
from bpkit.layers import Linear
from bpkit.losses import mse
from bpkit.model import Sequential
from bpkit.recurrent import RNN, sequence_mse, spectral_radius, with_radius

lengths = st.integers(min_value=1, max_value=7)
small = st.integers(min_value=1, max_value=4)


def _layer(d_in, d_h, d_out, output, seed, activation="tanh", truncate=None) -> RNN:
    layer = RNN(
        d_in, d_h, d_out, output=output, activation=activation, truncate=truncate, seed=seed
    )
    layer.params["b"][:] = 0.3 * np.random.default_rng(seed).standard_normal(d_h)
    return layer


def _objective(layer: RNN, X: np.ndarray, G: np.ndarray, h0: np.ndarray | None = None):
    return lambda: float(np.vdot(G, layer.forward(X, h0)))


# ----- full BPTT against finite differences ------------------------------------------------------
@FAST
@given(
    n=small,
    T=lengths,
    d_in=small,
    d_h=small,
    d_out=st.one_of(st.none(), small),
    output=st.sampled_from(["last", "sequence"]),
    activation=st.sampled_from(["tanh", "sigmoid", "linear"]),
    seed=seeds,
)
def test_bptt_matches_the_numerical_gradient(n, T, d_in, d_h, d_out, output, activation, seed):
    layer = _layer(d_in, d_h, d_out, output, seed, activation)
    g = np.random.default_rng(seed + 1)
    X = g.standard_normal((n, T, d_in))
    h0 = 0.5 * g.standard_normal((n, d_h))
    out = layer.forward(X, h0)
    G = g.standard_normal(out.shape)  # a random upstream gradient: a vector-Jacobian product
    dX = layer.backward(G)
    analytic = {k: v.copy() for k, v in layer.grads.items()}
    dh0 = layer.dh0.copy()
    f = _objective(layer, X, G, h0)
    for name, param in layer.params.items():
        assert_gradients_match(analytic[name], numerical_gradient(f, param), name)
    assert_gradients_match(dX, numerical_gradient(f, X), "dL/dX")
    assert_gradients_match(dh0, numerical_gradient(f, h0), "dL/dh0")


@FAST
@given(n=small, T=lengths, d_h=small, seed=seeds)
def test_dH_holds_the_gradient_with_respect_to_every_state(n, T, d_h, seed):
    """dL/dh_t, checked through h0: the states after step t depend on h_t exactly as a fresh
    sequence X[:, t+1:] started from h_t would."""
    layer = _layer(2, d_h, None, "sequence", seed)
    g = np.random.default_rng(seed)
    X = g.standard_normal((n, T, 2))
    G = g.standard_normal((n, T, d_h))
    layer.forward(X)
    layer.backward(G)
    dH = layer.dH.copy()
    H = layer.H.copy()
    tail = RNN(2, d_h, output="sequence")
    for k in ("W_x", "W_h", "b"):
        tail.params[k][...] = layer.params[k]
    for t in range(T - 1):  # dL/dh_t = G_t + what flows back from the later steps
        h_t = H[:, t].copy()
        numeric = numerical_gradient(
            lambda h_t=h_t, t=t: float(np.vdot(G[:, t + 1 :], tail.forward(X[:, t + 1 :], h_t))),
            h_t,
        )
        assert_gradients_match(dH[:, t], G[:, t] + numeric, f"dL/dh_{t + 1}")
    np.testing.assert_allclose(dH[:, -1], G[:, -1])


def test_check_layer_passes_on_every_output_kind() -> None:
    X = np.random.default_rng(0).standard_normal((3, 5, 2))
    for d_out in (None, 2):
        for output in ("last", "sequence"):
            report = check_layer(_layer(2, 3, d_out, output, seed=1), X)
            assert report.ok, str(report)


# ----- truncation --------------------------------------------------------------------------------
def _truncated_numeric(layer: RNN, X: np.ndarray, G: np.ndarray, k: int) -> dict:
    """The definition, by finite differences: the error of step t sees only the last k steps,
    z_{t-k+1} .. z_t; the state before them, h_{t-k}, is held fixed at its actual value."""
    n, T, _ = X.shape
    layer.forward(X)
    H = layer.H.copy()
    probe = RNN(layer.d_in, layer.d_h, layer.d_out, output="sequence")
    for name in layer.params:
        probe.params[name] = layer.params[name]  # the same arrays: perturbing one moves both
    if probe.head is not None:
        probe.head.params["W"], probe.head.params["b"] = layer.params["W_y"], layer.params["b_y"]

    def f() -> float:
        total = 0.0
        for t in range(T):
            start = max(t - k + 1, 0)
            h_start = np.zeros((n, layer.d_h)) if start == 0 else H[:, start - 1]
            y = probe.forward(X[:, start : t + 1], h_start)[:, -1]
            total += float(np.vdot(G[:, t], y))
        return total

    return {name: numerical_gradient(f, p) for name, p in layer.params.items()}


@FAST
@given(n=small, T=st.integers(2, 7), d_h=small, head=st.booleans(), seed=seeds, data=st.data())
def test_truncated_bptt_matches_its_definition(n, T, d_h, head, seed, data):
    k = data.draw(st.integers(1, T))
    layer = _layer(2, d_h, 2 if head else None, "sequence", seed, truncate=k)
    g = np.random.default_rng(seed)
    X = g.standard_normal((n, T, 2))
    out = layer.forward(X)
    G = g.standard_normal(out.shape)
    layer.backward(G)
    analytic = {name: grad.copy() for name, grad in layer.grads.items()}
    numeric = _truncated_numeric(layer, X, G, k)
    for name in analytic:
        assert_gradients_match(analytic[name], numeric[name], f"{name} (k={k})")


def test_truncation_to_T_is_full_bptt_and_k_1_keeps_no_recurrent_path() -> None:
    g = np.random.default_rng(0)
    X, G = g.standard_normal((3, 6, 2)), g.standard_normal((3, 6, 4))
    layer = _layer(2, 4, None, "sequence", seed=0)
    layer.forward(X)
    layer.backward(G)
    full = {k: v.copy() for k, v in layer.grads.items()}
    layer.backward(G, truncate=6)
    for k in full:
        np.testing.assert_array_equal(layer.grads[k], full[k])
    layer.backward(G, truncate=1)  # each error only its own step: delta_t = G_t * f'(z_t)
    D = G * (1 - layer.H**2)
    np.testing.assert_allclose(layer.grads["W_x"], np.einsum("ntj,nti->ji", D, X))
    assert rel_error(layer.grads["W_x"], full["W_x"]) > 1e-3


def test_truncation_of_a_last_step_loss_stops_k_steps_back() -> None:
    g = np.random.default_rng(1)
    X = g.standard_normal((2, 10, 3))
    layer = RNN(3, 5, 1, seed=0, truncate=3)
    layer.forward(X)
    layer.backward(g.standard_normal((2, 1)))
    reached = np.abs(layer.dH).sum(axis=(0, 2)) > 0
    assert reached.tolist() == [False] * 7 + [True] * 3


def test_truncated_bptt_of_a_sequence_of_1000_steps_runs() -> None:
    X = np.random.default_rng(0).standard_normal((2, 1000, 2))
    layer = RNN(2, 4, 1, output="sequence", seed=0, truncate=20)
    out = layer.forward(X)
    dX = layer.backward(np.ones_like(out) / out.size)
    assert np.isfinite(dX).all() and np.isfinite(layer.grads["W_h"]).all()


# ----- long sequences ----------------------------------------------------------------------------
def test_a_sequence_of_1000_steps_is_stable_and_its_gradient_checks() -> None:
    g = np.random.default_rng(3)
    X = g.standard_normal((2, 1000, 3))
    layer = RNN(3, 6, 1, seed=0, radius=0.95)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no recursion: a loop over time
        report = check_layer(layer, X, mode="directional", seed=0)
    assert report.ok, str(report)
    for name, grad in layer.grads.items():
        assert np.isfinite(grad).all(), name


def test_a_large_radius_over_1000_steps_stays_finite_with_tanh() -> None:
    X = np.random.default_rng(4).standard_normal((3, 1000, 2))
    layer = RNN(2, 8, 1, seed=0, radius=4.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = layer.forward(X)
        layer.backward(np.ones_like(out))
    assert np.abs(layer.H).max() <= 1.0
    assert all(np.isfinite(g).all() for g in layer.grads.values())


# ----- inside a Sequential, float32, helpers ------------------------------------------------------
def test_a_sequential_holds_the_layer_and_backpropagates_through_it() -> None:
    g = np.random.default_rng(5)
    X, y = g.standard_normal((4, 6, 2)), g.standard_normal((4, 1))
    model = Sequential(RNN(2, 5, seed=0), Linear(5, 1, seed=1))
    assert sorted(model.named_params()) == ["0.W_h", "0.W_x", "0.b", "1.W", "1.b"]
    L, dout = mse(model.forward(X), y)
    model.backward(dout)
    analytic = {k: v.copy() for k, v in model.named_grads().items()}
    for name, param in model.named_params().items():
        numeric = numerical_gradient(lambda: mse(model.forward(X), y)[0], param)
        assert_gradients_match(analytic[name], numeric, name)
    model.zero_grad()
    assert all(not v.any() for v in model.named_grads().values())


def test_float32_layers_compute_in_float32() -> None:
    X = np.random.default_rng(0).standard_normal((3, 4, 2))
    layer = RNN(2, 3, 1, output="sequence", seed=0, dtype=np.float32)
    out = layer.forward(X)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.grads.values())
    assert check_layer(layer, X).ok


def test_the_radius_argument_sets_the_spectral_radius_of_W_h() -> None:
    layer = RNN(2, 16, radius=0.5, seed=0)
    assert spectral_radius(layer.params["W_h"]) == pytest.approx(0.5)
    W = np.random.default_rng(0).standard_normal((5, 5))
    assert spectral_radius(with_radius(W, 3.0)) == pytest.approx(3.0)
    assert spectral_radius(np.diag([0.5, -2.0])) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="square"):
        spectral_radius(np.ones((2, 3)))
    with pytest.raises(ValueError, match="radius"):
        with_radius(W, -1.0)


def test_sequence_mse_weighs_every_step_alike() -> None:
    g = np.random.default_rng(0)
    y_hat, y = g.standard_normal((4, 5, 2)), g.standard_normal((4, 5, 2))
    L, d = sequence_mse(y_hat, y)
    L_rows, d_rows = mse(y_hat.reshape(20, 2), y.reshape(20, 2))
    assert L == pytest.approx(L_rows)
    np.testing.assert_allclose(d, d_rows.reshape(y_hat.shape))
    with pytest.raises(ValueError, match=r"\(n, T, k\)"):
        sequence_mse(y_hat[:, :, 0], y[:, :, 0])


def test_same_seed_same_weights() -> None:
    a, b, c = RNN(2, 3, 1, seed=7), RNN(2, 3, 1, seed=7), RNN(2, 3, 1, seed=8)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["W_h"], c.params["W_h"])
    assert repr(a) == "RNN(2 -> 3 -> 1, last)"


# ----- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("X", "match"),
    [
        (np.zeros((4, 3)), r"expected a sequence X of shape \(n, T, 3\).*one sequence needs"),
        (np.zeros((2, 4, 3, 1)), r"got a 4-D array of shape \(2, 4, 3, 1\)"),
        (np.zeros((2, 4, 5)), r"expected input with 3 features per step, got X of shape"),
        (np.zeros((2, 0, 3)), r"sequence of length T = 0"),
        (np.full((2, 4, 3), np.nan), r"X contains NaN values"),
        ([[["a", "b", "c"]]], r"X could not be converted to numbers"),
        (np.array([[["a", "b", "c"]]]), r"X must hold numbers, got dtype <U1"),
    ],
)
def test_bad_sequences_get_errors_that_name_the_problem(X, match) -> None:
    with pytest.raises(ValueError, match=match):
        RNN(3, 2).forward(X)


def test_truncation_longer_than_the_sequence_is_refused() -> None:
    X = np.zeros((2, 4, 3))
    with pytest.raises(ValueError, match=r"truncate=5 is longer than the sequence \(T = 4"):
        RNN(3, 2, truncate=5).forward(X)
    layer = RNN(3, 2)
    layer.forward(X)
    with pytest.raises(ValueError, match=r"truncate=9 is longer than the sequence"):
        layer.backward(np.zeros((2, 2)), truncate=9)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="truncate must be None"):
            RNN(3, 2, truncate=bad)


def test_other_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="d_h must be a positive int"):
        RNN(3, 0)
    with pytest.raises(ValueError, match="output must be 'last' or 'sequence'"):
        RNN(3, 2, output="all")
    with pytest.raises(ValueError, match="unknown activation 'softsign'"):
        RNN(3, 2, activation="softsign")
    layer = RNN(3, 2)
    with pytest.raises(RuntimeError, match="call forward before backward"):
        layer.backward(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"expected h0 of shape \(2, 2\)"):
        layer.forward(np.zeros((2, 4, 3)), h0=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="h0 contains NaN"):
        layer.forward(np.zeros((2, 4, 3)), h0=np.full((2, 2), np.nan))
    layer.forward(np.zeros((2, 4, 3)))
    with pytest.raises(ValueError, match=r"expected dout of shape \(2, 2\)"):
        layer.backward(np.zeros((2, 4, 2)))


# ----- the explorer ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def explorer():
    from bpkit.widgets.bptt import BPTTExplorer

    return BPTTExplorer()


def test_explorer_updates_its_artists_in_place(explorer) -> None:
    lines = [ln for ax in explorer.fig.axes for ln in ax.lines]
    before = explorer.png()
    explorer.controls["radius"].value = 2.0  # a real slider move: the observer fires
    assert [ln for ax in explorer.fig.axes for ln in ax.lines] == lines
    assert explorer.png() != before
    explorer.controls["T"].value = 120
    assert len(explorer.state["norms"]) == 120
    assert len(explorer.fig.axes[1].lines[0].get_xdata()) == 120


def test_explorer_shows_vanishing_below_radius_1_and_exploding_above(explorer) -> None:
    explorer.set(T=60, radius=0.5, f="tanh")
    assert explorer.state["ratio"] < 1e-10 and explorer.state["factor"] < 0.5
    assert "vanishing" in explorer._status2.get_text()
    explorer.set(radius=3.0)
    assert explorer.state["ratio"] > 1e3
    assert "exploding" in explorer._status2.get_text()


def test_a_linear_rnn_follows_radius_to_the_power_of_the_lag() -> None:
    from bpkit.widgets.bptt import lag_profile

    for radius in (0.7, 1.3):
        norms = lag_profile(150, radius, "linear")
        rate = (norms[-1] / norms[-51]) ** (1 / 50)  # far from the loss: the top eigenvalue wins
        assert rate == pytest.approx(radius, rel=0.05)
