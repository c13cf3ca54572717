"""Grade one class through the cluster engine and with local workers; project a MOOC.

    python benchmarks/bench_cluster.py [--students 24] [--workers 2]

The class (half correct, half wrong) uses the small fixture assignment of the grading tests, as
``bench_grading.py`` does. Both runs go through the command line on the same course folder:

1. ``bpkit grade ex01 --workers N``: local, one process per student, N at a time;
2. ``bpkit grade ex01 --cluster URL --force`` with one ``bpkit worker --workers N`` on this
   machine, a Redis on loopback as broker (the worker is started beforehand, as it would be on a
   grading machine, and is not timed).

Goal: the engine adds at most 10 % wall time. From the measured CPU seconds per notebook (run 1)
and per result written by the coordinator (run 2), a table projects 20,000 learners x 10
notebooks on 1, 10 and 100 machines of 16 cores, and says where the single coordinator, which
writes the gradebook, becomes the bottleneck.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grading import build_class, scores, timed, timed_cpu  # noqa: E402

NOTEBOOKS = 20_000 * 10
CORES = 16
ISSUE_CPU = 2.5  # the estimate for a real course notebook that the projection uses (CPU s)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    sys.exit("redis-server did not start")


def start_worker(root: Path, url: str, workers: int, log: Path) -> subprocess.Popen:
    bpkit = str(Path(sys.executable).with_name("bpkit"))
    handle = open(log, "w")  # noqa: SIM115 (kept open for the worker's lifetime)
    proc = subprocess.Popen(
        [bpkit, "worker", "--cluster", url, "--root", str(root), "--workers", str(workers),
         "--hostname", "bench"],
        stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while "bench ready." not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"bpkit worker did not start:\n{log.read_text()}")
        time.sleep(0.1)
    return proc


def projection(cpu: float, coordinator: float) -> list[str]:
    """Rows: machines, grading-bound hours, coordinator-bound hours, expected hours, bound."""
    rows = []
    for machines in (1, 10, 100):
        grading = NOTEBOOKS * cpu / (machines * CORES)
        writing = NOTEBOOKS * coordinator
        wall = max(grading, writing)
        bound = "machines" if grading >= writing else "coordinator"
        rows.append(
            f"  {machines:>8}  {cpu:>9.2f}  {grading / 3600:>12.2f}  {writing / 3600:>14.2f}  "
            f"{wall / 3600:>12.2f}  {bound}"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        print("redis-server not installed (apt-get install redis-server): benchmark skipped")
        return
    bindir = Path(sys.executable).parent
    n = args.students
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bpkit-bench-cluster-") as tmp:
        root = Path(tmp) / "course"
        fab = build_class(root, n)
        grade = [str(bindir / "bpkit"), "grade", fab.ASSIGNMENT, "--quiet"]
        # CPU per notebook, kernels included: unsandboxed, where every process is waited for
        _, local_cpu = timed_cpu([*grade, "--workers", "1", "--no-sandbox"], root)
        local = timed([*grade, "--workers", str(args.workers)], root)
        local_scores = scores(root, fab.ASSIGNMENT)
        redis, url = start_redis()
        worker = start_worker(root, url, args.workers, Path(tmp) / "worker.log")
        try:
            engine, coordinator_cpu = timed_cpu([*grade, "--cluster", url, "--force"], root)
            # the same command with every student graded already: start-up cost only
            _, fixed_cpu = timed_cpu([*grade, "--cluster", url], root)
        finally:
            os.killpg(worker.pid, 9)
            worker.wait()
            redis.kill()
            redis.wait()
        engine_scores = scores(root, fab.ASSIGNMENT)
    if local_scores != engine_scores:
        sys.exit(f"the runs disagree on the scores: {local_scores} vs {engine_scores}")
    cpu, coordinator = local_cpu / n, max(coordinator_cpu - fixed_cpu, 0.001) / n
    print(f"class: {n} submissions of the fixture assignment, {os.cpu_count()} CPUs")
    print(f"bpkit grade --workers {args.workers}:            {local:7.1f} s wall")
    print(f"bpkit grade --cluster (1 worker x {args.workers}):  {engine:7.1f} s wall")
    print(f"engine overhead: {100 * (engine / local - 1):+.1f}% wall  (goal <= 10%)")
    print(f"CPU per notebook (local run, kernels included): {cpu:.2f} s")
    print(f"load average before the runs: {load:.1f} (figures are only meaningful near 0)")
    print(f"coordinator CPU per result (gradebook written, SQLite): {coordinator:.3f} s")
    print(f"  (its start-up, {fixed_cpu:.1f} s CPU once per run, left out)")
    print(f"  -> one coordinator records at most {1 / coordinator:.1f} notebooks/s")
    header = "  machines  CPU s/nb  grading (h)  coordinator (h)  expected (h)  bound by"
    for label, per in (
        ("measured fixture notebook", cpu),
        ("a real notebook, 2.5 CPU s", ISSUE_CPU),
    ):
        print(f"\n20,000 x 10 notebooks on {CORES}-core machines, {label}:")
        print(header)
        for row in projection(per, coordinator):
            print(row)
    crossover = ISSUE_CPU / (CORES * coordinator)
    print(
        f"\nat {ISSUE_CPU} CPU s per notebook one coordinator keeps up with about "
        f"{crossover:.1f} machines of {CORES} cores; beyond, run one coordinator per assignment "
        f"on a shared PostgreSQL gradebook (--db-url): 10 of them record 20,000 x 10 in "
        f"{NOTEBOOKS * coordinator / 10 / 3600:.2f} h, so 10 machines then take "
        f"{max(NOTEBOOKS * ISSUE_CPU / (10 * CORES), NOTEBOOKS * coordinator / 10) / 3600:.2f} h"
    )


if __name__ == "__main__":
    main()
