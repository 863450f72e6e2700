"""Match suggestions: exact, alias (concepts), learned, then fuzzy; and pre-acceptance.

For every source value (a channel value for ``direction="in"`` kinds) the
suggester ranks up to ``top`` target values, each with a score (0-100) and the
reason it was found:

``exact``
    equal after :func:`kit.depara.normalize.normalize`;
``alias``
    the same concept, or a broader one, through the alias dictionary and its
    concept tree (:mod:`kit.depara.aliases`), read from the value, its
    description, its main part or its parts (:mod:`kit.depara.keys`);
``learned``
    confirmed for the same source value in another channel's table;
``fuzzy``
    :func:`rapidfuzz.fuzz.ratio` over token-sorted normalized text (a
    token-sort ratio, computed for all pairs at once with
    :func:`rapidfuzz.process.cdist`), or the share of words the two values
    have in common (:mod:`kit.depara.words`), whichever is higher.

How candidates are ordered and when the best is pre-accepted is in
:mod:`kit.depara.rank`: only a unique exact or alias match that no other target
matches more closely. Everything else waits for a person: a wrong match
silently accepted is the worst outcome.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from kit.depara.aliases import Aliases, load_aliases
from kit.depara.audience import AUDIENCE_WORDS, GENDER_WORDS, Siblings, clash, marks
from kit.depara.keys import GENERALIZATION_STEP, Key, Keyer, ValueKeys, counts_clash
from kit.depara.kinds import MappingKind, get_kind
from kit.depara.normalize import tokens
from kit.depara.rank import PARTIAL_SCORE, SPECIAL_SCORE, Candidates, preaccept
from kit.depara.taxonomy import taxonomy_levels
from kit.depara.words import WordIndex, accessory_stems, back_levels

__all__ = [
    "suggest",
    "prepare_values",
    "value_frame",
    "Prepared",
    "REASONS",
    "PREACCEPT_REASONS",
    "LEARNED_SCORE",
    "fuzzy_topk",
]

REASONS = ("exact", "alias", "learned", "fuzzy")
PREACCEPT_REASONS = frozenset({"exact", "alias"})
# Rows handed to cdist at once: bounds memory to CHUNK x targets bytes (uint8).
CHUNK_ROWS = 2048
LEARNED_SCORE = 100.0
# Fuzzy scores below this are noise ("6" vs "Pago" scores 0): no candidate.
MIN_FUZZY_SCORE = 40
# A fuzzy candidate never shows 100: that is for exact and alias matches.
MAX_FUZZY_SCORE = 99.0
# On lists up to WIDE_POOL_LIMIT values, the fuzzy search keeps WIDE_POOL candidates to
# re-rank by shared words, and values holding one of the value's words (a word held by at
# most WORD_HOLDERS_LIMIT values) join them. Larger lists keep ``top``: speed first.
WIDE_POOL = 10
WIDE_POOL_LIMIT = 5000
WORD_HOLDERS_LIMIT = 50
# Weight of the text ratio against shared words in a fuzzy score (see fuzzy_score).
RATIO_WEIGHT = 0.8
# A target sharing none of the value's words that the target list knows is only a spelling
# neighbour ("MOVEIS" / "Imóveis" beside "Casa, Móveis e Decoração"): its ratio counts this much.
SPELLING_ONLY_WEIGHT = 0.8
# A fuzzy target naming another concept than the value does (keys.Keyer.conflict) scores this much.
CONFLICT_WEIGHT = 0.6
# The same family under the value's gender or audience, found through a clashing target, scores this
# much of that target's score; the department of that gender or audience, this squared.
SIBLING_WEIGHT = 0.95
# A value naming no audience is an adult's: a child's or baby's family scores this much of its score
# ("Sabonete Líquido" is Beleza's bath family before Mãe e Bebê's). Ranking only.
UNQUALIFIED_CHILD_WEIGHT = 0.97
# A target of the value's own gender or audience sharing one of its words scores this much more, and is
# kept whatever its score ("CUECA" finds the men's "Roupa íntima" beside the women's "Lingerie").
AGREE_WEIGHT = 1.3
# Weight of a catch-all sibling ("OUTRAS BANDEIRAS") for a value naming something no value of the list names
# (as much as a family agreeing with the value's gender: it is where the value belongs among its siblings).
CATCH_ALL_WEIGHT = AGREE_WEIGHT
# A target sharing only the words of what the product is for ("CARREGADOR P/ NOTEBOOK": notebook), where
# the list holds a word of the product itself, scores this much (the charger before the notebooks).
PURPOSE_ONLY_WEIGHT = 0.75
# A target sharing only the department's words of a group written after its department ("INFORMATICA - FAN /
# VENTOINHA": informatica), where the list holds a word of its family, scores this much (the fans before notebooks).
DEPARTMENT_ONLY_WEIGHT = 0.9
# A category target lacking the head of the value's name (its first word: Portuguese names the product first,
# "WEBCAM FULL HD", "COOLER P/ PROCESSADOR"), where the list holds that word, scores this much.
HEADLESS_WEIGHT = 0.9
# A category target under a parent level naming none of the value's words, where another target's parent names
# one of them, scores this much.
OTHER_PARENT_WEIGHT = 0.95


@dataclass(slots=True)
class Prepared:
    """One side's unique values with their match keys."""

    values: list[tuple[str, ...]]
    keys: list[ValueKeys]
    text: list[str]
    exact_index: dict[Key, list[int]] = field(default_factory=dict)
    canon_index: dict[Key, list[int]] = field(default_factory=dict)
    part_index: dict[Key, list[int]] = field(default_factory=dict)
    # concept key -> values of a strictly narrower concept (target side)
    narrower: dict[Key, list[int]] = field(default_factory=dict)
    words: WordIndex | None = None
    descriptions: list[str] = field(default_factory=list)  # the channel's own words for each value ("" = none)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def value_frame(kind: str | MappingKind, values: Any) -> pd.DataFrame:
    """A value list as a DataFrame with the kind's list columns (and ``description``).

    ``values`` may be a DataFrame (from :func:`kit.sheets.read_table`), a
    sequence of strings (single-column kinds) or of tuples (composite kinds).
    Duplicates are dropped, first occurrence kept.
    """
    k = get_kind(kind)
    cols = list(k.list_columns)
    if isinstance(values, pd.DataFrame):
        missing = [c for c in cols if c not in values.columns]
        if missing:
            from kit.errors import InputDataError

            src = values.attrs.get("source") or {}
            raise InputDataError(
                f"a lista de valores não tem a coluna {missing[0]!r} de {k.name}",
                file=src.get("file"),
                sheet=src.get("sheet"),
                column=missing[0],
                kind=k.name,
                hint="colunas esperadas: " + ", ".join(cols),
            )
        keep = cols + [c for c in ("description",) if c in values.columns]
        frame = values[keep].copy()
    else:
        rows = []
        for v in values:
            if isinstance(v, str) or not isinstance(v, Iterable):
                rows.append((v,))
            else:
                rows.append(tuple(v))
        frame = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
    for c in frame.columns:
        frame[c] = frame[c].map(_cell).astype(object)
    frame = frame[frame[cols].ne("").any(axis=1)]
    return frame.drop_duplicates(subset=cols).reset_index(drop=True)


def prepare_values(
    kind: str | MappingKind, values: Any, *, aliases: Aliases | None = None, keyer: Keyer | None = None
) -> Prepared:
    """Normalize one side's value list once: keys for exact/alias lookups, text and words for fuzzy."""
    k = get_kind(kind)
    keyer = keyer or Keyer(k, aliases or load_aliases())
    frame = value_frame(k, values)
    raws = list(frame[list(k.list_columns)].itertuples(index=False, name=None))
    descs = frame["description"].tolist() if "description" in frame.columns else [""] * len(raws)
    if not k.composite:
        keyer.prime(raw[0] for raw in raws)  # the whole list's tokens at once
    keys = [keyer.keys(raw, desc) for raw, desc in zip(raws, descs, strict=True)]
    prep = Prepared(values=[tuple(r) for r in raws], keys=keys, text=[vk.text for vk in keys], descriptions=descs)
    for i, vk in enumerate(keys):
        prep.exact_index.setdefault(vk.exact, []).append(i)
        for c in vk.concepts:
            prep.canon_index.setdefault(c, []).append(i)
            for g, _ in () if keyer.flat else keyer.generalizations(c):
                prep.narrower.setdefault(g, []).append(i)
        for c in vk.parts:
            prep.part_index.setdefault(c, []).append(i)
    prep.words = WordIndex.build([vk.words for vk in keys])
    return prep


def fuzzy_topk(queries: Sequence[str], choices: Sequence[str], k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of the ``k`` best ``choices`` for every query.

    One :func:`rapidfuzz.process.cdist` per block of :data:`CHUNK_ROWS`
    queries (``uint8`` scores, all cores), then a vectorised partial sort.
    Returns two arrays of shape ``(len(queries), min(k, len(choices)))``,
    best first.
    """
    n, m = len(queries), len(choices)
    k = min(k, m)
    idx = np.zeros((n, k), dtype=np.int64)
    scores = np.zeros((n, k), dtype=np.uint8)
    if n == 0 or k == 0:
        return idx, scores
    rows = np.arange(min(n, CHUNK_ROWS))
    for start in range(0, n, CHUNK_ROWS):
        block = process.cdist(
            queries[start : start + CHUNK_ROWS], choices, scorer=fuzz.ratio, dtype=np.uint8, workers=-1
        )
        r = rows[: len(block)]
        # k passes of argmax beat a partial sort on uint8 rows (k is small);
        # ties go to the lowest index, so results are deterministic.
        for col in range(k):
            best = block.argmax(axis=1)
            idx[start : start + len(block), col] = best
            scores[start : start + len(block), col] = block[r, best]
            block[r, best] = 0
    return idx, scores


def fuzzy_score(ratio: float, shared_words: float) -> float:
    """One similarity from the text ratio and the shared-words score (both 0-100).

    Shared words count in full; the text ratio, which two unrelated values can
    reach by sharing letters ("acessorios bolsas" / "acessorios malas"), counts
    at :data:`RATIO_WEIGHT` with the words making up the rest.
    """
    return max(shared_words, RATIO_WEIGHT * ratio + (1.0 - RATIO_WEIGHT) * shared_words)


def _learned(keyer: Keyer, channel: str | None, mappings_dir: str | Path | None) -> dict[Key, Counter]:
    from kit.depara.table import confirmed_rows

    out: dict[Key, Counter] = defaultdict(Counter)
    for src, dst in confirmed_rows(keyer.kind, exclude_channel=channel, mappings_dir=mappings_dir):
        out[keyer.keys(src).concepts[0]][tuple(dst)] += 1
    return out


def _label(values: Sequence[str]) -> str:
    return " / ".join(values)


class _Matcher:
    """Candidates of every source value against one target list."""

    def __init__(self, keyer: Keyer, src: Prepared, dst: Prepared, learned: dict[Key, Counter], top: int) -> None:
        self.keyer, self.src, self.dst, self.learned, self.top = keyer, src, dst, learned, top
        self.carriers: dict[tuple[str, ...], str] = {}
        if keyer.kind.composite:
            for v in dst.values:
                self.carriers.setdefault(tuple(tokens(v[0])), v[0])
        self.small = len(dst.values) <= WIDE_POOL_LIMIT
        # a value matched exactly by one target, with nothing else to read, needs no fuzzy search
        self.plain_exact = [
            len(dst.exact_index.get(vk.exact, ())) == 1 and not vk.desc_text for vk in src.keys
        ]  # fmt: skip
        need = [i for i, plain in enumerate(self.plain_exact) if not plain]
        texts = [src.keys[i].text for i in need] + [src.keys[i].desc_text for i in need if src.keys[i].desc_text]
        self.q_pos = {t: n for n, t in enumerate(dict.fromkeys(texts))}
        c_texts = list(dict.fromkeys(dst.text))
        c_pos = {t: n for n, t in enumerate(c_texts)}
        self.c_members: dict[int, list[int]] = defaultdict(list)
        for j, t in enumerate(dst.text):
            self.c_members[c_pos[t]].append(j)
        pool = max(top, WIDE_POOL) if self.small else top
        self.f_idx, self.f_score = fuzzy_topk(list(self.q_pos), c_texts, pool)
        self.src_marks = [marks(vk.words | (vk.parents or frozenset())) for vk in src.keys]
        self.dst_marks = [marks(vk.words | (vk.parents or frozenset())) for vk in dst.keys]
        self.qualifiers = _qualifiers(dst)
        self.parent_words = frozenset().union(*(vk.parents or frozenset() for vk in dst.keys))
        self._siblings: Siblings | None = None

    def candidates(self, i: int) -> Candidates:
        cands = Candidates()
        vk = self.src.keys[i]
        self._dictionary(cands, i, vk)
        counts = self.learned.get(vk.concepts[0])
        if counts:
            total = sum(counts.values())
            for values, n in counts.items():
                for j in self.dst.exact_index.get(self.keyer.keys(values).exact, ()):
                    cands.add(j, "learned", round(LEARNED_SCORE * n / total, 1))
        if not self.plain_exact[i]:
            self._fuzzy(cands, vk, self.src_marks[i])
        return cands

    def clashes(self, i: int, j: int) -> bool:
        """Source value ``i`` and target ``j`` name different genders or audiences (:mod:`kit.depara.audience`)."""
        return clash(self.src_marks[i], self.dst_marks[j])

    def _dictionary(self, cands: Candidates, i: int, vk: ValueKeys) -> None:
        dst = self.dst
        for j in dst.exact_index.get(vk.exact, ()):
            cands.add(j, "exact", 100.0)
        for key in vk.concepts:
            for j in dst.canon_index.get(key, ()):
                cands.add(j, "equal", 100.0, concept=key)
            for g, depth in self.keyer.generalizations(key):
                for j in dst.canon_index.get(g, ()):
                    cands.add(j, "general", 100.0 - GENERALIZATION_STEP * depth, depth=depth, concept=g)
            for j in dst.narrower.get(key, ()):
                cands.add(j, "special", SPECIAL_SCORE)
        if cands.of("exact", "equal", "general"):
            return
        hits = [j for key in vk.parts for j in dst.canon_index.get(key, ())]
        hits += [j for key in vk.concepts for j in dst.part_index.get(key, ())]
        for j in hits or _partial(self.keyer, self.src.values[i], dst, self.carriers):
            cands.add(j, "partial", PARTIAL_SCORE)

    def _fuzzy(self, cands: Candidates, vk: ValueKeys, own: frozenset[str]) -> None:
        dst, index = self.dst, self.dst.words
        scored: dict[int, float] = {}
        for text in (vk.text, vk.desc_text):
            if not text:
                continue
            row = self.q_pos[text]
            for col in range(self.f_idx.shape[1]):
                for j in self.c_members[int(self.f_idx[row, col])]:
                    scored[j] = max(scored.get(j, 0.0), float(self.f_score[row, col]))
        ws = vk.words
        content = ws - self.qualifiers if own else ws  # the gender word qualifies, it does not name the family
        if vk.counts and (moot := self._counted_elsewhere(vk)):
            ws, content = ws - moot, content - moot
        added: frozenset[str] = frozenset()
        if not any(w in index.weight for w in content):
            added = _back_off(vk.back, vk.taxonomy, index)
        elif vk.family and not any(w in index.weight for w in vk.family):
            # the department is known, its family is not ("PERIFERICOS - NOBREAK"): the family backs off through
            # the lexicon (the department tells apart what its level points at; the taxonomy when the lexicon is mute)
            back = back_levels(vk.family)
            added = _back_off(back, () if back else taxonomy_levels(vk.family), index)
        if added:
            # a level backed off to names the family even by an audience word ("BODY BEBE": infantil)
            ws = ws | added
            content = (ws - self.qualifiers) | (added - GENDER_WORDS) if own else ws
        if self.small:
            for word in ws:
                holders = index.holding(word)
                if len(holders) <= WORD_HOLDERS_LIMIT:
                    for j in holders:
                        if j not in scored:
                            scored[j] = max(fuzz.ratio(t, dst.text[j]) for t in (vk.text, vk.desc_text) if t)
        known = any(w in index.weight for w in content)
        # a value naming something the list does not ("Discover" among named card brands): the list's catch-all
        # sibling ("CARTAO CREDITO OUTRAS BANDEIRAS") sharing its other words is where it goes (kinds with concepts)
        catch_all = bool(index.generic) and not self.keyer.flat and any(w not in index.weight for w in vk.words)
        head = content - vk.purpose - accessory_stems() if vk.purpose else frozenset()
        head_known = any(w in index.weight for w in head)
        # a group written after its department ("INFORMATICA - FAN / VENTOINHA") whose family the list names:
        # a target sharing only the department's words is a weaker match
        family_known = bool(vk.family) and any(w in index.weight for w in vk.family)
        # category kinds (no concepts): the head of the value's name, when the list holds it; the value's words
        # that name a path's parent level somewhere in the list ("SACHE GATOS": the Gatos department)
        head_known = self.keyer.flat and any(w in index.weight for w in vk.head)
        in_parent = ws & self.parent_words if self.keyer.flat else frozenset()
        for j, ratio in scored.items():
            # a target sharing only the value's gender word is no closer for it ("Relógios Femininos")
            # (or only an audience word of the value's own audience: "BODY BEBE" among "Roupas para Bebês")
            shared = (
                index.score(ws, j)
                if content is ws or index.shared(content, j) or self._agrees(j, ws - content, own)
                else 0.0
            )
            if known and not shared:
                ratio *= SPELLING_ONLY_WEIGHT
            agree = bool(own and shared and own & self.dst_marks[j])  # the value's own gender's family
            if max(ratio, shared) >= MIN_FUZZY_SCORE or agree:
                score = fuzzy_score(ratio, shared)
                if any(vk.marks) and self.keyer.conflict(vk.marks, dst.keys[j].marks):
                    score *= CONFLICT_WEIGHT
                if vk.counts and counts_clash(vk.counts, dst.keys[j].counts):
                    score *= CONFLICT_WEIGHT  # "GELADEIRA 1 PORTA" is not the "2 Portas" family
                if own and clash(own, self.dst_marks[j]):
                    self._sibling_of(cands, j, own, score)
                    score *= CONFLICT_WEIGHT
                elif agree:
                    score *= AGREE_WEIGHT
                elif not own and "c" in self.dst_marks[j]:
                    score *= UNQUALIFIED_CHILD_WEIGHT
                if head_known and not index.shared(head, j):
                    score *= PURPOSE_ONLY_WEIGHT
                if family_known and not index.shared(vk.family, j):
                    score *= DEPARTMENT_ONLY_WEIGHT
                if catch_all and shared and j in index.generic:
                    score *= CATCH_ALL_WEIGHT
                score *= self._category_weight(vk, j, in_parent, head_known)
                cands.add(j, "fuzzy", round(min(MAX_FUZZY_SCORE, score), 1))

    def _category_weight(self, vk: ValueKeys, j: int, in_parent: frozenset[str], head_known: bool) -> float:
        """A category target's weight: lower under a parent level naming none of the value's words where another
        parent names one (``in_parent``: "Cachorro > Ração" for a cat's sachet beside "Gatos > Ração"), and lower
        without the head of the value's name where the list holds it ("WEBCAM FULL HD" is a webcam)."""
        weight = 1.0
        parents = self.dst.keys[j].parents
        if in_parent and parents and not in_parent & parents:
            weight *= OTHER_PARENT_WEIGHT
        if head_known and not self.dst.words.shared(vk.head, j):
            weight *= HEADLESS_WEIGHT
        return weight

    def _agrees(self, j: int, qualifiers: frozenset[str], own: frozenset[str]) -> bool:
        """Target ``j`` shares one of the value's audience words and that audience."""
        return bool(own & self.dst_marks[j]) and self.dst.words.shared(qualifiers - GENDER_WORDS, j)

    def _counted_elsewhere(self, vk: ValueKeys) -> frozenset[str]:
        """The value's counted words that every target holding them counts under another number: such a
        word ("1 PORTA" where the list has only "2 Portas") does not tell the value's family, so the value
        backs off as if the list did not hold it."""
        index, keys = self.dst.words, self.dst.keys
        out = set()
        for w, _ in vk.counts:
            holders = index.holding(w) if w in index.weight else ()
            if holders and all(w in counts_clash(vk.counts, keys[j].counts) for j in holders):
                out.add(w)
        return frozenset(out)

    def _sibling_of(self, cands: Candidates, j: int, own: frozenset[str], score: float) -> None:
        """Suggest the family of target ``j`` under the value's gender or audience, else that one's
        department, in ``j``'s place (:class:`kit.depara.audience.Siblings`)."""
        if self._siblings is None:
            keys = self.dst.keys
            self._siblings = Siblings([vk.words for vk in keys], [vk.parents or frozenset() for vk in keys])
        for group, weight in zip(self._siblings.of(j), (SIBLING_WEIGHT, SIBLING_WEIGHT**2), strict=True):
            fits = [k for k in group if not clash(own, self.dst_marks[k])]
            if fits:
                for k in fits:
                    cands.add(k, "fuzzy", round(min(MAX_FUZZY_SCORE, score * weight), 1))
                return


def _qualifiers(dst: Prepared) -> frozenset[str]:
    """The audience words that only qualify a value in this list ("Pijama Infantil" is a pajama, to find among
    "Roupas Infantis" and "Calçados Infantis"): all of them but those naming a target of their own, alone
    ("Bebês", "Infantil") or beside words no other target holds ("Mãe e Bebê"): there they name a department.
    """
    index, named = dst.words, set()
    for vk in dst.keys:
        audience = vk.words & AUDIENCE_WORDS - GENDER_WORDS  # a gender word always qualifies ("Relógios Masculinos")
        if audience and all(len(index.holding(w)) <= 1 for w in vk.words - AUDIENCE_WORDS):
            named |= audience
    return AUDIENCE_WORDS - named


def _back_off(
    back: tuple[frozenset[str], ...], taxonomy: tuple[frozenset[str], ...], index: WordIndex
) -> frozenset[str]:
    """The words to add to a value none of whose words the list holds: the nearest level of the
    department lexicon (:attr:`ValueKeys.back`) that the list holds a word of. When that level
    does not point at one target (its words are held by several: "PANELAS" is utilidade
    doméstica and cozinha), the nearest such level of the product taxonomy
    (:attr:`ValueKeys.taxonomy`) joins it, so that where both say the same family their words
    add up ("produtos de cozinha e aparelhos de jantar"); the taxonomy alone when the lexicon
    knows nothing of the value.
    """
    out: frozenset[str] = frozenset()
    for chain in (back, taxonomy):
        for level in chain:
            held = [w for w in level if w in index.weight]
            if held:
                out |= level
                break
        else:
            continue
        if len({j for w in held for j in index.holding(w)}) == 1:
            break  # the lexicon points at one target
    return out


def suggest(
    kind: str | MappingKind,
    channel_values: Any,
    erp_values: Any,
    *,
    channel: str | None = None,
    channel_type: str | None = None,
    learned: bool = True,
    mappings_dir: str | Path | None = None,
    top: int = 3,
) -> pd.DataFrame:
    """Ranked ERP (or channel, for ``out`` kinds) candidates for every value to map.

    Args:
        kind: a registered mapping kind name.
        channel_values: the channel's value list (DataFrame with the kind's list
            columns and an optional ``description``, or a sequence of strings / tuples).
        erp_values: the ERP's value list, same forms.
        channel: the channel being mapped; its own table is not used for
            learning (other channels' confirmed rows are).
        channel_type: the channel's type (``mercadolivre``...), for aliases that
            hold only for one channel's API; looked up from ``channel`` when
            the workspace knows it.
        learned: use confirmed rows of other channels' tables.
        mappings_dir: where tables live (default :func:`kit.depara.table.mappings_dir`).
        top: candidates kept per value.

    Returns:
        One row per source value: the source key columns, the top candidate's
        target key columns (empty when there is none), ``score``, ``reason``,
        ``preaccepted`` and ``candidates`` (a list of dicts with ``values``,
        ``label``, ``score``, ``reason``, best first).
    """
    k = get_kind(kind)
    if channel_type is None and channel:
        channel_type = _channel_type(channel)
    keyer = Keyer(k, load_aliases().for_channel_type(channel_type))
    source_values, target_values = (channel_values, erp_values) if k.direction == "in" else (erp_values, channel_values)
    src = prepare_values(k, source_values, keyer=keyer)
    dst = prepare_values(k, target_values, keyer=keyer)
    matcher = _Matcher(keyer, src, dst, _learned(keyer, channel, mappings_dir) if learned else {}, top)
    n_src = len(src.values)
    out_targets: list[tuple[str, ...]] = []
    out_score = np.zeros(n_src)
    out_reason: list[str] = []
    out_pre = np.zeros(n_src, dtype=bool)
    out_cands: list[list[dict[str, Any]]] = []
    empty = ("",) * len(k.list_columns)
    for i in range(n_src):
        cands = matcher.candidates(i)
        ranked = cands.ranked(src.keys[i].words, dst.words) if len(cands) > 1 else list(cands.by_target.values())
        shown = [
            {"values": list(dst.values[c.target]), "label": _label(dst.values[c.target]), "score": c.score,
             "reason": c.reason}
            for c in ranked[:top]
        ]  # fmt: skip
        out_cands.append(shown)
        if not shown:
            out_targets.append(empty)
            out_reason.append("")
            continue
        out_targets.append(tuple(shown[0]["values"]))
        out_score[i] = shown[0]["score"]
        out_reason.append(shown[0]["reason"])
        out_pre[i] = _preaccepted(matcher, i, cands, ranked[0])
    data: dict[str, Any] = {}
    for c, col in enumerate(k.source_columns):
        data[col] = [v[c] for v in src.values]
    for c, col in enumerate(k.target_columns):
        data[col] = [v[c] for v in out_targets]
    data["score"] = out_score
    data["reason"] = out_reason
    data["preaccepted"] = out_pre
    data["candidates"] = out_cands
    return pd.DataFrame(data)


def _preaccepted(matcher: _Matcher, i: int, cands: Candidates, best: Any) -> bool:
    """Whether value ``i``'s best candidate is written confirmed: :func:`kit.depara.rank.preaccept`, no gender or
    audience clash, and the channel's own description does not point elsewhere."""
    src, dst = matcher.src, matcher.dst
    return (
        not matcher.clashes(i, best.target)
        and preaccept(cands, best, src.keys[i].words, dst.words, dst.narrower, plain_exact=matcher.plain_exact[i])
        and not _description_disagrees(matcher.keyer, src.descriptions[i], dst.keys[best.target])
    )


def _description_disagrees(keyer: Keyer, description: str, target: ValueKeys) -> bool:
    """The channel's description names concepts, none of them the target's or related to it ("PENDING: the
    transaction is in progress" against "pendente"): the match may be right, but a person confirms it."""
    if not description or keyer.composite or not target.marks or not target.marks[0]:
        return False
    named = keyer.marks_of(description)
    return bool(named) and all(keyer.conflict((frozenset({m}),), target.marks[:1]) for m in named)


def _partial(keyer: Keyer, raw: tuple[str, ...], dst: Prepared, carriers: dict[tuple[str, ...], str]) -> list[int]:
    """Targets matched by part of ``raw`` (longest part first), or ``[]``."""
    if not keyer.kind.composite:
        toks = tokens(raw[0])
        section = keyer.sections[0]
        for start in range(1, len(toks)):
            hits = dst.canon_index.get((keyer.aliases.resolve(section, "".join(toks[start:])),))
            if hits:
                return hits
        return []
    toks = tokens(raw[1])
    for size in range(len(toks) - 1, 0, -1):
        head = carriers.get(tuple(toks[:size]))
        if head is not None:
            return dst.canon_index.get(keyer.keys((head, " ".join(toks[size:]), *raw[2:])).concepts[0], [])
    return []


def _channel_type(channel: str) -> str | None:
    """The type of a configured channel, or ``None`` (unknown channel, no workspace)."""
    try:
        from kit.channels import ChannelRegistry
        from kit.store import Workspace

        return ChannelRegistry(Workspace(create=False)).get(channel).type
    except Exception:  # an unconfigured channel just gets the generic aliases
        return None
