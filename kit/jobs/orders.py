"""``orders``: pull new and changed orders into the ERP import outbox, once each.

Order of operations for each page fetched from the channel::

    fetch page -> translate (de-para) -> write batch file (atomic) -> ledger commit
               -> quarantine unmapped (durable) -> ack the page -> save the cursor

* An order is keyed by (order id, channel update version); the ledger
  (``order_ledger``) holds every key written, and a key already there is never
  written again.
* A kill after the batch file's rename but before the ledger commit is
  repaired on the next start: :func:`reconcile` reads the outbox's batch files
  back into the ledger. A kill before the rename leaves no file (and no ack):
  the orders come again and are written then.
* Queues and feeds are acknowledged only after the batch file and the
  quarantine rows are durable; the cursor moves only after that too.
* Orders with unmapped values go to ``order_quarantine`` with the reason and
  their full payload; every run retries them, and writes each one once its
  mapping exists.
* Orders the kit cannot take as the channel sent them (no number, no lines, a
  line without its price: :func:`kit.connectors.orderchecks.order_problems`)
  are reported failed, not acknowledged, and kept in ``order_failed``: after
  the pages, each one this run did not see is re-read by id
  (``connector.get_order``) and taken like a fresh read, until it passes or a
  person dismisses it (``kit sync orders --dismiss``; a queue's copy of a
  dismissed one is acknowledged, so it stops coming back). A cursor channel shows
  an order once, so without this such an order would be lost. The quarantine
  retry runs the same checks first (an order held before they existed moves
  to the failed ones).
* A cursor never moves past now: the stored ``since`` is the newest update the
  channel actually returned (compared as instants, not as text), a date-like
  cursor in the future is clamped to now, and a stored one found in the future
  (a clock step, an old bug) is dropped so the channel's default look-back
  applies again (orders already written are skipped by the ledger).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kit.jobs.core import JobContext, register_job
from kit.jobs.order_skus import ListingSkus

if TYPE_CHECKING:
    from kit.jobs.translate import OrderTranslator
    from kit.store import Workspace

__all__ = ["reconcile", "get_cursor", "set_cursor", "failpoint", "clamp_instant"]

log = logging.getLogger("kit.jobs.orders")

MAX_PAGES_PER_RUN = 1000  # a channel that always says "more" cannot keep one run going forever
MAX_FAILED_REREADS = 100  # failed orders re-read by id per run (oldest try first): requests stay bounded
KILL_ENV = "KIT_JOBS_KILL_POINT"  # tests: "<point>:<n>" SIGKILLs this process the n-th time <point> is reached
_hits: dict[str, int] = {}


def failpoint(name: str) -> None:
    """Crash-test hook: die here (SIGKILL) when ``KIT_JOBS_KILL_POINT`` names this point."""
    spec = os.environ.get(KILL_ENV)
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def clamp_instant(value: Any, now: float | None = None) -> Any:
    """``value`` itself, unless it is a date-time after ``now``: then ``now``, written the same way.

    Opaque cursors (feed handles, scroll ids) are returned as they are.
    """
    from datetime import UTC, datetime

    from kit.jobs.core import parse_instant

    when = parse_instant(value) if isinstance(value, str) else None
    current = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    if when is None or when <= current:
        return value
    text = value.strip()
    naive = len(text) > 10 and not (text.endswith("Z") or "+" in text[10:] or "-" in text[10:])
    if len(text) == 10:  # a date only
        return current.astimezone().date().isoformat()
    if naive:
        out = current.astimezone(when.tzinfo).replace(tzinfo=None, microsecond=0).isoformat()
        return out.replace("T", " ") if " " in text else out
    out = current.replace(microsecond=0).isoformat()
    return out.replace("+00:00", "Z") if text.endswith("Z") else out


@dataclass(slots=True)
class _Run:
    """What one run of the orders job knows across its pages, the quarantine retry and the failed re-reads."""

    folder: Any
    translator: OrderTranslator
    skus: ListingSkus
    written: set[tuple[str, str]]
    held: set[tuple[str, str]] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)  # failed-order refs (numbers, digests) read this run
    passed: set[str] = field(default_factory=set)  # order numbers the checks let through (failed rows to close)


def _newer(candidate: Any, than: Any) -> bool:
    from kit.jobs.core import parse_instant

    a, b = parse_instant(candidate), parse_instant(than) if than is not None else None
    if a is None:
        return False
    return b is None or a > b


def get_cursor(ws: Workspace, channel: str) -> dict[str, Any]:
    from tinydb import Query

    with ws.table("jobs") as table:
        row = table.get((Query().channel == channel) & (Query().job == "orders"))
    return dict(row) if row else {}


def set_cursor(ws: Workspace, channel: str, **values: Any) -> None:
    from tinydb import Query

    q = (Query().channel == channel) & (Query().job == "orders")
    with ws.table("jobs") as table:
        row = dict(table.get(q) or {"channel": channel, "job": "orders"})
        row.update(values, updated_at=time.time())
        table.upsert(row, q)


def reconcile(ctx: JobContext, folder: Any) -> int:
    """Put into the ledger every outbox batch it does not know yet; returns orders recovered."""
    from kit.jobs.outbox import ensure_csv, scan_outbox

    known = ctx.state.ledger_keys()
    recovered = 0
    for path, keys in scan_outbox(folder):
        missing = [k for k in keys if k not in known]
        if not missing:
            continue
        if path.parent == folder:
            ensure_csv(path)
        recovered += ctx.state.record_written(missing, path.name)
        known.update(missing)
        ctx.state.resolve_quarantine(missing)
    if recovered:
        ctx.summary.note(f"Recuperados {recovered} pedidos já gravados na caixa de saída antes de uma interrupção.")
    return recovered


def _write(ctx: JobContext, folder: Any, orders: list[dict[str, Any]]) -> None:
    """Durably write ``orders`` as one batch and commit them to the ledger."""
    from kit.jobs.outbox import write_batch

    path = write_batch(folder, ctx.name, orders)
    failpoint("after_file")
    keys = [(str(o["order_id"]), str(o["version"])) for o in orders]
    ctx.state.record_written(keys, path.name)
    failpoint("after_ledger")
    # An order written in any version supersedes its older quarantined versions.
    stale = [(q["order_id"], q["version"]) for q in ctx.state.quarantined() if q["order_id"] in {k[0] for k in keys}]
    ctx.state.resolve_quarantine(stale)


def _retry_quarantine(ctx: JobContext, run: _Run) -> int:
    """Write the quarantined orders whose SKU and de-para now exist; the rest stay (counted again).

    A quarantined order gets the same checks as a fresh read first: one held before those checks existed (no
    number, no lines, no price) moves to the failed orders, re-read by id below instead of reaching the ERP.
    """
    from kit.connectors.orderchecks import order_problems

    ready = []
    for q in ctx.state.quarantined():
        key = (q["order_id"], q["version"])
        if key in run.written:
            ctx.state.resolve_quarantine([key])
            continue
        if order_problems(q["payload"], skus=False):
            if ctx.dry_run:
                ctx.summary.add("failed", key[0] or "(sem número)", "; ".join(order_problems(q["payload"])))
            else:
                _fail(ctx, q["payload"], key, _failed_ref(q["payload"], key[0]), report=False)
                ctx.state.resolve_quarantine([key])
            continue
        if missing := run.skus.fill(q["payload"]):
            ctx.state.quarantine(q["order_id"], q["version"], "; ".join(missing), q["payload"])
            ctx.summary.add("quarantined", q["order_id"], "; ".join(missing))
            continue
        result = run.translator.translate(q["payload"])
        if result.ok:
            order = dict(q["payload"])
            order["erp"] = result.values
            ready.append(order)
        else:
            ctx.state.quarantine(q["order_id"], q["version"], "; ".join(result.problems), q["payload"])
            ctx.summary.add("quarantined", q["order_id"], "; ".join(result.problems))
    if ready and not ctx.dry_run:
        _write(ctx, run.folder, ready)
        ctx.state.resolve_quarantine([(o["order_id"], o["version"]) for o in ready])
        run.written.update((o["order_id"], o["version"]) for o in ready)
    for o in ready:
        ctx.summary.add("applied" if not ctx.dry_run else "skipped", o["order_id"], "simulação: sairia da quarentena")
    if ready:
        ctx.summary.note(f"{len(ready)} pedidos saíram da quarentena (de-para corrigido) e foram gravados.")
    return len(ready)


def _failed_ref(data: dict[str, Any], order_id: str) -> str:
    """The key a failed order is kept under: its number, else a digest of what the channel sent."""
    if order_id:
        return order_id
    blob = json.dumps(data, sort_keys=True, default=str).encode()
    return "sem-numero-" + hashlib.sha1(blob, usedforsecurity=False).hexdigest()[:12]


def _fail(ctx: JobContext, data: dict[str, Any], key: tuple[str, str], ref: str, *, report: bool = True) -> bool:
    """Report ``data`` failed (the checks' pt-BR reasons) and keep it in the workspace, unless a person dismissed it.

    Returns:
        True when a person dismissed this version: the channel may be told it was taken (a queue stops sending it).
    """
    from kit.connectors.orderchecks import order_problems

    reason = "; ".join(order_problems(data))
    if gone := ctx.state.dismissed(ref, key[1]):
        ctx.summary.add("skipped", key[0] or "(sem número)", f"descartado por {gone['by']}: {gone['note']} ({reason})")
        return True
    if report:
        ctx.summary.add("failed", key[0] or "(sem número)", reason + ": o pedido não foi gravado na caixa de saída; "
                        "confira-o no painel do canal")  # fmt: skip
    if not ctx.dry_run:
        ctx.state.record_failed(ref, key[0], key[1], reason, data)
    return False


def _recheck_failed(ctx: JobContext, run: _Run) -> None:
    """Re-read by id each failed order this run did not see (oldest try first, bounded) and take it like a fresh one.

    A cursor channel shows an order once (again only if it changes there): without this it would be lost. One that
    cannot be re-read (no number, no single-order read, an error) is reported again with its stored reason.
    """
    from kit.connectors.base import OperationNotSupported
    from kit.errors import KitError

    read_one = getattr(ctx.connector, "get_order", None)
    pending = [row for row in ctx.state.failed_orders() if row["ref"] not in run.seen]
    orders, reads = [], 0
    for row in pending:
        key = row["order_id"] or "(sem número)"
        if not row["order_id"]:
            ctx.summary.add("failed", key, f"{row['reason']}: sem número, o pedido não pode ser relido; confira-o no "
                            f"painel do canal e descarte-o ({row['ref']})")  # fmt: skip
            continue
        if reads >= MAX_FAILED_REREADS:
            ctx.summary.add("failed", key, f"{row['reason']} (relido numa próxima execução)")
            continue
        try:
            if read_one is None:
                raise OperationNotSupported("o conector não lê um pedido pelo número")
            orders.append(read_one(row["order_id"]))
        except KitError as exc:
            ctx.summary.add("failed", key, f"{row['reason']}; não foi possível reler o pedido: {exc.message}")
            if not ctx.dry_run:
                ctx.state.touch_failed(row["ref"], row["reason"])
            if isinstance(exc, OperationNotSupported):  # no request made: not counted against the bound
                continue
        reads += 1
        ctx.summary.requests += 1
    if orders:
        fresh, _ = _sort(ctx, run, orders, None, set())
        _apply(ctx, run, fresh)


def _apply(ctx: JobContext, run: _Run, fresh: list[dict[str, Any]]) -> None:
    """Write ``fresh`` (one durable batch), then close the failed rows of the orders the checks let through."""
    if ctx.dry_run:
        for o in fresh:
            ctx.summary.add("skipped", o["order_id"], "simulação: seria gravado na caixa de saída")
        return
    if fresh:
        _write(ctx, run.folder, fresh)
        run.written.update((str(o["order_id"]), o["version"]) for o in fresh)
        for o in fresh:
            ctx.summary.add("applied", o["order_id"])
    if run.passed:
        ctx.state.resolve_failed(run.passed)
        run.passed.clear()


def _start(ctx: JobContext) -> tuple[Any, Any]:
    """``(since, cursor)`` to read from: ``--since``, else the stored cursor unless it is in the future."""
    stored = get_cursor(ctx.ws, ctx.name)
    since = ctx.since or stored.get("since")
    cursor = None if ctx.since else stored.get("cursor")
    if not ctx.since and (clamp_instant(since) != since or clamp_instant(cursor) != cursor):
        ctx.summary.note(
            "O cursor salvo de pedidos estava no futuro (relógio ajustado?): foi descartado e a busca volta ao "
            "período padrão do canal; pedidos já gravados não se repetem."
        )
        since = since if clamp_instant(since) == since else None
        cursor = None
    return since, cursor


def _sort(
    ctx: JobContext, run: _Run, orders: list[Any], high_water: Any, unfit: set[int]
) -> tuple[list[dict[str, Any]], Any]:
    """One page's orders: ``(to write, newest update seen)``; the rest skipped, quarantined or failed.

    ``unfit`` gets the ``id()`` of each order failed for lacking what the kit must have (not to be acknowledged).
    """
    from kit.connectors.orderchecks import order_problems
    from kit.jobs.adapters import order_to_dict, order_version

    summary = ctx.summary
    fresh: list[dict[str, Any]] = []
    fresh_keys: set[tuple[str, str]] = set()
    for order in orders:
        data = order_to_dict(order)
        data["version"] = order_version(data)
        key = (str(data["order_id"]), data["version"])
        ref = _failed_ref(data, key[0])
        run.seen.add(ref)
        missing = run.skus.fill(data)  # lines without a SKU take their listing's, else the order waits (below)
        if order_problems(data, skus=False):  # what no SKU binding can give (number, items, prices)
            # Not written and not acknowledged (a queue keeps it), and kept failed in the workspace: a cursor channel
            # shows it once, so every run re-reads it by its number until it passes or a person dismisses it. One a
            # person dismissed is acknowledged: a queue would otherwise send it again every run, for ever.
            if not _fail(ctx, data, key, ref):
                unfit.add(id(order))
            continue
        run.passed.add(key[0])
        if data.get("updated_at") and _newer(data["updated_at"], high_water):
            high_water = str(data["updated_at"])
        if key in run.written or key in fresh_keys:
            summary.add("skipped", key[0], "já gravado na caixa de saída (versão igual)")
            continue
        if key in run.held:
            continue
        if missing:  # held (durable) and retried every run: the listing may get its SKU
            summary.add("quarantined", key[0], "; ".join(missing))
            run.held.add(key)
            if not ctx.dry_run:
                ctx.state.quarantine(key[0], key[1], "; ".join(missing), data)
            continue
        result = run.translator.translate(data)
        if not result.ok:
            reason = "; ".join(result.problems)
            summary.add("quarantined", key[0], reason)
            run.held.add(key)
            if not ctx.dry_run:
                ctx.state.quarantine(key[0], key[1], reason, data)
            continue
        data["erp"] = result.values
        fresh.append(data)
        fresh_keys.add(key)
    return fresh, high_water


@register_job("orders")
def run_orders(ctx: JobContext) -> None:
    from kit.jobs.settings import outbox_dir
    from kit.jobs.translate import OrderTranslator

    folder = outbox_dir(ctx.ws, ctx.name)
    summary = ctx.summary
    summary.extra["outbox"] = str(folder)
    translator = OrderTranslator(ctx.name, ctx.channel.channel_type.depara_kinds)
    if not ctx.dry_run:
        folder.mkdir(parents=True, exist_ok=True)  # not 0700: the ERP's importer may run as another user
        reconcile(ctx, folder)
    run = _Run(folder, translator, ListingSkus(ctx.state), ctx.state.ledger_keys())
    _retry_quarantine(ctx, run)
    run.held = {(q["order_id"], q["version"]) for q in ctx.state.quarantined()}  # counted by the retry above

    since, cursor = _start(ctx)
    connector = ctx.connector
    can_ack = callable(getattr(connector, "ack_orders", None))
    seen = 0
    pages = 0
    high_water = since
    cursors: set[Any] = set()
    bar = ctx.bar(0, "pedidos")
    while True:
        t0 = time.monotonic()
        page = connector.fetch_orders(since=since, cursor=cursor)
        pages += 1
        failpoint("after_fetch")
        orders = list(page.orders)
        truncated = False
        if ctx.max_items is not None and seen + len(orders) > ctx.max_items:
            orders = orders[: max(0, ctx.max_items - seen)]
            truncated = True
        seen += len(orders)
        unfit: set[int] = set()
        fresh, high_water = _sort(ctx, run, orders, high_water, unfit)
        _apply(ctx, run, fresh)
        if not ctx.dry_run:
            failpoint("before_ack")
            if can_ack and (taken := [o for o in orders if id(o) not in unfit]):
                connector.ack_orders(taken)
                summary.requests += 1
            failpoint("after_ack")
            if not truncated:
                set_cursor(ctx.ws, ctx.name, cursor=clamp_instant(page.cursor), since=clamp_instant(high_water))
        bar.update(len(orders))
        log.info("%s orders page %d: %d fetched, %d written, %.2f s", ctx.name, pages, len(orders), len(fresh),
                 time.monotonic() - t0)  # fmt: skip
        if truncated or not orders or not page.has_more:
            break
        if pages >= MAX_PAGES_PER_RUN:
            summary.note(f"Limite de {MAX_PAGES_PER_RUN} páginas por execução: o restante fica para a próxima.")
            break
        if page.cursor is not None and page.cursor in cursors:
            summary.note("O canal devolveu o mesmo cursor duas vezes: o restante fica para a próxima execução.")
            break
        cursor = page.cursor
        cursors.add(cursor)
    bar.close()
    _recheck_failed(ctx, run)
    summary.extra.update({"pages": pages, "fetched": seen, "ledger_total": ctx.state.ledger_count()})
    summary.note(f"Caixa de saída: {folder}")
    if pending := ctx.state.quarantined():
        summary.note(
            f"{len(pending)} pedidos em quarentena aguardam de-para (serão gravados quando o mapeamento existir)."
        )
    if failed := ctx.state.failed_orders():
        summary.note(
            f"{len(failed)} pedidos com falha ficam guardados e são relidos pelo número a cada execução até passarem; "
            f'para descartar um: kit sync orders --channel {ctx.name} --dismiss NÚMERO --reason "por quê" '
            f"(lista: kit sync orders --channel {ctx.name} --show-held)."
        )
