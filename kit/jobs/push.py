"""``stock`` and ``prices``: push what changed since the last successful push.

Delta: the per-SKU value last *applied* by the channel is kept in the state
store (kinds ``stock`` and ``price``). A SKU is sent when its ERP value differs
from that snapshot (or always with ``full``). The snapshot moves only for the
items the channel applied, so a failed item is retried on the next run, and a
re-run with no ERP change sends nothing at all.

Stock sent = available − reserved − safety stock, never below zero. A listing whose stock is unlimited on the
channel (VTEX ``hasUnlimitedQuantity``, the binding's ``unlimited_stock``) is *held* with the reason, never written
(a write would switch "always available" off): :func:`unlimited_stock_hold`.

One bad value is one bad item: an ERP row whose quantity or price is missing,
not a number (``NaN``, ``inf``, garbage) or out of any plausible range fails
that SKU with the row named, and every other SKU is sent.

Price guard (:mod:`kit.jobs.guard`): a price that drops more than
``price_guard_pct`` % below the channel's price (what its listing shows, or
what it answers right before the write; the last price it applied from the
kit when it cannot tell) is *held*: not sent, listed in the report and in
``price_hold`` until someone approves it (``kit sync prices --approve SKU`` /
:func:`approve_prices`), on every path, ``--full`` included.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kit.connectors.model import UNLIMITED_STOCK
from kit.errors import ConfigurationError, InputDataError
from kit.jobs.core import JobContext, batched, item_results, iter_rows, register_job
from kit.jobs.guard import BAD_LISTING_KIND, REFERENCE_MAX_AGE_S, PriceGuard, valid_price
from kit.jobs.sku_binding import bind_skus, binds_by_sku

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = [
    "ErpValues",
    "erp_stock",
    "erp_prices",
    "stock_quantities",
    "guard_drop_pct",
    "ensure_bindings",
    "approve_prices",
    "BINDING_MAX_AGE_S",
    "MAX_QUANTITY",
    "unlimited_stock_hold",
]

BINDING_MAX_AGE_S = 24 * 3600  # refresh the listing table at least daily when SKUs are unknown
#: a stock quantity beyond this is a broken export (or a reader overflow), never a stock
MAX_QUANTITY = 1e9
_MISS = "binding_miss"


@dataclass(slots=True)
class ErpValues:
    """What the ERP export says per SKU: usable ``values``, and the ``bad`` SKUs with why (pt-BR)."""

    values: dict[str, Any] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)


def _number(value: Any) -> float | None:
    """``value`` as a finite number within any plausible range, or ``None``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) and abs(out) <= MAX_QUANTITY else None


def _row(r: dict[str, Any]) -> str:
    return f" (linha {r['_row']})" if r.get("_row") is not None else ""


def _shown(frame: Any, r: dict[str, Any], value: Any) -> str:
    """The bad value as people should read it: the reader's message for that row, else the value."""
    said = (getattr(frame, "attrs", {}) or {}).get("row_problems", {}).get(r.get("_row"))
    return said or ("vazio" if value is None else repr(value))


def erp_stock(frame: Any, *, safety_stock: int = 0, warehouse: str | None = None) -> ErpValues:
    """``sku -> quantity to publish`` from a canonical ``stock`` frame, and the SKUs whose rows are unusable.

    Rows of one SKU (several warehouses) are summed, unless ``warehouse``
    selects one. Quantity = available − reserved − safety stock, floored at 0.
    A row with a missing, non-numeric or absurd quantity makes its SKU bad.
    """
    rows = list(iter_rows(frame))
    if warehouse and "warehouse" in frame.columns:
        rows = [r for r in rows if str(r.get("warehouse") or "") == str(warehouse)]
    totals: dict[str, float] = {}
    out = ErpValues()
    for r in rows:
        sku = str(r["sku"]).strip()
        if not sku:
            continue
        available, reserved = _number(r.get("available")), _number(r.get("reserved") or 0)
        if available is None or reserved is None:
            column, value = ("available", r.get("available")) if available is None else ("reserved", r.get("reserved"))
            out.bad.setdefault(sku, f"quantidade inválida no ERP{_row(r)}, coluna {column}: {_shown(frame, r, value)}")
            continue
        totals[sku] = totals.get(sku, 0.0) + available - reserved
    out.values = {sku: max(0, math.floor(v - safety_stock)) for sku, v in totals.items() if sku not in out.bad}
    return out


def stock_quantities(frame: Any, *, safety_stock: int = 0, warehouse: str | None = None) -> dict[str, int]:
    """``sku -> quantity to publish`` (see :func:`erp_stock`); an unusable row is an :class:`InputDataError`."""
    found = erp_stock(frame, safety_stock=safety_stock, warehouse=warehouse)
    if found.bad:
        sku, why = next(iter(found.bad.items()))
        raise InputDataError(f"SKU {sku}: {why}", file=_source(frame), column="available")
    return found.values


def guard_drop_pct(reference: float | None, new: float) -> float | None:
    """How much ``new`` is below ``reference``, in percent (None without reference)."""
    if not reference or reference <= 0:
        return None
    return round((reference - new) / reference * 100.0, 2)


def _source(frame: Any) -> str | None:
    return (getattr(frame, "attrs", {}) or {}).get("source", {}).get("file")


def ensure_bindings(
    ctx: JobContext, skus: list[str], *, max_age_s: float | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The SKU binding table, refreshed from ``list_listings()`` when needed.

    A refresh happens on ``full`` runs, on the first run, when a SKU to send
    is unknown and was not already missing from the last refresh (or that
    refresh is older than :data:`BINDING_MAX_AGE_S`), and when the table is
    older than ``max_age_s`` (the price guard compares with listing prices).
    Listing values the channel sent that are not numbers are kept (kind
    :data:`~kit.jobs.guard.BAD_LISTING_KIND`) and reported.
    """
    if binds_by_sku(ctx.connector):  # no listing read (EZ Commerce): bound by the ERP SKU
        return bind_skus(ctx, skus)
    state = ctx.state
    bindings = state.bindings()
    refreshed = state.bindings_refreshed_at()
    unknown = [s for s in skus if s not in bindings]
    misses = ctx.ws.states.get_all(ctx.name, _MISS) if unknown else {}
    age = None if refreshed is None else time.time() - refreshed
    stale = age is None or age > BINDING_MAX_AGE_S
    too_old = max_age_s is not None and skus and (age is None or age > max_age_s)
    if ctx.full or refreshed is None or too_old or (unknown and (stale or any(s not in misses for s in unknown))):
        listings = ctx.connector.list_listings()
        n = state.replace_bindings(iter_rows(listings))
        bad = (getattr(listings, "attrs", {}) or {}).get("bad_values") or []
        ctx.ws.states.replace_kind(ctx.name, BAD_LISTING_KIND, _bad_listing_rows(bad))
        bindings = state.bindings()
        ctx.summary.note(f"Tabela de vínculos SKU ↔ anúncio atualizada: {n} anúncios no canal.")
        if bad:
            shown = "; ".join(f"{b.get('sku')} ({b.get('column')} {b.get('value')})" for b in bad[:10])
            ctx.summary.note(
                f"O canal {ctx.name} informou {len(bad)} valores inválidos em anúncios (não são números): {shown}"
                + ("; …" if len(bad) > 10 else "")
            )
        still = [s for s in skus if s not in bindings]
        now = time.time()
        ctx.ws.states.put_many(ctx.name, _MISS, [(s, now) for s in still])
    return bindings


def _bad_listing_rows(bad: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for b in bad:
        if b.get("sku"):
            rows.setdefault(str(b["sku"]), {})[str(b.get("column"))] = str(b.get("value"))
    return list(rows.items())


@dataclass(slots=True)
class _Push:
    """One push: what to send, how, and what to ask right before each batch."""

    kind: str  # state kind of the snapshot: "stock" or "price"
    wanted: dict[str, Any]
    send: Callable[[list[Any]], Any]
    make_item: Callable[[str, Any, dict[str, Any]], Any]
    label: str
    before_send: Callable[[list[str], list[Any]], dict[str, str]] | None = None  # sku -> why it is held
    hold_listing: Callable[[str, Any, dict[str, Any]], str | None] | None = None  # (sku, value, binding) -> why
    also: frozenset[str] = frozenset()  # sent even if unchanged since the last push (approved prices)


def _push(ctx: JobContext, push: _Push) -> None:
    summary, wanted = ctx.summary, push.wanted
    last = ctx.ws.states.get_all(ctx.name, push.kind)
    changed = sorted(s for s, v in wanted.items() if ctx.full or last.get(s) != v or s in push.also)
    summary.skipped += len(wanted) - len(changed)  # unchanged SKUs: counted, not listed one by one
    if not changed:
        summary.note(f"Nenhuma alteração de {push.label} desde o último envio: nada a enviar.")
        return
    bindings = ensure_bindings(ctx, changed)
    to_send: list[str] = []
    for sku in changed:
        held = _listing_hold(push, sku, bindings.get(sku) or [])
        if held:
            summary.add("held", sku, held)  # dry run and real run alike; the snapshot stays, so it is asked again
        elif sku in bindings:
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
    bar = ctx.bar(len(to_send), push.label)
    for n, skus in enumerate(batches, 1):
        t0 = time.monotonic()
        items = [push.make_item(s, wanted[s], b) for s in skus for b in bindings[s]]
        held = push.before_send(skus, items) if push.before_send else {}
        if held:
            skus = [s for s in skus if s not in held]
            items = [i for i in items if i.sku not in held]
        outcome = _send_batch(push, skus, items) if skus else {}
        applied = _account(summary, skus, outcome)
        with ctx.ws.states.transaction():  # durable before the next batch: a crash never re-sends what was applied
            ctx.ws.states.put_many(ctx.name, push.kind, [(s, wanted[s]) for s in applied])
            if push.kind == "price" and applied:
                ctx.state.clear_hold(applied)
        summary.requests += 1 if skus else 0
        _failpoint("push_after_batch")
        bar.update(len(skus) + len(held))
        ctx.log_batch(n, len(batches), len(skus), len(applied), len(skus) - len(applied), time.monotonic() - t0)
    bar.close()


def _listing_hold(push: _Push, sku: str, rows: list[dict[str, Any]]) -> str | None:
    """Why a SKU's value must not go to one of its listings (``push.hold_listing``), else ``None``."""
    if push.hold_listing is None:
        return None
    return next((why for row in rows if (why := push.hold_listing(sku, push.wanted[sku], row))), None)


def unlimited_stock_hold(sku: str, quantity: Any, binding: dict[str, Any]) -> str | None:
    """A finite quantity is never written over a listing whose stock is unlimited (VTEX ``hasUnlimitedQuantity``):
    the write would switch "always available" off. Held with what to do (pt-BR)."""
    if not binding.get(UNLIMITED_STOCK):
        return None
    return (
        f"o anúncio {binding.get('channel_id')} tem estoque ilimitado no canal (sempre disponível para venda): o "
        f"estoque do ERP ({quantity}) não foi enviado, pois desligaria o estoque ilimitado; se o ERP deve controlar "
        "este estoque, desligue o estoque ilimitado do SKU no canal e rode de novo com --full (relê os anúncios); "
        "se não, tire o SKU da exportação de estoque do ERP"
    )


def _send_batch(push: _Push, skus: list[str], items: list[Any]) -> dict[str, tuple[str, str]]:
    """``sku -> (status, reason)`` of one batch (a SKU backing several listings: any non-applied one wins)."""
    try:
        result = push.send(items)
    except Exception as exc:  # a whole batch lost: every item failed, retried next run
        from kit.errors import KitError
        from kit.scrub import scrub

        if not isinstance(exc, KitError) and not _is_connection_error(exc):
            raise
        return {s: ("failed", scrub(str(exc))) for s in skus}
    outcome: dict[str, tuple[str, str]] = {}
    for sku, status, reason in item_results(result):
        prev = outcome.get(sku)
        if prev is None or prev[0] == "applied":
            outcome[sku] = (status, reason)
    return outcome


def _account(summary: Any, skus: list[str], outcome: dict[str, tuple[str, str]]) -> list[str]:
    applied = []
    for sku in skus:
        status, reason = outcome.get(sku, ("failed", "o canal não devolveu resultado para este item"))
        if status == "applied":
            applied.append(sku)
            summary.add("applied", sku)
        elif status in ("skipped", "held"):  # held: the connector saw, right before the write, it must not go
            summary.add(status, sku, reason)
        else:
            summary.add("failed", sku, reason or "recusado pelo canal")
    return applied


def _failpoint(name: str) -> None:
    from kit.jobs.orders import failpoint

    failpoint(name)


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
        raise ConfigurationError(f"o estoque de segurança não pode ser negativo, veio {safety}")
    frame = read_erp(erp_dir(ctx.ws, ctx.name), "stock", ctx.name, per_row=("available", "reserved"))
    found = erp_stock(frame, safety_stock=safety, warehouse=ctx.settings.get("warehouse"))
    wanted = found.values
    ctx.summary.extra.update({"erp_file": _source(frame), "erp_skus": len(wanted), "safety_stock": safety})
    ctx.summary.note(f"Arquivo do ERP: {_source(frame)} ({len(wanted)} SKUs; estoque de segurança {safety}).")
    _report_bad(ctx, found)
    _push(
        ctx,
        _Push("stock", wanted, lambda items: ctx.connector.update_stock(items), _stock_item, "estoque",
              hold_listing=unlimited_stock_hold),
    )  # fmt: skip
    if ctx.summary.held:
        ctx.summary.note(
            f"{ctx.summary.held} SKU(s) com estoque ilimitado no canal não receberam a quantidade do ERP (veja o "
            "motivo de cada um)."
        )
    _uncontrolled(ctx, set(wanted) | set(found.bad))


def _uncontrolled(ctx: JobContext, in_erp: set[str]) -> None:
    """Listings whose SKU the ERP's stock export does not hold: their stock is not controlled (sold while the
    product may no longer exist), said in the report, never zeroed on a guess (the export may be partial)."""
    missing = sorted(set(ctx.state.bindings()) - in_erp)
    if not missing:
        return
    ctx.summary.extra["listings_not_in_erp"] = {"count": len(missing), "skus": missing[:NOTES_SKUS]}
    more = f" e mais {len(missing) - 5}" if len(missing) > 5 else ""
    ctx.summary.note(
        f"{len(missing)} anúncio(s) no canal com SKU fora da exportação de estoque do ERP ({', '.join(missing[:5])}"
        f"{more}): o estoque deles não é atualizado e podem vender o que não existe; inclua-os na exportação "
        "(com estoque 0 se saíram de linha) ou pause-os no canal."
    )


NOTES_SKUS = 200  # SKUs listed in a summary's extra (the count is always whole)


def _report_bad(ctx: JobContext, found: ErpValues) -> None:
    """Each unusable ERP row fails its own SKU; the others go out."""
    for sku, why in sorted(found.bad.items()):
        ctx.summary.add("failed", sku, why)
    if found.bad:
        ctx.summary.note(f"{len(found.bad)} SKUs com valor inválido no ERP não foram enviados (veja a tabela).")


def erp_prices(frame: Any, *, table: str | None = None) -> ErpValues:
    """``sku -> {"price", "list_price"}`` from a canonical ``prices`` frame, and the SKUs whose rows are unusable."""
    rows = list(iter_rows(frame))
    if "price_table" in frame.columns:
        tables = sorted({str(r["price_table"]) for r in rows if r.get("price_table") is not None})
        if table:
            rows = [r for r in rows if str(r.get("price_table") or "") == str(table)]
        elif len(tables) > 1:
            raise ConfigurationError(
                f"o arquivo de preços do ERP tem várias tabelas de preço ({', '.join(tables)})",
                hint="escolha uma para este canal: kit sync config --channel CANAL price_table=TABELA",
            )
    out = ErpValues()
    first_row: dict[str, Any] = {}
    for r in rows:
        sku = str(r["sku"]).strip()
        if not sku or sku in out.bad:
            continue
        price, lp = valid_price(r.get("price")), r.get("list_price")
        list_price = None if lp is None else valid_price(lp)
        if price is None or (lp is not None and list_price is None):
            column, value = ("price", r.get("price")) if price is None else ("list_price", lp)
            out.bad[sku] = f"preço inválido no ERP{_row(r)}, coluna {column}: {_shown(frame, r, value)}"
            out.values.pop(sku, None)
            continue
        value = {"price": round(price, 2), "list_price": None if list_price is None else round(list_price, 2)}
        if sku in out.values and out.values[sku] != value:
            raise InputDataError(
                f"o SKU {sku} tem dois preços diferentes (linhas {first_row[sku]} e {r.get('_row')})",
                file=_source(frame),
                row=r.get("_row"),
                column="price",
                hint="deixe uma linha por SKU (e tabela de preço)",
            )
        out.values[sku] = value
        first_row.setdefault(sku, r.get("_row"))
    return out


def price_table(frame: Any, *, table: str | None = None) -> dict[str, dict[str, float | None]]:
    """``sku -> {"price", "list_price"}`` (see :func:`erp_prices`); an unusable row is an :class:`InputDataError`."""
    found = erp_prices(frame, table=table)
    if found.bad:
        sku, why = next(iter(found.bad.items()))
        raise InputDataError(f"SKU {sku}: {why}", file=_source(frame), column="price")
    return found.values


@register_job("prices")
def run_prices(ctx: JobContext) -> None:
    from kit.jobs.erp import read_erp
    from kit.jobs.settings import erp_dir

    frame = read_erp(erp_dir(ctx.ws, ctx.name), "prices", ctx.name, per_row=("price", "list_price"))
    found = erp_prices(frame, table=ctx.settings.get("price_table"))
    wanted = found.values
    guard_pct = float(ctx.params.get("price_guard_pct") or ctx.settings.get("price_guard_pct") or 30.0)
    ctx.summary.extra.update({"erp_file": _source(frame), "erp_skus": len(wanted), "price_guard_pct": guard_pct})
    ctx.summary.note(f"Arquivo do ERP: {_source(frame)} ({len(wanted)} SKUs; trava de preço {guard_pct:g} %).")
    _report_bad(ctx, found)
    last = ctx.ws.states.get_all_stamped(ctx.name, "price")
    approved = ctx.state.approved_prices()
    # An approved price goes out on the next run even when the ERP has not changed since the last push.
    also = frozenset(s for s, v in wanted.items() if approved.get(s) == v["price"])
    changed = [s for s, v in wanted.items() if ctx.full or (last.get(s) or (None,))[0] != v or s in also]
    # The guard compares with the channel's price: a listing table older than a day is read again first.
    bindings = ensure_bindings(ctx, changed, max_age_s=REFERENCE_MAX_AGE_S) if changed else {}
    guard = PriceGuard(
        guard_pct,
        last,
        bindings,
        ctx.state.bindings_refreshed_at(),
        {s: v.get("price") for s, v in ctx.ws.states.get_all(ctx.name, BAD_LISTING_KIND).items() if "price" in v},
        approved,
    )
    new = {s: wanted[s]["price"] for s in changed}
    held = [s for s in changed if _hold(ctx, s, new[s], guard.hold_reason(s, new[s], guard.reference(s)))]
    reader = getattr(ctx.connector, "current_prices", None) if changed and not ctx.dry_run else None

    def before_send(skus: list[str], items: list[Any]) -> dict[str, str]:
        # A read before the write, where the connector can: the channel's price right now is the reference.
        live = guard.check_live(skus, items, reader) if callable(reader) else {}
        return {s: reason for s, hold in live.items() if (reason := _hold(ctx, s, new[s], hold))}

    send_wanted = {s: v for s, v in wanted.items() if s not in held}
    _push(
        ctx,
        _Push("price", send_wanted, lambda items: ctx.connector.update_prices(items), _price_item, "preços",
              before_send=before_send, also=also),
    )  # fmt: skip
    n_held = ctx.summary.held
    if n_held:
        ctx.summary.note(
            f"{n_held} preços retidos pela trava de queda (> {guard_pct:g} %): revise e aprove com "
            f"'kit sync prices --channel {ctx.name} --approve SKU'."
        )


def _hold(ctx: JobContext, sku: str, new: float, hold: tuple[str, float | None, float] | None) -> str | None:
    """Record a hold the guard decided (``None``: nothing to hold); returns its reason."""
    if hold is None:
        return None
    reason, reference, drop = hold
    if not ctx.dry_run:
        ctx.state.hold_price(sku, reference, new, drop)
    ctx.summary.add("held", sku, reason)
    return reason


def approve_prices(ws: Workspace, channel: str, skus: list[str] | None = None, *, reject: bool = False) -> int:
    """Approve (or reject) held prices; approved ones go out on the next run."""
    from kit.jobs.state import JobState

    return JobState(ws, channel).decide_holds(skus, "rejected" if reject else "approved")
