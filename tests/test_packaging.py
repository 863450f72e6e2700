"""Packaging: pins in step (pyproject, environment.yml, lock), clean notebooks, nothing generated in git."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-\[\]]+?)\s*==\s*([^\s;#]+)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def _pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        m = PIN.match(line)
        if m:
            out[_norm(m.group(1))] = m.group(2)
    return out


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pyproject_pins() -> dict[str, str]:
    project = _pyproject()["project"]
    deps = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        deps += extra
    unpinned = [d for d in deps if "==" not in d]
    assert not unpinned, f"dependencies without an exact pin: {unpinned}"
    return _pins(deps)


def _environment_pins() -> dict[str, str]:
    lines = []
    in_pip = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if re.match(r"^\s*-\s*pip:\s*$", line):
            in_pip = True
            continue
        if in_pip:
            m = re.match(r"^\s*-\s*(.+)$", line)
            if m:
                lines.append(m.group(1))
    return _pins(lines)


def test_pyproject_and_environment_yml_pin_the_same_packages():
    py, env = _pyproject_pins(), _environment_pins()
    assert py, "no pins found in pyproject.toml"
    assert py == env, {
        "only in pyproject": sorted(set(py) - set(env)),
        "only in environment.yml": sorted(set(env) - set(py)),
        "different versions": sorted(k for k in set(py) & set(env) if py[k] != env[k]),
    }


def test_environment_yml_asks_for_python_311():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s*-\s*python=3\.11\s*$", text, re.M)


def test_every_pin_is_in_the_lock_file_with_the_same_version():
    lock = _pins((ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines())
    missing = {k: v for k, v in _pyproject_pins().items() if lock.get(k) != v}
    assert not missing, f"pins absent from or different in requirements.lock: {missing}"


def test_console_script_and_package_data():
    data = _pyproject()
    assert data["project"]["scripts"]["kit"] == "kit.cli:run"
    patterns = data["tool"]["setuptools"]["package-data"]["kit"]
    assert any(p.startswith("data/**") for p in patterns), "kit/data/sample must ship with the package"


def test_every_data_file_of_the_package_is_declared_to_ship():
    """A file under kit/ that is not Python (lexicons, samples, WSDLs) is in some package's package-data: a
    non-editable install (a wheel) carries only what is declared."""
    declared = _pyproject()["tool"]["setuptools"]["package-data"]
    kit = ROOT / "kit"
    missing = []
    for path in kit.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        owners = [  # the packages that hold the file: setuptools matches each pattern from its package's folder
            (pkg, path.relative_to(ROOT / pkg.replace(".", "/")))
            for pkg in declared
            if path.is_relative_to(ROOT / pkg.replace(".", "/"))
        ]
        if not any(fnmatch(rel.as_posix(), pattern) for pkg, rel in owners for pattern in declared[pkg]):
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"not in [tool.setuptools.package-data]: {missing[:10]}"


def _git(*args: str) -> list[str]:
    try:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("git is not installed")
    if result.returncode != 0:
        pytest.skip(f"not a git checkout: {result.stderr.strip()}")
    return [line for line in result.stdout.splitlines() if line]


def _notebooks() -> list[Path]:
    tracked = {ROOT / p for p in _git("ls-files", "*.ipynb")}
    on_disk = {p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts}
    return sorted(tracked | on_disk)


def test_notebooks_have_no_outputs_or_execution_counts():
    dirty = []
    for path in _notebooks():
        if not path.exists():
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") != "code":
                continue
            if cell.get("outputs") or cell.get("execution_count") is not None:
                dirty.append(f"{path.relative_to(ROOT)} cell {i}")
    assert not dirty, "notebooks committed with outputs (clear them): " + ", ".join(dirty)


def test_notebooks_have_a_parameters_cell():
    missing = []
    for path in _notebooks():
        if not path.exists() or path.parent.name == "screenshots":
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        if not any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb.get("cells", [])):
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, f"notebooks without a cell tagged 'parameters' (papermill needs it): {missing}"


def test_no_generated_files_or_run_outputs_in_git():
    tracked = _git("ls-files")
    reports = [p for p in tracked if p.startswith("reports/") and p != "reports/.gitkeep"]
    assert not reports, f"run outputs committed under reports/: {reports}"
    generated = [
        p
        for p in tracked
        if re.search(r"(__pycache__/|\.pyc$|\.sqlite(-\w+)?$|\.egg-info/|\.ipynb_checkpoints/|(^|/)\.demo/)", p)
        or Path(p).name == "secrets.json"
    ]
    assert not generated, f"generated files in git: {generated}"


def test_top_level_layout():
    for name in ("kit", "kit/connectors", "notebooks", "mappings", "reports", "tests", "bench", ".ci"):
        assert (ROOT / name).is_dir(), name
    for name in ("environment.yml", "README.md", "pyproject.toml", "Makefile", ".ci/run", "requirements.lock"):
        assert (ROOT / name).is_file(), name
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
