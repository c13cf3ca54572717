"""A class with hostile students, graded in the real sandbox: nobody cheats, reads or harms.

Two honest students (one sorted before every attacker, one after) and one attacker per class of
attack: four ways to fake full marks, each kind of harm to others, a detached daemon, leaks of
secrets into feedback, 30 forks, a 100 MB file and an attempt to kill the grader. Every attacker
answers both exercises wrongly, so any point it earns is a point it did not solve.

The grader's environment holds a fake database password and a fake instructor home with an SSH key
and a pgpass file; attackers know the absolute paths of the course, the grader-only package and
that home, as the cleverest student would.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import fabricate_class as fab
import nbformat
import pytest

from bpkit.cli import main as bpkit_main
from bpkit.grading.course import Course
from bpkit.grading.export import export_rows

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="needs bubblewrap (bwrap)"),
]

REPO = Path(__file__).resolve().parents[2]
SECRET_ENV = "FAKE-ENV-SECRET-5c1e"
SECRET_DB = "FAKE-DB-PASSWORD-9d2f"
SECRET_SSH = "FAKE-SSH-KEY-77ab"
SECRET_PGPASS = "FAKE-PGPASS-31c0"
MARKER = "bpkit-attack-marker-4e1"
WRONG = {"square": fab.WRONG["square"], "mean": fab.WRONG["mean"]}
HONEST = ("aaa_honest", "zzz_honest")


def attacks(root: Path, home: Path) -> dict[str, str]:
    """student -> code put before the (wrong) answers in the 'square' cell."""
    grader = root / "fixture_grader" / "ex01.py"
    solution = root / "solutions" / "ex01" / "ex01.ipynb"
    return {
        # ---- four ways to full marks without solving anything
        "cheat_modules": """
import sys, types
fake = types.ModuleType("fixture_checks.ex01")  # no __file__
for name in ("check_square", "check_mean", "square", "mean", "_check_square", "_check_mean"):
    setattr(fake, name, lambda *a, **k: None)
sys.modules["fixture_checks.ex01"] = sys.modules["fixture_checks"].ex01 = fake
checks = fake
import bpkit.checks.hidden as h, bpkit.checks._replay as r
h.record = lambda *a, **k: None
r.Recording.__init__ = lambda self: setattr(self, "records", [])
""",
        "cheat_liar": """
import sys
class Liar:
    @property
    def __class__(self):
        return np.ndarray
    def __array__(self, dtype=None, copy=None):
        frame = sys._getframe(1)
        while frame is not None:
            for key in ("expected", "expected_arr", "right", "want"):
                if key in frame.f_locals:
                    return np.asarray(frame.f_locals[key])
            frame = frame.f_back
        return np.zeros(3)
_square, _mean = Liar, Liar
""",
        "cheat_ctypes": """
import ctypes
def _loops(uf):
    return ctypes.c_void_p.from_address(id(uf) + 32).value
A = (ctypes.c_void_p * np.absolute.ntypes).from_address(_loops(np.absolute))
S = (ctypes.c_void_p * np.spacing.ntypes).from_address(_loops(np.spacing))
A[np.absolute.types.index("d->d")] = S[np.spacing.types.index("d->d")]
print("abs(-5) is now", np.absolute(np.array([-5.0]))[0])
""",
        "cheat_rewrite": f"""
import glob, os
# the grader-only table and the checks the grader imports (this course's copies: a regression
# must not be able to damage the repository the tests run from)
targets = [{str(grader)!r}, *glob.glob({str(root / "fixture_lib" / "fixture_checks")!r} + "/*.py")]
for path in targets:
    try:
        with open(path, "w") as f:
            f.write("HIDDEN = {{}}\\n")
        print("rewrote", path)
    except OSError as error:
        print("could not rewrite", path, error)
""",
        "cheat_hook": """
_ip = get_ipython()
_ip.events.register("pre_run_cell", lambda *a, **k: _ip.displayhook("full marks, please"))
""",
        "cheat_links": """
import os
for name in sorted(os.listdir(".")):
    try:
        print(name, open(name).read()[:3000])
    except OSError as error:
        print(name, error)
""",
        # ---- harm to others
        "harm_gradebook": f"""
import sqlite3
try:
    db = sqlite3.connect({str(root / "gradebook.db")!r})
    db.execute("UPDATE grade SET manual_score = 0, extra_credit = 0")
    db.execute("UPDATE submitted_notebook SET flagged = 1")
    db.execute("UPDATE bpkit_grading_status SET status = 'failed'")
    db.commit()
    print("gradebook written")
except Exception as error:
    print("gradebook:", error)
""",
        "harm_files": f"""
import shutil
for action in (
    lambda: open({str(root / "submitted" / "zzz_honest" / "ex01" / "ex01.ipynb")!r}, "w").close(),
    lambda: shutil.rmtree({str(root / "autograded" / "aaa_honest")!r}),
    lambda: open({str(solution)!r}, "a").write("{{}}"),
    lambda: open({str(root / "course" / "ex01" / "ex01.ipynb")!r}, "a").write("{{}}"),
):
    try:
        action()
        print("done")
    except OSError as error:
        print("failed:", error)
""",
        "harm_daemon": f"""
import subprocess, sys
code = ("import time, sqlite3\\n"
        "time.sleep(4)\\n"
        "db = sqlite3.connect({str(root / "gradebook.db")!r})\\n"
        "db.execute('UPDATE grade SET auto_score = 0')\\n"
        "db.commit()\\n")
subprocess.Popen([sys.executable, "-c", code, {MARKER!r}], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
""",
        "harm_killer": """
import os, signal
os.kill(os.getppid(), signal.SIGKILL)
for pid in os.listdir("/proc"):  # every grader-like process it can see
    try:
        cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        grader = b"bpkit" in cmdline or b"pytest" in cmdline
        if pid.isdigit() and int(pid) != os.getpid() and grader:
            os.kill(int(pid), signal.SIGKILL)
    except OSError:
        pass
""",
        # ---- leaks into the student's own feedback
        "leak": f"""
import glob, os
print(dict(os.environ))
for path in glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/environ"):
    try:
        print(path, open(path, "rb").read()[:2000])
    except OSError:
        pass
for path in [{str(home / ".ssh" / "id_rsa")!r}, {str(home / ".pgpass")!r}, {str(grader)!r},
             {str(solution)!r}, *glob.glob({str(REPO / "bpkit_grader")!r} + "/*.py"),
             os.path.expanduser("~/.ssh/id_rsa"), "../../../solutions/ex01/ex01.ipynb"]:
    try:
        print(path, open(path).read())
    except OSError as error:
        print(path, error)
try:
    import fixture_grader.ex01 as g
    print(g.HIDDEN)
except ImportError as error:
    print(error)
""",
        # ---- resource abuse
        "forks": f"""
import os, time
for _ in range(30):
    try:
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "600", {MARKER!r}])
    except OSError as error:
        print("fork refused:", error)
        break
""",
        "diskfill": """
for k in range(40):
    try:
        with open(f"fill{k}.bin", "wb") as f:
            for _ in range(30):
                f.write(b"\\0" * 1_000_000)
    except OSError as error:
        print("stopped at", k, error)
        break
""",
        "script": """
from IPython.display import HTML, Javascript, display
display(HTML("<script>document.title = 'owned-7c2'</script><img src=x onerror=alert('owned-7c2')>"))
display(Javascript("alert('owned-7c2')"))
""",
        "bigfile": """
for path in ("big.bin", "/tmp/big.bin"):
    try:
        with open(path, "wb") as f:
            for _ in range(100):
                f.write(b"\\0" * 1_000_000)
        print("wrote", path)
    except OSError as error:
        print("could not write", path, error)
""",
    }


def _answers(code: str) -> dict[str, str]:
    square = "\n".join([code.strip("\n"), WRONG["square"]])
    if "_square, _mean = Liar, Liar" in code:  # the liar returns lying objects from both
        square += "\ndef square(x):\n    return _square()\n\ndef mean(x):\n    return _mean()"
        return {"square": square, "mean": "pass"}
    return {"square": square, "mean": WRONG["mean"]}


def _fingerprints(root: Path) -> dict[str, str]:
    """Content hashes of everything a student must not change."""
    skip = {"autograded", "sanitized", "feedback", ".bpkit", "gradebook.db", "__pycache__"}
    found = {}
    for base in (root, REPO / "bpkit", REPO / "bpkit_grader"):
        for path in sorted(base.rglob("*")):
            parts = set(path.relative_to(base).parts)
            if path.is_file() and not parts & skip and path.suffix != ".pyc":
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _survivors() -> list[str]:
    out = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if MARKER in text:
            out.append(f"{cmdline.parent.name}: {text[:120]}")
    return out


def _grades(course: Course, student: str) -> dict[str, float]:
    with course.gradebook() as gb:
        sub = gb.find_submission(fab.ASSIGNMENT, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades}


def _grade(root: Path) -> int:
    return bpkit_main(
        ["grade", fab.ASSIGNMENT, "--root", str(root), "--workers", "2", "--timeout", "20"]
    )


@pytest.fixture(scope="module")
def attacked(course_template, tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    home = base / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(f"-----BEGIN KEY-----\n{SECRET_SSH}\n")
    (home / ".pgpass").write_text(f"dbhost:5432:bpkit:grader:{SECRET_PGPASS}\n")

    baseline = base / "baseline"
    shutil.copytree(course_template, baseline)
    root = base / "course"
    shutil.copytree(course_template, root)
    for course in (baseline, root):
        for student in HONEST:
            fab.submit(course, student, fab.filled(course, fab.CORRECT))
    for student, code in attacks(root, home).items():
        fab.submit(root, student, fab.filled(root, _answers(code)))
    links = root / "submitted" / "cheat_links" / fab.ASSIGNMENT
    (links / "leak_pgpass").symlink_to(home / ".pgpass")
    (links / "leak_solution").symlink_to(root / "solutions" / "ex01" / "ex01.ipynb")
    (links / "leak_other").symlink_to(root / "submitted" / "aaa_honest" / "ex01" / "ex01.ipynb")
    (links / "endless").symlink_to("/dev/zero")  # must not hang the grader's integrity watch

    saved = dict(os.environ)
    os.environ.update(
        HOME=str(home),
        BPKIT_FAKE_SECRET=SECRET_ENV,
        DATABASE_URL=f"postgresql://grader:{SECRET_DB}@dbhost/bpkit",
    )
    try:
        assert _grade(baseline) == 0
        before = _fingerprints(root)
        code = _grade(root)
        after = _fingerprints(root)
        course = Course(root)
        feedback = bpkit_main(["feedback", fab.ASSIGNMENT, "--root", str(root)])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        "code": code,
        "feedback_code": feedback,
        "course": course,
        "baseline": Course(baseline),
        "before": before,
        "after": after,
        "rows": {r["student"]: r for r in export_rows(course)},
        "students": set(attacks(root, home)) | set(HONEST),
    }


def test_grading_exits_0_and_everyone_has_a_status(attacked):
    assert attacked["code"] == 0
    assert set(attacked["rows"]) == attacked["students"]
    assert all(row["status"] for row in attacked["rows"].values())
    assert all(row["isolation"] == "sandboxed" for row in attacked["rows"].values())


@pytest.mark.parametrize("student", HONEST)
def test_honest_students_get_full_marks_unflagged_as_if_alone(attacked, student):
    row = attacked["rows"][student]
    assert (row["status"], row["score"], row["suspicious"]) == ("graded", 3.0, "no"), row
    assert _grades(attacked["course"], student) == _grades(attacked["baseline"], student)


def test_no_attacker_earns_a_point(attacked):
    scored = {
        s: r["score"] for s, r in attacked["rows"].items() if s not in HONEST and r["score"] != 0
    }
    assert scored == {}


@pytest.mark.parametrize("student", ["cheat_modules", "cheat_liar", "cheat_ctypes", "cheat_hook"])
def test_cheating_answers_are_flagged_for_a_human(attacked, student):
    assert attacked["rows"][student]["suspicious"] == "yes"


def test_no_file_outside_the_scratch_folder_changed(attacked):
    before, after = attacked["before"], attacked["after"]
    assert set(before) == set(after)
    assert [p for p in before if before[p] != after[p]] == []


def test_no_process_survives(attacked):
    assert _survivors() == []


def test_feedback_leaks_no_secret_no_hidden_case_and_no_solution(attacked):
    course = attacked["course"]
    assert attacked["feedback_code"] in (0, 1)  # 1: some student has no graded notebook
    hidden_lines = [
        line.strip()
        for line in (course.root / "fixture_grader" / "ex01.py").read_text().splitlines()
        if len(line.strip()) > 20
    ]
    source = (course.source_dir / "ex01" / "ex01.ipynb").read_text()
    assert fab.SOLUTION_MARK in source
    solution_lines = [fab.SOLUTION_MARK]
    grader_lines = [
        line.strip()
        for path in (REPO / "bpkit_grader").glob("*.py")
        for line in path.read_text().splitlines()
        if len(line.strip()) > 30 and not line.strip().startswith(("from ", "import ", "#"))
    ]
    pages = sorted(course.feedback_dir.rglob("*.html"))
    assert len(pages) >= len(attacked["students"]) - 1
    for page in pages:
        html = page.read_text()
        student = page.parent.parent.name
        for secret in (SECRET_ENV, SECRET_DB, SECRET_SSH, SECRET_PGPASS):
            assert secret not in html, (student, secret)
        for line in hidden_lines + grader_lines:
            assert line not in html, (student, line)
        if student not in HONEST:
            for line in solution_lines:
                assert line not in html, (student, line)


def test_no_script_reaches_a_feedback_page(attacked):
    for page in attacked["course"].feedback_dir.rglob("*.html"):
        html = page.read_text()
        scripts = re.findall(r"<script[^>]*>.*?</script>", html, flags=re.S | re.I)
        assert not [s for s in scripts if "owned-7c2" in s], page
        assert "<img src=x onerror" not in html and '<img src="x" onerror' not in html, page


def test_links_in_a_submission_are_not_followed(attacked):
    row = attacked["rows"]["cheat_links"]
    assert "skipped leak_pgpass: a link or a special file" in row["reason"]
    assert "skipped endless: a link or a special file" in row["reason"]


def test_filling_the_disk_stops_that_student_only(attacked):
    row = attacked["rows"]["diskfill"]
    assert row["status"] == "failed" and row["score"] == 0.0
    assert "wrote more than 256 MB in its folder and was stopped" in row["reason"]
    leftovers = list(Path(tempfile.gettempdir()).glob("bpkit-sb-*/bpkit-sandbox-*"))
    assert leftovers == []


def test_the_sandbox_stopped_the_harm_and_said_why(attacked):
    course = attacked["course"]
    text = "".join(
        o.get("text", "")
        for c in nbformat.read(
            course.autograded_dir / "harm_files" / fab.ASSIGNMENT / "ex01.ipynb", as_version=4
        ).cells
        for o in c.get("outputs", [])
    )
    assert text.count("failed:") == 4 and "done\n" not in text
