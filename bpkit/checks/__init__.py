"""Visible checks for the course notebooks.

Each notebook imports its own module, e.g. ``from bpkit.checks import nb02 as checks``, and its
test cells call ``checks.<exercise>(<student function>)``. The shared machinery (messages that
name the likely mistake, and the guard against monkeypatching) lives in ``_core``.
"""

from bpkit.checks._core import CheckError

__all__ = ["CheckError"]
