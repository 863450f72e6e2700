"""The one place where secrets are removed from text.

Every message the kit forms (errors, log lines, reports, widget labels) passes
through :func:`scrub`. Two layers:

* known values: every secret loaded from the secrets store (or an environment
  variable) is registered with :func:`register_secret` and replaced wherever it
  appears, also URL-encoded;
* shapes: bearer tokens, ``access_token=`` style query/form parameters,
  auth headers and JSON fields named like credentials, whatever their value.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

__all__ = ["scrub", "register_secret", "mask", "ScrubFilter", "install_log_filter", "MASK"]

MASK = "••••"

_lock = threading.Lock()
_known: set[str] = set()
_known_re: re.Pattern[str] | None = None

# Names whose values are secrets wherever they appear (query, form, JSON, headers).
_SECRET_NAMES = (
    r"access_token|refresh_token|client_secret|api[_-]?key|app[_-]?token|apptoken|appkey|"
    r"password|passwd|senha|secret|token|authorization|x-api-key|x-vtex-api-apptoken|"
    r"x-vtex-api-appkey|x-accountmanager-key|wm_sec\.access_token|a1|a2|code"
)
_PATTERNS = [
    # Authorization: Bearer xxx / Basic xxx
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/=]{6,}"), r"\1 " + MASK),
    # name=value in query strings / form bodies
    (re.compile(rf"(?i)\b({_SECRET_NAMES})=([^&\s'\"]+)"), r"\1=" + MASK),
    # "name": "value" in JSON / Python reprs
    (
        re.compile(rf"(?i)([\"']?(?:{_SECRET_NAMES})[\"']?\s*[:=]\s*)([\"'])([^\"']+)\2"),
        r"\1\2" + MASK + r"\2",
    ),
    # Header lines "X-Api-Key: value"
    (re.compile(rf"(?im)^(\s*(?:{_SECRET_NAMES})\s*:\s*)(\S+)"), r"\1" + MASK),
    # Mercado Livre style tokens
    (re.compile(r"\b(APP_USR|TG)-[A-Za-z0-9\-]{8,}"), MASK),
]


def register_secret(value: str | None) -> None:
    """Remember a secret value so that :func:`scrub` removes it everywhere.

    Very short values (under 4 characters) are not registered: replacing them
    would mangle ordinary text, and they are not worth protecting as secrets.
    """
    global _known_re
    if not value or len(value) < 4:
        return
    variants = {value, quote(value, safe=""), quote_plus(value)}
    with _lock:
        if variants <= _known:
            return
        _known.update(variants)
        ordered = sorted(_known, key=len, reverse=True)
        _known_re = re.compile("|".join(re.escape(v) for v in ordered))


def scrub(text: object) -> str:
    """Return ``text`` as a string with every known or recognisable secret masked."""
    if text is None:
        return ""
    out = str(text)
    pattern = _known_re
    if pattern is not None:
        out = pattern.sub(MASK, out)
    for regex, repl in _PATTERNS:
        out = regex.sub(repl, out)
    return out


def mask(value: str | None) -> str:
    """Mask a secret for display: ``••••1a2b`` (last four characters at most).

    Values of eight characters or fewer show nothing but the mask.
    """
    if not value:
        return ""
    return MASK + (value[-4:] if len(value) > 8 else "")


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        record.msg = scrub(record.getMessage())
        record.args = ()
        return True


def install_log_filter(logger: logging.Logger | None = None) -> None:
    """Attach :class:`ScrubFilter` to ``logger``'s handlers (root by default)."""
    logger = logger or logging.getLogger()
    flt = ScrubFilter()
    if not any(isinstance(f, ScrubFilter) for f in logger.filters):
        logger.addFilter(flt)
    for handler in logger.handlers:
        if not any(isinstance(f, ScrubFilter) for f in handler.filters):
            handler.addFilter(flt)
