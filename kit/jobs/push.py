"""``stock`` and ``prices``: push what changed since the last successful push.

Delta: the per-SKU value last *applied* by the channel is kept in the state
store (kinds ``stock`` and ``price``). A SKU is sent when its ERP value differs
from that snapshot (or always with ``full``). The snapshot moves only for the
items the channel applied, so a failed item is retried on the next run, and a
re-run with no ERP change sends nothing at all.

Stock sent = available − reserved − safety stock, never below zero.

Price guard: a price that drops more than ``price_guard_pct`` % below the last
price sent (or, on the first run, the channel's current price) is *held*: not
sent, listed in the report and in ``price_hold`` until someone approves it
(``kit sync prices --approve SKU`` / :func:`approve_prices`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from kit.errors import ConfigurationError, InputDataError
from kit.jobs.core import JobContext, batched, item_results, iter_rows, register_job
from kit.jobs.sku_binding import bind_skus, binds_by_sku

__all__ = ["stock_quantities", "guard_drop_pct", "ensure_bindings", "approve_prices", "BINDING_MAX_AGE_S"]

BINDING_MAX_AGE_S = 24 * 3600  # refresh the listing table at least daily when SKUs are unknown
_MISS = "binding_miss"


def stock_quantities(frame: Any, *, safety_stock: int = 0, warehouse: str | None = None) -> dict[str, int]:
    """``sku -> quantity to publish`` from a canonical ``stock`` frame.

    Rows of one SKU (several warehouses) are summed, unless ``warehouse``
    selects one. Quantity = available − reserved − safety stock, floored at 0.
    """
    rows = list(iter_rows(frame))
    if warehouse and "warehouse" in frame.columns:
        rows = [r for r in rows if str(r.get("warehouse") or "") == str(warehouse)]
    totals: dict[str, float] = {}
    for r in rows:
        sku = str(r["sku"]).strip()
        if not sku:
            continue
        available = r.get("available")
        if available is None:
            raise InputDataError(
                f"SKU {sku} has no available quantity",
                file=_source(frame),
                row=r.get("_row"),
                column="available",
                hint="fill the column or remove the row",
            )
        totals[sku] = totals.get(sku, 0.0) + float(available) - float(r.get("reserved") or 0)
    return {sku: max(0, math.floor(v - safety_stock)) for sku, v in totals.items()}


def guard_drop_pct(reference: float | None, new: float) -> float | None:
    """How much ``new`` is below ``reference``, in percent (None without reference)."""
    if not reference or reference <= 0:
        return None
    return round((reference - new) / reference * 100.0, 2)


def _source(frame: Any) -> str | None:
    return (getattr(frame, "attrs", {}) or {}).get("source", {}).get("file")


def ensure_bindings(ctx: JobContext, skus: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The SKU binding table, refreshed from ``list_listings()`` when needed.

    A refresh happens on ``full`` runs, on the first run, and when a SKU to send
    is unknown and was not already missing from the last refresh (or that
    refresh is older than :data:`BINDING_MAX_AGE_S`).
    """
    if binds_by_sku(ctx.connector):  # no listing read (EZ Commerce): bound by the ERP SKU
        return bind_skus(ctx, skus)
    state = ctx.state
    bindings = state.bindings()
    refreshed = state.bindings_refreshed_at()
    unknown = [s for s in skus if s not in bindings]
    misses = ctx.ws.states.get_all(ctx.name, _MISS) if unknown else {}
    stale = refreshed is None or time.time() - refreshed > BINDING_MAX_AGE_S
    if ctx.full or refreshed is None or (unknown and (stale or any(s not in misses for s in unknown))):
        listings = ctx.connector.list_listings()
        n = state.replace_bindings(iter_rows(listings))
        bindings = state.bindings()
        ctx.summary.note(f"Tabela de vínculos SKU ↔ anúncio atualizada: {n} anúncios no canal.")
        still = [s for s in skus if s not in bindings]
        now = time.time()
        ctx.ws.states.put_many(ctx.name, _MISS, [(s, now) for s in still])
    return bindings


def _push(
    ctx: JobContext,
    *,
    kind: str,
    wanted: dict[str, Any],
    send: Callable[[list[Any]], Any],
    make_item: Callable[[str, Any, dict[str, Any]], Any],
    label: str,
) -> None:
    summary = ctx.summary
    last = ctx.ws.states.get_all(ctx.name, kind)
    changed = sorted(s for s, v in wanted.items() if ctx.full or last.get(s) != v)
    unchanged = len(wanted) - len(changed)
    summary.skipped += unchanged  # unchanged SKUs: counted, not listed one by one
    if not changed:
        summary.note(f"Nenhuma alteração de {label} desde o último envio: nada a enviar.")
        return
    bindings = ensure_bindings(ctx, changed)
    to_send: list[str] = []
    for sku in changed:
        if sku in bindings:
            to_send.append(sku)
        else:
            summary.add("skipped", sku, "SKU sem anúncio no canal (não encontrado em list_listings)")
    # Variations of one listing side by side: channels that write a listing at once get one request.
    to_send.sort(key=lambda s: (str(bindings[s][0].get("channel_id") or ""), s))
    if ctx.max_items and len(to_send) > ctx.max_items:
        for sku in to_send[ctx.max_items :]:
            summary.add("skipped", sku, f"limite max_items={ctx.max_items}: fica para a próxima execução")
        to_send = to_send[: ctx.max_items]
    if ctx.dry_run:
        for sku in to_send:
            summary.add("skipped", sku, f"simulação: enviaria {wanted[sku]}")
        summary.note(f"Simulação: {len(to_send)} itens seriam enviados.")
        return
    batches = list(batched(to_send, ctx.batch_size))
    bar = ctx.bar(len(to_send), label)
    for n, skus in enumerate(batches, 1):
        t0 = time.monotonic()
        items = [make_item(s, wanted[s], b) for s in skus for b in bindings[s]]
        try:
            result = send(items)
            summary.requests += 1
            outcome: dict[str, tuple[str, str]] = {}
            for sku, status, reason in item_results(result):
                prev = outcome.get(sku)
                if prev is None or prev[0] == "applied":  # any non-applied listing wins
                    outcome[sku] = (status, reason)
        except Exception as exc:  # a whole batch lost: every item failed, retried next run
            from kit.errors import KitError
            from kit.scrub import scrub

            if not isinstance(exc, KitError) and not _is_connection_error(exc):
                raise
            outcome = {s: ("failed", scrub(str(exc))) for s in skus}
        applied = []
        for sku in skus:
            status, reason = outcome.get(sku, ("failed", "o canal não devolveu resultado para este item"))
            if status == "applied":
                applied.append(sku)
                summary.add("applied", sku)
            elif status == "skipped":
                summary.add("skipped", sku, reason)
            else:
                summary.add("failed", sku, reason or "recusado pelo canal")
        # Durable before the next batch: a crash later never re-sends what was applied.
        ctx.ws.states.put_many(ctx.name, kind, [(s, wanted[s]) for s in applied])
        if kind == "price" and applied:
            ctx.state.clear_hold(applied)
        bar.update(len(skus))
        ctx.log_batch(n, len(batches), len(skus), len(applied), len(skus) - len(applied), time.monotonic() - t0)
    bar.close()


def _is_connection_error(exc: BaseException) -> bool:
    try:
        import requests
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, requests.RequestException)


def _stock_item(sku: str, qty: int, binding: dict[str, Any]) -> Any:
    from kit.jobs import adapters

    return adapters.stock_item(sku, qty, binding)


def _price_item(sku: str, value: dict[str, Any], binding: dict[str, Any]) -> Any:
    from kit.jobs import adapters

    return adapters.price_item(sku, value, binding)


@register_job("stock")
def run_stock(ctx: JobContext) -> None:
    from kit.jobs.erp import read_erp
    from kit.jobs.settings import erp_dir

    safety = ctx.params.get("safety_stock")
    safety = int(ctx.settings.get("safety_stock") or 0) if safety is None else int(safety)
    if safety < 0:
        raise ConfigurationError(f"safety stock cannot be negative, got {safety}")
    frame = read_erp(erp_dir(ctx.ws, ctx.name), "stock", ctx.name)
    wanted = stock_quantities(frame, safety_stock=safety, warehouse=ctx.settings.get("warehouse"))
    ctx.summary.extra.update({"erp_file": _source(frame), "erp_skus": len(wanted), "safety_stock": safety})
    ctx.summary.note(f"Arquivo do ERP: {_source(frame)} ({len(wanted)} SKUs; estoque de segurança {safety}).")
    _push(
        ctx,
        kind="stock",
        wanted=wanted,
        send=lambda items: ctx.connector.update_stock(items),
        make_item=_stock_item,
        label="estoque",
    )


def price_table(frame: Any, *, table: str | None = None) -> dict[str, dict[str, float | None]]:
    """``sku -> {"price", "list_price"}`` from a canonical ``prices`` frame."""
    rows = list(iter_rows(frame))
    if "price_table" in frame.columns:
        tables = sorted({str(r["price_table"]) for r in rows if r.get("price_table") is not None})
        if table:
            rows = [r for r in rows if str(r.get("price_table") or "") == str(table)]
        elif len(tables) > 1:
            raise ConfigurationError(
                f"the ERP price file has several price tables ({', '.join(tables)})",
                hint="choose one for this channel: kit sync config --channel NAME price_table=TABLE",
            )
    out: dict[str, dict[str, float | None]] = {}
    first_row: dict[str, Any] = {}
    for r in rows:
        sku = str(r["sku"]).strip()
        price = r.get("price")
        if price is None:
            raise InputDataError(f"SKU {sku} has no price", file=_source(frame), row=r.get("_row"), column="price")
        lp = r.get("list_price")
        value = {"price": round(float(price), 2), "list_price": None if lp is None else round(float(lp), 2)}
        if sku in out and out[sku] != value:
            raise InputDataError(
                f"SKU {sku} has two different prices (rows {first_row[sku]} and {r.get('_row')})",
                file=_source(frame),
                row=r.get("_row"),
                column="price",
                hint="keep one row per SKU (and price table)",
            )
        out[sku] = value
        first_row.setdefault(sku, r.get("_row"))
    return out


@register_job("prices")
def run_prices(ctx: JobContext) -> None:
    from kit.jobs.erp import read_erp
    from kit.jobs.settings import erp_dir

    frame = read_erp(erp_dir(ctx.ws, ctx.name), "prices", ctx.name)
    wanted = price_table(frame, table=ctx.settings.get("price_table"))
    guard = float(ctx.params.get("price_guard_pct") or ctx.settings.get("price_guard_pct") or 30.0)
    ctx.summary.extra.update({"erp_file": _source(frame), "erp_skus": len(wanted), "price_guard_pct": guard})
    ctx.summary.note(f"Arquivo do ERP: {_source(frame)} ({len(wanted)} SKUs; trava de preço {guard:g} %).")
    last = ctx.ws.states.get_all(ctx.name, "price")
    changed = [s for s, v in wanted.items() if ctx.full or last.get(s) != v]
    invalid = [s for s in changed if not wanted[s]["price"] or wanted[s]["price"] <= 0]
    for sku in invalid:
        ctx.summary.add("failed", sku, f"preço inválido no ERP: {wanted[sku]['price']}")
    bindings = ensure_bindings(ctx, [s for s in changed if s not in invalid]) if changed else {}
    approved = ctx.state.approved_prices()
    held = []
    for sku in changed:
        if sku in invalid:
            continue
        new = wanted[sku]["price"]
        ref = (last.get(sku) or {}).get("price")
        if ref is None:
            current = [b.get("price") for b in bindings.get(sku, []) if b.get("price")]
            ref = max(current) if current else None
        drop = guard_drop_pct(ref, new)
        if drop is not None and drop > guard and approved.get(sku) != new:
            ctx.state.hold_price(sku, ref, new, drop)
            ctx.summary.add("held", sku, f"queda de {drop:.1f} % (de {ref:.2f} para {new:.2f}) acima da trava")
            held.append(sku)
    if held:
        ctx.summary.note(
            f"{len(held)} preços retidos pela trava de queda (> {guard:g} %): revise e aprove com "
            f"'kit sync prices --channel {ctx.name} --approve SKU'."
        )
    send_wanted = {s: v for s, v in wanted.items() if s not in held and s not in invalid}
    # The guard already consumed these SKUs: keep them out of the unchanged count too.
    _push(
        ctx,
        kind="price",
        wanted=send_wanted,
        send=lambda items: ctx.connector.update_prices(items),
        make_item=_price_item,
        label="preços",
    )


def approve_prices(ws: Any, channel: str, skus: list[str] | None = None, *, reject: bool = False) -> int:
    """Approve (or reject) held prices; approved ones go out on the next run."""
    from kit.jobs.state import JobState

    return JobState(ws, channel).decide_holds(skus, "rejected" if reject else "approved")
