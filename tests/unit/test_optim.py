"""bpkit.optim: each update rule against values worked out by hand."""

import numpy as np
import pytest

from bpkit.gradcheck import numerical_gradient
from bpkit.layers import Linear, ReLU
from bpkit.model import Sequential
from bpkit.optim import (
    SGD,
    clip_grad_norm,
    cyclical_schedule,
    is_weight,
    l1_penalty,
    l2_penalty,
    momentum_step,
    sgd_step,
    step_schedule,
)


def tiny_model() -> Sequential:
    """Linear(2 -> 2), ReLU, Linear(2 -> 1) with known weights and gradients."""
    model = Sequential(Linear(2, 2, seed=0), ReLU(), Linear(2, 1, seed=1))
    model.set_weights(
        {
            "0.W": np.array([[1.0, -2.0], [0.5, 0.0]]),
            "0.b": np.array([0.1, -0.1]),
            "2.W": np.array([[3.0, -1.0]]),
            "2.b": np.array([2.0]),
        }
    )
    grads = {
        "0.W": np.array([[0.5, 1.0], [-1.0, 2.0]]),
        "0.b": np.array([1.0, -1.0]),
        "2.W": np.array([[0.0, 4.0]]),
        "2.b": np.array([-2.0]),
    }
    for name, g in model.named_grads().items():
        g[...] = grads[name]
    return model


def test_is_weight_selects_W_only():
    assert is_weight("W") and is_weight("0.W") and is_weight("12.W")
    assert not any(is_weight(k) for k in ("b", "0.b", "Wb", "0.W_extra"))


def test_sgd_step_in_place():
    W = np.array([1.0, 2.0])
    view = W  # the model holds references; they must see the update
    sgd_step({"W": W}, {"W": np.array([10.0, -10.0])}, eta=0.1)
    np.testing.assert_allclose(view, [0.0, 3.0])


def test_momentum_two_steps_by_hand():
    # v1 = -eta g = -0.05, W = 0.95 ; v2 = 0.9 * -0.05 - 0.1 * 0.5 = -0.095, W = 0.855
    W = np.array([1.0])
    velocity: dict[str, np.ndarray] = {}
    for _ in range(2):
        momentum_step({"W": W}, {"W": np.array([0.5])}, velocity, eta=0.1, beta=0.9)
    np.testing.assert_allclose(velocity["W"], [-0.095])
    np.testing.assert_allclose(W, [0.855])


def test_momentum_with_beta_zero_is_plain_sgd():
    W1, W2 = np.array([1.0, -1.0]), np.array([1.0, -1.0])
    g = {"W": np.array([0.3, 0.7])}
    momentum_step({"W": W1}, g, {}, eta=0.5, beta=0.0)
    sgd_step({"W": W2}, g, eta=0.5)
    np.testing.assert_array_equal(W1, W2)


def test_momentum_keeps_the_old_eta_inside_the_velocity():
    """As documented: equal to PyTorch's form (u <- beta u + g; W <- W - eta u) while eta is
    constant; after eta is halved, PyTorch's step halves at once, the velocity form's shrinks
    over about 1 / (1 - beta) steps."""
    g, beta, change = np.array([1.0]), 0.9, 200  # the steps are steady long before the change
    W, velocity = np.array([0.0]), {}
    u = np.zeros(1)
    ours, theirs = [], []
    for t in range(change + 60):
        eta = 0.1 if t < change else 0.05
        before = W.copy()
        momentum_step({"W": W}, {"W": g}, velocity, eta=eta, beta=beta)
        ours.append(float((W - before)[0]))
        u = beta * u + g
        theirs.append(float(-eta * u[0]))
    np.testing.assert_allclose(ours[:change], theirs[:change], rtol=1e-12)  # eta constant: same
    assert theirs[change] == pytest.approx(theirs[change - 1] / 2)  # PyTorch: halves at once
    assert ours[change] == pytest.approx(beta * ours[change - 1] - 0.05 * g[0])  # old eta in v
    assert ours[change] == pytest.approx(0.95 * ours[change - 1])  # here: only 5 % smaller
    # ... and it reaches the new steady step -eta g / (1 - beta) geometrically, at rate beta
    assert ours[-1] == pytest.approx(-0.05 / (1 - beta), rel=0.01)


def test_l2_penalty_value_and_gradient_weights_only():
    params = {"0.W": np.array([[1.0, -2.0]]), "0.b": np.array([5.0])}
    value, grads = l2_penalty(params, lam=0.1)
    assert value == pytest.approx(0.1 / 2 * (1 + 4))  # lam/2 * sum W**2; the bias is ignored
    np.testing.assert_allclose(grads["0.W"], [[0.1, -0.2]])
    np.testing.assert_array_equal(grads["0.b"], [0.0])


def test_l1_penalty_value_and_sign_gradient():
    params = {"W": np.array([[1.5, -2.0, 0.0]]), "b": np.array([-3.0])}
    value, grads = l1_penalty(params, lam=0.2)
    assert value == pytest.approx(0.2 * 3.5)
    np.testing.assert_allclose(grads["W"], [[0.2, -0.2, 0.0]])
    np.testing.assert_array_equal(grads["b"], [0.0])


@pytest.mark.parametrize("penalty", [l2_penalty, l1_penalty])
def test_penalty_gradients_match_numerical(penalty):
    W = np.random.default_rng(3).normal(size=(3, 4))  # no entry near 0, where |W| has a kink
    W[np.abs(W) < 0.05] = 0.5
    _, grads = penalty({"W": W}, 0.3)
    numeric = numerical_gradient(lambda: penalty({"W": W}, 0.3)[0], W)
    np.testing.assert_allclose(grads["W"], numeric, rtol=1e-6, atol=1e-9)


def test_clip_grad_norm_scales_all_grads_together():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # global norm 5
    before = clip_grad_norm(grads, max_norm=1.0)
    assert before == pytest.approx(5.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.0])
    np.testing.assert_allclose(grads["b"], [[0.8]])
    assert clip_grad_norm(grads, 1.0) == pytest.approx(1.0)


def test_clip_grad_norm_leaves_small_grads_alone():
    grads = {"W": np.array([0.3, 0.4])}
    assert clip_grad_norm(grads, max_norm=1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(grads["W"], [0.3, 0.4])


def test_sgd_plain_step_on_model():
    model = tiny_model()
    before = model.get_weights()
    grads = {k: g.copy() for k, g in model.named_grads().items()}
    SGD(model, eta=0.1).step()
    for name, p in model.named_params().items():
        np.testing.assert_allclose(p, before[name] - 0.1 * grads[name])


def test_sgd_l2_decays_weights_not_biases():
    model = tiny_model()
    before = model.get_weights()
    grads = {k: g.copy() for k, g in model.named_grads().items()}
    opt = SGD(model, eta=0.1, l2=0.5)
    opt.step()
    after = model.named_params()
    for name in ("0.W", "2.W"):
        np.testing.assert_allclose(
            after[name], before[name] - 0.1 * (grads[name] + 0.5 * before[name])
        )
    for name in ("0.b", "2.b"):
        np.testing.assert_allclose(after[name], before[name] - 0.1 * grads[name])
    # penalty at the weights used by the step: 0.5/2 * (1 + 4 + 0.25 + 9 + 1)
    assert opt.penalty == pytest.approx(0.25 * 15.25)


def test_sgd_l1_adds_sign_of_weights():
    model = tiny_model()
    before = model.get_weights()
    grads = {k: g.copy() for k, g in model.named_grads().items()}
    opt = SGD(model, eta=0.1, l1=0.2)
    opt.step()
    W = model.named_params()["0.W"]
    # sign(0) = 0: the zero weight gets no L1 push
    expected = before["0.W"] - 0.1 * (grads["0.W"] + 0.2 * np.array([[1, -1], [1, 0]]))
    np.testing.assert_allclose(W, expected)
    assert opt.penalty == pytest.approx(0.2 * (1 + 2 + 0.5 + 3 + 1))
    np.testing.assert_allclose(model.named_params()["0.b"], before["0.b"] - 0.1 * grads["0.b"])


def test_sgd_momentum_on_model_matches_hand_values():
    model = tiny_model()
    W0 = model.get_weights()["2.W"]
    g = model.named_grads()["2.W"].copy()
    opt = SGD(model, eta=0.1, momentum=0.9)
    opt.step()
    opt.step()  # the grads are unchanged, so v2 = -0.1 g (1 + 0.9)
    np.testing.assert_allclose(opt.velocity["2.W"], -0.19 * g)
    np.testing.assert_allclose(model.named_params()["2.W"], W0 - 0.1 * g - 0.19 * g)


def test_sgd_clipping_caps_the_update_and_reports_the_norm():
    model = tiny_model()
    before = model.get_weights()
    grads = {k: g.copy() for k, g in model.named_grads().items()}
    norm = np.sqrt(sum((g**2).sum() for g in grads.values()))
    opt = SGD(model, eta=1.0, clip_norm=1.0)
    opt.step()
    assert opt.grad_norm == pytest.approx(norm)
    step = np.sqrt(sum(((before[k] - p) ** 2).sum() for k, p in model.named_params().items()))
    assert step == pytest.approx(1.0)
    for name, p in model.named_params().items():
        np.testing.assert_allclose(before[name] - p, grads[name] / norm)


def test_sgd_leaves_the_model_gradients_untouched():
    model = tiny_model()
    grads = {k: g.copy() for k, g in model.named_grads().items()}
    SGD(model, eta=0.1, l2=1.0, l1=1.0, clip_norm=0.1).step()
    for name, g in model.named_grads().items():
        np.testing.assert_array_equal(g, grads[name])


def test_sgd_zero_grad():
    model = tiny_model()
    SGD(model).zero_grad()
    assert all(not g.any() for g in model.named_grads().values())


def test_step_schedule_values():
    s = step_schedule(0.1, drop=0.5, every=10)
    assert [s(t) for t in (0, 9, 10, 19, 20, 35)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]
    )


def test_cyclical_schedule_is_triangular():
    s = cyclical_schedule(0.01, 0.05, period=4)
    assert [s(t) for t in range(9)] == pytest.approx(
        [0.01, 0.03, 0.05, 0.03, 0.01, 0.03, 0.05, 0.03, 0.01]
    )
    odd = cyclical_schedule(0.0, 1.0, period=5)
    values = [odd(t) for t in range(5)]
    assert (
        values[0] == 0.0 and max(values) <= 1.0 and values == pytest.approx([0, 0.4, 0.8, 0.8, 0.4])
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eta": 0.0}, "eta (learning rate) must be a finite number > 0, got 0.0"),
        ({"eta": float("nan")}, "eta (learning rate) must be a finite number > 0"),
        ({"momentum": 1.0}, "momentum must be in [0, 1), got 1.0"),
        ({"l2": -0.1}, "l2 must be a finite number >= 0, got -0.1"),
        ({"l1": -1}, "l1 must be a finite number >= 0, got -1"),
        ({"clip_norm": 0}, "clip_norm must be None or a finite number > 0, got 0"),
    ],
)
def test_sgd_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError) as err:
        SGD(tiny_model(), **kwargs)
    assert message in str(err.value)


def test_functional_forms_reject_bad_input():
    with pytest.raises(ValueError, match="params and grads must have the same keys"):
        sgd_step({"W": np.ones(2)}, {"b": np.ones(2)}, 0.1)
    with pytest.raises(ValueError, match="clip_norm must be a finite number > 0, got -1"):
        clip_grad_norm({"W": np.ones(2)}, -1)
    with pytest.raises(ValueError, match="0 < drop <= 1"):
        step_schedule(0.1, drop=0.0)
    with pytest.raises(ValueError, match="integer every >= 1"):
        step_schedule(0.1, every=0)
    with pytest.raises(ValueError, match="0 <= eta_min <= eta_max"):
        cyclical_schedule(0.5, 0.1, 10)
    with pytest.raises(ValueError, match="integer period >= 2"):
        cyclical_schedule(0.1, 0.5, 1)
