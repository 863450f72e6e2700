"""kit.sheets.bytefacts: what the raw bytes prove, checked against the csv module cell by cell.

And through the reader: reading with the facts and with facts that can tell
nothing gives the same values and the same messages.
"""

from __future__ import annotations

import csv
import io
import random

import numpy as np
import pandas as pd
import pytest

from kit.sheets.bytefacts import ByteFacts

# Pieces of cell text: plain words, and every kind of character the facts are about.
_PIECES = [
    "abc", "Cama", "Mesa", "7891234567895", "12,5", "3.4", "x", "Pão d'Água", "'0123", "2+1", "7,89E+12",
    " ", "  ", "\u00a0", "\t", "\u2003", "\u3000", "\u2013", "\u00ba", "\u201c", "ção", "\u000b",
]  # fmt: skip


def _cell(rng: random.Random, sep: str) -> str:
    text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 3)))
    return text if rng.random() < 0.8 else text + sep + " " + rng.choice(_PIECES)  # a separator inside a value


def _random_csv(seed: int, sep: str, crlf: bool) -> tuple[bytes, list[list[str]]]:
    rng = random.Random(seed)
    ncols = rng.randint(1, 5)
    rows = [[_cell(rng, sep) for _ in range(ncols)] for _ in range(rng.randint(1, 60))]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n" if crlf else "\n")
    writer.writerow([f"h{i}" for i in range(ncols)])
    for row in rows:
        if seed % 2 and rng.random() < 0.1:
            # written by hand, unquoted: a literal quote inside a cell (24" TV), spaces kept as they are
            row[:] = [c.replace(sep, "").replace('"', "") + (' 24" TV ' if j == 0 else "") for j, c in enumerate(row)]
            out.write(sep.join(row) + ("\r\n" if crlf else "\n"))
        else:
            writer.writerow(row)
    return out.getvalue().encode("utf-8"), rows


@pytest.mark.parametrize("seed", range(120))
def test_facts_never_miss_a_row_the_cell_checks_would_flag(seed):
    sep = [",", ";", "\t", "|"][seed % 4]
    blob, rows = _random_csv(seed, sep, crlf=seed % 3 == 0)
    facts = ByteFacts(blob, sep, "utf-8", 1, len(rows))
    # Quoted line breaks never occur here (no piece has one), so every answer must be usable.
    assert facts.usable
    need_strip = {i for i, r in enumerate(rows) if any(c != c.strip() for c in r)}
    found = facts.rows_to_strip()
    if found is not None:  # None only when stripping everything is as cheap
        assert need_strip <= set(found.tolist())
    else:
        assert len(need_strip) * 2 > 0
    for byte, char in ((b"'", "'"), (b"+", "+")):
        with_char = {i for i, r in enumerate(rows) if any(char in c for c in r)}
        assert set(facts.rows_with(byte).tolist()) == with_char
    longest = max((len(c) for r in rows for c in r), default=0)
    assert not facts.lines_shorter_than(longest)  # a cell that long is on some line
    assert facts.lines_shorter_than(len(blob) + 4)


def test_rows_to_strip_flags_edges_and_separator_spaces_only():
    blob = (
        'h1,h2\nabc,"Cama, Mesa e Banho"\n" x",y\nz,w \ne,"f"\nTV 24" LED, Samsung,1\nPão de Açúcar,2\n'.encode()
        + b"k,v\n" * 6
    )
    facts = ByteFacts(blob, ",", "utf-8", 1, 12)
    # row 0: a separator's space inside quotes (text, flagged all the same: conservative);
    # row 4: a literal quote in an unquoted cell does not hide " Samsung"; row 5: inner spaces only
    assert facts.rows_to_strip().tolist() == [0, 1, 2, 4]


def test_a_separator_space_inside_regular_quotes_is_not_an_edge():
    clean = b"k,v\n" * 10
    blob = b'h1,h2\nabc,"Cama, Mesa e Banho"\n"Diz:""oi"", ok",x\n"a", b\n' + clean
    facts = ByteFacts(blob, ",", "utf-8", 1, 13)
    assert facts.rows_to_strip().tolist() == [2]  # only the space after a closed quote is outside
    literal = blob + b'TV 24" LED,y\n'  # a quote inside an unquoted cell: the quote count means nothing
    facts = ByteFacts(literal, ",", "utf-8", 1, 14)
    assert facts.rows_to_strip().tolist() == [0, 1, 2, 13]  # 13: its spaces touch the literal quote


def test_no_answer_when_lines_are_not_rows_or_the_encoding_moves_ascii():
    multiline = b'h1,h2\n"a\nb",c\n'
    assert not ByteFacts(multiline, ",", "utf-8", 1, 1).usable
    facts = ByteFacts(multiline, ",", "utf-8", 1, 1)
    assert facts.rows_to_strip() is None and facts.rows_with(b"'") is None
    assert not facts.lines_shorter_than(10**9)
    assert not ByteFacts(b"h\na\n", ",", "utf-16", 1, 1).usable
    assert not ByteFacts(b"h\ra\r", ",", "utf-8", 1, 1).usable  # bare CR: the parser sees rows the count does not


def test_lines_shorter_than_finds_one_long_line_anywhere():
    n = 5000
    lines = ["h"] + ["x" * 10] * n
    for where in (1, n // 2, n):
        long = lines.copy()
        long[where] = "y" * 1000
        blob = ("\n".join(long) + "\n").encode()
        facts = ByteFacts(blob, ",", "utf-8", 1, n)
        assert not facts.lines_shorter_than(1000)
        # True is a proof, False "cannot tell": lines up to half the limit are always proven short
        assert facts.lines_shorter_than(2002)


def test_many_hits_take_the_vectorised_path_and_agree(monkeypatch):
    import kit.sheets.bytefacts as bytescan

    rows = [[f"item {i}", f"'{i}" if i % 3 == 0 else str(i), f" v{i}" if i % 5 == 0 else "v"] for i in range(3000)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([["a", "b", "c"], *rows])
    blob = out.getvalue().encode()
    few = ByteFacts(blob, ",", "utf-8", 1, len(rows))
    monkeypatch.setattr(bytescan, "FIND_LOOP_MAX", 10)
    monkeypatch.setattr(bytescan, "LINE_LOOP_MAX", 10)
    many = ByteFacts(blob, ",", "utf-8", 1, len(rows))
    assert np.array_equal(few.rows_with(b"'"), many.rows_with(b"'"))
    assert few.rows_with(b"'").tolist() == list(range(0, 3000, 3))
    assert np.array_equal(few.rows_to_strip(), many.rows_to_strip())
    assert few.rows_to_strip().tolist() == list(range(0, 3000, 5))


# --- through the reader: the raw-byte shortcuts change nothing ------------------------------------

_MESSY = {
    "sku": ["A-{i}", " A-{i}", "A-{i}\u00a0", "'0{i}", "7,89E+{i}", "1e{i}", ""],
    "ean": ["789{i:010d}", "'789{i:010d}", "7,89123E+12", " 789{i:010d}", "789-{i}", ""],
    "title": ['Caneca {i}', '"Cama, Mesa {i}"', "Pão d'Água {i}", "Kit 2+1 n{i}", 'TV 24" LED {i}', "\tT{i}", ""],
    "price": ["{i},50", "{i}", " {i},9", "R$ {i},00", "x{i}", ""],
    "stock": ["{i}", "-{i}", "{i},5", ""],
    "active": ["Sim", "Não", "S", "talvez", "", "TRUE"],
}  # fmt: skip


def _messy_csv(path, seed, rows=400):
    import random

    rng = random.Random(seed)
    cols = list(_MESSY)
    lines = [";".join(["SKU", "EAN", "Título", "Preço", "Estoque", "Ativo"])]
    for i in range(rows):
        if rng.random() < 0.02:
            lines.append(";" * rng.randint(0, 5))  # blank, or a short blank row
            continue
        # most rows clean: the defects must be found among many good rows, past the sniffed sample
        # even seeds keep numbers plain, so the C parser reads them (the typed path); odd ones do not
        choices = {c: v[:2] if c in ("price", "stock") and seed % 2 == 0 else v for c, v in _MESSY.items()}
        if seed % 5 == 0:  # regular quoting only (no literal quote in an unquoted cell)
            choices["title"] = [t for t in choices["title"] if "24" not in t]
        cells = [(choices[c][0] if rng.random() < 0.9 else rng.choice(choices[c])).format(i=i) for c in cols]
        if rng.random() < 0.03:
            cells = cells[: rng.randint(1, len(cells))]  # a short row
        lines.append(";".join(cells))
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8" if seed % 3 else "cp1252", errors="replace"))
    return path


def _read_outcome(path):
    from kit.sheets.read import _read

    frame, _info, problems = _read(path, "listings", None)  # the frame even when there are errors
    return frame, [p.to_dict() for p in problems]


@pytest.mark.parametrize("seed", range(30))
def test_byte_facts_change_no_value_and_no_message(tmp_path, monkeypatch, seed):
    import kit.sheets.bytefacts

    path = _messy_csv(tmp_path / "messy.csv", seed)
    fast = _read_outcome(path)
    real_init = kit.sheets.bytefacts.ByteFacts.__init__

    def blind(self, *args, **kwargs):  # facts that can tell nothing: every cell is checked
        real_init(self, *args, **kwargs)
        self.usable = False

    monkeypatch.setattr(kit.sheets.bytefacts.ByteFacts, "__init__", blind)
    slow = _read_outcome(path)
    pd.testing.assert_frame_equal(fast[0], slow[0])
    assert fast[1] == slow[1]
    assert fast[1], "the messy file should have problems to report"
