"""``bpkit worker``: grade students for a coordinator, on a machine that holds the course.

A Celery worker that consumes only the queue of its own course version, ``--workers`` tasks at a
time (prefork pool). Each task is one student: the sanitized submission arrives in the message,
is graded in a scratch course folder exactly as ``bpkit grade`` grades locally (the same forked
per-student process, the same bubblewrap sandbox, hidden verdicts judged here, outside it), and
the plain result goes back: the verdict, the seconds taken and the autograded notebooks. The
worker never touches the coordinator's gradebook.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bpkit.grading import cluster, runner
from bpkit.grading.course import SANITIZED, Course
from bpkit.grading.integrity import Watch
from bpkit.grading.status import FAILED, TAMPERED

log = logging.getLogger("bpkit.worker")
#: Course-root entries a scratch course never links to: nbgrader's per-student folders.
PRIVATE = {"submitted", "autograded", "feedback", SANITIZED, ".bpkit", "gradebook.db"}


@dataclass
class WorkerState:
    """What every pool process of one ``bpkit worker`` knows (set before the pool forks)."""

    root: Path
    version: str
    sandbox: bool
    work_dir: Path
    template_db: Path
    hostname: str
    watched: list[Path] = field(default_factory=list)
    watch: Watch | None = None


STATE: WorkerState | None = None


def prepare_state(root: Path, sandbox: bool, hostname: str) -> WorkerState:
    """Version the course and register every assignment in a template gradebook."""
    course = Course(root)
    version = cluster.course_version(course)
    work_dir = Path(tempfile.mkdtemp(prefix="bpkit-worker-"))
    template = work_dir / "template.db"
    registered = Course(root, db_url=f"sqlite:///{template}")
    for assignment in registered.assignments():
        registered.ensure_in_gradebook(assignment)
    return WorkerState(
        course.root, version, sandbox, work_dir, template, hostname,
        watched=runner.watched_paths(course),
    )  # fmt: skip


def scratch_course(state: WorkerState, folder: Path) -> Path:
    """A course root in ``folder`` that links to the real course's files, with private
    ``sanitized/``, ``autograded/`` and gradebook (a copy of the template)."""
    folder.mkdir(parents=True)
    for entry in state.root.iterdir():
        if entry.name not in PRIVATE:
            (folder / entry.name).symlink_to(entry)
    shutil.copyfile(state.template_db, folder / "gradebook.db")
    return folder


def _unpack(files: dict[str, str], target: Path) -> None:
    target.mkdir(parents=True)
    for name, data in files.items():
        path = (target / name).resolve()
        if target.resolve() not in path.parents:
            raise ValueError(f"a submitted file name leaves its folder: {name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))


def _allow_children() -> None:
    """Let this pool process fork the per-student grading process.

    Celery marks its pool processes daemonic, and multiprocessing refuses children to daemonic
    processes (so that they cannot be orphaned when it exits). Here the task itself waits for
    its child, and kills it past its deadline, as ``bpkit grade`` does locally.
    """
    import multiprocessing

    multiprocessing.current_process()._config.pop("daemon", None)


def _slot() -> int:
    from billiard.process import current_process

    return int(getattr(current_process(), "index", 0) or 0)


def grade_payload(state: WorkerState, payload: dict[str, Any]) -> dict[str, Any]:
    """Grade one student from a task's payload; return plain data for the coordinator."""
    student, assignment = payload["student"], payload["assignment"]
    scratch = Path(tempfile.mkdtemp(prefix="task-", dir=state.work_dir))
    slot = _slot()
    sandbox_root = str(state.work_dir / f"sandbox-{slot}")  # short: ipc socket paths
    try:
        root = scratch_course(state, scratch / "course")
        _unpack(payload["files"], root / SANITIZED / student / assignment)
        logs = state.work_dir / "logs" / assignment
        logs.mkdir(parents=True, exist_ok=True)
        args = runner.student_args(
            root, f"sqlite:///{root / 'gradebook.db'}", assignment, student,
            timeout=payload["timeout"], memory_mb=payload["memory_mb"],
            result=scratch / "verdict.json", sandbox=state.sandbox, slot=slot,
            scratch_root=sandbox_root,
        )  # fmt: skip
        log_path = logs / f"{student}.log"
        if state.watch is None:
            state.watch = Watch(state.watched)
        elif idle := state.watch.changes():  # the baseline is now: what changed before is not
            log.warning("course files changed while idle (restart this worker): %s", idle[:3])
        started = time.monotonic()
        _allow_children()
        proc = runner.start_student(args, log_path)
        deadline = started + payload["deadline"]
        while proc.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        overdue = proc.is_alive()
        if overdue:
            runner.kill_tree(proc)
        proc.join()
        seconds = round(time.monotonic() - started, 1)
        verdict = runner.process_verdict(
            proc, scratch / "verdict.json", f"{state.hostname}:{log_path}",
            round(payload["deadline"]), killed_for_time=overdue,
        )  # fmt: skip
        folder = root / "autograded" / student / assignment
        notebooks = {p.name: p.read_text() for p in sorted(folder.glob("*.ipynb"))}
        check_integrity(state, verdict)
        return {
            "verdict": verdict, "seconds": seconds, "notebooks": notebooks,
            "sandboxed": state.sandbox, "worker": state.hostname, "version": state.version,
        }  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(sandbox_root, ignore_errors=True)


def check_integrity(state: WorkerState, verdict: dict) -> None:
    """Mark the verdict tampered if the worker's course or library changed while grading."""
    changed = state.watch.changes() if state.watch is not None else []
    if changed:
        shown = "; ".join(changed[:5]) + (f" and {len(changed) - 5} more" if changed[5:] else "")
        verdict["status"] = TAMPERED
        verdict["reason"] = f"files outside its scratch folder changed on {state.hostname}: {shown}"
        verdict.setdefault("findings", {}).setdefault("tampering", []).append(verdict["reason"])


def give_up(tries: int, max_tries: int, hostname: str) -> dict[str, Any]:
    """The result of a task that has killed its worker too often to be tried again."""
    reason = (
        f"not graded: the worker grading it died {tries - 1} times (the submission kills its "
        f"grader, or runs the machine out of memory); given up after {max_tries} tries"
    )
    return {
        "verdict": {"status": FAILED, "reason": reason}, "seconds": 0.0, "notebooks": {},
        "sandboxed": None, "worker": hostname, "version": None,
    }  # fmt: skip


def handle(task: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Body of the Celery task: version check, try count, then :func:`grade_payload`."""
    from celery.exceptions import Ignore

    state = STATE
    assert state is not None, "bpkit worker state is not set"
    wanted = payload["version"]
    if wanted != state.version:
        queue = cluster.queue_name(wanted, payload.get("sandbox", True))
        log.warning(
            "refused the task for student %s: it needs course version %s, this worker has course "
            "version %s; sent back to queue %s for a matching worker",
            payload["student"], wanted, state.version, queue,
        )  # fmt: skip
        task.app.send_task(cluster.TASK_NAME, args=[payload], task_id=task.request.id, queue=queue)
        raise Ignore()
    done = task.backend.get_task_meta(task.request.id)
    if done.get("status") == "SUCCESS" and isinstance(done.get("result"), dict):
        return done["result"]  # a redelivered task that was graded meanwhile
    client = task.backend.client
    key = f"bpkit:tries:{task.request.id}"
    tries = int(client.incr(key))
    client.expire(key, cluster.KEEP_SECONDS)
    if tries > payload["max_tries"]:
        log.warning("student %s: given up after %d tries", payload["student"], tries - 1)
        return give_up(tries, payload["max_tries"], state.hostname)
    log.info("grading student %s of %s (try %d)", payload["student"], payload["assignment"], tries)
    return grade_payload(state, payload)


def build_app(url: str, redeliver_after: int) -> Any:
    """The Celery app with bpkit's task registered."""
    app = cluster.make_app(url, redeliver_after=redeliver_after)

    @app.task(bind=True, name=cluster.TASK_NAME)
    def grade_student(self: Any, payload: dict[str, Any]) -> dict[str, Any]:
        return handle(self, payload)

    return app


def run_worker(
    url: str, root: Path, *, workers: int, sandbox: bool = True,
    redeliver_after: int = cluster.REDELIVER_AFTER, hostname: str | None = None,
    loglevel: str = "INFO",
) -> int:  # fmt: skip
    """Start ``bpkit worker``: check the broker and the sandbox, version the course, consume."""
    global STATE
    from bpkit.grading import worker

    os.environ.pop(cluster.ENV_URL, None)  # no kernel, even unsandboxed, inherits the password
    cluster.check_broker(url)
    if sandbox:
        from bpkit.grading.sandbox import check_sandbox

        check_sandbox()
    name = hostname or f"bpkit-{os.getpid()}@{socket.gethostname()}"
    STATE = prepare_state(root, sandbox, name)
    template = Course(STATE.root, db_url=f"sqlite:///{STATE.template_db}")
    worker.preload(template, next(iter(template.assignments()), None))  # the same queries serve all
    queue = cluster.queue_name(STATE.version, sandbox)
    logging.basicConfig(level=loglevel, format="[%(asctime)s: %(levelname)s] %(message)s")
    print(
        f"bpkit worker {name}: course {STATE.root} at version {STATE.version}"
        f"{'' if sandbox else ' (UNSANDBOXED)'}; {workers} at a time; queue {queue} on "
        f"{cluster.shown(url)}",
        flush=True,
    )
    app = build_app(url, redeliver_after)
    try:
        celery_worker = app.Worker(
            hostname=name, queues=[queue], concurrency=workers, pool_cls="prefork",
            loglevel=loglevel, optimization="fair", without_gossip=True, without_mingle=True,
            without_heartbeat=True, quiet=True,
        )  # fmt: skip
        celery_worker.start()
        return int(celery_worker.exitcode or 0)
    finally:
        shutil.rmtree(STATE.work_dir, ignore_errors=True)
