"""Visible checks for notebook 04 (batch training).

One public function per exercise; each runs named, seeded cases and names the likely mistake.
The hidden checks (``bpkit_grader.nb04``) call the same private ``_check_*`` functions with other
cases. References come from bpkit (a ``Linear`` + ``Sigmoid`` model and ``mse``; ``minibatches``
and ``sgd_step`` for training) or from a formula, never from the student's random stream.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._answers import function_tree as _function_tree
from bpkit.checks._answers import kind as _kind
from bpkit.checks._answers import length as _length
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


def loop_gradient(fn: Callable[..., Any]) -> None:
    """Check loop_gradient(W, b, X, Y) -> (dW, db) against bpkit's Linear + Sigmoid + mse."""
    _check_loop_gradient(fn, VISIBLE_GRAD)


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


def _contiguous(batch: np.ndarray) -> bool:
    """Whether a batch holds consecutive indices k, k+1, ..., in any order."""
    return bool(np.array_equal(np.sort(batch), np.arange(batch.min(), batch.min() + batch.size)))


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
        expect(flat.size > 0, f"{what} returned no indices at all: expected {k} batches.")
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
        if sizes != want and max(sizes) - min(sizes) <= 1:
            raise CheckError(
                f"{what}: batch sizes {sizes}, expected {want}: the examples were spread evenly "
                f"over {len(sizes)} batches (np.array_split does that). Cut consecutive chunks "
                "of batch_size instead, order[start:start + batch_size]; only the last chunk may "
                "be smaller."
            )
        expect(
            sizes == want,
            f"{what}: batch sizes {sizes}, expected {want} (consecutive chunks of batch_size; "
            "only the last may be smaller).",
        )
        # First, as an unseeded shuffle can look like any other mistake by chance.
        again = _as_batches(what, call(fn, n, bs, seed, what=what))
        expect(
            len(again) == len(batches)
            and all(np.array_equal(u, v) for u, v in zip(again, batches, strict=True)),
            f"{what} is not reproducible: two calls with the same seed gave different batches. "
            "Make the generator from the seed, np.random.default_rng(seed), inside the function "
            "(no global np.random state).",
        )
        # With one batch its order does not matter (nor can it show the shuffle or the seed).
        several = n >= 10 and n // bs >= 2
        if several:
            expect(
                not np.array_equal(flat, np.arange(n)),
                f"{what}: the indices come out in order 0, 1, 2, ...: the batches are not "
                "shuffled. Shuffle once with np.random.default_rng(seed).permutation(n), then cut.",
            )
        if several and bs >= 2:
            expect(
                not all(_contiguous(bt) for bt in batches),
                f"{what}: every batch is a contiguous block of indices (such as 0..{bs - 1}): "
                "only the order inside the batches, or the order of the batches, is shuffled. "
                "Shuffle all n indices first, then cut the shuffled order into batches, so that "
                "each batch is a random sample of the data.",
            )
        if several:
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
EPOCH_SIGN = (
    f"{WRONG_SIGN} (the weights moved uphill: subtract eta * gradient, and call "
    "mse(y_hat, y) with the prediction first)"
)
EPOCH_NO_UPDATE = (
    "weights that never change: for every batch call model.backward(dL_dyhat) and then "
    "sgd_step(model.named_params(), model.named_grads(), eta)"
)
EPOCH_BY_HAND = (
    "a missing 1/m: y_hat - y is m times dL/dy_hat for a batch of m rows. Pass the gradient "
    "that mse returns to model.backward"
)
EPOCH_FACTOR_2 = (
    "an extra factor 2: this course's MSE is sum((y_hat - y)**2) / (2m), so dL/dy_hat = "
    "(y_hat - y) / m; pass the gradient that mse returns to model.backward"
)
EPOCH_BY_HAND_N = (
    "a 1/n with the size n of the whole data set: the loss of a batch is the mean over its m "
    "rows, so dL/dy_hat = (y_hat - y) / m; pass the gradient that mse returns to model.backward"
)
EPOCH_STEP_FIRST = (
    "each update made before model.backward: the step used the previous batch's gradient "
    "(none at first). Per batch: forward, mse, model.backward, then sgd_step"
)
EPOCH_FULL_LOSS = (
    "the loss of the whole data set recorded: record the loss of each batch, the L that mse "
    "returns for model(X[idx]) and Y[idx]"
)
EPOCH_TIMES_M = (
    "m times each batch's loss (a sum over its rows): record L as mse returns it, the mean "
    "over the batch"
)
NO_SEED = (
    "the batches of minibatches(n, batch_size) without the seed (it then uses its default "
    "seed): pass it on, minibatches(n, batch_size, seed)"
)

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
        batches = list(minibatches(n, bs) if variant == "no_seed" else minibatches(n, bs, seed))
    losses = []
    start = 0
    for idx in batches:
        Xb, Yb = (X, Y) if variant == "full" else (X[idx], Y[idx])
        if variant == "y_slice":
            Yb = Y[start : start + len(idx)]
        start += len(idx)
        L_all = mse(model(X), Y)[0] if variant == "full_loss" else None
        L, dout = mse(model(Xb), Yb)
        if variant == "extra_m":
            dout = dout / len(idx)
        elif variant == "by_hand":
            dout = dout * len(idx)
        elif variant == "by_hand_n":
            dout = dout * len(idx) / n
        elif variant == "factor_2":
            dout = 2 * dout
        if variant == "step_first":
            sgd_step(model.named_params(), model.named_grads(), eta)
            model.backward(dout)
        elif variant != "frozen":
            model.backward(dout)
            sgd_step(model.named_params(), model.named_grads(), -eta if variant == "sign" else eta)
        if variant == "after":
            L, _ = mse(model(Xb), Yb)
        losses.append(float(L if L_all is None else L_all))
        if variant == "times_m":
            losses[-1] *= len(idx)
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
        variants = {
            EPOCH_SIGN: "sign",
            FULL_DATA: "full",
            EXTRA_1_OVER_M: "extra_m",
            Y_MISMATCH: "y_slice",
            UNSHUFFLED: "unshuffled",
            BATCH_LOSS_AFTER: "after",
            EPOCH_NO_UPDATE: "frozen",
            EPOCH_BY_HAND: "by_hand",
            EPOCH_FACTOR_2: "factor_2",
            NO_SEED: "no_seed",
            EPOCH_BY_HAND_N: "by_hand_n",
            EPOCH_STEP_FIRST: "step_first",
            EPOCH_FULL_LOSS: "full_loss",
            EPOCH_TIMES_M: "times_m",
        }
        mistakes = {}
        for label, variant in variants.items():
            try:
                with np.errstate(all="ignore"):
                    mistakes[label] = _reference_epoch(fresh_model(), X, Y, bs, eta, seed, variant)
            except ValueError:  # the mistake diverged to inf/NaN, which mse refuses
                continue
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

NO_INPUT = (
    "the input X left out: the first Linear layer keeps its input X (n x d_0) too; the Linear "
    "inputs have widths d_0 .. d_{K-1}, sizes[:-1]"
)
SHIFTED = (
    "the Linear inputs taken as sizes[1:] (d_1 .. d_K): the inputs of the K Linear layers have "
    "widths d_0 .. d_{K-1}, sizes[:-1]"
)
ACT_FROM_INPUT = (
    "the activations' inputs taken as sizes[:-1] (d_0 .. d_{K-1}): the activation after layer "
    "k keeps its z of width d_k, for the hidden widths d_1 .. d_{K-1}, sizes[1:-1]"
)
BITS = "bits, not bytes: itemsize is already in bytes, do not multiply by 8"
MIB = "MiB (or kB), not bytes: return the plain number of bytes"
WITH_PARAMS = (
    "the parameters added to the activations: count only the arrays with one row per example "
    "that the forward pass keeps"
)
HIDDEN_ONLY = (
    "only the hidden activations: count the inputs of all K Linear layers (d_0 .. d_{K-1}) and "
    "the inputs z of the K - 1 activations (d_1 .. d_{K-1})"
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
            NO_INPUT: itemsize * n * 2 * sum(sizes[1:-1]),
            SHIFTED: itemsize * n * (sum(sizes[1:]) + sum(sizes[1:-1])),
            ACT_FROM_INPUT: itemsize * n * 2 * sum(sizes[:-1]),
            BITS: 8 * right,
            MIB: right / 2**20,
            WITH_PARAMS: right + itemsize * n_params,
            HIDDEN_ONLY: itemsize * n * sum(sizes[1:-1]),
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
