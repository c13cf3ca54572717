"""Untampered copies of the visible checks, for the hidden tests.

A student's notebook can reach the visible checks module (``checks.sigmoid = lambda f: None``) or
its helpers (``bpkit.checks._core.expect = ...``). The hidden tests therefore never use the shared
modules: :func:`fresh` executes ``bpkit/checks/<name>.py`` (and the ``_core`` and ``_tamper``
modules it builds on) again, straight from the files, under private module names, and runs the
fresh guard before returning. Monkeypatched attributes of the shared modules cannot reach the copy,
and patched numpy/builtins/bpkit objects are reported by the guard.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType

import bpkit.checks._core  # noqa: F401 - the shared package must exist before we swap modules

_CHECKS_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bpkit", "checks"
)
_SUPPORT = ("_tamper", "_core")  # loaded in this order; _core imports _tamper
_SOURCE_CACHE: dict[str, dict[str, object]] = {}  # what the fresh guards learnt from bpkit files


def _checks_dir() -> str:
    if os.path.isfile(os.path.join(_CHECKS_DIR, "_core.py")):
        return _CHECKS_DIR
    return os.path.dirname(os.path.abspath(sys.modules["bpkit.checks"].__file__))


def _load(stem: str, directory: str) -> ModuleType:
    path = os.path.join(directory, f"{stem}.py")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no checks module {stem!r}: {stem}.py is not in bpkit/checks")
    private = f"bpkit.checks.__fresh_{stem.lstrip('_')}"
    spec = importlib.util.spec_from_file_location(private, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[private] = module  # dataclasses and friends look modules up while executing
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(private, None)
    return module


def fresh(name: str) -> ModuleType:
    """Return a pristine copy of ``bpkit.checks.<name>`` (e.g. ``fresh("nb02")``).

    The copy imports pristine ``_core``/``_tamper`` too. Raises the checks' CheckError if numpy,
    builtins or bpkit were monkeypatched.
    """
    if not name.replace("_", "").isalnum():
        raise ValueError(f"fresh() takes a checks module name such as 'nb02', got {name!r}")
    directory = _checks_dir()
    saved = {stem: sys.modules.get(f"bpkit.checks.{stem}") for stem in _SUPPORT}
    try:
        support = {}
        for stem in _SUPPORT:
            support[stem] = _load(stem, directory)
            if stem == "_tamper":  # parsing bpkit's sources once per process is enough
                support[stem]._SOURCE_CACHE = _SOURCE_CACHE
            # While the copy executes, `from bpkit.checks._core import ...` must find the copy.
            sys.modules[f"bpkit.checks.{stem}"] = support[stem]
        module = _load(name, directory) if name not in _SUPPORT else support[name]
    finally:
        for stem, original in saved.items():
            if original is None:
                sys.modules.pop(f"bpkit.checks.{stem}", None)
            else:
                sys.modules[f"bpkit.checks.{stem}"] = original
    # With the shared modules back in place, the fresh guard inspects what the notebook sees.
    support["_core"].guard()
    return module
