"""The grading policy, in one place, applied to an nbgrader config.

The course's ``nbgrader_config.py`` calls :func:`apply_grading_policy`, so plain ``nbgrader``
commands, the formgrader and ``bpkit grade`` all grade the same way:

- **stderr:** Python warnings do not zero a test cell; exceptions do (see
  :mod:`bpkit.grading.stderr` for why).
- **timeouts:** each cell gets ``DEFAULT_TIMEOUT`` seconds; on timeout nbgrader interrupts the
  kernel, the cell scores 0 and the rest of the notebook still runs.
- **deleted or edited test cells:** edited locked cells are restored from the gradebook
  (nbgrader's default) and deleted ones are put back (``OverwriteCells.add_missing_cells``).
- **hidden checks:** judged in the grader's process from the plain data the kernel recorded
  (:mod:`bpkit.grading.judging`); the kernel only ever sees the hidden inputs. Any traceback
  frame from the grader-only package is replaced by one line (:mod:`bpkit.grading.hidden`).
- **partial credit:** none; ``execute_result`` outputs of test cells are dropped before scoring,
  so a display hook cannot make nbgrader read a value as the grade (:mod:`~.judging`).
- **feedback:** HTML in outputs is sanitized (no scripts); the hidden part of each test cell is
  shown as one comment
  (:mod:`bpkit.grading.feedback`), and written answers nobody has graded read *pending*.
- **huge output:** the grading kernel keeps the first lines each cell prints and drops the rest
  (:mod:`bpkit.grading.kernel_output`), so printing millions of lines neither stalls grading nor
  runs into the timeout; the graded notebook keeps at most ``MAX_OUTPUT_LINES`` lines per cell.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    Execute,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from bpkit.grading.hidden import HideGraderFrames
from bpkit.grading.judging import JudgeHidden, ProvideHiddenCases
from bpkit.grading.kernel_output import MAX_LINES, kernel_arguments
from bpkit.grading.output_size import LimitOutputSize
from bpkit.grading.stderr import WarningsToStdout

#: Seconds a single cell may run during grading before it is interrupted.
DEFAULT_TIMEOUT = 30
#: Lines of output kept per cell (the rest is replaced by a truncation note).
MAX_OUTPUT_LINES = 1000
#: Traceback lines kept per error.
MAX_TRACEBACK_LINES = 100


def autograde_preprocessors() -> list[type]:
    """nbgrader's autograde pipeline: hidden inputs go in before execution; right after it, the
    hidden tests are judged outside the kernel, and bpkit's output filters run (the size cap
    first, so that no later step handles a huge output)."""
    return [
        ProvideHiddenCases,
        Execute,
        JudgeHidden,
        LimitOutputSize,
        WarningsToStdout,
        HideGraderFrames,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]


def apply_grading_policy(c: Any, timeout: int | None = None) -> Any:
    """Write bpkit's grading settings into the traitlets config ``c`` and return it.

    ``timeout`` (seconds per cell) defaults to :data:`DEFAULT_TIMEOUT`.
    """
    c.Execute.timeout = DEFAULT_TIMEOUT if timeout is None else int(timeout)
    c.Execute.interrupt_on_timeout = True
    c.Execute.extra_arguments = kernel_arguments(MAX_LINES)
    c.OverwriteCells.add_missing_cells = True
    c.Autograde.autograde_preprocessors = autograde_preprocessors()
    c.LimitOutput.max_lines = MAX_OUTPUT_LINES
    c.LimitOutput.max_traceback = MAX_TRACEBACK_LINES
    c.GenerateFeedback.preprocessors = feedback_preprocessors()
    # Feedback pages show what students' cells displayed: no scripts or event handlers in them.
    c.HTMLExporter.sanitize_html = True
    return c


def feedback_preprocessors() -> list[type]:
    """nbgrader's feedback pipeline, with the hidden-test source taken out."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from bpkit.grading.feedback import HideHiddenTestSource

    return [GetGrades, HideHiddenTestSource, CSSHTMLHeaderPreprocessor]
