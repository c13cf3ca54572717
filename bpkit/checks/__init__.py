"""Visible checks for the course notebooks.

Each notebook imports its own package, e.g. ``from bpkit.checks import nb02 as checks``, and its
test cells call ``checks.<exercise>(<student function>)``. The package's ``__init__`` is a table,
``EXERCISES``: one :class:`~bpkit.checks._exercise.Exercise` per graded exercise, with its check,
its visible cases, bpkit's reference and the mistakes it names; the check code sits beside it,
one module per topic. The grader-only ``bpkit_grader.nbNN`` adds the hidden cases for the same
checks. The shared machinery (messages that name the likely mistake, and the guard against
monkeypatching) lives in ``_core``; hidden tests record plain data for the grader (``hidden``,
``_replay``).
"""

from bpkit.checks._core import CheckError
from bpkit.checks._traceback import install as _install_short_tracebacks

_install_short_tracebacks()  # in a notebook: the diagnosis first, then only the student's frames

__all__ = ["CheckError"]
