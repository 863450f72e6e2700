"""Gender and audience: a value naming one must not land on the other's family.

Stores split one product family by gender and audience (Blusas under Roupas Femininas and
Roupas Masculinas, Tênis under Calçados Femininos, Masculinos and Infantis), and ERPs write
the qualifier as a word or an abbreviation (``FEM.``, ``MASC.``, ``INF.``, ``BB``: the
vocabulary reads these as feminino, masculino, infantil, bebê). The marks of a value are
read from its words and its path's parents' words:

====  =============================================
mark  words (stems)
====  =============================================
f     feminino, feminina, mulher, menina; calcinha, sutiã, biquíni
m     masculino, masculina, homem, menino; cueca, sunga
c     infantil, bebê, menina, menino (a child)
u     unissex
====  =============================================

Two values :func:`clash` when both carry marks and they say different things: another
gender (``f`` / ``m``), a child's family for an adult's value or the other way round
(``c`` on one side only, the other naming a gender), or a unisex value against one
gender's family. A value without marks clashes with nothing: the qualifier is a reason to
prefer a sibling, never a reason to drop a family nobody qualified.

The gender words themselves are qualifiers, not what a value is: :data:`GENDER_WORDS` are
left out of the words a fuzzy candidate is scored by ("CAMISETA MASC." is not "Relógios
Masculinos"), and :class:`Siblings` finds, for a candidate that clashes, the same family under
the value's gender or audience ("Roupas Femininas > Blusas" -> "Roupas Masculinas > Blusas"),
else that gender's or audience's department ("Calçados Masculinos > Tênis Casual" ->
"Calçados Femininos"): only ever as a suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["marks", "clash", "Siblings", "GENDER_WORDS"]

_MARK_OF = {"feminin": "f", "masculin": "m", "infant": "c", "beb": "c", "unissex": "u"}
# Products only one gender wears name it without a qualifier (a mark only: not a word of the family).
_MARK_OF |= {"cuec": "m", "sung": "m", "calcinh": "f", "suti": "f", "biquini": "f"}
_GENDERS = frozenset({"f", "m"})
# Stems that only qualify a value by gender: not counted as shared words.
GENDER_WORDS = frozenset({"feminin", "masculin", "unissex", "homem", "mulher"})
# Stems left out when two families are compared as siblings.
AUDIENCE_WORDS = GENDER_WORDS | {"infant", "beb", "menin", "juvenil"}


def marks(ws: frozenset[str]) -> frozenset[str]:
    """The gender and audience marks of a value's words (stems), see the module docstring."""
    return frozenset(_MARK_OF[w] for w in ws if w in _MARK_OF)


def clash(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two values' marks say different genders or audiences (see the module docstring)."""
    if not a or not b:
        return False
    ga, gb = a & _GENDERS, b & _GENDERS
    if ga and gb and not ga & gb:
        return True
    for x, y, gy in ((a, b, gb), (b, a, ga)):
        if gy and (("c" in x and "c" not in y) or ("u" in x and "u" not in y)):
            return True
    return False


class Siblings:
    """The same family (or department) under another gender or audience, in one target list.

    Args:
        words: every target's own words (stems).
        parents: every target's path parents' words (empty for a top-level value).
    """

    __slots__ = ("_family", "_department", "_words", "_parents")

    def __init__(self, words: Sequence[frozenset[str]], parents: Sequence[frozenset[str]]) -> None:
        self._words = [w - AUDIENCE_WORDS for w in words]
        self._parents = [p - AUDIENCE_WORDS for p in parents]
        self._family: dict[tuple[frozenset[str], frozenset[str]], list[int]] = {}
        self._department: dict[frozenset[str], list[int]] = {}
        for j, (w, p) in enumerate(zip(self._words, self._parents, strict=True)):
            if not w:
                continue
            self._family.setdefault((w, p), []).append(j)
            if not p:
                self._department.setdefault(w, []).append(j)

    def of(self, j: int) -> tuple[list[int], list[int]]:
        """Targets of ``j``'s family under any gender or audience, and of its department (``j`` left out)."""
        family = [k for k in self._family.get((self._words[j], self._parents[j]), ()) if k != j]
        department = self._department.get(self._parents[j], []) if self._parents[j] else []
        return family, [k for k in department if k != j]
