"""Dates, numbers and HTML pieces as the canais screen shows them (pt-BR).

Dates and times are shown in one format, ``12/05/2026 10:31``, in the
company's time zone: ``$KIT_TIMEZONE`` (an IANA name), America/Sao_Paulo by
default. Counts use the Brazilian thousands separator (``1.299``).
"""

from __future__ import annotations

import datetime as dt
import html
import os
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

TIMEZONE_ENV = "KIT_TIMEZONE"
DEFAULT_TIMEZONE = "America/Sao_Paulo"


def company_timezone() -> dt.tzinfo:
    """``$KIT_TIMEZONE`` when it names a known zone, else America/Sao_Paulo."""
    name = os.environ.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def when_pt(value: Any) -> str:
    """An epoch number or ISO 8601 text as ``dd/mm/aaaa hh:mm`` in the company's time zone ("" when empty).

    Text that is not a date is returned as it is (scrubbed).
    """
    if value in (None, ""):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = dt.datetime.fromtimestamp(value, dt.UTC)
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return scrub(str(value))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(company_timezone()).strftime("%d/%m/%Y %H:%M")


def count_pt(n: int) -> str:
    """An integer with the Brazilian thousands separator: ``32951`` -> ``32.951``."""
    return f"{int(n):,}".replace(",", ".")


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
