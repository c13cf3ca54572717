"""Feedback a student can read: no hidden-test source, and *pending* for ungraded written answers.

- :class:`HideHiddenTestSource` (in nbgrader's feedback pipeline) replaces the hidden part of each
  test cell by one comment. The hidden tests are judged by the grader anyway; their diagnosis
  stays in the cell's output.
- nbgrader's feedback shows every graded cell as "Score: x / y". A written answer waiting for a
  human has no score yet, and "0.0 / 3.0" reads as a verdict. :func:`mark_pending` rewrites those
  cells (and the notebook's total) in the generated HTML; :func:`pending_cells` asks the gradebook
  which cells they are.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

PENDING = "pending (not graded yet)"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HIDDEN_NOTE = "# (hidden tests ran here; the grader judged them)"


def hide_hidden_tests(source: str) -> str:
    """``source`` with each hidden-test region (markers included) replaced by one comment."""
    out, inside = [], False
    for line in source.splitlines():
        if BEGIN_HIDDEN in line:
            inside = True
            out.append(HIDDEN_NOTE)
        elif END_HIDDEN in line and inside:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _preprocessor() -> type:
    from nbgrader.preprocessors import NbGraderPreprocessor

    class HideHiddenTestSource(NbGraderPreprocessor):
        """Feedback step: test cells keep their visible part; the hidden part becomes a note."""

        def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
            if cell.cell_type == "code" and BEGIN_HIDDEN in cell.source:
                cell.source = hide_hidden_tests(cell.source)
            return cell, resources

    return HideHiddenTestSource


def __getattr__(name: str) -> Any:
    """``HideHiddenTestSource``, built on first use (importing nbgrader takes seconds)."""
    if name != "HideHiddenTestSource":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    cls = globals()[name] = _preprocessor()
    return cls


def pending_cells(gradebook: Any, assignment: str, student: str) -> dict[str, list[str]]:
    """{notebook name: [grade_id of every cell still waiting for a manual grade]}."""
    submission = gradebook.find_submission(assignment, student)
    found: dict[str, list[str]] = {}
    for notebook in submission.notebooks:
        ids = [
            g.name
            for g in notebook.grades
            if g.needs_manual_grade and g.manual_score is None and g.auto_score is None
        ]
        if ids:
            found[notebook.name] = ids
    return found


def mark_pending(html: str, grade_ids: list[str]) -> str:
    """Replace the score of each cell in ``grade_ids`` by :data:`PENDING`."""
    for grade_id in grade_ids:
        gid = re.escape(grade_id)
        # the table of contents: <a href="#id">...</a> (Score: 0.0 / 3.0)
        html = re.sub(
            rf'(<a href="#{gid}">[^<]*</a> \(Score: )[0-9.]+( / [0-9.]+\))',
            rf"\g<1>{PENDING}\2",
            html,
        )
        # the cell's own heading, after its anchor
        html = re.sub(
            rf'(<a name="{gid}"></a>.*?Score: )[0-9.]+( / [0-9.]+)',
            rf"\g<1>{PENDING}\2",
            html,
            count=1,
            flags=re.S,
        )
    if grade_ids:
        n = len(grade_ids)
        note = f" \u2014 {n} written answer{'s' if n > 1 else ''} not graded yet"
        html = re.sub(r"(<h4>[^<]*\(Score: [0-9.]+ / [0-9.]+)\)", rf"\1{note})", html, count=1)
    return html


def mark_pending_files(folder: Path, pending: dict[str, list[str]]) -> None:
    """Apply :func:`mark_pending` to ``folder/<notebook>.html`` for each notebook in ``pending``."""
    for notebook, ids in pending.items():
        path = folder / f"{notebook}.html"
        if path.is_file():
            path.write_text(mark_pending(path.read_text(encoding="utf-8"), ids), encoding="utf-8")
