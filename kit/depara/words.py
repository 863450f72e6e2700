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

__all__ = ["words", "stem", "load_vocabulary", "WordIndex", "GENERIC_WORDS", "MAX_WORD_SCORE"]

# What shared words alone can score (a fuzzy candidate; exact and alias matches score 100).
MAX_WORD_SCORE = 90.0

# Words that name the kind of value, not a quality of it ("Pedido enviado" = "Enviado").
GENERIC_WORDS = ("pedido", "pagamento", "pago", "status", "situacao", "tipo", "forma", "meio", "metodo", "valor")
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
# Participle endings leave at least 4 letters: "bebidas" is not "bebês" ("beb"), "pedido" not "ped".
_PARTICIPLES = frozenset({"ados", "adas", "idos", "idas", "ado", "ada", "ido", "ida"})
_CAMEL = re.compile(r"[a-z][A-Z]")


def stem(word: str) -> str:
    """A light Portuguese stem: ``cancelado``/``cancelamento`` -> ``cancel``."""
    if len(word) <= 3 or not word.isalpha():
        return word
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


@lru_cache(maxsize=65536)
def _word_stems(token: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in load_vocabulary().get(token, (token,)))


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
    so it meets the same word written in one case ("Paypal"). ``toks``: the first
    value's tokens, when the caller has them already.
    """
    generic = _generic()
    out: set[str] = set()
    for n, value in enumerate(values):
        text = "" if value is None else str(value)
        found = list(toks) if n == 0 and toks is not None else tokens(text)
        if _CAMEL.search(text):
            found += [t for t in tokens(text.lower()) if t not in found]
        for tok in found:
            out.update(s for s in _word_stems(tok) if s not in generic)
    return frozenset(out)


@dataclass(slots=True)
class WordIndex:
    """The words of one list, weighted by rarity (``1 + ln((n + 1) / (df + 1))``)."""

    sets: list[frozenset[str]]
    weight: dict[str, float] = field(default_factory=dict)
    postings: dict[str, list[int]] = field(default_factory=dict)
    unseen: float = 1.0

    @classmethod
    def build(cls, sets: Sequence[frozenset[str]]) -> WordIndex:
        index = cls(list(sets))
        for j, ws in enumerate(index.sets):
            for w in ws:
                index.postings.setdefault(w, []).append(j)
        n = len(index.sets)
        index.weight = {w: 1.0 + math.log((n + 1) / (len(js) + 1)) for w, js in index.postings.items()}
        index.unseen = 1.0 + math.log(n + 1)
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
        a, b = self.total(w for w in ws if w in self.weight), self.total(other)
        return MAX_WORD_SCORE * 0.5 * (common / min(a, b) + 2.0 * common / (a + b))

    def holding(self, word: str) -> list[int]:
        """Indices of the values holding ``word``."""
        return self.postings.get(word, [])
