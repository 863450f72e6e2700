"""The built-in alias dictionary (``kit/depara/data/aliases.csv``), as data.

Each row says ``alias`` means ``canonical`` within a section: a mapping kind
(``payment_method``), one column of a composite key
(``carrier_service.service``), or a whole composite key (``carrier_service``
with values written ``"Correios | Normal"``). Aliases of one meaning form a
group (aliases of aliases join it too); every value of a group, on either
side, resolves to the group's representative.

A group is a *concept*. ``kit/depara/data/concepts.csv`` says which concept
narrows which (``Pago parcialmente`` narrows ``Aguardando pagamento``):
:meth:`Aliases.ancestors` walks up that tree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from kit.depara.normalize import compact, normalize, tokens

__all__ = ["Aliases", "load_aliases", "PART_SEPARATOR"]

PART_SEPARATOR = "|"
# A concept tree deeper than this is a loop in concepts.csv.
MAX_DEPTH = 8
# Masculine participle endings whose feminine (-ada, -ida) names the same state, in the sections of states.
_PARTICIPLES = ("ado", "ido")
_STATE_SECTIONS = frozenset({"order_status"})


@dataclass(slots=True)
class Aliases:
    """Resolved alias groups: per section, compact value -> representative."""

    # section -> compact alias -> compact representative
    parts: dict[str, dict[str, str]] = field(default_factory=dict)
    # section -> compact representative -> normalized text of the representative
    text: dict[str, dict[str, str]] = field(default_factory=dict)
    # whole-key sections: raw "a | b" rows, resolved by the suggester per kind
    keys: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # channel type -> the aliases that hold only for that channel's API
    scoped: dict[str, Aliases] = field(default_factory=dict)
    # section -> representative -> the representative of the broader concept
    broader: dict[str, dict[str, str]] = field(default_factory=dict)

    def resolve(self, section: str, value: str) -> str:
        """The representative (compact) of ``value`` (compact) in ``section``."""
        return self.parts.get(section, {}).get(value, value)

    def for_channel_type(self, channel_type: str | None) -> Aliases:
        """These aliases with ``channel_type``'s own rows taking precedence."""
        extra = self.scoped.get(channel_type or "")
        if extra is None:
            return self
        merged = Aliases(keys={k: extra.keys.get(k, []) + v for k, v in self.keys.items()}, broader=self.broader)
        for section in set(self.parts) | set(extra.parts):
            base = self.parts.get(section, {})
            over = extra.parts.get(section, {})
            merged.parts[section] = {**base, **{k: base.get(v, v) for k, v in over.items()}}
            merged.text[section] = {**extra.text.get(section, {}), **self.text.get(section, {})}
        for k, v in extra.keys.items():
            merged.keys.setdefault(k, v)
        return merged

    def resolve_text(self, section: str, value: str, default: str) -> str:
        return self.text.get(section, {}).get(value, default)

    def ancestors(self, section: str, value: str) -> tuple[str, ...]:
        """The broader concepts of representative ``value``, nearest first."""
        tree = self.broader.get(section)
        if not tree:
            return ()
        out: list[str] = []
        while value in tree and len(out) < MAX_DEPTH:
            value = tree[value]
            out.append(value)
        return tuple(out)


def _parse(text: str, source: str) -> Aliases:
    reader = csv.DictReader(io.StringIO("\n".join(_rows(text))))
    if reader.fieldnames is None or not {"kind", "alias", "canonical"} <= set(reader.fieldnames):
        raise ValueError(f"{source}: header must be kind,alias,canonical")
    by_scope: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for row in reader:
        kind, alias, canonical = ((row.get(k) or "").strip() for k in ("kind", "alias", "canonical"))
        if not (kind and alias and canonical):
            raise ValueError(f"{source}: incomplete row {row!r}")
        scope = (row.get("channel_type") or "").strip()
        by_scope.setdefault(scope, {}).setdefault(kind, []).append((alias, canonical))
    out = _groups(by_scope.pop("", {}))
    out.scoped = {scope: _groups(pairs) for scope, pairs in by_scope.items()}
    return out


def _groups(pairs: dict[str, list[tuple[str, str]]]) -> Aliases:
    out = Aliases()
    for section, items in pairs.items():
        if any(PART_SEPARATOR in a or PART_SEPARATOR in c for a, c in items):
            out.keys[section] = items
            continue
        # union-find over compact forms; the earliest value of a group is its root
        parent: dict[str, str] = {}
        order: dict[str, int] = {}
        label: dict[str, str] = {}

        def find(x: str, parent: dict[str, str] = parent, order: dict[str, int] = order) -> str:
            order.setdefault(x, len(order))
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for alias, canonical in items:
            a, c = compact(alias), compact(canonical)
            label.setdefault(c, normalize(canonical))
            rc, ra = find(c), find(a)
            if ra != rc:
                first, second = (rc, ra) if order[rc] <= order[ra] else (ra, rc)
                parent[second] = first
        groups = {x: find(x) for x in list(parent)}
        out.parts[section] = groups
        names: dict[str, str] = {}
        for value, root in sorted(groups.items(), key=lambda kv: order[kv[0]]):
            if value in label:
                names.setdefault(root, label[value])
        out.text[section] = names
        if section in _STATE_SECTIONS:
            _feminine(items, groups)
    return out


def _feminine(items: list[tuple[str, str]], groups: dict[str, str]) -> None:
    """Add the feminine of every alias written with a participle ("estornado parcialmente": "estornada
    parcialmente"): a state written of a transaction or a charge is the same state. A feminine form that is
    already an alias of its own keeps its group."""
    for alias, canonical in items:
        for text in (alias, canonical):
            toks = tokens(text)
            fem = [t[:-1] + "a" if len(t) > 4 and t.endswith(_PARTICIPLES) else t for t in toks]
            if fem != toks:
                groups.setdefault("".join(fem), groups["".join(toks)])


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _concepts(aliases: Aliases, text: str, source: str) -> None:
    """Fill ``aliases.broader`` from the concepts file (names resolved through the aliases)."""
    reader = csv.DictReader(io.StringIO("\n".join(_rows(text))))
    if reader.fieldnames is None or not {"kind", "concept", "broader"} <= set(reader.fieldnames):
        raise ValueError(f"{source}: header must be kind,concept,broader")
    for row in reader:
        section = (row.get("kind") or "").strip()
        names = [(row.get(k) or "").strip() for k in ("concept", "broader")]
        groups = aliases.parts.get(section, {})
        reps = [groups.get(compact(n)) for n in names]
        if not section or not all(names) or None in reps:
            raise ValueError(f"{source}: {row!r} must name two canonicals of aliases.csv in section {section!r}")
        tree = aliases.broader.setdefault(section, {})
        if reps[0] in tree or reps[0] == reps[1]:
            raise ValueError(f"{source}: {names[0]!r} is given a broader concept twice (or itself)")
        tree[reps[0]] = reps[1]
        if len(aliases.ancestors(section, reps[0])) >= MAX_DEPTH:
            raise ValueError(f"{source}: the concepts above {names[0]!r} form a loop")


@lru_cache(maxsize=1)
def load_aliases() -> Aliases:
    """The package's alias dictionary with its concept tree (cached)."""
    data = resources.files("kit.depara").joinpath("data")
    aliases = _parse(data.joinpath("aliases.csv").read_text(encoding="utf-8"), "kit/depara/data/aliases.csv")
    _concepts(aliases, data.joinpath("concepts.csv").read_text(encoding="utf-8"), "kit/depara/data/concepts.csv")
    return aliases
