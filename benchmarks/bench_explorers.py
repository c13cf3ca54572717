"""Callback latency of every explorer: recompute + redraw + PNG, over sweeps of each control.

Run: python benchmarks/bench_explorers.py [--repeat N]

Each update is what a slider move costs in the kernel (in the default inline mode the PNG sent
to the browser is included). Values are visited in order, so results cached by an explorer
(the learning-rate explorer's net runs, the regularization explorer's training runs) count as
misses on first visit; a second pass over the same values shows the cached cost.
Target: median <= 50 ms and p95 <= 100 ms per explorer.
"""

from __future__ import annotations

import argparse
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from bpkit.widgets import (  # noqa: E402
    BatchSizeExplorer,
    InitExplorer,
    LearningRateExplorer,
    RegularizationExplorer,
)

LOG_ETAS = [float(x) for x in np.round(np.geomspace(1e-4, 10, 26), 6)]

SWEEPS: dict[type, list[dict]] = {
    LearningRateExplorer: [{"eta": e} for e in LOG_ETAS]
    + [{"steps": s} for s in range(10, 201, 10)],
    InitExplorer: [{"depth": d} for d in range(1, 21)]
    + [
        {"activation": a, "init": i}
        for a in ("sigmoid", "tanh", "relu")
        for i in ("normal(scale)", "Xavier", "He")
    ]
    + [{"init": "normal(scale)", "scale": float(s)} for s in np.geomspace(1e-3, 10, 12)],
    BatchSizeExplorer: [{"batch_size": b} for b in (1, 2, 4, 8, 16, 32)]
    + [{"eta": e} for e in LOG_ETAS[::2]]
    + [{"epochs": k} for k in range(1, 11)],
    RegularizationExplorer: [
        {"penalty": p, "lam": float(lam)} for p in ("L2", "L1") for lam in np.geomspace(1e-4, 1, 7)
    ]
    + [{"penalty": "none", "p_drop": float(d)} for d in np.arange(0, 0.81, 0.1)]
    + [{"early_stop": v} for v in (True, False, True)],
}


def stats(seconds: list[float]) -> str:
    ms = np.asarray(seconds) * 1e3
    return f"median {np.median(ms):6.1f} ms   p95 {np.percentile(ms, 95):6.1f} ms   n={ms.size}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="passes over each sweep")
    args = parser.parse_args()
    print("explorer callback latency (recompute + redraw + PNG), target median <= 50, p95 <= 100")
    rows = []
    for cls, sweep in SWEEPS.items():
        t0 = time.perf_counter()
        ex = cls()
        build = time.perf_counter() - t0
        passes = []
        for _ in range(args.repeat):
            ex.timings.clear()
            ex.render_timings.clear()
            for values in sweep:
                ex.set(**values)
            passes.append((list(ex.timings), list(ex.render_timings)))
        first, render = passes[0]
        all_t = [t for p in passes for t in p[0]]
        t0 = time.perf_counter()
        for _ in range(5):
            ex.fig.canvas.draw()
        full_draw = (time.perf_counter() - t0) / 5
        print(
            f"\n{cls.__name__}  (build {build * 1e3:.0f} ms, "
            f"figure {ex.figsize[0]}x{ex.figsize[1]} in @ {ex.dpi:.0f} dpi)"
        )
        print(f"  first pass (cache misses) : {stats(first)}")
        print(f"  all passes                : {stats(all_t)}")
        print(f"  of which redraw + PNG     : {stats(render)}")
        print(f"  a full figure draw instead: {full_draw * 1e3:6.1f} ms (not used per update)")
        rows.append((cls.__name__, np.median(first) * 1e3, np.percentile(first, 95) * 1e3))
    print("\nsummary, first pass      median    p95   within target")
    for name, med, p95 in rows:
        ok = "yes" if med <= 50 and p95 <= 100 else "NO"
        print(f"  {name:24s} {med:7.1f} {p95:7.1f}   {ok}")


if __name__ == "__main__":
    main()
