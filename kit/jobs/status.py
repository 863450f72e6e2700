"""``status``: push invoices (NF-e key / XML) and tracking from the ERP, once each.

The ERP exports its invoiced and shipped orders (``shipments`` kind: one row per
order with ``nfe_key``, ``invoice_number``, ``tracking_code``...). Each row gives
up to two events, sent in this order because channels refuse tracking before
the invoice:

    invoice   (order, NF-e key)        -> connector.send_invoice(order, Invoice(...))
    tracking  (order, tracking code)   -> connector.send_tracking(order, Shipment(...))

``status_ledger`` keeps every event the channel accepted; an event already
there is never sent again, a refused one is retried on the next run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from kit.errors import KitError
from kit.jobs.core import JobContext, batched, iter_rows, register_job

__all__ = ["status_events"]


def _s(value: Any) -> str:
    from kit.jobs.state import _text

    return _text(value)


def status_events(frame: Any) -> list[dict[str, Any]]:
    """The (order, event, value, row) events of a ``shipments`` frame, in send order."""
    events = []
    for r in iter_rows(frame):
        order_id = _s(r.get("channel_order_id"))
        if not order_id:
            continue
        if _s(r.get("nfe_key")):
            events.append({"order_id": order_id, "event": "invoice", "value": _s(r["nfe_key"]), "row": r})
        if _s(r.get("tracking_code")):
            events.append({"order_id": order_id, "event": "tracking", "value": _s(r["tracking_code"]), "row": r})
    return events


def _xml(ctx: JobContext, folder: Path, row: dict[str, Any]) -> str | None:
    ref = _s(row.get("nfe_xml_path"))
    if not ref:
        return None
    path = Path(ref).expanduser()
    if not path.is_absolute():
        path = folder / path
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KitError(f"o XML da NF-e {path} não pôde ser lido: {exc.strerror}", file=str(path)) from None


def _send(ctx: JobContext, folder: Path, ev: dict[str, Any]) -> None:
    from kit.connectors.model import Invoice, Shipment

    r = ev["row"]
    c = ctx.connector
    if ev["event"] == "invoice":
        value = r.get("invoice_value")
        invoice = Invoice(
            nfe_key=ev["value"],
            number=_s(r.get("invoice_number")),
            series=_s(r.get("invoice_series")) or None,
            issued_at=_s(r.get("issued_at")) or None,
            value=float(value) if value is not None else None,
            xml=_xml(ctx, folder, r),
        )
        c.send_invoice(ev["order_id"], invoice)
    else:
        shipment = Shipment(
            carrier=_s(r.get("carrier")),
            code=ev["value"],
            url=_s(r.get("tracking_url")) or None,
            service=_s(r.get("service")) or None,
            invoice_number=_s(r.get("invoice_number")) or None,
        )
        c.send_tracking(ev["order_id"], shipment)


@register_job("status")
def run_status(ctx: JobContext) -> None:
    from kit.connectors.base import NotApplicable, OperationNotSupported
    from kit.jobs.erp import read_erp
    from kit.jobs.settings import erp_dir

    folder = erp_dir(ctx.ws, ctx.name)
    frame = read_erp(folder, "shipments", ctx.name)
    source = (frame.attrs.get("source") or {}).get("file")
    events = status_events(frame)
    if source and Path(source).parent != folder / ctx.name:
        # A shared export (all channels): only the orders this channel's orders job imported.
        mine = {oid for oid, _ in ctx.state.ledger_keys()}
        others = [ev for ev in events if ev["order_id"] not in mine]
        events = [ev for ev in events if ev["order_id"] in mine]
        if others:
            ctx.summary.note(
                f"{len({ev['order_id'] for ev in others})} pedidos do arquivo não vieram deste canal "
                "(não estão no livro de pedidos importados) e foram ignorados."
            )
    sent = ctx.state.status_sent()
    todo = []
    for ev in events:
        if (ev["order_id"], ev["event"], ev["value"]) in sent:
            ctx.summary.skipped += 1  # already sent: counted, not listed
        else:
            todo.append(ev)
    ctx.summary.extra.update({"erp_file": source, "events": len(events)})
    ctx.summary.note(f"Arquivo do ERP: {source} ({len(events)} eventos de NF-e/rastreio; {len(todo)} novos).")
    if ctx.max_items and len(todo) > ctx.max_items:
        for ev in todo[ctx.max_items :]:
            ctx.summary.add("skipped", f"{ev['order_id']}/{ev['event']}", "limite max_items: fica para a próxima")
        todo = todo[: ctx.max_items]
    if ctx.dry_run:
        for ev in todo:
            ctx.summary.add("skipped", f"{ev['order_id']}/{ev['event']}", f"simulação: enviaria {ev['value']}")
        return
    unsupported: set[str] = set()
    failed_invoice: set[str] = set()
    batches = list(batched(todo, ctx.batch_size))
    bar = ctx.bar(len(todo), "NF-e e rastreio")
    for n, batch in enumerate(batches, 1):
        t0 = time.monotonic()
        ok = 0
        for ev in batch:
            key = f"{ev['order_id']}/{ev['event']}"
            if ev["event"] in unsupported:
                ctx.summary.add("skipped", key, "o canal não aceita este envio pela API")
                continue
            if ev["event"] == "tracking" and ev["order_id"] in failed_invoice:
                ctx.summary.add("skipped", key, "aguardando a NF-e deste pedido ser aceita")
                continue
            try:
                _send(ctx, folder, ev)
                ctx.summary.requests += 1
            except OperationNotSupported as exc:
                unsupported.add(ev["event"])
                ctx.summary.add("skipped", key, "o canal não aceita este envio pela API")
                ctx.summary.note(f"Não suportado pelo canal: {exc.message}")
                continue
            except NotApplicable as exc:  # the channel does it itself: done, not retried
                ctx.state.record_status(ev["order_id"], ev["event"], ev["value"])
                ctx.summary.add("skipped", key, f"não se aplica: {exc.message}")
                continue
            except KitError as exc:
                if ev["event"] == "invoice":
                    failed_invoice.add(ev["order_id"])
                ctx.summary.add("failed", key, exc.message)
                continue
            ctx.state.record_status(ev["order_id"], ev["event"], ev["value"])
            ctx.summary.add("applied", key)
            ok += 1
        bar.update(len(batch))
        ctx.log_batch(n, len(batches), len(batch), ok, len(batch) - ok, time.monotonic() - t0)
    bar.close()
