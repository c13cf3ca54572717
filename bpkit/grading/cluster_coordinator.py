"""``bpkit grade --cluster``: the coordinator. It sends one task per student and writes the
gradebook itself, as the only writer.

Everything before and after the grading proper is local grading's own code
(:class:`~bpkit.grading.runner.ClassGrader`): sanitizing, rows for invalid and missing
submissions, the progress bar, the status ledger. Only :meth:`ClusterGrader._run_jobs` differs:

- a task per student goes to the queue of this course version (:mod:`bpkit.grading.cluster`),
  at most ``in_flight`` at a time, so Redis holds a window of the class, not all of it;
- task ids are a hash of the version, the student, the submission's bytes and the settings, so a
  coordinator that is run again after being killed finds the results of the tasks it had sent;
  students with a status from an earlier run are not graded again unless ``force``;
- each result is written to the gradebook (:mod:`~bpkit.grading.cluster_replay`) and the ledger
  once, whatever the number of deliveries, then removed from Redis;
- with no worker of this version for ``wait_for_workers`` seconds, the remaining students are
  ``failed`` with the versions seen; a broker that goes away stops the run with an error and no
  row for the students not yet graded (run the command again to resume).
"""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from collections import deque
from typing import Any

from bpkit.grading import cluster
from bpkit.grading import status as st
from bpkit.grading.cluster_replay import replay
from bpkit.grading.course import Course
from bpkit.grading.progress import Progress
from bpkit.grading.runner import DEADLINE_SLACK, DEFAULT_MEMORY_MB, ClassGrader, Job, attach_scores

#: A student's sanitized folder larger than this is not sent (MiB).
MAX_PAYLOAD_MB = 64
#: Seconds between looks at the results.
POLL = 0.2


class ClusterGrader(ClassGrader):
    """Grades one assignment on a Celery cluster; see :func:`grade_cluster`."""

    def __init__(
        self, course: Course, assignment: str, *, url: str, timeout: int,
        memory_mb: int = DEFAULT_MEMORY_MB, progress: Progress | None = None,
        slack: float = DEADLINE_SLACK, sandbox: bool = True, force: bool = False,
        max_tries: int = cluster.MAX_TRIES, wait_for_workers: float = 120.0,
        in_flight: int = 512,
    ) -> None:  # fmt: skip
        super().__init__(
            course, assignment, workers=1, timeout=timeout, memory_mb=memory_mb,
            progress=progress, slack=slack, sandbox=sandbox,
        )  # fmt: skip
        self.url, self.force, self.max_tries = url, force, max(1, max_tries)
        self.wait_for_workers, self.in_flight = wait_for_workers, max(1, in_flight)
        self.version = cluster.course_version(course)
        self.queue = cluster.queue_name(self.version, sandbox)
        self.run_id = uuid.uuid4().hex if force else ""
        self.app = cluster.make_app(url)

    def check_ready(self) -> None:
        """The broker must answer before anything is written."""
        cluster.check_broker(self.url)

    # -- tasks -----------------------------------------------------------------------------
    def payload(self, job: Job) -> dict[str, Any]:
        """The task of one student: its sanitized folder and the grading settings."""
        folder = self.course.sanitized_dir / job.student / self.assignment
        paths = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
        size = sum(path.stat().st_size for path in paths)  # before reading any of them
        if size > MAX_PAYLOAD_MB * 1024 * 1024:
            raise ValueError(
                f"the submission folder holds {size / 2**20:.0f} MB, more than the "
                f"{MAX_PAYLOAD_MB} MB a cluster task may carry"
            )
        files = {
            path.relative_to(folder).as_posix(): base64.b64encode(path.read_bytes()).decode()
            for path in paths
        }
        return {
            "version": self.version, "assignment": self.assignment, "student": job.student,
            "files": files, "timeout": self.timeout, "memory_mb": self.memory_mb,
            "deadline": self.timeout * self.n_cells + self.slack, "max_tries": self.max_tries,
            "sandbox": self.sandbox,
        }  # fmt: skip

    def task_id(self, payload: dict[str, Any]) -> str:
        """Same submission, settings and version: same id (``force`` adds this run's nonce)."""
        digest = hashlib.sha256()
        for key in sorted(payload):
            value = payload[key]
            items = sorted(value.items()) if isinstance(value, dict) else value
            digest.update(f"{key}={items}\0".encode())
        digest.update(self.run_id.encode())
        return f"bpkit-{digest.hexdigest()[:32]}"

    def results(self, ids: list[str]) -> dict[str, dict]:
        """The finished results among ``ids`` (read in batches, straight from Redis)."""
        backend = self.app.backend
        found: dict[str, dict] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            raw = backend.client.mget([backend.get_key_for_task(i) for i in batch])
            for task_id, value in zip(batch, raw, strict=True):
                if value:
                    meta = backend.decode_result(value)
                    if meta.get("status") in ("SUCCESS", "FAILURE"):
                        found[task_id] = meta
        return found

    def forget(self, task_id: str) -> None:
        backend = self.app.backend
        backend.client.delete(backend.get_key_for_task(task_id), f"bpkit:tries:{task_id}")

    def workers_seen(self) -> dict[str, list[str]]:
        """Worker name -> the bpkit queues (course versions) it consumes."""
        replies = self.app.control.inspect(timeout=1.0).active_queues() or {}
        return {
            name: [q["name"] for q in queues if cluster.version_of_queue(q.get("name", ""))]
            for name, queues in replies.items()
        }

    # -- results ---------------------------------------------------------------------------
    def record(self, job: Job, meta: dict) -> st.StudentStatus:
        """Write one result to the gradebook and the ledger (the only writer)."""
        if meta["status"] == "SUCCESS":
            result = meta["result"]
            verdict, seconds = result["verdict"], result["seconds"]
            notebooks, sandboxed = result.get("notebooks") or {}, result.get("sandboxed")
        else:
            error = meta.get("result")
            what = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
            verdict = {"status": st.FAILED, "reason": f"the worker failed: {what}"}
            seconds, notebooks, sandboxed = 0.0, {}, None
        replay(self.course, self.assignment, job.student, notebooks)
        row = self.status_of(job.prep, verdict, seconds)
        row.sandboxed = sandboxed
        st.save(self.course.db_url, self.course.course_id, [row])
        self.progress.done(row)
        return row

    def fail(self, jobs: list[Job], reason: str) -> list[st.StudentStatus]:
        """Rows for students that never reached a worker (graded by a later run)."""
        rows = [self.status_of(j.prep, {"status": st.FAILED, "reason": reason}, None) for j in jobs]
        st.save(self.course.db_url, self.course.course_id, rows)
        for row in rows:
            self.progress.done(row)
        return rows

    def no_worker_reason(self, seen: dict[str, list[str]]) -> str:
        where = f"course version {self.version}" + ("" if self.sandbox else " unsandboxed")
        others = []
        for name, queues in sorted(seen.items()):
            versions = ", ".join(q.removeprefix(cluster.QUEUE_PREFIX) for q in queues)
            others.append(f"{name} runs version {versions or 'none'}")
        told = "; ".join(others) if others else f"no bpkit worker is running on {self.shown}"
        return (
            f"not graded: no worker with {where} (this coordinator's) took it within "
            f"{self.wait_for_workers:.0f} s ({told}); start bpkit worker with this course"
        )

    @property
    def shown(self) -> str:
        return cluster.shown(self.url)

    # -- the run ---------------------------------------------------------------------------
    def resumed(self, todo: list[Job]) -> tuple[list[Job], list[st.StudentStatus]]:
        """Split ``todo`` into students to grade and rows of students graded by an earlier run."""
        if self.force:
            return todo, []
        ledger = st.load(self.course.db_url, self.course.course_id, self.assignment)
        jobs, rows = [], []
        for job in todo:
            entry = ledger.get((self.assignment, job.student))
            if entry is None or entry["seconds"] is None:
                jobs.append(job)
                continue
            rows.append(
                st.StudentStatus(
                    self.assignment,
                    job.student,
                    entry["status"],
                    entry["reason"],
                    [s for s in entry["suspicion"].split("\n") if s],
                    entry["seconds"],
                    sandboxed=entry["sandboxed"],
                )  # fmt: skip
            )
        if rows:
            self.progress.message(
                f"{len(rows)} students already graded by an earlier run: not graded again "
                "(--force grades them again)"
            )
        for row in rows:
            self.progress.done(row)
        return jobs, rows

    def _run_jobs(self, todo: list[Job]) -> list[st.StudentStatus]:
        import kombu.exceptions
        import redis

        jobs, rows = self.resumed(todo)
        try:
            rows += self._dispatch(jobs)
        except (redis.RedisError, kombu.exceptions.KombuError, OSError) as error:
            graded = sum(1 for r in rows if r.seconds is not None)
            raise cluster.ClusterError(
                f"lost the grading cluster's broker at {self.shown} "
                f"({cluster.redact(str(error), self.url)}); {graded} of {len(todo)} students "
                "are graded and in the gradebook, the others have no row yet: run the same "
                "command again to resume once the broker is back"
            ) from None
        return rows

    def _dispatch(self, jobs: list[Job]) -> list[st.StudentStatus]:
        rows: list[st.StudentStatus] = []
        pending, inflight = deque(jobs), {}
        last_seen, last_look = time.monotonic(), 0.0
        look_every = max(1.0, min(5.0, self.wait_for_workers / 3))
        while pending or inflight:
            rows += self.send_more(pending, inflight)
            finished = self.results(list(inflight))
            for task_id, meta in finished.items():
                rows.append(self.record(inflight.pop(task_id), meta))
                self.forget(task_id)
            now = time.monotonic()
            if finished:
                last_seen = now
            elif inflight and now - last_look >= look_every:
                last_look = now
                seen = self.workers_seen()
                if any(self.queue in queues for queues in seen.values()):
                    last_seen = now
                elif now - last_seen >= self.wait_for_workers:
                    reason = self.no_worker_reason(seen)
                    rows += self.fail([*inflight.values(), *pending], reason)
                    inflight.clear()
                    pending.clear()
            time.sleep(POLL if inflight else 0)
        return rows

    def send_more(self, pending: deque, inflight: dict[str, Job]) -> list[st.StudentStatus]:
        """Send tasks until ``in_flight`` are out; rows for submissions too big to send."""
        batch, rows = [], []
        while pending and len(inflight) + len(batch) < self.in_flight:
            job = pending.popleft()
            try:
                payload = self.payload(job)
            except ValueError as error:
                rows += self.fail([job], f"not graded: {error}")
                continue
            batch.append((self.task_id(payload), job, payload))
        done = self.results([task_id for task_id, _, _ in batch])
        for task_id, job, payload in batch:
            inflight[task_id] = job
            if task_id not in done:  # a result from a run that was killed: no need to resend
                self.app.send_task(
                    cluster.TASK_NAME, args=[payload], task_id=task_id, queue=self.queue
                )
        return rows


def grade_cluster(
    course: Course, assignment: str, *, url: str, timeout: int = 30,
    memory_mb: int = DEFAULT_MEMORY_MB, students: list[str] | None = None,
    progress: Progress | None = None, slack: float = DEADLINE_SLACK, sandbox: bool = True,
    force: bool = False, max_tries: int = cluster.MAX_TRIES, wait_for_workers: float = 120.0,
) -> list[st.StudentStatus]:  # fmt: skip
    """Autograde every submission of ``assignment`` on the cluster at ``url``.

    The arguments are those of :func:`bpkit.grading.runner.grade_class`, plus: force (grade
    students with a status from an earlier run again), max_tries (deliveries of a task whose
    worker died before it is ``failed``), wait_for_workers (seconds without any worker of this
    course version before the remaining students are ``failed``).
    """
    grader = ClusterGrader(
        course, assignment, url=url, timeout=timeout, memory_mb=memory_mb, progress=progress,
        slack=slack, sandbox=sandbox, force=force, max_tries=max_tries,
        wait_for_workers=wait_for_workers,
    )  # fmt: skip
    rows = grader.run(students)
    attach_scores(course, rows)
    return rows
