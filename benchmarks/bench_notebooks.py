"""Time each solution notebook: headless (demos included) and as nbgrader runs it (autograde).

    python benchmarks/bench_notebooks.py [NN_topic ...] [--repeat K]

Each run starts a fresh kernel (its start-up is included, as it is for a student or the grader)
and executes every cell. The goal is at most 15 s per notebook on 2 cores. Also printed: the
graded exercises (autograded test cells) and points of each notebook.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 15.0
NAME = re.compile(r"^\d\d_[A-Za-z0-9_]+$")


def notebooks(names: list[str]) -> list[Path]:
    found = sorted(
        d / f"{d.name}.ipynb"
        for d in (ROOT / "solutions").iterdir()
        if d.is_dir() and NAME.match(d.name) and (d / f"{d.name}.ipynb").is_file()
    )
    return [p for p in found if not names or p.parent.name in names]


def kernel_env(mode: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("MPLBACKEND", None)
    env.pop("NBGRADER_EXECUTION", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    if mode:
        env["NBGRADER_EXECUTION"] = mode
    return env


def run_once(path: Path, mode: str | None) -> tuple[float, int]:
    """Seconds to execute the notebook in a fresh kernel, and the number of cells that raised."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute(env=kernel_env(mode))
    seconds = time.perf_counter() - start
    failed = sum(
        any(o.output_type == "error" for o in c.get("outputs", []))
        for c in nb.cells
        if c.cell_type == "code"
    )
    return seconds, failed


def kernel_start_seconds() -> float:
    """The fixed cost inside every figure: start a kernel and run one empty cell."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    client = NotebookClient(nb, timeout=60, kernel_name="python3")
    start = time.perf_counter()
    client.execute(env=kernel_env(None))
    return time.perf_counter() - start


def grading_counts(path: Path) -> tuple[int, int, float]:
    """(autograded test cells, manually graded cells, total points)."""
    auto = manual = 0
    points = 0.0
    for cell in nbformat.read(path, as_version=4).cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade"):
            continue
        points += float(meta.get("points", 0))
        if meta.get("solution"):
            manual += 1
        elif cell.cell_type == "code":
            auto += 1
    return auto, manual, points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks to time (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per mode; the median is shown")
    args = parser.parse_args(argv)
    paths = notebooks(args.names)
    if not paths:
        print("no solution notebooks found")
        return 1
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; goal <= {GOAL_S:.0f} s")
    print(
        f"kernel start + one empty cell (included in every figure): {kernel_start_seconds():.1f} s"
    )
    header = f"{'notebook':40s} {'headless s':>10s} {'autograde s':>11s} {'ratio':>6s} "
    print(header + f"{'auto':>5s} {'manual':>6s} {'points':>6s}  status")
    totals = [0.0, 0.0, 0, 0, 0.0]
    for path in paths:
        runs = {
            mode: [run_once(path, mode) for _ in range(args.repeat)] for mode in (None, "autograde")
        }
        head = statistics.median(s for s, _ in runs[None])
        auto_s = statistics.median(s for s, _ in runs["autograde"])
        errors = max(f for rs in runs.values() for _, f in rs)
        auto, manual, points = grading_counts(path)
        status = "ok" if max(head, auto_s) <= GOAL_S else "OVER GOAL"
        if errors:
            status += f", {errors} cells raised"
        print(
            f"{path.parent.name:40s} {head:10.1f} {auto_s:11.1f} {head / auto_s:6.2f} "
            f"{auto:5d} {manual:6d} {points:6.0f}  {status}"
        )
        for i, value in enumerate((head, auto_s, auto, manual, points)):
            totals[i] += value
        sys.stdout.flush()
    print(
        f"{'total':40s} {totals[0]:10.1f} {totals[1]:11.1f} {'':6s} "
        f"{totals[2]:5d} {totals[3]:6d} {totals[4]:6.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
