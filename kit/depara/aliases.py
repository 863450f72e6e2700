"""The built-in alias dictionary (``kit/depara/data/aliases.csv``), as data.

Each row says ``alias`` means ``canonical`` within a section: a mapping kind
(``payment_method``), one column of a composite key
(``carrier_service.service``), or a whole composite key (``carrier_service``
with values written ``"Correios | Normal"``). Aliases of one meaning form a
group (aliases of aliases join it too); every value of a group, on either
side, resolves to the group's representative.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from kit.depara.normalize import compact, normalize

__all__ = ["Aliases", "load_aliases", "PART_SEPARATOR"]

PART_SEPARATOR = "|"


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

    def resolve(self, section: str, value: str) -> str:
        """The representative (compact) of ``value`` (compact) in ``section``."""
        return self.parts.get(section, {}).get(value, value)

    def for_channel_type(self, channel_type: str | None) -> Aliases:
        """These aliases with ``channel_type``'s own rows taking precedence."""
        extra = self.scoped.get(channel_type or "")
        if extra is None:
            return self
        merged = Aliases(keys={k: extra.keys.get(k, []) + v for k, v in self.keys.items()})
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


def _parse(text: str, source: str) -> Aliases:
    rows = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(rows)))
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
    return out


@lru_cache(maxsize=1)
def load_aliases() -> Aliases:
    """The package's alias dictionary (cached)."""
    text = resources.files("kit.depara").joinpath("data/aliases.csv").read_text(encoding="utf-8")
    return _parse(text, "kit/depara/data/aliases.csv")
