"""Match keys of one value: exact key, concept keys, part keys, fuzzy texts and words.

A value is read in several ways, each a key the suggester looks up on the other side:

* the *exact* key: the value's compact form (``SEDEX10`` = ``Sedex 10``);
* *concept* keys: the value resolved through the alias dictionary, as a whole,
  without the words that only name the kind of value (``PEDIDO BLOQUEADO`` ->
  ``bloqueado``), by the part before a parenthesis (``Pagamento Instantâneo (PIX)``
  -> ``Pagamento Instantâneo``), and through its description;
* *part* keys: the other parts of a value written as a list or with a note
  (``TED/DOC``, ``(Alelo / Sodexo)``); a match through a part ranks with the
  aliases but is never pre-accepted;
* the fuzzy *texts* (the value's, and its description's, words read through
  the vocabulary and sorted) and its *words* (:func:`kit.depara.words.words`).

Composite keys (carrier + service) are read whole, part by part, as before:
a service repeating its carrier's name loses it (``Jadlog`` + ``Jadlog Package``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import product

from kit.depara.aliases import PART_SEPARATOR, Aliases
from kit.depara.kinds import MappingKind
from kit.depara.normalize import tokens, tokens_many
from kit.depara.taxonomy import taxonomy_levels
from kit.depara.words import GENERIC_WORDS, back_levels, compounds, load_vocabulary, token_words, words

__all__ = ["Keyer", "ValueKeys", "split_parts", "counts_clash", "GENERALIZATION_STEP"]

Key = tuple[str, ...]
# Score lost per step up the concept tree (a match through a broader concept).
GENERALIZATION_STEP = 5.0
_PARTS = re.compile(r"\s*(?:[()\[\]/;,|]|\s-\s)\s*")
_MAYBE_PARTS = re.compile(r"[()\[\]/;,|]|\s-\s")
# The end of a description's label ("Separado: separado para envio", "In progress. All of...").
_HEADING = re.compile(r"[:.]\s")
# The level separators of a category path ("Casa > Cozinha > Panelas", "Casa | Cozinha | Panelas").
_PATH = re.compile(r"\s*[>»|]\s*")
# A department before a product group's family, as ERPs write it ("PERIFERICOS - NOBREAK", "ELETRO - GELADEIRA").
_DEPT_PREFIX = re.compile(r"\s+-\s+")
# A category's levels or parts as ERPs write them ("INFORMATICA - FONTE", "Casa > Cozinha", "Casa | Mesa").
_LEVELS = re.compile(r"\s*(?:[>»|]|\s-\s)\s*")
# What comes before what a product is for ("SUPORTE P/ MONITOR", "Capa para Notebook").
_PURPOSE_SPLIT = re.compile(r"\s(?:[pP]/\s*|[pP][aA][rR][aA]\s+)")
# An ERP's code before the name ("CR01 Em aberto", "FP07 - CARTAO CREDITO", "40 Saiu para entrega", "S10. Expedido"),
# a code in brackets ("[PEND] Aguardando pagamento"), an upper-case acronym before a dash ("CC - CARTAO DE CREDITO",
# "NR - ENTREGA NAO REALIZADA") or a short label before a colon ("Fin: Pago").
_CODE = re.compile(
    r"\s*(?:(?:[A-Za-z]{1,4}[-.]?\d{1,4}|\d{1,4}(?:\.\d{1,4})*)(?:\s*[-.:)]\s*|\s+)"
    r"|\[[^\[\]]{1,10}\]\s*|[A-Z]{1,5}\s+-\s+|[A-Za-z]{1,5}:\s+)(?=[^\W\d_])"
)
# An ERP's code before a product group's name: letters, a hyphen and digits ("INF-130 SSD NVMe"), or dotted digits
# ("01.06 PL. VIDEO"); not a model written without a hyphen ("PS4 CONTROLE").
_GROUP_CODE = re.compile(r"\s*(?:[A-Za-z]{2,4}-\d{2,4}|\d{1,4}(?:\.\d{1,4})+)\s+(?=[^\W\d_])")
# A small whole number before a word ("1 PORTA", "4 Bocas"), not a code, a decimal nor a size ("01.09", "3.5", "7200RPM").
_COUNTED = re.compile(r"(?<![\w.,])(\d{1,2})\s+([^\W\d_]+)")
# The marks of a single-column value whose kind has no alias groups.
_NO_MARKS: tuple[frozenset[str], ...] = (frozenset(),)
# Words that only name the kind of value: "PEDIDO BLOQUEADO" is "bloqueado". Not "pago":
# "Pago" alone is a status, and "Mercado Pago" a name.
# English words a description puts between the words of a concept ("the customer has canceled the payment").
_FILLER = frozenset(
    "a an the this its it your their his her has have had is are was were be been still now while".split()
)
# The longest value read with a word of its description (Keyer._in_context).
_CONTEXT_MAX_WORDS = 2
_GENERIC_TOKENS = frozenset(GENERIC_WORDS) - {"pago"} | {"order", "status", "situacao"}


def split_parts(value: str) -> tuple[str, list[str]]:
    """``(main part, other parts)`` of a value written with a note or as a list.

    ``"Pagamento Instantâneo (PIX)"`` -> ``("Pagamento Instantâneo", ["PIX"])``;
    ``"TED/DOC"`` -> ``("", ["TED", "DOC"])`` (a list has no main part).
    """
    text = str(value).strip()
    if not _MAYBE_PARTS.search(text):
        return "", []
    pieces = [p for p in _PARTS.split(text) if p.strip()]
    if len(pieces) < 2:
        return "", []
    paren = text.find("(")
    if paren > 0 and not _PARTS.search(text[:paren]):
        return pieces[0], pieces[1:]
    return "", pieces


def _purpose(raw: str) -> frozenset[str]:
    """The words naming what a product is for, after "para" or "p/" in the last level or part of a
    category: ``CARREGADOR P/ NOTEBOOK`` -> notebook (the product is a charger), less the words
    before it in that part; none when nothing comes before it.
    """
    pieces = _PURPOSE_SPLIT.split(_LEVELS.split(raw.strip(" >»-"))[-1], maxsplit=1)
    if len(pieces) < 2 or not pieces[0].strip():
        return frozenset()
    return words(pieces[1]) - words(pieces[0])


def _counts(text: str) -> frozenset[tuple[str, int]]:
    """The words a category counts, with their number: a family numbered by doors, burners or seats
    ("GELADEIRA 1 PORTA", "Refrigeradores > 2 Portas", "Fogão 4 Bocas") is not the same family under
    another number. Only a small whole number before a word counts ("SSD 2.5", "7200RPM" do not).
    """
    out = set()
    for number, word in _COUNTED.findall(text):
        out.update((s, int(number)) for s in token_words(tokens(word)))
    return frozenset(out)


def counts_clash(a: frozenset[tuple[str, int]], b: frozenset[tuple[str, int]]) -> frozenset[str]:
    """The words both count under different numbers ("1 porta" / "2 portas": porta)."""
    if not a or not b:
        return frozenset()
    mine = dict(a)
    return frozenset(w for w, n in b if w in mine and mine[w] != n and (w, n) not in a)


def _last_level(path: str) -> str:
    """The most specific level of a category path ("Casa > Cozinha > Panelas" -> "Panelas")."""
    return _PATH.split(path.strip(" >»|"))[-1]


@dataclass(slots=True)
class ValueKeys:
    """Every key of one value (see the module docstring)."""

    exact: Key
    concepts: list[Key] = field(default_factory=list)
    parts: list[Key] = field(default_factory=list)
    text: str = ""
    desc_text: str = ""
    words: frozenset[str] = frozenset()
    # per key part: the concepts its words name on their own ("SEDEX CONTRATO" -> sedex)
    marks: tuple[frozenset[str], ...] = ()
    # a category path's parent levels (their words); None: no back-off (composite keys)
    parents: frozenset[str] | None = None
    # the words after "para" / "p/" that name what a product is for ("CARREGADOR P/ NOTEBOOK")
    purpose: frozenset[str] = frozenset()
    # the family's words of a group written after its department ("PERIFERICOS - NOBREAK": nobreak)
    family: frozenset[str] = frozenset()
    # a category's counted words: "GELADEIRA 1 PORTA" -> {(porta's stems, 1)}, "2 Portas" -> {(..., 2)}
    counts: frozenset[tuple[str, int]] = frozenset()
    # a category's head: the stems of the first word of its (most specific) name ("WEBCAM FULL HD": webcam)
    head: frozenset[str] = frozenset()

    @property
    def back(self) -> tuple[frozenset[str], ...]:
        """Words tried, nearest level first, when the target list holds none of ``words``: the
        departments of its product families, a path's parent levels and the broader
        departments (kit/depara/words.py:back_levels). Computed when asked: few values need them.
        """
        return () if self.parents is None else back_levels(self.words, self.parents)

    @property
    def taxonomy(self) -> tuple[frozenset[str], ...]:
        """Words tried, nearest level first, from the whole product taxonomy: the other words
        of the families its words name, then their parents' (kit/depara/taxonomy.py). Computed
        when asked, and only for a value whose words and lexicon levels the list does not hold.
        """
        return () if self.parents is None else taxonomy_levels(self.words)


def _strip_prefix(head: list[str], part: list[str]) -> list[str]:
    """Drop a leading repeat of the first key part ("Jadlog" + "Jadlog Package")."""
    if not head or not part:
        return part
    if part[: len(head)] == head and len(part) > len(head):
        return part[len(head) :]
    joined, prefix = "".join(part), "".join(head)
    if joined.startswith(prefix) and len(joined) > len(prefix):
        return tokens(joined[len(prefix) :])
    return part


def _fuzzy_text(toks: Sequence[str]) -> str:
    vocabulary = load_vocabulary()
    if vocabulary.keys().isdisjoint(toks):
        return " ".join(sorted(toks))
    out: list[str] = []
    for tok in toks:
        meaning = vocabulary.get(tok)
        if meaning is None:
            out.append(tok)
        else:
            out.extend(meaning)
    out.sort()
    return " ".join(out)


class Keyer:
    """Turns raw value tuples into :class:`ValueKeys` for one kind and alias dictionary.

    A keyer remembers the tokens of every text it has read (:meth:`prime` reads a whole list
    at once) and the key of every part: make one per suggestion run (:func:`kit.depara.suggest.suggest`
    does), so nothing read in one run is reused by the next.
    """

    def __init__(self, kind: MappingKind, aliases: Aliases) -> None:
        self.kind = kind
        self.aliases = aliases
        self.composite = kind.composite
        base = kind.aliases
        self.sections = [f"{base}.{c}" for c in kind.list_columns] if kind.composite else [base]
        self.trees = [aliases.broader.get(s) or {} for s in self.sections]
        self.flat = not any(self.trees)  # no concept tree: no key has a broader one (no generalizations)
        # the first section's alias groups and concept names (single-column kinds)
        self._groups = aliases.parts.get(self.sections[0], {})
        self._names = aliases.text.get(self.sections[0], {})
        self._tokens: dict[str, list[str]] = {}
        self._part_keys: dict[str, Key | None] = {}
        self._splits: dict[str, tuple[str, list[str]]] = {}
        self.whole: dict[Key, tuple[Key, list[str]]] = {}
        for alias, canonical in aliases.keys.get(base, []):
            a = tuple(p.strip() for p in alias.split(PART_SEPARATOR))
            c = tuple(p.strip() for p in canonical.split(PART_SEPARATOR))
            if len(a) != len(kind.list_columns) or len(c) != len(kind.list_columns):
                raise ValueError(f"aliases.csv: {alias!r} -> {canonical!r} has the wrong number of parts for {base}")
            self.whole.setdefault(self.canon(self.split(a))[0], self.canon(self.split(c)))

    # -- parts and concepts ----------------------------------------------------------------
    def tokens(self, text: str) -> list[str]:
        """:func:`kit.depara.normalize.tokens` of ``text``, read once (callers must not change the list)."""
        toks = self._tokens.get(text)
        if toks is None:
            toks = self._tokens[text] = tokens(text)
        return toks

    def prime(self, values: Iterable[str]) -> None:
        """Read the tokens of many values, their parts and path levels, at once
        (:func:`kit.depara.normalize.tokens_many`).
        """
        new = [t for t in dict.fromkeys(values) if t not in self._tokens]
        pieces: list[str] = []
        for text in new:
            main, others = self._split_parts(text)
            pieces += others
            if main:
                pieces.append(main)
            if ">" in text or "»" in text:
                pieces.append(_last_level(text))
        new = list(dict.fromkeys(new + [t for t in pieces if t not in self._tokens]))
        self._tokens.update(zip(new, tokens_many(new), strict=True))

    def _split_parts(self, text: str) -> tuple[str, list[str]]:
        """:func:`split_parts`, read once (callers must not change the list)."""
        parts = self._splits.get(text)
        if parts is None:
            parts = self._splits[text] = split_parts(text)
        return parts

    def split(self, raw: Sequence[str]) -> list[list[str]]:
        parts = [tokens(p) for p in raw]
        if self.kind.composite:
            parts = [parts[0]] + [_strip_prefix(parts[0], p) for p in parts[1:]]
        return parts

    def canon(self, parts: list[list[str]]) -> tuple[Key, list[str]]:
        """The concept key of split ``parts`` and the text of each part's concept."""
        keys, texts = [], []
        for section, toks in zip(self.sections, parts, strict=True):
            flat = "".join(toks)
            rep = self.aliases.resolve(section, flat)
            keys.append(rep)
            texts.append(self.aliases.resolve_text(section, rep, " ".join(toks)) if rep != flat else " ".join(toks))
        return tuple(keys), texts

    def _canon1(self, toks: list[str]) -> tuple[Key, str]:
        """:meth:`canon` of the one part of a single-column value."""
        flat, joined = "".join(toks), " ".join(toks)
        rep = self._groups.get(flat, flat)
        return (rep,), (self._names.get(rep, joined) if rep != flat else joined)

    def _single(self, text: str) -> Key | None:
        if text in self._part_keys:
            return self._part_keys[text]
        toks = self.tokens(text)
        key = self._part_keys[text] = self.canon([toks])[0] if toks else None
        return key

    def generalizations(self, key: Key) -> Iterator[tuple[Key, int]]:
        """Broader concept keys of ``key`` with their distance (every part up its own tree)."""
        if self.flat or not any(rep in tree for tree, rep in zip(self.trees, key, strict=True)):
            return
        chains = [(rep, *self.aliases.ancestors(s, rep)) for s, rep in zip(self.sections, key, strict=True)]
        for combo in product(*(range(len(c)) for c in chains)):
            depth = sum(combo)
            if depth:
                yield tuple(c[i] for c, i in zip(chains, combo, strict=True)), depth

    def most_specific(self, keys: list[Key]) -> list[Key]:
        """``keys`` without those that are broader than another of them."""
        unique = list(dict.fromkeys(keys))
        if len(unique) == 1:
            return unique
        broader = {g for k in unique for g, _ in self.generalizations(k)}
        return [k for k in unique if k not in broader]

    # -- all keys of a value ---------------------------------------------------------------
    def keys(self, raw: Sequence[str], description: str = "") -> ValueKeys:
        if not self.composite:
            return self._keys1(raw[0], description)
        parts = self.split(raw)
        canon, texts = self.canon(parts)
        if canon in self.whole:
            canon, texts = self.whole[canon]
        out = ValueKeys(exact=tuple("".join(p) for p in parts), concepts=[canon])
        out.text = _fuzzy_text(" ".join(texts).split())
        out.words = words(*raw, description)
        out.marks = tuple(self._marks(section, toks) for section, toks in zip(self.sections, parts, strict=True))
        return out

    def _keys1(self, value: str, description: str) -> ValueKeys:
        """:meth:`keys` of a single-column value."""
        raw = str(value)
        toks = self.tokens(raw) if type(value) is str else tokens(value)
        canon, text = self._canon1(toks)
        texts = [text]
        if canon in self.whole:
            canon, texts = self.whole[canon]
        out = ValueKeys(exact=("".join(toks),), concepts=[canon], parents=frozenset())
        self._variants(raw, toks, out, whole=canon)
        if self._groups and (code := _CODE.match(raw)):
            self._after_code(raw[code.end() :], out)
        dtoks = self.tokens(description) if description else []
        if dtoks:
            out.concepts.append(self.canon([dtoks])[0])
            head = _HEADING.split(description, maxsplit=1)
            if len(head) > 1 and (htoks := self.tokens(head[0])):
                # "Em trânsito: em trânsito ao cliente", "In progress. All of the items...": the label
                out.concepts.append(self.canon([htoks])[0])
            self._variants(description, dtoks, out)
            if not any(ch.isalpha() for ch in raw):
                # a bare code ("6") is matched by its description; a word keeps its own text
                texts = texts + self.canon([dtoks])[1]
            out.desc_text = _fuzzy_text(dtoks)
        out.marks = (self._marks(self.sections[0], toks),) if self._groups else _NO_MARKS
        if dtoks:
            self._in_context(toks, dtoks, out)
        # a value the dictionary names whole ("ready-for-handling") means just that, unless its description says more
        self._narrow(out, own=canon[0] not in self._names, described=self._described(dtoks, toks))
        if len(out.concepts) > 1:
            out.concepts = self.most_specific(out.concepts)
        if out.parts:
            out.parts = [p for p in dict.fromkeys(out.parts) if p not in out.concepts]
        out.text = _fuzzy_text(" ".join(texts).split())
        out.words = words(value, description, toks=toks)
        self._category_words(raw, description, toks, out)
        return out

    def _after_code(self, rest: str, out: ValueKeys) -> None:
        """The concept and part keys of a value's name after the ERP's code ("CR02 Vencido (em atraso)" is
        "Vencido"), only those the dictionary knows: two codes before unknown words are not one value."""
        toks = self.tokens(rest)
        if not toks:
            return
        found = ValueKeys(exact=())
        self._variants(rest, toks, found, whole=self._canon1(toks)[0])
        out.concepts += [k for k in found.concepts if k[0] in self._names]
        out.parts += [k for k in found.parts if k[0] in self._names]

    def _narrow(self, out: ValueKeys, *, own: bool, described: frozenset[str]) -> None:
        """Add the concepts the value's own words (``own``: it is not named whole by the dictionary) or its
        description name that narrow one it already has: "rejected" (its description's label) with "high risk"
        in the value is the antifraud refusal, not any refusal; "canceled" described as "your customer has
        canceled the payment" is the buyer's cancellation (:meth:`most_specific` then drops the broader one).
        A word naming an unrelated concept adds nothing.
        """
        found = (out.marks[0] if own else frozenset()) | described
        if self.flat or not found:
            return
        have = {key[0] for key in out.concepts}
        for mark in found:
            if mark not in have and have.intersection(self.aliases.ancestors(self.sections[0], mark)):
                out.concepts.append((mark,))

    def _category_words(self, raw: str, description: str, toks: list[str], out: ValueKeys) -> None:
        """Words of a product category: a path is matched on its most specific level
        ("Casa > Cozinha > Panelas"), a compound name stands for its department ("guarda
        roupa"); the departments of its product families, then the path's parent levels and
        broader departments, are the back-off levels (:attr:`ValueKeys.back`). An ERP's code before a
        group's name ("INF-130 SSD NVMe", "01.06 PL. VIDEO") is not one of its words.
        """
        if not self._groups and (code := _GROUP_CODE.match(raw)):
            raw = raw[code.end() :]
            toks = self.tokens(raw)
            out.words, out.text = words(raw, description, toks=toks), _fuzzy_text(toks)
        if _PATH.search(raw):
            n = len(self.tokens(_last_level(raw)))
            if 0 < n < len(toks):
                toks, parent_toks = toks[-n:], toks[:-n]
                out.parents = token_words(parent_toks) - token_words(toks)
                out.words = out.words - out.parents
        elif not self._groups and _DEPT_PREFIX.search(raw):
            out.family = words(_DEPT_PREFIX.split(raw, maxsplit=1)[1]) & out.words
        out.counts = _counts(_last_level(raw) if _PATH.search(raw) else raw)
        named = self.tokens(_DEPT_PREFIX.split(raw, maxsplit=1)[1]) if out.family else toks
        out.head = next((h for t in named if not t.isdigit() and (h := token_words([t]) & out.words)), frozenset())
        rest, compound = compounds(toks)
        if compound:
            out.words = words(" ".join(rest), description) | compound
        out.purpose = _purpose(raw)

    def _in_context(self, toks: list[str], dtoks: list[str], out: ValueKeys) -> None:
        """A short value read with a word of its description that the dictionary knows alone: "won" described as
        "the dispute was resolved in your favour" is a dispute won (a value the dictionary does not know: when that
        reading names one concept); "failed" described as "the refund could not be sent" is a failed refund (a value
        it knows: a reading that narrows the value's concept)."""
        if not toks or len(toks) > _CONTEXT_MAX_WORDS:
            return
        flat = "".join(toks)
        found = {
            rep
            for t in dict.fromkeys(dtoks)
            if t in self._groups and t not in toks
            for rep in (self._groups.get(t + flat), self._groups.get(flat + t))
            if rep is not None
        }
        have = {k[0] for k in out.concepts if k[0] in self._names}
        if have:
            out.concepts += [
                (rep,) for rep in found if have.intersection(self.aliases.ancestors(self.sections[0], rep))
            ]
        elif len(found) == 1:
            out.concepts.append((found.pop(),))

    def _described(self, dtoks: list[str], toks: list[str]) -> frozenset[str]:
        """The concepts a description's words name, read past English filler words ("your customer has canceled":
        customer canceled; "is still being processed": being processed); none when it only restates the value
        ("ready-for-handling", "Ready for handling")."""
        plain = [t for t in dtoks if t not in _FILLER]
        if not plain or not self._groups or set(plain) <= set(toks):
            return frozenset()
        return self._marks(self.sections[0], plain)

    def marks_of(self, text: str) -> frozenset[str]:
        """The concepts one word or two adjacent words of ``text`` name (single-column kinds)."""
        return self._marks(self.sections[0], self.tokens(text))

    def _marks(self, section: str, toks: list[str]) -> frozenset[str]:
        """Concepts named by one word or two adjacent words of a part."""
        groups = self.aliases.parts.get(section)
        if not groups:
            return frozenset()
        grams = toks + ["".join(toks[n : n + 2]) for n in range(len(toks) - 1)]
        return frozenset(rep for g in grams if (rep := groups.get(g)) is not None)

    def conflict(self, a: tuple[frozenset[str], ...], b: tuple[frozenset[str], ...]) -> bool:
        """Two values name different concepts in some part, neither broader than the other.

        "SEDEX CONTRATO GRANDES FORMATOS" and "PAC GRANDES FORMATOS" share words but name
        two services; "Estornado parcialmente" and "Devolvido" name related concepts.
        """
        for section, ma, mb in zip(self.sections, a, b, strict=False):
            if not ma or not mb or ma & mb:
                continue
            up_a = {g for x in ma for g in self.aliases.ancestors(section, x)}
            up_b = {g for x in mb for g in self.aliases.ancestors(section, x)}
            if not (up_a & mb or up_b & ma):
                return True
        return False

    def _variants(self, raw: str, toks: list[str], out: ValueKeys, whole: Key | None = None) -> None:
        """Concept keys without generic words and by the main part; part keys by the other parts."""
        main, others = self._split_parts(raw)
        for n, text_toks in enumerate((toks, self.tokens(main) if main else [])):
            if n == 0 and whole is not None:
                out.concepts.append(whole)
                if whole[0] in self._names:  # the whole text is an alias ("em devolução"): its words say no more
                    continue
            elif text_toks:
                out.concepts.append(self.canon([text_toks])[0])
            if _GENERIC_TOKENS.isdisjoint(text_toks):
                continue
            plain = [t for t in text_toks if t not in _GENERIC_TOKENS]
            if plain:
                out.concepts.append(self.canon([plain])[0])
        for part in others:
            if key := self._single(part):
                out.parts.append(key)
