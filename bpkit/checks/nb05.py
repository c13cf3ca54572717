"""Visible checks for notebook 05: SGD and mini-batches.

One function per exercise. Each runs named, seeded cases and compares with bpkit's reference
(``bpkit.train.minibatches``, ``bpkit.optim``) or with a property that any correct answer has.
Nothing here depends on the order in which a student draws random numbers: the stream of
batches is checked by its properties (coverage, batch sizes, shuffling, reproducibility), and
the SGD loop is handed its batches.

The keyword arguments let the hidden tests run the same checks on other sizes and seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bpkit.checks._core import (
    WRONG_SIGN,
    CheckError,
    call,
    expect,
    expect_close,
    guard,
    passed,
)
from bpkit.checks._messages import schedule_values
from bpkit.losses import get_loss
from bpkit.model import mlp
from bpkit.optim import momentum_step as _ref_momentum_step
from bpkit.optim import sgd_step as _ref_sgd_step
from bpkit.optim import step_schedule as _ref_step_schedule

_asarray = np.asarray
_concatenate = np.concatenate
_arange = np.arange
_sort = np.sort
_bincount = np.bincount
_default_rng = np.random.default_rng
_sqrt = np.sqrt

_type = object.__class__
MISSING_OR_REPEATED = "an example is missing or repeated"


# ----- exercise 1: the mini-batch stream ----------------------------------------------------------
def _stream(fn: Callable[..., Any], n: int, batch_size: int, epochs: int, seed: Any) -> list:
    """Run the student's stream; return one list of int index arrays per epoch."""
    what = f"minibatch_stream(n={n}, batch_size={batch_size}, epochs={epochs}, seed={seed})"

    def run() -> list:
        out = fn(n, batch_size, epochs, seed)
        if out is None:
            raise CheckError(f"{what} returned None. Yield a pair (epoch, idx) for every batch.")
        items, seen = [], []
        for item in out:  # note each batch as it is yielded, to see whether it changes later
            items.append(item)
            seen.append(_batch_copy(item))
        for k, (item, first) in enumerate(zip(items, seen, strict=True)):
            if first is not None and not _same_batch(_batch_copy(item), first):
                raise CheckError(
                    f"{what}: batch {k} changed after it was yielded: it is a view of an index "
                    "array that you shuffled again in place later (rng.shuffle(order)), so a "
                    "caller that keeps the batches, as list(minibatch_stream(...)) does, sees "
                    "the earlier epochs end up with the last epoch's order. Draw a new array "
                    "every epoch, order = rng.permutation(n), or yield copies."
                )
        return items

    items = call(run, what=what)
    per_epoch: list[list[np.ndarray]] = [[] for _ in range(epochs)]
    last = 0
    for k, item in enumerate(items):
        expect(
            isinstance(item, tuple | list) and len(item) == 2,
            f"{what}: item {k} is {type(item).__name__}, expected a pair (epoch, idx). Write "
            "`yield epoch, order[start:start + batch_size]`.",
        )
        epoch, idx = item
        idx = _asarray(idx)
        expect(
            isinstance(epoch, int | np.integer) and last <= epoch < epochs,
            f"{what}: item {k} has epoch {epoch!r}; epochs are numbered 0 .. {epochs - 1}, "
            "in order.",
        )
        expect(
            idx.ndim == 1 and idx.dtype.kind in "iu",
            f"{what}: batch {k} should be a 1-D array of integer indices, got dtype {idx.dtype} "
            f"and shape {idx.shape}.",
        )
        last = int(epoch)
        per_epoch[last].append(idx)
    return per_epoch


def _batch_copy(item: Any) -> np.ndarray | None:
    """A copy of the index array of a yielded (epoch, idx) pair; None for anything else."""
    if _type(item) in (tuple, list) and len(item) == 2 and _type(item[1]) is np.ndarray:
        return item[1].copy()
    return None


def _same_batch(a: np.ndarray | None, b: np.ndarray) -> bool:
    return a is not None and a.shape == b.shape and bool((a == b).all())


def _coverage(batches: list, n: int, batch_size: int, what: str) -> None:
    sizes = [int(b.size) for b in batches]
    full, rest = divmod(n, batch_size)
    wanted = [batch_size] * full + ([rest] if rest else [])
    flat = _concatenate(batches) if batches else _arange(0)
    expect(flat.size > 0, f"{what}: no batches at all.")
    expect(
        bool(((flat >= 0) & (flat < n)).all()),
        f"{what}: indices must lie in 0..{n - 1}, got values from {flat.min()} to {flat.max()}.",
    )
    counts = _bincount(flat, minlength=n)
    missing = [int(i) for i in _arange(n)[counts == 0][:5]]
    repeated = [int(i) for i in _arange(n)[counts > 1][:5]]
    if rest and sizes == [batch_size] * full:
        raise CheckError(
            f"{what}: {MISSING_OR_REPEATED}: you yield {full} batches of {batch_size} and drop the "
            f"last, smaller batch of {rest}. Its examples would never be trained on."
        )
    if missing or repeated:
        parts = []
        if missing:
            parts.append(f"never used: {missing}")
        if repeated:
            parts.append(f"used more than once: {repeated}")
        raise CheckError(
            f"{what}: {MISSING_OR_REPEATED} ({'; '.join(parts)}). Every index 0..{n - 1} must "
            "appear exactly once per epoch: shuffle range(n), then cut it into batches "
            "(sampling each batch at random repeats some examples and skips others)."
        )
    expect(
        sizes == wanted,
        f"{what}: batch sizes are {sizes}, expected {wanted}: full batches of {batch_size}, "
        "and the leftover examples in one last, smaller batch.",
    )


def minibatch_stream(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[int, int, int]] = ((10, 3, 2), (12, 4, 3), (7, 7, 2), (5, 1, 1)),
    seeds: tuple[int, int] = (3, 4),
) -> None:
    """Check ``minibatch_stream(n, batch_size, epochs, seed)`` by its properties.

    Cases: every epoch uses every index exactly once with the right batch sizes; the order is
    shuffled (and not only within contiguous blocks); every epoch has a new order; the same seed
    repeats the whole stream; different seeds differ.
    """
    guard()
    s1, s2 = seeds
    n, batch_size, epochs = 100, 10, 3
    what = f"minibatch_stream(n={n}, batch_size={batch_size}, epochs={epochs}, seed={s1})"
    first = _stream(student_fn, n, batch_size, epochs, s1)
    for e, batches in enumerate(first):
        _coverage(batches, n, batch_size, f"{what}, epoch {e}")
    orders = [_concatenate(batches) for batches in first]
    expect(
        not bool((orders[0] == _arange(n)).all()),
        f"{what} yields the examples in their original order 0, 1, 2, ...: shuffle them.",
    )
    blocks = [b for b in first[0] if bool((_sort(b) == _arange(b.min(), b.min() + b.size)).all())]
    expect(
        len(blocks) < len(first[0]),
        f"{what}: every batch holds a contiguous block of examples (e.g. 10..19); only the order "
        "inside or between blocks is shuffled. Shuffle the whole index array once per epoch, "
        "then cut it into batches, so each batch is a random sample of the data.",
    )
    expect(
        not any(bool((orders[e] == orders[e - 1]).all()) for e in range(1, epochs)),
        f"{what}: two epochs visit the examples in the same order. The data must be reshuffled "
        "every epoch: create the generator once, before the epoch loop, with "
        "rng = np.random.default_rng(seed), and draw a new permutation from it in each epoch "
        "(a generator re-created from the same seed starts over).",
    )
    again = [_concatenate(b) for b in _stream(student_fn, n, batch_size, epochs, s1)]
    expect(
        all(bool((a == b).all()) for a, b in zip(again, orders, strict=True)),
        f"Two calls of {what} gave different batches: the same seed must give the same "
        "stream. Draw the permutations from rng = np.random.default_rng(seed), not from the "
        "global np.random functions.",
    )
    other = _concatenate(_stream(student_fn, n, batch_size, epochs, s2)[0])
    expect(
        not bool((other == orders[0]).all()),
        f"seed={s1} and seed={s2} gave the same order: your stream ignores its seed. Build the "
        "generator from it: rng = np.random.default_rng(seed).",
    )
    for n, batch_size, epochs in cases:
        what = f"minibatch_stream(n={n}, batch_size={batch_size}, epochs={epochs}, seed={s1})"
        for e, batches in enumerate(_stream(student_fn, n, batch_size, epochs, s1)):
            _coverage(batches, n, batch_size, f"{what}, epoch {e}")
    passed("minibatch_stream")


# ----- exercise 2: the SGD loop ------------------------------------------------------------------
def _flat_params(model: Any) -> np.ndarray:
    return _concatenate([p.ravel() for p in model.named_params().values()])


def _reference_sgd(model, X, y, stream, eta, loss, variant="") -> list[float]:
    """bpkit's loop; `variant` replays a common mistake for the diagnosis."""
    loss_fn = get_loss(loss)
    losses = []
    for step, (epoch, idx) in enumerate(stream):
        t = {"eta0": 0, "eta_next": epoch + 1, "eta_update": step}.get(variant, epoch)
        rate = eta(t) if callable(eta) else eta
        Xb, yb = (X, y) if variant == "full" else (X[idx], y[idx])
        L_all = loss_fn(model.forward(X), y)[0] if variant == "full_loss" else None
        L, dout = loss_fn(model.forward(Xb), yb)
        if variant == "step_first":  # the step uses the gradient of the previous batch
            _ref_sgd_step(model.named_params(), model.named_grads(), rate)
        model.backward(dout * len(idx) if variant == "times_b" else dout)
        grads = model.named_grads()
        if variant == "extra_n":
            grads = {k: g / len(idx) for k, g in grads.items()}
        elif variant == "extra_total":
            grads = {k: g / len(X) for k, g in grads.items()}
        elif variant == "weights_only":
            grads = {k: g if k.endswith("W") else 0 * g for k, g in grads.items()}
        if variant != "step_first":
            _ref_sgd_step(model.named_params(), grads, -rate if variant == "sign" else rate)
        if variant == "after":
            L = loss_fn(model.forward(Xb), yb)[0]
        losses.append(float(L if L_all is None else L_all))
    return losses


def _replay_sgd(seed, sizes, X, y, stream, eta, loss, variant) -> tuple[list[float], np.ndarray]:
    ref = mlp(list(sizes), activation="tanh", seed=seed)
    losses = _reference_sgd(ref, X, y, stream, eta, loss, variant)
    return losses, _flat_params(ref)


def _sgd_case(seed: int, n: int, sizes: Sequence[int], loss: str, batch_size: int, epochs: int):
    g = _default_rng(seed)
    X = g.standard_normal((n, sizes[0]))
    if loss == "softmax_ce":
        y = g.integers(0, sizes[-1], n)
    elif loss == "bce":
        y = g.integers(0, 2, (n, sizes[-1])).astype(float)
    else:
        y = g.standard_normal((n, sizes[-1]))
    stream = []
    for epoch in range(epochs):
        order = g.permutation(n)
        stream += [(epoch, order[i : i + batch_size]) for i in range(0, n, batch_size)]
    return X, y, stream


def _halving(eta0: float) -> Callable[[int], float]:
    def eta(t: int) -> float:
        return eta0 * 0.5**t

    return eta


def sgd(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, int, tuple[int, ...], str, int, int, Any]] = (
        ("MSE, 2 epochs of 3 batches, eta = 0.3", 0, 12, (3, 5, 2), "mse", 4, 2, 0.3),
        (
            "softmax cross-entropy, a smaller last batch, eta(t) = 0.5 * 0.5**t",
            1,
            11,
            (2, 6, 3),
            "softmax_ce",
            4,
            3,
            "halving 0.5",
        ),
        ("batch size 1 (pure SGD), 1 epoch", 2, 6, (2, 4, 1), "mse", 1, 1, 0.2),
    ),
) -> None:
    """Check ``sgd(model, X, y, stream, eta, loss)`` against bpkit's own loop.

    Each case builds two identical tanh MLPs, runs the student's loop on one and the reference
    on the other over the same stream of (epoch, idx) pairs, and compares the per-update losses
    and the final parameters. ``eta`` is a number or a function of the epoch.
    """
    guard()
    for name, seed, n, sizes, loss, batch_size, epochs, eta in cases:
        if isinstance(eta, str):  # "halving <eta0>": a schedule, built here so cases stay data
            eta = _halving(float(eta.split()[1]))
        X, y, stream = _sgd_case(seed, n, sizes, loss, batch_size, epochs)
        what = f"sgd, case '{name}'"
        model = mlp(list(sizes), activation="tanh", seed=seed)
        start = _flat_params(model)
        fresh = iter([(e, idx.copy()) for e, idx in stream])
        got = call(student_fn, model, X, y, fresh, eta, loss=loss, what=what)
        after = _flat_params(model)

        def replay(variant: str) -> tuple[list[float], np.ndarray]:
            return _replay_sgd(seed, sizes, X, y, stream, eta, loss, variant)  # noqa: B023

        ref_losses, ref_params = replay("")
        expect(
            bool((after != start).any()),
            f"{what}: the model's parameters did not change. Update them in place, "
            "e.g. p -= eta * g for the arrays of model.named_params() (p = p - eta * g only "
            "rebinds a local name).",
        )
        mistakes = {
            WRONG_SIGN + " (the update climbs the loss: use p -= eta * g)": replay("sign")[1],
            "an extra 1/|B|: the library's gradients already hold the 1/|B| of the batch mean, "
            "so do not divide by the batch size again": replay("extra_n")[1],
            "an extra 1/n: the gradient of the batch mean already holds its 1/|B|; do not "
            "divide by the size n of the data set either": replay("extra_total")[1],
            "the whole data set in every update: use X[idx] and y[idx] for each batch": (
                replay("full")[1]
            ),
            "a missing 1/|B|: the gradient was multiplied by the batch size (a sum over the "
            "batch); pass the dL that the loss returns to model.backward as it is": replay(
                "times_b"
            )[1],
            "each update made before model.backward: the step used the previous batch's "
            "gradient. Per batch: forward, loss, model.backward, then the update": replay(
                "step_first"
            )[1],
            "only the weights updated: update every array of model.named_params(), the "
            "biases (keys ending in 'b') too": replay("weights_only")[1],
        }
        if callable(eta):
            mistakes["a learning rate fixed at eta(0): call eta(epoch) for every batch"] = replay(
                "eta0"
            )[1]
            mistakes[
                "a schedule one epoch ahead: eta(epoch + 1) where eta(epoch) is due. The stream "
                "numbers epochs from 0, and epoch 0 must use eta(0); pass the epoch as it comes"
            ] = replay("eta_next")[1]
            mistakes[
                "a schedule called with the update number: eta is a function of the epoch, so "
                "call eta(epoch) with the epoch of the (epoch, idx) pair, not a batch counter"
            ] = replay("eta_update")[1]
        expect_close(
            f"{what}: the model after the whole stream",
            after,
            ref_params,
            mistakes=mistakes,
            rtol=1e-7,
            atol=1e-10,
        )
        expect(
            got is not None,
            f"{what} returned None: return the list of the mini-batch losses, one per update.",
        )
        try:
            got_losses = _asarray(got, dtype=float)
        except (TypeError, ValueError):
            got_losses = None
        expect(
            got_losses is not None and got_losses.shape == (len(stream),),
            f"{what} should return {len(stream)} losses (one per update), got {got!r:.80}.",
        )
        expect_close(
            f"{what}: the list of returned losses",
            got_losses,
            ref_losses,
            mistakes={
                "losses recorded after each update": replay("after")[0],
                "the loss of the whole data set: record the loss L of each mini-batch, "
                "the one its update came from": replay("full_loss")[0],
                "|B| times each batch's loss (a sum over the batch): record L as the loss "
                "returns it, the batch mean": [
                    L * len(idx) for L, (_, idx) in zip(ref_losses, stream, strict=True)
                ],
            },
            hint="Record each batch's loss L from the forward pass, before its update.",
        )
    passed("sgd")


# ----- exercise 3: gradient noise ----------------------------------------------------------------
def _noise_case(seed: int, n: int, p: int, batch_size: int):
    g = _default_rng(seed)
    G = g.standard_normal((n, p)) + g.standard_normal(p)  # per-example gradients, non-zero mean
    order = g.permutation(n)
    batches = [order[i : i + batch_size] for i in range(0, n, batch_size)]
    return G, batches


def gradient_noise(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, int, int, int]] = (
        ("12 examples, batches of 4", 0, 12, 3, 4),
        ("10 examples, batches of 1", 1, 10, 5, 1),
        ("9 examples, batches of 4 (a smaller last batch)", 2, 9, 2, 4),
    ),
) -> None:
    """Check ``gradient_noise(grad_fn, n, batches)`` on gradient tables with a known answer.

    ``grad_fn(idx)`` returns the mean of the rows ``G[idx]`` of a table of per-example gradients,
    exactly as a mini-batch gradient is the mean of per-example gradients.
    """
    guard()
    for name, seed, n, p, batch_size in cases:
        G, batches = _noise_case(seed, n, p, batch_size)

        def grad_fn(idx: Any, G: np.ndarray = G) -> np.ndarray:
            return G[_asarray(idx)].mean(axis=0)

        what = f"gradient_noise, case '{name}'"
        got = call(student_fn, grad_fn, n, [b.copy() for b in batches], what=what)
        full = G.mean(axis=0)
        sq = [float(((G[b].mean(axis=0) - full) ** 2).sum()) for b in batches]
        expected = sum(sq) / len(sq)
        g_batches = np.array([G[b].mean(axis=0) for b in batches])
        around_mean = float(((g_batches - g_batches.mean(axis=0)) ** 2).sum(axis=1).mean())
        more = {
            "the spread around the mean of the batch gradients (as np.var does), not around "
            "the full-batch gradient: subtract g = grad_fn(np.arange(n))": around_mean,
            "a division by (number of batches - 1): average the squared distances over the "
            "batches, a plain mean": sum(sq) / (len(sq) - 1) if len(sq) > 1 else None,
            "the squared norm of the mean difference, not the mean of the squared norms: "
            "square each batch's distance first, then average": float(
                ((g_batches.mean(axis=0) - full) ** 2).sum()
            ),
            "a mean weighted by the batch sizes: every batch counts once, a plain mean over "
            "the batches": float(sum(len(b) * q for b, q in zip(batches, sq, strict=True)))
            / sum(len(b) for b in batches),
            "each squared distance multiplied by the batch size |B| (that estimates sigma^2, "
            "not the noise): average ||g_B - g||^2 as it is": float(
                sum(len(b) * q for b, q in zip(batches, sq, strict=True)) / len(sq)
            ),
            "the sum of absolute differences (an L1 distance): square the entries of "
            "g_B - g and sum them, a squared norm": float(
                np.mean([np.abs(gb - full).sum() for gb in g_batches])
            ),
        }
        expect_close(
            what,
            got,
            expected,
            mistakes={
                "the squared size of the mini-batch gradients, not their distance from the "
                "full-batch gradient: subtract grad_fn(np.arange(n)) first": sum(
                    float((G[b].mean(axis=0) ** 2).sum()) for b in batches
                )
                / len(batches),
                "the mean distance, not the mean squared distance: do not take the square "
                "root": sum(_sqrt(s) for s in sq) / len(sq),
                "the sum over batches: average it instead": sum(sq),
                "a mean over the vector entries: sum the squared entries of each difference "
                "(a squared norm), then average over batches": sum(sq) / len(sq) / p,
                **{k: v for k, v in more.items() if v is not None and abs(v - expected) > 1e-9},
            },
            rtol=1e-7,
            atol=1e-12,
        )
    passed("gradient_noise")


# ----- exercise 4: the momentum update -----------------------------------------------------------
def _momentum_case(seed: int, shapes: dict[str, tuple[int, ...]]):
    g = _default_rng(seed)
    params = {k: g.standard_normal(s) for k, s in shapes.items()}
    grads = [{k: g.standard_normal(s) for k, s in shapes.items()} for _ in range(3)]
    return params, grads


def _replay_momentum(params, grads_seq, eta, beta, variant=""):
    p = {k: v.copy() for k, v in params.items()}
    v = {k: np.zeros_like(a) for k, a in p.items()}
    for grads in grads_seq:
        for k in p:
            g = grads[k]
            if variant == "sign":
                v[k] = beta * v[k] + eta * g
                p[k] += v[k]
            elif variant == "plain":
                p[k] -= eta * g
            elif variant == "old_v":
                p[k] += v[k]
                v[k] = beta * v[k] - eta * g
            elif variant == "ema":
                v[k] = beta * v[k] - (1 - beta) * eta * g
                p[k] += v[k]
            elif variant == "nesterov":
                v_old = v[k].copy()
                v[k] = beta * v[k] - eta * g
                p[k] += -beta * v_old + (1 + beta) * v[k]
            elif variant == "beta_g":
                v[k] = beta * (v[k] - eta * g)
                p[k] += v[k]
            elif variant == "one_minus_beta_v":
                v[k] = (1 - beta) * v[k] - eta * g
                p[k] += v[k]
            else:
                _ref_momentum_step({k: p[k]}, {k: g}, v, eta, beta)
    return p, v


def _flat(d: dict) -> np.ndarray:
    return _concatenate([_asarray(d[k], dtype=float).ravel() for k in sorted(d)])


def momentum_step(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[str, int, dict, float, float]] = (
        ("W (3, 2) and b (3,), 3 steps", 0, {"W": (3, 2), "b": (3,)}, 0.1, 0.9),
        ("one vector, beta = 0.5", 1, {"w": (4,)}, 0.3, 0.5),
    ),
) -> None:
    """Check ``momentum_step(params, grads, velocity, eta, beta)`` over several steps.

    Convention (as in bpkit.optim): ``v <- beta * v - eta * g`` then ``p <- p + v``, in place,
    with the velocity dict starting at zeros.
    """
    guard()
    for name, seed, shapes, eta, beta in cases:
        params, grads_seq = _momentum_case(seed, shapes)
        what = f"momentum_step, case '{name}'"
        p = {k: v.copy() for k, v in params.items()}
        v = {k: np.zeros_like(a) for k, a in p.items()}
        p_ids = {k: id(a) for k, a in p.items()}
        for step, grads in enumerate(grads_seq, start=1):
            _call_update(student_fn, p, grads, v, eta, beta, what)
            expect(
                all(id(p[k]) == p_ids[k] for k in p),
                f"{what}: the parameter arrays were replaced, not updated in place. Write "
                "params[k] += velocity[k] so the model that owns the arrays sees the change.",
            )
            # The reference is computed after the call, in a helper: none is alive at any call.
            _compare_momentum(what, step, p, v, params, grads_seq[:step], eta, beta)
    passed("momentum_step")


def _compare_momentum(what, step, p, v, params, grads_seq, eta, beta) -> None:
    """Compare the live dicts after ``step`` updates with the reference, naming a mistake."""
    ref_p, ref_v = _replay_momentum(params, grads_seq, eta, beta)
    expect(
        bool((_flat(v) != 0).any()),
        f"{what}: after step {step} the velocity dict still holds zeros, so momentum "
        "never builds up. Store the new velocity: velocity[k] = beta * velocity[k] - "
        "eta * grads[k] (or update the array in place), then params[k] += velocity[k].",
    )
    alt_v = {k: -a / eta for k, a in ref_v.items()}
    if _close_flat(p, ref_p) and _close_flat(v, alt_v):
        raise CheckError(
            f"{what}: your parameters are right but the velocity follows the other "
            "convention (v <- beta * v + g, p <- p - eta * v). This notebook stores "
            "v <- beta * v - eta * g and then p <- p + v; please use that form."
        )
    mistakes = {
        label: _flat(_replay_momentum(params, grads_seq, eta, beta, variant)[0])
        for label, variant in (
            (WRONG_SIGN + " (v <- beta * v - eta * g, then p <- p + v)", "sign"),
            ("a plain gradient step that ignores the velocity", "plain"),
            ("an update with the old velocity: update v first, then p <- p + v", "old_v"),
            ("a (1 - beta) factor on the gradient; this notebook's momentum has none", "ema"),
            (
                "a Nesterov (look-ahead) step: this notebook's momentum is plain, "
                "v <- beta * v - eta * g, then p <- p + v",
                "nesterov",
            ),
            (
                "beta applied to the gradient too, v <- beta * (v - eta * g): only the old "
                "velocity decays, v <- beta * v - eta * g",
                "beta_g",
            ),
            (
                "(1 - beta) as the factor on the old velocity: the velocity keeps a fraction "
                "beta of itself, v <- beta * v - eta * g",
                "one_minus_beta_v",
            ),
        )
    }
    mistakes[
        "parameters that never changed: `p = p + v` only rebinds a name; update the array "
        "in place, params[k] += velocity[k]"
    ] = _flat(params)
    # After one step, moving p with the old (zero) velocity and not moving p at all look the
    # same; the second step tells them apart, so an unmoved p is judged there.
    if step > 1 or not _close_flat(p, params):
        expect_close(
            f"{what}: the update at step {step}",
            _flat(p),
            _flat(ref_p),
            mistakes=mistakes,
        )
    expect_close(
        f"{what}: the velocity stored at step {step}",
        _flat(v),
        _flat(ref_v),
        mistakes={
            "a velocity with the opposite sign (v <- beta * v + eta * g, then p <- p - v): "
            "the parameters move right, but this notebook stores v <- beta * v - eta * g and "
            "then p <- p + v": -_flat(ref_v),
            "eta applied when moving p (v <- beta * v - g, then p <- p + eta * v): the "
            "parameters move right, but the stored velocity must already hold eta, "
            "v <- beta * v - eta * g, then p <- p + v": _flat(ref_v) / eta,
        },
        hint="Store the new velocity in the dict: velocity[k] = beta * velocity[k] - "
        "eta * grads[k] (or update it in place).",
    )


def _call_update(fn, params, grads, velocity, eta, beta, what) -> None:
    """Call the student's update on the live dicts (they must change in place).

    ``params`` and ``velocity`` reach the student through the lambda, uncopied, so the update
    lands in the check's own dicts; ``grads`` is an argument of ``call``, which hands over a
    copy and fails the step if it changes that copy (the step must leave the gradients alone).
    """
    call(lambda grads, p=params, v=velocity: fn(p, grads, v, eta, beta), grads, what=what)


def _close_flat(a: dict, b: dict) -> bool:
    x, y = _flat(a), _flat(b)
    return x.shape == y.shape and bool((abs(x - y) <= 1e-9 + 1e-7 * abs(y)).all())


# ----- exercise 5: a step learning-rate schedule ------------------------------------------------
def step_schedule(
    student_fn: Callable[..., Any],
    *,
    cases: Sequence[tuple[float, float, int]] = ((0.1, 0.5, 10), (1.0, 0.1, 3), (0.05, 0.8, 1)),
    epochs: int = 40,
) -> None:
    """Check ``step_schedule(eta0, drop, every)`` returns ``t -> eta0 * drop ** (t // every)``."""
    guard()
    for eta0, drop, every in cases:
        what = f"step_schedule(eta0={eta0}, drop={drop}, every={every})"
        sched = call(student_fn, eta0, drop, every, what=what)
        ts = list(range(epochs))
        got = schedule_values(
            sched, what, ts, unit="epoch", stateful=" (e.g. it multiplies a stored rate)",
            formula=": eta0 * drop ** (t // every)",
        )  # fmt: skip
        ref = _ref_step_schedule(eta0, drop, every)
        expected = [ref(t) for t in ts]
        expect_close(
            f"{what}(t) for t = 0..{epochs - 1}",
            got,
            expected,
            mistakes={
                "a decay at every epoch: drop only every `every` epochs, eta0 * drop ** (t // "
                "every)": [eta0 * drop**t for t in ts],
                "a drop that comes one epoch too early: epochs 0..every-1 keep eta0": [
                    eta0 * drop ** ((t + 1) // every) for t in ts
                ],
                "rounding t / every instead of taking the floor (t // every)": [
                    eta0 * drop ** round(t / every) for t in ts
                ],
                "t % every (the remainder) instead of t // every (the number of drops so far)": [
                    eta0 * drop ** (t % every) for t in ts
                ],
                "a smooth exponential decay: the rate should stay flat between drops": [
                    eta0 * drop ** (t / every) for t in ts
                ],
                "a first drop already at t = 0: eta(0) must be eta0, and the first drop comes "
                "at t = every": [eta0 * drop ** (t // every + 1) for t in ts],
                "a drop that comes one epoch too late: epoch t = every already uses eta0 * "
                "drop (epochs count from 0)": [eta0 * drop ** (max(t - 1, 0) // every) for t in ts],
                "drop * (t // every) instead of drop ** (t // every): eta is multiplied by drop "
                "once per `every` epochs, which is a power": [
                    eta0 * drop * (t // every) for t in ts
                ],
                "(1 - drop) as the factor: drop is the factor eta is multiplied by (drop = 0.1 "
                "leaves a tenth), eta0 * drop ** (t // every)": [
                    eta0 * (1 - drop) ** (t // every) for t in ts
                ],
                "eta0 left out: the rate is eta0 * drop ** (t // every), starting at eta0": [
                    drop ** (t // every) for t in ts
                ],
                "a rate that grows: multiply by drop, do not divide": [
                    eta0 / drop ** (t // every) for t in ts
                ],
                "rounding t / every up (ceil) instead of down (t // every): the first drop "
                "comes at t = 1, but epochs 0 .. every - 1 all use eta0": [
                    eta0 * drop ** -(-t // every) for t in ts
                ],
                "a single drop: eta is multiplied by drop again every `every` epochs, "
                "eta0 * drop ** (t // every)": [eta0 * drop ** min(t // every, 1) for t in ts],
                "(eta0 * drop ** t) // every: ** binds tighter than //, so write the exponent "
                "in parentheses, drop ** (t // every)": [eta0 * drop**t // every for t in ts],
                "a drop every every + 1 epochs: t // (every + 1); the rate drops at t = every, "
                "2 * every, ...": [eta0 * drop ** (t // (every + 1)) for t in ts],
                "an exponent one too small, t // every - 1: eta(0) must be eta0": [
                    eta0 * drop ** (t // every - 1) for t in ts
                ],
            },
        )
    passed("step_schedule")
