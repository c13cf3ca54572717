"""Grade ONE student in its own OS process.

``bpkit grade`` forks one child per student (:func:`child_main`); ``python -m
bpkit.grading.worker ...`` does the same by hand, for debugging one submission. Whatever a notebook
does (``os._exit``, a segfault, eating all memory) can at worst end that process, never the batch.
Forking from a parent that has already imported nbgrader saves each student the ~4 s of CPU that
importing nbgrader, nbconvert and jsonschema costs. The process:

1. caps its own address space (``resource.setrlimit``); the kernel it starts inherits the cap, so
   a memory blow-up becomes a ``MemoryError`` in the cell, or at worst a dead kernel;
2. pins numeric libraries to one thread, because ``--workers`` kernels already share the cores;
3. runs nbgrader's autograde for the student on the sanitized copy, retrying when a shared SQLite
   gradebook reports ``database is locked``;
4. writes a JSON verdict: graded / timed out / failed, with the reason in plain words.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
LOCKED = "database is locked"


def limit_memory(megabytes: int) -> None:
    """Cap this process's (and its children's) address space at ``megabytes`` MiB (0: no cap)."""
    if megabytes <= 0:
        return
    import resource

    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _cell_label(cell: dict, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1} ('{grade_id}')" if grade_id else f"cell {index + 1}"


def notebook_findings(paths: list[Path]) -> dict[str, list[str]]:
    """Read graded notebooks: cells that timed out, ran out of memory, or tripped the guard."""
    found: dict[str, list[str]] = {"timeouts": [], "memory": [], "tampering": []}
    for path in paths:
        try:
            nb = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        for index, cell in enumerate(nb.get("cells", [])):
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    continue
                name, value = out.get("ename", ""), str(out.get("evalue", ""))
                label = f"{path.stem}: {_cell_label(cell, index)}"
                if name == "CellTimeoutError":
                    found["timeouts"].append(label)
                elif name == "MemoryError":
                    found["memory"].append(label)
                elif "Tampering detected" in value:
                    found["tampering"].append(f"{label}: {value.splitlines()[0]}")
    return found


def kernel_died(text: str) -> bool:
    """Whether nbgrader's log says the kernel died (rather than a cell failing)."""
    return "Kernel died" in text or "DeadKernelError" in text


def sandbox_kernels(config: Any, args: argparse.Namespace) -> None:
    """Run this student's kernel in the bubblewrap sandbox (see :mod:`bpkit.grading.sandbox`).

    nbgrader's Execute hands nbclient its own kernel manager class, overriding configuration,
    so the preprocessor itself is swapped for the sandboxed one.
    """
    from nbgrader.preprocessors import Execute

    from bpkit.grading.sandbox import UID_BASE, SandboxedExecute

    steps = config.Autograde.autograde_preprocessors
    config.Autograde.autograde_preprocessors = [
        SandboxedExecute if step is Execute else step for step in steps
    ]
    config.SandboxKernelManager.memory_mb = int(args.memory_mb) or 4096
    if getattr(args, "scratch_root", None):  # the parent removes it, even if this process is killed
        os.makedirs(args.scratch_root, mode=0o755, exist_ok=True)
        config.SandboxKernelManager.scratch_root = args.scratch_root
    config.SandboxKernelManager.sandbox_uid = UID_BASE + int(getattr(args, "slot", 0))


def explain_failure(text: str, memory_mb: int) -> str:
    """A plain-words reason from nbgrader's log and traceback."""
    full = re.search(r"sandbox: the notebook wrote more than \d+ MB[^\n]*", text)
    if full:
        return full.group(0).removeprefix("sandbox: ")
    if "Kernel died" in text or "DeadKernelError" in text:
        return (
            "the kernel died while running the notebook (os._exit, a crash such as a segfault, "
            f"or memory use beyond the {memory_mb} MB limit)"
        )
    if "CellTimeoutError" in text:
        return (
            "a cell kept running after the timeout tried to interrupt it (does it catch "
            "KeyboardInterrupt?), so the notebook was abandoned"
        )
    if "UnresponsiveKernelError" in text or "became unresponsive" in text:
        return "the kernel stopped responding and could not be interrupted"
    if LOCKED in text:
        return "the gradebook stayed locked by other graders (database is locked)"
    if "MemoryError" in text:
        return f"the grader ran out of memory (limit {memory_mb} MB)"
    exceptions = [
        line.strip()
        for line in text.splitlines()
        if re.match(r"\s*[A-Za-z_][\w.]*(Error|Exception): ", line)
        and "NbGraderException" not in line
    ]
    if exceptions:
        return f"nbgrader failed: {exceptions[-1]}"
    errors = [line for line in text.splitlines() if line.startswith("[ERROR]")]
    useful = [e for e in errors if "Please see the" not in e and "There was an error" not in e]
    useful = [e for e in useful if "Traceback" not in e]
    return (useful or errors or ["nbgrader autograde failed"])[0].removeprefix("[ERROR] ")


def grade_one(args: argparse.Namespace) -> dict:
    """Autograde one student; return the verdict dict."""
    from bpkit.grading.course import SANITIZED, Course
    from bpkit.grading.status import FAILED, GRADED, TIMED_OUT

    progress = Path(args.result).with_suffix(".cell")

    def on_cell(cell=None, cell_index=0, **_: object) -> None:
        progress.write_text(_cell_label(cell or {}, cell_index))

    course = Course(Path(args.root), db_url=args.db_url, timeout=args.timeout)
    course._config.Execute.on_cell_execute = on_cell
    if getattr(args, "sandbox", False):
        sandbox_kernels(course._config, args)
    api = course.api(submitted_directory=SANITIZED)
    result: dict = {}
    died = 0  # a dead kernel is graded once more before it counts against the student
    for attempt in range(args.retries + 2):
        result = api.autograde(args.assignment, args.student, force=True, create=True)
        text = (result.get("log") or "") + (result.get("error") or "")
        if not result["success"] and kernel_died(text) and died == 0:
            died += 1
            continue
        if result["success"] or LOCKED not in text or attempt >= args.retries:
            break
        time.sleep(0.5 * 2**attempt)
    text = (result.get("log") or "") + (result.get("error") or "")
    from bpkit.grading.course import redact

    text = redact(text, args.db_url)
    print(text, flush=True)  # the worker's log file keeps nbgrader's full account
    folder = course.autograded_dir / args.student / args.assignment
    findings = notebook_findings(sorted(folder.glob("*.ipynb")))
    verdict = {"status": GRADED, "reason": "", "findings": findings, "attempts": attempt + 1}
    if not result["success"]:
        where = progress.read_text() if progress.exists() else ""
        reason = explain_failure(text, args.memory_mb)
        if where and not reason.startswith("the gradebook"):
            reason += f"; last cell started: {where}"
        if died:
            reason += "; graded twice, the kernel died both times"
        verdict.update(status=FAILED, reason=reason)
    elif died:
        verdict["reason"] = "the kernel died on the first try and the student was graded again"
    elif findings["timeouts"]:
        cells = ", ".join(findings["timeouts"])
        verdict.update(
            status=TIMED_OUT,
            reason=f"{cells} ran longer than {args.timeout} s and scored 0; the rest was graded",
        )
    if findings["memory"] and verdict["status"] != FAILED:
        note = f"out of memory (limit {args.memory_mb} MB) in {', '.join(findings['memory'])}"
        verdict["reason"] = "; ".join(filter(None, [verdict["reason"], note]))
    return verdict


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bpkit.grading.worker")
    parser.add_argument("--root", required=True)
    parser.add_argument(
        "--db-url",
        default=os.environ.get("BPKIT_DB_URL"),
        help="gradebook URL without a password (default: env BPKIT_DB_URL)",
    )
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--student", required=True)
    parser.add_argument("--timeout", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--retries", type=int, default=4)
    parser.add_argument("--result", required=True, help="where to write the JSON verdict")
    return parser.parse_args(argv)


PRELOAD = (
    "nbgrader.apps.api",
    "nbgrader.converters.autograde",
    "nbgrader.preprocessors",
    "ipykernel.kernelspec",
    "IPython.core.interactiveshell",
    "sqlite3",
    "sqlalchemy.dialects.sqlite",
    "bpkit.grading.course",
)


def preload(course: Any = None, assignment: str | None = None) -> None:
    """Import what grading needs, so forked children start warm (each saves ~0.3 s of CPU).

    With a ``course``, also run once the read-only gradebook queries and the notebook validation
    that every child repeats. SQLAlchemy memoizes the compiled form of a query on shared objects,
    and nbformat caches its compiled schema, so a child forked afterwards inherits both instead
    of rebuilding them: about 0.3 s less per student, which a serial ``nbgrader autograde`` gets
    for free from its second student on.
    """
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # optional speed-up only
            pass
    if course is not None and assignment:
        try:
            _warm_queries(course, assignment)
        except Exception:  # noqa: BLE001 - a speed-up only; grading itself reports real problems
            pass


def _warm_queries(course: Any, assignment: str) -> None:
    """The lookups of nbgrader's autograde, for a student who does not exist (nothing written)."""
    import nbformat
    from nbgrader.api import MissingEntry

    nbformat.validate(nbformat.v4.new_notebook())
    nobody = "bpkit-warm-up"
    with warnings.catch_warnings(), course.gradebook() as gb:
        warnings.simplefilter("ignore")
        lookups: list[tuple[Any, tuple]] = [(gb.find_student, (nobody,))]
        lookups.append((gb.find_submission, (assignment, nobody)))
        for notebook in gb.find_assignment(assignment).notebooks[:1]:
            nb = notebook.name
            lookups += [
                (gb.find_notebook, (nb, assignment)),
                (gb.find_submission_notebook, (nb, assignment, nobody)),
            ]
            for cell in [*notebook.grade_cells, *notebook.solution_cells][:1]:
                lookups += [
                    (gb.find_source_cell, (cell.name, nb, assignment)),
                    (gb.find_graded_cell, (cell.name, nb, assignment)),
                    (gb.find_grade, (cell.name, nb, assignment, nobody)),
                    (gb.find_comment, (cell.name, nb, assignment, nobody)),
                ]
        for lookup, args in lookups:
            try:
                lookup(*args)
            except MissingEntry:
                pass


def child_main(args: argparse.Namespace, log_path: str) -> None:
    """Entry point of a forked child: own session, output to ``log_path``, then grade."""
    os.setsid()  # Ctrl-C in the terminal reaches the parent, which stops the children
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    run(args)


def main(argv: list[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


def quiet_warnings() -> None:
    """Start from Python's default warning filters, whatever the parent process set.

    A parent that turns warnings into errors (a test runner, ``python -W error``) must not break
    nbgrader, which triggers SQLAlchemy's harmless "not in session" SAWarning on every new
    submission; that one is silenced.
    """
    warnings.resetwarnings()
    warnings.filterwarnings("ignore", message=".*not in session.*")


def run(args: argparse.Namespace) -> None:
    """Grade one student and write the verdict to ``args.result``."""
    quiet_warnings()
    # The kernel inherits this cap (the sandbox sets its own as well); the worker keeps it too,
    # since it holds whatever the kernel sends back.
    limit_memory(args.memory_mb)
    for var in THREAD_VARS:
        os.environ[var] = "1"
    try:
        verdict = grade_one(args)
    except MemoryError:
        verdict = {
            "status": "failed",
            "reason": f"the grader ran out of memory ({args.memory_mb} MB)",
        }
    except Exception as error:  # report, never crash silently
        from bpkit.grading.course import redact

        reason = redact(f"grader error: {type(error).__name__}: {error}", args.db_url)
        verdict = {"status": "failed", "reason": reason}
    Path(args.result).write_text(json.dumps(verdict))


if __name__ == "__main__":
    sys.exit(main())
