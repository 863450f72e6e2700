"""Sandboxes are witnesses written from the channels' documents: they never import the connectors.

A sandbox that reuses a connector's tables, codec or limits agrees with the
connector by construction, so a green contract test would prove nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SANDBOX_DIR = Path(__file__).resolve().parents[2] / "kit" / "sandbox"
FORBIDDEN = ("kit.connectors", "kit.channeltypes", "kit.jobs", "kit.golive", "kit.depara")
# kit.channeltypes is read by base.py only to label the Channel it builds for tests (its category); a sandbox's
# behaviour (limits, statuses, paths) must not come from the kit's own declarations.
ALLOWED = {("base.py", "kit.channeltypes")}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("path", sorted(SANDBOX_DIR.rglob("*.py")), ids=lambda p: p.name)
def test_no_sandbox_module_imports_the_kit_it_witnesses(path):
    bad = [
        f"{path.name}:{line} imports {module}"
        for line, module in _imports(path)
        if module.startswith(FORBIDDEN) and (path.name, module) not in ALLOWED
    ]
    assert not bad, "; ".join(bad)


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    """The scan walks the whole tree: a lazy import inside a method counts (positive control)."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from kit.connectors.cnova import X\n    return X\n", encoding="utf-8")
    assert _imports(probe) == [(2, "kit.connectors.cnova")]
