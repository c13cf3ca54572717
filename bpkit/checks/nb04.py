"""Visible checks for notebook 04 (batch training).

One public function per exercise; each runs named, seeded cases and names the likely mistake.
The hidden checks (``bpkit_grader.nb04``) call the same private ``_check_*`` functions with other
cases. References come from bpkit (a ``Linear`` + ``Sigmoid`` model and ``mse``; ``minibatches``
and ``sgd_step`` for training) or from a formula, never from the student's random stream.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks import _replay
from bpkit.checks._core import (
    MISSING_1_OVER_N,
    MISSING_ACTIVATION_DERIVATIVE,
    TRANSPOSED_W,
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    expect_same_params,
    guard,
    passed,
)
from bpkit.functional import sigmoid, sigmoid_prime
from bpkit.layers import Linear, Sigmoid
from bpkit.losses import mse
from bpkit.model import Sequential, mlp
from bpkit.optim import sgd_step
from bpkit.train import minibatches

_type = object.__class__


def _kind(obj: Any) -> str:
    """The type name of a student's result (in the grader: of the result the kernel recorded)."""
    if isinstance(obj, _replay.Opaque):
        return obj.type_name
    return _type(obj).__name__


def _length(obj: Any) -> int | None:
    """len() of a list, tuple, dict or array the student returned; None for anything else.

    Never len() of the student's own objects: that would run their code outside ``call``.
    """
    if _type(obj) in (_type([]), _type(()), _type({})) or (
        isinstance(obj, np.ndarray) and obj.ndim
    ):
        return len(obj)
    return None


def _need_function(fn: Any, name: str) -> None:
    if not callable(fn):
        raise CheckError(f"{name}: expected a function, got a {_type(fn).__name__}.")


# ----- Exercises 1 and 2: loop_gradient and batch_gradient ------------------------------------
# (name, n, d_in, d_out, seed)
GradCase = tuple[str, int, int, int, int]

PRIME_OF_A = (
    "sigmoid_prime applied to a instead of z: f'(z) takes the pre-activation z = W x + b "
    "(sigmoid_prime(z) is already sigma(z) * (1 - sigma(z)))"
)
DB_ROWS = "db summed over the wrong axis: average the rows of delta (axis=0), one entry per unit"

VISIBLE_GRAD: list[GradCase] = [
    ("a batch of n=5 examples, d_in=3, d_out=2", 5, 3, 2, 0),
    ("a single example (n=1), d_in=4, d_out=3", 1, 4, 3, 1),
    ("n=40 with a square W (d_in = d_out = 3)", 40, 3, 3, 2),
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


def _grad_mistakes(
    W: np.ndarray, b: np.ndarray, X: np.ndarray, Y: np.ndarray
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """What common mistakes give for dW and for db on these inputs."""
    n = X.shape[0]
    z = X @ W.T + b
    a = sigmoid(z)
    delta = (a - Y) * sigmoid_prime(z)
    no_prime = a - Y
    prime_of_a = (a - Y) * sigmoid_prime(a)
    dW = delta.T @ X / n
    dW_mistakes = {
        TRANSPOSED_W: dW.T,
        MISSING_1_OVER_N: delta.T @ X,
        WRONG_SIGN: -dW,
        MISSING_ACTIVATION_DERIVATIVE: no_prime.T @ X / n,
        PRIME_OF_A: prime_of_a.T @ X / n,
    }
    db = delta.mean(axis=0)
    db_mistakes = {
        MISSING_1_OVER_N: delta.sum(axis=0),
        WRONG_SIGN: -db,
        MISSING_ACTIVATION_DERIVATIVE: no_prime.mean(axis=0),
        PRIME_OF_A: prime_of_a.mean(axis=0),
        DB_ROWS: delta.mean(axis=1),
    }
    return dW_mistakes, db_mistakes


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


def loop_gradient(fn: Callable[..., Any]) -> None:
    """Check loop_gradient(W, b, X, Y) -> (dW, db) against bpkit's Linear + Sigmoid + mse."""
    _check_loop_gradient(fn, VISIBLE_GRAD)


def _function_tree(fn: Callable[..., Any], name: str) -> ast.AST | None:
    """The syntax tree of fn's source; None if it is unavailable.

    In the grader (replay) no student function exists: ``fn`` stands for it and carries the
    answer cell's text, in which the ``def name(...)`` that the cell defines last is fn's source.
    """
    if isinstance(fn, _replay.ReplayedFunction):
        # IPython magics (%time, %%capture) and shell escapes (!ls) are not Python: blank them
        lines = textwrap.dedent(str(fn.__bpkit_source__)).splitlines()
        python = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in lines)
        try:
            cell = ast.parse(python)
        except (SyntaxError, ValueError):
            return None
        defs = [
            node
            for node in cell.body
            if _type(node) in (ast.FunctionDef, ast.AsyncFunctionDef) and node.name == name
        ]
        return defs[-1] if defs else cell
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError, ValueError):
        return None


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
        f"batch_gradient gives the right numbers but contains {loops[0] if loops else ''}. "
        "The point of this exercise is to replace the loop over examples by matrix products: "
        "z = X @ W.T + b for all rows at once, then dW = delta.T @ X / n.",
    )
    passed("batch_gradient")


def batch_gradient(fn: Callable[..., Any]) -> None:
    """Check batch_gradient(W, b, X, Y) -> (dW, db): the right values and no Python loop."""
    _check_batch_gradient(fn, VISIBLE_GRAD)


# ----- Exercise 3: minibatch_indices ----------------------------------------------------------
# (n, batch_size, seed)
SplitCase = tuple[int, int, int]

VISIBLE_SPLIT: list[SplitCase] = [(10, 3, 0), (12, 4, 1), (20, 20, 2), (6, 1, 3), (100, 32, 4)]


def _listed(items: Any) -> list[Any] | None:
    """list(items), or None if it is not iterable."""
    try:
        return list(items)
    except TypeError:
        return None


def _as_batches(what: str, got: Any) -> list[np.ndarray]:
    if got is None:
        raise CheckError(f"{what} returned None. Return the list of index arrays.")
    if isinstance(got, np.ndarray) and got.ndim == 1 and got.dtype.kind in "biuf":
        raise CheckError(
            f"{what} returned one flat array of {got.size} indices. Cut the shuffled order into "
            "a list of batches: [order[0:batch_size], order[batch_size:2*batch_size], ...]."
        )
    if _type(got) in (_type([]), _type(())) or (
        isinstance(got, np.ndarray) and got.ndim and got.dtype.kind in "biuf"
    ):
        batches = list(got)
    else:
        # A generator (or another iterable): iterating it runs the student's code, so it runs
        # inside call(), which records the batches it gives for the grader.
        batches = call(_listed, got, what=what)
        if batches is None:
            raise CheckError(f"{what} should return a list of index arrays, got {_kind(got)}.")
    out = []
    for i, batch in enumerate(batches):
        arr = np.asarray(batch)
        expect(
            arr.ndim == 1 and arr.dtype.kind in "iu",
            f"{what}: batch {i} should be a 1-D array of integer indices, got "
            f"{'dtype ' + str(arr.dtype) if arr.ndim == 1 else f'shape {arr.shape}'}.",
        )
        out.append(arr)
    return out


def _check_minibatch_indices(fn: Callable[..., Any], cases: Sequence[SplitCase]) -> None:
    guard()
    _need_function(fn, "minibatch_indices")
    for n, bs, seed in cases:
        what = f"minibatch_indices(n={n}, batch_size={bs}, seed={seed})"
        batches = _as_batches(what, call(fn, n, bs, seed, what=what))
        k = -(-n // bs)
        sizes = [len(bt) for bt in batches]
        want = [bs] * (n // bs) + ([n % bs] if n % bs else [])
        flat = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
        if len(batches) == bs and bs != k and sum(sizes) == n:
            raise CheckError(
                f"{what} made {bs} batches. batch_size is the number of examples per batch, not "
                f"the number of batches: expected {k} batches of sizes {want}."
            )
        if sum(sizes) < n and len(batches) == n // bs:
            raise CheckError(
                f"{what} returned {sum(sizes)} of {n} examples: the last, smaller batch of "
                f"{n % bs} is missing. Every example must be used once per epoch."
            )
        counts = np.bincount(flat[(flat >= 0) & (flat < n)], minlength=n)
        expect(
            bool(np.all((flat >= 0) & (flat < n))),
            f"{what}: indices must lie in 0..{n - 1}, got values from {flat.min()} to "
            f"{flat.max()}.",
        )
        if counts.max(initial=0) > 1:
            i = int(counts.argmax())
            raise CheckError(
                f"{what}: index {i} appears {int(counts[i])} times and {int(np.sum(counts == 0))} "
                "indices never appear. Draw the order without replacement: "
                "rng.permutation(n), not rng.integers or rng.choice(..., replace=True)."
            )
        expect(
            sum(sizes) == n,
            f"{what}: the batches hold {sum(sizes)} indices, expected all {n} exactly once.",
        )
        expect(
            sizes == want,
            f"{what}: batch sizes {sizes}, expected {want} (consecutive chunks of batch_size; "
            "only the last may be smaller).",
        )
        if n >= 10:
            expect(
                not np.array_equal(flat, np.arange(n)),
                f"{what}: the indices come out in order 0, 1, 2, ...: the batches are not "
                "shuffled. Shuffle once with np.random.default_rng(seed).permutation(n), then cut.",
            )
        again = _as_batches(what, call(fn, n, bs, seed, what=what))
        expect(
            len(again) == len(batches)
            and all(np.array_equal(u, v) for u, v in zip(again, batches, strict=True)),
            f"{what} is not reproducible: two calls with the same seed gave different batches. "
            "Make the generator from the seed, np.random.default_rng(seed), inside the function "
            "(no global np.random state).",
        )
        if n >= 10:
            other = _as_batches(what, call(fn, n, bs, seed + 1000, what=what))
            expect(
                not np.array_equal(np.concatenate(other), flat),
                f"{what} ignores the seed: seed={seed} and seed={seed + 1000} gave the same "
                "order. Pass the seed to np.random.default_rng(seed).",
            )
    passed("minibatch_indices")


def minibatch_indices(fn: Callable[..., Any]) -> None:
    """Check minibatch_indices(n, batch_size, seed) by its properties (not its exact shuffle)."""
    _check_minibatch_indices(fn, VISIBLE_SPLIT)


# ----- Exercise 4: train_epoch ----------------------------------------------------------------
# (name, layer sizes, activation, n, batch_size, eta, seed)
EpochCase = tuple[str, Sequence[int], str, int, int, float, int]

FULL_DATA = "every update computed on the whole data set: use the batch, model(X[idx]) and Y[idx]"
EXTRA_1_OVER_M = (
    "an extra 1/m: mse already averages over the m rows of the batch, so pass its dL/dy_hat "
    "to model.backward unchanged"
)
Y_MISMATCH = (
    "targets that do not belong to the inputs: index X and Y with the same idx "
    "(model(X[idx]) against Y[idx])"
)
UNSHUFFLED = (
    "batches taken in the original order 0, 1, 2, ...: loop over "
    "minibatches(n, batch_size, seed), which shuffles"
)
BATCH_LOSS_AFTER = (
    "each batch's loss recorded after its update: record L from the forward pass that the "
    "gradient was computed from"
)
EPOCH_SIGN = f"{WRONG_SIGN} (the weights moved uphill: subtract eta * gradient)"

VISIBLE_EPOCH: list[EpochCase] = [
    ("mlp([2, 6, 1], tanh), n=20, batch_size=4, eta=0.2", (2, 6, 1), "tanh", 20, 4, 0.2, 0),
    (
        "mlp([3, 5, 2], sigmoid), n=23, batch_size=5 (last batch of 3), eta=0.5",
        (3, 5, 2),
        "sigmoid",
        23,
        5,
        0.5,
        1,
    ),
    (
        "mlp([1, 4, 1], relu), n=6, batch_size=1 (pure SGD), eta=0.05",
        (1, 4, 1),
        "relu",
        6,
        1,
        0.05,
        2,
    ),
]


def _epoch_data(sizes: Sequence[int], n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.default_rng(seed + 500)
    X = gen.normal(size=(n, sizes[0]))
    Y = np.tanh(X @ gen.normal(size=(sizes[0], sizes[-1]))) + 0.1 * gen.normal(size=(n, sizes[-1]))
    return X, Y


def _reference_epoch(
    model: Any, X: np.ndarray, Y: np.ndarray, bs: int, eta: float, seed: int, variant: str = ""
) -> list[float]:
    """One epoch with bpkit's minibatches; `variant` reproduces a common mistake."""
    n = X.shape[0]
    if variant == "unshuffled":
        batches = [np.arange(s, min(s + bs, n)) for s in range(0, n, bs)]
    else:
        batches = list(minibatches(n, bs, seed))
    losses = []
    start = 0
    for idx in batches:
        Xb, Yb = (X, Y) if variant == "full" else (X[idx], Y[idx])
        if variant == "y_slice":
            Yb = Y[start : start + len(idx)]
        start += len(idx)
        L, dout = mse(model(Xb), Yb)
        if variant == "extra_m":
            dout = dout / len(idx)
        model.backward(dout)
        sgd_step(model.named_params(), model.named_grads(), -eta if variant == "sign" else eta)
        if variant == "after":
            L, _ = mse(model(Xb), Yb)
        losses.append(float(L))
    return losses


def _check_train_epoch(fn: Callable[..., Any], cases: Sequence[EpochCase]) -> None:
    guard()
    _need_function(fn, "train_epoch")
    for name, sizes, act, n, bs, eta, seed in cases:
        what = f"train_epoch with {name}"
        X, Y = _epoch_data(sizes, n, seed)

        def fresh_model(sizes: Sequence[int] = sizes, act: str = act, seed: int = seed) -> Any:
            return mlp(list(sizes), activation=act, seed=seed)

        model = fresh_model()
        got = call(fn, model, X, Y, bs, eta, seed, what=what)
        ref_model = fresh_model()
        right = _reference_epoch(ref_model, X, Y, bs, eta, seed)
        if got is None:
            raise CheckError(f"{what} returned None. Return the list of batch losses.")
        n_got = _length(got)
        if n_got is None:
            raise CheckError(
                f"{what} should return a list of {len(right)} losses, got {_kind(got)}."
            )
        expect(
            n_got == len(right),
            f"{what}: expected one loss per batch, ceil({n} / {bs}) = {len(right)} values, got "
            f"{n_got}. Make one update per batch of minibatches(n, batch_size, seed).",
        )
        with np.errstate(over="ignore", invalid="ignore"):
            mistakes = {
                EPOCH_SIGN: _reference_epoch(fresh_model(), X, Y, bs, eta, seed, "sign"),
                FULL_DATA: _reference_epoch(fresh_model(), X, Y, bs, eta, seed, "full"),
                EXTRA_1_OVER_M: _reference_epoch(fresh_model(), X, Y, bs, eta, seed, "extra_m"),
                Y_MISMATCH: _reference_epoch(fresh_model(), X, Y, bs, eta, seed, "y_slice"),
                UNSHUFFLED: _reference_epoch(fresh_model(), X, Y, bs, eta, seed, "unshuffled"),
                BATCH_LOSS_AFTER: _reference_epoch(fresh_model(), X, Y, bs, eta, seed, "after"),
            }
        expect_close(
            f"{what}: the list of batch losses",
            got,
            np.asarray(right),
            mistakes={k: np.asarray(v) for k, v in mistakes.items()},
            rtol=1e-9,
            atol=1e-12,
            hint="Use the batches of minibatches(n, batch_size, seed), in the order it gives.",
        )
        expect_same_params(
            what,
            model,
            ref_model,
            when="after the epoch",
            hint="The losses were right but the final weights are not: make exactly one "
            "update per batch, after recording its loss.",
        )
    passed("train_epoch")


def train_epoch(fn: Callable[..., Any]) -> None:
    """Check train_epoch(model, X, Y, batch_size, eta, seed) update by update against bpkit."""
    _check_train_epoch(fn, VISIBLE_EPOCH)


# ----- Exercise 5: activation_bytes -----------------------------------------------------------
# (sizes, batch_size, itemsize)
MemCase = tuple[Sequence[int], int, int]

PARAM_BYTES = (
    "the memory of the parameters (W and b), which does not depend on the batch size: count "
    "the arrays with one row per example that the forward pass keeps"
)
NOT_BYTES = "a count of numbers, not bytes: multiply by itemsize"
NO_BATCH = "the batch size left out: every kept array has one row per example"
WITH_OUTPUT = (
    "the network's output counted too: the last Linear layer's output goes to the loss; the "
    "layers keep only their inputs (the Linear inputs and the activations' z)"
)
LINEAR_ONLY = (
    "only the inputs of the Linear layers: each activation also keeps its input z (n x d_k "
    "for every hidden layer) to evaluate f'(z)"
)
ALL_WIDTHS_ONCE = (
    "every layer width counted once: the hidden widths count twice (the activation's input z "
    "and the next Linear layer's input a), the output width not at all"
)

VISIBLE_MEM: list[MemCase] = [
    ([784, 256, 10], 32, 8),
    ([2, 3], 5, 8),
    ([10, 20, 30, 5], 7, 4),
    ([1, 16, 16, 1], 3, 8),
]


def reference_activation_bytes(sizes: Sequence[int], n: int, itemsize: int) -> int:
    """itemsize * n * (sum of the Linear inputs' widths + sum of the hidden widths)."""
    return itemsize * n * (sum(sizes[:-1]) + sum(sizes[1:-1]))


def _check_activation_bytes(fn: Callable[..., Any], cases: Sequence[MemCase]) -> None:
    guard()
    _need_function(fn, "activation_bytes")
    for sizes, n, itemsize in cases:
        what = f"activation_bytes({list(sizes)}, batch_size={n}, itemsize={itemsize})"
        got = call(fn, list(sizes), n, itemsize, what=what)
        right = reference_activation_bytes(sizes, n, itemsize)
        n_params = sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:], strict=False))
        candidates = {
            PARAM_BYTES: itemsize * n_params,
            NOT_BYTES: right // itemsize,
            NO_BATCH: right // n,
            WITH_OUTPUT: right + itemsize * n * sizes[-1],
            LINEAR_ONLY: itemsize * n * sum(sizes[:-1]),
            ALL_WIDTHS_ONCE: itemsize * n * sum(sizes),
        }
        mistakes = {k: v for k, v in candidates.items() if v != right}
        expect_close(what, got, right, mistakes=mistakes, rtol=0, atol=0.5)
    passed("activation_bytes")


def activation_bytes(fn: Callable[..., Any]) -> None:
    """Check activation_bytes(sizes, batch_size, itemsize) against the formula."""
    _check_activation_bytes(fn, VISIBLE_MEM)


__all__ = [
    "activation_bytes",
    "batch_gradient",
    "loop_gradient",
    "minibatch_indices",
    "reference_activation_bytes",
    "reference_gradient",
    "train_epoch",
]
