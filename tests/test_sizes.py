"""Small modules, small functions: every module of ``kit/`` at most 600 lines, every function at most 80.

A check anyone can run: ``pytest tests/test_sizes.py``. The exceptions kept are
listed in :data:`EXCEPTIONS`, each with its reason and who will fix it; an
exception that no longer exceeds the bound fails too, so the list only shrinks.
A function is named ``path::qualified.name`` (``kit/x.py::Class.method``), a
module by its path; a function's lines run from its ``def`` to its last line.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

#: What may stay over the bounds for now, and why. Being changed in wave 3: the lead removes each once merged.
EXCEPTIONS = {}


def _modules() -> list[Path]:
    return sorted((ROOT / "kit").rglob("*.py"))


def _functions(tree: ast.AST) -> list[tuple[str, int]]:
    """``(qualified name, lines)`` of every function and method of a module, nested ones included."""
    found: list[tuple[str, int]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                found.append((name, child.end_lineno - child.lineno + 1))
                walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return found


@cache
def _sizes() -> dict[str, tuple[int, int]]:
    """``name -> (lines, bound)`` for every module and function of ``kit/``."""
    sizes: dict[str, tuple[int, int]] = {}
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        sizes[rel] = (text.count("\n"), MAX_MODULE_LINES)
        for name, lines in _functions(ast.parse(text)):
            sizes[f"{rel}::{name}"] = (lines, MAX_FUNCTION_LINES)
    return sizes


def test_the_check_reads_the_whole_package():
    sizes = _sizes()
    assert len(_modules()) > 100 and "kit/registry.py" in sizes
    assert "kit/registry.py::Registry.lookup" in sizes  # methods are named with their class
    assert "kit/registry.py::Registry.registers.deco" in sizes  # and nested functions with their parent


def test_no_module_over_600_lines_and_no_function_over_80():
    unexpected = [
        f"{name}: {lines} lines (at most {bound})"
        for name, (lines, bound) in _sizes().items()
        if lines > bound and name not in EXCEPTIONS
    ]
    assert not unexpected, "split these (if that must wait, list them in EXCEPTIONS, saying why and who):\n" + (
        "\n".join(unexpected)
    )


def test_every_exception_is_still_needed_and_says_why_and_who():
    sizes = _sizes()
    for name, reason in EXCEPTIONS.items():
        assert name in sizes, f"{name} no longer exists: remove it from EXCEPTIONS"
        lines, bound = sizes[name]
        assert lines > bound, f"{name} has {lines} lines now (bound {bound}): remove it from EXCEPTIONS"
        assert "owner:" in reason and len(reason) > len("owner: x, "), f"{name}: say why it waits and who fixes it"
