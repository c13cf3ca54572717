"""The bubblewrap sandbox of student kernels: real bwrap, real ipykernel, real limits."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

pytestmark = [pytest.mark.slow]

if shutil.which("bwrap") is None:
    pytest.skip("bubblewrap (bwrap) is not installed", allow_module_level=True)

from jupyter_client import BlockingKernelClient  # noqa: E402

import bpkit  # noqa: E402
from bpkit.grading import sandbox  # noqa: E402
from bpkit.grading.sandbox import (  # noqa: E402
    WORKDIR,
    SandboxKernelManager,
    SandboxUnavailable,
    check_sandbox,
    sandbox_argv,
    sandbox_env,
)

REPO = Path(__file__).resolve().parents[2]
PACKAGE = Path(bpkit.__file__).resolve().parent
DB_URL = "postgresql://u:hunter2@h/db"
FAKE_SECRET = "correct-horse-battery-staple"
# what ipykernel and the shell add to the environment they were given
KERNEL_ADDED = {"CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "GIT_PAGER", "PAGER", "TERM", "PWD"}
KERNEL_ADDED |= {"PYDEVD_USE_FRAME_EVAL", "JPY_PARENT_PID"}


def run_sandboxed(workdir: Path, code: str, **limits: int) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code`` in the grading sandbox."""
    argv = sandbox_argv(str(workdir), **limits) + [sys.executable, "-c", textwrap.dedent(code)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=30)


def host_pids(uid: int | None = None, marker: str | None = None) -> list[int]:
    """Host processes running as ``uid`` or whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text() if entry.name.isdigit() else ""
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        uids = [ln.split()[1] for ln in status.splitlines() if ln.startswith("Uid:")]
        if (uid is not None and uids == [str(uid)]) or (marker and marker in cmdline):
            found.append(int(entry.name))
    return found


def wait_until_gone(uid: int, seconds: float = 5.0) -> list[int]:
    """Poll until no host process runs as ``uid``; return the survivors."""
    deadline = time.monotonic() + seconds
    while (left := host_pids(uid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


class Kernel:
    """A SandboxKernelManager kernel with a blocking client, for tests."""

    def __init__(self, cwd: Path, **traits: object) -> None:
        self.runner = asyncio.Runner()
        self.km = SandboxKernelManager(**traits)
        extra = ["--HistoryManager.hist_file=:memory:"]
        self.runner.run(self.km.start_kernel(cwd=str(cwd), extra_arguments=extra))
        self.kc = BlockingKernelClient()
        self.kc.load_connection_file(self.km.connection_file)
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=30)

    def run(self, code: str) -> str:
        """Execute ``code``; its stdout, or the exception if it failed."""
        out: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = self.kc.execute_interactive(textwrap.dedent(code), output_hook=hook, timeout=30)
        content = reply["content"]
        assert content["status"] == "ok", f"{content.get('ename')}: {content.get('evalue')}"
        return "".join(out)

    def json(self, code: str) -> object:
        """Execute ``code``, which prints one JSON document, and decode it."""
        return json.loads(self.run(code).strip().splitlines()[-1])

    def shutdown(self, now: bool = False) -> None:
        self.kc.stop_channels()
        self.runner.run(self.km.shutdown_kernel(now=now))
        self.runner.close()


@pytest.fixture(scope="module")
def notebook_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebook folder as the grader prepares it: the submission plus hidden cases."""
    folder = tmp_path_factory.mktemp("autograded") / "student" / "ps1"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), folder / "ps1.ipynb")
    hidden = folder / ".bpkit_hidden_cases.pkl"
    hidden.write_bytes(b"hidden cases")
    hidden.chmod(0o600)
    return folder


@pytest.fixture(scope="module")
def secret_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fake instructor home, outside the scratch and bound nowhere."""
    folder = tmp_path_factory.mktemp("instructor-home")
    (folder / "secret.txt").write_text("the exam answers")
    (folder / "secret.txt").chmod(0o644)
    return folder


@pytest.fixture(scope="module")
def kernel(notebook_dir: Path):
    """One sandboxed kernel started while the grader's env holds secrets."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BPKIT_DB_URL", DB_URL)
        mp.setenv("FAKE_SECRET", FAKE_SECRET)
        mp.setenv("NBGRADER_EXECUTION", "autograde")
        k = Kernel(notebook_dir)
    yield k
    k.shutdown()
    assert not Path(k.km.connection_file).parent.exists(), "scratch folder left behind"


def test_kernel_works_on_a_copy_of_the_notebook_folder(kernel: Kernel, notebook_dir: Path):
    seen = kernel.json("""
        import json, os, bpkit, numpy
        open("written-by-student.txt", "w").write("x")
        print(json.dumps({"cwd": os.getcwd(), "files": sorted(os.listdir()),
                          "hidden": open(".bpkit_hidden_cases.pkl", "rb").read().decode(),
                          "bpkit": bpkit.__file__, "numpy": numpy.__version__}))
    """)
    assert seen["cwd"] == WORKDIR
    assert {"ps1.ipynb", ".bpkit_hidden_cases.pkl", "written-by-student.txt"} <= set(seen["files"])
    assert seen["hidden"] == "hidden cases"
    assert seen["bpkit"] == bpkit.__file__
    assert not (notebook_dir / "written-by-student.txt").exists()


def test_course_repository_and_other_files_are_invisible(kernel: Kernel, secret_dir: Path):
    assert (REPO / "bpkit_grader").is_dir() and (REPO / "solutions").is_dir()
    paths = [REPO / n for n in ("bpkit_grader", "solutions", "gradebook.db", "pyproject.toml")]
    paths += [secret_dir / "secret.txt", secret_dir, Path("/etc/shadow"), Path("/root/.ssh")]
    seen = kernel.json(f"""
        import json, os
        paths, readable = {[str(p) for p in paths]!r}, []
        for p in paths:
            try:
                os.listdir(p) if os.path.isdir(p) else open(p, "rb").read()
                readable.append(p)
            except OSError:
                pass
        try:
            import bpkit_grader
            grader = True
        except ImportError:
            grader = False
        print(json.dumps({{"readable": readable, "repo": sorted(os.listdir({str(REPO)!r})),
                          "grader": grader}}))
    """)
    assert seen["readable"] == []
    assert not seen["grader"]
    assert set(seen["repo"]) <= {"bpkit", ".venv"}  # only the package (and a venv inside it)


def test_environment_holds_only_allowlisted_names(kernel: Kernel):
    seen = kernel.json("""
        import json, os
        leaks = []
        for pid in os.listdir("/proc"):
            for name in ("environ", "cmdline"):
                try:
                    data = open(f"/proc/{pid}/{name}", "rb").read()
                except OSError:
                    continue
                leaks += [f"{pid}/{name}" for s in (b"hunter2", b"correct-horse") if s in data]
        print(json.dumps({"env": dict(os.environ), "leaks": leaks}))
    """)
    env = seen["env"]
    assert set(env) <= set(sandbox_env()) | {"NBGRADER_EXECUTION"} | KERNEL_ADDED
    assert env["NBGRADER_EXECUTION"] == "autograde"
    assert DB_URL not in env.values() and FAKE_SECRET not in env.values()
    assert seen["leaks"] == []
    outside = Path(f"/proc/{kernel.km.provisioner.pid}/environ").read_bytes()  # bwrap itself
    assert b"hunter2" not in outside and FAKE_SECRET.encode() not in outside


def test_interrupt_stops_the_cell_not_the_kernel(kernel: Kernel):
    # As the grader asks (nbgrader executes with allow_errors): with stop_on_error the
    # kernel sends the error reply before it starts aborting queued requests, so a
    # fast next request may be aborted or not, a race in the kernel, not the sandbox.
    msg_id = kernel.kc.execute("import time; time.sleep(20)", stop_on_error=False)
    time.sleep(0.5)
    kernel.runner.run(kernel.km.interrupt_kernel())
    reply = kernel.kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert kernel.run("print(6 * 7)").strip() == "42"


def test_kernel_is_alone_in_its_namespaces(kernel: Kernel):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        seen = kernel.json(f"""
            import json, os, socket
            try:
                os.kill({os.getpid()}, 0)
                grader = "visible"
            except ProcessLookupError:
                grader = "absent"
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
                tcp = "connected"
            except OSError as exc:
                tcp = type(exc).__name__
            print(json.dumps({{"pid": os.getpid(), "grader": grader, "tcp": tcp,
                              "hostname": socket.gethostname()}}))
        """)
    assert seen["pid"] <= 3
    assert seen["grader"] == "absent"
    assert seen["tcp"] != "connected"


def test_kernel_runs_unprivileged_without_capabilities(kernel: Kernel):
    seen = kernel.json("""
        import json, os
        caps = [ln.split()[1] for ln in open("/proc/self/status") if ln.startswith("Cap")]
        print(json.dumps({"ids": [os.getuid(), os.geteuid(), os.getgid()], "caps": caps}))
    """)
    assert 0 not in seen["ids"]
    assert all(int(c, 16) == 0 for c in seen["caps"])


def test_bound_paths_are_read_only(kernel: Kernel):
    seen = kernel.json(f"""
        import errno, json
        codes = []
        for p in [{str(PACKAGE / "injected.py")!r}, "/usr/evil", {sys.prefix + "/evil"!r}]:
            try:
                open(p, "w").write("x")
                codes.append("written")
            except OSError as exc:
                codes.append(errno.errorcode[exc.errno])
        print(json.dumps(codes))
    """)
    assert set(seen) <= {"EROFS", "EACCES"}
    assert not (PACKAGE / "injected.py").exists()


def test_file_size_limit_stops_a_100_mb_write(kernel: Kernel):
    seen = kernel.json("""
        import errno, json, os
        written, err = 0, None
        try:
            with open("big.bin", "wb") as f:
                for _ in range(100):
                    written += f.write(b"\\0" * 2**20)
        except OSError as exc:
            err = errno.errorcode[exc.errno]
        os.remove("big.bin")
        print(json.dumps({"mb": written // 2**20, "err": err}))
    """)
    assert seen["err"] == "EFBIG" and seen["mb"] <= 64
    assert kernel.run("print(1 + 1)").strip() == "2"


@pytest.mark.parametrize("now", [False, True], ids=["shutdown", "kill"])
def test_process_limit_and_nothing_survives_the_kernel(notebook_dir: Path, now: bool):
    uid = 62000 + os.getpid() % 1000 + 1000 * now  # unique to this test and xdist worker
    kernel = Kernel(notebook_dir, sandbox_uid=uid, max_processes=24)
    try:
        seen = kernel.json("""
            import json, os, subprocess
            subprocess.Popen(["sh", "-c", "trap '' HUP TERM INT; sleep 300"],
                             start_new_session=True)
            subprocess.Popen(["sh", "-c", "(setsid sleep 300 &) ; exit 0"])  # double fork
            started, refused = [], 0
            for _ in range(30):
                try:
                    started.append(subprocess.Popen(["sleep", "300"]).pid)
                except OSError:
                    refused += 1
            print(json.dumps({"started": len(started), "refused": refused}))
        """)
        assert seen["refused"] > 0 and seen["started"] < 30
        assert len(host_pids(uid)) >= seen["started"] + 2
    finally:
        kernel.shutdown(now=now)
    assert wait_until_gone(uid) == []


def test_sandbox_dies_with_a_killed_grader(tmp_path: Path):
    uid = 64000 + os.getpid() % 1000
    argv = sandbox_argv(str(tmp_path), uid=uid) + ["sh", "-c", "sleep 300; exit 0"]
    grader = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess; subprocess.run({argv!r})"]
    )
    deadline = time.monotonic() + 10
    while len(host_pids(uid)) < 2 and time.monotonic() < deadline:  # sh and sleep
        time.sleep(0.05)
    assert len(host_pids(uid)) == 2, "sandboxed command never started"
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    assert wait_until_gone(uid) == []


def test_memory_cpu_and_tmp_limits(tmp_path: Path):
    memory = run_sandboxed(tmp_path, "bytearray(800 * 2**20)", memory_mb=400)
    assert "MemoryError" in memory.stderr
    tmp = run_sandboxed(tmp_path, "open('/tmp/f', 'wb').write(bytes(3 * 2**20))", tmp_mb=1)
    assert "No space left on device" in tmp.stderr
    start = time.monotonic()
    cpu = run_sandboxed(tmp_path, "while True: pass", cpu_seconds=1)
    assert cpu.returncode != 0 and time.monotonic() - start < 10


def test_nbgrader_execute_preprocessor_uses_the_sandbox(notebook_dir: Path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("import os; print(os.getuid(), os.getcwd())"))
    execute = sandbox.SandboxedExecute()
    assert execute.kernel_manager_class is SandboxKernelManager
    done, _ = execute.preprocess(notebook, {"metadata": {"path": str(notebook_dir)}})
    uid, cwd = done.cells[0].outputs[0]["text"].split()
    assert int(uid) != 0 and cwd == WORKDIR


def test_check_sandbox_passes_here():
    check_sandbox()


def test_check_sandbox_names_a_missing_bwrap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        check_sandbox(bwrap=str(tmp_path / "no-bwrap"))
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        check_sandbox()


def test_check_sandbox_explains_disabled_namespaces(tmp_path: Path):
    fake = tmp_path / "bwrap"
    said = "bwrap: Creating new namespace failed: Operation not permitted"
    fake.write_text(f"#!/bin/sh\necho '{said}' >&2\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(SandboxUnavailable) as caught:
        check_sandbox(bwrap=str(fake))
    message = str(caught.value)
    assert said in message and "namespaces" in message and "--no-sandbox" in message


def test_unprivileged_grader_uses_a_user_namespace(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 65534)
    monkeypatch.setattr(sandbox, "python_paths", lambda: [])  # this Python is under /root
    work = Path(tempfile.mkdtemp(prefix="bpkit-userns-"))  # pytest's tmp_path is root-only
    argv = sandbox_argv(str(work), max_processes=10)
    assert "--unshare-user" in argv and argv[argv.index("--uid") + 1] == "1000"
    assert not any("setpriv" in a for a in argv)
    nproc = int(next(a for a in argv if a.startswith("--nproc=")).split("=")[1])
    assert nproc > 10  # the tasks the real user already has, plus max_processes
    if os.getuid() != 0:
        shutil.rmtree(work)
        pytest.skip("running the argv as nobody needs root (setpriv)")
    work.chmod(0o777)
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    script = "id -u; touch made-inside; unshare -U true 2>/dev/null || echo no-nested-userns"
    try:
        done = subprocess.run(nobody + argv + ["sh", "-c", script], capture_output=True, text=True)
        made = (work / "made-inside").stat().st_uid if (work / "made-inside").exists() else None
    finally:
        shutil.rmtree(work)
    if done.returncode != 0 and "namespace" in done.stderr:
        pytest.skip(f"no unprivileged user namespaces here: {done.stderr.strip()}")
    assert done.stdout.split() == ["1000", "no-nested-userns"], done.stderr
    assert made == 65534
