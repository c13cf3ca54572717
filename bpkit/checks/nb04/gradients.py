"""nb04: Exercises 1 and 2: loop_gradient and batch_gradient."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._answers import function_tree as _function_tree
from bpkit.checks._answers import kind as _kind
from bpkit.checks._answers import length as _length
from bpkit.checks._answers import need_function as _need_function
from bpkit.checks._core import (
    MISSING_1_OVER_N,
    MISSING_ACTIVATION_DERIVATIVE,
    TRANSPOSED_W,
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.functional import sigmoid, sigmoid_prime
from bpkit.layers import Linear, Sigmoid
from bpkit.losses import mse
from bpkit.model import Sequential

_type = object.__class__

# ----- Exercises 1 and 2: loop_gradient and batch_gradient ------------------------------------
# (name, n, d_in, d_out, seed)
GradCase = tuple[str, int, int, int, int]

PRIME_OF_A = (
    "sigmoid_prime applied to a instead of z: f'(z) takes the pre-activation z = W x + b "
    "(sigmoid_prime(z) is already sigma(z) * (1 - sigma(z)))"
)
DB_ROWS = "db summed over the wrong axis: average the rows of delta (axis=0), one entry per unit"
DB_SCALAR = (
    "db averaged over everything: delta.mean() is one number; average over the rows only, "
    "delta.mean(axis=0), one entry per unit"
)
W_NOT_T = (
    "z computed with W instead of its transpose: W has shape (d_out, d_in), so one example "
    "gives z = W @ x + b and a batch z = X @ W.T + b"
)
TWICE_1_OVER_N = (
    "an extra 1/n: the mean was taken twice (e.g. delta divided by n and then dW divided by n "
    "again); divide by n once"
)
FACTOR_2 = "an extra factor 2: the loss is 1/2 ||a - y||^2 per example, so dL/da = a - y with no 2"
LAST_ONLY = (
    "only the last example counted: `dW = ...` inside the loop overwrites; accumulate with "
    "`dW += np.outer(delta, x)` and divide by n after the loop"
)
FIRST_ONLY = (
    "only the first example counted: the `return` is inside the loop; return after the loop has "
    "added up every example"
)
NO_BIAS = "z computed without the bias: z = W x + b (for a batch, X @ W.T + b)"
SIGMOID_NOT_PRIME = (
    "sigmoid(z) where its derivative belongs: delta = (a - y) * sigmoid_prime(z), "
    "and sigmoid_prime(z) = a * (1 - a)"
)
PRIME_OF_Z_BY_HAND = (
    "z * (1 - z) as the derivative: sigma'(z) = a * (1 - a) with a = sigmoid(z), so use "
    "sigmoid_prime(z) or a * (1 - a)"
)
N_MINUS_1 = "a division by n - 1: the loss is the mean over the n examples, so divide by n"
MEAN_PRODUCT = (
    "the outer product of the mean delta and the mean x: the mean of products is not the "
    "product of means; sum delta_i x_i^T over the examples (delta.T @ X) and divide by n"
)

LOOP = "contains a Python loop"

# The square W comes first: there, z = X @ W (a missing .T) runs and can be named.
VISIBLE_GRAD: list[GradCase] = [
    ("n=40 with a square W (d_in = d_out = 3)", 40, 3, 3, 2),
    ("a batch of n=5 examples, d_in=3, d_out=2", 5, 3, 2, 0),
    ("a single example (n=1), d_in=4, d_out=3", 1, 4, 3, 1),
]


def _grad_inputs(n: int, d_in: int, d_out: int, seed: int) -> tuple[np.ndarray, ...]:
    gen = np.random.default_rng(seed)
    W = gen.normal(scale=0.8, size=(d_out, d_in))
    b = gen.normal(scale=0.5, size=d_out)
    X = gen.normal(size=(n, d_in))
    Y = gen.uniform(size=(n, d_out))
    return W, b, X, Y


def reference_gradient(
    W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """dL/dW (d_out, d_in) and dL/db (d_out,) of mse(sigmoid(X W^T + b), Y), from bpkit's layers."""
    layer = Linear(W.shape[1], W.shape[0])
    layer.params["W"][...] = W
    layer.params["b"][...] = b
    model = Sequential(layer, Sigmoid())
    _, dout = mse(model(X), Y)
    model.backward(dout)
    return layer.grads["W"].copy(), layer.grads["b"].copy()


def _deltas(W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    z = X @ W.T + b
    return (sigmoid(z) - Y) * sigmoid_prime(z)


def _grad_mistakes(
    W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """What common mistakes give for dW and for db on these inputs (duplicates of the right
    answer are left out; the first label wins where two mistakes give the same numbers)."""
    n = X.shape[0]
    z = X @ W.T + b
    a = sigmoid(z)
    delta = (a - Y) * sigmoid_prime(z)
    no_prime = a - Y
    prime_of_a = (a - Y) * sigmoid_prime(a)
    no_bias = _deltas(W, np.zeros_like(b), X, Y)
    dW = delta.T @ X / n
    db = delta.mean(axis=0)
    dW_mistakes = {
        TRANSPOSED_W: dW.T,
        MISSING_1_OVER_N: delta.T @ X,
        WRONG_SIGN: -dW,
        MISSING_ACTIVATION_DERIVATIVE: no_prime.T @ X / n,
        PRIME_OF_A: prime_of_a.T @ X / n,
        TWICE_1_OVER_N: dW / n,
        FACTOR_2: 2 * dW,
        NO_BIAS: no_bias.T @ X / n,
        LAST_ONLY: np.outer(delta[-1], X[-1]) / n,
        FIRST_ONLY: np.outer(delta[0], X[0]) / n,
        MEAN_PRODUCT: np.outer(delta.mean(axis=0), X.mean(axis=0)),
        SIGMOID_NOT_PRIME: ((a - Y) * a).T @ X / n,
        PRIME_OF_Z_BY_HAND: ((a - Y) * z * (1 - z)).T @ X / n,
        N_MINUS_1: delta.T @ X / max(n - 1, 1),
    }
    db_mistakes = {
        MISSING_1_OVER_N: delta.sum(axis=0),
        WRONG_SIGN: -db,
        MISSING_ACTIVATION_DERIVATIVE: no_prime.mean(axis=0),
        PRIME_OF_A: prime_of_a.mean(axis=0),
        DB_ROWS: delta.mean(axis=1),
        DB_SCALAR: delta.mean(),
        TWICE_1_OVER_N: db / n,
        FACTOR_2: 2 * db,
        NO_BIAS: no_bias.mean(axis=0),
        LAST_ONLY: delta[-1] / n,
        FIRST_ONLY: delta[0] / n,
        SIGMOID_NOT_PRIME: ((a - Y) * a).mean(axis=0),
        PRIME_OF_Z_BY_HAND: ((a - Y) * z * (1 - z)).mean(axis=0),
        N_MINUS_1: delta.sum(axis=0) / max(n - 1, 1),
    }
    if W.shape[0] == W.shape[1]:  # only a square W lets X @ W run
        not_t = _deltas(W.T, b, X, Y)
        dW_mistakes[W_NOT_T] = not_t.T @ X / n
        db_mistakes[W_NOT_T] = not_t.mean(axis=0)
    return _distinct(dW_mistakes, dW), _distinct(db_mistakes, db)


def _distinct(mistakes: dict[str, np.ndarray], right: np.ndarray) -> dict[str, np.ndarray]:
    """The mistakes whose numbers differ from the right answer (n = 1 makes several equal)."""
    out = {}
    for label, wrong in mistakes.items():
        wrong = np.asarray(wrong)
        if wrong.shape != right.shape or not np.allclose(wrong, right, rtol=1e-9, atol=1e-12):
            out[label] = wrong
    return out


def _unpack_pair(what: str, got: Any) -> tuple[Any, Any]:
    if got is None:
        raise CheckError(f"{what} returned None. Did you forget to `return dW, db`?")
    if _type(got) not in (_type(()), _type([])) or len(got) != 2:
        length = _length(got)
        raise CheckError(
            f"{what} should return a pair (dW, db), but it returned "
            f"{_kind(got)}" + (f" of length {length}" if length is not None else "") + "."
        )
    return got[0], got[1]


def _check_gradient(fn: Callable[..., Any], fn_name: str, cases: Sequence[GradCase]) -> None:
    for name, n, d_in, d_out, seed in cases:
        what = f"{fn_name} on {name}"
        W, b, X, Y = _grad_inputs(n, d_in, d_out, seed)
        got = call(fn, W, b, X, Y, what=what)
        dW, db = _unpack_pair(what, got)
        right_W, right_b = reference_gradient(W, b, X, Y)
        dW_mistakes, db_mistakes = _grad_mistakes(W, b, X, Y)
        expect_close(f"{what}: dW", dW, right_W, mistakes=dW_mistakes, rtol=1e-9, atol=1e-12)
        expect_close(f"{what}: db", db, right_b, mistakes=db_mistakes, rtol=1e-9, atol=1e-12)


def _check_loop_gradient(fn: Callable[..., Any], cases: Sequence[GradCase]) -> None:
    guard()
    _need_function(fn, "loop_gradient")
    _check_gradient(fn, "loop_gradient", cases)
    passed("loop_gradient")


def _python_loops(fn: Callable[..., Any], name: str) -> list[str]:
    """The loop constructs (for/while/comprehensions) in fn's source; [] if it is unavailable."""
    tree = _function_tree(fn, name)
    if tree is None:
        return []
    kinds = {
        ast.For: "a for loop",
        ast.While: "a while loop",
        ast.ListComp: "a list comprehension",
        ast.GeneratorExp: "a generator expression",
        ast.SetComp: "a set comprehension",
        ast.DictComp: "a dict comprehension",
    }
    return [kinds[_type(node)] for node in ast.walk(tree) if _type(node) in kinds]


def _check_batch_gradient(fn: Callable[..., Any], cases: Sequence[GradCase]) -> None:
    guard()
    _need_function(fn, "batch_gradient")
    _check_gradient(fn, "batch_gradient", cases)
    loops = _python_loops(fn, "batch_gradient")
    expect(
        not loops,
        f"batch_gradient gives the right numbers but {LOOP} ({loops[0] if loops else ''}). "
        "The point of this exercise is to replace the loop over examples by matrix products: "
        "z = X @ W.T + b for all rows at once, then dW = delta.T @ X / n.",
    )
    passed("batch_gradient")
