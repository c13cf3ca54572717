"""A scalar automatic-differentiation engine: reverse mode on a graph of ``Value`` nodes.

Every operation creates an output node that remembers its inputs (``_prev``), the operation
(``_op``) and a small ``_backward`` function, written right beside the forward computation, that
applies the chain rule for that one operation::

    out = x * y           # forward
    x.grad += y * out.grad   # backward: d(out)/dx = y
    y.grad += x * out.grad   #           d(out)/dy = x

The ``+=`` matters: a node used twice (``x * x``) receives a contribution from each use.

``backward()`` visits the nodes in reverse topological order, so a node's gradient is complete
(every use has contributed) before it is passed on to the node's own inputs.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Callable, Iterable

# Creation order of nodes: graphs built the same way get the same order in any process, which
# lets the grader name a node by its position (``_prev`` is a set, whose order is not stable).
_CREATED = itertools.count()


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


class Value:
    """A scalar that remembers how it was computed, so gradients can flow back through it.

    Args:
        data: the number (int or float; stored as float).
        label: an optional name shown in ``repr`` and graph drawings.

    Attributes:
        data: the value.
        grad: dL/d(this node) after ``L.backward()``; 0.0 before.
    """

    def __init__(
        self,
        data: float,
        label: str = "",
        _children: Iterable[Value] = (),
        _op: str = "",
    ) -> None:
        if isinstance(data, Value):
            raise TypeError("Value(data) needs a number, got a Value; use the Value directly")
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"Value(data) needs a real number, got {type(data).__name__} {data!r}")
        data = float(data)
        if math.isnan(data):
            where = f" (result of {_op!r})" if _op else ""
            raise ValueError(f"Value got NaN data{where}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._prev: set[Value] = set(_children)
        self._op = _op
        self._backward: Callable[[], None] = lambda: None
        self._seq = next(_CREATED)

    # ----- operations: forward, and beside it the local backward --------------------------
    def __add__(self, other: Value | float) -> Value:
        other = _as_value(other)
        out = Value(self.data + other.data, _children=(self, other), _op="+")

        def _backward() -> None:  # d(x+y)/dx = d(x+y)/dy = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = _as_value(other)
        out = Value(self.data * other.data, _children=(self, other), _op="*")

        def _backward() -> None:  # d(xy)/dx = y, d(xy)/dy = x
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float) -> Value:
        if isinstance(k, Value) or isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(
                f"Value ** k supports a plain number exponent k only, got {type(k).__name__}; "
                "for a Value exponent write (y * x.log()).exp()"
            )
        k = float(k)
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(f"0 ** {k:g} is undefined (division by zero)")
        if self.data < 0 and not k.is_integer():
            raise ValueError(f"({self.data:g}) ** {k:g}: a negative base needs an integer exponent")
        out = Value(self.data**k, _children=(self,), _op=f"**{k:g}")

        def _backward() -> None:  # d(x^k)/dx = k x^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        """``e ** x``; raises OverflowError beyond about x = 709 (the float64 limit)."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data}) is too large for a float") from None
        out = Value(e, _children=(self,), _op="exp")

        def _backward() -> None:  # d(e^x)/dx = e^x
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        """Natural logarithm; needs ``data > 0``."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive number, got {self.data}")
        out = Value(math.log(self.data), _children=(self,), _op="log")

        def _backward() -> None:  # d(log x)/dx = 1/x
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """Hyperbolic tangent (``math.tanh`` is stable for any input)."""
        out = Value(math.tanh(self.data), _children=(self,), _op="tanh")

        def _backward() -> None:  # d(tanh x)/dx = 1 - tanh(x)^2
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        """Logistic ``1 / (1 + e^-x)``, using ``e^-|x|`` so large ``|x|`` never overflows."""
        e = math.exp(-abs(self.data))
        s = 1.0 / (1.0 + e) if self.data >= 0 else e / (1.0 + e)
        out = Value(s, _children=(self,), _op="sigmoid")

        def _backward() -> None:  # d(sigmoid x)/dx = s (1 - s)
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        """``max(x, 0)``; its derivative is taken as 0 at x = 0."""
        out = Value(max(self.data, 0.0), _children=(self,), _op="relu")

        def _backward() -> None:  # d(relu x)/dx = 1 if x > 0 else 0
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    # ----- the rest, defined through the operations above (no new derivatives) -------------
    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Value | float) -> Value:
        return self + (-_as_value(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * _as_value(other) ** -1

    def __radd__(self, other: float) -> Value:  # other + self
        return self + other

    def __rmul__(self, other: float) -> Value:  # other * self
        return self * other

    def __rsub__(self, other: float) -> Value:  # other - self
        return _as_value(other) - self

    def __rtruediv__(self, other: float) -> Value:  # other / self
        return _as_value(other) / self

    # ----- reverse pass -------------------------------------------------------------------
    def backward(self) -> None:
        """Compute d(self)/d(node) for every node of the graph that produced ``self``.

        The grads of every node in the graph are first RESET to 0, then ``self.grad = 1`` and
        each node's ``_backward`` runs in reverse topological order. Because of the reset,
        calling ``backward()`` twice gives the same grads as calling it once (they are not
        doubled). To add the gradients of several outputs, build their sum and call
        ``backward()`` on it.
        """
        order = topological_order(self)
        for node in order:  # start clean, so a second call does not double the grads
            node.grad = 0.0
        self.grad = 1.0  # d(self)/d(self)
        for node in reversed(order):  # outputs before inputs
            node._backward()

    def zero_grad(self) -> None:
        """Set ``grad = 0`` on this node and every node it was computed from."""
        for node in topological_order(self):
            node.grad = 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"


def topological_order(root: Value) -> list[Value]:
    """Every node that ``root`` depends on, inputs before the nodes computed from them.

    Iterative depth-first search (no recursion limit for long chains). ``root`` comes last.
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        stack.extend((child, False) for child in node._prev if child not in visited)
    return order
