"""Callback latency of the BPTT explorer: recompute (forward + BPTT) + redraw + PNG per slider move.

Run: python benchmarks/bench_bptt_explorer.py [--repeat N]

The sweep moves the sequence length over its whole range (up to 200 steps, the slowest
updates), the spectral radius of W_h over 0.1 .. 10 on its log slider, and the activation.
Target, as for every explorer: median <= 50 ms and p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from bpkit.widgets.bptt import T_MAX, BPTTExplorer  # noqa: E402

SWEEP: list[dict] = (
    [{"T": int(T)} for T in np.linspace(2, T_MAX, 25).round()]
    + [{"radius": float(r)} for r in np.round(np.geomspace(0.1, 10, 25), 4)]
    + [{"f": f, "radius": r} for f in ("linear", "tanh") for r in (0.5, 1.0, 2.0)]
)


def stats(seconds: list[float]) -> tuple[float, float]:
    ms = np.asarray(seconds) * 1e3
    return float(np.median(ms)), float(np.percentile(ms, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="passes over the sweep")
    args = parser.parse_args()
    t0 = time.perf_counter()
    ex = BPTTExplorer()
    build = time.perf_counter() - t0
    ex.set(T=T_MAX)  # the longest sequences: the costliest recompute
    timings: list[float] = []
    renders: list[float] = []
    for _ in range(args.repeat):
        ex.timings.clear()
        ex.render_timings.clear()
        for values in SWEEP:
            ex.set(**values)
        timings += ex.timings
        renders += ex.render_timings
    med, p95 = stats(timings)
    r_med, r_p95 = stats(renders)
    print(
        "BPTT explorer callback latency (recompute + redraw + PNG), target median <= 50, p95 <= 100"
    )
    print(f"  build                 : {build * 1e3:6.1f} ms")
    print(f"  callback median       : {med:6.1f} ms")
    print(f"  callback p95          : {p95:6.1f} ms   (n={len(timings)})")
    print(f"  of which redraw + PNG : median {r_med:6.1f} ms, p95 {r_p95:6.1f} ms")
    ok = "yes" if med <= 50 and p95 <= 100 else "NO"
    print(f"  within target         : {ok}")


if __name__ == "__main__":
    main()
