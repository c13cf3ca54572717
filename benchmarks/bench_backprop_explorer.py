"""Speed of the backprop explorer's phase steps and of the playground's frames (issue 14).

Run: python benchmarks/bench_backprop_explorer.py [--repeat N] [--frames N]

* A phase step is one click on ◀ / ▶ (or a move of the phase slider or the example): the
  diagram's numbers, edges and the equation are set, the changing artists are redrawn over the
  cached background and the PNG is encoded; a phase already seen reuses its PNG. The walk goes
  forward and back through every example's step, as a student would. Goal: p95 <= 50 ms.
  First visits (always drawn) are printed separately.
* A playground frame is one epoch of mini-batch SGD on 200 examples, the loss on the training
  and test sets, the maps of every neuron on a 32 x 32 grid, and the redraw + PNG. Goal: >= 15
  frames per second, measured back to back (the explorer itself caps play at 20 frames/s).

Wall-clock figures are the goals; the CPU time of the thread is printed too, because on a shared
2-core machine other processes inflate wall time.
"""

from __future__ import annotations

import argparse
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bpkit.model import mlp  # noqa: E402
from bpkit.widgets.backprop import BackpropExplorer, xor_net  # noqa: E402
from bpkit.widgets.playground import PlaygroundExplorer  # noqa: E402

PLAYGROUNDS = {
    "xor, 4-4 tanh, batch 10": {},
    "spirals, 8-8-8 relu, batch 1": {"dataset": "spirals", "hidden": "8, 8, 8",
                                     "activation": "relu", "batch_size": 1, "eta": 0.01},
}  # fmt: skip


def backprop_explorers() -> dict[str, BackpropExplorer]:
    model, X, y = xor_net()
    g = np.random.default_rng(0)
    big = mlp([2, 8, 8, 8, 2], activation="tanh", seed=0)
    return {
        "XOR net of notebook 02, 1 example": BackpropExplorer(model, X[:1], y[:1], mode="png"),
        "XOR net, batch of 4": BackpropExplorer(model, X, y, mode="png"),
        "2-8-8-8-2 tanh, softmax, batch of 4": BackpropExplorer(
            big, g.normal(size=(4, 2)), np.array([0, 1, 1, 0]), loss="softmax_ce", mode="png"
        ),
    }


def bench_phases(repeat: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Walk every example's step forward and back, ``repeat`` times with other equations shown.

    Returns {"first": (wall ms, CPU ms), "all": (wall ms, CPU ms)}: the first visits of each
    (phase, example), whose picture is drawn, and every step (a phase seen before is kept).
    """
    walls: dict[str, list] = {"first": [], "all": []}
    cpus: dict[str, list] = {"first": [], "all": []}
    for name, ex in backprop_explorers().items():
        last = len(ex.phases) - 1
        seen, wall, cpu, first = {(0, 1)}, [], [], []
        for r in range(repeat):
            ex.set(show=ex.controls["show"].options[r % 4][1])
            for example in range(1, ex.trace.n + 1):
                moves = [("example", example)] + [("step", +1)] * last + [("step", -1)] * last
                for what, v in moves:
                    n = len(ex.timings)
                    t0 = time.thread_time()
                    if what == "example":
                        ex.controls["example"].value = v
                    else:
                        ex.step(v)
                    if len(ex.timings) == n:  # nothing moved (the example was already shown)
                        continue
                    cpu.append((time.thread_time() - t0) * 1e3)
                    wall.append(ex.timings[-1] * 1e3)
                    key = (ex.state["step"], example)
                    first.append(key not in seen)
                    seen.add(key)
        wall_a, cpu_a, first_a = np.array(wall), np.array(cpu), np.array(first)
        for k, mask in (("first", first_a), ("all", np.ones_like(first_a))):
            walls[k].append(wall_a[mask])
            cpus[k].append(cpu_a[mask])
        print(f"  {name:38s} first visits: median {np.median(wall_a[first_a]):5.1f} ms  "
              f"p95 {np.percentile(wall_a[first_a], 95):5.1f} ms   every step: median "
              f"{np.median(wall_a):5.1f} ms  p95 {np.percentile(wall_a, 95):5.1f} ms   "
              f"n={wall_a.size}")  # fmt: skip
        ex.close()
    return {k: (np.concatenate(walls[k]), np.concatenate(cpus[k])) for k in walls}


def bench_playground(frames: int) -> tuple[float, float]:
    worst, worst_cpu = np.inf, np.inf
    for name, values in PLAYGROUNDS.items():
        pg = PlaygroundExplorer(mode="png", **values)
        pg.frame()  # warm-up
        t0, c0 = time.perf_counter(), time.thread_time()
        for _ in range(frames):
            pg.frame()
        fps = frames / (time.perf_counter() - t0)
        worst = min(worst, fps)
        worst_cpu = min(worst_cpu, frames / (time.thread_time() - c0))
        print(f"  {name:40s} {fps:5.1f} frames/s   loss {pg.state['train_loss'][0]:.3f} -> "
              f"{pg.state['train_loss'][-1]:.3f}")  # fmt: skip
        pg.close()
    return worst, worst_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=4, help="passes through the phases")
    parser.add_argument("--frames", type=int, default=60, help="playground frames per setting")
    args = parser.parse_args()
    with threadpool_limits(1, user_api="blas"):
        print("BackpropExplorer, one phase step (recompute + redraw + PNG):")
        res = bench_phases(args.repeat)
        ms, cpu = res["all"]
        first, first_cpu = res["first"]
        print(f"phase step: median {np.median(ms):.1f} ms   p95 {np.percentile(ms, 95):.1f} ms"
              f"   (goal: p95 <= 50 ms)")  # fmt: skip
        print(f"  first visits only (drawn, not kept): median {np.median(first):.1f} ms   "
              f"p95 {np.percentile(first, 95):.1f} ms")  # fmt: skip
        print(f"  CPU time of the kernel thread (less sensitive to other load): every step "
              f"p95 {np.percentile(cpu, 95):.1f} ms, first visits p95 "
              f"{np.percentile(first_cpu, 95):.1f} ms")  # fmt: skip
        print("PlaygroundExplorer, one frame (an epoch of updates + redraw + PNG):")
        fps, fps_cpu = bench_playground(args.frames)
        print(f"playground: {fps:.1f} frames/s at the slowest setting   (goal: >= 15 frames/s)")
        print(f"  the same from CPU time of the kernel thread: {fps_cpu:.1f} frames/s")


if __name__ == "__main__":
    main()
