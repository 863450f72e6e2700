"""HTML pieces as the canais screen shows them (pt-BR).

Numbers and dates come from :mod:`kit.fmt`, the kit's one place for Brazilian
formats; its helpers are re-exported here for older imports.
"""

from __future__ import annotations

import html

from kit.fmt import DEFAULT_TIMEZONE, TIMEZONE_ENV, company_timezone, count_pt, when_pt
from kit.scrub import scrub

__all__ = [
    "TIMEZONE_ENV",
    "DEFAULT_TIMEZONE",
    "company_timezone",
    "when_pt",
    "count_pt",
    "technical_details",
    "status_html",
    "text_html",
]


def text_html(text: str) -> str:
    """Plain pt-BR text as HTML: escaped (and scrubbed), with `backticked` commands and paths as ``<code>``."""
    parts = html.escape(scrub(text or "")).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def technical_details(detail: str, *, extra_html: str = "") -> str:
    """A collapsed "Detalhes técnicos" block (scrubbed, escaped); "" when there is nothing to show.

    What the channel or a library said, often in English, goes here: the person
    reads the Portuguese line above it first.
    """
    detail = scrub(detail or "").strip()
    if not detail and not extra_html:
        return ""
    body = f"<pre style='white-space:pre-wrap;margin:4px 0'>{html.escape(detail)}</pre>" if detail else ""
    return (
        "<details class='canais-detalhes'><summary style='cursor:pointer;color:#555'>Detalhes técnicos</summary>"
        f"{body}{extra_html}</details>"
    )


def status_html(ok: bool, message: str, detail: str = "") -> str:
    """An outcome line (green ✔ / red ✖), with the technical detail collapsed under it."""
    color, icon, kind = ("#1a7f37", "✔", "ok") if ok else ("#b42318", "✖", "erro")
    return f"<span class='canais-{kind}' style='color:{color}'>{icon} {text_html(message)}</span>" + technical_details(
        detail
    )
