"""bpkit.autodiff: every Value op against numerical_gradient, and how backward() behaves."""

import math
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from strategies import FAST, floats

from bpkit.autodiff import Value, topological_order
from bpkit.gradcheck import numerical_gradient

# Each case: an expression in two Values x, y (positive y where a log or fractional power needs it).
OPS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow_int": lambda x, y: x**3 + y**2,
    "pow_frac": lambda x, y: y**0.5 + y**-1.5,
    "neg": lambda x, y: -x * y,
    "exp": lambda x, y: (x * 0.5).exp(),
    "log": lambda x, y: y.log(),
    "tanh": lambda x, y: (x * y).tanh(),
    "sigmoid": lambda x, y: (x - y).sigmoid(),
    "relu": lambda x, y: x.relu() * y,
    "radd": lambda x, y: 2.0 + x,
    "rsub": lambda x, y: 2.0 - x * y,
    "rmul": lambda x, y: 3.0 * x,
    "rtruediv": lambda x, y: 1.0 / y,
    "reuse": lambda x, y: x * x + x * y + x,
    "chain": lambda x, y: ((x * y + 1.0).tanh() * x - y.exp() / (y + 1.0)).sigmoid(),
}


def grads_of(expr, x0: float, y0: float) -> tuple[float, float]:
    x, y = Value(x0, "x"), Value(y0, "y")
    expr(x, y).backward()
    return x.grad, y.grad


@FAST
@given(x0=floats(-3, 3), y0=floats(0.2, 3))
@pytest.mark.parametrize("name", list(OPS))
def test_op_gradient_matches_numerical_gradient(name, x0, y0):
    expr = OPS[name]
    if name == "relu" and abs(x0) < 1e-3:
        x0 += 0.01  # away from the kink
    xy = np.array([x0, y0])
    numeric = numerical_gradient(lambda v: expr(Value(v[0]), Value(v[1])).data, xy)
    analytic = np.array(grads_of(expr, x0, y0))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_forward_values():
    x, y = Value(2.0), Value(-3.0)
    assert (x + y).data == -1.0 and (x - y).data == 5.0 and (x * y).data == -6.0
    assert (x / y).data == pytest.approx(-2 / 3) and (x**3).data == 8.0 and (-x).data == -2.0
    assert (1 - x).data == -1.0 and (1 / x).data == 0.5 and (4 + x).data == 6.0
    assert x.exp().data == pytest.approx(math.e**2) and x.log().data == pytest.approx(math.log(2))
    assert y.relu().data == 0.0 and x.relu().data == 2.0
    assert y.tanh().data == pytest.approx(math.tanh(-3)) and Value(0).sigmoid().data == 0.5


def test_reused_node_accumulates():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0  # both uses contribute: d(x^2)/dx = 2x
    a = Value(1.0)
    (a + a + a).backward()
    assert a.grad == 3.0


def test_second_backward_gives_the_same_grads_not_double():
    x, y = Value(2.0), Value(-1.5)
    out = (x * y + x).tanh()
    out.backward()
    first = (x.grad, y.grad)
    out.backward()
    assert (x.grad, y.grad) == first
    x.grad = 123.0  # stale values are wiped too
    out.backward()
    assert (x.grad, y.grad) == first


def test_zero_grad_clears_the_graph():
    x = Value(2.0)
    out = x * 3 + 1
    out.backward()
    out.zero_grad()
    assert all(node.grad == 0.0 for node in topological_order(out))


def test_topological_order_puts_inputs_first():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    z = x * y
    out = z + x
    order = topological_order(out)
    assert order[-1] is out and len(order) == 4
    pos = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for child in node._prev:
            assert pos[id(child)] < pos[id(node)]
    assert out._op == "+" and z._op == "*" and out._prev == {z, x}


def test_long_chain_needs_no_recursion():
    x = Value(0.5)
    out = x
    for _ in range(sys.getrecursionlimit() + 500):
        out = out * 1.0 + 0.0
    out.backward()
    assert x.grad == 1.0


def test_repr_shows_data_grad_and_label():
    x = Value(2.0, label="x")
    (x * 4).backward()
    assert repr(x) == "Value(data=2, grad=4, label='x')"
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0)"


def test_stable_at_plus_minus_1e4():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for z in (-1e4, 1e4):
            for op in ("sigmoid", "tanh", "relu"):
                x = Value(z)
                out = getattr(x, op)()
                out.backward()
                assert math.isfinite(out.data) and math.isfinite(x.grad)
    assert Value(-1e4).sigmoid().data == 0.0 and Value(1e4).sigmoid().data == 1.0


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match="Value\\(data\\) needs a real number, got str"):
        Value("2")
    with pytest.raises(TypeError, match="got a Value"):
        Value(Value(1.0))
    with pytest.raises(ValueError, match="Value got NaN data"):
        Value(float("nan"))
    with pytest.raises(TypeError, match="supports a plain number exponent k only, got Value"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="log needs a positive number, got -1.0"):
        Value(-1.0).log()
    with pytest.raises(OverflowError, match="exp\\(1000.0\\) is too large"):
        Value(1000.0).exp()
    with pytest.raises(ZeroDivisionError, match="0 \\*\\* -1 is undefined"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match="a negative base needs an integer exponent"):
        Value(-2.0) ** 0.5
