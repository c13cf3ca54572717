"""Grade one fabricated class five ways and print the times.

    python benchmarks/bench_grading.py [--students 24] [--workers 2] [--repeats 3]

The class (half correct, half wrong answers) uses the small fixture assignment of the grading
tests. Every run goes through the command line, as an instructor would type it, on the same
course folder and the same grading policy (hidden tests judged outside the kernel):

1. ``nbgrader autograde ex01 --force``: nbgrader's own loop, one student after the other;
2. ``bpkit grade ex01 --workers N``: one process per student, N at a time, each kernel sandboxed;
3. ``bpkit grade ex01 --workers 1 --no-sandbox`` and 4. ``bpkit grade ex01 --workers 1``: the
   per-student cost of the sandbox, one student at a time so nothing else competes;
5. N ``nbgrader autograde`` processes at once, each on its own copy of the course holding 1/N
   of the class: what splitting nbgrader's own pipeline over the cores gives with nothing shared,
   no sandbox and no coordination. Run 2 is read against it: when the machine is busy, both fall
   together.

Goals: run 2 at least 1.8 times faster than run 1 on 2 cores; the sandbox adds at most 15 % per
student (run 4 against run 3). Wall times on a shared 2-core machine swing by 20 % or more from
one run to the next, so the five runs are repeated in rounds, interleaved, and the medians are
printed along with every round's ratio.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _fabricate_module():
    path = REPO / "tests" / "grading" / "fabricate_class.py"
    spec = importlib.util.spec_from_file_location("fabricate_class", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_class(root: Path, students: int):
    fab = _fabricate_module()
    fab.build_course(root)
    for i in range(students):
        answers = fab.CORRECT if i % 2 == 0 else fab.WRONG
        fab.submit(root, f"student{i:03d}", fab.filled(root, answers))
    return fab


def timed(cmd: list[str], cwd: Path) -> float:
    """Run ``cmd``; return its wall seconds."""
    return timed_cpu(cmd, cwd)[0]


def timed_cpu(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, CPU seconds of it and the processes it waited for).

    A sandboxed kernel's CPU time is not among them (the sandbox's own PID namespace reaps it),
    so take CPU figures from ``--no-sandbox`` runs.
    """
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(REPO),  # the grader-only package bpkit_grader, as in the repository
    )
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, start = usage.ru_utime + usage.ru_stime, time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return seconds, cpu


def scores(root: Path, assignment: str) -> list[float]:
    from bpkit.grading.course import Course

    with Course(root).gradebook() as gb:
        return sorted(s.score for s in gb.assignment_submissions(assignment))


def split_class(root: Path, parts: int) -> list[Path]:
    """Copies of the course in ``root``, each holding every ``parts``-th submission."""
    copies = []
    for k in range(parts):
        copy = root.parent / f"part{k}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(root, copy)
        for i, student in enumerate(sorted((copy / "submitted").iterdir())):
            if i % parts != k:
                shutil.rmtree(student)
        copies.append(copy)
    return copies


def at_once(copies: list[Path], cmd: list[str]) -> float:
    """Run ``cmd`` in every copy at the same time; wall seconds until the last one ends."""
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(REPO),
    )
    start = time.perf_counter()
    runs = [
        subprocess.Popen(cmd, cwd=c, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for c in copies
    ]
    for run in runs:
        _, err = run.communicate()
        if run.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{err.decode()[-2000:]}")
    return time.perf_counter() - start


def grade_five_ways(root: Path, fab, workers: int, copies: list[Path]) -> dict[str, float]:
    """One round of the five runs on the class in ``root``; wall seconds of each."""
    bindir = Path(sys.executable).parent
    times, graded = {}, {}
    times["serial"] = timed(
        [str(bindir / "nbgrader"), "autograde", fab.ASSIGNMENT, "--force"], root
    )
    graded["serial"] = scores(root, fab.ASSIGNMENT)
    runs = {
        "parallel": ["--workers", str(workers)],
        "bare": ["--workers", "1", "--no-sandbox"],
        "boxed": ["--workers", "1"],
    }
    for name, flags in runs.items():
        shutil.rmtree(root / "autograded")
        times[name] = timed(
            [str(bindir / "bpkit"), "grade", fab.ASSIGNMENT, *flags, "--quiet"], root
        )
        graded[name] = scores(root, fab.ASSIGNMENT)
    if len({tuple(v) for v in graded.values()}) != 1:
        sys.exit(f"the runs disagree on the scores: {graded}")
    for copy in copies:
        shutil.rmtree(copy / "autograded", ignore_errors=True)
    nbgrader = [str(bindir / "nbgrader"), "autograde", fab.ASSIGNMENT, "--force"]
    times["halves"] = at_once(copies, nbgrader)
    halves = sorted(x for copy in copies for x in scores(copy, fab.ASSIGNMENT))
    if halves != graded["serial"]:
        sys.exit(f"the halves disagree with the serial run: {halves}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--repeats", type=int, default=3,
        help="rounds of the five runs, interleaved; medians are printed (default 3)",
    )  # fmt: skip
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rounds = []
    with tempfile.TemporaryDirectory(prefix="bpkit-bench-grading-") as tmp:
        root = Path(tmp) / "course"
        fab = build_class(root, args.students)
        copies = split_class(root, args.workers)
        for _ in range(args.repeats):
            rounds.append(grade_five_ways(root, fab, args.workers, copies))
    n = args.students

    def median(values: list[float]) -> float:
        return statistics.median(values)

    wall = {name: median([r[name] for r in rounds]) for name in rounds[0]}
    speedups = [r["serial"] / r["parallel"] for r in rounds]
    ceilings = [r["serial"] / r["halves"] for r in rounds]
    overheads = [100 * (r["boxed"] / r["bare"] - 1) for r in rounds]
    print(f"class: {n} submissions of the fixture assignment, {os.cpu_count()} CPUs")
    print(f"load average before the runs: {load:.1f} (figures are only meaningful near 0)")
    print(f"{args.repeats} rounds, the five runs interleaved; medians over the rounds:")
    print(
        f"nbgrader autograde (serial):   {wall['serial']:7.1f} s wall  "
        f"({wall['serial'] / n:.2f} s per student)"
    )
    print(
        f"bpkit grade --workers {args.workers}:      {wall['parallel']:7.1f} s wall  "
        f"({wall['parallel'] / n:.2f} s per student)"
    )
    each = ", ".join(f"{x:.2f}" for x in speedups)
    print(f"speed-up: {median(speedups):.2f}x  (goal >= 1.8x on 2 cores; rounds: {each})")
    each = ", ".join(f"{x:.2f}" for x in ceilings)
    print(
        f"{args.workers} nbgrader runs at once on 1/{args.workers} of the class each: "
        f"{median(ceilings):.2f}x  (nbgrader itself split, nothing shared; rounds: {each})"
    )
    print(
        f"one at a time, unsandboxed: {wall['bare'] / n:.2f} s per student; "
        f"sandboxed: {wall['boxed'] / n:.2f} s"
    )
    each = ", ".join(f"{x:+.1f}" for x in overheads)
    print(f"sandbox overhead: {median(overheads):+.1f}% per student  (goal <= 15%; rounds: {each})")


if __name__ == "__main__":
    main()
