"""Plausible wrong answers for notebook 01, with the diagnostic each must produce.

WRONG[answer grade_id] = [(label, full source of the answer cell, substring expected in the
output of the test cell that follows it)].
"""

WRONG: dict[str, list[tuple[str, str, str]]] = {
    "chain_derivative": [
        (
            "every derivative at the original x",
            """
def chain_derivative(fs, dfs, x):
    derivative = 1.0
    for df_k in dfs:
        derivative *= df_k(x)
    return derivative
""",
            "evaluated at the original x",
        ),
        (
            "derivative taken after moving x forward",
            """
def chain_derivative(fs, dfs, x):
    derivative = 1.0
    for f_k, df_k in zip(fs, dfs):
        x = f_k(x)
        derivative *= df_k(x)
    return derivative
""",
            "at its link's output",
        ),
        (
            "local derivatives summed",
            """
def chain_derivative(fs, dfs, x):
    total = 0.0
    for f_k, df_k in zip(fs, dfs):
        total += df_k(x)
        x = f_k(x)
    return total
""",
            "added instead of multiplied",
        ),
        (
            "links applied last-first",
            """
def chain_derivative(fs, dfs, x):
    derivative = 1.0
    for f_k, df_k in zip(reversed(fs), reversed(dfs)):
        derivative *= df_k(x)
        x = f_k(x)
    return derivative
""",
            "reverse order",
        ),
    ],
    "central_difference": [
        (
            "forward difference",
            """
def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h
""",
            "a forward difference",
        ),
        (
            "divided by h",
            """
def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h
""",
            "divide by 2h",
        ),
        (
            "points swapped",
            """
def central_difference(f, x, h=1e-5):
    return (f(x - h) - f(x + h)) / (2 * h)
""",
            "the wrong sign",
        ),
        (
            "fixed step",
            """
def central_difference(f, x, h=1e-5):
    step = 1e-5
    return (f(x + step) - f(x - step)) / (2 * step)
""",
            "the h argument being ignored",
        ),
    ],
    "local_derivatives": [
        (
            "tanh' from the input",
            """
import math

def local_derivatives(op, inputs, out):
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[1], inputs[0])
    if op == "**":
        p, k = inputs
        return (k * p ** (k - 1), 0.0)
    p = inputs[0]
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - p**2,
             "sigmoid": lambda: out * (1 - out), "relu": lambda: float(p > 0)}
    if op not in table:
        raise ValueError(op)
    return (table[op](),)
""",
            "where 1 - out**2 is needed",
        ),
        (
            "product derivatives swapped",
            """
def local_derivatives(op, inputs, out):
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[0], inputs[1])
    if op == "**":
        p, k = inputs
        return (k * p ** (k - 1), 0.0)
    p = inputs[0]
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - out**2,
             "sigmoid": lambda: out * (1 - out), "relu": lambda: float(p > 0)}
    if op not in table:
        raise ValueError(op)
    return (table[op](),)
""",
            "the two derivatives swapped",
        ),
        (
            "power rule without k",
            """
def local_derivatives(op, inputs, out):
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[1], inputs[0])
    if op == "**":
        p, k = inputs
        return (p ** (k - 1), 0.0)
    p = inputs[0]
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - out**2,
             "sigmoid": lambda: out * (1 - out), "relu": lambda: float(p > 0)}
    if op not in table:
        raise ValueError(op)
    return (table[op](),)
""",
            "a missing factor k",
        ),
        (
            "relu step at p >= 0",
            """
def local_derivatives(op, inputs, out):
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[1], inputs[0])
    if op == "**":
        p, k = inputs
        return (k * p ** (k - 1), 0.0)
    p = inputs[0]
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - out**2,
             "sigmoid": lambda: out * (1 - out), "relu": lambda: float(p >= 0)}
    if op not in table:
        raise ValueError(op)
    return (table[op](),)
""",
            "1 at the kink",
        ),
        (
            "sigmoid' from the input",
            """
def local_derivatives(op, inputs, out):
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[1], inputs[0])
    if op == "**":
        p, k = inputs
        return (k * p ** (k - 1), 0.0)
    p = inputs[0]
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - out**2,
             "sigmoid": lambda: p * (1 - p), "relu": lambda: float(p > 0)}
    if op not in table:
        raise ValueError(op)
    return (table[op](),)
""",
            "sigma' is written with the output",
        ),
        (
            "unknown op passes silently",
            """
def local_derivatives(op, inputs, out):
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[1], inputs[0])
    if op == "**":
        p, k = inputs
        return (k * p ** (k - 1), 0.0)
    p = inputs[0]
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - out**2,
             "sigmoid": lambda: out * (1 - out), "relu": lambda: float(p > 0)}
    return (table.get(op, lambda: 0.0)(),)
""",
            "should raise ValueError",
        ),
    ],
    "topological_order": [
        (
            "node appended before its children (pre-order)",
            """
def topological_order(root):
    order, visited = [], set()

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        order.append(node)
        for child in node._prev:
            visit(child)

    visit(root)
    return order
""",
            "the order looks reversed",
        ),
        (
            "no visited set",
            """
def topological_order(root):
    order = []

    def visit(node):
        for child in node._prev:
            visit(child)
        order.append(node)

    visit(root)
    return order
""",
            "more than once",
        ),
        (
            "breadth-first, reversed",
            """
def topological_order(root):
    order, seen, queue = [], {root}, [root]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for child in node._prev:
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return order[::-1]
""",
            "comes before its input",
        ),
        (
            "root left out",
            """
def topological_order(root):
    order, visited = [], set()

    def visit(node):
        for child in node._prev:
            if child not in visited:
                visited.add(child)
                visit(child)
                order.append(child)

    visit(root)
    return order
""",
            "misses 1 of the",
        ),
    ],
    "backward": [
        (
            "= instead of +=",
            """
def backward(root, local_grads):
    order = autodiff.topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for child, local in local_grads(node):
            child.grad = local * node.grad
""",
            "= instead of +=",
        ),
        (
            "no reset",
            """
def backward(root, local_grads):
    order = autodiff.topological_order(root)
    root.grad = 1.0
    for node in reversed(order):
        for child, local in local_grads(node):
            child.grad += local * node.grad
""",
            "not reset to 0",
        ),
        (
            "forward order",
            """
def backward(root, local_grads):
    order = autodiff.topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in order:
        for child, local in local_grads(node):
            child.grad += local * node.grad
""",
            "instead of its reverse",
        ),
        (
            "local derivative not multiplied by node.grad",
            """
def backward(root, local_grads):
    order = autodiff.topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for child, local in local_grads(node):
            child.grad += local
""",
            "without multiplying by node.grad",
        ),
        (
            "root never seeded",
            """
def backward(root, local_grads):
    order = autodiff.topological_order(root)
    for node in order:
        node.grad = 0.0
    for node in reversed(order):
        for child, local in local_grads(node):
            child.grad += local * node.grad
""",
            "root.grad never set",
        ),
        (
            "bpkit's own backward called",
            """
def backward(root, local_grads):
    root.backward()
""",
            "it ignores the local_grads it is given",
        ),
    ],
}
