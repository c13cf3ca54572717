"""Every bpkit.plot function on small inputs, asserting on what was drawn."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from bpkit import plot  # noqa: E402
from bpkit.autodiff import Value  # noqa: E402
from bpkit.diagnostics import layer_grad_norms  # noqa: E402
from bpkit.losses import mse  # noqa: E402
from bpkit.model import mlp  # noqa: E402

OKABE_ITO = {"#000000", "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _recorded_model(activation: str = "sigmoid"):
    model = mlp([6, 8, 8, 1], activation=activation, record=True, seed=0)
    g = np.random.default_rng(0)
    _, dout = mse(model.forward(g.standard_normal((20, 6))), g.standard_normal((20, 1)))
    model.backward(dout)
    return model


def test_palette_is_okabe_ito() -> None:
    assert {c.lower() for c in plot.PALETTE} == OKABE_ITO
    assert len(set(plot.PALETTE)) == 8


def test_training_curves_plot_both_series_and_mark_early_stop() -> None:
    hist = {
        "loss": [1.0, 0.6, 0.4, 0.3, 0.25],
        "val_loss": [1.1, 0.7, 0.5, 0.55, 0.6],
        "metric": [0.5, 0.6, 0.7, 0.8, 0.85],
        "val_metric": [0.5, 0.6, 0.65, 0.62, 0.6],
        "best_epoch": 2,
        "stopped_epoch": 4,
    }
    axes = plot.training_curves(hist)
    assert len(axes) == 2
    loss_ax = axes[0]
    train, val = loss_ax.lines[0], loss_ax.lines[1]
    np.testing.assert_allclose(train.get_ydata(), hist["loss"])
    np.testing.assert_allclose(val.get_ydata(), hist["val_loss"])
    np.testing.assert_allclose(train.get_xdata(), [0, 1, 2, 3, 4])  # epochs count from 0
    stop_line = loss_ax.lines[2]
    assert list(stop_line.get_xdata()) == [2, 2]  # at best_epoch itself
    assert "early stop" in stop_line.get_label() and "(epoch 2)" in stop_line.get_label()
    assert loss_ax.lines[3].get_ydata()[0] == pytest.approx(0.5)  # marker on val at best epoch
    assert "L" in loss_ax.get_ylabel() and loss_ax.get_xlabel() == "epoch"
    assert to_hex(train.get_color()) in OKABE_ITO and to_hex(val.get_color()) in OKABE_ITO


def test_training_curves_from_fit_history_into_given_axes() -> None:
    from bpkit.data import moons
    from bpkit.train import fit

    X, y = moons(40, 0.2, seed=0)
    model = mlp([2, 8, 1], activation="tanh", seed=0)
    h = fit(model, X[:30], y[:30], loss="bce", eta=0.5, epochs=15, X_val=X[30:], y_val=y[30:])
    fig, ax = plt.subplots()
    (out,) = plot.training_curves(h, ax)
    assert out is ax and len(ax.lines[0].get_ydata()) == 15
    assert "best validation" in ax.lines[2].get_label()  # ran to the end: not an early stop
    # the same epoch number as the history (and a notebook printing h.best_epoch)
    assert ax.lines[2].get_xdata()[0] == h.best_epoch
    assert f"(epoch {h.best_epoch})" in ax.lines[2].get_label()
    assert ax.lines[3].get_ydata()[0] == h.val_loss[h.best_epoch]
    with pytest.raises(ValueError, match="two Axes"):
        plot.training_curves(h, ax, metric=True)
    with pytest.raises(ValueError, match="no 'loss'"):
        plot.training_curves({"loss": []})


def test_training_curves_show_non_finite_losses_as_gaps() -> None:
    axes = plot.training_curves({"loss": [1.0, 5.0, float("inf")]}, log_loss=True)
    y = axes[0].lines[0].get_ydata()
    assert np.isnan(y[2]) and axes[0].get_yscale() == "log"


def test_decision_boundary_regions_follow_the_predictor() -> None:
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [-0.5, 1.0], [0.5, -1.0]])
    y = np.array([0, 1, 0, 1])
    ax = plot.decision_boundary(lambda G: G[:, :1] * 10.0, X, y, resolution=20)  # logits
    img = np.asarray(ax.images[0].get_array())
    assert img.shape == (20, 20)
    assert np.all(img[:, :9] == 0) and np.all(img[:, -9:] == 1)  # left class 0, right class 1
    assert len(ax.collections) == 2  # one scatter per class
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"


def test_decision_boundary_reads_probabilities_and_multiclass_scores() -> None:
    X = np.array([[-1.0, -1.0], [1.0, 1.0], [1.0, -1.0]])
    probs = plot.decision_boundary(lambda G: 1 / (1 + np.exp(-G[:, 1:])), X, np.array([0, 1, 1]))
    img = np.asarray(probs.images[0].get_array())
    assert img[0, 0] == 0 and img[-1, 0] == 1  # thresholded at 0.5: bottom 0, top 1
    three = plot.decision_boundary(
        lambda G: np.column_stack([-G[:, 0], G[:, 0], G[:, 1]]),
        X,
        np.array([0, 1, 2]),
        resolution=10,
    )
    assert set(np.unique(three.images[0].get_array())) <= {0, 1, 2}
    assert len(three.collections) == 3
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plot.decision_boundary(lambda G: G, np.ones((3, 3)), np.zeros(3, dtype=int))
    with pytest.raises(TypeError, match="predict"):
        plot.decision_boundary(42, X, np.array([0, 1, 1]))


def test_decision_boundary_of_a_bpkit_model() -> None:
    model = mlp([2, 4, 1], activation="tanh", seed=0)
    X = np.random.default_rng(0).standard_normal((10, 2))
    ax = plot.decision_boundary(model, X, (X[:, 0] > 0).astype(int), resolution=12)
    expected = (
        model.predict(
            np.column_stack(
                [
                    np.full(1, X[:, 0].min() - 0.25 * np.ptp(X[:, 0])),
                    np.full(1, X[:, 1].min() - 0.25 * np.ptp(X[:, 1])),
                ]
            )
        )
        > 0
    )
    assert ax.images[0].get_array()[0, 0] == int(expected[0, 0])


def test_loss_surface_draws_contours_and_each_trajectory() -> None:
    path = np.array([[-2.0, 1.0], [-1.0, -0.5], [-0.5, 0.2]])
    ax = plot.loss_surface(lambda a, b: a**2 + 10 * b**2, (-3, 3), (-2, 2), {"eta=0.1": path})
    assert len(ax.collections) >= 1  # the contour set
    traj = ax.lines[0]
    np.testing.assert_allclose(np.column_stack(traj.get_data()), path)
    assert traj.get_label() == "eta=0.1"
    assert list(ax.lines[1].get_xdata()) == [-2.0] and list(ax.lines[2].get_xdata()) == [-0.5]
    assert ax.get_xlim() == (-3, 3) and ax.get_xlabel() == "$w_1$"
    with pytest.raises(ValueError, match="trajectory must have shape"):
        plot.loss_surface(lambda a, b: a + b, (0, 1), (0, 1), [np.ones(3)])
    with pytest.raises(ValueError, match="must return shape"):
        plot.loss_surface(lambda a, b: np.ones(3), (0, 1), (0, 1))


def _neuron() -> tuple[Value, list[Value]]:
    x1, w1, b = Value(2.0, "x1"), Value(-3.0, "w1"), Value(1.0, "b")
    n = x1 * w1 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, [x1, w1, b, n, o]


def test_draw_graph_one_box_per_node_and_one_arrow_per_edge() -> None:
    o, named = _neuron()
    ax = plot.draw_graph(o)
    # nodes: x1, w1, b, x1*w1, n, o = 6 ; edges: 2 + 2 + 1 = 5
    assert len(ax.texts) == 6
    assert len(ax.patches) == 6 + 5
    texts = [t.get_text() for t in ax.texts]
    assert "x1\ndata 2\ngrad " + f"{named[0].grad:.3g}" in texts
    assert any(t.startswith("o = tanh") and "grad 1" in t for t in texts)
    order, pos = plot.graph_layout(o)
    assert order[-1] is o and pos[id(o)][0] == max(p[0] for p in pos.values())
    for v in order:  # every input sits left of the node that uses it
        for c in v._prev:
            assert pos[id(c)][0] < pos[id(v)][0]


def test_draw_graph_is_deterministic_and_handles_deep_chains() -> None:
    o, _ = _neuron()
    assert plot.graph_layout(o)[1] == plot.graph_layout(o)[1]
    v = Value(0.5, "x")
    for _ in range(1500):  # deeper than Python's default recursion limit
        v = v * 1.0
    order, pos = plot.graph_layout(v)
    assert len(order) == 3001 and len(pos) == 3001


def test_layer_histograms_one_normalised_histogram_per_layer() -> None:
    model = _recorded_model()
    acts, grads = plot.layer_histograms(model, bins=10)
    assert len(acts.patches) == 2 and len(grads.patches) == 2  # two hidden sigmoid layers
    for patch in acts.patches:
        assert patch.get_data().values.sum() == pytest.approx(1.0)
    assert acts.get_xlabel() == "$a$" and "partial L" in grads.get_xlabel()
    (only,) = plot.layer_histograms(model, which="activations")
    assert only.get_title() == "activations"
    with pytest.raises(ValueError, match="which"):
        plot.layer_histograms(model, which="weights")


def test_grad_norms_plot_the_diagnostics_and_overlay() -> None:
    model = _recorded_model()
    ax = plot.grad_norms(model, label="sigmoid")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), list(layer_grad_norms(model).values()))
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3])
    plot.grad_norms([1e-3, 1e-2, 0.0], ax=ax, label="made up")
    assert len(ax.lines) == 2 and ax.lines[0].get_color() != ax.lines[1].get_color()
    assert np.isnan(ax.lines[1].get_ydata()[2])  # zero norm: a gap on the log axis
    assert ax.get_yscale() == "log" and "W" in ax.get_ylabel()


def test_saturation_plot_from_model_and_from_values() -> None:
    model = _recorded_model("relu")
    ax = plot.saturation(model)
    y = ax.lines[0].get_ydata()
    assert y.shape == (2,) and np.all((y >= 0) & (y <= 1))
    ax2 = plot.saturation({"1.relu": 0.25, "3.relu": 0.75})
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), [0.25, 0.75])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        plot.saturation([0.5, 1.5])


def test_update_ratios_one_line_per_layer_on_log_axis() -> None:
    ax = plot.update_ratios({"0.W": [1e-2, 5e-3, 1e-3], "2.W": [1e-4, 2e-4, 3e-4]})
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.lines[:2]] == ["0.W", "2.W"]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1e-4, 2e-4, 3e-4])
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [0, 1, 2])  # steps count from 0
    assert list(ax.lines[2].get_ydata()) == [1e-3, 1e-3]  # the reference level
    arr_ax = plot.update_ratios(np.array([[1e-3, 1e-2], [2e-3, 2e-2]]))
    assert [line.get_label() for line in arr_ax.lines[:2]] == ["W1", "W2"]
    assert "eta" in arr_ax.get_ylabel()


def test_weights_image_of_a_matrix_and_of_a_model() -> None:
    W = np.arange(6.0).reshape(2, 3) - 2
    ax = plot.weights(W)
    np.testing.assert_array_equal(ax.images[0].get_array(), W)
    assert ax.images[0].get_clim() == (-3.0, 3.0)  # symmetric around 0
    assert "(2 x 3)" in ax.get_title()
    model = mlp([3, 4, 2], seed=0)
    axes = plot.weights(model, colorbar=False)
    assert len(axes) == 2
    assert axes[1].images[0].get_array().shape == (2, 4)
    with pytest.raises(ValueError, match="matrix"):
        plot.weights(np.ones(3))


def test_draw_graph_routes_edges_that_skip_columns_around_boxes() -> None:
    from bpkit.plot.graph import _layout

    a = Value(3.0, "a")
    L = a * a - a / 2  # `a*a` feeds the output directly, skipping two columns
    L.backward()
    order, pos, routes = _layout(L)
    assert routes, "expected at least one edge that skips a column"
    boxes = set(pos.values())
    for via in routes.values():
        assert all(p not in boxes for p in via)  # waypoints get their own slots
    ax = plot.draw_graph(L)
    assert len(ax.lines) == len(routes)  # one polyline per routed edge
    n_edges = sum(len(v._prev) for v in order)
    assert len(ax.patches) == len(order) + n_edges
