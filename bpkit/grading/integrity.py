"""Nothing outside a student's scratch folder may change while that student is graded.

The sandbox already binds the course read-only or not at all; this is the check that proves it,
and the only protection left under ``--no-sandbox``. :class:`Watch` fingerprints every file of the
installed ``bpkit`` package, the grader-only package, the sources, the release, the submissions
and the course config. Each fingerprint is the file's size, mode, inode, modification and
*change* time plus a content hash taken once: the change time (ctime) cannot be set from user
space, so even a write that restores the modification time shows, and files need not be hashed
again after every student.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

Fingerprint = tuple[int, int, int, int, int]


def _stat(path: Path) -> Fingerprint | None:
    try:
        s = path.lstat()
    except OSError:
        return None
    return (s.st_size, s.st_mode, s.st_ino, s.st_mtime_ns, s.st_ctime_ns)


def _digest(path: Path) -> str:
    """Content hash of a plain file; a link is hashed by its target's name, never followed, and a
    FIFO or device is not read (it could block, or never end)."""
    h = hashlib.blake2b(digest_size=16)
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            return "link to " + os.readlink(path)
        if not stat.S_ISREG(mode):
            return f"special file {stat.S_IFMT(mode):o}"
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return "unreadable"
    return h.hexdigest()


class Watch:
    """Fingerprints of every file under ``roots``; :meth:`changes` lists what differs since."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [Path(r) for r in roots]
        self.files = self._scan()
        self.hashes = {p: _digest(p) for p in self.files if self.files[p] is not None}

    def _scan(self) -> dict[Path, Fingerprint | None]:
        found: dict[Path, Fingerprint | None] = {}
        for root in self.roots:
            if root.is_file():
                found[root] = _stat(root)
                continue
            for folder, dirs, names in os.walk(root):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                base = Path(folder)
                found[base] = _stat(base)
                for name in sorted(names):
                    if not name.endswith(".pyc"):
                        found[base / name] = _stat(base / name)
        return found

    def changes(self) -> list[str]:
        """What was added, removed or changed since the last call (or creation); then re-base."""
        now = self._scan()
        out = []
        for path in sorted(set(self.files) | set(now), key=str):
            old, new = self.files.get(path), now.get(path)
            if old == new:
                continue
            if new is None:
                out.append(f"removed {path}")
            elif old is None:
                out.append(f"added {path}")
            elif stat.S_ISDIR(new[1]):
                if old[1] != new[1]:
                    out.append(f"changed permissions of {path}")
            else:
                digest = _digest(path)
                if digest != self.hashes.get(path) or old[1] != new[1]:
                    out.append(f"changed {path}")
                self.hashes[path] = digest
        for path, fp in now.items():
            if fp is not None and path not in self.hashes and not stat.S_ISDIR(fp[1]):
                self.hashes[path] = _digest(path)
        self.files = now
        return out
