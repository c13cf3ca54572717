"""The conda environment and pyproject.toml must describe the same set of packages."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MIRRORED_EXTRAS = ("test", "browser", "postgres", "widget")
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _parse(requirement: str) -> tuple[str, str]:
    name, spec = _REQ.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in MIRRORED_EXTRAS:
        reqs += project["optional-dependencies"][extra]
    return dict(_parse(r) for r in reqs)


def _environment_requirements() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    pip_lines: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_lines = dep["pip"]
            continue
        name, spec = _parse(dep)
        if name not in ("python", "pip"):
            found[name] = spec
    for line in pip_lines:
        if not line.startswith("-e"):
            name, spec = _parse(line)
            found[name] = spec
    return found, pip_lines


def test_environment_lists_the_same_packages_as_pyproject():
    env, _ = _environment_requirements()
    assert env == _pyproject_requirements()


def test_environment_installs_the_package_itself_in_editable_mode():
    _, pip_lines = _environment_requirements()
    assert "-e ." in pip_lines


def test_every_extra_except_the_benchmark_one_is_mirrored():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert set(extras) - set(MIRRORED_EXTRAS) <= {"bench"}


def test_console_script_reports_its_version():
    import subprocess
    import sys

    import bpkit

    script = Path(sys.executable).with_name("bpkit")
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert bpkit.__version__ in out.stdout


def _imported_packages() -> set[str]:
    """Top-level third-party modules that bpkit's source imports (at module level or lazily)."""
    import ast
    import sys

    found: set[str] = set()
    for path in (ROOT / "bpkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("bpkit",)}


def _installed_closure(requirements: list[str]) -> set[str]:
    """The distributions these requirements install (without extras), per installed metadata."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [_parse(r)[0] for r in requirements]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name.lower().replace("_", "-"))
    return seen


def test_every_package_bpkit_imports_is_a_runtime_dependency():
    """E.g. tqdm (the progress bars): an import of an undeclared package fails on a fresh
    install, although it works here, where something else happened to install it."""
    from importlib import metadata

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    installed = _installed_closure(project["dependencies"])
    by_module = metadata.packages_distributions()
    missing = []
    for module in sorted(_imported_packages()):
        dists = {d.lower().replace("_", "-") for d in by_module.get(module, [module])}
        if not dists & installed:
            missing.append(f"{module} (from {', '.join(sorted(dists))})")
    assert not missing, "bpkit imports packages its dependencies do not install: " + "; ".join(
        missing
    )
    assert "tqdm" in {_parse(r)[0] for r in project["dependencies"]}  # direct: bpkit.progress
