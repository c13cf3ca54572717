"""Callback latency of the optimizers explorer (notebook 10): recompute + redraw + PNG.

Run: python benchmarks/bench_optimizers_explorer.py [--repeat N]

Each update is what a slider move costs in the kernel in the default inline mode: five
optimizers run up to 300 steps each on the chosen surface, their paths and loss curves are
redrawn over the cached background, and the PNG sent to the browser is encoded. A change of
surface also redraws the contours (a full draw). Target: median <= 50 ms and p95 <= 100 ms.
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from bpkit.widgets.optimizers import SURFACES, OptimizersExplorer  # noqa: E402

LOG_ETAS = [float(x) for x in np.round(np.geomspace(1e-4, 10, 26), 6)]


def sweep() -> list[dict]:
    moves: list[dict] = []
    for surface in SURFACES:
        moves.append({"surface": surface})
        moves += [{"eta": e} for e in LOG_ETAS[::3]]
        moves += [{"beta1": float(b)} for b in (0.0, 0.5, 0.9, 0.99)]
        moves += [{"beta2": float(b)} for b in (0.5, 0.9, 0.99, 0.999)]
        moves += [{"steps": s} for s in (1, 50, 150, 300)]
    return moves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="passes over the sweep")
    args = parser.parse_args()
    ex = OptimizersExplorer(mode="png")
    ex.timings.clear()
    for _ in range(args.repeat):
        for move in sweep():
            ex.set(**move)
    ms = np.asarray(ex.timings) * 1e3
    print(
        f"OptimizersExplorer: median {np.median(ms):6.1f} ms   p95 {np.percentile(ms, 95):6.1f} ms"
        f"   max {ms.max():6.1f} ms   n={ms.size}   (goal: median <= 50 ms, p95 <= 100 ms)"
    )
    ex.close()


if __name__ == "__main__":
    main()
