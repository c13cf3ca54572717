"""Regenerate the student release (``course/``) from the instructor source (``solutions/``).

``python -m bpkit.grading.release [ASSIGNMENT ...]`` (or ``make release``) runs nbgrader's
``generate_assignment`` for every notebook folder ``solutions/NN_topic/``: solution regions become
``raise NotImplementedError()`` stubs, hidden tests and model answers disappear, outputs are
cleared. The result is then normalised (no outputs, no execution counts, canonical JSON) so that
regenerating an unchanged source gives byte-identical files, and ``solutions/README.md`` (the
course map) is copied to ``course/README.md``.

Releasing into the course's own ``course/`` folder records the assignments in the course gradebook
(``gradebook.db``, which autograding needs). Releasing anywhere else (``dest=...``, used by the
test that checks ``course/`` is up to date) uses a throwaway gradebook, so it never touches the
course's one.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import nbformat
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_NAME = "nbgrader_config.py"
ASSIGNMENT_PATTERN = re.compile(r"^\d\d_[A-Za-z0-9_]+$")
COURSE_MAP = "README.md"


class ReleaseError(RuntimeError):
    """nbgrader could not generate an assignment; the message carries nbgrader's log."""


def _course_root(root: Path | None) -> Path:
    if root is not None:
        return Path(root).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ReleaseError(f"no {CONFIG_NAME} found in {here} or above; pass root=")


def _load_config(root: Path) -> Config:
    config = Config()
    if (root / CONFIG_NAME).is_file():
        config.merge(PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config())
    return config


def source_assignments(root: Path, source: str = "solutions") -> list[str]:
    """Names of the assignment folders in ``root/source`` (``NN_topic`` holding a notebook)."""
    folder = root / source
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_dir() and ASSIGNMENT_PATTERN.match(p.name) and any(p.glob("*.ipynb"))
    )


def normalise_notebook(path: Path) -> None:
    """Rewrite a released notebook in canonical form: no outputs, no counts, stable JSON."""
    nb = nbformat.read(path, as_version=4)
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    for index, cell in enumerate(nb.cells):
        if not cell.get("id"):  # sources without ids would otherwise get random ones
            digest = hashlib.sha1(f"{index}\0{cell.cell_type}\0{cell.source}".encode())
            cell["id"] = f"{path.stem[:2]}-{digest.hexdigest()[:12]}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    nb.metadata.pop("widgets", None)
    text = nbformat.writes(nb, version=4)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def _ensure_tools_on_path() -> None:
    """nbgrader runs the ``alembic`` executable; make sure this Python's bin folder is on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None:
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])


@functools.cache
def alembic_head() -> str:
    """The gradebook schema revision, read in-process.

    nbgrader asks a separate ``alembic heads`` process for it whenever it creates a gradebook,
    which costs seconds on a busy machine; the answer only depends on the installed nbgrader.
    """
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = AlembicConfig()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return ScriptDirectory.from_config(config).get_current_head()


@contextlib.contextmanager
def fast_gradebook_creation() -> Iterator[None]:
    """Within this block nbgrader gets the schema revision from :func:`alembic_head`."""
    import nbgrader.api

    original = nbgrader.api.get_alembic_version
    nbgrader.api.get_alembic_version = alembic_head
    try:
        yield
    finally:
        nbgrader.api.get_alembic_version = original


def _generate(root: Path, dest: Path, names: Sequence[str], db_url: str) -> None:
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = _load_config(root)
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.release_directory = str(dest)
    config.CourseDirectory.db_url = db_url
    config.NbGraderAPI.log_level = logging.WARNING
    if "root" not in config.Exchange:
        # Releasing never uses the exchange, but the API probes it on start-up and logs a critical
        # "unwritable directory" when the system-wide default does not exist.
        config.Exchange.root = tempfile.gettempdir()
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.WARNING)
    for name in names:
        with fast_gradebook_creation():
            result = api.generate_assignment(name, force=True, create=True)
        if not result.get("success"):
            detail = result.get("error") or result.get("log") or "no log"
            raise ReleaseError(f"generating {name} failed:\n{detail}")


def release(
    assignments: list[str] | None = None,
    root: Path | None = None,
    dest: Path | None = None,
) -> list[Path]:
    """Regenerate the release of ``assignments`` (default: all) and return the released notebooks.

    root: the course root holding ``nbgrader_config.py`` (default: found from the cwd).
    dest: where the release goes (default: the course's ``course/``). On a full release into
    ``course/``, folders left over from assignments that no longer exist in ``solutions/`` are
    removed, since ``course/`` is generated.
    """
    root = _course_root(root)
    config = _load_config(root)
    source = config.CourseDirectory.get("source_directory", "source")
    release_dir = config.CourseDirectory.get("release_directory", "release")
    available = source_assignments(root, source)
    names = list(available if assignments is None else assignments)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ReleaseError(f"unknown assignment(s) {unknown}; {source}/ holds {available}")
    default_dest = (root / release_dir).resolve()
    dest = default_dest if dest is None else Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    _ensure_tools_on_path()
    if dest == default_dest:
        db_url = config.CourseDirectory.get("db_url") or f"sqlite:///{root / 'gradebook.db'}"
        _generate(root, dest, names, db_url)
    else:
        # A throwaway gradebook; in shared memory where available, as sqlite commits fsync.
        shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        with tempfile.TemporaryDirectory(prefix="bpkit-release-", dir=shm) as scratch:
            _generate(root, dest, names, f"sqlite:///{Path(scratch) / 'gradebook.db'}")
    released = sorted(p for name in names for p in (dest / name).glob("*.ipynb"))
    for path in released:
        normalise_notebook(path)
    if assignments is None:
        for stale in dest.iterdir():
            if stale.is_dir() and ASSIGNMENT_PATTERN.match(stale.name) and stale.name not in names:
                shutil.rmtree(stale)
    course_map = root / source / COURSE_MAP
    if course_map.is_file():
        shutil.copyfile(course_map, dest / COURSE_MAP)
    return released


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m bpkit.grading.release [ASSIGNMENT ...] [--dest DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m bpkit.grading.release",
        description="Regenerate course/ (the student release) from solutions/ with nbgrader.",
    )
    parser.add_argument("assignments", nargs="*", help="e.g. 02_backpropagation (default: all)")
    parser.add_argument("--root", type=Path, default=None, help="course root (default: cwd)")
    parser.add_argument("--dest", type=Path, default=None, help="release folder (default: course/)")
    args = parser.parse_args(argv)
    try:
        paths = release(args.assignments or None, root=args.root, dest=args.dest)
    except ReleaseError as error:
        print(f"release failed: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"released {path.relative_to(path.parents[2])}")
    print(f"{len(paths)} notebook(s) released")
    return 0


if __name__ == "__main__":
    sys.exit(main())
