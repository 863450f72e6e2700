"""Match suggestions: exact, alias, learned, then fuzzy.

For every source value (a channel value for ``direction="in"`` kinds) the
suggester ranks up to ``top`` target values, each with a score (0-100) and the
reason it was found:

``exact``
    equal after :func:`kit.depara.normalize.normalize`;
``alias``
    equal after resolving the built-in alias dictionary (and, for lists that
    carry one, through the value's ``description``);
``learned``
    confirmed for the same source value in another channel's table;
``fuzzy``
    :func:`rapidfuzz.fuzz.ratio` over token-sorted normalized text (a
    token-sort ratio), computed for all pairs at once with
    :func:`rapidfuzz.process.cdist`.

Only a *unique* exact or alias match is pre-accepted. Everything else waits for
a person: a wrong match silently accepted is the worst outcome.
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

from kit.depara.aliases import PART_SEPARATOR, Aliases, load_aliases
from kit.depara.kinds import MappingKind, get_kind
from kit.depara.normalize import tokens

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
_RANK = {r: i for i, r in enumerate(REASONS)}
# Rows handed to cdist at once: bounds memory to CHUNK x targets bytes (uint8).
CHUNK_ROWS = 2048
LEARNED_SCORE = 100.0
# A match through part of a value ("pagarme_boleto" -> "boleto", "me1" +
# "Correios PAC" -> Correios / PAC) ranks with the aliases but is never
# pre-accepted: the rest of the value might change its meaning.
PARTIAL_SCORE = 90.0
# Fuzzy scores below this are noise ("6" vs "Pago" scores 0): no candidate.
MIN_FUZZY_SCORE = 40


@dataclass(slots=True)
class Prepared:
    """One side's unique values with their match keys."""

    values: list[tuple[str, ...]]
    exact: list[tuple[str, ...]]
    canon: list[list[tuple[str, ...]]]
    text: list[str]
    exact_index: dict[tuple[str, ...], list[int]] = field(default_factory=dict)
    canon_index: dict[tuple[str, ...], list[int]] = field(default_factory=dict)


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
                f"value list has no column {missing[0]!r} for {k.name}",
                file=src.get("file"),
                sheet=src.get("sheet"),
                column=missing[0],
                kind=k.name,
                hint="expected columns: " + ", ".join(cols),
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


class _Keyer:
    """Turns raw key tuples into exact keys, canonical keys and fuzzy text."""

    def __init__(self, kind: MappingKind, aliases: Aliases) -> None:
        self.kind = kind
        self.aliases = aliases
        base = kind.aliases
        self.sections = [f"{base}.{c}" for c in kind.list_columns] if kind.composite else [base]
        self.whole: dict[tuple[str, ...], tuple[tuple[str, ...], list[str]]] = {}
        for alias, canonical in aliases.keys.get(base, []):
            a = tuple(p.strip() for p in alias.split(PART_SEPARATOR))
            c = tuple(p.strip() for p in canonical.split(PART_SEPARATOR))
            if len(a) != len(kind.list_columns) or len(c) != len(kind.list_columns):
                raise ValueError(f"aliases.csv: {alias!r} -> {canonical!r} has the wrong number of parts for {base}")
            self.whole.setdefault(self._canon(a)[0], self._canon(c))

    def _parts(self, raw: Sequence[str]) -> list[list[str]]:
        parts = [tokens(p) for p in raw]
        if self.kind.composite:
            parts = [parts[0]] + [_strip_prefix(parts[0], p) for p in parts[1:]]
        return parts

    def _canon(self, raw: Sequence[str], parts: list[list[str]] | None = None) -> tuple[tuple[str, ...], list[str]]:
        keys, texts = [], []
        for section, toks in zip(self.sections, parts if parts is not None else self._parts(raw), strict=True):
            flat = "".join(toks)
            rep = self.aliases.resolve(section, flat)
            keys.append(rep)
            texts.append(self.aliases.resolve_text(section, rep, " ".join(toks)) if rep != flat else " ".join(toks))
        return tuple(keys), texts

    def key(self, raw: Sequence[str], description: str = "") -> tuple[tuple[str, ...], list[tuple[str, ...]], str]:
        parts = self._parts(raw)
        exact = tuple("".join(p) for p in parts)
        canon, texts = self._canon(raw, parts)
        if canon in self.whole:
            canon, texts = self.whole[canon]
        canon_keys = [canon]
        if description and not self.kind.composite:
            dcanon, dtexts = self._canon((description,))
            if dcanon[0]:
                canon_keys.append(dcanon)
                if not any(ch.isalpha() for ch in str(raw[0])):
                    # a bare code ("6") is matched by its description; a word keeps its own text
                    texts = texts + dtexts
        text = " ".join(sorted(" ".join(texts).split()))
        return exact, canon_keys, text


def prepare_values(kind: str | MappingKind, values: Any, *, aliases: Aliases | None = None) -> Prepared:
    """Normalize one side's value list once (keys for exact/alias, text for fuzzy)."""
    k = get_kind(kind)
    frame = value_frame(k, values)
    keyer = _Keyer(k, aliases or load_aliases())
    cols = list(k.list_columns)
    raws = list(frame[cols].itertuples(index=False, name=None))
    descs = frame["description"].tolist() if "description" in frame.columns else [""] * len(raws)
    prep = Prepared(values=[], exact=[], canon=[], text=[])
    for i, (raw, desc) in enumerate(zip(raws, descs, strict=True)):
        exact, canon, text = keyer.key(raw, desc)
        prep.values.append(tuple(raw))
        prep.exact.append(exact)
        prep.canon.append(canon)
        prep.text.append(text)
        prep.exact_index.setdefault(exact, []).append(i)
        for c in canon:
            prep.canon_index.setdefault(c, []).append(i)
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
    for start in range(0, n, CHUNK_ROWS):
        block = process.cdist(
            queries[start : start + CHUNK_ROWS], choices, scorer=fuzz.ratio, dtype=np.uint8, workers=-1
        )
        if k < m:
            part = np.argpartition(block, m - k, axis=1)[:, m - k :]
        else:
            part = np.broadcast_to(np.arange(m), block.shape).copy()
        part_scores = np.take_along_axis(block, part, axis=1)
        order = np.argsort(-part_scores.astype(np.int16), axis=1, kind="stable")
        idx[start : start + len(block)] = np.take_along_axis(part, order, axis=1)
        scores[start : start + len(block)] = np.take_along_axis(part_scores, order, axis=1)
    return idx, scores


def _learned(
    kind: MappingKind, keyer: _Keyer, channel: str | None, mappings_dir: str | Path | None
) -> dict[tuple[str, ...], Counter]:
    from kit.depara.table import confirmed_rows

    out: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for src, dst in confirmed_rows(kind, exclude_channel=channel, mappings_dir=mappings_dir):
        _, canon, _ = keyer.key(src)
        out[canon[0]][tuple(dst)] += 1
    return out


def _label(values: Sequence[str]) -> str:
    return " / ".join(values)


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
            columns, or a sequence of strings / tuples).
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
    aliases = load_aliases().for_channel_type(channel_type)
    keyer = _Keyer(k, aliases)
    source_values, target_values = (channel_values, erp_values) if k.direction == "in" else (erp_values, channel_values)
    src = prepare_values(k, source_values, aliases=aliases)
    dst = prepare_values(k, target_values, aliases=aliases)
    learned_map = _learned(k, keyer, channel, mappings_dir) if learned else {}

    # fuzzy over unique texts only
    q_texts = list(dict.fromkeys(src.text))
    c_texts = list(dict.fromkeys(dst.text))
    c_members: dict[int, list[int]] = defaultdict(list)
    c_pos = {t: i for i, t in enumerate(c_texts)}
    for j, t in enumerate(dst.text):
        c_members[c_pos[t]].append(j)
    f_idx, f_score = fuzzy_topk(q_texts, c_texts, top)
    q_pos = {t: i for i, t in enumerate(q_texts)}

    carriers: dict[tuple[str, ...], str] = {}
    if k.composite:
        for v in dst.values:
            carriers.setdefault(tuple(tokens(v[0])), v[0])
    n_src = len(src.values)
    out_targets: list[tuple[str, ...]] = []
    out_score = np.zeros(n_src)
    out_reason: list[str] = []
    out_pre = np.zeros(n_src, dtype=bool)
    out_cands: list[list[dict[str, Any]]] = []
    empty = ("",) * len(k.list_columns)
    for i in range(n_src):
        found: dict[int, tuple[int, float]] = {}  # target index -> (rank, score)

        def add(j: int, reason: str, score: float, found: dict[int, tuple[int, float]] = found) -> None:
            cur = found.get(j)
            cand = (_RANK[reason], -score)
            if cur is None or cand < cur:
                found[j] = cand

        for j in dst.exact_index.get(src.exact[i], ()):
            add(j, "exact", 100.0)
        for c in src.canon[i]:
            for j in dst.canon_index.get(c, ()):
                add(j, "alias", 100.0)
        strong = len(found)
        if not strong:
            for j in _partial(k, keyer, src.values[i], dst, carriers):
                add(j, "alias", PARTIAL_SCORE)
        counts = learned_map.get(src.canon[i][0])
        if counts:
            total = sum(counts.values())
            for values, n in counts.items():
                key = prepare_key(keyer, values)
                for j in dst.exact_index.get(key, ()):
                    add(j, "learned", round(LEARNED_SCORE * n / total, 1))
        row = q_pos[src.text[i]]
        for col in range(f_idx.shape[1]):
            if f_score[row, col] < MIN_FUZZY_SCORE:
                break
            for j in c_members[int(f_idx[row, col])]:
                add(j, "fuzzy", float(f_score[row, col]))
        ranked = sorted(found.items(), key=lambda kv: (kv[1], kv[0]))[:top]
        cands = [
            {
                "values": list(dst.values[j]),
                "label": _label(dst.values[j]),
                "score": -neg,
                "reason": REASONS[rank],
            }
            for j, (rank, neg) in ranked
        ]
        out_cands.append(cands)
        if cands:
            out_targets.append(tuple(cands[0]["values"]))
            out_score[i] = cands[0]["score"]
            out_reason.append(cands[0]["reason"])
            out_pre[i] = cands[0]["reason"] in PREACCEPT_REASONS and strong == 1
        else:
            out_targets.append(empty)
            out_reason.append("")
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


def _partial(
    kind: MappingKind, keyer: _Keyer, raw: tuple[str, ...], dst: Prepared, carriers: dict[tuple[str, ...], str]
) -> list[int]:
    """Targets matched by part of ``raw`` (longest part first), or ``[]``."""
    if not kind.composite:
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
            _, canon, _ = keyer.key((head, " ".join(toks[size:]), *raw[2:]))
            return dst.canon_index.get(canon[0], [])
    return []


def _channel_type(channel: str) -> str | None:
    """The type of a configured channel, or ``None`` (unknown channel, no workspace)."""
    try:
        from kit.channels import ChannelRegistry
        from kit.store import Workspace

        return ChannelRegistry(Workspace(create=False)).get(channel).type
    except Exception:  # an unconfigured channel just gets the generic aliases
        return None


def prepare_key(keyer: _Keyer, values: Sequence[str]) -> tuple[str, ...]:
    """The exact key of a raw value tuple (used to find learned targets in a list)."""
    return keyer.key(values)[0]
