"""``bpkit grade``: autograde a whole class in parallel, one OS process per student.

The parent process never runs student code. It sanitizes every submission, starts up to
``workers`` processes of :mod:`bpkit.grading.worker` at a time, watches them, and turns every
outcome, including a worker that was killed or never wrote a verdict, into a status row. Every
student in ``submitted/`` or in the gradebook ends up with exactly one row.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bpkit.grading import sanitize as sz
from bpkit.grading import worker
from bpkit.grading.course import Course
from bpkit.grading.integrity import Watch
from bpkit.grading.progress import Progress
from bpkit.grading.status import (
    FAILED,
    GRADED,
    INVALID,
    MISSING,
    TAMPERED,
    TIMED_OUT,
    StudentStatus,
    save,
)

#: Default per-process address-space cap in MiB (the kernel inherits it).
DEFAULT_MEMORY_MB = 4096
#: Seconds added to (cells x timeout) before a whole student is stopped.
DEADLINE_SLACK = 120


@dataclass
class Job:
    student: str
    prep: sz.Sanitized
    proc: multiprocessing.Process | None = None
    started: float = 0.0
    deadline: float = 0.0
    result_path: Path | None = None
    log_path: Path | None = None
    extra: dict = field(default_factory=dict)


def submitted_students(course: Course, assignment: str) -> list[str]:
    """Students with a folder ``submitted/<student>/<assignment>``."""
    if not course.submitted_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in course.submitted_dir.iterdir()
        if p.is_dir() and (p / assignment).is_dir() and not p.name.startswith(".")
    )


def gradebook_students(course: Course) -> list[str]:
    with course.gradebook() as gb:
        return sorted(s.id for s in gb.students)


def _descendants(pid: int) -> list[int]:
    """Process ids below ``pid`` (Linux /proc; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(proc: multiprocessing.Process) -> None:
    """Kill a worker and everything it started (its kernel runs in its own session)."""
    for pid in [*_descendants(proc.pid), proc.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    proc.join()


def package_dirs(course: Course) -> dict[str, list[Path]]:
    """The folders of the course's grader-only and checks packages, by their configured names."""
    import importlib.util

    judging = course._config.JudgeHidden
    found: dict[str, list[Path]] = {}
    for package in (
        judging.get("grader_package", "bpkit_grader"),
        judging.get("checks_package"),
    ):
        try:
            spec = importlib.util.find_spec(package) if package else None
        except (ImportError, ValueError):
            spec = None
        if package and spec is not None and spec.submodule_search_locations:
            found[package] = [Path(p) for p in spec.submodule_search_locations]
    return found


def watched_paths(course: Course) -> list[Path]:
    """What no student may change: the library, the grader-only package, the checks, the
    sources, the release, the submissions and the course config."""
    import bpkit

    paths = [
        Path(bpkit.__file__).parent,
        course.source_dir,
        course.release_dir,
        course.submitted_dir,
        course.root / "nbgrader_config.py",
    ]
    for folders in package_dirs(course).values():
        paths += folders
    return sorted({p.resolve() for p in paths if p.exists()})


def student_args(
    root: Path, db_url: str, assignment: str, student: str, *, timeout: int, memory_mb: int,
    result: Path, sandbox: bool, slot: int, scratch_root: str,
) -> argparse.Namespace:  # fmt: skip
    """The arguments of one per-student grading process (:func:`bpkit.grading.worker.run`); its
    old verdict and scratch folder are removed."""
    for path in (result, result.with_suffix(".cell")):
        path.unlink(missing_ok=True)
    shutil.rmtree(scratch_root, ignore_errors=True)
    return argparse.Namespace(
        root=str(root), db_url=db_url, assignment=assignment, student=student, timeout=timeout,
        memory_mb=memory_mb, retries=4, result=str(result), sandbox=sandbox, slot=slot,
        scratch_root=scratch_root,
    )  # fmt: skip


def start_student(args: argparse.Namespace, log_path: Path) -> multiprocessing.Process:
    """Fork the grading process of one student; its output goes to ``log_path``."""
    context = multiprocessing.get_context("fork")
    proc = context.Process(target=worker.child_main, args=(args, str(log_path)))
    proc.start()
    return proc


def process_verdict(
    proc: multiprocessing.Process, result_path: Path, log_path: Path | str, limit: float,
    *, killed_for_time: bool = False,
) -> dict:  # fmt: skip
    """The verdict a finished grading process left, or one that says how it ended."""
    verdict = {}
    if result_path.exists():
        try:
            verdict = json.loads(result_path.read_text())
        except ValueError:
            verdict = {}
    cell_file = result_path.with_suffix(".cell")
    where = cell_file.read_text() if cell_file.exists() else "unknown cell"
    if killed_for_time:
        verdict = {
            "status": FAILED,
            "reason": f"stopped after {limit} s for the whole notebook (last cell: {where})",
        }
    elif not verdict:
        code = proc.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        verdict = {
            "status": FAILED,
            "reason": f"the grading process died ({how}) during {where}; see {log_path}",
        }
    return verdict


class ClassGrader:
    """Grades every submission of one assignment; see :func:`grade_class`."""

    def __init__(
        self,
        course: Course,
        assignment: str,
        *,
        workers: int,
        timeout: int,
        memory_mb: int = DEFAULT_MEMORY_MB,
        progress: Progress | None = None,
        slack: float = DEADLINE_SLACK,
        sandbox: bool = True,
    ) -> None:
        self.course, self.assignment, self.slack = course, assignment, slack
        self.sandbox = sandbox
        self.workers, self.timeout, self.memory_mb = max(1, workers), timeout, memory_mb
        self.progress = progress or Progress(0, enabled=False)
        self.work_dir = course.root / ".bpkit" / "grading" / assignment
        self.work_dir.mkdir(parents=True, exist_ok=True)

    # -- preparation -----------------------------------------------------------------------
    def prepare(self, students: list[str]) -> list[sz.Sanitized]:
        specs = sz.notebook_specs(self.course.source_dir / self.assignment)
        self.n_cells = sum(len(s.grade_ids) for s in specs) + 2
        prepared = []
        for student in students:
            source = self.course.submitted_dir / student / self.assignment
            output = self.course.sanitized_dir / student / self.assignment
            prepared.append(sz.sanitize(source, output, student, specs))
        with self.course.gradebook() as gb:  # create students up front, not in parallel
            for prep in prepared:
                gb.update_or_create_student(prep.student)
        return prepared

    @staticmethod
    def scratch_root(slot: int) -> str:
        """Where a worker's sandboxes keep their scratch folders (short: ipc socket paths)."""
        return os.path.join(tempfile.gettempdir(), f"bpkit-sb-{os.getpid()}-{slot}")

    def watched(self) -> list[Path]:
        """What no student may change (see :func:`watched_paths`)."""
        return watched_paths(self.course)

    # -- processes -------------------------------------------------------------------------
    def start(self, job: Job, slot: int = 0) -> None:
        job.result_path = self.work_dir / f"{job.student}.json"
        job.log_path = self.work_dir / f"{job.student}.log"
        args = student_args(
            self.course.root, str(self.course.db_url), self.assignment, job.student,
            timeout=self.timeout, memory_mb=self.memory_mb, result=job.result_path,
            sandbox=self.sandbox, slot=slot, scratch_root=self.scratch_root(slot),
        )  # fmt: skip
        job.proc = start_student(args, job.log_path)
        job.started = time.monotonic()
        job.deadline = job.started + self.timeout * self.n_cells + self.slack

    def finish(self, job: Job, killed_for_time: bool = False) -> StudentStatus:
        seconds = round(time.monotonic() - job.started, 1)
        assert job.proc is not None and job.result_path is not None and job.log_path is not None
        verdict = process_verdict(
            job.proc, job.result_path, job.log_path, round(job.deadline - job.started),
            killed_for_time=killed_for_time,
        )  # fmt: skip
        return self.status_of(job.prep, verdict, seconds)

    def status_of(self, prep: sz.Sanitized, verdict: dict, seconds: float | None) -> StudentStatus:
        findings = verdict.get("findings", {})
        status = verdict["status"]
        reasons = [verdict.get("reason", "")]
        if prep.status == INVALID and status == GRADED:
            status = INVALID
        reasons += prep.problems + prep.notes
        suspicion = list(prep.suspicion)
        suspicion += [f"at run time: {t}" for t in findings.get("tampering", [])]
        row = StudentStatus(
            self.assignment, prep.student, status, "; ".join(r for r in reasons if r),
            suspicion, seconds, sandboxed=self.sandbox if seconds is not None else None,
        )  # fmt: skip
        return row

    def run(self, students: list[str] | None = None) -> list[StudentStatus]:
        self.course.notebooks(self.assignment)  # a clear error for an unknown assignment
        self.check_ready()
        if self.course.ensure_in_gradebook(self.assignment):
            self.progress.message(f"registered '{self.assignment}' in the gradebook")
        worker.preload(self.course, self.assignment)
        whole_class = students is None
        if students is None:
            students = submitted_students(self.course, self.assignment)
        prepared = self.prepare(students)
        rows: list[StudentStatus] = []
        todo = []
        for prep in prepared:
            if prep.gradable:
                todo.append(Job(prep.student, prep))
            else:
                verdict = {"status": prep.status, "reason": ""}
                rows.append(self.status_of(prep, verdict, None))
        absent = []  # known to the gradebook, no folder: only a whole-class run says "missing"
        if whole_class:
            absent = sorted(set(gradebook_students(self.course)) - set(students))
        for student in absent:
            prep = sz.Sanitized(student, status=MISSING, problems=["no submission"])
            rows.append(self.status_of(prep, {"status": MISSING}, None))
        self.progress.total = len(rows) + len(todo)
        for row in rows:
            self.progress.done(row)
        save(self.course.db_url, self.course.course_id, rows)
        gc.collect()
        gc.freeze()  # forked workers then share the parent's objects instead of copying them
        try:
            rows.extend(self._run_jobs(todo))
        finally:
            gc.unfreeze()
        return sorted(rows, key=lambda r: r.student)

    def check_ready(self) -> None:
        """Refuse, naming the cause and the fix, rather than grade unconfined."""
        if self.sandbox:
            from bpkit.grading.sandbox import check_sandbox

            check_sandbox()

    def _run_jobs(self, todo: list[Job]) -> list[StudentStatus]:
        rows, running = [], []
        todo = list(todo)
        watch = Watch(self.watched())
        try:
            while todo or running:
                while todo and len(running) < self.workers:
                    job = todo.pop(0)
                    busy = {j.extra.get("slot") for j in running}
                    job.extra["slot"] = min(set(range(self.workers)) - busy)
                    self.start(job, job.extra["slot"])
                    running.append(job)
                time.sleep(0.05)
                for job in list(running):
                    overdue = time.monotonic() > job.deadline
                    alive = job.proc.is_alive()
                    if alive and not overdue:
                        continue
                    if alive:
                        kill_tree(job.proc)
                    else:
                        job.proc.join()
                    overdue = overdue and alive
                    running.remove(job)
                    shutil.rmtree(self.scratch_root(job.extra["slot"]), ignore_errors=True)
                    row = self.finish(job, killed_for_time=overdue)
                    self.check_integrity(watch, row, running)
                    save(self.course.db_url, self.course.course_id, [row])
                    rows.append(row)
                    self.progress.done(row)
        finally:
            for job in running:  # interrupted (Ctrl-C): leave no process behind
                kill_tree(job.proc)
        return rows

    @staticmethod
    def check_integrity(watch: Watch, row: StudentStatus, running: list[Job]) -> None:
        """Mark ``row`` tampered if any watched file changed while it was graded."""
        changed = watch.changes()
        if not changed:
            return
        shown = "; ".join(changed[:5]) + (
            f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        )
        others = ", ".join(j.student for j in running)
        also = f" (also being graded then: {others})" if others else ""
        row.status = TAMPERED
        row.reason = f"files outside its scratch folder changed: {shown}{also}"
        row.suspicion.append(row.reason)


def grade_class(
    course: Course,
    assignment: str,
    *,
    workers: int | None = None,
    timeout: int = 30,
    memory_mb: int = DEFAULT_MEMORY_MB,
    students: list[str] | None = None,
    progress: Progress | None = None,
    slack: float = DEADLINE_SLACK,
    sandbox: bool = True,
) -> list[StudentStatus]:
    """Autograde every submission of ``assignment``; one status row per student.

    workers: processes at a time (default: the number of CPUs); timeout: seconds per cell;
    memory_mb: address-space cap per student (0: none); students: only these (default: all
    folders in ``submitted/``; students known to the gradebook without a folder are "missing");
    slack: seconds on top of (cells x timeout) before a whole student is stopped;
    sandbox: run every kernel in the bubblewrap sandbox (refuses if it cannot be created).
    """
    grader = ClassGrader(
        course, assignment, workers=workers or os.cpu_count() or 1, timeout=timeout,
        memory_mb=memory_mb, progress=progress, slack=slack, sandbox=sandbox,
    )  # fmt: skip
    rows = grader.run(students)
    attach_scores(course, rows)
    return rows


def attach_scores(course: Course, rows: list[StudentStatus]) -> None:
    """Fill ``score``/``max_score`` from the gradebook.

    Only submissions that were actually run keep their gradebook score; failed, missing and
    unreadable ones score 0 (an older score in the gradebook must not show through).
    """
    from nbgrader.api import MissingEntry

    with course.gradebook() as gb:
        for row in rows:
            row.max_score = gb.find_assignment(row.assignment).max_score
            row.score = 0.0
            if row.status in (GRADED, TIMED_OUT, INVALID) and row.seconds is not None:
                try:
                    row.score = gb.find_submission(row.assignment, row.student).score
                except MissingEntry:
                    pass
