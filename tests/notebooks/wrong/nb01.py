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
        (
            "= instead of *=",
            """
def chain_derivative(fs, dfs, x):
    derivative = 1.0
    for f_k, df_k in zip(fs, dfs):
        derivative = df_k(x)
        x = f_k(x)
    return derivative
""",
            "only the last link's local derivative",
        ),
        (
            "product started at 0",
            """
def chain_derivative(fs, dfs, x):
    derivative = 0.0
    for f_k, df_k in zip(fs, dfs):
        derivative *= df_k(x)
        x = f_k(x)
    return derivative
""",
            "a product that starts at 0.0",
        ),
        (
            "fs and dfs mixed up",
            """
def chain_derivative(fs, dfs, x):
    derivative = 1.0
    for f_k, df_k in zip(fs, dfs):
        derivative *= f_k(x)
        x = f_k(x)
    return derivative
""",
            "the values f_k(x_(k-1)) multiplied instead of the derivatives",
        ),
        (
            "the local derivatives returned as a list",
            """
def chain_derivative(fs, dfs, x):
    locals_ = []
    for f_k, df_k in zip(fs, dfs):
        locals_.append(df_k(x))
        x = f_k(x)
    return locals_ if locals_ else 1.0
""",
            "the list of the local derivatives",
        ),
        (
            "the loop stops one link early",
            """
def chain_derivative(fs, dfs, x):
    derivative = 1.0
    for k in range(len(fs) - 1):
        derivative *= dfs[k](x)
        x = fs[k](x)
    return derivative
""",
            "the last link left out",
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
        (
            "/ 2*h without brackets",
            """
def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / 2*h
""",
            "Python reads `/ 2*h` left to right",
        ),
        (
            "divided by 2 only",
            """
def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / 2
""",
            "a division by 2 but not by h",
        ),
        (
            "not divided at all",
            """
def central_difference(f, x, h=1e-5):
    return f(x + h) - f(x - h)
""",
            "divide it by the distance 2h",
        ),
        (
            "a sum of the two values",
            """
def central_difference(f, x, h=1e-5):
    return (f(x + h) + f(x - h)) / (2 * h)
""",
            "the central difference subtracts",
        ),
        (
            "a step of its own",
            """
def central_difference(f, x, h=1e-5):
    h = 1e-3
    return (f(x + h) - f(x - h)) / (2 * h)
""",
            "a fixed step of 0.001",
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
            "power rule without brackets",
            """
def local_derivatives(op, inputs, out):
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[1], inputs[0])
    if op == "**":
        p, k = inputs
        return (k * p ** k - 1, 0.0)
    p = inputs[0]
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - out**2,
             "sigmoid": lambda: out * (1 - out), "relu": lambda: float(p > 0)}
    if op not in table:
        raise ValueError(op)
    return (table[op](),)
""",
            "put the exponent in brackets",
        ),
        (
            "tanh applied to out again",
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
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - math.tanh(out)**2,
             "sigmoid": lambda: out * (1 - out), "relu": lambda: float(p > 0)}
    if op not in table:
        raise ValueError(op)
    return (table[op](),)
""",
            "the tanh applied again to out",
        ),
        (
            "a derivative for the exponent",
            """
import math

def local_derivatives(op, inputs, out):
    if op == "+":
        return (1.0, 1.0)
    if op == "*":
        return (inputs[1], inputs[0])
    if op == "**":
        p, k = inputs
        return (k * p ** (k - 1), out * math.log(p))
    p = inputs[0]
    table = {"exp": lambda: out, "log": lambda: 1 / p, "tanh": lambda: 1 - out**2,
             "sigmoid": lambda: out * (1 - out), "relu": lambda: float(p > 0)}
    if op not in table:
        raise ValueError(op)
    return (table[op](),)
""",
            "a derivative for the exponent k",
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
            "belongs in the list, root included",
        ),
        (
            "root first (the reverse of a topological order)",
            """
def topological_order(root):
    order, visited = [], set()

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for child in node._prev:
            visit(child)
        order.append(node)

    visit(root)
    return order[::-1]
""",
            "the order looks reversed",
        ),
        (
            "a set of nodes",
            """
def topological_order(root):
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node._prev)
    return seen
""",
            "should return a list of nodes",
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
        (
            "node and child swapped",
            """
def backward(root, local_grads):
    order = autodiff.topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for child, local in local_grads(node):
            node.grad += local * child.grad
""",
            "node and child swapped",
        ),
        (
            "every grad reset to 1",
            """
def backward(root, local_grads):
    order = autodiff.topological_order(root)
    for node in order:
        node.grad = 1.0
    for node in reversed(order):
        for child, local in local_grads(node):
            child.grad += local * node.grad
""",
            "every grad reset to 1.0",
        ),
    ],
}
