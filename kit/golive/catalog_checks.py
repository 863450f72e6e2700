"""The go-live checks of the catalogue: SKU coverage, duplicates, validity, required fields, divergences.

Registered in this order: ``sku_coverage``, ``duplicates``, ``validity``,
``required_fields``, ``divergences``. They work on whole columns (the keys of
:mod:`kit.golive.keys`); EAN/NCM are validated on code points
(:mod:`kit.golive.codes`); messages are built only for the rows that become
findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kit.golive.codes import (
    as_objects,
    duplicated_text,
    ean_valid_mask,
    ncm_valid_mask,
    text_lengths,
)
from kit.golive.context import GoliveContext
from kit.golive.findings import AVISO, BLOQUEIO, INFO, concat_findings, empty_findings, make_findings
from kit.golive.keys import IN_SIDE, OF_SIDE, _blank_text, _frame, _rowref, keyed, keys, matched
from kit.golive.registry import register_check
from kit.golive.requirements import requirements_for
from kit.golive.scopes import FOLDED_ATTR, WAREHOUSE_CONFLICTS_ATTR, WAREHOUSE_FOLDED_ATTR
from kit.skucode import code_keys, how_written

__all__ = ["TITLE_SUGGESTION_MIN_SCORE", "FUZZY_MAX_CELLS"]

# A title suggestion is only offered when the titles are near-identical.
TITLE_SUGGESTION_MIN_SCORE = 95
# Largest unmatched-ERP x unmatched-store grid scored for title suggestions.
FUZZY_MAX_CELLS = 25_000_000


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
    blank = np.nonzero(k["store"].sku_blank)[0]  # listings without a SKU: an ERP product may be one of them
    frames = [_listings_without_sku(ctx, blank, only["erp"])]
    for side, other in (("erp", "store"), ("store", "erp")):
        rows = _frame(ctx, side).iloc[only[side]]
        if rows.empty:
            continue
        unkeyed = blank if side == "erp" else blank[:0]
        suggestion, how = _suggest(ctx, side, only[side], other, np.concatenate([only[other], unkeyed]), unkeyed)
        has = suggestion != ""
        where = "na loja" if side == "erp" else "no ERP"
        expected = np.where(has, suggestion + " (" + how + ")", f"SKU presente {where}")
        base = f"SKU {OF_SIDE[side]} não existe {where}"
        if side == "erp":
            sev, tail = _to_create(ctx, rows, only[side], has, suggestion, how)
        else:
            sev = np.full(len(rows), BLOQUEIO, dtype=object)
            tail = np.where(
                has,
                ": parece ser o SKU " + suggestion + " do ERP (" + how + "); corrija o SKU de um dos lados",
                ": o ERP não controlará o estoque deste anúncio (risco de vender sem estoque)",
            )
        if side == "store":  # a listing whose SKU is an ERP parent code groups variations: nothing to control
            parent = rows["sku"].isin(set(ctx.erp_all["parent_sku"]) - {""}).to_numpy() & ~has
            sev = np.where(parent, INFO, sev)
            expected = np.where(parent, "código pai no ERP", expected)
            base = np.where(parent, "Anúncio pai de variações na loja", base)
            tail = np.where(
                parent, ": o SKU é o código pai de variações no ERP (não tem estoque próprio); cada variação é "
                "verificada pelo seu SKU", tail,
            )  # fmt: skip
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


def _to_create(
    ctx: GoliveContext, rows: pd.DataFrame, positions: np.ndarray, has: np.ndarray, suggestion: np.ndarray,
    how: np.ndarray,
):  # fmt: skip
    """Severity and message tail of ERP SKUs without a listing (``rows``, at ``positions`` of ``ctx.erp``):
    "a criar", or why they cannot be created.

    A SKU the store seems to hold under another SKU is a blocker (a duplicate listing otherwise). The
    others are "a criar" (info, in the first-sync preview) when the products job can create them; when
    it cannot, a blocker if the channel has an assortment (the company said the SKU belongs there),
    else a warning as before assortments existed.
    """
    from kit.golive.creation import creation_plan

    plan = creation_plan(ctx, list(rows["sku"]), positions)
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


def _listings_without_sku(ctx: GoliveContext, blank: np.ndarray, erp_only: np.ndarray) -> pd.DataFrame:
    """Store listings without a SKU (common on marketplaces, listings made by hand): the ERP cannot control
    their stock; the ERP product each seems to be (same EAN, near-identical title) is named."""
    if not blank.size:
        return empty_findings()
    rows = _frame(ctx, "store").iloc[blank]
    suggestion, how = _suggest(ctx, "store", blank, "erp", erp_only)
    has = suggestion != ""
    listing = _listing_labels(rows)
    return make_findings(
        "sku_coverage", BLOQUEIO, field="store.sku", value=listing,
        expected=np.where(has, suggestion + " (" + how + ")", "SKU do vendedor preenchido"),
        message="Anúncio sem SKU na loja (" + listing + ", linha " + _rowref(rows).to_numpy() + "): o ERP não "
        "controlará o estoque deste anúncio" + np.where(
            has, "; parece ser o SKU " + suggestion + " do ERP (" + how + "): preencha-o como SKU do vendedor "
            "no anúncio, senão a sincronização de produtos criará outro anúncio",
            "; preencha no anúncio o SKU do vendedor (o código do ERP) ou pause-o no canal",
        ),
    )  # fmt: skip


def _listing_labels(rows: pd.DataFrame) -> np.ndarray:
    """How a person finds a listing without a SKU: its channel id, else its row."""
    cid = rows["channel_id"].to_numpy(dtype=object) if "channel_id" in rows.columns else np.full(len(rows), "")
    return np.where(cid != "", "anúncio " + cid.astype(object), "sem id do anúncio").astype(object)


def _suggest(
    ctx: GoliveContext,
    side: str,
    rows: np.ndarray,
    other: str,
    other_only: np.ndarray,
    unkeyed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For each row (positions), a SKU of the other side with the same EAN, else the same code written
    another way (leading zeros an export through Excel dropped, case, separators), else a near-identical
    title. ``unkeyed``: rows of the other side without a SKU that may be suggested too (by EAN or title),
    named by their listing ("vazio no anúncio MLB1")."""
    k = keys(ctx)
    me, ot = k[side], k[other]
    df, odf = _frame(ctx, side), _frame(ctx, other)
    n = len(rows)
    suggestion = np.full(n, "", dtype=object)
    how = np.full(n, "", dtype=object)
    pool = ot.keyed if unkeyed is None or not unkeyed.size else np.concatenate([ot.keyed, unkeyed])
    with_ean = pool[~ot.ean_blank[pool]]
    first_by_ean = np.full(k["n_ean"], -1, dtype=np.int64)
    first_by_ean[ot.ean[with_ean][::-1]] = with_ean[::-1]  # the last write wins: each EAN's first row
    j = np.where(me.ean_blank[rows], -1, first_by_ean[me.ean[rows]])
    hit = j >= 0
    other_sku = odf["sku"].to_numpy().copy()
    if unkeyed is not None and unkeyed.size:
        other_sku[unkeyed] = "vazio no " + _listing_labels(odf.iloc[unkeyed])
    suggestion[hit] = other_sku[j[hit]]
    how[hit] = "mesmo EAN " + df["ean"].to_numpy()[rows[hit]].astype(object)
    # Rows already suggested are not offered again.
    claimed = np.zeros(len(odf), dtype=bool)
    claimed[j[hit]] = True
    todo = np.nonzero(~hit)[0]
    if todo.size:
        found, at = _same_code(df["sku"].to_numpy()[rows[todo]], other_sku, other_only[~claimed[other_only]])
        suggestion[todo[found]] = other_sku[at]
        mine = df["sku"].to_numpy()[rows[todo[found]]]
        how[todo[found]] = [how_written(a, b) for a, b in zip(mine, other_sku[at], strict=True)]
        claimed[at] = True
        todo = todo[~found]
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


def _same_code(mine: np.ndarray, other_sku: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``mine`` is a candidate row's SKU written another way: a mask over ``mine`` and, for those,
    the candidate rows. A key two candidates share suggests neither (the person would have to choose)."""
    if not candidates.size:
        return np.zeros(len(mine), dtype=bool), np.zeros(0, dtype=np.int64)
    keys_other = pd.Series(code_keys(other_sku[candidates]))
    unique = keys_other[(keys_other != "") & ~keys_other.duplicated(keep=False)]
    row_of = pd.Series(candidates[unique.index.to_numpy()], index=unique.to_numpy())
    at = pd.Series(code_keys(mine)).map(row_of)
    found = at.notna().to_numpy()
    return found, at[found].to_numpy(dtype=np.int64)


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
        if df.attrs.get(FOLDED_ATTR):
            frames.append(
                make_findings(
                    "duplicates", INFO, field=f"{side}.scope", value=str(df.attrs[FOLDED_ATTR]),
                    message=f"{df.attrs[FOLDED_ATTR]} linha(s) de visões de loja {here} não contadas: repetem o "
                    "SKU da linha padrão com o que a visão muda (nome traduzido, outro preço); a verificação "
                    "compara a linha padrão",
                )
            )  # fmt: skip
        frames.append(_warehouse_folding(df, here, side))
        counts = np.bincount(sk.sku[~sk.sku_blank], minlength=k["n_sku"])
        dup_rows = np.nonzero(~sk.sku_blank & (counts[sk.sku] > 1))[0]
        if dup_rows.size:
            dup = df.iloc[dup_rows]
            count = pd.Series(counts[sk.sku[dup_rows]]).astype("str").to_numpy()
            conflicts = df.attrs.get(WAREHOUSE_CONFLICTS_ATTR) or {}
            why = np.array([_conflict_text(conflicts.get(s)) for s in dup["sku"].to_numpy()], dtype=object)
            frames.append(
                make_findings(
                    "duplicates", BLOQUEIO, sku=dup["sku"], field=f"{side}.sku", value=dup["sku"],
                    expected="SKU único",
                    message="SKU repetido " + here + ": aparece " + count + " vezes (linha "
                    + _rowref(dup).to_numpy() + ")" + why,
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


def _warehouse_folding(df: pd.DataFrame, here: str, side: str) -> pd.DataFrame:
    """Info: how many rows of one SKU per warehouse were folded into one product, and how their stock counts."""
    folded = df.attrs.get(WAREHOUSE_FOLDED_ATTR) or {}
    if not folded.get("rows"):
        return empty_findings()
    wh = folded.get("warehouse")
    stock = f"o estoque considerado é o do depósito {wh}" if wh else "o estoque é a soma dos depósitos"
    return make_findings(
        "duplicates", INFO, field=f"{side}.warehouse", value=str(folded["rows"]),
        message=f"{folded['rows']} linha(s) por depósito {here} agrupadas em {folded['skus']} SKU(s): mesmo produto "
        f"em depósitos diferentes, com os mesmos dados; {stock}, como o job de estoque envia",
    )  # fmt: skip


def _conflict_text(fields: list[str] | None) -> str:
    """Why warehouse rows of one SKU were not folded into one product (pt-BR), or ``""``."""
    if not fields:
        return ""
    from kit.connectors.publishing import FIELD_LABELS

    names = [FIELD_LABELS.get(f) or {"category": "categoria", "active": "ativo"}.get(f, f) for f in fields[:6]]
    return (
        "; linhas por depósito com dados do produto diferentes ("
        + ", ".join(names)
        + "): corrija o cadastro no ERP para que todas as linhas do SKU tenham os mesmos dados"
    )


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
    unlimited = m[m["unlimited_store"]]
    if len(unlimited):
        erp_txt = unlimited["stock_erp"].map(lambda v: "sem estoque informado" if v != v else f"{v:.0f}")
        frames.append(
            make_findings(
                "divergences", INFO, sku=unlimited["sku"], field="stock", value="ilimitado",
                expected=unlimited["stock_erp"].map(lambda v: "" if v != v else f"{v:.0f}"),
                message="Estoque ilimitado na loja (sempre disponível), ERP " + erp_txt + ": não é divergência; "
                "o job de estoque não envia quantidade a este SKU enquanto o estoque for ilimitado (retido com o "
                "motivo); desligue o estoque ilimitado no canal se o ERP deve controlá-lo",
            )
        )  # fmt: skip
    s_diff = (m["stock_store"] - m["stock_erp"]).abs()
    over_s = m[(s_diff > tol.stock_units) & m["stock_erp"].notna() & m["stock_store"].notna() & ~m["unlimited_store"]]
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
