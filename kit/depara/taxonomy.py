"""A whole product taxonomy as a lexicon: which family sits under which, at every level.

``kit/depara/data/google_taxonomy_ptbr.txt`` holds the Google Product Taxonomy in pt-BR (its
source and terms are in its header) as an outline. A category value whose words the
channel's list does not hold ("LAMPADAS" against a list naming "Iluminação") finds the
taxonomy's families named by its words ("Lâmpadas", under "Casa e jardim > Iluminação") and
backs off to their parents, nearest first (:func:`taxonomy_levels`). Only suggestions come
from it: a match found through a back-off level is a fuzzy candidate, never pre-accepted.

The file is read the first time a value needs it, and each value's levels are cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kit.depara.normalize import tokens
from kit.depara.words import token_words

__all__ = ["Taxonomy", "load_taxonomy", "parse_outline", "taxonomy_levels", "MAX_FAMILIES"]

DATA_FILE = "data/google_taxonomy_ptbr.txt"
# Families kept for one value (the best-named ones); more are a word too common to say where.
MAX_FAMILIES = 6


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The taxonomy's families: their words (stems), parent and depth, and which families hold a word."""

    words: tuple[frozenset[str], ...]
    parent: tuple[int, ...]  # -1: a top level
    depth: tuple[int, ...]  # 0: a top level
    holding: dict[str, tuple[int, ...]]


def parse_outline(text: str, origin: str = "taxonomy") -> Taxonomy:
    """A taxonomy written as an outline: one family a line, one more space of indent per level
    below its parent; blank lines and lines starting with ``#`` are skipped.

    Raises:
        ValueError: a line is indented more than one level below the line before it.
    """
    words: list[frozenset[str]] = []
    parent: list[int] = []
    depths: list[int] = []
    path: list[int] = []  # the families open at each level
    holding: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        depth = len(line) - len(line.lstrip(" "))
        if depth > len(path):
            raise ValueError(f"{origin}, line {number}: indented more than one level below the line before")
        del path[depth:]
        node = len(words)
        # a word of one or two letters ("os" in "Cuidados com os pés") names nothing
        words.append(frozenset(w for w in token_words(tokens(line.strip())) if len(w) > 2))
        parent.append(path[-1] if path else -1)
        depths.append(depth)
        path.append(node)
        for w in words[node]:
            holding.setdefault(w, []).append(node)
    return Taxonomy(tuple(words), tuple(parent), tuple(depths), {w: tuple(ns) for w, ns in holding.items()})


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The taxonomy lexicon (read once; see the module docstring)."""
    text = resources.files("kit.depara").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_outline(text, f"kit/depara/{DATA_FILE}")


def _families(tax: Taxonomy, ws: frozenset[str]) -> list[int]:
    """The families best named by ``ws``: most of the value's words, then the fewest words of
    their own the value lacks ("Lâmpadas" before "Lâmpadas de LED"), then the broadest (a
    family near the top is the usual sense of a word; a deep one is a niche's)."""
    shared: dict[int, int] = {}
    for w in ws:
        for node in tax.holding.get(w, ()):
            shared[node] = shared.get(node, 0) + 1
    if not shared:
        return []
    rank = {n: (-k, len(tax.words[n] - ws), tax.depth[n]) for n, k in shared.items()}
    top = min(rank.values())
    chosen = [n for n, r in rank.items() if r == top]
    return chosen if len(chosen) <= MAX_FAMILIES else []


@lru_cache(maxsize=8192)
def taxonomy_levels(ws: frozenset[str]) -> tuple[frozenset[str], ...]:
    """Back-off levels of a category's words ``ws`` from the taxonomy, nearest first: the other
    words of the families its words name ("Bermudas" in "Bermudas e shorts"), then their parents'
    words, then their grandparents', up to the top level. Words already tried are left out.
    """
    if not ws:
        return ()
    tax = load_taxonomy()
    nodes = _families(tax, ws)
    seen, levels = set(ws), []
    while nodes:
        level = frozenset(w for n in nodes for w in tax.words[n]) - seen
        if level:
            levels.append(level)
            seen |= level
        nodes = list(dict.fromkeys(p for n in nodes if (p := tax.parent[n]) >= 0))
    return tuple(levels)
