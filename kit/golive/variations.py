"""Go-live check ``variation_price``: one price across the variations of a listing.

Some channels (``ChannelType.uniform_variation_price``, Mercado Livre §1.2)
take a single price for every variation of a listing, so a price sync of a
family whose ERP prices differ is refused by the channel. This check finds
those families before the first sync.

SKUs belong together when the ERP says so (same ``parent_sku``) or the store
does (same ``channel_id`` with a ``variation_id``); both relations are joined
(connected components by label propagation on integer codes, vectorised).
In a group with more than one ERP price, the SKUs whose price differs from the
majority's are blockers (expected: the majority's price); with no majority,
every SKU of the group is (expected: ``um único preço``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.golive.checks import _blank_text, keys
from kit.golive.codes import as_objects
from kit.golive.context import GoliveContext
from kit.golive.findings import BLOQUEIO, empty_findings, make_findings
from kit.golive.registry import register_check

__all__ = ["check_variation_price", "listing_groups"]


def _brl(value: float) -> str:
    from kit.fmt import money_pt

    return money_pt(value)


def _components(n_rows: int, links: list[np.ndarray]) -> np.ndarray:
    """Connected components of rows joined through shared link codes (``-1`` = no link).

    Each array in ``links`` gives, per row, a code (parent SKU, listing id...); rows
    sharing a code in any array end up with the same component label.
    """
    label = np.arange(n_rows, dtype=np.int64)
    while True:
        before = label.copy()
        for codes in links:
            has = codes >= 0
            if not has.any():
                continue
            best = np.full(int(codes.max()) + 1, n_rows, dtype=np.int64)
            np.minimum.at(best, codes[has], label[has])
            label[has] = np.minimum(label[has], best[codes[has]])
        label = label[label]  # pointer jumping: follow labels to their roots
        if np.array_equal(label, before):
            return label


def listing_groups(ctx: GoliveContext) -> pd.DataFrame:
    """ERP SKUs that share a listing: one row per ERP SKU in a group of two or more.

    Columns: ``pos`` (ERP row position), ``group`` (component label),
    ``channel_id`` (the store listing with variations, or ``""``),
    ``parent_sku`` (the ERP's, or ``""``), ``price`` (ERP price).
    """
    k = keys(ctx)
    erp, store = ctx.erp, ctx.store
    pos = k["erp"].keyed
    sku_codes = k["erp"].sku[pos]
    # Store side: SKU -> listing id, for rows that are variations of a listing.
    cid = as_objects(store["channel_id"], clean=True)
    srows = np.nonzero(~_blank_text(store, "channel_id") & ~_blank_text(store, "variation_id") & ~k["store"].sku_blank)[
        0
    ]
    listing_by_sku = np.full(k["n_sku"], "", dtype=object)
    listing_by_sku[k["store"].sku[srows]] = cid[srows]
    listing = listing_by_sku[sku_codes]
    parent = as_objects(erp["parent_sku"], clean=True)[pos]
    links = []
    for col in (listing, parent):
        codes = np.full(len(col), -1, dtype=np.int64)  # a blank links nothing
        given = np.nonzero(col != "")[0]
        codes[given] = pd.factorize(col[given])[0]
        links.append(codes)
    group = _components(len(pos), links)
    sizes = np.bincount(group, minlength=len(pos))
    keep = sizes[group] > 1
    return pd.DataFrame(
        {
            "pos": pos[keep],
            "group": group[keep],
            "channel_id": listing[keep],
            "parent_sku": parent[keep],
            "price": erp["price"].to_numpy(dtype=float)[pos[keep]],
        }
    )


@register_check("variation_price")
def check_variation_price(ctx: GoliveContext) -> pd.DataFrame:
    """ERP SKUs of one listing (or one ERP family) with different prices, on uniform-price channels."""
    if not ctx.channel_type.uniform_variation_price:
        return empty_findings()
    g = listing_groups(ctx)
    g = g[~np.isnan(g["price"].to_numpy())]
    if g.empty:
        return empty_findings()
    g = g.assign(cents=np.rint(g["price"].to_numpy() * 100).astype(np.int64))
    n_prices = g.groupby("group")["cents"].transform("nunique")
    g = g[n_prices.to_numpy() > 1]
    if g.empty:
        return empty_findings()
    # Majority price per group: the most frequent, if strictly more frequent than the next.
    counts = g.groupby(["group", "cents"]).size().rename("n").reset_index()
    counts = counts.sort_values(["group", "n", "cents"], ascending=[True, False, True], kind="stable")
    top = counts.groupby("group").head(2).copy()
    top["rank"] = top.groupby("group").cumcount()
    first = top[top["rank"] == 0].set_index("group")
    second = top[top["rank"] == 1].set_index("group")["n"].reindex(first.index, fill_value=0)
    majority = pd.Series(np.where(first["n"] > second, first["cents"], -1), index=first.index)
    g = g.assign(majority=majority.reindex(g["group"]).to_numpy())
    flagged = g[(g["majority"] < 0) | (g["cents"] != g["majority"])]
    # Names and prices per group, only for the groups that have findings.
    label = ctx.channel_type.label
    names: dict[int, str] = {}
    prices: dict[int, str] = {}
    for grp, part in g[g["group"].isin(flagged["group"].unique())].groupby("group", sort=False):
        ids = sorted({c for c in part["channel_id"] if c})
        parents = sorted({p for p in part["parent_sku"] if p})
        bits = []
        if ids:
            bits.append(("anúncio " if len(ids) == 1 else "anúncios ") + ", ".join(ids))
        if parents:
            bits.append(("produto pai " if len(parents) == 1 else "produtos pai ") + ", ".join(parents))
        names[grp] = " / ".join(bits)
        prices[grp] = ", ".join(_brl(c / 100) for c in sorted(set(part["cents"])))
    erp = ctx.erp
    rows = flagged["pos"].to_numpy()
    skus = erp["sku"].to_numpy()[rows]
    line = erp["_row"].astype("str").to_numpy()[rows]
    value, expected, message = [], [], []
    for grp, cents, maj, sku, ln in zip(
        flagged["group"], flagged["cents"], flagged["majority"], skus, line, strict=True
    ):
        own = _brl(cents / 100)
        value.append(own)
        if maj >= 0:
            expected.append(_brl(maj / 100))
            why = f"as outras variações têm {_brl(maj / 100)}"
        else:
            expected.append("um único preço")
            why = f"preços no ERP: {prices[grp]}"
        message.append(
            f"SKU {sku} (linha {ln}) é variação do {names[grp]} com preço {own} no ERP, mas {why}; "
            f"o {label} exige um único preço para todas as variações de um anúncio: "
            "iguale os preços no ERP ou separe o SKU em outro anúncio"
        )
    return make_findings(
        "variation_price", BLOQUEIO, sku=skus, field="erp.price", value=value, expected=expected, message=message
    )
