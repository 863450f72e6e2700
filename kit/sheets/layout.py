"""Where the table sits among the rows: the header (below any title rows) and the trailer rows.

:func:`find_header` picks the header row and the kind among the first
:data:`HEADER_SEARCH_ROWS` rows; :func:`trailer_rows` finds the totals and
"Gerado em ..." lines an export may end with.
"""

from __future__ import annotations

import re
from typing import Any

from kit.sheets.problems import Fatal, Problem
from kit.sheets.schema import SCHEMAS, Schema, normalize_header

__all__ = [
    "HEADER_SEARCH_ROWS",
    "TRAILER_SEARCH_ROWS",
    "find_header",
    "value_list_reading",
    "found_headers",
    "trailer_rows",
    "row_texts",
]


HEADER_SEARCH_ROWS = 30  # title rows an export may carry above its header
TRAILER_SEARCH_ROWS = 20
# Footer rows at the end of an export. A whole first cell such as "Total" / "Total geral", or a
# phrase such as "Gerado em 01/02/2025"; never a value that merely starts with one ("Total Express").
_FOOTER_CELL = re.compile(
    r"^(total|totais|total geral|subtotal|soma|fim|registros|qtd registros|qtde registros|"
    r"quantidade registros|quantidade itens|quantidade produtos|numero registros|total registros|"
    r"total itens|total produtos|total skus)( \d+)?$"
)
_FOOTER_PHRASE = re.compile(
    r"^(gerado|gerada|emitido|emitida|impresso|impressa|exportado|exportada|relatorio gerado|pagina \d|"
    r"data geracao|data hora geracao|usuario|registros \d|total \d)"
)


def find_header(
    rows: list[list[Any]], schemas: list[Schema], name: str, sheet: str | None, *, lists: bool = True
) -> tuple[int, Schema]:
    """The header row (index into ``rows``) and schema: best match, earliest on ties.

    With one kind named and ``lists``, a value list of one or two columns whose
    headers do not name it is read as that kind (:func:`value_list_reading`).
    """
    complete: list[tuple[int, int, Schema]] = []  # (score, -index, schema)
    partial: list[tuple[int, int, Schema, list[str]]] = []
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not any(str(c).strip() for c in cells):
            continue
        for schema in schemas:
            score, missing = schema.score(list(cells))
            if score == 0:
                continue
            if missing:
                partial.append((score, -i, schema, missing))
            else:
                complete.append((score, -i, schema))
    if complete:
        best = max(complete, key=lambda t: (t[0], t[1]))
        ties = sorted({s.name for sc, neg, s in complete if sc == best[0] and neg == best[1]})
        if len(ties) > 1:
            found = found_headers(rows[-best[1]])
            raise Fatal(
                Problem(
                    "error",
                    f"não dá para saber que tipo de arquivo é este: os cabeçalhos ({found}) servem igualmente a {' e '.join(ties)}",
                    name,
                    sheet=sheet,
                    row=-best[1] + 1,
                    hint=f"diga o tipo (kind=... ou --kind {ties[0]})",
                )
            )
        return -best[1], best[2]
    first = next((i for i, cells in enumerate(rows) if any(str(c).strip() for c in cells)), 0)
    if partial:
        best_p = max(partial, key=lambda t: (t[0], t[1]))
        row_idx = -best_p[1]
    else:
        row_idx = first
    found = found_headers(rows[row_idx]) if rows else "none"
    if len(schemas) == 1:
        schema = schemas[0]
        read_as = value_list_reading(rows, schema) if lists else None
        if read_as is not None:
            return read_as
        missing = schema.score(list(rows[row_idx]))[1] if rows else schema.required
        raise Fatal(
            Problem(
                "error",
                f"falta(m) a(s) coluna(s) obrigatória(s) {', '.join(missing)} de um arquivo {schema.name}; cabeçalhos encontrados: {found}",
                name,
                sheet=sheet,
                row=row_idx + 1,
                hint="renomeie o(s) cabeçalho(s) ou acrescente a(s) coluna(s); nomes aceitos para "
                + "; ".join(f"{m}: {_alias_examples(schema, m)}" for m in missing),
            )
        )
    close = sorted(partial, key=lambda t: (-t[0], -t[1]))
    seen: list[str] = []
    for _score, _neg, s, missing in close:
        label = f"{s.name} (faltam {', '.join(missing)})"
        if s.name not in {x.split(" ")[0] for x in seen}:
            seen.append(label)
    raise Fatal(
        Problem(
            "error",
            f"não dá para saber que tipo de arquivo é este; cabeçalhos encontrados: {found}"
            + (f"; tipos mais próximos: {'; '.join(seen[:3])}" if seen else "; nenhuma coluna conhecida"),
            name,
            sheet=sheet,
            row=row_idx + 1,
            hint="diga o tipo (--kind K) e nomeie as colunas como o ERP faz; tipos: " + ", ".join(SCHEMAS),
        )
    )


def value_list_reading(rows: list[list[Any]], schema: Schema) -> tuple[int, Schema] | None:
    """A value list exported with any header, read as ``schema``: (header row, the schema reading it), or None.

    One column: it holds the values, whatever its header says ("nome", "descrição",
    "payment_type"...). Two columns: the one named as a code (else the one not named
    as a description, else the first) holds the values, which are what orders and
    the ERP carry; the other is their description. The schema says what it understood.
    """
    if not schema.value_list or len(schema.required) != 1:
        return None
    idx = next((i for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]) if any(str(c).strip() for c in cells)), None)
    if idx is None:
        return None
    headers = [str(c).strip() for c in rows[idx] if str(c).strip()]
    value = schema.required[0]
    if len(headers) == 1:
        understood = f"lista de valores de uma coluna: {headers[0]!r} lida como {value} (o cabeçalho não diz o tipo)"
        return idx, schema.read_as({headers[0]: value}, understood)
    if len(headers) != 2 or normalize_header(headers[0], keep_connectives=True) == normalize_header(
        headers[1], keep_connectives=True
    ):
        return None
    named = [(schema.match_header(h) or (None,))[0] for h in headers]
    if "code" in named:
        v = named.index("code")
    elif named.count("description") == 1:
        v = 1 - named.index("description")
    else:
        v = 0
    understood = (
        f"lista de valores de duas colunas: {headers[v]!r} lida como {value}, o valor, e {headers[1 - v]!r} "
        "como description, a descrição (os cabeçalhos não dizem o tipo)"
    )
    return idx, schema.read_as({headers[v]: value, headers[1 - v]: "description"}, understood)


def found_headers(cells: list[Any]) -> str:
    shown = [repr(str(c).strip()[:40]) for c in cells if str(c).strip()]
    text = ", ".join(shown[:15]) + (", ..." if len(shown) > 15 else "")
    return text or "none"


def _alias_examples(schema: Schema, column: str) -> str:
    col = schema.column(column)
    return " / ".join([col.name, *col.aliases[:3]])


def trailer_rows(frame: Any, keep: Any, cells: dict[str, Any], schema: Schema) -> list[int]:
    """Indices of trailer rows: the last non-blank rows that are totals or footers."""
    import numpy as np

    idx = np.flatnonzero(keep)
    if len(idx) < 2:
        return []
    key_cols = [c for c in schema.required if c in cells and schema.column(c).type == "code"]
    required = [c for c in schema.required if c in cells]
    found: list[int] = []
    for i in idx[::-1][:TRAILER_SEARCH_ROWS]:
        values = row_texts(frame, int(i))
        texts = [v for v in values if v]
        first = normalize_header(texts[0]) if texts else ""
        # a footer leaves a required cell empty: "Total Express;Expresso" is a carrier, not a footer
        incomplete = any(not str(cells[c].iloc[int(i)]).strip() for c in required)
        is_footer = incomplete and bool(_FOOTER_CELL.match(first) or _FOOTER_PHRASE.match(first))
        no_key = bool(key_cols) and all(not str(cells[c].iloc[int(i)]).strip() for c in key_cols)
        is_totals = no_key and len(texts) <= 2 and all(re.fullmatch(r"[\d.,\sR$-]+", t) for t in texts)
        if is_footer or is_totals:
            found.append(int(i))
        else:
            break
    if len(found) >= len(idx):  # everything looks like a footer: it is data
        return []
    return sorted(found)


def row_texts(frame, i: int) -> list[str]:
    """The cells of one row as stripped text (numbers from the fast path included)."""
    out = []
    for v in frame.iloc[i].tolist():
        if isinstance(v, float):
            out.append("" if v != v else (str(int(v)) if v.is_integer() else str(v)))
        else:
            out.append(str(v).strip())
    return out
