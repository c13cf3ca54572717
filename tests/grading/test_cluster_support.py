"""A real Redis on loopback and real ``bpkit worker`` processes, for the cluster tests.

Redis comes from Debian's ``redis-server`` (``.ci/sysdeps`` installs it); it runs on a free
loopback port with no persistence, its configuration (password included) read from stdin so that
nothing secret is on its command line. Workers are ``bpkit worker`` subprocesses, each in its own
session, so that a test can kill one with everything it started, as a machine dying would.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

BPKIT = str(Path(sys.executable).with_name("bpkit"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """``redis-server`` on 127.0.0.1 at a free port; ``url`` includes the password, if any."""

    def __init__(self, password: str | None = None) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if os.environ.get("CI"):
                pytest.fail("CI is set but redis-server is not installed (apt-get install redis)")
            pytest.skip("redis-server not installed (apt-get install redis-server)")
        self.port = free_port()
        config = f"port {self.port}\nbind 127.0.0.1\nsave ''\nappendonly no\n"
        if password:
            config += f"requirepass {password}\n"
        self.proc = subprocess.Popen(
            [binary, "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        self.proc.stdin.write(config)
        self.proc.stdin.close()
        auth = f":{password}@" if password else ""
        self.url = f"redis://{auth}127.0.0.1:{self.port}/0"
        self.plain_url = f"redis://127.0.0.1:{self.port}/0"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    from bpkit.grading.runner import _descendants

    return [pid, *_descendants(pid)]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Workers:
    """Named ``bpkit worker`` processes; ``restart`` brings back any that died."""

    def __init__(self, logs: Path, env: dict[str, str], cluster_arg: str = "") -> None:
        self.logs, self.env, self.cluster_arg = logs, env, cluster_arg
        self.procs: dict[str, subprocess.Popen] = {}
        self.specs: dict[str, tuple[Path, list[str]]] = {}
        # Killed workers leave their scratch behind: keep it where stop() removes it (short,
        # for the sandbox's ipc socket paths).
        self.tmp = tempfile.mkdtemp(prefix="bpkit-cw-")
        self.env = dict(env, TMPDIR=self.tmp)

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self, name: str, root: Path, *extra: str, redeliver_after: int = 12) -> None:
        self.specs[name] = (root, list(extra))
        argv = [BPKIT, "worker", "--cluster", *([self.cluster_arg] if self.cluster_arg else [])]
        argv += ["--root", str(root), "--workers", "1", "--hostname", name]
        argv += ["--redeliver-after", str(redeliver_after), *extra]
        with open(self.logs / f"{name}.log", "a") as log:
            self.procs[name] = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, env=self.env, start_new_session=True
            )

    def wait_ready(self, *names: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        for name in names or tuple(self.procs):
            while f"{name} ready." not in self.log(name):
                if self.procs[name].poll() is not None and f"{name} ready." not in self.log(name):
                    raise RuntimeError(f"worker {name} exited:\n{self.log(name)}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"worker {name} not ready:\n{self.log(name)}")
                time.sleep(0.1)

    def kill(self, name: str) -> None:
        """SIGKILL the worker and all its processes at once, as if its machine died."""
        for pid in tree(self.procs[name].pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.procs[name].wait()

    def restart_dead(self) -> list[str]:
        dead = [n for n, p in self.procs.items() if p.poll() is not None]
        for name in dead:
            root, extra = self.specs[name]
            self.start(name, root, *extra)
        return dead

    def stop(self) -> None:
        for name in list(self.procs):
            self.kill(name)
        shutil.rmtree(self.tmp, ignore_errors=True)


def worker_env(url: str) -> dict[str, str]:
    """The environment of workers and coordinators: the broker URL only in the variable."""
    env = dict(os.environ, BPKIT_CLUSTER_URL=url)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def wait_for(predicate, timeout: float = 60, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(every)
