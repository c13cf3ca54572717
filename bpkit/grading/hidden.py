"""Keep the grader-only checks out of the feedback.

Hidden test cells only say ``hidden.sigmoid(sigmoid)``; the checks live in ``bpkit_grader``, which
students never receive. But when a hidden check fails, IPython's traceback quotes the lines of
``bpkit_grader/*.py`` around each frame, and nbgrader copies that traceback into the feedback
HTML, so the seeds, shapes and reference computations would be shown after all.

:class:`HideGraderFrames` runs right after execution during autograding and replaces every
traceback frame from a grader-only package with one line. The error's type and message, which is
what the student needs (``CheckError: dW looks like a missing 1/n``), stay.
"""

from __future__ import annotations

import os

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

HIDDEN_NOTE = "[a grader-side check ran here; its code is not shown]"


class HideGraderFrames(NbGraderPreprocessor):
    """Drop traceback frames that come from grader-only packages."""

    packages = List(
        Unicode(),
        ["bpkit_grader"],
        help="Top-level packages or modules whose source must not be shown.",
    ).tag(config=True)

    def _hidden(self, frame: str) -> bool:
        marks = [m for n in self.packages for m in (f"{os.sep}{n}{os.sep}", f"{os.sep}{n}.py")]
        return any(mark in frame for mark in marks)

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type != "code":
            return cell, resources
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            frames: list[str] = []
            for frame in out.get("traceback", []):
                if not self._hidden(frame):
                    frames.append(frame)
                elif not frames or frames[-1] != HIDDEN_NOTE:
                    frames.append(HIDDEN_NOTE)
            out.traceback = frames
        return cell, resources
