"""What ``bpkit grade`` prints: a line per student, a bar on terminals, and the summary table."""

from __future__ import annotations

import io

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
    progress = Progress(len(ROWS), stream=out)
    for row in ROWS[:2]:
        progress.done(row)
    last = out.getvalue().rsplit("\n", 1)[-1]
    assert last.startswith("[" + "#" * 12 + "." * 18 + "] 2/5 failed 1, graded 1")


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
