"""The go-live checks of the first runs: can each job keep up (capacity), and what the first sync would do.

Registered in this order: ``capacity``, ``first_sync``. :func:`capacity_plan` and
:func:`first_sync_preview` also feed the go-live report.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kit.golive.context import GoliveContext
from kit.golive.findings import AVISO, BLOQUEIO, INFO, concat_findings, make_findings
from kit.golive.keys import keyed, keys, matched
from kit.golive.registry import register_check

__all__ = ["capacity_plan", "first_sync_preview", "price_drop_item"]


def price_drop_item(sku: str) -> str:
    """The checklist item that confirms a large first-sync price drop of ``sku``."""
    return f"price_drop:{sku}"


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
    # an unlimited-stock listing is held by the stock job (never written), so switching on changes nothing there
    stock_change = m["stock_erp"].notna() & (m["stock_erp"] != m["stock_store"]) & ~m["unlimited_store"]
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
    gone = ~in_store[k["erp"].sku[k["erp"].keyed]]
    missing = erp[gone]
    plan = creation_plan(ctx, list(missing["sku"]), k["erp"].keyed[gone])
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
