"""Words of a value: what it says, in the ERP's Portuguese, for ranking and for precision.

:func:`words` turns ``"Partially refunded"``, ``"ESTORNO PARCIAL"`` and
``"Estornado parcialmente"`` into the same stems (``{"estorn", "parcial"}``):
the tokens of :func:`kit.depara.normalize.tokens`, each read through the
vocabulary (``kit/depara/data/vocabulary.csv``: English e-commerce words and
Portuguese words of another root), then lightly stemmed (plural, gender,
``-mente``, ``-ção``, ``-ado``...). Words that only say what kind of value it
is (``pedido``, ``pagamento``, ``status``) are dropped: they qualify nothing.

:class:`WordIndex` holds the words of one side's list with a weight per word
(rarer words weigh more) and answers two questions: how well do two values
share their words (:meth:`WordIndex.score`), and which values hold a given
word (:meth:`WordIndex.holding`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from kit.depara.normalize import tokens

__all__ = [
    "words",
    "token_words",
    "broader",
    "back_levels",
    "clear_word_caches",
    "compounds",
    "departments",
    "stem",
    "load_vocabulary",
    "load_departments",
    "WordIndex",
    "accessory_stems",
    "GENERIC_WORDS",
    "MAX_WORD_SCORE",
]

# What shared words alone can score (a fuzzy candidate; exact and alias matches score 100).
MAX_WORD_SCORE = 90.0

# Words that name the kind of value, not a quality of it ("Pedido enviado" = "Enviado").
GENERIC_WORDS = (
    "pedido",
    "pagamento",
    "pago",
    "status",
    "situacao",
    "tipo",
    "forma",
    "meio",
    "metodo",
    "valor",
    "artigo",
)
# Words whose stem is a generic word's but which name a thing: "meias" (socks) is not "meio".
NOT_GENERIC = frozenset({"meia", "meias"})
# Qualifiers of a generic sibling ("Livros de interesse geral", "Ferramentas diversas", "Outros
# cartões"): a value naming none of them goes to that sibling rather than to a specific one.
GENERIC_QUALIFIERS = ("geral", "gerais", "interesse", "diversos", "variados", "outros", "general", "misc")
# A family of accessories for a product ("Acessórios para iluminação") ranks below the product's
# own family for a value that does not say it is an accessory.
ACCESSORY_WORDS = ("acessorios",)
ACCESSORY_WEIGHT = 0.9
# English function words of channel descriptions ("Money in the Mercado Pago account.").
ENGLISH_STOPWORDS = frozenset(
    "a an the in on at of for to by with from and or is are was were be been has have had it its this that "
    "etc may can yet but".split()
)

# Suffixes removed by :func:`stem`, longest first; the stem keeps at least 3 letters.
_SUFFIXES = (
    "amentos", "imentos", "amento", "imento", "mente", "acoes", "coes", "acao", "cao",
    "ados", "adas", "idos", "idas", "ivos", "ivas", "ado", "ada", "ido", "ida", "ivo", "iva", "oes", "gue", "ao", "es", "s",
)  # fmt: skip
_VOWELS = ("a", "e", "o")
# Words in -el/-il and their plural in -eis: the ending goes, longest first.
_L_PLURALS = ("eis", "el", "il")
# Participle endings leave at least 4 letters: "bebidas" is not "bebês" ("beb"), "pedido" not "ped".
_PARTICIPLES = frozenset({"ados", "adas", "idos", "idas", "ado", "ada", "ido", "ida"})
_CAMEL = re.compile(r"[a-z][A-Z]")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light Portuguese stem: ``cancelado``/``cancelamento`` -> ``cancel``."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ens") and len(word) >= 6:
        # "viagens"/"viagem", "ferragens"/"ferragem": the plural of -em ends in -ens
        return word[:-3] + "em"
    if word.endswith("ons") and len(word) >= 6:
        # "moletons"/"moletom", "batons"/"batom", "marrons"/"marrom": the plural of -om ends in -ons
        return word[:-3] + "om"
    if word.endswith("ois") and len(word) >= 6:
        # "lencois"/"lencol", "farois"/"farol": the plural of -ol ends in -ois
        return word[:-3] + "ol"
    if word.endswith("ais") and len(word) >= 6:
        # "digitais"/"digital", "industriais"/"industrial": the plural of -al ends in -ais
        return word[:-3] + "al"
    for ending in _L_PLURALS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            # "moveis"/"movel", "portateis"/"portatil": the plural of -el and -il ends in -eis
            return word[: -len(ending)]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= (4 if suffix in _PARTICIPLES else 3):
            word = word[: -len(suffix)] + ("g" if suffix == "gue" else "")
            break
    if len(word) > 3 and word.endswith(_VOWELS):
        word = word[:-1]
    return word


@lru_cache(maxsize=1)
def load_vocabulary() -> dict[str, tuple[str, ...]]:
    """``word -> meaning words`` from ``kit/depara/data/vocabulary.csv`` (cached)."""
    text = resources.files("kit.depara").joinpath("data/vocabulary.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    out: dict[str, tuple[str, ...]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        word = " ".join(tokens(row["word"]))
        if word in out:
            raise ValueError(f"kit/depara/data/vocabulary.csv: {word!r} listed twice")
        out[word] = tuple(tokens(row["meaning"]))
    return out


@lru_cache(maxsize=1)
def _generic() -> frozenset[str]:
    return frozenset(stem(w) for w in GENERIC_WORDS) | ENGLISH_STOPWORDS


@lru_cache(maxsize=1)
def _accessory() -> frozenset[str]:
    return frozenset(stem(w) for w in ACCESSORY_WORDS)


def accessory_stems() -> frozenset[str]:
    """The stems of the words that name accessories of something else (:data:`ACCESSORY_WORDS`)."""
    return _accessory()


@lru_cache(maxsize=1)
def _qualifiers() -> frozenset[str]:
    return frozenset(stem(w) for w in GENERIC_QUALIFIERS)


@dataclass(frozen=True, slots=True)
class Departments:
    """The department lexicon (``kit/depara/data/departments.csv``), keyed by stems.

    ``members``: a member's stems (one word, or a phrase joined by spaces) -> the stems of
    its department's words. ``broader``: a department word's stem -> the stems of the
    departments it backs off to. ``names``: a department word's stem -> the other words of
    its department's name ("papelaria" -> escritorio).
    """

    members: dict[str, tuple[str, ...]]
    broader: dict[str, tuple[str, ...]]
    names: dict[str, tuple[str, ...]]
    longest: int
    # the first stem of every compound member: a value holding none has no compound
    starts: frozenset[str]


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokens(text))


def _lexicon_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("kit.depara").joinpath(f"data/{name}").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@lru_cache(maxsize=1)
def load_departments() -> Departments:
    """The department lexicon (cached), with the product families of
    ``kit/depara/data/families.csv``; see the files' headers.

    A member a family row lists belongs to that family only (its department is reached by
    backing off from the family), whatever ``departments.csv`` says of it; a family's name
    words do not stand for each other (a member that is a family's own word says so).
    """
    members: dict[str, tuple[str, ...]] = {}
    broader: dict[str, tuple[str, ...]] = {}
    names: dict[str, tuple[str, ...]] = {}
    for row in _lexicon_rows("departments.csv"):
        dept, up = _stems(row["department"]), _stems(row["broader"])
        for w in dept:
            broader[w] = tuple(dict.fromkeys(broader.get(w, ()) + up))
            names[w] = tuple(dict.fromkeys(names.get(w, ()) + tuple(d for d in dept if d != w)))
        for member in row["members"].split(";"):
            key = " ".join(_stems(member))
            if key:
                members[key] = tuple(dict.fromkeys(members.get(key, ()) + dept))
    family_members: dict[str, tuple[str, ...]] = {}
    for row in _lexicon_rows("families.csv"):
        fam, up = _stems(row["family"]), _stems(row["department"])
        for w in fam:
            broader[w] = tuple(dict.fromkeys(broader.get(w, ()) + up))
        for member in row["members"].split(";"):
            key = " ".join(_stems(member))
            if key:
                family_members[key] = tuple(dict.fromkeys(family_members.get(key, ()) + fam))
    members.update(family_members)
    starts = frozenset(k.split(" ")[0] for k in members if " " in k)
    return Departments(members, broader, names, max(k.count(" ") + 1 for k in members), starts)


@lru_cache(maxsize=1)
def _stem_vocabulary() -> dict[str, tuple[str, ...]]:
    """The one-word vocabulary keyed by stem: another plural or gender form finds its row.

    Words of up to 3 letters are abbreviations ("inf", "fem", "bb"): they match only as written
    ("INFO" is not "INF.", though both stem to ``inf``).
    """
    out: dict[str, tuple[str, ...]] = {}
    for word, meaning in load_vocabulary().items():
        if " " not in word and len(word) > 3:
            out.setdefault(stem(word), meaning)
    return out


@lru_cache(maxsize=65536)
def _word_stems(token: str) -> tuple[str, ...]:
    meaning = load_vocabulary().get(token) or _stem_vocabulary().get(stem(token), (token,))
    return tuple(dict.fromkeys(stem(w) for w in meaning))


@lru_cache(maxsize=65536)
def _kept_stems(token: str) -> tuple[str, ...]:
    """The stems of one token, generic words left out."""
    if token in NOT_GENERIC:
        return _word_stems(token)
    generic = _generic()
    return tuple(s for s in _word_stems(token) if s not in generic)


def clear_word_caches() -> None:
    """Forget the stems of the words seen so far (per word, kept for the process): the
    benchmark starts every run cold. The data files stay loaded.
    """
    for cached in (stem, _word_stems, _kept_stems):
        cached.cache_clear()


def departments(ws: frozenset[str]) -> frozenset[str]:
    """The department words of the product families among ``ws`` (stems), and the other
    words of the department names among them ("PAPELARIA" is also escritorio).
    """
    lex = load_departments()
    found = {d for w in ws for d in lex.members.get(w, ())}
    found.update(d for w in ws for d in lex.names.get(w, ()))
    return frozenset(found) - ws


def compounds(found: Sequence[str]) -> tuple[list[str], frozenset[str]]:
    """The lexicon's compound names among consecutive tokens ("guarda roupas", "caixas de
    som"): the tokens left, and the compounds' department words, which stand for them (a
    "guarda-roupa" is furniture, not clothing).
    """
    lex = load_departments()
    if len(found) < 2 or lex.starts.isdisjoint(map(stem, found[:-1])):
        return list(found), frozenset()
    stems = [stem(t) for t in found]
    covered: set[int] = set()
    out: set[str] = set()
    for n in range(lex.longest, 1, -1):
        for i in range(len(stems) - n + 1):
            dept = lex.members.get(" ".join(stems[i : i + n]), ())
            if dept and not covered.intersection(range(i, i + n)):
                covered.update(range(i, i + n))
                out.update(dept)
    return [t for i, t in enumerate(found) if i not in covered], frozenset(out)


def broader(ws: frozenset[str], extra: frozenset[str] = frozenset()) -> tuple[frozenset[str], ...]:
    """Back-off levels of ``ws``, nearest first: ``extra`` (a path's parent levels) with the
    departments the department words of ``ws`` belong to, then theirs, and so on up.
    """
    up = load_departments().broader
    seen, levels = set(ws), []
    level = (extra | {b for w in ws for b in up.get(w, ())}) - seen
    while level:
        levels.append(frozenset(level))
        seen |= level
        level = {b for w in level for b in up.get(w, ())} - seen
    return tuple(levels)


def back_levels(
    ws: frozenset[str], parents: frozenset[str] = frozenset(), then: tuple[frozenset[str], ...] = ()
) -> tuple[frozenset[str], ...]:
    """The back-off levels of a category's words ``ws``, nearest first: the departments of
    its product families, then ``then`` (levels from elsewhere: kit/depara/taxonomy.py), then
    ``parents`` (a path's parent levels) with the broader departments (:func:`broader`).
    """
    dept = departments(ws)
    return ((dept,) if dept else ()) + then + broader(ws | dept, parents)


def token_words(toks: Sequence[str]) -> frozenset[str]:
    """The stems of already normalized tokens, generic words left out (see :func:`words`)."""
    return frozenset(s for tok in toks for s in _kept_stems(tok))


def translate(value: object) -> list[str]:
    """The normalized tokens of ``value`` read through the vocabulary (not stemmed)."""
    vocabulary = load_vocabulary()
    out: list[str] = []
    for tok in tokens(value):
        out.extend(vocabulary.get(tok, (tok,)))
    return out


def words(*values: object, toks: Sequence[str] | None = None) -> frozenset[str]:
    """The stems of ``values`` (a value and its description), generic words left out.

    A camelCase value gives its parts and its whole ("PayPal": ``pay``, ``pal``, ``paypal``),
    so it meets the same word written in one case ("Paypal"). A one-word value of a generic
    word keeps it ("Pago"). ``toks``: the first
    value's tokens, when the caller has them already.
    """
    out: set[str] = set()
    for n, value in enumerate(values):
        text = "" if value is None else str(value)
        if n == 0 and toks is not None:
            found = toks
        elif not text:
            continue
        else:
            found = tokens(text)
        if _CAMEL.search(text):
            found = list(found) + [t for t in tokens(text.lower()) if t not in found]
        if found:
            kept = set().union(*map(_kept_stems, found))
            if not kept and n == 0 and len(found) == 1:
                # a one-word value of a generic word is that word: "Pago" is a status, "PAID" reads as it
                kept = set().union(*map(_word_stems, found))
            out.update(kept)
    return frozenset(out)


@dataclass(slots=True)
class WordIndex:
    """The words of one list, weighted by rarity (``1 + ln((n + 1) / (df + 1))``)."""

    sets: list[frozenset[str]]
    weight: dict[str, float] = field(default_factory=dict)
    postings: dict[str, list[int]] = field(default_factory=dict)
    unseen: float = 1.0
    # the values holding a generic sibling's qualifier (GENERIC_QUALIFIERS)
    generic: frozenset[int] = frozenset()

    @classmethod
    def build(cls, sets: Sequence[frozenset[str]]) -> WordIndex:
        index = cls(list(sets))
        for j, ws in enumerate(index.sets):
            for w in ws:
                index.postings.setdefault(w, []).append(j)
        n = len(index.sets)
        index.weight = {w: 1.0 + math.log((n + 1) / (len(js) + 1)) for w, js in index.postings.items()}
        index.unseen = 1.0 + math.log(n + 1)
        index.generic = frozenset(j for w in _qualifiers() for j in index.postings.get(w, ()))
        return index

    def w(self, word: str) -> float:
        return self.weight.get(word, self.unseen)

    def total(self, ws: Iterable[str]) -> float:
        return sum(self.w(x) for x in ws)

    def shared(self, ws: frozenset[str], j: int) -> frozenset[str]:
        return ws & self.sets[j]

    def score(self, ws: frozenset[str], j: int) -> float:
        """0-:data:`MAX_WORD_SCORE`: the mean of the overlap coefficient and Dice, both weighted.

        Only the words of ``ws`` that some value of this list holds count: a
        word no value holds cannot tell them apart. The overlap coefficient
        rewards a value whose words are all in the other ("Relógios" in
        ``relogios_presentes``); Dice prefers, among those, the one with the
        fewest other words ("ESTORNADO" before "ESTORNO PARCIAL"). Shared
        words alone never score above :data:`MAX_WORD_SCORE`.
        """
        other = self.sets[j]
        common = self.total(ws & other)
        if not common:
            return 0.0
        if j in self.generic and _qualifiers().isdisjoint(ws):
            # the generic sibling: its qualifier does not count against a value naming none
            other = other - _qualifiers()
        a, b = self.total(w for w in ws if w in self.weight), self.total(other)
        score = MAX_WORD_SCORE * 0.5 * (common / min(a, b) + 2.0 * common / (a + b))
        if not _accessory().isdisjoint(other) and _accessory().isdisjoint(ws):
            # "Acessórios para bolsas" is not where "BOLSAS" go when "Bolsas, carteiras" is there
            score *= ACCESSORY_WEIGHT
        return score

    def holding(self, word: str) -> list[int]:
        """Indices of the values holding ``word``."""
        return self.postings.get(word, [])
