"""The benchmark scripts run and print every figure their goals name (a smoke test: no timing is
asserted here; ``make bench`` is where the figures are read)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
NUMBER = r"\d+(\.\d+)?"


def run(script: str, *args: str, timeout: int = 240) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def assert_lines(out: str, patterns: list[str]) -> None:
    for pattern in patterns:
        assert re.search(pattern, out), f"no line matching {pattern!r} in:\n{out}"


def test_bench_core_prints_steps_flop_fraction_and_floors():
    out = run("bench_core.py", "--seconds", "0.05")
    assert_lines(
        out,
        [
            r"FLOPs per training step \(matmuls only\): 128\.9 MFLOP",
            rf"float32 square matmul GFLOP/s \(n=512: {NUMBER}, n=1024: {NUMBER}, n=2048",
            rf"bpkit training steps/s: +{NUMBER}",
            rf"= +{NUMBER}% of the matmul peak \(goal >= 75%\)",
            rf"bare numpy step \(no library\): +{NUMBER} steps/s",
            rf"(bpkit / PyTorch speed ratio: +{NUMBER}x \(goal >= 1\.3x\)|PyTorch: not installed)",
            rf"bpkit through fit\(\): +{NUMBER} steps/s",
        ],
    )


def test_bench_gradcheck_prints_directional_and_full_times():
    out = run("bench_gradcheck.py")
    assert_lines(
        out,
        [
            r"101770 parameters, batch 64",
            rf"directional check: +{NUMBER} ms wall.*\(goal <= 20 ms\)",
            rf"full check: +{NUMBER} s",
        ],
    )


def test_bench_explorers_prints_median_and_p95_for_each_explorer():
    out = run("bench_explorers.py", "--repeat", "1")
    for name in ("LearningRate", "Init", "BatchSize", "Regularization"):
        assert_lines(out, [rf"{name}Explorer +{NUMBER} +{NUMBER} +(yes|NO)"])


def test_bench_optimizers_explorer_prints_median_and_p95():
    out = run("bench_optimizers_explorer.py", "--repeat", "1")
    assert_lines(out, [rf"OptimizersExplorer: median +{NUMBER} ms +p95 +{NUMBER} ms"])


def test_bench_bptt_explorer_prints_median_and_p95():
    out = run("bench_bptt_explorer.py", "--repeat", "1")
    assert_lines(out, [rf"callback median +: +{NUMBER} ms", rf"callback p95 +: +{NUMBER} ms"])


@pytest.mark.slow
def test_bench_notebooks_times_a_notebook_headless_and_graded():
    out = run("bench_notebooks.py", "00_welcome")
    assert_lines(out, [rf"00_welcome +{NUMBER} +{NUMBER} +{NUMBER} +5 +1 +11 +ok"])


@pytest.mark.slow
def test_bench_grading_compares_bpkit_grade_with_serial_nbgrader():
    out = run("bench_grading.py", "--students", "2", "--repeats", "1")
    assert_lines(
        out,
        [
            rf"nbgrader autograde \(serial\): +{NUMBER} s wall",
            rf"bpkit grade --workers 2: +{NUMBER} s wall",
            rf"speed-up: {NUMBER}x",
            rf"2 nbgrader runs at once on 1/2 of the class each: {NUMBER}x",
            rf"sandbox overhead: [+-]{NUMBER}% per student",
        ],
    )


def test_bench_backprop_explorer_prints_phase_step_and_playground_frame_rate():
    out = run("bench_backprop_explorer.py", "--repeat", "1", "--frames", "3")
    assert_lines(
        out,
        [
            rf"phase step: median {NUMBER} ms +p95 {NUMBER} ms +\(goal: p95 <= 50 ms\)",
            rf"playground: {NUMBER} frames/s .*\(goal: >= 15 frames/s\)",
        ],
    )


@pytest.mark.slow
def test_bench_cluster_compares_the_engine_with_local_workers_and_projects_a_mooc():
    out = run("bench_cluster.py", "--students", "2")
    if "benchmark skipped" in out:
        pytest.skip("redis-server not installed")
    assert_lines(
        out,
        [
            rf"bpkit grade --workers 2: +{NUMBER} s wall",
            rf"bpkit grade --cluster \(1 worker x 2\): +{NUMBER} s wall",
            rf"engine overhead: [+-]{NUMBER}% wall +\(goal <= 10%\)",
            rf"CPU per notebook \(local run, kernels included\): {NUMBER} s",
            rf"coordinator CPU per result \(gradebook written, SQLite\): {NUMBER} s",
            *[
                rf"(?m)^ +{m} +{NUMBER} +{NUMBER} +{NUMBER} +{NUMBER} +(machines|coordinator)$"
                for m in (1, 10, 100)
            ],
        ],
    )
