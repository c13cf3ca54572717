"""Training speed of bpkit on an MLP 784-256-128-10 (ReLU), batch 128, float32, plain SGD.

Prints, all measured in this run with the same number of BLAS/torch threads:

1. bpkit training steps per second (forward, softmax cross-entropy, backward, SGD update);
2. the same step in PyTorch CPU eager mode, and bpkit's speed ratio (goal >= 1.3x), when torch is
   importable (an optional, benchmark-only dependency);
3. this machine's float32 matmul FLOP/s on square matrices, and the fraction of it bpkit achieves
   (goal >= 75%);
4. with --profile, where bpkit's step spends its time, layer by layer;
5. with --digits N, the capstone's hinted recipe (notebook 08's own ``train_model``) trained with
   seeds 0..N-1: per seed, the accuracy on the 359 hidden test digits and the visible test's
   estimate on the 179 held-out digits, with its standard error, and the training time.

FLOPs counted per step (matmuls only, 2*m*k*n each; element-wise work is not counted):
forward ``a_prev @ W.T`` for each of the 3 layers, backward ``dW = dout.T @ a_prev`` for each
layer and ``d_prev = dout @ W`` for layers 2 and 3 (the data needs no gradient, so layer 1 skips
it). That is 3 * forward - 2*128*784*256 = 128.9 MFLOP per step.

Usage: python benchmarks/bench_core.py [--threads N] [--seconds S] [--profile] [--digits N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (default 1)")
    parser.add_argument("--seconds", type=float, default=1.5, help="time per contender")
    parser.add_argument("--profile", action="store_true", help="print a per-layer breakdown")
    parser.add_argument(
        "--digits",
        type=int,
        default=0,
        metavar="SEEDS",
        help="also train notebook 08's recipe with this many seeds (hidden test and estimate)",
    )
    return parser.parse_args()


ARGS = parse_args() if __name__ == "__main__" else None
THREADS = ARGS.threads if ARGS else 1
# BLAS reads its thread count when numpy is imported, so set it first.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)

import numpy as np  # noqa: E402

from bpkit.losses import softmax_cross_entropy  # noqa: E402
from bpkit.model import mlp  # noqa: E402
from bpkit.optim import SGD  # noqa: E402
from bpkit.train import fit  # noqa: E402

SIZES = [784, 256, 128, 10]
BATCH = 128
ETA = 0.01
FORWARD_FLOPS = sum(
    2 * BATCH * d_in * d_out for d_in, d_out in zip(SIZES[:-1], SIZES[1:], strict=False)
)
STEP_FLOPS = 3 * FORWARD_FLOPS - 2 * BATCH * SIZES[0] * SIZES[1]
SQUARES = (512, 1024, 2048)


def clock() -> float:
    """CPU time of this process with one thread (robust on a busy, shared machine: time other
    processes take from us is not counted); wall-clock time with several threads."""
    return time.process_time() if THREADS == 1 else time.perf_counter()


def interleaved_rates(steps: dict[str, Callable[[], None]], seconds: float) -> dict[str, float]:
    """Calls per second of each function, timed in interleaved rounds.

    Each round runs every function for a chunk of about 0.1 s, so all of them see the same
    machine load; the result is the median over rounds. ``seconds`` is the time per function.
    """
    chunk = {}
    for name, step in steps.items():
        step()  # warm up, and size a chunk to about 0.1 s
        n, t0 = 0, clock()
        while clock() - t0 < 0.05:
            step()
            n += 1
        chunk[name] = max(1, round(n * 0.1 / (clock() - t0)))
    rates: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(max(5, round(seconds / 0.1))):
        for name, step in steps.items():
            t0 = clock()
            for _ in range(chunk[name]):
                step()
            rates[name].append(chunk[name] / (clock() - t0))
    return {name: float(np.median(r)) for name, r in rates.items()}


def square_matmul(n: int) -> Callable[[], None]:
    """One float32 ``A @ B`` with n x n matrices (2 n^3 FLOPs)."""
    g = np.random.default_rng(0)
    A = g.standard_normal((n, n), dtype=np.float32)
    B = g.standard_normal((n, n), dtype=np.float32)
    C = np.empty((n, n), dtype=np.float32)
    return lambda: np.matmul(A, B, out=C)


def matmuls_only() -> Callable[[], None]:
    """The step's 8 matmuls alone, with bpkit's shapes and layouts.

    This is the ceiling for any implementation that stores W as (d_out, d_in): the gap between
    it and a bpkit step is bpkit's own overhead (activations, loss, update, Python).
    """
    g = np.random.default_rng(3)
    X = g.random((BATCH, SIZES[0]), dtype=np.float32)
    Ws = [
        np.asfortranarray(g.random((o, i), dtype=np.float32))  # bpkit's layout (see Linear)
        for i, o in zip(SIZES[:-1], SIZES[1:], strict=True)
    ]
    As = [X] + [g.random((BATCH, o), dtype=np.float32) for o in SIZES[1:-1]]
    Ds = [g.random((BATCH, o), dtype=np.float32) for o in SIZES[1:]]

    def step() -> None:
        for a, W in zip(As, Ws, strict=True):
            a @ W.T  # forward
        for k, (a, W, d) in enumerate(zip(As, Ws, Ds, strict=True)):
            d.T @ a  # dW
            if k > 0:
                d @ W  # d_prev (not for the first layer)

    return step


def numpy_step() -> Callable[[], None]:
    """The same training step written as bare numpy, with no library around it.

    It is the floor for an honest numpy implementation: every matmul of a bpkit step plus the
    unavoidable element-wise work (bias, ReLU, softmax, the loss value, update), with no input
    checks. The gap between it and bpkit is what bpkit's layers, checks and Python objects cost.
    """
    g = np.random.default_rng(4)
    Ws = [
        np.asfortranarray(g.standard_normal((o, i), dtype=np.float32) * np.float32(np.sqrt(2 / i)))
        for i, o in zip(SIZES[:-1], SIZES[1:], strict=True)
    ]
    bs = [np.zeros(o, dtype=np.float32) for o in SIZES[1:]]
    dWs = [np.empty_like(W) for W in Ws]  # same layout as W, so the update runs contiguously
    Xs, ys = batches()
    rows = np.arange(BATCH)
    i = [0]
    losses: list[float] = []  # a training step reports its loss, as bpkit's and torch's do

    def step() -> None:
        k = i[0] = (i[0] + 1) % len(Xs)
        a, zs, acts = Xs[k], [], [Xs[k]]
        for j, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            z = a @ W.T
            z += b
            zs.append(z)
            a = np.maximum(z, 0) if j < len(Ws) - 1 else z
            acts.append(a)
        shifted = a - a.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        row_sum = p.sum(axis=1, keepdims=True)
        losses.append(float(np.mean(np.log(row_sum[:, 0]) - shifted[rows, ys[k]])))
        p /= row_sum
        p[rows, ys[k]] -= 1
        d = p / BATCH  # dL/dz of the batch-mean cross-entropy
        for j in range(len(Ws) - 1, -1, -1):
            dW, db = np.matmul(d.T, acts[j], out=dWs[j]), d.sum(axis=0)
            if j > 0:
                d = d @ Ws[j]
                d *= zs[j - 1] > 0
            Ws[j] -= ETA * dW
            bs[j] -= ETA * db

    return step


def batches(count: int = 8) -> tuple[list[np.ndarray], list[np.ndarray]]:
    g = np.random.default_rng(1)
    Xs = [g.random((BATCH, SIZES[0]), dtype=np.float32) for _ in range(count)]
    ys = [g.integers(0, SIZES[-1], BATCH) for _ in range(count)]
    return Xs, ys


def bpkit_step() -> tuple[Callable[[], None], list[float]]:
    """One bpkit training step on the next of 8 fixed batches (and the list of its losses)."""
    model = mlp(SIZES, activation="relu", seed=0, dtype=np.float32)
    opt = SGD(model, eta=ETA)
    Xs, ys = batches()
    i = [0]
    losses: list[float] = []

    def step() -> None:
        k = i[0] = (i[0] + 1) % len(Xs)
        out = model.forward(Xs[k])
        L, dout = softmax_cross_entropy(out, ys[k])
        model.backward(dout, input_grad=False)
        opt.step()
        losses.append(L)

    return step, losses


def bpkit_fit_rate(seconds: float, steps_per_second: float) -> float:
    """Steps per second through ``fit`` (adds shuffling, gathering batches, history)."""
    model = mlp(SIZES, activation="relu", seed=0, dtype=np.float32)
    g = np.random.default_rng(2)
    X = g.random((BATCH * 50, SIZES[0]), dtype=np.float32)
    y = g.integers(0, SIZES[-1], len(X))
    epochs = max(2, round(seconds * steps_per_second / 50))
    t0 = clock()
    h = fit(
        model, X, y, loss="softmax_ce", eta=ETA, batch_size=BATCH, epochs=epochs, progress=False
    )
    elapsed = clock() - t0
    return h.n_updates / elapsed


def torch_step() -> Callable[[], None] | None:
    """The same step in PyTorch eager mode, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    layers = []
    for i, (d_in, d_out) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=False)):
        layers.append(torch.nn.Linear(d_in, d_out))
        if i < len(SIZES) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(net.parameters(), lr=ETA)
    Xs, ys = batches()
    tX = [torch.from_numpy(X) for X in Xs]
    ty = [torch.from_numpy(y) for y in ys]
    i = [0]

    def step() -> None:
        k = i[0] = (i[0] + 1) % len(tX)
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(tX[k]), ty[k])
        loss.backward()
        opt.step()

    return step


def profile(repeats: int = 200) -> None:
    """Per-layer forward/backward times of one bpkit step, plus loss and update."""
    model = mlp(SIZES, activation="relu", seed=0, dtype=np.float32)
    opt = SGD(model, eta=ETA)
    Xs, ys = batches()
    names = [repr(layer) for layer in model.layers]
    fwd = np.zeros(len(model.layers))
    bwd = np.zeros(len(model.layers))
    other = {"loss": 0.0, "update": 0.0}
    for r in range(repeats):
        k = r % len(Xs)
        a = Xs[k]
        for j, layer in enumerate(model.layers):
            t0 = clock()
            a = layer.forward(a)
            fwd[j] += clock() - t0
        t0 = clock()
        _, d = softmax_cross_entropy(a, ys[k])
        other["loss"] += clock() - t0
        for j in range(len(model.layers) - 1, -1, -1):
            t0 = clock()
            if j == 0:
                model.layers[0].backward(d, input_grad=False)
            else:
                d = model.layers[j].backward(d)
            bwd[j] += clock() - t0
        t0 = clock()
        opt.step()
        other["update"] += clock() - t0
    total = fwd.sum() + bwd.sum() + sum(other.values())
    print("\nwhere a bpkit step spends its time (microseconds per step):")
    for name, f, b in zip(names, fwd, bwd, strict=True):
        print(f"  {name:<22} forward {1e6 * f / repeats:8.1f}   backward {1e6 * b / repeats:8.1f}")
    for name, t in other.items():
        print(f"  {name:<22} {1e6 * t / repeats:8.1f}")
    print(f"  {'total':<22} {1e6 * total / repeats:8.1f}")


CAPSTONE = Path(__file__).resolve().parents[1] / "solutions" / "08_capstone" / "08_capstone.ipynb"
#: The cells of notebook 08 that define its data, network, answers, training loop and recipe.
CAPSTONE_CELLS = (
    "setup", "split", "network", "standardize", "backward", "train_epoch", "run_training",
    "train_model",
)  # fmt: skip


def digits_capstone(seeds: int) -> None:
    """Notebook 08's hinted recipe, trained with seeds 0..seeds-1 on the notebook's split.

    Runs the solution notebook's own cells (``CAPSTONE_CELLS``), so the figures are those of the
    recipe its text describes. Per seed: the accuracy on the 359 test digits (the hidden test
    needs 97 %, i.e. at most 10 wrong), the visible test's estimate on the 179 held-out digits
    with its binomial standard error, and the training time.
    """
    import contextlib
    import io
    import json

    namespace: dict = {"__name__": "__capstone__"}
    cells = json.loads(CAPSTONE.read_text(encoding="utf-8"))["cells"]
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in cells:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if cell["cell_type"] == "code" and grade_id in CAPSTONE_CELLS:
                exec("".join(cell["source"]), namespace)  # noqa: S102 - the course's own code
    ns = namespace
    X_train, y_train, X_val, y_val = ns["X_train"], ns["y_train"], ns["X_val"], ns["y_val"]
    _, _, _, mean, std = ns["standardize"](X_train, X_val, ns["X_test"])
    parts = {
        "test": ((ns["X_test"] - mean) / std, ns["y_test"]),
        "held-out": ((ns["X_holdout"] - mean) / std, ns["y_holdout"]),
    }
    n_test, n_hold = len(parts["test"][1]), len(parts["held-out"][1])
    print(f"\ncapstone recipe (notebook 08's train_model), {seeds} seeds, the notebook's split:")
    print(f"  seed   hidden test ({n_test} digits)   held-out estimate ({n_hold} digits)   time s")
    rows = []
    for seed in range(seeds):
        t0 = clock()
        with contextlib.redirect_stdout(io.StringIO()):
            params, _ = ns["train_model"](X_train, y_train, X_val, y_val, mean, std, seed=seed)
        seconds = clock() - t0
        accs = {name: ns["accuracy"](params, X, y) for name, (X, y) in parts.items()}
        rows.append((accs["test"], accs["held-out"], seconds))
        test, hold = accs["test"], accs["held-out"]
        wrong = round((1 - test) * n_test)
        se = np.sqrt(hold * (1 - hold) / n_hold)
        print(
            f"  {seed:4d}   {test:6.2%} ({wrong:2d} wrong) {'pass' if test >= 0.97 else 'FAIL'}"
            f"       {hold:6.2%} \u00b1 {se:.2%} {'pass' if hold >= 0.97 else 'FAIL'}"
            f"          {seconds:5.1f}"
        )
    test_a, hold_a, times = (np.array(col) for col in zip(*rows, strict=True))
    print(
        f"  hidden test >= 97% with {int((test_a >= 0.97).sum())}/{seeds} seeds (mean "
        f"{test_a.mean():.2%}, min {test_a.min():.2%}); held-out estimate >= 97% with "
        f"{int((hold_a >= 0.97).sum())}/{seeds} (mean {hold_a.mean():.2%})"
    )
    print(f"  training time per run: median {np.median(times):.2f} s, max {times.max():.2f} s")


def main() -> None:
    seconds = ARGS.seconds if ARGS else 1.5
    print(f"MLP {'-'.join(map(str, SIZES))} ReLU, batch {BATCH}, float32, SGD; {THREADS} thread(s)")
    timer = "process CPU time" if THREADS == 1 else "wall-clock time"
    print(f"rates from {timer}; all contenders timed in interleaved rounds, medians")
    print(f"FLOPs per training step (matmuls only): {STEP_FLOPS / 1e6:.1f} MFLOP")
    step, losses = bpkit_step()
    contenders: dict[str, Callable[[], None]] = {f"square {n}": square_matmul(n) for n in SQUARES}
    contenders["matmuls only"] = matmuls_only()
    contenders["bpkit"] = step
    contenders["numpy"] = numpy_step()
    torch = torch_step()
    if torch is not None:
        contenders["torch"] = torch
    rates = interleaved_rates(contenders, seconds)
    if not np.isfinite(losses).all():
        raise RuntimeError("the benchmark run diverged; its timing would be meaningless")

    square = {n: 2.0 * n**3 * rates[f"square {n}"] for n in SQUARES}
    peak_n = max(square, key=square.get)
    peak = square[peak_n]
    sizes = ", ".join(f"n={n}: {f / 1e9:.1f}" for n, f in square.items())
    print(f"float32 square matmul GFLOP/s ({sizes}); peak used below: n={peak_n}")
    ceiling = rates["matmuls only"] * STEP_FLOPS
    print(
        f"the step's 8 matmuls alone:  {ceiling / 1e9:8.1f} GFLOP/s = {ceiling / peak:5.1%} "
        "of the peak (BLAS efficiency at these shapes)"
    )
    steps = rates["bpkit"]
    achieved = steps * STEP_FLOPS
    print(f"bpkit training steps/s:     {steps:8.1f}   ({1e3 / steps:.2f} ms per step)")
    print(
        f"bpkit achieved FLOP/s:      {achieved / 1e9:8.1f} GFLOP/s = {achieved / peak:5.1%} "
        f"of the matmul peak (goal >= 75%); {achieved / ceiling:5.1%} of the matmuls-alone rate"
    )
    bare = rates["numpy"] * STEP_FLOPS
    print(
        f"bare numpy step (no library): {rates['numpy']:6.1f} steps/s = {bare / peak:5.1%} of the "
        f"peak; bpkit runs at {steps / rates['numpy']:5.1%} of its speed"
    )
    if torch is None:
        print("PyTorch: not installed (optional; pip install torch to compare)")
    else:
        import torch as torch_module

        print(f"PyTorch {torch_module.__version__} eager steps/s: {rates['torch']:8.1f}")
        print(f"bpkit / PyTorch speed ratio: {steps / rates['torch']:5.2f}x (goal >= 1.3x)")
    fit_steps = bpkit_fit_rate(seconds, steps)
    print(f"bpkit through fit():        {fit_steps:8.1f} steps/s (with shuffling and batching)")
    if ARGS and ARGS.profile:
        profile()
    if ARGS and ARGS.digits:
        digits_capstone(ARGS.digits)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
