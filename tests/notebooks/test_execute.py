"""Every solution notebook runs top to bottom, demos included, without errors or stderr output."""

from __future__ import annotations

import pytest
from _nb import Notebook, errors, label, params, stderr


@pytest.mark.parametrize("nb", params(slow=True))
def test_solution_executes_without_errors(nb: Notebook, executed):
    out = executed(nb.source, None)
    failures = [
        f"{label(out, i)}: {e.ename}: {e.evalue}"
        for i, cell in enumerate(out.cells)
        for e in errors(cell)
    ]
    assert not failures, f"{nb.name} raised in " + "; ".join(failures)


@pytest.mark.parametrize("nb", params(slow=True))
def test_solution_writes_nothing_to_stderr(nb: Notebook, executed):
    """nbgrader scores a test cell that writes to stderr as zero, so correct code must not."""
    out = executed(nb.source, None)
    noisy = [
        f"{label(out, i)}: {stderr(c).strip()[:300]}" for i, c in enumerate(out.cells) if stderr(c)
    ]
    assert not noisy, f"{nb.name} wrote to stderr in " + "; ".join(noisy)
