"""``bpkit export``: the gradebook as CSV, one row per student per assignment, none left out.

Rows are the cross product of every assignment and every student the course knows about: the
gradebook's students, the ledger's and the folders in ``submitted/``. Each row says what happened:

- ``graded``: scored normally;
- ``timed out``: some cell hit the per-cell timeout and scored 0, the rest was graded;
- ``failed``: the submission could not be graded (kernel died, ...); ``reason`` says why;
- ``invalid notebook``: a notebook was empty, not JSON, or not a notebook;
- ``tampered``: a file outside the student's scratch folder changed while it was graded
  (``reason`` names it); scored 0;
- ``missing``: no submission;
- ``not graded yet``: a submission is in ``submitted/`` but ``bpkit grade`` has not seen it.

``suspicious`` marks submissions that looked like tampering, for a human to review; ``suspicion``
lists what was seen. Scores of failed, tampered, missing and ungraded submissions are 0.
``isolation`` is ``sandboxed``, or ``unsandboxed`` for a run with ``bpkit grade --no-sandbox``
(and for scores that nbgrader wrote without bpkit).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TextIO

from bpkit.grading import status as st
from bpkit.grading.course import Course

UNGRADED = "not graded yet"
COLUMNS = [
    "assignment",
    "student",
    "score",
    "max_score",
    "status",
    "reason",
    "suspicious",
    "suspicion",
    "needs_manual_grade",
    "isolation",
]
_SCORED = (st.GRADED, st.TIMED_OUT, st.INVALID)
ISOLATION = {True: "sandboxed", False: "unsandboxed"}


def _submitted_folders(course: Course) -> set[tuple[str, str]]:
    found = set()
    if course.submitted_dir.is_dir():
        for student in course.submitted_dir.iterdir():
            if student.is_dir():
                found |= {(a.name, student.name) for a in student.iterdir() if a.is_dir()}
    return found


def export_rows(course: Course, assignments: list[str] | None = None) -> list[dict]:
    """One dict per (assignment, student), with the keys in :data:`COLUMNS`."""
    from nbgrader.api import MissingEntry

    ledger = st.load(course.db_url, course.course_id)
    folders = _submitted_folders(course)
    rows = []
    with course.gradebook() as gb:
        known = {a.name: a for a in gb.assignments}
        names = assignments or sorted(known)
        for name in names:
            if name not in known:
                raise KeyError(
                    f"assignment '{name}' is not in the gradebook (known: {sorted(known)})"
                )
        students = {s.id for s in gb.students}
        students |= {s for (a, s) in ledger if a in names}
        students |= {s for (a, s) in folders if a in names}
        for name in names:
            max_score = known[name].max_score
            for student in sorted(students):
                try:
                    sub = gb.find_submission(name, student)
                except MissingEntry:
                    sub = None
                entry = ledger.get((name, student))
                if entry is not None:
                    status, reason = entry["status"], entry["reason"]
                    suspicion = entry["suspicion"]
                    ran = entry["seconds"] is not None
                    isolation = ISOLATION.get(entry["sandboxed"], "")
                elif sub is not None:
                    status, reason, suspicion, ran = st.GRADED, "graded outside bpkit", "", True
                    isolation = "unsandboxed"
                elif (name, student) in folders:
                    status, reason, suspicion, ran = UNGRADED, f"run: bpkit grade {name}", "", False
                    isolation = ""
                else:
                    status, reason, suspicion, ran = st.MISSING, "no submission", "", False
                    isolation = ""
                scored = sub is not None and ran and status in _SCORED
                rows.append(
                    {
                        "assignment": name,
                        "student": student,
                        "score": round(sub.score, 4) if scored else 0.0,
                        "max_score": max_score,
                        "status": status,
                        "reason": reason,
                        "suspicious": "yes" if suspicion else "no",
                        "suspicion": suspicion.replace("\n", " | "),
                        "needs_manual_grade": "yes" if scored and sub.needs_manual_grade else "no",
                        "isolation": isolation,
                    }
                )
    return rows


def write_csv(rows: list[dict], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def export(course: Course, output: str = "grades.csv", assignments: list[str] | None = None) -> int:
    """Write the CSV to ``output`` (``-``: stdout); return the number of rows."""
    rows = export_rows(course, assignments)
    if output == "-":
        write_csv(rows, sys.stdout)
    else:
        with open(Path(output), "w", newline="", encoding="utf-8") as handle:
            write_csv(rows, handle)
    return len(rows)
