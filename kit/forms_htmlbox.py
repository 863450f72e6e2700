"""HTML shown through the notebook's own renderer, so links to report files open in JupyterLab.

An ``ipywidgets.HTML`` puts its value straight into the page: a relative link
in it resolves against the page address (``/lab/tree/...``) and leads nowhere.
:class:`HtmlBox` shows the same HTML as a display output inside an
``ipywidgets.Output``: JupyterLab's renderer then resolves a relative link
against the notebook's folder and opens the file in JupyterLab. The kernel's
working directory is the notebook's folder, so :func:`report_link` makes the
link relative to it.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import quote

import ipywidgets as w

__all__ = ["HtmlBox", "report_link"]

_TAG = re.compile(r"<[^>]+>")


class HtmlBox:
    """An ``Output`` widget holding one HTML display; :attr:`value` reads and replaces it.

    Args:
        css_class: CSS class of the widget (browser tests find it by that).
    """

    def __init__(self, css_class: str) -> None:
        self.widget = w.Output()
        self.widget.add_class(css_class)
        self._value = ""

    @property
    def value(self) -> str:
        """The HTML shown ("" when empty)."""
        return self._value

    @value.setter
    def value(self, markup: str) -> None:
        self._value = markup
        if not markup:
            self.widget.outputs = ()
            return
        plain = html.unescape(_strip_tags(markup))
        self.widget.outputs = (
            {"output_type": "display_data", "data": {"text/html": markup, "text/plain": plain}, "metadata": {}},
        )


def _strip_tags(markup: str) -> str:
    return _TAG.sub(" ", markup)


def report_link(path: str | os.PathLike[str] | None, label: str, *, show_path: bool = True) -> str:
    """``<a>`` to a report file, relative to the notebook's folder, with the full path beside it ("" without a path).

    Args:
        path: the report file.
        label: the pt-BR link text, e.g. "abrir relatório".
        show_path: also show the full path (where the link cannot open: a report outside JupyterLab's root).
    """
    if not path:
        return ""
    target = Path(path).resolve()
    try:
        rel = os.path.relpath(target, Path.cwd())
    except ValueError:  # another drive (Windows)
        rel = str(target)
    href = html.escape(quote(rel.replace(os.sep, "/")), quote=True)
    link = f"<a class='canais-link' href='{href}' target='_blank' title='{html.escape(str(target))}'>{html.escape(label)}</a>"
    return link + (f" <code style='font-size:85%'>{html.escape(str(target))}</code>" if show_path else "")
