"""The update rules of bpkit.optim against their textbook formulas, written out step by step.

Each rule runs several steps on two parameters with seeded gradients, and eta changes mid-run
(as a schedule would change it), so the tests also pin down where eta lives in each rule's state.
"""

from __future__ import annotations

import numpy as np
import pytest

from bpkit.data import xor
from bpkit.model import mlp
from bpkit.optim import (
    OPTIMIZERS,
    SGD,
    Adam,
    Momentum,
    Nesterov,
    RMSprop,
    UpdateRule,
    get_optimizer,
)
from bpkit.train import fit

SHAPES = {"W": (3, 2), "b": (3,)}
STEPS = 6
ETAS = [0.1, 0.1, 0.1, 0.03, 0.03, 0.2]  # eta changes twice mid-run


def _problem(seed: int = 0):
    g = np.random.default_rng(seed)
    params = {k: g.standard_normal(s) for k, s in SHAPES.items()}
    grads = [{k: g.standard_normal(s) * 10.0 ** g.integers(-2, 2) for k, s in SHAPES.items()}
             for _ in range(STEPS)]  # fmt: skip
    return params, grads


def _run(rule: UpdateRule, params, grads_seq, etas=ETAS):
    p = {k: v.copy() for k, v in params.items()}
    ids = {k: id(v) for k, v in p.items()}
    out = []
    for grads, eta in zip(grads_seq, etas, strict=True):
        rule.eta = eta
        before = {k: g.copy() for k, g in grads.items()}
        rule.step(p, grads)
        assert all(np.array_equal(grads[k], before[k]) for k in grads), "grads changed"
        out.append({k: v.copy() for k, v in p.items()})
    assert {k: id(v) for k, v in p.items()} == ids, "parameters were not updated in place"
    return out


def _textbook(kind: str, params, grads_seq, etas=ETAS, **h):
    """The update written out from the formulas, one parameter and one step at a time."""
    out = []
    p = {k: v.copy() for k, v in params.items()}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    s = {k: np.zeros_like(v) for k, v in p.items()}
    for t, (grads, eta) in enumerate(zip(grads_seq, etas, strict=True), start=1):
        for k in p:
            g = grads[k]
            if kind == "momentum":  # v <- beta v - eta g; W <- W + v
                m[k] = h["beta"] * m[k] - eta * g
                p[k] = p[k] + m[k]
            elif kind == "nesterov":  # look-ahead, velocity form
                v_old = m[k]
                m[k] = h["beta"] * v_old - eta * g
                p[k] = p[k] - h["beta"] * v_old + (1 + h["beta"]) * m[k]
            elif kind == "rmsprop":
                s[k] = h["beta"] * s[k] + (1 - h["beta"]) * g**2
                p[k] = p[k] - eta * g / (np.sqrt(s[k]) + h["eps"])
            elif kind == "adam":
                if h.get("weight_decay") and k == "W":
                    p[k] = p[k] - eta * h["weight_decay"] * p[k]
                m[k] = h["beta1"] * m[k] + (1 - h["beta1"]) * g
                s[k] = h["beta2"] * s[k] + (1 - h["beta2"]) * g**2
                m_hat = m[k] / (1 - h["beta1"] ** t)
                s_hat = s[k] / (1 - h["beta2"] ** t)
                p[k] = p[k] - eta * m_hat / (np.sqrt(s_hat) + h["eps"])
        out.append({k: v.copy() for k, v in p.items()})
    return out


def _assert_paths(got, want):
    for step, (a, b) in enumerate(zip(got, want, strict=True), start=1):
        for k in b:
            np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=1e-14, err_msg=f"step {step}")


@pytest.mark.parametrize(
    ("rule", "kind", "h"),
    [
        (Momentum(beta=0.9), "momentum", {"beta": 0.9}),
        (Momentum(beta=0.5), "momentum", {"beta": 0.5}),
        (Nesterov(beta=0.9), "nesterov", {"beta": 0.9}),
        (Nesterov(beta=0.3), "nesterov", {"beta": 0.3}),
        (RMSprop(beta=0.9, eps=1e-8), "rmsprop", {"beta": 0.9, "eps": 1e-8}),
        (RMSprop(beta=0.5, eps=0.3), "rmsprop", {"beta": 0.5, "eps": 0.3}),
        (Adam(), "adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        (Adam(beta1=0.5, beta2=0.8, eps=0.1), "adam", {"beta1": 0.5, "beta2": 0.8, "eps": 0.1}),
        (
            Adam(weight_decay=0.5),
            "adam",
            {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.5},
        ),
    ],
    ids=repr,
)
def test_rule_follows_its_textbook_formula_for_several_steps(rule, kind, h):
    params, grads = _problem()
    _assert_paths(_run(rule, params, grads), _textbook(kind, params, grads, **h))
    assert rule.t == STEPS


def test_plain_sgd_is_momentum_with_beta_zero_and_keeps_no_state():
    params, grads = _problem(1)
    rule = get_optimizer("sgd")
    got = _run(rule, params, grads)
    p = {k: v.copy() for k, v in params.items()}
    for step, (g, eta) in enumerate(zip(grads, ETAS, strict=True)):
        for k in p:
            p[k] = p[k] - eta * g[k]
            np.testing.assert_allclose(got[step][k], p[k], rtol=1e-13)
    assert rule.state == {"W": {}, "b": {}}


def test_momentum_keeps_the_old_eta_in_its_velocity_but_adam_does_not():
    """After eta drops, momentum's next step still carries the old eta; Adam's drops at once."""
    g = {"w": np.ones(1)}
    for rule, gradual in ((Momentum(eta=0.1, beta=0.9), True), (Adam(eta=0.1), False)):
        p = {"w": np.zeros(1)}
        for _ in range(20):
            rule.step(p, g)
        before = p["w"].copy()
        rule.step(p, g)
        step_old = float((p["w"] - before)[0])
        rule.eta = 0.05
        before = p["w"].copy()
        rule.step(p, g)
        step_new = float((p["w"] - before)[0])
        ratio = step_new / step_old
        assert (ratio > 0.9) if gradual else ratio == pytest.approx(0.5, rel=1e-9)


def test_state_is_per_parameter_and_can_be_inspected():
    params, grads = _problem(2)
    adam = Adam()
    _run(adam, params, grads)
    assert set(adam.state) == {"W", "b"}
    assert set(adam.state["W"]) == {"m", "s"}
    assert adam.state["b"]["s"].shape == SHAPES["b"]
    assert (adam.state["W"]["s"] > 0).all()
    assert set(Momentum().slots) == {"v"} and set(RMSprop().slots) == {"s"}
    adam.reset()
    assert adam.state == {} and adam.t == 0


def test_the_first_adam_step_moves_every_entry_by_eta():
    """With the bias correction, step 1 is eta * sign(g), whatever the size of g."""
    p = {"w": np.zeros(3)}
    Adam(eta=0.01).step(p, {"w": np.array([1e-3, 1.0, -50.0])})
    np.testing.assert_allclose(p["w"], [-0.01, -0.01, 0.01], rtol=1e-4)


def test_sgd_driver_with_a_rule_couples_l2_to_the_gradient():
    """SGD(l2=...) adds l2 * W to the gradient the rule sees (Adam + L2, not AdamW)."""
    X, y = xor(32, seed=0)
    a, b = mlp([2, 4, 1], seed=0), mlp([2, 4, 1], seed=0)
    a.backward(a.forward(X) - y.reshape(-1, 1))
    b.backward(b.forward(X) - y.reshape(-1, 1))
    SGD(a, eta=0.01, l2=0.1, rule=Adam(eta=0.5)).step()
    grads = {k: g + (0.1 * b.named_params()[k] if k.endswith("W") else 0)
             for k, g in b.named_grads().items()}  # fmt: skip
    Adam(eta=0.01).step(b.named_params(), grads)
    for k, v in b.named_params().items():
        np.testing.assert_allclose(a.named_params()[k], v, rtol=1e-12)


def test_fit_by_name_equals_the_built_in_momentum():
    X, y = xor(64, seed=1)
    ref, byname, byobj = (mlp([2, 6, 1], seed=3) for _ in range(3))
    kw = dict(loss="bce", eta=0.2, batch_size=8, epochs=3, seed=4, progress=False)
    fit(ref, X, y, momentum=0.9, **kw)
    fit(byname, X, y, optimizer="momentum", momentum=0.9, **kw)
    fit(byobj, X, y, optimizer=Momentum(eta=0.2, beta=0.9), **kw)
    for k, v in ref.named_params().items():
        np.testing.assert_allclose(byname.named_params()[k], v, rtol=1e-12)
        np.testing.assert_allclose(byobj.named_params()[k], v, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_fit_accepts_every_name_and_follows_a_schedule(name):
    X, y = xor(64, seed=1)
    model = mlp([2, 6, 1], seed=3)
    rule = get_optimizer(name, eta=0.05)
    h = fit(model, X, y, loss="bce", batch_size=16, epochs=4, optimizer=rule,
            schedule=lambda t: 0.05 / (t + 1), progress=False)  # fmt: skip
    assert h.eta == pytest.approx([0.05, 0.025, 0.05 / 3, 0.0125])
    assert rule.eta == pytest.approx(0.0125) and rule.t == h.n_updates == 16
    assert np.isfinite(h.loss).all()
    h2 = fit(mlp([2, 6, 1], seed=3), X, y, loss="bce", epochs=2, optimizer=name.upper(),
             progress=False)  # fmt: skip
    assert h2.eta[0] == get_optimizer(name).eta


def test_fit_sets_a_given_eta_on_the_object():
    rule = Adam(eta=0.001)
    X, y = xor(16, seed=0)
    fit(mlp([2, 3, 1], seed=0), X, y, loss="bce", eta=0.02, epochs=1, optimizer=rule,
        progress=False)  # fmt: skip
    assert rule.eta == 0.02


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Momentum(beta=1.0), r"beta must be in \[0, 1\), got 1.0"),
        (lambda: Nesterov(beta=-0.1), r"beta must be in \[0, 1\)"),
        (lambda: RMSprop(beta=1.5), r"beta must be in \[0, 1\)"),
        (lambda: Adam(beta1=1.0), r"beta1 must be in \[0, 1\)"),
        (lambda: Adam(beta2=float("nan")), r"beta2 must be in \[0, 1\)"),
        (lambda: RMSprop(eps=0.0), r"eps must be a finite number > 0, got 0.0"),
        (lambda: Adam(eps=-1e-8), r"eps must be a finite number > 0"),
        (lambda: Adam(eta=0.0), r"eta \(learning rate\) must be a finite number > 0"),
        (lambda: Adam(weight_decay=-1.0), r"weight_decay must be a finite number >= 0"),
        (
            lambda: get_optimizer("adamw"),
            r"unknown optimizer 'adamw'; known optimizers: 'sgd', 'momentum', 'nesterov', "
            r"'rmsprop', 'adam'",
        ),
        (lambda: get_optimizer(Adam(), eta=0.1), r"only apply to an optimizer given by name"),
    ],
)
def test_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_fit_errors_name_the_conflict():
    X, y = xor(16, seed=0)
    with pytest.raises(ValueError, match="only applies to optimizer 'sgd', 'momentum'"):
        fit(mlp([2, 3, 1]), X, y, optimizer="adam", momentum=0.9, progress=False)
    with pytest.raises(ValueError, match="set its beta when you create it"):
        fit(mlp([2, 3, 1]), X, y, optimizer=Adam(), momentum=0.9, progress=False)
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'; known optimizers"):
        fit(mlp([2, 3, 1]), X, y, optimizer="adagrad", progress=False)


def test_a_rule_refuses_state_of_another_shape():
    rule = Adam()
    rule.step({"W": np.zeros((2, 2))}, {"W": np.ones((2, 2))})
    with pytest.raises(ValueError, match="another shape"):
        rule.step({"W": np.zeros(3)}, {"W": np.ones(3)})


# ----- the explorer (notebook 10) ----------------------------------------------------------------
def test_explorer_updates_its_artists_in_place():
    from bpkit.widgets.optimizers import NAMES, OptimizersExplorer

    ex = OptimizersExplorer(mode="png", prerender=False)
    try:
        lines = {n: ex._paths[n] for n in NAMES}
        before = {n: np.array(line.get_xydata()) for n, line in lines.items()}
        png = ex.png()
        ex.controls["eta"].value = 0.002
        assert all(ex._paths[n] is lines[n] for n in NAMES)  # same artists, new data
        assert any(not np.array_equal(before[n], lines[n].get_xydata()) for n in NAMES)
        assert ex.png() != png
        ex.set(surface="saddle", steps=40)
        assert ex.state["surface"] == "saddle" and ex.state["paths"]["adam"].shape == (41, 2)
        assert ex._contours["saddle"].get_visible() and not ex._contours["valley"].get_visible()
        assert "L − L*" in ex.info.value
        ex.set(surface="bowl", eta=10.0, steps=100)
        assert ex.state["diverged"]["sgd"] and not ex.state["diverged"]["adam"]
        assert ex.state["final"]["sgd"] == np.inf
    finally:
        ex.close()


def test_explorer_runs_equal_fresh_trajectories():
    """Cached and extended runs (the step slider) give the same iterates as a fresh run."""
    from bpkit.widgets.optimizers import OptimizersExplorer, make_rules, trajectory

    ex = OptimizersExplorer(mode="png", prerender=False)
    try:
        ex.set(surface="valley", eta=0.01, beta1=0.8, beta2=0.99, steps=30)
        ex.set(steps=120)
        for name, rule in make_rules(0.01, 0.8, 0.99).items():
            np.testing.assert_array_equal(ex.state["paths"][name], trajectory(rule, "valley", 120))
    finally:
        ex.close()
