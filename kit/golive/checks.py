"""The go-live checks, one small registered function each.

Every check takes a :class:`~kit.golive.context.GoliveContext` and returns a
findings table. They work on whole columns: SKUs and EANs of both sides are
factorized once into one integer code space (:func:`keys`), so coverage,
duplicates and ERP-vs-store matching are array operations (bincount, fancy
indexing), and EAN/NCM are validated on code points (:mod:`kit.golive.codes`);
a 1M-SKU catalogue is checked in seconds. Messages are built only for the rows
that become findings.

Registered here, in this order: ``sku_coverage``, ``duplicates``, ``validity``,
``required_fields``, ``divergences``, ``depara``, ``credentials``,
``other_erp``, ``capacity``, ``first_sync``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kit.golive.codes import (
    as_objects,
    duplicated_text,
    ean_valid_mask,
    factorize_text,
    ncm_valid_mask,
    text_lengths,
)
from kit.golive.context import GoliveContext
from kit.golive.findings import AVISO, BLOQUEIO, INFO, concat_findings, empty_findings, make_findings
from kit.golive.registry import register_check
from kit.golive.requirements import requirements_for

__all__ = [
    "SIDES",
    "SideKeys",
    "keys",
    "TITLE_SUGGESTION_MIN_SCORE",
    "FUZZY_MAX_CELLS",
    "keyed",
    "matched",
    "capacity_plan",
    "first_sync_preview",
    "OTHER_ERP_ITEM",
    "price_drop_item",
]

SIDES = {"erp": "ERP", "store": "loja"}
IN_SIDE = {"erp": "no ERP", "store": "na loja"}
OF_SIDE = {"erp": "do ERP", "store": "da loja"}
# A title suggestion is only offered when the titles are near-identical.
TITLE_SUGGESTION_MIN_SCORE = 95
# Largest unmatched-ERP x unmatched-store grid scored for title suggestions.
FUZZY_MAX_CELLS = 25_000_000
OTHER_ERP_ITEM = "other_erp"
LOCAL_HOSTS = re.compile(r"^https?://(127\.\d+\.\d+\.\d+|localhost|\[::1\]|0\.0\.0\.0)(:\d+)?(/|$)", re.I)


def price_drop_item(sku: str) -> str:
    """The checklist item that confirms a large first-sync price drop of ``sku``."""
    return f"price_drop:{sku}"


def _frame(ctx: GoliveContext, side: str) -> pd.DataFrame:
    return ctx.erp if side == "erp" else ctx.store


def _blank_text(df: pd.DataFrame, col: str) -> np.ndarray:
    """True where a prepared text column is ``""`` (no scan when prepare counted none)."""
    if df.attrs.get("empty_cells", {}).get(col) == 0:
        return np.zeros(len(df), dtype=bool)
    return as_objects(df[col], clean=True) == ""


def _rowref(df: pd.DataFrame) -> pd.Series:
    return df["_row"].astype("str")


@dataclass(slots=True)
class SideKeys:
    """Integer codes of one side's SKUs and EANs (one code space shared by both sides)."""

    sku: np.ndarray
    ean: np.ndarray
    sku_blank: np.ndarray
    ean_blank: np.ndarray
    keyed: np.ndarray  # row positions of the first occurrence of each non-blank SKU


def _factorize_both(erp: pd.Series, store: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Codes of both sides in one code space, the distinct values, and the code of ``""`` (or -1)."""
    # Object arrays hash several times faster than the python-backed str dtype.
    a, b = as_objects(erp, clean=True), as_objects(store, clean=True)
    codes, uniques = factorize_text(np.concatenate([a, b]))
    blank = int(np.nonzero(uniques == "")[0][0]) if (uniques == "").any() else -1
    return codes[: len(a)], codes[len(a) :], uniques, blank


def keys(ctx: GoliveContext) -> dict[str, Any]:
    """SKU and EAN codes of both sides, computed once per context."""
    if "keys" not in ctx.cache:
        sku_e, sku_s, sku_values, blank_sku = _factorize_both(ctx.erp["sku"], ctx.store["sku"])
        ean_e, ean_s, ean_values, blank_ean = _factorize_both(ctx.erp["ean"], ctx.store["ean"])
        # ean_values: each distinct EAN once (validated once, not once per row and side)
        out: dict[str, Any] = {"n_sku": len(sku_values), "n_ean": len(ean_values), "ean_values": ean_values}
        for side, sku, ean in (("erp", sku_e, ean_e), ("store", sku_s, ean_s)):
            sku_blank, ean_blank = sku == blank_sku, ean == blank_ean
            first = ~pd.Series(sku).duplicated().to_numpy()
            out[side] = SideKeys(sku, ean, sku_blank, ean_blank, np.nonzero(first & ~sku_blank)[0])
        ctx.cache["keys"] = out
    return ctx.cache["keys"]


def keyed(ctx: GoliveContext, side: str) -> pd.DataFrame:
    """One row per non-blank SKU (the first occurrence), cached on the context."""
    key = f"keyed:{side}"
    if key not in ctx.cache:
        ctx.cache[key] = _frame(ctx, side).iloc[keys(ctx)[side].keyed]
    return ctx.cache[key]


def _matched_rows(ctx: GoliveContext) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (ERP, store) of the SKUs present on both sides (first occurrences)."""
    k = keys(ctx)
    erp_pos = np.full(k["n_sku"], -1, dtype=np.int64)
    erp_pos[k["erp"].sku[k["erp"].keyed]] = k["erp"].keyed
    j = erp_pos[k["store"].sku[k["store"].keyed]]
    hit = j >= 0
    return j[hit], k["store"].keyed[hit]


def matched(ctx: GoliveContext) -> pd.DataFrame:
    """ERP and store rows with the same SKU side by side.

    Columns: ``sku``, ``channel_id``, ``price_erp``/``price_store``,
    ``stock_erp``/``stock_store``, and ``pos_erp``/``pos_store``, the row
    positions in ``ctx.erp``/``ctx.store`` (for any other column).
    """
    if "matched" not in ctx.cache:
        e, st = _matched_rows(ctx)
        erp, store = ctx.erp, ctx.store
        data: dict[str, Any] = {"sku": erp["sku"].to_numpy()[e], "channel_id": store["channel_id"].to_numpy()[st]}
        for col in ("price", "stock"):
            data[f"{col}_erp"] = erp[col].to_numpy()[e]
            data[f"{col}_store"] = store[col].to_numpy()[st]
        data["pos_erp"], data["pos_store"] = e, st
        frame = pd.DataFrame({c: pd.Series(v, dtype=v.dtype, copy=False) for c, v in data.items()}, copy=False)
        ctx.cache["matched"] = frame
    return ctx.cache["matched"]


# --------------------------------------------------------------------------- coverage
@register_check("sku_coverage")
def check_sku_coverage(ctx: GoliveContext) -> pd.DataFrame:
    """SKUs only in the ERP or only in the store, with suggestions by EAN or title."""
    k = keys(ctx)
    present = {}
    for side in ("erp", "store"):
        present[side] = np.zeros(k["n_sku"], dtype=bool)
        present[side][k[side].sku[k[side].keyed]] = True
    only = {
        side: k[side].keyed[~present[other][k[side].sku[k[side].keyed]]]
        for side, other in (("erp", "store"), ("store", "erp"))
    }
    frames = []
    for side, other in (("erp", "store"), ("store", "erp")):
        rows = _frame(ctx, side).iloc[only[side]]
        if rows.empty:
            continue
        suggestion, how = _suggest(ctx, side, only[side], other, only[other])
        has = suggestion != ""
        where = "na loja" if side == "erp" else "no ERP"
        expected = np.where(has, suggestion + " (" + how + ")", f"SKU presente {where}")
        base = f"SKU {OF_SIDE[side]} não existe {where}"
        if side == "erp":
            sev, tail = _to_create(ctx, rows, has, suggestion, how)
        else:
            sev = np.full(len(rows), BLOQUEIO, dtype=object)
            tail = np.where(
                has,
                ": parece ser o SKU " + suggestion + " do ERP (" + how + "); corrija o SKU de um dos lados",
                ": o ERP não controlará o estoque deste anúncio (risco de vender sem estoque)",
            )
        if side == "store" and ctx.assortment is not None:
            outside = rows["sku"].isin(set(ctx.erp_all["sku"])).to_numpy()
            sev = np.where(outside, AVISO, sev)
            base = np.where(outside, "Anúncio fora do sortimento do canal", base)
            tail = np.where(
                outside, ": o SKU existe no ERP mas não está no sortimento deste canal; inclua-o no sortimento "
                "(kit assortment set) ou pause o anúncio no canal", tail,
            )  # fmt: skip
        frames.append(
            make_findings(
                "sku_coverage", sev, sku=rows["sku"], field=f"{side}.sku", value=rows["sku"],
                expected=expected, message=base + " (linha " + _rowref(rows).to_numpy() + ")" + tail,
            )
        )  # fmt: skip
    return concat_findings(frames)


def _to_create(ctx: GoliveContext, rows: pd.DataFrame, has: np.ndarray, suggestion: np.ndarray, how: np.ndarray):
    """Severity and message tail of ERP SKUs without a listing: "a criar", or why they cannot be created.

    A SKU the store seems to hold under another SKU is a blocker (a duplicate listing otherwise). The
    others are "a criar" (info, in the first-sync preview) when the products job can create them; when
    it cannot, a blocker if the channel has an assortment (the company said the SKU belongs there),
    else a warning as before assortments existed.
    """
    from kit.golive.creation import creation_plan

    plan = creation_plan(ctx, list(rows["sku"]))
    can = plan["can_create"].to_numpy(dtype=bool)
    reason = plan["reason"].to_numpy(dtype=object)
    blocked = BLOQUEIO if ctx.assortment is not None else AVISO
    sev = np.where(has, BLOQUEIO, np.where(can, INFO, blocked))
    tail = np.where(
        has,
        ": o mesmo produto parece estar na loja sob o SKU " + suggestion + " (" + how + "); "
        "corrija o SKU na loja ou no ERP, senão o anúncio será duplicado",
        np.where(can, ": a criar pela sincronização de produtos (kit sync products)",
                 ": não pode ser criado pela sincronização de produtos: " + reason),
    )  # fmt: skip
    return sev, tail


def _suggest(
    ctx: GoliveContext, side: str, rows: np.ndarray, other: str, other_only: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each row (positions), a SKU of the other side with the same EAN, else a near-identical title."""
    k = keys(ctx)
    me, ot = k[side], k[other]
    df, odf = _frame(ctx, side), _frame(ctx, other)
    n = len(rows)
    suggestion = np.full(n, "", dtype=object)
    how = np.full(n, "", dtype=object)
    with_ean = ot.keyed[~ot.ean_blank[ot.keyed]]
    first_by_ean = np.full(k["n_ean"], -1, dtype=np.int64)
    first_by_ean[ot.ean[with_ean][::-1]] = with_ean[::-1]  # the last write wins: each EAN's first row
    j = np.where(me.ean_blank[rows], -1, first_by_ean[me.ean[rows]])
    hit = j >= 0
    other_sku = odf["sku"].to_numpy()
    suggestion[hit] = other_sku[j[hit]]
    how[hit] = "mesmo EAN " + df["ean"].to_numpy()[rows[hit]].astype(object)
    todo = np.nonzero(~hit)[0]
    # Rows already suggested by EAN are not offered again by title.
    claimed = np.zeros(len(odf), dtype=bool)
    claimed[j[hit]] = True
    titles = odf["title"].to_numpy()
    cand = other_only[~claimed[other_only] & (titles[other_only] != "")]
    if todo.size and cand.size and todo.size * cand.size <= FUZZY_MAX_CELLS:
        from rapidfuzz import fuzz, process, utils

        queries = [utils.default_process(t) for t in df["title"].to_numpy()[rows[todo]]]
        choices = [utils.default_process(t) for t in titles[cand]]
        scores = process.cdist(
            queries, choices, scorer=fuzz.ratio, score_cutoff=TITLE_SUGGESTION_MIN_SCORE, dtype=np.uint8, workers=1
        )
        best = scores.argmax(axis=1)
        top = scores[np.arange(len(todo)), best]
        found = (top >= TITLE_SUGGESTION_MIN_SCORE) & np.array([bool(q) for q in queries])
        idx = todo[found]
        suggestion[idx] = other_sku[cand[best[found]]]
        how[idx] = ["título parecido, " + str(int(s)) + "%" for s in top[found]]
    return suggestion, how


# --------------------------------------------------------------------------- duplicates
@register_check("duplicates")
def check_duplicates(ctx: GoliveContext) -> pd.DataFrame:
    """Repeated SKUs and channel ids on each side; one EAN on several SKUs."""
    k = keys(ctx)
    frames = []
    for side in ("erp", "store"):
        df = _frame(ctx, side)
        sk = k[side]
        here = IN_SIDE[side]
        counts = np.bincount(sk.sku[~sk.sku_blank], minlength=k["n_sku"])
        dup_rows = np.nonzero(~sk.sku_blank & (counts[sk.sku] > 1))[0]
        if dup_rows.size:
            dup = df.iloc[dup_rows]
            count = pd.Series(counts[sk.sku[dup_rows]]).astype("str").to_numpy()
            frames.append(
                make_findings(
                    "duplicates", BLOQUEIO, sku=dup["sku"], field=f"{side}.sku", value=dup["sku"],
                    expected="SKU único",
                    message="SKU repetido " + here + ": aparece " + count + " vezes (linha "
                    + _rowref(dup).to_numpy() + ")",
                )
            )  # fmt: skip
        # One EAN on several SKUs: distinct (EAN, SKU) pairs, counted per EAN.
        # only an EAN on two rows or more can be on two SKUs
        seen = np.bincount(sk.ean[~sk.ean_blank], minlength=k["n_ean"])
        with_ean = np.nonzero(~sk.ean_blank & (seen[sk.ean] > 1))[0]
        pair = sk.ean[with_ean] * np.int64(k["n_sku"]) + sk.sku[with_ean]
        distinct = with_ean[~pd.Series(pair).duplicated().to_numpy()]
        per_ean = np.bincount(sk.ean[distinct], minlength=k["n_ean"])
        shared_rows = distinct[per_ean[sk.ean[distinct]] > 1]
        if shared_rows.size:
            shared = df.iloc[shared_rows]
            n = pd.Series(per_ean[sk.ean[shared_rows]]).astype("str").to_numpy()
            frames.append(
                make_findings(
                    "duplicates", BLOQUEIO, sku=shared["sku"], field=f"{side}.ean", value=shared["ean"],
                    expected="um SKU por EAN",
                    message="EAN " + shared["ean"].to_numpy().astype(object) + " usado por " + n
                    + " SKUs diferentes " + here + " (linha " + _rowref(shared).to_numpy() + ")",
                )
            )  # fmt: skip
        if side == "store":
            cid = as_objects(df["channel_id"], clean=True)
            given = np.nonzero(~_blank_text(df, "channel_id"))[0]
            if given.size:
                var = as_objects(df["variation_id"], clean=True)
                dup_id = df.iloc[given[duplicated_text(cid[given], var[given])]]
            else:
                dup_id = df.iloc[[]]
            if len(dup_id):
                var = dup_id["variation_id"].to_numpy().astype(object)
                label = dup_id["channel_id"].to_numpy().astype(object) + np.where(var != "", "/" + var, "")
                frames.append(
                    make_findings(
                        "duplicates", BLOQUEIO, sku=dup_id["sku"], field="store.channel_id", value=label,
                        expected="um anúncio por ID do canal",
                        message="ID de anúncio " + label + " repetido na loja (linha " + _rowref(dup_id).to_numpy()
                        + ")",
                    )
                )  # fmt: skip
    return concat_findings(frames)


# --------------------------------------------------------------------------- validity
@register_check("validity")
def check_validity(ctx: GoliveContext) -> pd.DataFrame:
    """EAN check digits, NCM format, company CNPJ, price > 0 and stock >= 0."""
    k = keys(ctx)
    frames = [_cnpj_findings(ctx)]
    ean_ok = ean_valid_mask(k["ean_values"], clean=True).to_numpy()  # per distinct EAN
    for side in ("erp", "store"):
        df = _frame(ctx, side)
        sk = k[side]
        has_sku = ~sk.sku_blank
        here = IN_SIDE[side]
        strict = BLOQUEIO if side == "erp" else AVISO  # the ERP's values are what will be sent
        bad = df.iloc[np.nonzero(~sk.ean_blank & ~ean_ok[sk.ean])[0]]
        if len(bad):
            frames.append(
                make_findings(
                    "validity", BLOQUEIO, sku=bad["sku"], field=f"{side}.ean", value=bad["ean"],
                    expected="GTIN-8/12/13/14 com dígito verificador correto",
                    message="EAN inválido " + here + " (dígito verificador ou formato; linha " + _rowref(bad) + ")",
                )
            )  # fmt: skip
        missing = df.iloc[np.nonzero(sk.ean_blank & has_sku)[0]]
        if len(missing):
            frames.append(
                make_findings(
                    "validity", AVISO, sku=missing["sku"], field=f"{side}.ean", value="",
                    expected="EAN/GTIN", message="EAN ausente " + here + " (linha " + _rowref(missing) + ")",
                )
            )  # fmt: skip
        ncm = as_objects(df["ncm"], clean=True)
        ncm_given = ~_blank_text(df, "ncm")
        if side == "erp" or ncm_given.any():
            codes, distinct = pd.factorize(ncm)  # a catalogue has few distinct NCMs: check each once
            ncm_ok = ncm_valid_mask(np.asarray(distinct, dtype=object), clean=True).to_numpy()[codes]
            wrong = ~ncm_ok & has_sku & (ncm_given | (side == "erp"))
            bad_ncm = df.iloc[np.nonzero(wrong)[0]]
            if len(bad_ncm):
                frames.append(
                    make_findings(
                        "validity", BLOQUEIO if side == "erp" else AVISO, sku=bad_ncm["sku"], field=f"{side}.ncm",
                        value=bad_ncm["ncm"], expected="8 dígitos",
                        message="NCM inválido " + here + ": deve ter 8 dígitos (linha " + _rowref(bad_ncm) + ")",
                    )
                )  # fmt: skip
        price = df["price"].to_numpy(dtype=float, na_value=np.nan)
        bad_price = df.iloc[np.nonzero(~(price > 0) & has_sku)[0]]
        if len(bad_price):
            frames.append(
                make_findings(
                    "validity", strict, sku=bad_price["sku"], field=f"{side}.price",
                    value=bad_price["price"].astype("str").replace("nan", ""), expected="> 0",
                    message="Preço ausente ou não positivo " + here + " (linha " + _rowref(bad_price) + ")",
                )
            )  # fmt: skip
        stock = df["stock"].to_numpy(dtype=float, na_value=np.nan)
        bad_stock = df.iloc[np.nonzero(~(stock >= 0) & has_sku)[0]]
        if len(bad_stock):
            frames.append(
                make_findings(
                    "validity", strict, sku=bad_stock["sku"], field=f"{side}.stock",
                    value=bad_stock["stock"].astype("str").replace("nan", ""), expected=">= 0",
                    message="Estoque ausente ou negativo " + here + " (linha " + _rowref(bad_stock) + ")",
                )
            )  # fmt: skip
    return concat_findings(frames)


def _cnpj_findings(ctx: GoliveContext) -> pd.DataFrame:
    from kit.channels import validate_cnpj
    from kit.errors import ConfigurationError

    if not ctx.company:
        return make_findings(
            "validity", INFO, field="company.cnpj", expected="CNPJ da empresa",
            message="CNPJ da empresa não informado (modo offline): não verificado",
        )  # fmt: skip
    try:
        validate_cnpj(ctx.company)
    except ConfigurationError:
        return make_findings(
            "validity", BLOQUEIO, field="company.cnpj", value=ctx.company, expected="CNPJ válido (numérico ou alfanumérico)",
            message=f"CNPJ da empresa {ctx.company} é inválido",
        )  # fmt: skip
    return empty_findings()


# --------------------------------------------------------------------------- required fields
@register_check("required_fields")
def check_required_fields(ctx: GoliveContext) -> pd.DataFrame:
    """Per channel type: title length, brand, category, mapped category, weight and dimensions > 0."""
    req = requirements_for(ctx.channel_type.name)
    label = ctx.channel_type.label
    frames = []
    k = keys(ctx)
    for side in ("erp", "store"):
        df = _frame(ctx, side)
        has_sku = ~k[side].sku_blank
        here = IN_SIDE[side]
        sev = BLOQUEIO if side == "erp" else AVISO
        too_long = text_lengths(as_objects(df["title"], clean=True)) > req.title_max
        long = df.iloc[np.nonzero(too_long & has_sku)[0]]
        if len(long):
            frames.append(
                make_findings(
                    "required_fields", sev, sku=long["sku"], field=f"{side}.title", value=long["title"],
                    expected=f"até {req.title_max} caracteres",
                    message="Título com " + long["title"].str.len().astype("str") + f" caracteres {here}; "
                    f"{label} aceita até {req.title_max} (linha " + _rowref(long) + ")",
                )
            )  # fmt: skip
        for col in req.text_fields:
            empty = df.iloc[np.nonzero(_blank_text(df, col) & has_sku)[0]]
            if len(empty):
                frames.append(
                    make_findings(
                        "required_fields", sev, sku=empty["sku"], field=f"{side}.{col}", value="",
                        expected="preenchido",
                        message=f"Campo obrigatório '{col}' vazio {here} (linha " + _rowref(empty) + ")",
                    )
                )  # fmt: skip
        for col in req.positive_fields:
            values = df[col].to_numpy(dtype=float, na_value=np.nan)
            bad = df.iloc[np.nonzero(~(values > 0) & has_sku)[0]]
            if len(bad):
                frames.append(
                    make_findings(
                        "required_fields", sev, sku=bad["sku"], field=f"{side}.{col}",
                        value=bad[col].astype("str").replace("nan", ""), expected="> 0",
                        message=f"'{col}' deve ser maior que zero {here} (linha " + _rowref(bad) + ")",
                    )
                )  # fmt: skip
    if req.mapped_category:
        frames.append(_category_mapping_findings(ctx))
    return concat_findings(frames)


def _category_mapping_findings(ctx: GoliveContext) -> pd.DataFrame:
    """ERP categories that the channel's category de-para does not map (when such a table exists)."""
    table = _load_depara_table(ctx, "category")
    if table is None:
        return empty_findings()
    erp = keyed(ctx, "erp")
    erp_col = _erp_column(table, "category")
    if erp_col is None:
        return empty_findings()
    mapped = set(table[erp_col].astype("str").str.strip())
    rows = erp[(erp["category"] != "") & ~erp["category"].isin(mapped)]
    if rows.empty:
        return empty_findings()
    return make_findings(
        "required_fields", BLOQUEIO, sku=rows["sku"], field="erp.category", value=rows["category"],
        expected="categoria mapeada no de-para",
        message="Categoria '" + rows["category"] + "' sem de-para para o canal (linha " + _rowref(rows) + ")",
    )  # fmt: skip


# --------------------------------------------------------------------------- divergences
@register_check("divergences")
def check_divergences(ctx: GoliveContext) -> pd.DataFrame:
    """Price and stock differences between ERP and store beyond the tolerances; largest first."""
    m = matched(ctx)
    tol = ctx.tolerances
    frames = []
    p_erp, p_store = m["price_erp"], m["price_store"]
    diff = (p_store - p_erp).abs()
    pct = diff / p_erp.where(p_erp > 0) * 100
    over = m[(diff > 0.005) & ((pct > tol.price_pct) | pct.isna()) & p_erp.notna() & p_store.notna()]
    if len(over):
        over = over.assign(_d=diff[over.index]).sort_values("_d", ascending=False, kind="stable")
        pct_txt = (pct[over.index].round(1)).astype("str")
        frames.append(
            make_findings(
                "divergences", AVISO, sku=over["sku"], field="price", value=over["price_store"].round(2),
                expected=over["price_erp"].round(2),
                message="Preço diverge: loja R$ " + over["price_store"].round(2).astype("str") + ", ERP R$ "
                + over["price_erp"].round(2).astype("str") + " (" + pct_txt + f"%, tolerância {tol.price_pct:g}%)",
            )
        )  # fmt: skip
    s_diff = (m["stock_store"] - m["stock_erp"]).abs()
    over_s = m[(s_diff > tol.stock_units) & m["stock_erp"].notna() & m["stock_store"].notna()]
    if len(over_s):
        over_s = over_s.assign(_d=s_diff[over_s.index]).sort_values("_d", ascending=False, kind="stable")
        frames.append(
            make_findings(
                "divergences", AVISO, sku=over_s["sku"], field="stock", value=_int_text(over_s["stock_store"]),
                expected=_int_text(over_s["stock_erp"]),
                message="Estoque diverge: loja " + _int_text(over_s["stock_store"]) + ", ERP "
                + _int_text(over_s["stock_erp"]) + f" (tolerância {tol.stock_units:g} un.)",
            )
        )  # fmt: skip
    return concat_findings(frames)


def _int_text(s: pd.Series) -> pd.Series:
    return s.round(0).astype("int64").astype("str") if s.notna().all() else s.astype("str")


# --------------------------------------------------------------------------- de-para
def _load_depara_table(ctx: GoliveContext, kind: str) -> pd.DataFrame | None:
    """The de-para table for ``kind`` of the context's channel, or ``None`` if absent or empty."""
    if not ctx.mappings_channel:
        return None
    try:
        from kit.depara.table import load_table

        table = load_table(ctx.mappings_channel, kind)
    except Exception:  # noqa: BLE001 - no de-para package or table: nothing to compare with
        return None
    return table if len(table) else None


def _erp_column(table: pd.DataFrame, kind: str) -> str | None:
    for name in (f"erp_{kind}", "erp", "erp_value"):
        if name in table.columns:
            return name
    erp_cols = [c for c in table.columns if str(c).startswith("erp")]
    return erp_cols[0] if erp_cols else None


@register_check("depara")
def check_depara(ctx: GoliveContext) -> pd.DataFrame:
    """Every de-para kind the channel type needs has every channel value mapped."""
    kinds = ctx.channel_type.depara_kinds
    if not kinds:
        return empty_findings()
    if not ctx.mappings_channel:
        return make_findings(
            "depara", AVISO, field="depara", value=", ".join(kinds), expected="tabelas de de-para revisadas",
            message="Modo offline sem canal: as tabelas de de-para (" + ", ".join(kinds) + ") não foram verificadas",
        )  # fmt: skip
    from kit.golive.depara_bridge import depara_findings

    return depara_findings(ctx, kinds)


# --------------------------------------------------------------------------- credentials
@register_check("credentials")
def check_credentials(ctx: GoliveContext) -> pd.DataFrame:
    """``test_connection()`` for the channel, and the right environment for this go-live."""
    ch = ctx.channel
    if ch is None:
        return make_findings(
            "credentials", INFO, field="credentials", expected="canal configurado",
            message="Modo offline (sem canal configurado): credenciais e ambiente não verificados",
        )  # fmt: skip
    frames = []
    if ch.environment != ctx.environment:
        frames.append(
            make_findings(
                "credentials", BLOQUEIO, field="environment", value=ch.environment, expected=ctx.environment,
                message=f"O canal {ch.name} está configurado para o ambiente '{ch.environment}', mas o go-live é "
                f"de '{ctx.environment}'",
            )
        )  # fmt: skip
    if ctx.environment == "production" and ch.base_url and LOCAL_HOSTS.match(ch.base_url):
        frames.append(
            make_findings(
                "credentials", BLOQUEIO, field="base_url", value=ch.base_url, expected="host de produção do canal",
                message=f"O canal {ch.name} aponta para um endereço local ({ch.base_url}) num go-live de produção",
            )
        )  # fmt: skip
    report = ctx.get_connector().test_connection()
    if not getattr(report, "ok", False):
        frames.append(
            make_findings(
                "credentials", BLOQUEIO, field="credentials", value="falhou", expected="conexão aceita",
                message=f"Teste de conexão com {ch.name} ({ch.environment}) falhou: {getattr(report, 'message', '')}",
            )
        )  # fmt: skip
    missing = list(getattr(report, "missing_permissions", None) or [])
    if not getattr(report, "ok", False):  # "credentials"/"access" only restate the failed connection
        missing = [m for m in missing if m not in ("credentials", "access")]
    if missing:
        frames.append(
            make_findings(
                "credentials", BLOQUEIO, field="permissions", value=", ".join(missing), expected="todas as permissões",
                message=f"Faltam permissões nas credenciais de {ch.name}: " + ", ".join(missing),
            )
        )  # fmt: skip
    if getattr(report, "ok", False) and not missing:
        frames.append(
            make_findings(
                "credentials", INFO, field="credentials", value="ok", expected="conexão aceita",
                message=f"Conexão com {ch.name} ({ch.environment}) testada com sucesso",
            )
        )  # fmt: skip
    return concat_findings(frames)


# --------------------------------------------------------------------------- other ERP
@register_check("other_erp")
def check_other_erp(ctx: GoliveContext) -> pd.DataFrame:
    """Another ERP or integrator on the channel: evidence from the API, else a checklist item.

    Connector hook (optional): ``connector.integration_evidence()`` returns
    ``None`` when the channel cannot tell, or an iterable of dicts (or a
    DataFrame) with ``message`` and optionally ``severity`` (default
    ``bloqueio``), ``sku``, ``field``, ``value``, ``expected``: e.g. a VTEX
    orders hook configured for another app key, Mercado Livre application
    grants of another app, listings last changed by another application. An
    empty result means the channel was asked and showed no other integration.
    Unless the connector declares ``integration_evidence_conclusive`` (it sees
    every integration of the account), the consultant must also confirm
    checklist item ``other_erp`` (recorded with who and when); unconfirmed it is
    a blocker.
    """
    evidence = None
    conclusive = False
    if ctx.channel is not None:
        try:
            conn = ctx.get_connector()
        except Exception:  # noqa: BLE001 - the credentials check reports connector problems
            conn = None
        hook = getattr(conn, "integration_evidence", None)
        if callable(hook):
            evidence = hook()
        # Evidence is conclusive only where the channel can see every integration;
        # otherwise what it shows is added and the checklist item still applies.
        conclusive = bool(getattr(conn, "integration_evidence_conclusive", False))
    frames = []
    if evidence is not None:
        rows = evidence if isinstance(evidence, pd.DataFrame) else pd.DataFrame(list(evidence))
        for rec in rows.to_dict("records"):
            frames.append(
                make_findings(
                    "other_erp", rec.get("severity", BLOQUEIO), sku=rec.get("sku", ""),
                    field=rec.get("field", "integration"), value=rec.get("value", ""),
                    expected=rec.get("expected", "nenhuma outra integração ativa"), message=rec.get("message", ""),
                )
            )  # fmt: skip
        if frames and not conclusive:
            return concat_findings([*frames, _other_erp_checklist(ctx)])
        if frames:
            return concat_findings(frames)
        if conclusive:
            return make_findings(
                "other_erp", INFO, field="integration", value="nenhuma", expected="nenhuma outra integração ativa",
                message="O canal não mostra nenhuma outra integração ativa (evidência do conector)",
            )  # fmt: skip
    return _other_erp_checklist(ctx)


def _other_erp_checklist(ctx: GoliveContext) -> pd.DataFrame:
    """The consultant's explicit answer to checklist item ``other_erp``."""
    answer = ctx.confirmed(OTHER_ERP_ITEM)
    if answer:
        return make_findings(
            "other_erp", INFO, field=f"checklist.{OTHER_ERP_ITEM}", value="confirmado",
            expected="confirmação do consultor",
            message=f"Confirmado por {answer.get('by', '?')} em {answer.get('at', '?')}: nenhum outro ERP ou "
            "integrador atualiza este canal",
        )  # fmt: skip
    sev = AVISO if ctx.offline else BLOQUEIO
    return make_findings(
        "other_erp", sev, field=f"checklist.{OTHER_ERP_ITEM}", value="não confirmado",
        expected="confirmação do consultor",
        message="Confirme que nenhum outro ERP ou integrador atualiza estoque/preço/pedidos deste canal "
        "(kit check golive ... --confirm other_erp --by \"Nome\")",
    )  # fmt: skip


# --------------------------------------------------------------------------- capacity
def capacity_plan(ctx: GoliveContext) -> pd.DataFrame:
    """One row per job and scenario (``agora`` / ``pico``): see :mod:`kit.golive.capacity`."""
    if "capacity" in ctx.cache:
        return ctx.cache["capacity"]
    from kit.channels import DEFAULT_JOBS
    from kit.golive.capacity import plan_job

    t = ctx.channel_type
    rate = ctx.channel.rate_limit() if ctx.channel else t.rate_limit
    catalog = int(keyed(ctx, "erp").shape[0])
    rows = []
    for job in ("products", "stock", "prices", "orders", "status"):
        if ctx.channel and job in ctx.channel.jobs:
            cfg = ctx.channel.jobs[job]
            if not cfg.enabled:
                continue
            interval, batch = cfg.interval_min, cfg.batch_size
        else:
            interval, batch = DEFAULT_JOBS[job][0], min(DEFAULT_JOBS[job][1], t.batch_limit(job))
        if job in ("orders", "status"):
            per_hour, cap = ctx.capacity.orders_per_hour, None
        else:
            per_hour, cap = catalog * ctx.capacity.change_rates.get(job, 0.0), catalog
        job_rate = t.rate_limits.get("orders_read", rate) if job == "orders" else rate
        for scenario, mult, reads in _scenarios(ctx, job):
            plan = plan_job(
                job, items_per_hour=per_hour * mult, interval_min=interval, batch_size=batch,
                per_request=t.per_request(job), rate_per_second=job_rate.per_second, cap_items=cap,
                max_batch=t.batch_limit(job), interval_floor=t.interval_floor(job), scenario=scenario, reads=reads,
            )  # fmt: skip
            rows.append(plan.to_dict())
    df = pd.DataFrame(rows)
    ctx.cache["capacity"] = df
    return df


def _scenarios(ctx: GoliveContext, job: str) -> list[tuple[str, float, tuple[int, int]]]:
    """``(scenario, multiplier, reads)``: now and at peak, and for a job that reads the listings
    incrementally, the run that does the daily full read (:func:`kit.golive.capacity.listing_reads`)."""
    from kit.golive.capacity import listing_reads

    peak = ctx.tolerances.peak_multiplier
    lr = ctx.channel_type.listing_reads
    if job != "products" or lr is None:
        return [("agora", 1.0, (0, 0)), ("pico", peak, (0, 0))]
    listings = int(len(ctx.store)) if ctx.store is not None else int(keyed(ctx, "erp").shape[0])
    reads = listing_reads(listings, lr.ids_per_page, lr.per_listing, incremental=lr.incremental)
    out = [("agora", 1.0, reads), ("pico", peak, reads)]
    if lr.incremental:
        out.append(("leitura_completa", 1.0, listing_reads(listings, lr.ids_per_page, lr.per_listing,
                                                           incremental=False)))  # fmt: skip
    return out


_SCENARIO_PT = {"agora": "hoje", "leitura_completa": "na leitura completa diária dos anúncios"}


@register_check("capacity")
def check_capacity(ctx: GoliveContext) -> pd.DataFrame:
    """Each job must finish inside its interval now (blocker) and at peak (warning)."""
    plan = capacity_plan(ctx)
    frames = []
    for rec in plan.to_dict("records"):
        fix = []
        if rec["min_interval_min"]:
            fix.append(f"intervalo mínimo {rec['min_interval_min']} min")
        if rec["min_batch_size"]:
            fix.append(f"lote mínimo {rec['min_batch_size']}")
        fix_text = "; ".join(fix) if fix else "nenhum intervalo ou lote resolve: reduza o volume ou peça limite maior"
        scen = _SCENARIO_PT.get(rec["scenario"]) or f"no pico (x{ctx.tolerances.peak_multiplier:g})"
        reads = f" ({rec['read_requests']} de leitura)" if rec.get("read_requests") else ""
        if rec["fits"]:
            sev = INFO
            msg = (
                f"Job {rec['job']} {scen}: {rec['items_per_run']} itens em {rec['requests_per_run']} requisições"
                f"{reads} levam {rec['run_seconds']:.0f} s de {rec['interval_min'] * 60} s ({rec['utilisation']:.0%})"
            )
        else:
            sev = BLOQUEIO if rec["scenario"] == "agora" else AVISO
            msg = (
                f"Job {rec['job']} não cabe no intervalo {scen}: {rec['items_per_run']} itens{reads} levam "
                f"{rec['run_seconds']:.0f} s, o intervalo é {rec['interval_min']} min; {fix_text}"
            )
        frames.append(
            make_findings(
                "capacity", sev, field=f"capacity.{rec['job']}.{rec['scenario']}",
                value=f"{rec['run_seconds']:.0f} s", expected=f"<= {rec['interval_min'] * 60} s", message=msg,
            )
        )  # fmt: skip
    return concat_findings(frames)


# --------------------------------------------------------------------------- first sync
def first_sync_preview(ctx: GoliveContext) -> dict[str, Any]:
    """What switching on would change on the channel (ERP values pushed over the store's).

    Returns:
        ``{"stock_updates", "price_updates", "to_zero", "price_drops", "to_create",
        "cannot_create", "product_updates"}``: counts and DataFrames (``to_zero``:
        listings whose stock would go to zero; ``price_drops``: price decreases
        sorted by drop %, largest first, with ``drop_pct``; ``to_create`` /
        ``cannot_create``: ERP SKUs without a listing the products job would
        create / cannot create, with the reason; ``product_updates``: listings whose
        content the products job would update).
    """
    if "preview" in ctx.cache:
        return ctx.cache["preview"]
    m = matched(ctx)
    stock_change = m["stock_erp"].notna() & (m["stock_erp"] != m["stock_store"])
    price_change = m["price_erp"].notna() & ((m["price_erp"] - m["price_store"]).abs() > 0.005)
    to_zero = m[(m["stock_erp"] <= 0) & (m["stock_store"] > 0)][["sku", "channel_id", "stock_store", "stock_erp"]]
    drops = m[price_change & (m["price_erp"] < m["price_store"]) & (m["price_store"] > 0)]
    drops = drops.assign(drop_pct=(drops["price_store"] - drops["price_erp"]) / drops["price_store"] * 100)
    drops = drops.sort_values("drop_pct", ascending=False, kind="stable")[
        ["sku", "channel_id", "price_store", "price_erp", "drop_pct"]
    ].reset_index(drop=True)
    preview = {
        "stock_updates": int(stock_change.sum()),
        "price_updates": int(price_change.sum()),
        "to_zero": to_zero.reset_index(drop=True),
        "price_drops": drops,
        **_creation_preview(ctx),
    }
    ctx.cache["preview"] = preview
    return preview


def _creation_preview(ctx: GoliveContext) -> dict[str, Any]:
    from kit.golive.creation import creation_plan

    k = keys(ctx)
    in_store = np.zeros(k["n_sku"], dtype=bool)
    in_store[k["store"].sku[k["store"].keyed]] = True
    erp = keyed(ctx, "erp")
    missing = erp[~in_store[k["erp"].sku[k["erp"].keyed]]]
    plan = creation_plan(ctx, list(missing["sku"]))
    cls_update = _can_update(ctx)
    can = plan["can_create"].to_numpy(dtype=bool)
    return {
        "to_create": plan.loc[can, ["sku"]].reset_index(drop=True),
        "cannot_create": plan.loc[~can, ["sku", "reason"]].reset_index(drop=True),
        "product_updates": int(len(matched(ctx))) if cls_update else 0,
    }


def _can_update(ctx: GoliveContext) -> bool:
    from kit.connectors import connector_class

    return bool(connector_class(ctx.channel_type.name).publish_update)


@register_check("first_sync")
def check_first_sync(ctx: GoliveContext) -> pd.DataFrame:
    """Counts of the first sync's changes; price drops over the guard are blockers until confirmed."""
    pv = first_sync_preview(ctx)
    guard = ctx.tolerances.price_guard_pct
    frames = [
        make_findings(
            "first_sync", INFO, field="preview", value=[str(pv["stock_updates"]), str(pv["price_updates"]),
                                                        str(len(pv["to_zero"]))],
            expected="", message=[
                f"A primeira sincronização enviará {pv['stock_updates']} atualizações de estoque",
                f"A primeira sincronização enviará {pv['price_updates']} atualizações de preço",
                f"{len(pv['to_zero'])} anúncios ficarão com estoque zero",
            ],
        ),
        make_findings(
            "first_sync", INFO, field="preview.products",
            value=[str(len(pv["to_create"])), str(pv["product_updates"]), str(len(pv["cannot_create"]))],
            expected="", message=[
                f"A sincronização de produtos criará {len(pv['to_create'])} anúncios",
                f"A sincronização de produtos atualizará até {pv['product_updates']} anúncios "
                "(só os que mudaram no ERP)",
                f"{len(pv['cannot_create'])} SKUs do sortimento sem anúncio não podem ser criados "
                "(motivos na verificação de cobertura de SKUs)",
            ],
        ),
    ]  # fmt: skip
    big = pv["price_drops"][pv["price_drops"]["drop_pct"] > guard]
    if len(big):
        items = big["sku"].map(price_drop_item)
        confirmed = items.map(lambda i: ctx.confirmed(i) is not None).to_numpy(dtype=bool)
        sev = np.where(confirmed, INFO, BLOQUEIO)
        note = np.where(confirmed, " (confirmado)", "; confirme com --confirm price_drop:SKU se estiver correto")
        frames.append(
            make_findings(
                "first_sync", sev, sku=big["sku"], field="price", value=big["price_erp"].round(2),
                expected=f"queda de no máximo {guard:g}%",
                message="O preço cairá " + big["drop_pct"].round(1).astype("str") + "% (de R$ "
                + big["price_store"].round(2).astype("str") + " para R$ " + big["price_erp"].round(2).astype("str")
                + ")" + note,
            )
        )  # fmt: skip
    return concat_findings(frames)
