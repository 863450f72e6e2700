"""Canonical schemas of the files the kit reads (ERP and store exports, value lists).

A :class:`Schema` is a declaration: a kind name, its columns and the key that must
be unique. A :class:`Column` has a canonical name, a type (``code``, ``text``,
``decimal``, ``int``, ``bool``, ``date``), whether it is required, and the header
aliases Brazilian ERPs and stores use for it. Schemas are registered once each in
:data:`SCHEMAS` (registering a name twice is an error); :mod:`kit.sheets.declarations`
declares the kinds the kit reads, and :func:`kit.sheets.read_table` reads any file
into one of them.

Headers are compared after :func:`normalize_header` (accents, case, punctuation,
spaces and small Portuguese connectives removed), so ``"Cód. do Produto"`` and
``"cod produto"`` are the same alias. A trailing unit (``"Peso (g)"``,
``"Altura (mm)"``) is recognised and the values converted to the column's unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kit.errors import InputDataError
from kit.registry import Registry

__all__ = [
    "COLUMN_TYPES",
    "Column",
    "Schema",
    "HeadersReadAs",
    "HeaderMatch",
    "SCHEMAS",
    "register",
    "get_schema",
    "kinds",
    "normalize_header",
    "unit_factor",
]

COLUMN_TYPES = ("code", "text", "decimal", "int", "bool", "date")

# Connectives dropped from headers: "Código do produto" == "Código produto".
_STOPWORDS = frozenset({"de", "do", "da", "dos", "das", "em", "o", "a"})

# Unit words a header may end with, and what they mean.
_UNIT_WORDS = {
    "kg": "kg", "quilos": "kg", "kgs": "kg",
    "g": "g", "gr": "g", "grs": "g", "grama": "g", "gramas": "g",
    "cm": "cm", "mm": "mm", "m": "m", "mts": "m", "metro": "m", "metros": "m",
    "r": None, "rs": None, "brl": None, "un": None, "und": None, "unid": None, "unidades": None,
}  # fmt: skip

# (column unit, header unit) -> factor to multiply the values by.
_UNIT_FACTORS = {
    ("kg", "kg"): 1.0,
    ("kg", "g"): 0.001,
    ("cm", "cm"): 1.0,
    ("cm", "mm"): 0.1,
    ("cm", "m"): 100.0,
}


# Words run together as a platform's export writes them: "_NomeProduto", "_CodigoReferenciaSKU", "SKUAtivo"
# (VTEX's catalogue spreadsheet), "qtdEstoque"; "SKUs", "NFe" and "EAN13" stay one word.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2,})")
# A parenthesis a template adds to a header to say how to fill it, not what it holds: "_IDSKU (Não alterável)".
_NOTES = re.compile(
    r"\(\s*(nao alteravel|obrigatorio|obrigatoria|opcional|required|optional|somente leitura|read only)\s*\)",
    re.IGNORECASE,
)


def normalize_header(text: object, *, keep_connectives: bool = False) -> str:
    """Header text reduced for comparison: no accents, lower case, words only, words run together split.

    Small connectives (de, do, da, em...) are dropped unless ``keep_connectives``.

    >>> normalize_header("  Cód. do Produto ")
    'cod produto'
    >>> normalize_header("Nº Pedido (Marketplace)")
    'no pedido marketplace'
    """
    t = unicodedata.normalize("NFKD", str(text))
    t = _CAMEL.sub(" ", "".join(c for c in t if not unicodedata.combining(c))).lower()
    words = re.sub(r"[^a-z0-9]+", " ", t).split()
    if keep_connectives:
        return " ".join(words)
    return " ".join(w for w in words if w not in _STOPWORDS)


def _without_notes(header: object) -> str | None:
    """The header without a filling note in parentheses ("(obrigatório)"); None when it has none."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", str(header)) if not unicodedata.combining(c))
    if "(" not in folded:
        return None
    plain = " ".join(_NOTES.sub(" ", folded).split())
    return plain if plain != " ".join(folded.split()) else None


def _split_unit(normalized: str) -> tuple[str, str | None, bool]:
    """``"peso g"`` -> ``("peso", "g", True)``; no unit -> ``(text, None, False)``."""
    words = normalized.split()
    if len(words) > 1 and words[-1] in _UNIT_WORDS:
        return " ".join(words[:-1]), _UNIT_WORDS[words[-1]], True
    return normalized, None, False


def unit_factor(column_unit: str | None, header_unit: str | None) -> float | None:
    """Factor converting values in ``header_unit`` to ``column_unit``; None if incompatible."""
    if column_unit is None or header_unit is None:
        return 1.0
    return _UNIT_FACTORS.get((column_unit, header_unit))


@dataclass(slots=True, frozen=True)
class Column:
    """One canonical column of a schema.

    Args:
        name: canonical name (the DataFrame column).
        type: one of :data:`COLUMN_TYPES`.
        required: the file must have this column (and, for codes, a value in every row).
        aliases: header spellings seen in ERP/store exports (compared normalized).
        standard: part of the schema's standard set (always expected; a warning if absent).
        min_value: smallest value allowed for numbers (None: no limit).
        digits: a code made of digits only (EAN, NCM, NF-e key); spaces, dots and
            dashes are removed.
        unit: ``"kg"`` or ``"cm"``: a header in another unit is converted.
        blank_cells: a required column whose cells may be empty (a store's listing
            without a SKU is a go-live finding, not a reading error).
        second_aliases: headers this column takes only when another column, named by a
            better header of the same file, set them aside and no header names this one
            ("Descrição" beside "Nome" is the description; alone, it is the title).
    """

    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    standard: bool = True
    min_value: float | None = None
    digits: bool = False
    unit: str | None = None
    blank_cells: bool = False
    second_aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"column {self.name!r}: unknown type {self.type!r} (one of {', '.join(COLUMN_TYPES)})")

    @property
    def weight(self) -> int:
        """How much a header match counts when guessing the kind of a file."""
        return 3 if self.required else 2 if self.standard else 1

    def alias_rank(self, header: object) -> int:
        """How directly ``header`` names this column: the position of its alias (earlier = preferred);
        a header matched only through a unit or as one of several alternatives ranks after every alias."""
        order = [*self.aliases, self.name]
        for keep in (True, False):
            ranked = [normalize_header(a, keep_connectives=keep) for a in order]
            norm = normalize_header(header, keep_connectives=keep)
            for candidate in (norm, _split_unit(norm)[0]):
                if candidate in ranked:
                    return ranked.index(candidate)
        return len(order)

    def normalized_aliases(self, *, keep_connectives: bool = False) -> set[str]:
        names = {normalize_header(a, keep_connectives=keep_connectives) for a in (*self.aliases, self.name)}
        if self.unit:  # "weight_kg" is also "weight"
            names.add(_split_unit(normalize_header(self.name))[0])
        return {n for n in names if n}


@dataclass(slots=True, frozen=True)
class HeaderMatch:
    """How one header cell maps to a canonical column."""

    position: int
    header: str
    column: str
    factor: float = 1.0


@dataclass(slots=True)
class Schema:
    """A kind of file: its columns and the key that must be unique.

    Args:
        name: the kind (``products``, ``stock``...).
        columns: canonical columns, in output order.
        key: columns whose combination must not repeat (empty: no check).
        description: one line, shown by ``kit inspect``.
        guessable: considered when the kind of a file is guessed from its headers
            (False for a kind that shares another's columns, e.g. ``listings``).
        value_list: a list of values (statuses, payment methods...) as people export them:
            a file of one or two columns is read as this kind whatever its headers say
            (:meth:`read_as`), when the kind is named.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    guessable: bool = True
    value_list: bool = False
    _exact: dict[str, str] = field(default_factory=dict, repr=False)
    _lookup: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"schema {self.name!r} declares a column twice")
        # Exact spellings (connectives kept) win: "Preço de" is list_price, "Preço" is price.
        exact: dict[str, str] = {}
        for col in self.columns:
            for alias in col.normalized_aliases(keep_connectives=True):
                if exact.get(alias, col.name) != col.name:
                    raise ValueError(
                        f"schema {self.name!r}: header alias {alias!r} maps to both {exact[alias]!r} and {col.name!r}"
                    )
                exact[alias] = col.name
        loose: dict[str, str] = {}
        ambiguous: set[str] = set()
        for alias, name in exact.items():
            short = normalize_header(alias)
            if short in exact:
                continue  # the short form is itself an exact alias
            if loose.get(short, name) != name:
                ambiguous.add(short)
            loose[short] = name
        for short in ambiguous:
            del loose[short]
        missing_key = [k for k in self.key if k not in names]
        if missing_key:
            raise ValueError(f"schema {self.name!r}: key column(s) {missing_key} not declared")
        self._exact = exact
        self._lookup = {**loose, **exact}

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def match_header(self, header: object) -> tuple[str, float] | None:
        """The canonical column a header cell means, with the unit factor; None if unknown."""
        full = normalize_header(header, keep_connectives=True)
        if not full:
            return None
        plain = _without_notes(header)
        if plain is not None:
            return self.match_header(plain)
        for norm in dict.fromkeys((full, normalize_header(header))):
            if norm in self._lookup:
                return self._lookup[norm], 1.0
            base, unit, had_unit = _split_unit(norm)
            if had_unit and base in self._lookup:
                name = self._lookup[base]
                factor = unit_factor(self.column(name).unit, unit)
                if factor is None:  # "Altura (kg)": not this column
                    return None
                return name, factor
        # "Comprimento/Profundidade", "Ativo/Situação": alternatives naming one column, every one of them
        # ("GTIN/EAN da embalagem" is the package's code, not the item's); "Peso/g": a name and its unit.
        parts = [p for p in re.split(r"[/|]", str(header)) if p.strip()]
        if len(parts) > 1:
            found = [self.match_header(p) for p in parts]
            named = set(found) - {None}
            units = all(normalize_header(p) in _UNIT_WORDS for p, f in zip(parts, found, strict=True) if f is None)
            if len(named) == 1 and None not in found:
                return named.pop()
            if len(named) == 1 and units:
                return self.match_header(" ".join(parts))
        # "SKU (Código)", "Código de barras (GTIN)": a name and its synonym in parentheses, both this column
        # ("Preço (promocional)" is not: its parenthesis names no column, and may qualify the name).
        inner = [p for p in re.split(r"[()]", str(header)) if p.strip()]
        if len(inner) > 1:
            found_inner = [self.match_header(p) for p in inner]
            if None not in found_inner and len(set(found_inner)) == 1:
                return found_inner[0]
        return None

    def second_meaning(self, header: object) -> str | None:
        """The column whose :attr:`Column.second_aliases` name ``header``, if any."""
        norm = normalize_header(header)
        for col in self.columns:
            if norm in {normalize_header(a) for a in col.second_aliases}:
                return col.name
        return None

    def match_headers(self, headers: list[object]) -> list[HeaderMatch]:
        """Every header cell that maps to a column of this schema (duplicates included)."""
        out = []
        for i, h in enumerate(headers):
            m = self.match_header(h)
            if m:
                out.append(HeaderMatch(i, str(h).strip(), m[0], m[1]))
        return out

    def score(self, headers: list[object]) -> tuple[int, list[str]]:
        """(weighted number of distinct matched columns, missing required columns)."""
        matched = {m.column for m in self.match_headers(headers)}
        score = sum(self.column(c).weight for c in matched)
        return score, [c for c in self.required if c not in matched]

    def read_as(self, headers: dict[str, str], understood: str = "") -> Schema:
        """This kind, with the file's ``headers`` (header -> column) read as those columns whatever they say.

        ``understood`` says so to the person reading the file (``kit inspect``).
        """
        forced = {normalize_header(h, keep_connectives=True): c for h, c in headers.items()}
        return HeadersReadAs(
            self.name, self.columns, self.key, self.description, False, self.value_list, forced=forced,
            understood=understood,
        )  # fmt: skip


@dataclass(slots=True)
class HeadersReadAs(Schema):
    """A schema whose given headers are taken as given columns (a value list exported with any header).

    A column taken by one of these headers is not matched by another header again.
    """

    forced: dict[str, str] = field(default_factory=dict)  # normalized header -> column
    understood: str = ""  # what the reader did, in words (pt-BR)

    def match_header(self, header: object) -> tuple[str, float] | None:
        column = self.forced.get(normalize_header(header, keep_connectives=True))
        if column is not None:
            return column, 1.0
        found = Schema.match_header(self, header)
        return None if found and found[0] in self.forced.values() else found


SCHEMAS: Registry[Schema] = Registry(
    "schema", unknown="tipo de arquivo desconhecido", error=InputDataError, field="kind"
)


def register(schema: Schema) -> Schema:
    """Add a schema to :data:`SCHEMAS`; a kind registered twice is an error."""
    return SCHEMAS.register(schema.name, schema)


def get_schema(kind: str) -> Schema:
    """The registered schema for ``kind``; :class:`~kit.errors.InputDataError` naming the kinds if unknown."""
    return SCHEMAS.lookup(kind)


def kinds() -> list[str]:
    """Registered kinds, in registration order."""
    return list(SCHEMAS)
