"""Grading on many machines: what the coordinator (``bpkit grade --cluster``) and the workers
(``bpkit worker``) share.

The engine is Celery with a Redis broker and result backend:

- one task per student, carrying the sanitized submission itself (no shared file system);
- ``acks_late`` and ``reject_on_worker_lost``: a task is acknowledged only once graded, so the
  tasks of a worker that dies come back to the queue (at once when a pool process dies; after the
  broker's visibility timeout, ``bpkit worker --redeliver-after``, when the whole machine does);
- one queue per course version (:func:`queue_name`): a worker consumes only the queue of the
  course it holds, so a task is never graded against other notebooks, checks or policy;
- JSON only: nothing from the broker is ever unpickled.

The broker URL may hold a password; it is then read from ``BPKIT_CLUSTER_URL``, never from the
command line, and every message shows it as ``***`` (:func:`redact`).

(:mod:`bpkit.grading.worker` is something else: the process that grades one student, forked
by ``bpkit grade`` locally and by a cluster worker alike.)
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bpkit.grading.course import Course

ENV_URL = "BPKIT_CLUSTER_URL"
TASK_NAME = "bpkit.grade_student"
#: Prefix of every bpkit queue; the rest names the course version (and the isolation).
QUEUE_PREFIX = "bpkit-"
UNSANDBOXED = "-unsandboxed"
#: Seconds after which a task taken by a worker that vanished is handed out again (default).
REDELIVER_AFTER = 1800
#: A task is tried at most this many times by default (each try a worker died on it).
MAX_TRIES = 3
#: Results and try counters are kept this long in Redis (seconds), for a coordinator to resume.
KEEP_SECONDS = 7 * 24 * 3600


class ClusterError(RuntimeError):
    """The grading cluster cannot be used; the message names the broker (password hidden)."""


def url_password(url: str | None) -> str:
    """The password of a ``redis://`` URL, or ""."""
    if not url or "://" not in url:
        return ""
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def redact(text: str, url: str | None) -> str:
    """``text`` with the password of ``url`` (as given or decoded) replaced by ``***``."""
    from bpkit.grading.course import redact as redact_db

    secret = url_password(url)
    if secret:
        text = text.replace(secret, "***")
    return redact_db(text, url)


def cluster_url(given: str | None, option: str = "--cluster") -> str:
    """The broker URL from the command line (``given``) or ``BPKIT_CLUSTER_URL``.

    A password on the command line is refused: every user of the machine can read it there.
    """
    if given and url_password(given):
        raise ValueError(
            f"{option} holds a password, and every user of this machine can read a command line "
            f"(/proc/PID/cmdline). Put the whole URL in the {ENV_URL} environment variable and "
            f"give {option} without a value."
        )
    url = given or os.environ.get(ENV_URL, "")
    if not url:
        raise ValueError(
            f"{option} needs a broker URL, e.g. redis://HOST:6379/0 (or set {ENV_URL})"
        )
    if urlsplit(url).scheme not in ("redis", "rediss"):
        raise ValueError(
            f"{option} expects a Redis URL (redis://HOST:PORT/DB), got {redact(url, url)!r}"
        )
    return url


def shown(url: str) -> str:
    """The URL as messages print it."""
    return redact(url, url)


def check_broker(url: str, timeout: float = 5.0) -> None:
    """Raise ClusterError, naming the URL, unless the broker answers."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        raise ClusterError(
            f"cannot reach the grading cluster's broker at {shown(url)}: "
            f"{redact(str(error), url)}. Start Redis there (see the README, 'Grading a MOOC "
            "on a cluster'), or check the URL; nothing was graded or written."
        ) from None
    finally:
        client.close()


def make_app(url: str, *, redeliver_after: int = REDELIVER_AFTER) -> Any:
    """The Celery application of bpkit's grading cluster (broker and results on ``url``)."""
    from celery import Celery

    app = Celery("bpkit", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        result_expires=KEEP_SECONDS,
        task_default_queue=f"{QUEUE_PREFIX}default",
        broker_connection_retry_on_startup=False,
        broker_transport_options={
            "visibility_timeout": redeliver_after,
            "unacked_restore_interval": max(1, min(10, redeliver_after // 4)),
            "unacked_restore_throttle": 1,
        },
        result_backend_transport_options={"retry_policy": {"max_retries": 3}},
    )
    return app


def queue_name(version: str, sandbox: bool = True) -> str:
    """The queue of one course version; unsandboxed workers have a queue of their own."""
    return f"{QUEUE_PREFIX}{version}{'' if sandbox else UNSANDBOXED}"


def version_of_queue(queue: str) -> str | None:
    """The course version (and isolation) a queue name says, or None for another queue."""
    if not queue.startswith(QUEUE_PREFIX) or queue == f"{QUEUE_PREFIX}default":
        return None
    return queue.removeprefix(QUEUE_PREFIX)


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".ipynb_checkpoints"))
        found += [Path(folder) / n for n in sorted(names) if not n.endswith((".pyc", ".pyo"))]
    return found


def version_parts(course: Course) -> dict[str, list[Path]]:
    """What a course version covers: the config, the source and release notebooks, the
    grader-only and checks packages, and the grading policy (``bpkit.grading``)."""
    from bpkit.grading.runner import package_dirs

    parts: dict[str, list[Path]] = {
        "config": [course.root / "nbgrader_config.py"],
        "source": [course.source_dir],
        "release": [course.release_dir],
        "policy": [Path(__file__).parent],
    }
    for package, folders in package_dirs(course).items():
        parts[f"package {package}"] = folders
    return parts


def course_version(course: Course) -> str:
    """A content hash of the course as grading sees it (12 hex digits).

    Paths are hashed relative to each part, so the same course on two machines, in different
    folders, has the same version.
    """
    digest = hashlib.sha256()
    for label, roots in sorted(version_parts(course).items()):
        for root in roots:
            if not root.exists():
                continue
            for path in _files(root):
                rel = path.relative_to(root) if root.is_dir() else Path(path.name)
                digest.update(f"{label}/{rel.as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]
