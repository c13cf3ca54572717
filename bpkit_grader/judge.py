"""The grader's half of a hidden test: judge the kernel's plain-data records, outside the kernel.

Each exercise is defined once, as a row of its notebook's table ``bpkit.checks.nbNN.EXERCISES``
(its check, visible cases, reference and named mistakes). Each ``bpkit_grader/nbNN.py`` adds one
grader-only table, ``HIDDEN``: for every exercise, the keyword arguments of that same check that
give its hidden cases (inputs only). The visible check and this judge run the same row.

:func:`cases_payload` is what the grader leaves in the kernel's folder (inputs only).
:func:`judge` replays what the kernel recorded (``bpkit.checks._replay``) to the checks in this
process, whose numpy, builtins and modules the student never touched, and returns ``None`` for a
pass or the diagnosis the student reads.
"""

from __future__ import annotations

import copy
import importlib
import pickle
from typing import Any

from bpkit.checks import _replay
from bpkit.checks._core import CheckError
from bpkit.checks._exercise import Exercise

#: What the feedback says when a record is missing or does not fit the check.
NO_RECORD = "the hidden checks' results never reached the grader"


#: Where a notebook's hidden table lives (``<package>.<notebook>``), and its checks module.
GRADER_PACKAGE = "bpkit_grader"
CHECKS_PACKAGE = "bpkit.checks"


def _module(package: str, notebook: str) -> Any:
    if not notebook.replace("_", "").isalnum():
        raise ValueError(f"not a notebook module name: {notebook!r}")
    return importlib.import_module(f"{package}.{notebook}")


def specs(notebook: str, package: str = GRADER_PACKAGE) -> dict[str, dict[str, Any]]:
    """The ``HIDDEN`` table of ``<package>.<notebook>`` (default ``bpkit_grader.<notebook>``)."""
    return _module(package, notebook).HIDDEN


def _exercise(checks: Any, exercise: str) -> Exercise:
    """The row of ``exercise`` in its notebook's table (``bpkit.checks.nbNN.EXERCISES``)."""
    return checks.EXERCISES[exercise]


def cases_payload(
    notebook: str, package: str = GRADER_PACKAGE, checks_package: str = CHECKS_PACKAGE
) -> bytes:
    """The hidden cases of ``notebook`` as the kernel reads them (``bpkit.checks.hidden``)."""
    table = {name: dict(cases) for name, cases in specs(notebook, package).items()}
    payload = {"notebook": notebook, "checks": f"{checks_package}.{notebook}", "specs": table}
    return pickle.dumps(payload, protocol=4)


def _replay_run(part: Any, run: Any, source: str, label: str) -> str | None:
    """Replay one recorded run; None if the check passes on the recorded numbers."""
    if _replay.mode() is not None:
        raise RuntimeError("a replay is already in progress")
    if type(part) is not dict or type(part.get("records")) is not list:
        return f"{NO_RECORD} ({label})."
    replay = _replay.Replay(part["records"], source)
    previous = _replay.set_mode(replay)
    try:
        run(_replay.ReplayedFunction("your function", source))
    except CheckError as error:
        return str(error)
    except _replay.ReplayError as error:
        stopped = str(part.get("stopped") or "")[:500]
        return f"{error}." + (f" In the kernel it stopped with: {stopped}" if stopped else "")
    except Exception as error:  # noqa: BLE001 - whatever the records make the check do
        return f"{label}: the check could not use your results ({type(error).__name__}: {error})"
    finally:
        _replay.set_mode(previous)
    if replay.position != len(replay.records):
        return f"{label}: more results were recorded than the check asked for (tampering?)."
    return None


def judge(
    notebook: str,
    exercise: str,
    payload: Any,
    source: str = "",
    package: str = GRADER_PACKAGE,
    checks_package: str = CHECKS_PACKAGE,
) -> str | None:
    """Verdict on one hidden test cell from its recorded ``payload``.

    source: the student's answer cell (for checks that read the function's text).
    Returns None when the visible and the hidden cases pass, else the message to show.
    """
    table = specs(notebook, package)
    if exercise not in table:
        raise KeyError(f"{notebook} has no hidden cases for {exercise!r}")
    spec = table[exercise]
    if type(payload) is not dict or payload.get("exercise") != exercise:
        return f"{NO_RECORD}: the hidden test cell produced no results for {exercise}."
    checks = _module(checks_package, notebook)
    row = _exercise(checks, exercise)
    kwargs = copy.deepcopy(spec)
    if row.values:
        try:
            values = _replay.decode(payload.get("values"))
        except _replay.ReplayError as error:
            return f"{NO_RECORD}: {error}."
        if type(values) is not list:
            return f"{NO_RECORD}: no values were handed over."
        try:
            row.run(*values, **kwargs)
        except CheckError as error:
            return str(error)
        except Exception as error:  # noqa: BLE001
            return f"the check could not use your values ({type(error).__name__}: {error})"
        return None
    visible = _replay_run(
        payload.get("visible"), lambda fn: getattr(checks, exercise)(fn), source, "visible cases"
    )
    if visible is not None:
        return visible
    return _replay_run(
        payload.get("hidden"),
        lambda fn: row.run(fn, **kwargs),
        source,
        "hidden cases",
    )


def record_in_process(notebook: str, exercise: str, *args: Any) -> dict[str, Any]:
    """What the kernel would emit for ``args``, recorded here (tests and instructor runs)."""
    from bpkit.checks import hidden

    spec = specs(notebook)[exercise]
    row = _exercise(_module(CHECKS_PACKAGE, notebook), exercise)
    if row.values:
        return hidden.values_payload(notebook, exercise, args)
    (fn,) = args
    return hidden.payload(notebook, exercise, row, copy.deepcopy(spec), fn)


def judge_in_process(notebook: str, exercise: str, *args: Any, source: str = "") -> str | None:
    """Record and judge in this process, through the same plain data the kernel would emit."""
    import json

    payload = json.loads(json.dumps(record_in_process(notebook, exercise, *args)))
    return judge(notebook, exercise, payload, source)
