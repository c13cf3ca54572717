"""The explorers without a kernel: set slider values and check what the figure now shows."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpkit.widgets import (  # noqa: E402
    BatchSizeExplorer,
    InitExplorer,
    LearningRateExplorer,
    RegularizationExplorer,
)
from bpkit.widgets.batch_size import N as BATCH_N  # noqa: E402

ALL = [LearningRateExplorer, InitExplorer, BatchSizeExplorer, RegularizationExplorer]
# one control move per explorer that must change the picture
MOVES = {
    LearningRateExplorer: ("eta", 2.0),
    InitExplorer: ("depth", 20),
    BatchSizeExplorer: ("batch_size", 32),
    RegularizationExplorer: ("p_drop", 0.5),
}


def _xy(line) -> np.ndarray:
    x, y = line.get_data()
    return np.column_stack([np.asarray(x, float), np.asarray(y, float)])


@pytest.fixture(scope="module")
def lr() -> LearningRateExplorer:
    return LearningRateExplorer()


@pytest.fixture(scope="module")
def init() -> InitExplorer:
    return InitExplorer()


@pytest.fixture(scope="module")
def batch() -> BatchSizeExplorer:
    return BatchSizeExplorer()


@pytest.fixture(scope="module")
def reg() -> RegularizationExplorer:
    return RegularizationExplorer()


FIXTURES = {
    LearningRateExplorer: "lr",
    InitExplorer: "init",
    BatchSizeExplorer: "batch",
    RegularizationExplorer: "reg",
}


# ----- shared behaviour ---------------------------------------------------------------------
@pytest.mark.parametrize("cls", ALL)
def test_explorer_builds_once_and_updates_artists_in_place(cls, request) -> None:
    ex = request.getfixturevalue(FIXTURES[cls])
    assert isinstance(ex, cls)
    assert ex.mode == "png" and isinstance(ex.widget, widgets.VBox)
    axes, lines = list(ex.fig.axes), [ln for ax in ex.fig.axes for ln in ax.lines]
    png0 = ex.png()
    assert png0.startswith(b"\x89PNG")
    n_updates = len(ex.timings)
    name, value = MOVES[cls]
    ex.controls[name].value = value  # a real slider move: the observer fires
    assert list(ex.fig.axes) == axes  # no rebuild: same axes, same line objects
    assert [ln for ax in ex.fig.axes for ln in ax.lines] == lines
    assert ex.png() != png0, f"moving {name} did not change the picture"
    assert len(ex.timings) == n_updates + 1


def test_same_slider_values_give_the_same_picture(init: InitExplorer) -> None:
    fresh = InitExplorer()
    values = dict(depth=7, activation="tanh", init="normal(scale)", scale=0.3)
    fresh.set(**values)
    init.set(depth=15, activation="relu")  # somewhere else first
    init.set(**values)
    assert fresh.png() == init.png()
    np.testing.assert_array_equal(fresh.state["grad_norm"], init.state["grad_norm"])


def test_lambda_is_disabled_without_a_penalty(reg: RegularizationExplorer) -> None:
    ex = reg
    ex.set(penalty="none", lam=0.01, p_drop=0.0, early_stop=False)
    assert ex.controls["lam"].disabled
    before = ex.png()
    ex.controls["lam"].value = 0.5  # no penalty: lambda does nothing
    assert ex.png() == before
    ex.controls["penalty"].value = "L2"
    assert not ex.controls["lam"].disabled and ex.png() != before


def test_drag_inside_an_event_loop_is_throttled_to_the_latest_value(init: InitExplorer) -> None:
    """In a kernel (a running asyncio loop) a burst of slider messages yields few updates and
    the last one shows the final value: no queue of stale frames."""
    import asyncio

    init.set(activation="tanh", init="Xavier", depth=1)

    async def drag() -> None:
        for depth in range(2, 21):  # 19 messages as fast as they come
            init.controls["depth"].value = depth
        await asyncio.sleep(1.0)  # let the trailing update run

    n_before, folded_before = len(init.timings), init.n_throttled
    asyncio.run(drag())
    n_updates = len(init.timings) - n_before
    assert 1 <= n_updates <= 3
    assert init.n_throttled - folded_before >= 19 - n_updates
    assert len(init.fig.axes[2].lines[0].get_xdata()) == 20  # depth 20: 20 Linear layers
    assert init._pending is None


def test_set_rejects_unknown_controls_and_bad_mode(lr: LearningRateExplorer) -> None:
    with pytest.raises(KeyError, match="unknown control"):
        lr.set(learning_rate=0.1)
    with pytest.raises(ValueError, match="mode"):
        LearningRateExplorer(mode="svg")


def test_show_works_without_a_kernel(lr: LearningRateExplorer, capsys) -> None:
    lr.show()  # outside IPython, display() prints a text form instead of hanging
    assert "VBox" in capsys.readouterr().out
    bundle = lr._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


# ipympl 0.10 itself warns (traitlets) when it builds its toolbar; not ours to fix.
@pytest.mark.filterwarnings("ignore:Passing unrecognized arguments:DeprecationWarning")
def test_ipympl_mode_uses_the_figure_canvas() -> None:
    import matplotlib.pyplot as plt

    old = matplotlib.get_backend()  # before importing ipympl, which may select itself
    pytest.importorskip("ipympl")
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        ex = InitExplorer()
        assert ex.mode == "ipympl" and ex.widget.children[1] is ex.fig.canvas
        ex.set(depth=3)
        assert len(ex.fig.axes[2].lines[0].get_xdata()) == 3  # 3 Linear layers
        assert ex.fig.axes[2].get_xlim() == (0.4, 3.6)  # the x-axis fits the net
        ex.close()
        assert ex.widget.comm is None and ex.controls["depth"].comm is None
    finally:
        plt.switch_backend(old)


# ----- learning rate --------------------------------------------------------------------------
def test_eta_slider_is_logarithmic_over_1e4_to_10(lr: LearningRateExplorer) -> None:
    eta = lr.controls["eta"]
    assert isinstance(eta, widgets.FloatLogSlider)
    assert eta.base**eta.min <= 1e-4 and eta.base**eta.max >= 10


def test_larger_eta_ends_farther_from_the_bowl_minimum_once_divergent(lr) -> None:
    bowl_line = lr.fig.axes[1].lines[-1]
    shown, true = {}, {}
    for eta in (0.05, 0.09, 0.15, 0.5):
        lr.set(eta=eta, steps=60)
        shown[eta] = float(np.hypot(*_xy(bowl_line)[-1]))
        true[eta] = lr.state["final_dist"]
        assert len(bowl_line.get_xdata()) == 61
    # stable (eta < 2/kappa = 0.1): a larger step gets closer; past 2/kappa it flies off
    assert shown[0.09] < shown[0.05] < 1.0
    assert shown[0.15] > 4.0 and shown[0.5] > 4.0  # drawn far out (clipped for display)
    assert true[0.5] > true[0.15] > 1e6
    assert lr.state["diverged"]["bowl"]


def test_tiny_eta_crawls(lr: LearningRateExplorer) -> None:
    lr.set(eta=1e-4, steps=200)
    start = np.hypot(-4.0, 1.5)
    assert lr.state["final_dist"] > 0.9 * start
    assert not any(lr.state["diverged"].values())
    assert lr.fig.axes[0].texts[-1].get_text() == ""


def test_divergence_is_drawn_clipped_and_labelled_not_nan(lr: LearningRateExplorer) -> None:
    lr.set(eta=10.0, steps=100)
    for ax in lr.fig.axes:
        for line in ax.lines:
            assert np.all(np.isfinite(_xy(line))), "a plotted value is not finite"
    loss_ax = lr.fig.axes[2]
    assert loss_ax.lines[1].get_ydata().max() == pytest.approx(1e4)  # clipped at the top
    status = [t.get_text() for ax in lr.fig.axes for t in ax.texts]
    assert "diverged at step" in status[0] or "diverged at step" in status[1]
    assert any(t.startswith("diverged:") and "bowl" in t for t in status)


def test_steps_slider_lengthens_every_curve(lr: LearningRateExplorer) -> None:
    lr.set(eta=0.01, steps=10)
    short = [len(line.get_xdata()) for line in lr.fig.axes[2].lines[:3]]
    lr.controls["steps"].value = 80
    longer = [len(line.get_xdata()) for line in lr.fig.axes[2].lines[:3]]
    assert short == [11, 11, 10] and longer == [81, 81, 80]


def test_loss_axis_fits_the_run(lr: LearningRateExplorer) -> None:
    """30 steps fill the loss panel (0 .. 30), not a sixth of a fixed 0 .. 200 axis; the
    picture redraws its ticks when the run length changes, and only then."""
    lr.set(eta=0.05, steps=30)
    ax = lr.fig.axes[2]
    assert ax.get_xlim() == (0.0, 30.0)
    assert max(max(line.get_xdata()) for line in ax.lines[:3]) == 30
    png_30 = lr.png()
    lr.set(steps=120)
    assert ax.get_xlim() == (0.0, 120.0)
    lr.set(steps=30)
    assert lr.png() == png_30  # the static layer for 30 steps, kept from the first visit
    assert len(lr._backgrounds) >= 2  # one per run length shown recently
    net = ax.lines[2].get_xdata()
    assert net[0] == 0 and net[-1] == 29  # epoch k's loss is measured at iterate k


def test_net_loss_falls_for_a_good_eta(lr: LearningRateExplorer) -> None:
    lr.set(eta=0.5, steps=100)
    net = lr.fig.axes[2].lines[2].get_ydata()
    assert net[-1] < 0.5 * net[0]


# ----- initialization ---------------------------------------------------------------------
@pytest.mark.parametrize("scale", [1.0, 0.1])
def test_deeper_sigmoid_nets_have_smaller_first_layer_gradients(init, scale: float) -> None:
    first = {}
    for depth in (2, 10):
        init.set(activation="sigmoid", init="normal(scale)", scale=scale, depth=depth)
        line = init.fig.axes[2].lines[0]
        assert len(line.get_xdata()) == depth
        first[depth] = line.get_ydata()[0]
        assert first[depth] == pytest.approx(init.state["grad_norm"][0])
    assert first[10] < first[2]


def test_small_init_shows_vanishing_and_he_fixes_relu(init: InitExplorer) -> None:
    init.set(activation="sigmoid", init="normal(scale)", scale=0.1, depth=12)
    assert init.state["ratio"] < 1e-6
    assert "vanishing" in init.fig.axes[2].texts[-1].get_text()
    init.set(activation="relu", init="He", depth=20)
    assert 1e-2 < init.state["ratio"] < 1e2
    assert init.fig.axes[2].texts[-1].get_text() == ""
    assert init.controls["scale"].disabled


def test_large_relu_init_explodes_and_is_labelled(init: InitExplorer) -> None:
    init.set(activation="relu", init="normal(scale)", scale=10.0, depth=20)
    texts = " ".join(t.get_text() for ax in init.fig.axes for t in ax.texts)
    assert "explod" in texts
    for ax in (init.fig.axes[0], init.fig.axes[2]):
        assert np.all(np.isfinite(ax.lines[0].get_ydata()))


def test_saturation_bars_rise_with_the_init_scale(init: InitExplorer) -> None:
    init.set(activation="tanh", init="normal(scale)", scale=0.05, depth=7)  # 6 hidden layers
    low = [bar.get_height() for bar in init.fig.axes[1].patches[:6]]
    init.set(scale=3.0)
    high = [bar.get_height() for bar in init.fig.axes[1].patches[:6]]
    assert max(low) < 0.05 and min(high) > 0.5
    assert all(bar.get_height() == 0 for bar in init.fig.axes[1].patches[6:])


def test_redrawn_static_layers_match_a_fresh_drawing() -> None:
    """Fitting an axis redraws only that axes' column (or reuses a kept layer); the picture is
    pixel for pixel what a fresh explorer draws."""
    moved, fresh = BatchSizeExplorer(), BatchSizeExplorer()
    for epochs in (10, 2, 7, 2):
        moved.set(epochs=epochs)
    fresh.set(epochs=2)
    assert moved.png() == fresh.png()
    assert moved.fig.axes[0].get_xlim() == fresh.fig.axes[0].get_xlim()  # the path panel stays


def test_depth_counts_linear_layers_like_depth_profile(init: InitExplorer) -> None:
    """depth 10 is mlp([64] * 10 + [1]): 10 weight matrices, 9 hidden activations, and every
    panel's x-axis shows layers 1 .. 10."""
    init.set(activation="relu", init="He", depth=10)
    assert init.state["grad_norm"].shape == (10,)
    assert init.state["std"].shape == init.state["saturation"].shape == (9,)
    assert list(init.fig.axes[2].lines[0].get_xdata()) == list(range(1, 11))
    assert list(init.fig.axes[0].lines[0].get_xdata()) == list(range(1, 10))
    for ax in init.fig.axes:
        lo, hi = ax.get_xlim()
        assert lo < 1 and 10 < hi < 11
    assert "Linear" in init.controls["depth"].description
    assert init.controls["depth"].min == 2


# ----- batch size -------------------------------------------------------------------------
def test_batch_size_one_is_noisier_than_full_batch(batch: BatchSizeExplorer) -> None:
    ex = batch
    ex.set(batch_size=1, eta=0.05, epochs=5)
    sgd_curve = ex.fig.axes[1].lines[1].get_ydata()
    sgd_up = float(np.mean(np.diff(sgd_curve) > 0))
    assert ex.state["n_updates"] == 5 * BATCH_N
    ex.set(batch_size=BATCH_N)
    full_curve = ex.fig.axes[1].lines[1].get_ydata()
    assert ex.state["n_updates"] == 5 and len(full_curve) == 6
    assert ex.fig.axes[1].get_xlim() == (0.0, 5.0)  # the epoch axis fits a 5-epoch run
    assert ex.fig.axes[1].lines[1].get_xdata()[-1] == 5.0
    assert float(np.mean(np.diff(full_curve) > 0)) == 0.0  # monotone descent
    assert sgd_up > 0.1
    assert full_curve[-1] > sgd_curve[-1]  # but far fewer updates: slower per epoch


def test_batch_size_divergence_is_labelled(batch: BatchSizeExplorer) -> None:
    ex = batch
    ex.set(batch_size=4, eta=5.0, epochs=5)
    assert ex.state["diverged"]
    assert "diverged" in ex.fig.axes[0].texts[-1].get_text()
    for ax in ex.fig.axes:
        for line in ax.lines:
            assert np.all(np.isfinite(_xy(line)))
    for control in ("batch_size", "eta", "epochs"):
        assert ex.controls[control].continuous_update is False


# ----- regularization ---------------------------------------------------------------------
def test_stronger_l2_shrinks_the_weights_and_the_gap(reg: RegularizationExplorer) -> None:
    ex = reg
    ex.set(penalty="none", p_drop=0.0, early_stop=False)
    none = dict(ex.state)
    val_none = ex.fig.axes[0].lines[1].get_ydata().copy()
    ex.set(penalty="L2", lam=1e-3)
    weak = dict(ex.state)
    ex.set(lam=1e-2)
    strong = dict(ex.state)
    assert none["weight_norm"] > weak["weight_norm"] > strong["weight_norm"]
    assert f"‖W‖ = {strong['weight_norm']:.1f}" in ex.info.value  # the readout under the plot
    assert strong["gap"] < none["gap"]
    assert not np.allclose(ex.fig.axes[0].lines[1].get_ydata(), val_none)
    assert ex.controls["lam"].disabled is False
    ex.set(penalty="L1", lam=1e-2)
    assert ex.state["weight_norm"] < none["weight_norm"]


def test_overfitting_then_early_stopping_cuts_the_curves(reg: RegularizationExplorer) -> None:
    ex = reg
    ex.set(penalty="none", p_drop=0.0, early_stop=False)
    val = ex.state["val_loss"]
    assert val[-1] > 1.2 * val.min()  # the unregularised net overfits: val loss rises again
    stop_line = ex.fig.axes[0].lines[2]
    assert not stop_line.get_visible()
    ex.controls["early_stop"].value = True
    assert ex.state["stopped_epoch"] is not None
    assert len(ex.fig.axes[0].lines[0].get_xdata()) == ex.state["stopped_epoch"] + 1
    assert stop_line.get_visible()
    # epochs count from 0 everywhere: the curves, the line at the best epoch and the readout
    assert ex.fig.axes[0].lines[0].get_xdata()[0] == 0
    assert stop_line.get_xdata()[0] == ex.state["best_epoch"]
    assert f"early stop at epoch {ex.state['stopped_epoch']}" in ex.info.value
    assert ex.fig.axes[0].get_xlim() == (0.0, 79.0)


def test_dropout_changes_the_decision_regions(reg: RegularizationExplorer) -> None:
    ex = reg
    ex.set(penalty="none", p_drop=0.0, early_stop=False)
    before = np.array(ex.fig.axes[1].images[0].get_array())
    ex.set(p_drop=0.5)
    after = np.array(ex.fig.axes[1].images[0].get_array())
    assert before.shape == after.shape == (40, 40)
    assert np.mean(before != after) > 0.01


# ----- headless notebook execution ----------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("grading", [False, True])
def test_demo_notebook_runs_headless_within_nbgrader_cell_timeout(grading, monkeypatch) -> None:
    """nbclient (what nbval and nbgrader use) executes the demo without hanging or stderr."""
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    repo = Path(__file__).resolve().parents[2]
    nb = nbformat.read(repo / "examples" / "explorers_demo.ipynb", as_version=4)
    if grading:
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    else:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    NotebookClient(
        nb,
        timeout=30,
        kernel_name="python3",
        resources={"metadata": {"path": str(repo / "examples")}},
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("name") == "stderr" or o.output_type == "error"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == (0 if grading else 4)
