"""Progress output: what ``bpkit grade`` prints (a line per student, a tqdm bar on terminals, the
summary table), and ``fit``'s tqdm bar in a real Jupyter kernel, graded and not."""

from __future__ import annotations

import io
import os
import sys
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient

from bpkit.cli import print_summary
from bpkit.grading.progress import Progress
from bpkit.grading.status import StudentStatus

ROWS = [
    StudentStatus("ex01", "ann", "graded", seconds=2.0),
    StudentStatus("ex01", "bob", "failed", "the kernel died while running the notebook", [], 3.0),
    StudentStatus("ex01", "cy", "timed out", "cell 4 ran longer than 30 s", [], 31.0),
    StudentStatus("ex01", "dee", "graded", "", ["answer 'f', line 2: assigns numpy.allclose"], 2.0),
    StudentStatus("ex01", "eve", "missing", "no submission"),
]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_log_file_gets_one_plain_line_per_student():
    out = io.StringIO()
    progress = Progress(len(ROWS), stream=out)
    for row in ROWS:
        progress.done(row)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(ROWS)
    assert lines[1].split()[:4] == ["bob", "failed", "in", "3"]
    assert "the kernel died" in lines[1]
    assert "[suspicious]" in lines[3] and "\r" not in out.getvalue()


def test_terminal_gets_a_redrawn_bar_with_counts():
    out = FakeTerminal()
    progress = Progress(0, stream=out)  # bpkit grade learns the class size later
    progress.message("registered 'ex01' in the gradebook")
    progress.total = len(ROWS)
    for row in ROWS[:2]:
        progress.done(row)
    text = out.getvalue()
    last = text.rsplit("\r", 1)[-1]  # tqdm redraws the bar in place; this is what shows now
    assert last.startswith("[" + "#" * 12 + "." * 18 + "] 2/5, failed 1, graded 1 [")
    # the per-student lines scroll above the bar, whole
    assert text.startswith("registered 'ex01' in the gradebook\n")
    assert "\r  ann                  graded in 2 s\n" in text
    assert (
        "  bob                  failed in 3 s: the kernel died while running the notebook\n" in text
    )
    progress.close()
    assert out.getvalue().endswith("\n")  # the final bar stays, on its own line


def test_a_terminal_that_reports_no_size_still_shows_the_bar(monkeypatch):
    # a bare pseudo-terminal (`script`, some CI runners) reports 0 x 0; as sys.stderr, tqdm
    # would take that as the screen's size and draw nothing
    master, slave = os.openpty()
    with os.fdopen(slave, "w") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        progress = Progress(1)
        progress.done(ROWS[0])
        progress.close()
        text = os.read(master, 1 << 16).decode()
    os.close(master)
    assert "[" + "#" * 30 + "] 1/1, graded 1 [" in text
    assert "  ann                  graded in 2 s" in text


def test_quiet_writes_nothing():
    out = FakeTerminal()
    progress = Progress(len(ROWS), stream=out, enabled=False)
    progress.message("hello")
    for row in ROWS:
        progress.done(row)
    progress.close()
    assert out.getvalue() == "" and progress.bar is None


def test_the_bar_is_tqdm():
    from tqdm.std import tqdm

    out = FakeTerminal()
    progress = Progress(2, stream=out)
    progress.done(ROWS[0])
    assert isinstance(progress.bar, tqdm) and progress.bar.n == 1 and progress.bar.total == 2
    progress.close()


def test_summary_table_counts_every_status_and_says_why():
    out = io.StringIO()
    print_summary(ROWS, out)
    text = out.getvalue()
    assert "Summary: 5 students" in text
    for status, count in [("graded", 2), ("timed out", 1), ("failed", 1), ("missing", 1)]:
        assert f"  {status:<18}{count:>6}" in text
    assert f"  {'invalid notebook':<18}{0:>6}" in text
    assert f"  {'suspicious':<18}{1:>6}" in text
    assert "bob                  failed: the kernel died" in text
    assert "dee                  answer 'f', line 2: assigns numpy.allclose" in text


# ----- fit's bar in a real kernel ---------------------------------------------------------------
TRAIN_WITH_A_BAR = textwrap.dedent(
    """\
    from bpkit.data import moons
    from bpkit.model import mlp
    from bpkit.train import fit

    X, y = moons(60, noise=0.2, seed=1)
    history = fit(mlp([2, 8, 1], seed=0), X, y, loss="bce", epochs=5, progress=True)
    assert len(history.loss) == 5
    print("trained")
    """
)


def run_in_kernel(grading: str | None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(TRAIN_WITH_A_BAR)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NBGRADER_")}
    env.pop("MPLBACKEND", None)
    if grading:
        env["NBGRADER_EXECUTION"] = grading
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute(env=env)
    return nb


def streams(cell, name):
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


@pytest.mark.slow
def test_in_jupyter_the_bar_is_tqdms_widget_and_writes_no_stderr():
    (cell,) = run_in_kernel(grading=None).cells
    assert [o for o in cell.outputs if o.output_type == "error"] == []
    assert streams(cell, "stderr") == ""
    widgets = [
        o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(widgets) == 1  # tqdm.auto chose its notebook bar: JupyterLab shows a widget
    assert "epoch" in widgets[0].data["text/plain"]
    assert streams(cell, "stdout") == "trained\n"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_a_graded_cell_that_trains_with_a_bar_writes_no_stderr(mode):
    (cell,) = run_in_kernel(grading=mode).cells
    assert [o for o in cell.outputs if o.output_type == "error"] == []
    assert streams(cell, "stderr") == ""
    assert [o.output_type for o in cell.outputs] == ["stream"]  # no bar at all under nbgrader
    assert streams(cell, "stdout") == "trained\n"
