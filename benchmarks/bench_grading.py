"""Grade one fabricated class four ways and print the times.

    python benchmarks/bench_grading.py [--students 24] [--workers 2]

The class (half correct, half wrong answers) uses the small fixture assignment of the grading
tests. Every run goes through the command line, as an instructor would type it, on the same
course folder and the same grading policy (hidden tests judged outside the kernel):

1. ``nbgrader autograde ex01 --force``: nbgrader's own loop, one student after the other;
2. ``bpkit grade ex01 --workers N``: one process per student, N at a time, each kernel sandboxed;
3. ``bpkit grade ex01 --workers 1 --no-sandbox`` and 4. ``bpkit grade ex01 --workers 1``: the
   per-student cost of the sandbox, one student at a time so nothing else competes.

Goals: run 2 at least 1.8 times faster than run 1 on 2 cores; the sandbox adds at most 15 % per
student (run 4 against run 3).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import shutil
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, CPU seconds of it and all the processes it waited for)."""
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        PYTHONPATH=str(REPO),  # the grader-only package bpkit_grader, as in the repository
    )
    cpu, start = _children_cpu(), time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return seconds, cpu


def scores(root: Path, assignment: str) -> list[float]:
    from bpkit.grading.course import Course

    with Course(root).gradebook() as gb:
        return sorted(s.score for s in gb.assignment_submissions(assignment))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bpkit-bench-grading-") as tmp:
        root = Path(tmp) / "course"
        fab = build_class(root, args.students)
        serial, serial_cpu = timed(
            [str(bindir / "nbgrader"), "autograde", fab.ASSIGNMENT, "--force"], root
        )
        serial_scores = scores(root, fab.ASSIGNMENT)
        shutil.rmtree(root / "autograded")
        parallel, parallel_cpu = timed(
            [str(bindir / "bpkit"), "grade", fab.ASSIGNMENT, "--workers", str(args.workers),
             "--quiet"],
            root,
        )  # fmt: skip
        parallel_scores = scores(root, fab.ASSIGNMENT)
        one = [str(bindir / "bpkit"), "grade", fab.ASSIGNMENT, "--workers", "1", "--quiet"]
        shutil.rmtree(root / "autograded")
        bare, _ = timed([*one, "--no-sandbox"], root)
        shutil.rmtree(root / "autograded")
        boxed, _ = timed(one, root)
        boxed_scores = scores(root, fab.ASSIGNMENT)
    if not serial_scores == parallel_scores == boxed_scores:
        sys.exit(f"the runs disagree on the scores: {serial_scores} vs {parallel_scores}")
    n = args.students
    print(f"class: {n} submissions of the fixture assignment, {os.cpu_count()} CPUs")
    print(f"load average before the runs: {load:.1f} (figures are only meaningful near 0)")
    print(
        f"nbgrader autograde (serial):   {serial:7.1f} s wall  ({serial / n:.2f} s per student)"
        f"  {serial_cpu:6.1f} s CPU"
    )
    print(
        f"bpkit grade --workers {args.workers}:      {parallel:7.1f} s wall  "
        f"({parallel / n:.2f} s per student)  {parallel_cpu:6.1f} s CPU"
    )
    print(f"speed-up: {serial / parallel:.2f}x  (goal >= 1.8x on 2 cores)")
    print(f"CPU used by bpkit relative to serial nbgrader: {parallel_cpu / serial_cpu:.2f}")
    print(f"one at a time, unsandboxed: {bare / n:.2f} s per student; sandboxed: {boxed / n:.2f} s")
    print(f"sandbox overhead: {100 * (boxed / bare - 1):+.1f}% per student  (goal <= 15%)")


if __name__ == "__main__":
    main()
