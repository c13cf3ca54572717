"""The backprop explorer shows bpkit's numbers: every phase, several architectures and losses.

The reference is computed here, independently of the explorer: the layers' own forward passes,
the deltas by the four equations of notebook 02 (with ``bpkit.functional``'s derivatives), the
gradients (checked against ``model.backward``) and the update ``W - eta * dW``. Every number on
the diagram and in the equation is then compared with it, as text and as a value.
"""

from __future__ import annotations

import copy
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from bpkit import functional as F  # noqa: E402, N812
from bpkit.layers import Dropout, LeakyReLU, Linear, ReLU, Sigmoid, Tanh  # noqa: E402
from bpkit.losses import get_loss  # noqa: E402
from bpkit.model import Sequential, mlp  # noqa: E402
from bpkit.plot.diagram import fmt  # noqa: E402
from bpkit.widgets import BackpropExplorer  # noqa: E402
from bpkit.widgets._step import equation, phases  # noqa: E402
from bpkit.widgets.backprop import items, xor_net  # noqa: E402

PRIME = {Sigmoid: F.sigmoid_prime, Tanh: F.tanh_prime, ReLU: F.relu_prime,
         LeakyReLU: F.leaky_relu_prime}  # fmt: skip
NUM = re.compile(r"[−-]?[0-9]+(?:\.[0-9]+)?(?:e[−+-]?[0-9]+)?")


def _case(name):
    g = np.random.default_rng(7)
    if name == "xor-1":
        model, X, y = xor_net()
        return model, X[:1], y[:1], "mse", 0.5
    if name == "xor-batch":
        model, X, y = xor_net()
        return model, X, y, "mse", 0.5
    if name == "relu-mse":
        return mlp([3, 5, 4, 2], "relu", seed=3), g.normal(size=(3, 3)), g.normal(size=(3, 2)), \
            "mse", 0.1  # fmt: skip
    if name == "sigmoid-4-layers-bce":
        X = g.normal(size=(2, 2))
        return mlp([2, 3, 3, 3, 1], "sigmoid", seed=4), X, np.array([[1.0], [0.0]]), "bce", 1.0
    if name == "leaky-softmax":
        return mlp([2, 8, 3], "leaky_relu", seed=5), g.normal(size=(3, 2)), np.array([0, 2, 1]), \
            "softmax_ce", 0.3  # fmt: skip
    raise KeyError(name)


CASES = ["xor-1", "xor-batch", "relu-mse", "sigmoid-4-layers-bce", "leaky-softmax"]


def reference(model, X, y, loss, eta):
    """z, a, delta (per example), L, dW, db, W_new, b_new by the equations of notebook 02."""
    net = copy.deepcopy(model)
    z, a, fp, W, b, has_f = [None], [X], [None], [None], [None], [None]
    h = X
    for layer in net.layers:
        h = layer.forward(h)
        if isinstance(layer, Linear):
            z.append(h)
            a.append(h)
            fp.append(np.ones_like(h))
            W.append(layer.W.copy())
            b.append(layer.b.copy())
            has_f.append(False)
        else:
            has_f[-1] = True
            a[-1] = h
            fp[-1] = PRIME[type(layer)](z[-1])
    K, n = len(z) - 1, len(X)
    L, dout = get_loss(loss)(h, y)
    delta = [None] * (K + 1)
    delta[K] = n * dout * fp[K]  # BP1 (for logit losses fp[K] is 1 and n * dout = p - y)
    for lyr in range(K - 1, 0, -1):
        delta[lyr] = (delta[lyr + 1] @ W[lyr + 1]) * fp[lyr]  # BP2
    dW = [None] + [delta[lyr].T @ a[lyr - 1] / n for lyr in range(1, K + 1)]  # BP3
    db = [None] + [delta[lyr].mean(axis=0) for lyr in range(1, K + 1)]  # BP4
    net.backward(dout)  # the equations agree with bpkit's own backward pass
    lins = [layer for layer in net.layers if isinstance(layer, Linear)]
    for lyr, layer in enumerate(lins, start=1):
        np.testing.assert_allclose(layer.grads["W"], dW[lyr], atol=1e-12)
        np.testing.assert_allclose(layer.grads["b"], db[lyr], atol=1e-12)
    p = F.sigmoid(z[K]) if loss == "bce" else F.softmax(z[K]) if loss == "softmax_ce" else None
    W_new = [None] + [W[i] - eta * dW[i] for i in range(1, K + 1)]  # the update
    b_new = [None] + [b[i] - eta * db[i] for i in range(1, K + 1)]
    return dict(K=K, n=n, z=z, a=a, fp=fp, W=W, b=b, L=L, delta=delta, dW=dW, db=db, p=p,
                has_f=has_f, W_new=W_new, b_new=b_new, y=y, eta=eta)  # fmt: skip


@pytest.fixture(scope="module", params=CASES)
def case(request):
    model, X, y, loss, eta = _case(request.param)
    before = {k: v.copy() for k, v in model.named_params().items()}
    ex = BackpropExplorer(model, X, y, loss=loss, eta=eta, mode="png")
    after = model.named_params()
    assert all(np.array_equal(before[k], after[k]) for k in before), "the model was changed"
    yield ex, reference(model, X, y, loss, eta)
    ex.close()


def _same(text: str, value: float) -> None:
    assert text == fmt(value), f"shown {text!r}, bpkit computes {value!r}"
    assert float(text.replace("−", "-")) == pytest.approx(value, rel=5e-3, abs=1e-12)


def _numbers(text: str) -> list[str]:
    return NUM.findall(text)


def _substituted(line: str) -> list[str]:
    """The numbers of one equation line ``lhs = symbolic form = numbers = result``: what follows
    the symbolic form (an update ``W ← W − η ∂L/∂W = ...`` has it in its left-hand side)."""
    parts = line.split(" = ")
    skip = 1 if len(parts) == 2 or "←" in parts[0] else 2
    return [s for part in parts[skip:] for s in _numbers(part)]


def test_every_number_on_the_diagram_is_bpkits_in_every_phase(case) -> None:
    ex, r = case
    K, n = r["K"], r["n"]
    pngs = []
    for i in range(n):
        ex.controls["example"].value = i + 1
        for step, (kind, at) in enumerate(phases(K)):
            ex.controls["phase"].value = step
            assert ex.state["phase"] == (kind, at)
            pngs.append(ex.png())
            shown = ex.state["shown"]
            for key, text in shown.items():
                what = key[0]
                if what == "x":
                    _same(text, r["a"][0][i, key[2]])
                elif what == "z":
                    _same(text, r["z"][key[1]][i, key[2]])
                elif what == "a":
                    _same(text, r["a"][key[1]][i, key[2]])
                elif what == "delta":
                    _same(text, r["delta"][key[1]][i, key[2]])
                elif what == "L":
                    _same(text, r["L"])
                elif what == "change":
                    _same(text, -r["eta"] * r["dW"][key[1]][key[2], key[3]])
                else:
                    raise AssertionError(f"unexpected key {key}")
            # what each phase must show
            reached = {"start": 0, "forward": at, "loss": K, "backward": K, "update": K}[kind]
            for lyr in range(1, K + 1):
                has_delta = kind == "update" or (kind == "backward" and lyr >= at)
                for j in range(ex.trace.sizes[lyr]):
                    assert (("delta", lyr, j) in shown) == has_delta
                    assert (("a", lyr, j) in shown) == (lyr <= reached and not has_delta)
                    assert (("z", lyr, j) in shown) == (kind == "forward" and lyr == at)
            assert (("L",) in shown) == (kind in ("loss", "backward", "update"))
            # the texts drawn are exactly the numbers listed, neuron by neuron
            d = ex.diagram
            for lyr, texts in enumerate(d.values):
                for j, t in enumerate(texts):
                    expect = [shown[k] for k in (("x", lyr, j), ("z", lyr, j), ("a", lyr, j),
                              ("delta", lyr, j)) if k in shown]  # fmt: skip
                    if lyr == K and j == 0 and ("L",) in shown:
                        expect.append(shown[("L",)])
                    assert _numbers(t.get_text()) == expect, (kind, at, lyr, j, t.get_text())
            for lyr, labs in enumerate(ex._labels, start=1):
                for idx, lab in enumerate(labs):
                    j, k = divmod(idx, ex.trace.sizes[lyr - 1])
                    assert lab.get_visible() == (kind == "update")
                    if kind == "update":
                        assert lab.get_text() == shown[("change", lyr, j, k)]
    # the picture changes from each phase to the next
    steps = len(phases(K))
    for i in range(n):
        for s in range(steps - 1):
            assert pngs[i * steps + s] != pngs[i * steps + s + 1], f"phase {s} -> {s + 1}"


def _expected(r, phase, item, i):
    """The numbers an equation must show, in order (as formatted floats)."""
    kind, at = phase
    if item[0] == "auto":  # unit 1 of the layer at work; W^1_11 at the start, W^K_11 at the end
        item = {"start": ("weight", 1, 0, 0), "update": ("weight", r["K"], 0, 0)}.get(
            kind, ("neuron", at, 0)
        )
    K, n = r["K"], r["n"]
    lyr, j = item[1], item[2]
    k = item[3] if item[0] == "weight" else None
    if kind == "loss":
        if r["y"].dtype.kind == "f" and r["p"] is None:  # mse
            y = r["y"].reshape(r["a"][K].shape)
            pairs = [v for ii in range(n) for jj in range(y.shape[1])
                     for v in (r["a"][K][ii, jj], y[ii, jj])][:8]  # fmt: skip
            return [*pairs, 2 * n, r["L"]]
        return [r["L"], n]
    if kind == "update":
        if k is None:
            old, g, new = r["b"][lyr][j], r["db"][lyr][j], r["b_new"][lyr][j]
        else:
            old, g, new = r["W"][lyr][j, k], r["dW"][lyr][j, k], r["W_new"][lyr][j, k]
        return [old, r["eta"], g, new, -r["eta"] * g]
    if kind == "start":
        return [] if k is None else [r["W"][lyr][j, k]]
    if kind == "forward":
        if lyr > at:  # a weight of a later layer shows its value, a neuron nothing yet
            return [] if k is None else [r["W"][lyr][j, k]]
        Wj, ap = r["W"][lyr][j], r["a"][lyr - 1][i]
        terms = [v for kk in range(len(Wj)) for v in (Wj[kk], ap[kk])][:8]
        zz, aa = r["z"][lyr][i, j], r["a"][lyr][i, j]
        # line 2: a = f(z) = f(<z>) = <a>, or a = z = <a> without an activation
        return [*terms, r["b"][lyr][j], zz, *([zz, aa] if r["has_f"][lyr] else [aa])]
    if lyr < at:
        return []
    if k is None:
        dd = r["delta"][lyr][i, j]
        if lyr == K:
            if r["p"] is None:
                y = r["y"].reshape(r["a"][K].shape)[i, j]
                return [r["a"][K][i, j], y, r["fp"][K][i, j], dd]
            if r["p"].shape[1] == 1 and r["y"].ndim == 2:  # bce
                return [r["p"][i, j], r["y"][i, j], dd]
            return [r["p"][i, j], float(r["y"][i] == j), dd]
        Wn, dn = r["W"][lyr + 1][:, j], r["delta"][lyr + 1][i]
        terms = [v for kk in range(len(Wn)) for v in (Wn[kk], dn[kk])][:8]
        return [*terms, r["fp"][lyr][i, j], dd]
    dj, ak = r["delta"][lyr][:, j], r["a"][lyr - 1][:, k]
    terms = [v for ii in range(n) for v in (dj[ii], ak[ii])][:8]
    return [1, n, *terms, r["dW"][lyr][j, k]]


def test_every_equation_substitutes_bpkits_numbers(case) -> None:
    ex, r = case
    opts = [v for _, v in items(ex.trace.sizes)]
    for i in range(r["n"]):
        for phase in phases(r["K"]):
            for item in opts:
                text = equation(ex.trace, phase, item, i)
                got = [s for line in text.splitlines() for s in _substituted(line)]
                want = [fmt(v) for v in _expected(r, phase, item, i)]
                assert got == want, f"{phase} {item} example {i}:\n{text}\n{got}\n{want}"


def test_the_panel_shows_the_equation_of_the_phase_and_selection(case) -> None:
    ex, r = case
    last = len(phases(r["K"])) - 1
    ex.set(phase=last, show=("weight", 1, 0, 0), example=1)
    assert ex.state["equation"] == equation(ex.trace, ("update", 0), ("weight", 1, 0, 0), 0)
    assert fmt(r["W_new"][1][0, 0]) in ex.equation.value
    ex.set(phase=1, show=("auto",))
    assert ex.state["equation"].startswith("z¹₁ = Σₖ W¹₁ₖ xₖ + b¹₁")


def test_buttons_step_through_the_phases_and_stop_at_the_ends() -> None:
    ex = BackpropExplorer(mode="png")
    seen = [ex.state["phase"]]
    for _ in range(len(ex.phases) + 2):
        ex.next_button.click()
        seen.append(ex.state["phase"])
    assert seen[: len(ex.phases)] == ex.phases and seen[-1] == ex.phases[-1]
    ex.back_button.click()
    assert ex.state["phase"] == ex.phases[-2]
    ex.close()


def test_save_writes_one_gif_frame_per_phase(tmp_path) -> None:
    ex = BackpropExplorer(mode="png")
    path = ex.save(tmp_path / "step.gif")
    with Image.open(path) as im:
        assert im.format == "GIF" and im.n_frames == len(ex.phases)
    ex.close()


def test_unsupported_networks_are_refused_with_a_reason() -> None:
    X, y = np.zeros((1, 2)), np.zeros((1, 1))
    with pytest.raises(ValueError, match="layer 2 is Dropout"):
        BackpropExplorer(Sequential(Linear(2, 3), Tanh(), Dropout(0.5), Linear(3, 1)), X, y)
    with pytest.raises(ValueError, match="up to 4 layers of up to 8 units"):
        BackpropExplorer(mlp([2, 9, 1]), X, y)
    with pytest.raises(ValueError, match="takes logits"):
        BackpropExplorer(mlp([2, 3, 1], out_activation="sigmoid"), X, y, loss="bce")


def test_a_phase_seen_before_shows_the_picture_a_fresh_drawing_gives() -> None:
    model, X, y = xor_net()
    ex = BackpropExplorer(model, X, y, mode="png")
    for s in range(len(ex.phases)):
        ex.controls["phase"].value = s
    ex.controls["example"].value = 3
    ex.set(phase=4, example=1)  # kept from the walk above
    assert (4, 1) in ex._frames
    fresh = BackpropExplorer(model, X, y, mode="png")
    fresh.set(phase=4)
    assert ex.png() == fresh.png() and ex.state["shown"] == fresh.state["shown"]
    ex.close()
    fresh.close()
