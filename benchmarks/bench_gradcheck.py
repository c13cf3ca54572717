"""Time the three gradient-check modes on a ~100k-parameter MLP at batch 64 (float64).

Prints the median time of a directional check (one random direction, two forward passes), a
sparse check (k entries per parameter) and a full check (every entry). The full check takes
minutes, so by default it is timed on a slice of the entries and extrapolated (the cost is the
same for every entry: two forward passes); pass --full to run it completely.

Usage: python benchmarks/bench_gradcheck.py [--full]

Runs with one BLAS thread unless OPENBLAS_NUM_THREADS is set (see below).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

# One BLAS thread unless told otherwise: these matrices are small, and on a shared machine
# OpenBLAS worker threads that spin-wait for a busy core make each product many times slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after the thread setting, which is read at import)

from bpkit.gradcheck import check_model, numerical_gradient
from bpkit.losses import softmax_cross_entropy
from bpkit.model import mlp

SIZES = [784, 128, 10]
BATCH = 64


def median_time(fn, repeats: int) -> float:
    """Median wall-clock seconds of ``fn()``."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cpu_time(fn, repeats: int) -> float:
    """Mean CPU seconds of ``fn()`` in this process (less sensitive to a busy machine)."""
    t0 = time.process_time()
    for _ in range(repeats):
        fn()
    return (time.process_time() - t0) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run the complete full check")
    args = parser.parse_args()

    g = np.random.default_rng(0)
    model = mlp(SIZES, activation="relu", seed=0)
    X = g.standard_normal((BATCH, SIZES[0]))
    y = g.integers(0, SIZES[-1], size=BATCH)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(
        f"MLP {'-'.join(map(str, SIZES))}: {model.n_params} parameters, batch {BATCH}, float64, "
        f"OPENBLAS_NUM_THREADS={threads}"
    )

    report = check_model(model, X, y, loss="softmax_ce", mode="directional")

    def directional() -> None:
        check_model(model, X, y, loss="softmax_ce", mode="directional")

    t_dir = median_time(directional, 30)
    cpu_dir = cpu_time(directional, 30)
    print(
        f"directional check: {t_dir * 1e3:8.2f} ms wall, {cpu_dir * 1e3:.2f} ms CPU (goal <= 20 ms)"
        f"  rel_error {report.entries[0].rel_error:.1e}"
    )

    t_sparse = median_time(
        lambda: check_model(model, X, y, loss="softmax_ce", mode="sparse", k=10), 5
    )
    print(f"sparse check k=10: {t_sparse * 1e3:8.2f} ms  ({len(model.named_params())} params x 10)")

    if args.full:
        t0 = time.perf_counter()
        full = check_model(model, X, y, loss="softmax_ce", mode="full")
        t_full = time.perf_counter() - t0
        print(f"full check:        {t_full:8.2f} s   (measured, ok={full.ok})")
    else:
        W = model.named_params()["0.W"]
        n_probe = 500
        index = [np.unravel_index(i, W.shape) for i in range(n_probe)]

        def f() -> float:
            return softmax_cross_entropy(model.forward(X), y)[0]

        t_probe = median_time(lambda: numerical_gradient(f, W, indices=index), 3)
        t_full = t_probe / n_probe * model.n_params
        print(f"full check:        {t_full:8.2f} s   (estimated from {n_probe} entries)")
    print(f"full / directional: {t_full / t_dir:,.0f}x")


if __name__ == "__main__":
    main()
