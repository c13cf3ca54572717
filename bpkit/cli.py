"""The ``bpkit`` command: release, collect, grade, worker, feedback, export, validate.

Run ``bpkit --help`` or ``bpkit COMMAND --help``. Every instructor command works on the course
root (the folder with ``nbgrader_config.py``, found from the current folder upwards, or given with
``--root``) and its gradebook (SQLite ``gradebook.db`` by default, ``--db-url
postgresql://user@host/db`` for several graders).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from bpkit import __version__

EPILOG = """\
a typical night before marks are due:
  bpkit release --all                      # course/ from solutions/ (students download it)
  bpkit collect 01_chain_rule ~/Downloads/lms_export
  bpkit grade 01_chain_rule --workers 4    # progress bar, then a summary table
  bpkit feedback 01_chain_rule             # feedback/<student>/01_chain_rule/*.html
  bpkit export --output grades.csv         # one row per student and assignment, with a status

students and self-learners:
  bpkit validate course/01_chain_rule/01_chain_rule.ipynb   # failing tests, unwritten answers
"""


def _course(args: argparse.Namespace):
    from bpkit.grading.course import Course, find_root, url_password

    root = Path(args.root) if args.root else find_root()
    timeout = getattr(args, "timeout", None)
    if url_password(getattr(args, "db_url", None)):
        raise ValueError(
            "--db-url holds a password, and every user of this machine can read a command line "
            "(/proc/PID/cmdline). Leave it out and put it in ~/.pgpass (or the file PGPASSFILE "
            "names), or pass the whole URL in the BPKIT_DB_URL environment variable."
        )
    return Course(root, db_url=args.db_url or os.environ.get("BPKIT_DB_URL"), timeout=timeout)


def cmd_release(args: argparse.Namespace) -> int:
    if not args.assignments and not args.all:
        print("bpkit release: name one or more assignments, or use --all", file=sys.stderr)
        return 2
    from bpkit.grading.release import release

    root = Path(args.root) if args.root else None
    paths = release(None if args.all else args.assignments, root=root)
    for path in paths:
        print(f"released {path}")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from bpkit.grading.collect import collect

    report = collect(_course(args), args.assignment, Path(args.source), pattern=args.pattern)
    for student, files in sorted(report.students.items()):
        print(f"  {student:<20} {', '.join(files)}")
    print(f"collected {len(report.students)} students into submitted/*/{args.assignment}/")
    if report.new_students:
        print(f"added {len(report.new_students)} new students to the gradebook")
    for note in report.notes:
        print(f"note: {note}")
    if report.unattributed:
        print(f"\n{len(report.unattributed)} files could not be attributed to a student:")
        for line in report.unattributed:
            print(f"  {line}")
        print("rename them (see bpkit collect --help) or pass --pattern, then collect again")
    return 0


def print_summary(rows, out=sys.stdout) -> None:
    """The table that ends ``bpkit grade``."""
    from bpkit.grading.status import STATUSES

    counts = Counter(r.status for r in rows)
    out.write(f"\nSummary: {len(rows)} students\n")
    out.write(f"  {'status':<18}{'count':>6}\n")
    for status in STATUSES:
        out.write(f"  {status:<18}{counts.get(status, 0):>6}\n")
    suspicious = [r for r in rows if r.suspicious]
    out.write(f"  {'suspicious':<18}{len(suspicious):>6}\n")
    problems = [r for r in rows if r.status != "graded" or r.reason]
    if problems:
        out.write("\nWhy:\n")
        for r in problems:
            out.write(f"  {r.student:<20} {r.status}: {r.reason or '-'}\n")
    if suspicious:
        out.write("\nTo review by hand (possible tampering):\n")
        for r in suspicious:
            out.write(f"  {r.student:<20} {r.suspicion[0]}")
            more = len(r.suspicion) - 1
            out.write(f" (+{more} more, see export)\n" if more else "\n")


def _grade_on_cluster(args: argparse.Namespace, course, progress) -> list:
    """``bpkit grade --cluster``: tasks to the workers, results into this gradebook."""
    from bpkit.grading import cluster
    from bpkit.grading.cluster_coordinator import grade_cluster

    url = cluster.cluster_url(args.cluster or None)
    print(
        f"grading {args.assignment} on the cluster at {cluster.shown(url)} (course version "
        f"{cluster.course_version(course)}), {args.timeout} s per cell"
    )
    return grade_cluster(
        course, args.assignment, url=url, timeout=args.timeout, memory_mb=args.memory_mb,
        students=args.student or None, progress=progress, sandbox=not args.no_sandbox,
        force=args.force, max_tries=args.max_tries, wait_for_workers=args.wait_for_workers,
    )  # fmt: skip


def cmd_grade(args: argparse.Namespace) -> int:
    from bpkit.grading.progress import Progress
    from bpkit.grading.runner import grade_class

    course = _course(args)
    progress = Progress(0, enabled=not args.quiet)
    try:
        if args.cluster is not None:
            rows = _grade_on_cluster(args, course, progress)
        else:
            print(
                f"grading {args.assignment} with {args.workers} workers, {args.timeout} s per cell"
            )
            rows = grade_class(
                course, args.assignment, workers=args.workers, timeout=args.timeout,
                memory_mb=args.memory_mb, students=args.student or None, progress=progress,
                sandbox=not args.no_sandbox,
            )  # fmt: skip
    finally:
        progress.close()
    print_summary(rows)
    if args.no_sandbox or any(r.sandboxed is False for r in rows):
        print(
            "\nWARNING: graded WITHOUT the sandbox (--no-sandbox). Student code ran with your "
            "permissions: it could read and change your files and the gradebook. The export "
            "marks these rows 'unsandboxed'."
        )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from bpkit.grading import cluster
    from bpkit.grading.cluster_worker import run_worker
    from bpkit.grading.course import find_root

    url = cluster.cluster_url(args.cluster or None)
    root = Path(args.root) if args.root else find_root()
    return run_worker(
        url, root, workers=max(1, args.workers), sandbox=not args.no_sandbox,
        redeliver_after=args.redeliver_after, hostname=args.hostname,
    )  # fmt: skip


def cmd_feedback(args: argparse.Namespace) -> int:
    from bpkit.grading.feedback import mark_pending_files, pending_cells

    course = _course(args)
    folder = course.autograded_dir
    students = args.student or []
    if not students and folder.is_dir():
        students = sorted(p.name for p in folder.iterdir() if (p / args.assignment).is_dir())
    if not students:
        print(f"no graded submissions of {args.assignment}; run bpkit grade first", file=sys.stderr)
        return 1
    api = course.api()
    failed = 0
    for student in students:
        if not (folder / student / args.assignment).is_dir():
            failed += 1
            print(f"  {student:<20} no graded notebook (see its status in bpkit export)")
            continue
        result = api.generate_feedback(args.assignment, student, force=True)
        if result["success"]:
            with course.gradebook() as gb:
                pending = pending_cells(gb, args.assignment, student)
            mark_pending_files(course.feedback_dir / student / args.assignment, pending)
            print(f"  {student:<20} {course.feedback_dir / student / args.assignment}")
        else:
            failed += 1
            last = (result.get("error") or "").strip().splitlines()[-1:] or ["unknown error"]
            print(f"  {student:<20} FAILED: {last[0]}")
    print(f"feedback written for {len(students) - failed} of {len(students)} students")
    return 1 if failed else 0


def cmd_export(args: argparse.Namespace) -> int:
    from bpkit.grading.export import export

    n = export(_course(args), output=args.output, assignments=args.assignment or None)
    if args.output != "-":
        print(f"wrote {n} rows to {args.output}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from bpkit.grading.validate import print_report, validate

    report = validate(Path(args.notebook), timeout=args.timeout)
    print_report(report)
    return report.exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bpkit",
        description="bpkit: learn backpropagation by writing it. Course and grading tools.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"bpkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=description)
        p.add_argument(
            "--root", help="course root (default: nearest folder with nbgrader_config.py)"
        )
        return p

    def db(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--db-url",
            help="gradebook URL (default: sqlite gradebook.db in the root; env BPKIT_DB_URL), "
            "e.g. postgresql://grader@dbhost/bpkit to share one gradebook between graders",
        )

    p = command(
        "release", "regenerate course/ from solutions/",
        "Regenerate the student release (course/) from the instructor source (solutions/): "
        "solutions and hidden tests are removed, outputs cleared.",
    )  # fmt: skip
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    p.add_argument("--all", action="store_true", help="release every assignment")
    p.set_defaults(func=cmd_release)

    p = command(
        "collect", "import an LMS download into submitted/",
        "Import SOURCE, a folder of per-student notebooks or zips as an LMS exports them, into "
        "submitted/<student>/ASSIGNMENT/. Names understood: <student>.ipynb|.zip, "
        "<student>_<anything>.ipynb|.zip, Canvas (<name>_<userid>_<attachid>_<file>), Moodle "
        "folders (<Name>_<id>_assignsubmission_file_), or one folder per student. Files that "
        "cannot be attributed are listed; new students are added to the gradebook.",
    )  # fmt: skip
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("source", metavar="SOURCE")
    p.add_argument("--pattern", help="regex with a (?P<student>...) group, tried first")
    db(p)
    p.set_defaults(func=cmd_collect)

    p = command(
        "grade", "autograde every submission, in parallel",
        "Autograde every submission of ASSIGNMENT, each student in its own process, N at a "
        "time. Broken or hostile submissions (endless loops, crashes, os._exit, memory "
        "blow-ups, invalid files, tampering) are recorded with a status and a reason; the rest "
        "of the class is always graded. Ends with a summary table.",
    )  # fmt: skip
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1,
        help="students graded at once (default: number of CPUs, %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--timeout", type=int, default=30,
        help="seconds per cell before it is interrupted and scores 0 (default 30)",
    )  # fmt: skip
    p.add_argument(
        "--memory-mb", type=int, default=4096,
        help="address-space cap per student in MiB, 0 for none (default 4096)",
    )  # fmt: skip
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress output, only the summary")
    p.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run student code without the bubblewrap sandbox (unsafe; rows marked unsandboxed)",
    )
    p.add_argument(
        "--cluster", nargs="?", const="", metavar="URL",
        help="grade on the workers of this Redis broker (redis://HOST:PORT/DB, see bpkit worker); "
        "without URL, or for a URL with a password, the URL comes from env BPKIT_CLUSTER_URL",
    )  # fmt: skip
    p.add_argument(
        "--force", action="store_true",
        help="with --cluster: grade again students that an earlier run already graded",
    )  # fmt: skip
    p.add_argument(
        "--max-tries", type=int, default=3,
        help="with --cluster: a student whose worker died this many times is failed (default 3)",
    )  # fmt: skip
    p.add_argument(
        "--wait-for-workers", type=float, default=120.0, metavar="SECONDS",
        help="with --cluster: fail the remaining students after this long without a worker of "
        "this course version (default 120)",
    )  # fmt: skip
    db(p)
    p.set_defaults(func=cmd_grade)

    p = command(
        "worker", "grade students for a coordinator (bpkit grade --cluster)",
        "Start a grading worker on this machine, for the course in --root at its current "
        "version (a content hash of the release, the sources, the grader-only and checks "
        "packages and the grading policy). It takes students from the Redis broker, grades "
        "each exactly as bpkit grade does (in the sandbox, N at a time) and sends the results "
        "back; only tasks of its own course version reach it. Stop it with Ctrl-C.",
    )  # fmt: skip
    p.add_argument(
        "--cluster", nargs="?", const="", required=True, metavar="URL",
        help="the Redis broker, redis://HOST:PORT/DB; without URL, or for a URL with a "
        "password, the URL comes from env BPKIT_CLUSTER_URL",
    )  # fmt: skip
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1,
        help="students graded at once (default: number of CPUs, %(default)s)",
    )  # fmt: skip
    p.add_argument(
        "--no-sandbox", action="store_true",
        help="run student code without the sandbox (unsafe); takes only tasks of coordinators "
        "that said --no-sandbox too",
    )  # fmt: skip
    p.add_argument(
        "--redeliver-after", type=int, default=1800, metavar="SECONDS",
        help="a task taken by a worker that vanished is handed out again after this long; "
        "must exceed the longest student's grading (default 1800)",
    )  # fmt: skip
    p.add_argument("--hostname", help="this worker's name (default bpkit-PID@HOST)")
    p.set_defaults(func=cmd_worker)

    p = command(
        "feedback", "write per-student HTML feedback",
        "Write feedback/<student>/ASSIGNMENT/<notebook>.html for every graded submission. "
        "Hidden test cells show only a call into the grader-only package, never expected values.",
    )  # fmt: skip
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    db(p)
    p.set_defaults(func=cmd_feedback)

    p = command(
        "export", "write the gradebook as CSV",
        "Write one row per student per assignment: score, max_score, status (graded, timed "
        "out, failed, invalid notebook, missing, not graded yet), reason, suspicious, suspicion "
        "and needs_manual_grade. No student is left out.",
    )  # fmt: skip
    p.add_argument("--format", choices=["csv"], default="csv", help="output format (csv)")
    p.add_argument("--output", "-o", default="grades.csv", help="file to write, - for stdout")
    p.add_argument("--assignment", action="append", help="only this assignment (repeatable)")
    db(p)
    p.set_defaults(func=cmd_export)

    p = command(
        "validate", "check your notebook before you submit it",
        "Run the visible tests of NOTEBOOK and say which failed and why, and list the written "
        "answers (graded by hand) that still read 'YOUR ANSWER HERE' or are empty: they score "
        "0 as they are. Exit code 0: all pass and every written answer is written, ready to "
        "submit; 1: some fail, or a written answer is unfinished; 2: the file could not be "
        "checked (missing, not a notebook).",
    )  # fmt: skip
    p.add_argument("notebook", metavar="NOTEBOOK")
    p.add_argument("--timeout", type=int, default=None, help="seconds per cell (default 30)")
    p.set_defaults(func=cmd_validate)
    return parser


def skip_iri_grammars() -> None:
    """Keep jsonschema from compiling its optional IRI grammars in this process.

    nbformat imports jsonschema, whose format checkers import the optional ``rfc3987_syntax``
    when it is installed; that import compiles 39 parser grammars and costs about 1.3 s of CPU
    on every start of a command. No notebook schema uses the ``iri`` formats it checks, so the
    commands mark the module unavailable (jsonschema then leaves those two formats unchecked).
    Every ``bpkit grade`` and ``bpkit worker`` start, and each cluster coordinator, is that much
    shorter.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bpkit`` console script."""
    skip_iri_grammars()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except (FileNotFoundError, KeyError, ValueError, RuntimeError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"bpkit {args.command}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"bpkit {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
