"""Collect every string the kit can show a person, from the source (AST) and from the notebooks.

A string is person-facing when it reaches a sink a person reads:

* the message and ``hint=`` of any :class:`kit.errors.KitError` (or subclass, found by following class bases);
* ``print``/``sys.stdout.write``/``sys.stderr.write``/``say`` (the demo's summary);
* argparse ``help=``/``description=`` texts;
* widget texts: ``description=``, ``placeholder=``, ``tooltip=``, ``value=`` of ipywidgets constructors,
  the first argument of ``HTML``/``Label``/``Markdown``, assignments to ``.value``/``.description``;
* pt-BR explanations and results (``Explanation``, ``ActionResult``), response-table messages (``ResponseRule``),
  the reader's problems (``Problem``, ``problem(...)``, ``flag(...)``), the reason of an item a job reports
  (``ItemResult``, ``PublishResult``: reason, fix, note); a ``lambda`` that forms a message per row is read through its body;
* label tables: the values of dict literals assigned to names ending in ``LABELS``, ``_PT`` or ``MESSAGES``;
* report templates: any string literal holding an HTML tag;
* notebooks: markdown cells and string literals of code cells passed to ``print``.

An f-string is read with its constant parts only (``{}`` where values go), so identifiers filled in at run
time never count. The detector is :func:`kit.lang.looks_english`.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Not what the kit says to a person: the sandboxes imitate the channels (their English is the channel's).
SKIP_DIRS = ("kit/sandbox/", "kit/data/")
_PRINT_SINKS = {"print", "say"}
_WRITE_ATTRS = {"write"}
_WIDGET_CALLS = {"Button", "Checkbox", "Text", "Textarea", "HTML", "Label", "Dropdown", "ToggleButtons",
                 "Select", "SelectMultiple", "IntText", "FloatText", "Combobox", "Markdown", "HTMLMath",
                 "RadioButtons", "Tab", "Accordion", "ToggleButton", "BoundedIntText", "BoundedFloatText"}  # fmt: skip
_WIDGET_KWARGS = {"description", "placeholder", "tooltip", "value"}
_FIRST_ARG_CALLS = {"HTML", "Label", "Markdown", "Explanation", "ActionResult"}
_LABEL_NAME = re.compile(r"(LABELS|_PT|MESSAGES)$")
#: Variables that carry a message to a sink later (``why = "..."; raise GateError(f"...: {why}")``).
_MESSAGE_NAMES = {"why", "hint", "reason", "message", "msg", "refusal", "note", "detail", "line", "headline"}
_HTML_TAG = re.compile(
    r"</?(?:div|span|b|i|p|br|h[1-6]|table|thead|tbody|tr|td|th|ul|ol|li|code|pre|details|summary|a|small|strong|em)"
    r"(?:\s[^<>]*)?/?>"
)


@dataclass(frozen=True, slots=True)
class Found:
    """One person-facing string: where it is, which sink, its text (``{}`` for run-time values)."""

    path: str
    line: int
    sink: str
    text: str


def text_of(node: ast.AST) -> str | None:
    """The literal text of a str constant, f-string or ``+``/implicit concatenation (``{}`` for values)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = text_of(node.left), text_of(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    if isinstance(node, ast.Lambda):  # a message formed per row: lambda i: f"..."
        return text_of(node.body)
    if isinstance(node, ast.IfExp):
        parts = [t for t in (text_of(node.body), text_of(node.orelse)) if t]
        return " | ".join(parts) if parts else None
    return None


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def error_classes(files: list[Path]) -> set[str]:
    """``KitError`` and every class that derives from it anywhere in ``files`` (followed to a fixed point)."""
    bases: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                bases.setdefault(node.name, set()).update(names)
    found = {"KitError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str, errors: set[str]) -> None:
        self.path, self.errors, self.found = path, errors, []

    def add(self, node: ast.AST | None, sink: str) -> None:
        text = text_of(node) if node is not None else None
        if text and text.strip():
            self.found.append(Found(self.path, getattr(node, "lineno", 0), sink, text))

    def visit_Call(self, node: ast.Call) -> None:
        name = _callee(node)
        kwargs = {k.arg: k.value for k in node.keywords if k.arg}
        if name in self.errors:
            self.add(node.args[0] if node.args else kwargs.get("message"), "error")
            self.add(kwargs.get("hint"), "hint")
        elif name in _PRINT_SINKS or (name in _WRITE_ATTRS and "std" in ast.unparse(node.func)):
            for arg in node.args:
                self.add(arg, name)
        elif name == "ResponseRule" and len(node.args) >= 4:
            self.add(node.args[3], "response")
        elif name in ("Problem", "problem"):  # kit.sheets: (severity, message, ..., hint=)
            self.add(node.args[1] if len(node.args) > 1 else kwargs.get("message"), "problem")
            self.add(kwargs.get("hint"), "hint")
        elif name == "flag" and len(node.args) >= 3:  # kit.sheets.convert: (values, mask, message(i), hint)
            self.add(node.args[2], "problem")
            self.add(node.args[3] if len(node.args) > 3 else kwargs.get("hint"), "hint")
        elif name == "ItemResult":  # a failed/skipped item's reason, shown in job reports
            self.add(node.args[2] if len(node.args) > 2 else kwargs.get("reason"), "item reason")
        elif name == "PublishResult":  # (sku, status, action, reason, fix, ...; note=): the products report
            self.add(node.args[3] if len(node.args) > 3 else kwargs.get("reason"), "item reason")
            self.add(node.args[4] if len(node.args) > 4 else kwargs.get("fix"), "item fix")
            self.add(kwargs.get("note"), "item note")
        if name in ("add_argument", "add_parser", "ArgumentParser", "_Parser", "add_subparsers"):
            for key in ("help", "description", "title"):
                self.add(kwargs.get(key), f"argparse {key}")
        if name == "demo_step":  # `kit demo --steps` prints it
            self.add(kwargs.get("description"), "demo step")
        if name in _WIDGET_CALLS:
            for key in _WIDGET_KWARGS & set(kwargs):
                self.add(kwargs[key], f"widget {key}")
        if name in _FIRST_ARG_CALLS and node.args:
            for arg in node.args[:2]:
                self.add(arg, name)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in _MESSAGE_NAMES:
                self.add(node.value, f"{target.id} =")
            if isinstance(target, ast.Attribute) and target.attr in ("value", "description", "placeholder"):
                self.add(node.value, f"widget .{target.attr}")
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if _LABEL_NAME.search(name or "") and isinstance(node.value, ast.Dict):
                for value in node.value.values:
                    self.add(value, "label")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        name = node.target.id if isinstance(node.target, ast.Name) else ""
        if _LABEL_NAME.search(name) and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                self.add(value, "label")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and _HTML_TAG.search(node.value):
            self.add(node, "html")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        text = text_of(node) or ""
        if _HTML_TAG.search(text):
            self.add(node, "html")
        for value in node.values:  # the expressions inside; the constant parts are read above as one text
            if isinstance(value, ast.FormattedValue):
                self.visit(value)


def kit_files(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / "kit").rglob("*.py") if not str(p.relative_to(root)).startswith(SKIP_DIRS))


def collect_source(files: list[Path], root: Path = ROOT, errors: set[str] | None = None) -> list[Found]:
    """Every person-facing string literal of ``files`` (see the module docstring)."""
    errors = errors if errors is not None else error_classes(kit_files(root))
    out: list[Found] = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree) if _has_docstring(n)}
        visitor = _Visitor(str(path.relative_to(root)) if path.is_relative_to(root) else str(path), errors)
        visitor.visit(tree)
        out += [f for f in visitor.found if f.sink != "html" or not _is_docstring_text(f, docstrings, tree)]
    return out


def _has_docstring(node: ast.AST) -> bool:
    body = getattr(node, "body", None)
    return bool(
        isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    )


def _is_docstring_text(found: Found, docstrings: set[int], tree: ast.AST) -> bool:
    return any(isinstance(n, ast.Constant) and id(n) in docstrings and n.value == found.text for n in ast.walk(tree))


def collect_notebooks(root: Path = ROOT) -> list[Found]:
    """Markdown cells and printed literals of the notebooks a person opens."""
    out: list[Found] = []
    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        rel = str(path.relative_to(root))
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                for para in re.split(r"\n\s*\n", source):
                    if para.strip():
                        out.append(Found(rel, index, "markdown", para))
            elif cell["cell_type"] == "code":
                try:
                    tree = ast.parse("\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith("%")))
                except SyntaxError:
                    continue
                visitor = _Visitor(rel, set())
                visitor.visit(tree)
                out += [Found(rel, index, f.sink, f.text) for f in visitor.found]
    return out
