"""Run student kernels inside a bubblewrap sandbox.

:class:`SandboxKernelManager` starts every kernel as ``bwrap ... prlimit ... [setpriv ...] python
-m ipykernel_launcher`` in fresh network, PID, IPC and UTS namespaces. The kernel sees a read-only
system (``/usr``, a minimal ``/etc``), the Python environment and the ``bpkit`` package, a private
copy of the notebook folder as its working directory and nothing else: not the course repository,
not the gradebook, not the grader's environment variables. Limits on memory, processes, file size
and CPU time come from rlimits; the PID namespace takes every process the student started with it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager
from traitlets import Int, List, Unicode, default

HOME = "/home/student"
WORKDIR = HOME + "/work"  # the kernel's working directory inside the sandbox
UID_BASE = 61000
_MB = 1024 * 1024
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "nsswitch.conf",
    "host.conf", "mime.types", "alternatives", "fonts", "ssl/certs", "ssl/openssl.cnf",
    "ca-certificates",
)  # fmt: skip
_PACKAGES = ("numpy", "matplotlib", "ipykernel", "IPython", "jupyter_client", "zmq", "traitlets")
_CHECKED: set[str] = set()


#: Logged (and so in the grader's account of the student) when a notebook fills its folder.
DISK_FULL = "sandbox: the notebook wrote more than {limit} MB in its folder and was stopped"


def folder_bytes(folder: str) -> int:
    """Bytes of the plain files under ``folder`` (links not followed)."""
    total = 0
    for top, _, files in os.walk(folder, followlinks=False):
        for name in files:
            try:
                total += os.lstat(os.path.join(top, name)).st_size
            except OSError:
                pass
    return total


class SandboxUnavailable(RuntimeError):  # noqa: N818 (the name callers catch)
    """The bubblewrap sandbox cannot be created here; the message names the cause and the fix."""


def default_sandbox_uid() -> int:
    """An unprivileged uid for this grader process, so parallel graders do not share nproc."""
    return UID_BASE + os.getpid() % 1000


def _under(path: str, root: str) -> bool:
    return root == "/" or path == root or path.startswith(root.rstrip("/") + "/")


def python_paths() -> list[str]:
    """The host directories the kernel's Python needs, each to be bound read-only in place.

    Raises SandboxUnavailable rather than bind a directory holding the course repository.
    """
    package = str(Path(__file__).resolve().parents[1])  # bpkit itself, never the repository root
    found = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, package]
    found.append(os.path.dirname(os.path.realpath(sys.executable)))
    found += [p for p in sys.path if p.rstrip("/").endswith(("site-packages", "dist-packages"))]
    for name in _PACKAGES:
        spec = find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found.extend(spec.submodule_search_locations)
    repo = os.path.dirname(package)
    real = sorted({os.path.realpath(p) for p in found if p and os.path.isdir(p)})
    kept: list[str] = []
    for path in real:
        if _under(repo, path):
            raise SandboxUnavailable(
                f"refusing to sandbox: the Python directory {path} contains the course "
                f"repository {repo}; install the environment outside the repository"
            )
        if not any(_under(path, k) for k in [*kept, "/usr"]):
            kept.append(path)
    return kept


def sandbox_env(
    source: Mapping[str, str] | None = None, allowlist: Iterable[str] = ("NBGRADER_EXECUTION",)
) -> dict[str, str]:
    """The whole environment of a sandboxed process: fixed values plus allowlisted names.

    An allowlisted name takes its value from ``source`` (the env the kernel was asked to get), else
    from the grader's own environment, else is left out. ``JPY_*`` names are kept from ``source``
    except ``JPY_PARENT_PID``: the grader's pid means nothing in the PID namespace.
    """
    source = source or {}
    env = {
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin", "HOME": HOME,
        "USER": "student", "LOGNAME": "student",  # getpass.getuser(): the uid has no passwd entry
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/mpl",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    }  # fmt: skip
    env.update({k: v for k, v in source.items() if k.startswith("JPY_") and k != "JPY_PARENT_PID"})
    for name in allowlist:
        value = source.get(name, os.environ.get(name))
        if value is not None:
            env[name] = value
    return env


def _user_task_count() -> int:
    """How many tasks (processes and threads) the real uid of this process already has."""
    count, uid = 0, str(os.getuid())
    for entry in os.scandir("/proc"):
        try:
            status = Path(entry.path, "status").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        fields = dict(ln.split(":", 1) for ln in status.splitlines() if ":" in ln)
        if fields.get("Uid", "").split()[:1] == [uid]:
            count += int(fields.get("Threads", "1"))
    return count


def sandbox_argv(
    workdir: str, *, rw_paths: Sequence[str] = (), ro_paths: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    memory_mb: int = 4096, max_processes: int = 64, max_file_mb: int = 64,
    cpu_seconds: int = 3600, tmp_mb: int = 64, open_files: int = 256,
    uid: int | None = None, bwrap: str | None = None,
) -> list[str]:  # fmt: skip
    """The argv prefix that runs a command (appended by the caller) in the grading sandbox.

    ``workdir`` is bound read-write at :data:`WORKDIR` and becomes the working directory;
    ``rw_paths`` are bound read-write at their own paths (the kernel's connection file and ipc
    sockets live there), ``ro_paths`` read-only (a course's own public checks package).
    ``env`` is the complete environment (default :func:`sandbox_env`).
    As root, bwrap makes no user namespace (in one, the sandbox user would map to host root, whom
    Linux exempts from RLIMIT_NPROC) and ``setpriv`` drops to ``uid`` (default
    :func:`default_sandbox_uid`). Otherwise bwrap maps the caller to uid 1000 in a user namespace.
    """
    root = os.geteuid() == 0
    args = [bwrap or shutil.which("bwrap") or "bwrap", "--die-with-parent", "--new-session"]
    if root:
        args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
        args += ["--unshare-cgroup-try"]
    else:
        args += ["--unshare-all", "--unshare-user", "--disable-userns"]
        args += ["--uid", "1000", "--gid", "1000"]
    args += ["--hostname", "sandbox", "--clearenv"]
    for name, value in (sandbox_env() if env is None else env).items():
        args += ["--setenv", name, value]
    made: set[str] = {"/"}
    binds: list[str] = []

    def mount(*op: str) -> None:
        # bwrap creates missing parents with mode 0700, which the dropped uid cannot cross
        dest = op[-1]
        for parent in reversed(Path(dest).parents):
            p = str(parent)
            if p not in made and not any(_under(p, b) for b in binds):
                args.extend(["--perms", "0755", "--dir", p])
                made.add(p)
        args.extend(op)
        made.add(dest)
        if op[0].startswith(("--ro-bind", "--bind")):
            binds.append(dest)

    for path in _SYSTEM:
        if os.path.islink(path):
            mount("--symlink", os.readlink(path), path)
        elif os.path.isdir(path):
            mount("--ro-bind", path, path)
    for name in _ETC:
        if os.path.exists(f"/etc/{name}"):
            mount("--ro-bind", f"/etc/{name}", f"/etc/{name}")
    mount("--proc", "/proc")
    mount("--dev", "/dev")
    mount("--perms", "1777", "--size", str(tmp_mb * _MB), "--tmpfs", "/tmp")
    mount("--perms", "1777", "--size", str(tmp_mb * _MB), "--tmpfs", HOME)
    for path in python_paths():
        mount("--ro-bind", path, path)
    for path in ro_paths:
        mount("--ro-bind", path, path)
    for path in rw_paths:
        mount("--bind", path, path)
    mount("--bind", workdir, WORKDIR)
    args += ["--chdir", WORKDIR, "--"]
    # RLIMIT_NPROC counts every task (process or thread) of the real user: without root the
    # sandbox runs as the caller's own uid, so allow the tasks the caller already has on top.
    nproc = max_processes if root else _user_task_count() + max_processes
    args += [shutil.which("prlimit") or "/usr/bin/prlimit", f"--as={memory_mb * _MB}"]
    args += [f"--nproc={nproc}", f"--fsize={max_file_mb * _MB}", f"--cpu={cpu_seconds}"]
    args += [f"--nofile={open_files}", "--core=0", "--"]
    if root:
        uid = default_sandbox_uid() if uid is None else uid
        args += [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}"]
        args += ["--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return args


def check_sandbox(bwrap: str | None = None) -> None:
    """Raise SandboxUnavailable (naming the cause and the fix) unless the sandbox works here.

    Runs ``true`` in a sandbox built exactly as for grading; a success is cached per process.
    """
    bwrap = bwrap if bwrap is not None else shutil.which("bwrap")
    if not bwrap or not os.access(bwrap, os.X_OK):
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed, so student kernels cannot be sandboxed; "
            "install it: apt-get install bubblewrap (or grade unconfined with --no-sandbox)"
        )
    if bwrap in _CHECKED:
        return
    for tool in ("prlimit", "setpriv"):
        if not shutil.which(tool):
            raise SandboxUnavailable(f"{tool} is missing; install it: apt-get install util-linux")
    with tempfile.TemporaryDirectory(prefix="bpkit-sandbox-check-") as work:
        argv = sandbox_argv(work, bwrap=bwrap) + ["true"]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=15, env={})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxUnavailable(f"running bubblewrap failed ({exc})") from exc
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        said = next((ln for ln in lines if ln.startswith("bwrap")), lines[0] if lines else "")
        cause = f"exit status {done.returncode}" + (f": {said.strip()}" if said else "")
        if "namespace" in said or "not permitted" in said.lower():
            raise SandboxUnavailable(
                f"bubblewrap cannot create its sandbox ({cause}): unprivileged user namespaces "
                "or namespaces altogether are disabled in this container. Enable them (e.g. "
                "sysctl kernel.unprivileged_userns_clone=1, or a container seccomp/AppArmor "
                "profile that allows unshare), or use --no-sandbox to grade without isolation."
            )
        raise SandboxUnavailable(
            f"a trivial command failed inside the sandbox ({cause}); "
            "use --no-sandbox to grade without isolation"
        )
    _CHECKED.add(bwrap)


class SandboxKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernels run in the bubblewrap sandbox of :func:`sandbox_argv`.

    The kernel works on a copy of the folder it is started in (``cwd``), made in a fresh scratch
    folder that also holds its connection file and ipc sockets and is removed on shutdown.
    """

    scratch_root = Unicode(config=True, help="Folder for the per-kernel scratch folders.")
    memory_mb = Int(4096, config=True, help="Address-space limit of each sandboxed process (MB).")
    max_processes = Int(64, config=True, help="Process (and thread) limit for the sandbox user.")
    max_disk_mb = Int(
        256, config=True, help="Most the notebook may write in its folder (MB); then it is stopped."
    )
    max_file_mb = Int(64, config=True, help="Largest file a sandboxed process may write (MB).")
    cpu_seconds = Int(3600, config=True, help="CPU-time limit of each sandboxed process (s).")
    tmp_mb = Int(64, config=True, help="Size of the sandbox's /tmp and home tmpfs (MB).")
    sandbox_uid = Int(0, config=True, help="uid of the kernel when grading as root (0: pick).")
    env_allowlist = List(
        Unicode(), ["NBGRADER_EXECUTION"], config=True, help="Variables passed into the sandbox."
    )
    extra_paths = List(
        Unicode(),
        [],
        config=True,
        help="Public folders bound read-only and put on the kernel's PYTHONPATH (a course's own "
        "checks package). Never the course root: it holds the solutions and the gradebook.",
    )
    scratch: str | None = None

    @default("scratch_root")
    def _scratch_root_default(self) -> str:
        return tempfile.gettempdir()

    @property
    def workdir(self) -> str | None:
        """The host path of the kernel's working copy, while a kernel is set up."""
        return os.path.join(self.scratch, "work") if self.scratch else None

    def _uid(self) -> int:
        return self.sandbox_uid or default_sandbox_uid()

    def _prepare_scratch(self, source: str) -> None:
        """Copy the notebook folder into the scratch folder, for the sandbox uid to own."""
        assert self.scratch is not None and self.workdir is not None
        if len(self.scratch) > 80:  # ipc socket paths must fit in sun_path (108 bytes)
            raise SandboxUnavailable(f"scratch_root is too long for ipc sockets: {self.scratch}")
        shutil.copytree(source, self.workdir, symlinks=True)  # links are not followed as root
        if os.geteuid() == 0:
            uid = self._uid()
            for top, dirs, files in os.walk(self.workdir):
                os.chown(top, uid, uid)
                for name in dirs + files:
                    os.chown(os.path.join(top, name), uid, uid, follow_symlinks=False)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        check_sandbox()
        if self.scratch is None:  # a restart keeps its scratch folder
            made = tempfile.mkdtemp(prefix="bpkit-sandbox-", dir=self.scratch_root)
            self.scratch = made = os.path.realpath(made)
            try:
                self._prepare_scratch(kw.get("cwd") or os.getcwd())
            except BaseException:
                shutil.rmtree(made, ignore_errors=True)
                self.scratch = None
                raise
        kw["cwd"] = self.workdir
        self.transport, self.cache_ports = "ipc", False  # TCP cannot leave the network namespace
        self.ip = os.path.join(self.scratch, "k")
        self.connection_file = os.path.join(self.scratch, "kernel.json")
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        assert self.scratch is not None and self.workdir is not None
        if os.geteuid() == 0:  # the kernel binds its sockets here and reads kernel.json
            os.chown(self.scratch, self._uid(), self._uid())
            os.chown(self.connection_file, self._uid(), self._uid())
        env = sandbox_env(kw.get("env"), self.env_allowlist)
        # The kernel's parent is bwrap's init, pid 1. Given the grader's pid, ipykernel would
        # take that for an orphaned kernel and exit; given 1 it does not watch (nor print its
        # "ipython kernel entry point" notice, as it does without the variable).
        env["JPY_PARENT_PID"] = "1"
        if self.extra_paths:
            env["PYTHONPATH"] = os.pathsep.join(self.extra_paths)
        prefix = sandbox_argv(
            self.workdir, rw_paths=[self.scratch], ro_paths=self.extra_paths, env=env,
            memory_mb=self.memory_mb,
            max_processes=self.max_processes, max_file_mb=self.max_file_mb,
            cpu_seconds=self.cpu_seconds, tmp_mb=self.tmp_mb, uid=self._uid(),
        )  # fmt: skip
        kw["env"] = env  # bwrap itself gets no more than the kernel, or pid 1 would show it
        await super()._async_launch_kernel(prefix + kernel_cmd, **kw)
        pid = getattr(getattr(self.provisioner, "process", None), "pid", None)
        if pid is not None:
            args = (self.scratch, pid, self.max_disk_mb)
            threading.Thread(target=self._watch_disk, args=args, daemon=True).start()

    def _watch_disk(self, scratch: str, pid: int, limit_mb: int) -> None:
        """Stop the sandbox when its folder (on the host's disk) grows past ``limit_mb``.

        RLIMIT_FSIZE caps each file, not how many a notebook writes; this caps the total.
        """
        while self.scratch == scratch and os.path.isdir(scratch):
            if folder_bytes(scratch) > limit_mb * _MB:
                self.log.error(DISK_FULL.format(limit=limit_mb))
                try:
                    os.kill(pid, signal.SIGKILL)  # bwrap: its namespace goes with it
                except ProcessLookupError:
                    pass
                return
            time.sleep(0.25)

    async def _async_interrupt_kernel(self) -> None:
        # SIGINT to the process group would reach only bwrap, killing the sandbox: ask instead.
        if self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request", {}))
        else:
            await super()._async_interrupt_kernel()

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None

    pre_start_kernel = _async_pre_start_kernel  # type: ignore[assignment]
    _launch_kernel = _async_launch_kernel  # type: ignore[assignment]
    interrupt_kernel = _async_interrupt_kernel  # type: ignore[assignment]
    cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]


def __getattr__(name: str) -> Any:
    """``SandboxedExecute``: nbgrader's Execute preprocessor with sandboxed kernels.

    Execute passes ``kernel_manager_class=AsyncKernelManager`` to ``NotebookClient.__init__``,
    which overrides any ``c.Execute.kernel_manager_class`` setting; this subclass passes ours.
    Built on first use because importing nbgrader takes seconds.
    """
    if name != "SandboxedExecute":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from nbgrader.preprocessors import Execute

    def __init__(self: Any, **kw: Any) -> None:  # noqa: N807
        kw.setdefault("kernel_manager_class", SandboxKernelManager)
        Execute.__init__(self, **kw)

    doc = "nbgrader's Execute preprocessor, running each notebook in a SandboxKernelManager."
    cls = globals()[name] = type(
        name, (Execute,), {"__init__": __init__, "__module__": __name__, "__doc__": doc}
    )
    return cls
