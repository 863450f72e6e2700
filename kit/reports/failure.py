"""A failed run as a person reads it: what failed, what to do, and the technical text kept apart.

The report of a failed go-live or job run opens with a :class:`Failure` box in
Portuguese (the channel that did not answer, naming the address tried; the
credentials refused; the file that could not be read...), built from the
error's class and fields by :func:`kit.forms_messages.explain_error`, the
same wording as the canais screen. The Python traceback, scrubbed and without
terminal colours, only goes into the collapsed "Detalhes técnicos" block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kit.reports.html import box, code_text, details
from kit.scrub import scrub

__all__ = ["Failure", "explain", "unexpected", "clean_traceback", "NOT_CHECKED"]

#: the go-live verdict of a check that could not run (the canais screen uses the same words)
NOT_CHECKED = "NÃO FOI POSSÍVEL VERIFICAR"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def clean_traceback(lines: str | Iterable[str] | None) -> str:
    """A traceback as plain text: terminal colour codes removed, secrets scrubbed."""
    if lines is None:
        return ""
    text = lines if isinstance(lines, str) else "\n".join(str(x) for x in lines)
    return scrub(_ANSI.sub("", text)).strip()


@dataclass(slots=True)
class Failure:
    """What the top of a failed run's report says.

    Attributes:
        headline: the verdict or state in capitals (``NÃO FOI POSSÍVEL VERIFICAR``, ``FALHOU``).
        message: what failed, pt-BR, one or two sentences.
        hint: what to do next, pt-BR; commands between backticks.
        detail: the technical text (English allowed): the error line and the traceback, scrubbed.
    """

    headline: str
    message: str
    hint: str = ""
    detail: str = ""

    def html(self) -> str:
        """The red box, with the technical text collapsed under it (class ``kit-falha``)."""
        lines = [f"<b>O que falhou:</b> {code_text(self.message)}"]
        if self.hint:
            lines.append(f"<b>O que fazer:</b> {code_text(self.hint)}")
        lines.append(details(self.detail))
        return box(self.headline, lines, kind="erro", css_class="kit-falha", data=f'data-headline="{self.headline}"')

    def markdown(self) -> str:
        """The same as Markdown, for the first cell of a failed run's notebook (no traceback in it)."""
        out = [f"# ✖ {self.headline}", "", f"**O que falhou:** {scrub(self.message)}"]
        if self.hint:
            out += ["", f"**O que fazer:** {scrub(self.hint)}"]
        out += ["", "_Os detalhes técnicos estão recolhidos na célula que falhou, mais abaixo._"]
        return "\n".join(out)

    def text(self) -> str:
        """Message and hint as one pt-BR line (for the console)."""
        return f"{self.message} {self.hint}".strip()


def explain(
    error: Any,
    *,
    headline: str,
    address: str | None = None,
    channel: str = "",
    type_name: str = "",
    traceback: str = "",
) -> Failure:
    """The :class:`Failure` of ``error`` (a :class:`~kit.errors.KitError`, another exception, or
    ``KitError.to_dict()`` as a summary file keeps it).

    Args:
        headline: what the box's title says.
        address: the channel's API address, named when it could not be reached (a local
            address gets the "start the sandbox" hint, a remote one "the channel may be down").
        channel, type_name: for the commands suggested.
        traceback: the technical text to keep collapsed (cleaned here).
    """
    from kit.forms_messages import explain_error

    why = explain_error(error, address=address, channel=channel, type_name=type_name)
    detail = "\n\n".join(part for part in (why.detail, clean_traceback(traceback)) if part)
    return Failure(headline, why.message, why.hint, detail)


def unexpected(headline: str, technical: str, *, what: str = "") -> Failure:
    """A failure the kit did not foresee (a bug, a kernel that died): said plainly, the technical text kept."""
    return Failure(
        headline,
        what or "A execução parou com um erro inesperado.",
        "Veja os detalhes técnicos; se o erro se repetir, envie este relatório à equipe do kit.",
        clean_traceback(technical),
    )
