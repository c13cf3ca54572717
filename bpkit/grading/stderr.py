"""The stderr policy: a Python warning printed by a correct answer does not cost points.

nbgrader gives a test cell zero points when it writes *anything* to stderr. A correct answer can
still trigger a ``RuntimeWarning`` (``overflow encountered in exp`` from a textbook sigmoid, say),
and a zero for that would be unfair and baffling to the student. nbgrader's own ``IgnorePattern``
drops a whole stderr output when a pattern matches anywhere in it, which would also hide any
unrelated error text that the kernel merged into the same stream output.

So bpkit grades by exceptions, not by warnings:

- lines written by Python's ``warnings`` module (``file.py:12: RuntimeWarning: ...`` and the
  indented source line after it) are moved from stderr to stdout, prefixed with ``[warning]``;
  the student still sees them in the feedback, but they no longer zero the cell;
- any other stderr text stays where it is, so nbgrader's default still applies to it;
- a failing check raises, and an exception zeroes the cell as before.

The preprocessor runs right after execution, both in ``bpkit grade`` (autograde) and in
``bpkit validate``, so a student's self-check and the instructor's grade agree.
"""

from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode, from_dict
from nbgrader.preprocessors import NbGraderPreprocessor

#: The header line that ``warnings.showwarning`` writes: ``<file>:<line>: <Category>: <message>``.
WARNING_LINE = re.compile(r"^.*:\d+: (?:[A-Za-z_][\w.]*\.)?[A-Za-z_]\w*Warning: ")


def split_warnings(text: str) -> tuple[str, str]:
    """Split stderr text into (warning text, everything else).

    A warning is its header line plus the indented lines right after it (the offending source
    line). Lines are kept in order and with their line endings.
    """
    warnings: list[str] = []
    others: list[str] = []
    in_warning = False
    for line in text.splitlines(keepends=True):
        if WARNING_LINE.match(line):
            in_warning = True
            warnings.append(line)
        elif in_warning and line.startswith((" ", "\t")) and line.strip():
            warnings.append(line)
        else:
            in_warning = False
            others.append(line)
    return "".join(warnings), "".join(others)


def demote_warnings(outputs: list[NotebookNode]) -> list[NotebookNode]:
    """Return ``outputs`` with warning lines moved from stderr streams into stdout streams."""
    new: list[NotebookNode] = []
    for out in outputs:
        if out.get("output_type") != "stream" or out.get("name") != "stderr":
            new.append(out)
            continue
        warned, rest = split_warnings(out.get("text", ""))
        if warned:
            shown = "".join(f"[warning] {line}" for line in warned.splitlines(keepends=True))
            new.append(from_dict({"output_type": "stream", "name": "stdout", "text": shown}))
        if rest.strip():
            new.append(from_dict({"output_type": "stream", "name": "stderr", "text": rest}))
    return new


class WarningsToStdout(NbGraderPreprocessor):
    """nbgrader preprocessor: Python warnings in a cell's stderr do not zero the cell."""

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type == "code" and cell.get("outputs"):
            cell.outputs = demote_warnings(cell.outputs)
        return cell, resources
