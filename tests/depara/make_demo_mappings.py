"""Write the committed demo mapping tables: ``mappings/demo-<type>/<kind>.csv``.

What an analyst does, scripted: build the table from the sample value lists
(``kit/data/sample/erp`` and ``kit/data/sample/channels/<type>``) with the
suggester, then review every row against what the channel's values really mean
(``kit/data/channel_values.json``): keep the right suggestions, correct the
wrong ones (``method=manual``), confirm all. Run from the repo root::

    .venv/bin/python tests/depara/make_demo_mappings.py [--dir mappings]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from kit.depara.build import build_table
from kit.depara.kinds import get_kind
from kit.depara.suggest import suggest
from kit.depara.table import save_table
from kit.depara.values import load_values
from kit.sample import channel_values

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "kit" / "data" / "sample"
TYPES = (
    "mercadolivre",
    "vtex",
    "magento",
    "skyhub",
    "pluggto",
    "netshoes",
    "cnova",
    "rakuten",
    "walmart",
    "ezcommerce",
)
KINDS = ("carrier_service", "payment_method", "order_status")


def reviewed_table(channel_type: str, kind: str):
    """(table, counts) for one channel type and kind, or ``None`` without a sample list."""
    k = get_kind(kind)
    chan_file = SAMPLE / "channels" / channel_type / f"{kind}.csv"
    truth = {
        tuple(raw) if isinstance(raw, list) else (raw,): tuple(erp) if isinstance(erp, list) else (erp,)
        for raw, erp in channel_values(channel_type)[kind]
    }
    if not chan_file.exists() or not truth:
        return None
    suggestions = suggest(
        k, load_values(chan_file, k), load_values(SAMPLE / "erp" / f"{kind}.csv", k),
        channel_type=channel_type, learned=False,
    )  # fmt: skip
    table = build_table(k, suggestions)
    counts = {"preaccepted": 0, "accepted": 0, "corrected": 0}
    for i, s in suggestions.iterrows():
        src = tuple(s[c] for c in k.source_columns)
        right = truth[src]
        top = tuple(s[c] for c in k.target_columns)
        if s["preaccepted"]:
            assert top == right, f"wrong pre-accepted match {channel_type} {kind} {src} -> {top}"
            counts["preaccepted"] += 1
            continue
        for c, v in zip(k.target_columns, right, strict=True):
            table.loc[i, c] = v
        if top == right:
            table.loc[i, ["method", "score"]] = [s["reason"], float(s["score"])]
            table.loc[i, "note"] = "sugestão conferida"
            counts["accepted"] += 1
        else:
            table.loc[i, ["method", "score"]] = ["manual", math.nan]
            table.loc[i, "note"] = "corrigido na revisão"
            counts["corrected"] += 1
        table.loc[i, "confirmed"] = True
    return table, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=str(ROOT / "mappings"))
    args = parser.parse_args()
    for channel_type in TYPES:
        for kind in KINDS:
            result = reviewed_table(channel_type, kind)
            if result is None:
                continue
            table, counts = result
            path = save_table(f"demo-{channel_type}", kind, table, directory=args.dir, record=False)
            print(f"{path}: {len(table)} rows, {counts}")


if __name__ == "__main__":
    main()
