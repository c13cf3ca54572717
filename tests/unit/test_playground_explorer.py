"""The playground without a browser: frames train, controls apply on the next frame, play runs
on an event loop and pause stops it, and the neuron maps are the network's own activations."""

from __future__ import annotations

import asyncio

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from bpkit.layers import Dropout, Linear  # noqa: E402
from bpkit.model import mlp  # noqa: E402
from bpkit.widgets import PlaygroundExplorer  # noqa: E402
from bpkit.widgets.playground import GRID, make_data  # noqa: E402


@pytest.fixture
def pg():
    ex = PlaygroundExplorer(mode="png")
    yield ex
    ex.close()


def test_frames_train_and_the_picture_follows(pg) -> None:
    png0 = pg.png()
    pg.run(40)
    assert pg.state["epoch"] == 40 and len(pg.state["train_loss"]) == 40
    assert pg.state["train_loss"][-1] < 0.5 * pg.state["train_loss"][0]
    assert pg.state["accuracy"] > 0.9  # XOR with a hidden layer is learnt
    assert pg.png() != png0
    x, y = pg._train_line.get_data()
    assert list(x) == list(range(1, 41)) and np.allclose(y, np.clip(pg.train_loss, 0, 1))


def test_the_maps_show_the_networks_own_outputs(pg) -> None:
    pg.run(5)
    net = mlp([2, 4, 4, 1], activation="tanh", seed=0)  # the same network, trained the same way
    net.set_weights(pg.model.get_weights())
    logits = net.predict(pg._grid)
    prob = 1 / (1 + np.exp(-logits))
    assert np.allclose(pg._map.get_array(), prob.reshape(GRID, GRID))
    a1 = np.tanh(pg._grid @ net[0].W.T + net[0].b)  # first hidden layer, by hand
    for j, im in enumerate(pg._net["images"][1]):
        shown = np.asarray(im.get_array()).ravel()
        assert np.allclose(shown, a1[:, j])  # tanh units: |a| <= 1, drawn on the fixed scale
    widths = pg._net["diagram"].edges[0].get_linewidths()
    W1 = np.abs(net[0].W).ravel()
    assert np.argmax(widths) == np.argmax(W1)  # the widest edge is the largest weight


def test_eta_l2_and_batch_size_apply_on_the_next_frame_without_a_restart(pg) -> None:
    pg.run(3)
    pg.playing = True  # as while playing: a change only waits for the next frame
    n = len(pg.timings)
    pg.controls["eta"].value = 0.5
    pg.controls["l2"].value = 0.01
    pg.controls["batch_size"].value = 50
    assert len(pg.timings) == n, "a change while playing must not redraw by itself"
    pg.frame()
    pg.playing = False
    assert pg.opt.eta == 0.5 and pg.opt.l2 == 0.01
    assert pg.state["epoch"] == 4  # not started again


def test_structural_controls_build_new_data_and_a_fresh_network(pg) -> None:
    pg.run(3)
    pg.set(dataset="spirals", hidden="8, 8", p_drop=0.2)
    assert pg.state["epoch"] == 0 and pg.state["train_loss"] == []
    assert np.array_equal(pg._data[0], make_data("spirals", 0.1)[0])
    sizes = [layer.d_out for layer in pg.model.layers if isinstance(layer, Linear)]
    assert sizes == [8, 8, 1]
    assert sum(isinstance(layer, Dropout) for layer in pg.model.layers) == 2
    assert [len(row) for row in pg._net["images"]] == [2, 8, 8, 1]


def test_l2_keeps_the_weights_smaller(pg) -> None:
    def norm(l2):
        pg.set(l2=l2)
        pg.restart()
        pg.run(60)
        return sum(float((layer.W**2).sum()) for layer in pg.model.layers if "W" in layer.params)

    assert norm(0.1) < 0.7 * norm(0.0)


def test_a_unit_with_tiny_weights_is_drawn_pale_not_stretched(pg) -> None:
    pg.set(l2=0.1, eta=1.0)
    pg.run(200)  # a strong penalty pulls every weight towards 0
    shown = np.concatenate([np.asarray(im.get_array()).ravel() for im in pg._net["images"][1]])
    assert np.abs(shown).max() < 0.2


def test_play_trains_on_the_event_loop_and_pause_stops_at_once(pg) -> None:
    async def session():
        pg.play()
        assert pg.playing and pg.buttons["pause"].disabled is False
        await asyncio.sleep(0.6)  # the loop is free: this coroutine runs while it plays
        pg.buttons["pause"].click()
        stopped = pg.state["epoch"]
        png = pg.png()
        await asyncio.sleep(0.3)
        return stopped, png

    stopped, png = asyncio.run(session())
    assert stopped >= 3, "play did not run frames"
    assert pg.state["epoch"] == stopped and pg.png() == png, "a frame ran after pause"
    assert not pg.playing and pg.buttons["play"].disabled is False
    assert pg.state["train_loss"][-1] < pg.state["train_loss"][0]


def test_play_without_an_event_loop_says_what_to_do(pg) -> None:
    with pytest.raises(RuntimeError, match="run\\(epochs\\)"):
        pg.play()
