"""The demo sits on top of the kit: it imports the layers below, nothing below imports it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Who may import the demo: the demo itself and the ``kit demo`` command.
ALLOWED = ("kit/demo/", "kit/commands/demo.py")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_nothing_below_the_demo_imports_it():
    offenders = []
    for path in sorted((ROOT / "kit").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(ALLOWED):
            continue
        wrong = sorted(m for m in _imports(path) if m == "kit.demo" or m.startswith("kit.demo."))
        if wrong:
            offenders.append(f"{rel}: {', '.join(wrong)}")
    assert not offenders, "the demo is the top layer; these import it:\n" + "\n".join(offenders)


def test_the_check_sees_an_import_of_the_demo():
    assert "kit.demo" in _imports(ROOT / "kit" / "commands" / "demo.py")
    assert "kit.demo.sync_steps.serve" in _imports(ROOT / "kit" / "commands" / "demo.py")
