"""The one place where secrets are removed from text.

Every message the kit forms (errors, log lines, reports, widget labels) passes
through :func:`scrub`. Two layers:

* known values: every secret loaded from the secrets store (or an environment
  variable) is registered with :func:`register_secret` and replaced wherever it
  appears, also URL-encoded;
* shapes: bearer tokens, ``access_token=`` style query/form parameters,
  auth headers and JSON fields named like credentials, whatever their value.

Text is scrubbed *before* it is cut: :func:`clip` does both in that order. A
cut made elsewhere first can leave the first (or last) characters of a secret
at an edge of the text, where whole-value matching no longer sees it, so
:func:`scrub` also masks an edge that is a piece (8 characters or more) of a
known secret.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

__all__ = ["scrub", "clip", "register_secret", "mask", "ScrubFilter", "install_log_filter", "MASK"]

MASK = "••••"
#: the shortest piece of a known secret masked at an edge of a text: long enough that ordinary words
#: (a channel name ending a message) are not taken for the start of a key that happens to begin like them
MIN_PIECE = 8

_lock = threading.Lock()
_known: set[str] = set()
_known_re: re.Pattern[str] | None = None
_pieces: tuple[str, ...] = ()

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
    global _known_re, _pieces
    if not value or len(value) < 4:
        return
    variants = {value, quote(value, safe=""), quote_plus(value)}
    with _lock:
        if variants <= _known:
            return
        _known.update(variants)
        ordered = sorted(_known, key=len, reverse=True)
        _known_re = re.compile("|".join(re.escape(v) for v in ordered))
        _pieces = tuple(ordered)


def scrub(text: object) -> str:
    """Return ``text`` as a string with every known or recognisable secret masked."""
    if text is None:
        return ""
    out = str(text)
    pattern = _known_re
    if pattern is not None:
        out = _mask_edges(pattern.sub(MASK, out), _pieces)
    for regex, repl in _PATTERNS:
        out = regex.sub(repl, out)
    return out


def clip(text: object, limit: int, *, ellipsis: str = "…") -> str:
    """Scrub ``text``, then cut it to at most ``limit`` characters (never the other way round).

    The cut never splits a mask, and a cut text ends with ``ellipsis``.
    """
    out = scrub(text)
    if len(out) <= limit:
        return out
    cut = max(0, limit - len(ellipsis))
    start = out.rfind(MASK, max(0, cut - len(MASK) + 1), cut + len(MASK) - 1)
    if start != -1 and start < cut < start + len(MASK):
        cut = start  # keep a mask whole or drop it whole
    return out[:cut] + ellipsis


def _mask_edges(text: str, secrets: tuple[str, ...]) -> str:
    """Mask a piece of a known secret left at the start or end of ``text`` by an earlier cut."""
    for secret in secrets:
        n = len(secret)
        if n <= MIN_PIECE:
            continue
        # End: the text ends with the secret's first k characters (MIN_PIECE <= k < n).
        tail = text[-(n - 1) :]
        first = secret[:MIN_PIECE]
        j = tail.find(first)
        while j != -1:
            if secret.startswith(tail[j:]):
                text = text[: len(text) - len(tail) + j] + MASK
                break
            j = tail.find(first, j + 1)
        # Start: the text begins with the secret's last k characters.
        head = text[: n - 1]
        last = secret[-MIN_PIECE:]
        j = head.rfind(last)
        while j != -1:
            if secret.endswith(head[: j + MIN_PIECE]):
                text = MASK + text[j + MIN_PIECE :]
                break
            j = head.rfind(last, 0, j + MIN_PIECE - 1)
    return text


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
