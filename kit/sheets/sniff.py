"""What a text file is: its encoding, whether it is text at all, and its column separator.

Encodings: UTF-8 (with or without BOM), UTF-16, and for the rest Windows-1252
(latin-1 where cp1252 has holes); a file mixing encodings is refused, naming
the rows. Separators: ``;`` ``,`` tab ``|``; an unknown one is named.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from kit.sheets.problems import Fatal, Problem

__all__ = [
    "SNIFF_BYTES",
    "SEPARATORS",
    "SEP_NAMES",
    "detect_encoding",
    "check_binary",
    "mixed_encoding",
    "detect_separator",
]


SNIFF_BYTES = 256 * 1024  # enough lines to detect encoding, separator and header
SEPARATORS = (";", ",", "\t", "|")  # tie-break order: ';' is the Brazilian ERP default
SEP_NAMES = {";": "';'", ",": "','", "\t": "tab", "|": "'|'"}


def detect_encoding(head: bytes, name: str) -> tuple[str, str]:
    """(codec for reading, name to show)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(head[:65536]).best()
    guess = (best.encoding if best else "") or ""
    if guess.startswith(("utf_16", "utf_32")):
        return guess, guess
    # Brazilian exports that are not UTF-8 are Windows-1252 (latin-1 when cp1252 has holes);
    # the detector's cp1250/mac guesses for short Portuguese text are wrong more often than not.
    try:
        head.decode("cp1252")
        return "cp1252", "cp1252"
    except UnicodeDecodeError:
        return "latin-1", "latin-1"


def check_binary(text: str, name: str) -> None:
    sample = text[:20000]
    if not sample:
        return
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    if "\x00" in sample or control / len(sample) > 0.01:
        raise Fatal(
            Problem(
                "error",
                "o arquivo não é texto: tem conteúdo binário",
                name,
                hint="provavelmente é outro formato renomeado para .csv; exporte os dados de novo como CSV ou .xlsx",
            )
        )


def mixed_encoding(data: bytes, name: str, bom: bool) -> None:
    """Raise if some lines are UTF-8 and others are not (or a UTF-8 BOM lies)."""
    if not bom and not re.search(rb"[\xc2-\xf4][\x80-\xbf]", data):
        return  # no UTF-8 multi-byte sequence anywhere: one legacy encoding throughout
    utf8_row = other_row = None
    lines = data.split(b"\n")
    for i, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_row = utf8_row or i
        except UnicodeDecodeError as exc:
            if i == len(lines) and exc.reason == "unexpected end of data" and not other_row:
                raise Fatal(
                    Problem(
                        "error",
                        f"o arquivo termina no meio de um caractere (linha {i}): parece cortado",
                        name,
                        row=i,
                        hint="exporte ou baixe o arquivo de novo",
                    )
                ) from None
            other_row = other_row or i
        if other_row and (utf8_row or bom):
            break
    if other_row and bom:
        raise Fatal(
            Problem(
                "error",
                f"o arquivo se declara UTF-8 (começa com a marca BOM do UTF-8), mas a linha {other_row} não está "
                "em UTF-8 (parece Windows-1252/latin-1)",
                name,
                row=other_row,
                hint="salve o arquivo inteiro numa só codificação, de preferência 'CSV UTF-8'",
            )
        )
    if other_row and utf8_row:
        raise Fatal(
            Problem(
                "error",
                f"o arquivo mistura codificações: a linha {utf8_row} está em UTF-8, mas a linha {other_row} não "
                "(parece Windows-1252/latin-1)",
                name,
                row=other_row,
                hint="o arquivo provavelmente foi montado a partir de duas exportações; salve numa só codificação, de preferência UTF-8",
            )
        )


def detect_separator(lines: list[str], name: str) -> str | None:
    """The separator giving the most consistent field count >1; None for one-column files."""
    lines = [ln for ln in lines if ln.strip()][:50]
    best: tuple[float, int, str] | None = None
    for rank, sep in enumerate(SEPARATORS):
        # Line by line (an unclosed quote stays local), and record by record (a quoted cell may hold
        # line breaks, as in a store's HTML descriptions): the more consistent of the two counts.
        for counts in ([_field_count(ln, sep) for ln in lines], _record_field_counts(lines, sep)):
            if not counts:
                continue
            mode = max(set(counts), key=counts.count)
            if mode <= 1:
                continue
            consistency = counts.count(mode) / len(counts)
            score = (consistency, -rank, sep)
            if best is None or score > best:
                best = score
    if best is not None:
        return best[2]
    # One column, or a separator the reader does not know: name it.
    header = lines[0] if lines else ""
    for ch in sorted({c for c in header if not c.isalnum() and c not in " \"'._-()/%$ºª°"}, key=header.count)[::-1]:
        per_line = [ln.count(ch) for ln in lines]
        if per_line[0] >= 1 and sum(1 for c in per_line if c == per_line[0]) >= max(2, 0.8 * len(per_line)):
            raise Fatal(
                Problem(
                    "error",
                    f"separador de colunas desconhecido {ch!r}: o leitor entende ';' ',' tabulação e '|'",
                    name,
                    row=1,
                    hint="exporte o arquivo de novo com ';' como separador",
                )
            )
    return None


def _record_field_counts(lines: list[str], sep: str) -> list[int]:
    """The field count of each whole record of ``lines`` (quoted line breaks kept); the last one, maybe cut, left out."""
    counts: list[int] = []
    try:
        for record in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep):
            counts.append(len(record))
    except csv.Error:
        return []
    return counts[:-1] if len(counts) > 2 else counts


def _field_count(line: str, sep: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=sep), []))
    except csv.Error:
        return line.count(sep) + 1
