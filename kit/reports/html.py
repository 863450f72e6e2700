"""HTML pieces of the kit's reports: one page style, tables without an index, boxes, collapsed technical text.

Everything that reaches a page goes through :func:`esc` (scrubbed of secrets,
then escaped). Tables show every row and every character of a cell (text
wraps, nothing is cut with "…"); a searchable table gets a filter box that
works offline (a few lines of inline script, no external resource).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kit.scrub import scrub

__all__ = [
    "Column",
    "esc",
    "code_text",
    "page",
    "table",
    "info_table",
    "details",
    "box",
    "bullet_list",
    "STYLE",
    "SEARCH_SCRIPT",
]

COLORS = {"ok": "#1a7f37", "erro": "#b42318", "aviso": "#b54708", "info": "#175cd3", "neutro": "#475467"}

STYLE = """
.kit-report{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:14px;color:#1d2939;
  max-width:1200px;margin:0 auto;padding:8px 16px;line-height:1.45}
.kit-report h1{font-size:24px;margin:12px 0 8px}
.kit-report h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid #eaecf0;padding-bottom:4px}
.kit-report table.kit-table{border-collapse:collapse;margin:6px 0;width:auto;max-width:100%}
.kit-report table.kit-table th{background:#f2f4f7;text-align:left;padding:4px 8px;border:1px solid #d0d5dd}
.kit-report table.kit-table td{padding:4px 8px;border:1px solid #eaecf0;vertical-align:top;white-space:pre-wrap;
  word-break:break-word}
.kit-report td.kit-num{text-align:right;white-space:nowrap}
.kit-report .kit-box{border:3px solid;border-radius:8px;padding:10px 16px;margin:8px 0}
.kit-report .kit-box-title{font-size:26px;font-weight:bold}
.kit-report .kit-search{margin:6px 0;padding:4px 8px;width:320px;max-width:100%}
.kit-report details.kit-detalhes summary{cursor:pointer;color:#475467}
.kit-report details.kit-detalhes pre{white-space:pre-wrap;word-break:break-word;background:#f9fafb;padding:8px;
  border:1px solid #eaecf0;font-size:12px}
.kit-report code{background:#f2f4f7;padding:0 3px;border-radius:3px}
.kit-report .kit-muted{color:#475467}
"""

# Filters the rows of the table a search box points at (data-table), case- and accent-insensitive.
SEARCH_SCRIPT = """
<script>
(function(){
  function norm(t){return (t||'').normalize('NFD').replace(/[\\u0300-\\u036f]/g,'').toLowerCase();}
  document.querySelectorAll('input.kit-search').forEach(function(box){
    var table=document.getElementById(box.dataset.table); if(!table){return;}
    var rows=Array.prototype.slice.call(table.tBodies[0].rows);
    var texts=rows.map(function(r){return norm(r.innerText||r.textContent);});
    var count=document.getElementById(box.dataset.table+'-contagem');
    box.addEventListener('input',function(){
      var q=norm(box.value.trim()), shown=0;
      rows.forEach(function(r,i){var ok=!q||texts[i].indexOf(q)>=0; r.style.display=ok?'':'none'; if(ok){shown++;}});
      if(count){count.textContent=shown.toLocaleString('pt-BR')+' de '+rows.length.toLocaleString('pt-BR')+' '+
        (count.dataset.label||'itens');}
    });
  });
})();
</script>
"""


@dataclass(slots=True)
class Column:
    """One column of :func:`table`: the row key, the header people read, right-aligned numbers."""

    key: str
    label: str
    numeric: bool = False


def esc(value: Any) -> str:
    """Text for a page: scrubbed of secrets, then HTML-escaped (``None`` is empty)."""
    return html.escape(scrub("" if value is None else value))


def code_text(text: str) -> str:
    """pt-BR text as HTML: escaped, with `backticked` commands and paths shown as ``<code>``."""
    parts = esc(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def page(title: str, body: str, *, searchable: bool = False) -> str:
    """A whole HTML document (pt-BR, UTF-8, no external resource)."""
    script = SEARCH_SCRIPT if searchable else ""
    return (
        '<!DOCTYPE html>\n<html lang="pt-BR"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head>"
        f'<body><div class="kit-report">{body}</div>{script}</body></html>\n'
    )


def table(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[Column],
    *,
    table_id: str = "",
    search_label: str = "",
    total_label: str = "itens",
) -> str:
    """An HTML table of ``rows`` (dicts), every row and every character; no index column.

    With ``table_id`` and ``search_label`` a filter box above it hides the rows
    that do not contain the typed text (needs :data:`SEARCH_SCRIPT` on the page).
    """
    head = "".join(f"<th>{esc(c.label)}</th>" for c in columns)
    seen: dict[Any, str] = {}  # reasons repeat: each distinct text is scrubbed and escaped once

    def cell(value: Any) -> str:
        key = value if isinstance(value, str | int | float | None) else str(value)
        if key not in seen:
            seen[key] = esc(value)
        return seen[key]

    body = []
    n = 0
    for row in rows:
        n += 1
        cells = "".join(
            f'<td class="kit-num">{cell(row.get(c.key))}</td>' if c.numeric else f"<td>{cell(row.get(c.key))}</td>"
            for c in columns
        )
        body.append(f"<tr>{cells}</tr>")
    ident = f' id="{esc(table_id)}"' if table_id else ""
    out = f'<table class="kit-table"{ident}><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    if table_id and search_label:
        from kit.fmt import count_pt

        search = (
            f'<div><input type="search" class="kit-search" data-table="{esc(table_id)}" '
            f'placeholder="{esc(search_label)}" aria-label="{esc(search_label)}"> '
            f'<span class="kit-muted" id="{esc(table_id)}-contagem" data-label="{esc(total_label)}">'
            f"{count_pt(n)} {esc(total_label)}</span></div>"
        )
        out = search + out
    return out


def info_table(pairs: Iterable[tuple[str, Any]]) -> str:
    """A two-column table of label / value pairs (empty values left out)."""
    rows = "".join(
        f"<tr><th>{esc(label)}</th><td>{code_text(str(value))}</td></tr>"
        for label, value in pairs
        if value not in (None, "")
    )
    return f'<table class="kit-table kit-info"><tbody>{rows}</tbody></table>'


def details(text: str, *, label: str = "Detalhes técnicos", extra_html: str = "") -> str:
    """A collapsed block (closed by default) with preformatted, scrubbed text; "" when empty."""
    text = scrub(text or "").strip()
    if not text and not extra_html:
        return ""
    body = f"<pre>{html.escape(text)}</pre>" if text else ""
    return f'<details class="kit-detalhes"><summary>{esc(label)}</summary>{body}{extra_html}</details>'


def box(title: str, lines: Sequence[str], *, kind: str = "erro", css_class: str = "", data: str = "") -> str:
    """A bordered box: a big title (a verdict, "FALHOU") and pt-BR lines already converted to HTML."""
    color = COLORS.get(kind, COLORS["neutro"])
    body = "".join(f"<div>{line}</div>" for line in lines if line)
    attrs = f' class="kit-box {esc(css_class)}"' + (f" {data}" if data else "")
    return (
        f'<div{attrs} style="border-color:{color}">'
        f'<div class="kit-box-title" style="color:{color}">{esc(title)}</div>{body}</div>'
    )


def bullet_list(items: Iterable[str]) -> str:
    """A ``<ul>`` of items already converted to HTML."""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
