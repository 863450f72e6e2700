"""What a delimited file's raw bytes prove about its cells: :class:`ByteFacts`.

The reader (:mod:`kit.sheets`) checks every cell of every text column for
surrounding whitespace, Excel's ``'`` text prefix, scientific notation and
cells too long for a spreadsheet. On a large export those per-cell checks in
Python cost several times more than parsing the file. Almost always the bytes
alone show that no cell can be affected (the file has no ``'``, no ``+``, no
space next to a separator, no line longer than a cell may be), or which few
rows can be, so the per-cell checks run on those rows only.

Every answer is conservative: ``None`` means "cannot tell, check every row".
The facts hold only when each line of the file is one row (no quoted line
breaks) and the encoding keeps ASCII bytes as themselves (UTF-8, cp1252,
latin-1); otherwise every method answers ``None``.

The scans are vectorised (numpy, in cache-sized chunks so no buffer the size
of the file is allocated) or use ``bytes.find``/``bytes.count``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["ByteFacts", "ascii_compatible"]

CHUNK_BYTES = 1 << 22  # 4 MiB: the scan's buffers stay in cache and are reused
FIND_LOOP_MAX = 20_000  # past this many hits, positions come from one numpy pass, not a find() loop
LINE_LOOP_MAX = 200_000  # up to this many positions, their lines come from count() calls

_NL, _CR, _QUOTE, _SPACE = 10, 13, 34, 32
# Bytes that begin a whitespace character str.strip() removes, other than space, tab, CR and LF.
_LOW_SPACES = (11, 12, 28, 29, 30, 31)  # \v \f and the information separators
_UTF8_SPACES = (  # U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000
    (b"\xc2\x85", b"\xc2\xa0", b"\xe1\x9a\x80", b"\xe2\x81\x9f", b"\xe3\x80\x80")
    + tuple(bytes((0xE2, 0x80, b)) for b in (*range(0x80, 0x8B), 0xA8, 0xA9, 0xAF))
)
_SINGLE_BYTE_SPACES = (0x85, 0xA0)
# The bytes the reader looks for in every code column (kit.sheets.convert): Excel's text prefix, the
# exponent of scientific notation.
ASKED_BYTES = (b"'", b"+")  # cp1252 / latin-1: conservative (0x85 is "..." in cp1252)


def ascii_compatible(codec: str) -> bool:
    """True when ASCII characters are single bytes with their ASCII values in ``codec``."""
    norm = codec.replace("-", "").replace("_", "").lower()
    return norm.startswith(("utf8", "cp1252", "latin", "iso8859", "windows1252"))


class ByteFacts:
    """Facts about one delimited file's data rows, from its bytes.

    Args:
        blob: the whole file, BOM removed.
        sep: the one-character separator.
        codec: the file's encoding.
        skip_lines: physical lines before the first data row (title rows and the header).
        nrows: data rows the parser produced (blank rows included); ``None`` while the parser
            still works (the bytes are scanned meanwhile): :meth:`finish` gives it after.
    """

    def __init__(self, blob: bytes, sep: str, codec: str, skip_lines: int, nrows: int | None) -> None:
        self.blob = blob
        self.skip_lines = skip_lines
        self.nrows = -1 if nrows is None else nrows
        self._lines = -1
        self.utf8 = codec.replace("-", "").replace("_", "").lower().startswith("utf8")
        self.sep_byte = ord(sep) if len(sep) == 1 and ord(sep) < 128 else -1
        self._ends: np.ndarray | None = None
        self._quotes: np.ndarray | None = None  # every quote's position
        self._edge = self._by_sep = np.empty(0, dtype=np.int64)
        self._controls = 0  # bytes below 32 other than line ends
        self._strip: np.ndarray | None = None
        self._found_at: dict[bytes, np.ndarray] = {}
        self.usable = False
        if not ascii_compatible(codec) or self.sep_byte < 0:
            return
        newlines = self._scan()  # one pass: line ends, quotes, spaces at cell edges, control bytes
        self._lines = newlines + (0 if not blob or blob.endswith(b"\n") else 1)
        # A bare CR also ends a row for the parser; "\r\n" is one line end.
        crs = blob.count(b"\r") if blob.find(b"\r") >= 0 else 0
        bare_cr = crs - blob.count(b"\r\n") if crs else 0
        self._controls -= crs
        self.usable = bare_cr == 0  # until finish() compares the lines with the parser's rows
        if nrows is not None:
            self.finish(nrows)

    def finish(self, nrows: int) -> ByteFacts:
        """The parser's row count: the facts hold only when each line of the file is one of its rows."""
        self.nrows = nrows
        self.usable = self.usable and self._lines - self.skip_lines == nrows
        return self

    # --- public answers ---------------------------------------------------------------------

    def rows_with(self, byte: bytes, position: int | None = None) -> np.ndarray | None:
        """Data rows (0-based) whose line contains ``byte`` (one ASCII byte), or None; any column (``position``)."""
        if not self.usable or len(byte) != 1 or byte[0] >= 128:
            return None
        return self._rows_of(self._found(byte))

    def lines_shorter_than(self, limit: int) -> bool:
        """True proves every line has fewer than ``limit`` bytes, so no cell has ``limit`` characters.

        Checks that each window of ``limit // 2`` bytes holds a line end: then no
        two line ends are ``limit`` bytes apart. A few thousand ``find`` calls.
        False means "cannot tell" (always the answer when a line is ``limit`` bytes or
        longer; possibly when one is longer than half of it).
        """
        if not self.usable or limit < 4:
            return False
        blob, half, n = self.blob, limit // 2, len(self.blob)
        for start in range(0, n, half):
            end = start + half
            if end < n and blob.find(b"\n", start, end) < 0:
                return False
        return True

    def rows_to_strip(self) -> np.ndarray | None:
        """Data rows whose cells may begin or end with whitespace, or None for "maybe all".

        Flags a space next to a line end, a quote or a separator (one inside a
        quoted cell, as in ``"Cama, Mesa"``, only when the file's quoting is too
        irregular to tell), and any other whitespace character ``str.strip``
        removes wherever it is. Those rows are stripped; the others provably need
        not be.
        """
        if not self.usable:
            return None
        positions = self._strip_positions()
        if len(positions) > self.nrows // 2:
            return None  # stripping every cell is as cheap
        return self._rows_of(positions)

    def prepare(self) -> ByteFacts:
        """Find now what the reader asks of every file (where a cell may need stripping, where the
        bytes of :data:`ASKED_BYTES` are): the background thread does it while the parser works."""
        if self._lines >= 0 and self.usable:  # scanned, and no bare CR
            self._strip_positions()
            for byte in ASKED_BYTES:
                self._found(byte)
        return self

    # --- scans ------------------------------------------------------------------------------

    def _strip_positions(self) -> np.ndarray:
        """Positions of the whitespace :meth:`rows_to_strip` looks at (found once)."""
        if self._strip is None:
            self._strip = np.concatenate((self._edge, self._outside_quotes(self._by_sep), self._odd_spaces()))
        return self._strip

    def _found(self, byte: bytes) -> np.ndarray:
        """Every position of one byte (found once per byte)."""
        if byte not in self._found_at:
            self._found_at[byte] = self._find_all(byte)
        return self._found_at[byte]

    def _scan(self) -> int:
        """One pass over the bytes, in cache-sized chunks: returns the number of line ends.

        Records every quote's position, the spaces next to a line end or quote
        (``_edge``) and those next to the separator (``_by_sep``), and how many
        bytes below 32 are not line ends (``_controls``; CRs are taken off after).
        """
        arr = np.frombuffer(self.blob, dtype=np.uint8)
        quotes = self.blob.find(b'"') >= 0
        crlf = self.blob.find(b"\r") >= 0
        edge_parts: list[np.ndarray] = []
        sep_parts: list[np.ndarray] = []
        quote_parts: list[np.ndarray] = []
        newlines = controls = 0
        size = min(CHUNK_BYTES, len(arr))
        sp = np.empty(size + 1, dtype=bool)
        strong = np.empty(size + 1, dtype=bool)
        weak = np.empty(size + 1, dtype=bool)
        tmp = np.empty(size + 1, dtype=bool)
        hit = np.empty(size, dtype=bool)
        for start in range(0, len(arr), size):
            # one byte of overlap: a pair (i, i + 1) across two chunks is seen in the first
            chunk = arr[start : start + size + 1]
            m = len(chunk)
            own = min(m, size)  # the overlap byte is counted with the next chunk
            s, st, w, t = sp[:m], strong[:m], weak[:m], tmp[:m]
            np.less(chunk, 32, out=t)
            below = np.count_nonzero(t[:own])
            np.equal(chunk, _NL, out=st)
            lf = np.count_nonzero(st[:own])
            newlines += lf
            controls += below - lf
            if quotes:
                np.equal(chunk, _QUOTE, out=t)
                quote_parts.append(np.flatnonzero(t[:own]) + start)
            np.equal(chunk, _SPACE, out=s)
            if not s.any():
                continue
            if quotes:
                st |= t  # still the quotes
            if crlf:
                np.equal(chunk, _CR, out=w)
                st |= w
            np.equal(chunk, self.sep_byte, out=w)
            for found, cls in ((edge_parts, st), (sep_parts, w)):
                h = hit[: m - 1]
                np.logical_and(s[1:], cls[:-1], out=h)  # a space after the byte
                if h.any():
                    found.append(np.flatnonzero(h) + start + 1)
                np.logical_and(s[:-1], cls[1:], out=h)  # a space before the byte
                if h.any():
                    found.append(np.flatnonzero(h) + start)
        if len(arr) and arr[0] == _SPACE:
            edge_parts.append(np.zeros(1, dtype=np.int64))
        self._quotes = _joined(quote_parts)
        self._edge, self._by_sep = _joined(edge_parts), _joined(sep_parts)
        self._controls = controls
        return newlines

    def _outside_quotes(self, positions: np.ndarray) -> np.ndarray:
        """``positions`` without those inside quoted cells, when the quoting is regular enough to tell.

        The parser opens a quoted cell at a quote that starts a cell and closes it
        at a quote followed by the separator or a line end; ``""`` inside is an
        escaped quote. If every quote of the file is one of those, in that order,
        the quotes before a position are odd exactly when it is inside a quoted
        cell (lines are rows here, so no quoted cell spans lines). A quote
        anywhere else (``TV 24" LED``: literal, in an unquoted cell) breaks the
        count, and then no position is dropped.
        """
        quotes = self._quotes if self._quotes is not None else self._find_all(b'"')
        if not len(positions) or not len(quotes):
            return positions
        arr = np.frombuffer(self.blob, dtype=np.uint8)
        n = len(arr)
        prev = arr[np.maximum(quotes - 1, 0)]
        nxt = arr[np.minimum(quotes + 1, n - 1)]
        escaped_pair = np.diff(quotes) == 1  # "" : quote k and k + 1 side by side
        after_quote = np.concatenate(([False], escaped_pair))
        before_quote = np.concatenate((escaped_pair, [False]))
        opens = (quotes == 0) | (prev == self.sep_byte) | (prev == _NL) | after_quote
        closes = (quotes == n - 1) | (nxt == self.sep_byte) | (nxt == _NL) | (nxt == _CR) | before_quote
        in_order = np.where(np.arange(len(quotes)) % 2 == 0, opens, closes)
        if not in_order.all():
            return positions
        inside = np.searchsorted(quotes, positions) % 2 == 1
        return positions[~inside]

    def _odd_spaces(self) -> np.ndarray:
        """Positions of whitespace other than space, LF, CR (and a tab separator)."""
        blob = self.blob
        parts = []
        low = [b for b in (9, *_LOW_SPACES) if b != self.sep_byte]
        for b in low if self._controls else ():  # the scan saw control bytes: find which and where
            if blob.find(bytes((b,))) >= 0:
                parts.append(self._find_all(bytes((b,))))
        if self.sep_byte == 9 and blob.find(b'"') >= 0:
            # a tab inside quotes is text; at the edge of a quoted cell it touches the quote
            # (so does every separator next to a quoted cell: conservative)
            for needle in (b'\t"', b'"\t'):
                parts.append(self._find_all(needle))
        if self.utf8:
            for lead in (0xC2, 0xE1, 0xE2, 0xE3):
                if blob.find(bytes((lead,))) < 0:
                    continue
                for needle in _UTF8_SPACES:
                    if needle[0] == lead and blob.find(needle) >= 0:
                        parts.append(self._find_all(needle))
        else:
            for b in _SINGLE_BYTE_SPACES:
                if blob.find(bytes((b,))) >= 0:
                    parts.append(self._find_all(bytes((b,))))
        return _joined(parts)

    # --- helpers ----------------------------------------------------------------------------

    def _find_all(self, needle: bytes) -> np.ndarray:
        """Every position of ``needle`` (sorted)."""
        blob = self.blob
        pos = blob.find(needle)  # memchr-fast; most needles are absent
        if pos < 0:
            return np.empty(0, dtype=np.int64)
        if len(needle) == 1 and blob.count(needle, pos) > FIND_LOOP_MAX:
            return np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == needle[0])
        found: list[int] = []
        while pos >= 0:
            found.append(pos)
            pos = blob.find(needle, pos + 1)
        return np.asarray(found, dtype=np.int64)

    def _line_ends(self) -> np.ndarray:
        if self._ends is None:
            self._ends = self._find_all(b"\n")
        return self._ends

    def _line_index(self, positions: np.ndarray) -> np.ndarray:
        """The 0-based line of each byte position."""
        if len(positions) <= LINE_LOOP_MAX and self._ends is None:
            # one count() per position scans the file once: cheaper than finding every line end
            order = np.argsort(positions, kind="stable")
            out = np.empty(len(positions), dtype=np.int64)
            line, last = 0, 0
            for k in order:
                p = int(positions[k])
                line += self.blob.count(b"\n", last, p)
                last = p
                out[k] = line
            return out
        return np.searchsorted(self._line_ends(), positions, side="left")

    def _line_starts_of(self, positions: np.ndarray) -> np.ndarray:
        """Where the line of each position starts."""
        if len(positions) <= FIND_LOOP_MAX and self._ends is None:
            return np.array([self.blob.rfind(b"\n", 0, int(p)) + 1 for p in positions], dtype=np.int64)
        k = np.searchsorted(self._line_ends(), positions, side="left")  # line ends before each position
        return np.where(k > 0, self._line_ends()[np.maximum(k - 1, 0)] + 1, 0)

    def _rows_of(self, positions: np.ndarray) -> np.ndarray:
        if not len(positions):
            return np.empty(0, dtype=np.int64)
        rows = np.unique(self._line_index(positions) - self.skip_lines)
        return rows[(rows >= 0) & (rows < self.nrows)]


def _joined(parts: list[Any]) -> np.ndarray:
    return np.concatenate(parts).astype(np.int64, copy=False) if parts else np.empty(0, dtype=np.int64)
