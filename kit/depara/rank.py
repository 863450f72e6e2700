"""The candidates of one value: how they are ordered, and when the best may be pre-accepted.

Every candidate target carries how it was found (``match``):

=========  =======  =====  ===========================================================
match      reason   score  meaning
=========  =======  =====  ===========================================================
exact      exact    100    the same value after normalization
equal      alias    100    the same concept (alias dictionary, description, main part)
general    alias    95...  the target is a broader concept (-5 per step up the tree)
partial    alias    90     matched through part of a value ("TED/DOC", "pagarme_boleto")
special    alias    80     the target is a narrower concept than the value
learned    learned  share  confirmed for this value in other channels' tables
fuzzy      fuzzy    0-99   text similarity or shared words, whichever is higher
=========  =======  =====  ===========================================================

Order: exact and alias candidates first (the same concept, then broader,
partial, narrower), within each those sharing more of the value's qualifying
words (:mod:`kit.depara.words`) ahead, then by score; then learned, then
fuzzy, by score. One exception: a value that says it is *partial*
("PartiallyShipped", "pagamento parcial") is a state of its own; when the
first candidate is not partial and another holds every word of the value, that
one goes first, however it was found (a partial shipment is not "Enviado"
when the ERP has "Enviado parcialmente"). It is then not pre-accepted unless
it is itself an exact or alias match. Conversely, a narrower candidate that is a partial state ("Pago
parcialmente" for "Pendente") is not nearer than any other value for a value that does not say partial: it
ranks among the fuzzy candidates.

:func:`preaccept`: only the best of an ``exact`` / ``equal`` / ``general``
match, when it is the only target of its concept, when (for ``general``) the
ERP list has no other value narrower than that broad concept, and when no other
target shares at least as much of the value's qualifying words while holding
one the best lacks (the "closer or more specific" value). Everything else
waits for a person: a wrong match silently accepted is the worst outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.depara.words import WordIndex

__all__ = [
    "Candidate",
    "Candidates",
    "preaccept",
    "MATCHES",
    "REASON_OF",
    "PARTIAL_SCORE",
    "SPECIAL_SCORE",
    "PARTIAL_WORDS",
]

MATCHES = ("exact", "equal", "general", "partial", "special", "learned", "fuzzy")
REASON_OF = {
    "exact": "exact",
    "equal": "alias",
    "general": "alias",
    "partial": "alias",
    "special": "alias",
    "learned": "learned",
    "fuzzy": "fuzzy",
}
_ORDER = {m: i for i, m in enumerate(MATCHES)}
_DICTIONARY = frozenset({"exact", "equal", "general", "partial", "special"})
# Dictionary matches: the same concept first, then broader, partial, narrower.
_BUCKET = {"exact": 0, "equal": 0, "general": 1, "partial": 2, "special": 3}
PARTIAL_SCORE = 90.0
SPECIAL_SCORE = 80.0
# Words (stems) that make a state a different one: the ERP's own partial state is the
# answer for a partial value, whatever the dictionary says about the whole state.
PARTIAL_WORDS = frozenset({"parcial"})
# A narrower candidate that is a partial state, for a value that does not say partial, ranks among the fuzzy
# candidates at this share of its score.
PARTIAL_ELSEWHERE_WEIGHT = 0.5
# A qualifying word held by more targets than this is not scanned: the best is not
# pre-accepted (many values share a word the best lacks; a person should look).
QUALIFIER_SCAN_LIMIT = 256


@dataclass(slots=True)
class Candidate:
    """One target of one value: how it was found and its score."""

    target: int
    match: str
    score: float
    depth: int = 0
    concept: tuple[str, ...] | None = None

    @property
    def reason(self) -> str:
        return REASON_OF[self.match]


class Candidates:
    """The best way each target was found for one value."""

    __slots__ = ("by_target",)

    def __init__(self) -> None:
        self.by_target: dict[int, Candidate] = {}

    def add(self, j: int, match: str, score: float, *, depth: int = 0, concept: tuple[str, ...] | None = None) -> None:
        cur = self.by_target.get(j)
        if cur is None or (_ORDER[match], -score) < (_ORDER[cur.match], -cur.score):
            self.by_target[j] = Candidate(j, match, score, depth, concept)

    def __len__(self) -> int:
        return len(self.by_target)

    def of(self, *matches: str) -> list[Candidate]:
        return [c for c in self.by_target.values() if c.match in matches]

    def ranked(self, source_words: frozenset[str], index: WordIndex) -> list[Candidate]:
        """Every candidate, best first (see the module docstring)."""
        partial = bool(source_words & PARTIAL_WORDS)

        def key(c: Candidate) -> tuple:
            if c.match == "special" and not partial and PARTIAL_WORDS & index.sets[c.target]:
                # a partial state narrows the value's concept by a qualifier the value does not have: it is no
                # nearer than any other value ("a receber" is not "pago parcialmente")
                return (2, 0, 0.0, -c.score * PARTIAL_ELSEWHERE_WEIGHT, c.target)
            if c.match in _DICTIONARY:
                shared = index.total(index.shared(source_words, c.target)) if source_words else 0.0
                return (0, _BUCKET[c.match], -round(shared, 6), -c.score, c.target)
            return (1 if c.match == "learned" else 2, 0, 0.0, -c.score, c.target)

        return _partial_first(sorted(self.by_target.values(), key=key), source_words, index)


def _partial_first(ranked: list[Candidate], source_words: frozenset[str], index: WordIndex) -> list[Candidate]:
    """``ranked`` with the first target holding every word of a partial value moved first (see above).

    Only the value's words that some target holds count ("partiallyshipped", the camelCase
    value read whole, is in no ERP list).
    """
    if not ranked or not source_words & PARTIAL_WORDS or PARTIAL_WORDS & index.sets[ranked[0].target]:
        return ranked
    known = frozenset(w for w in source_words if w in index.weight)  # a word no target holds tells nothing
    for n, c in enumerate(ranked):
        if known <= index.sets[c.target]:
            return [c, *ranked[:n], *ranked[n + 1 :]]
    return ranked


def _closer_exists(best: Candidate, source_words: frozenset[str], index: WordIndex, broader: set[int]) -> bool:
    """Another target shares at least as much of the value's words, one of them missing from ``best``.

    Targets of a broader concept (``broader``) are not closer, whatever words they share:
    "digital_wallet" described as "Paypal" is PayPal, not the generic "Carteira digital".
    """
    mine = index.total(index.shared(source_words, best.target))
    seen: set[int] = {best.target} | broader
    for word in source_words - index.sets[best.target]:
        holders = index.holding(word)
        if len(holders) > QUALIFIER_SCAN_LIMIT:
            return True
        for e in holders:
            if e in seen:
                continue
            seen.add(e)
            if index.total(index.shared(source_words, e)) >= mine:
                return True
    return False


def preaccept(
    cands: Candidates,
    best: Candidate,
    source_words: frozenset[str],
    index: WordIndex,
    narrower: dict[tuple[str, ...], list[int]],
    *,
    plain_exact: bool = False,
) -> bool:
    """Whether ``best`` may be written confirmed without a person (see the module docstring).

    Args:
        cands: every candidate of the value.
        best: the first of :meth:`Candidates.ranked`.
        source_words: the value's words (value and description).
        index: the target list's words.
        narrower: concept key -> targets of a strictly narrower concept.
        plain_exact: the value is an exact match with no description: its words
            are the target's, so no other target can be closer.
    """
    if best.match not in ("exact", "equal", "general"):
        return False
    strong = cands.of("exact", "equal")
    if best.match == "general":
        generals = cands.of("general")
        nearest = min(c.depth for c in generals)
        if strong or best.depth != nearest or sum(c.depth == nearest for c in generals) != 1:
            return False
        if best.concept is None or any(j != best.target for j in narrower.get(best.concept, ())):
            return False
    elif len(strong) != 1:
        return False
    if plain_exact and best.match == "exact":
        return True
    broader = {c.target for c in cands.of("general") if c.depth >= best.depth and c.target != best.target}
    return not _closer_exists(best, source_words, index, broader)
