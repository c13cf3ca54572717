"""The grading ledger: one status row per (assignment, student), kept in the gradebook database.

nbgrader's gradebook stores scores, but not *why* a submission has no score (its kernel died,
the file was not a notebook, ...) nor whether it looked like tampering. bpkit keeps that in its
own table, ``bpkit_grading_status``, in the same database, so it works the same on SQLite and
PostgreSQL, and several graders sharing a PostgreSQL gradebook see each other's results.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

GRADED = "graded"
TIMED_OUT = "timed out"
FAILED = "failed"
MISSING = "missing"
INVALID = "invalid notebook"
#: A file outside the student's scratch folder changed while the student was graded.
TAMPERED = "tampered"
STATUSES = (GRADED, TIMED_OUT, FAILED, MISSING, INVALID, TAMPERED)

_metadata = MetaData()
status_table = Table(
    "bpkit_grading_status",
    _metadata,
    Column("course", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("suspicious", Boolean, nullable=False, default=False),
    Column("suspicion", Text, nullable=False, default=""),
    Column("seconds", Float, nullable=True),
    Column("updated", DateTime, nullable=False),
    Column("sandboxed", Boolean, nullable=True),
)


@dataclass
class StudentStatus:
    """How one student's submission of one assignment went."""

    assignment: str
    student: str
    status: str
    reason: str = ""
    suspicion: list[str] = field(default_factory=list)
    seconds: float | None = None
    score: float | None = None
    max_score: float | None = None
    sandboxed: bool | None = None

    @property
    def suspicious(self) -> bool:
        return bool(self.suspicion)

    def as_dict(self) -> dict:
        return asdict(self) | {"suspicious": self.suspicious}


_ENGINES: dict[str, Engine] = {}


def engine_for(db_url: str) -> Engine:
    """One engine per URL for this process, its table created once; SQLite waits for locks.

    Only the grading parent writes the ledger. Its connections are closed after each use
    (:func:`save`, :func:`load`), so no open database connection is ever inherited by a forked
    worker, which SQLite forbids.
    """
    engine = _ENGINES.get(db_url)
    if engine is None:
        if db_url.startswith("sqlite"):
            engine = create_engine(db_url, connect_args={"timeout": 60}, future=True)
        else:
            engine = create_engine(db_url, future=True)
        with engine.begin() as conn:
            _metadata.create_all(conn)
            columns = {c["name"] for c in inspect(conn).get_columns(status_table.name)}
            if "sandboxed" not in columns:  # a ledger written before sandboxed grading
                conn.execute(text(f"ALTER TABLE {status_table.name} ADD COLUMN sandboxed BOOLEAN"))
        engine.dispose()
        _ENGINES[db_url] = engine
    return engine


def _retry(action, attempts: int = 5):
    for attempt in range(attempts):
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.5 * 2**attempt)
    return None


def save(db_url: str, course: str, rows: list[StudentStatus]) -> None:
    """Insert or replace the ledger rows (one transaction)."""
    if not rows:
        return
    engine = engine_for(db_url)
    now = datetime.now(UTC).replace(tzinfo=None)

    def write() -> None:
        with engine.begin() as conn:
            for row in rows:
                key = (
                    (status_table.c.course == course)
                    & (status_table.c.assignment == row.assignment)
                    & (status_table.c.student == row.student)
                )
                conn.execute(delete(status_table).where(key))
                conn.execute(
                    insert(status_table).values(
                        course=course,
                        assignment=row.assignment,
                        student=row.student,
                        status=row.status,
                        reason=row.reason,
                        suspicious=row.suspicious,
                        suspicion="\n".join(row.suspicion),
                        seconds=row.seconds,
                        updated=now,
                        sandboxed=row.sandboxed,
                    )
                )

    try:
        _retry(write)
    finally:
        engine.dispose()


def load(db_url: str, course: str, assignment: str | None = None) -> dict[tuple[str, str], dict]:
    """Ledger rows as {(assignment, student): row dict}."""
    engine = engine_for(db_url)
    try:
        with engine.begin() as conn:
            query = select(status_table).where(status_table.c.course == course)
            if assignment is not None:
                query = query.where(status_table.c.assignment == assignment)
            rows = [dict(r._mapping) for r in conn.execute(query)]
    finally:
        engine.dispose()
    return {(r["assignment"], r["student"]): r for r in rows}
