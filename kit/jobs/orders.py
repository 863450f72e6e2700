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
* A cursor never moves past now: the stored ``since`` is the newest update the
  channel actually returned (compared as instants, not as text), a date-like
  cursor in the future is clamped to now, and a stored one found in the future
  (a clock step, an old bug) is dropped so the channel's default look-back
  applies again (orders already written are skipped by the ledger).
"""

from __future__ import annotations

import logging
import os
import signal
import time
from typing import TYPE_CHECKING, Any

from kit.jobs.core import JobContext, register_job
from kit.jobs.order_skus import ListingSkus

if TYPE_CHECKING:
    from kit.jobs.translate import OrderTranslator
    from kit.store import Workspace

__all__ = ["reconcile", "get_cursor", "set_cursor", "failpoint", "clamp_instant"]

log = logging.getLogger("kit.jobs.orders")

MAX_PAGES_PER_RUN = 1000  # a channel that always says "more" cannot keep one run going forever
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


def _retry_quarantine(
    ctx: JobContext, folder: Any, translator: OrderTranslator, written: set[tuple[str, str]], skus: ListingSkus
) -> int:
    pending = ctx.state.quarantined()
    ready = []
    for q in pending:
        key = (q["order_id"], q["version"])
        if key in written:
            ctx.state.resolve_quarantine([key])
            continue
        if missing := skus.fill(q["payload"]):
            ctx.state.quarantine(q["order_id"], q["version"], "; ".join(missing), q["payload"])
            ctx.summary.add("quarantined", q["order_id"], "; ".join(missing))
            continue
        result = translator.translate(q["payload"])
        if result.ok:
            order = dict(q["payload"])
            order["erp"] = result.values
            ready.append(order)
        else:
            ctx.state.quarantine(q["order_id"], q["version"], "; ".join(result.problems), q["payload"])
            ctx.summary.add("quarantined", q["order_id"], "; ".join(result.problems))
    if ready and not ctx.dry_run:
        _write(ctx, folder, ready)
        ctx.state.resolve_quarantine([(o["order_id"], o["version"]) for o in ready])
        written.update((o["order_id"], o["version"]) for o in ready)
    for o in ready:
        ctx.summary.add("applied" if not ctx.dry_run else "skipped", o["order_id"], "simulação: sairia da quarentena")
    if ready:
        ctx.summary.note(f"{len(ready)} pedidos saíram da quarentena (de-para corrigido) e foram gravados.")
    return len(ready)


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
    ctx: JobContext,
    orders: list[Any],
    translator: OrderTranslator,
    written: set[tuple[str, str]],
    held: set[tuple[str, str]],
    high_water: Any,
    unfit: set[int],
    skus: ListingSkus,
) -> tuple[list[dict[str, Any]], set[tuple[str, str]], Any]:
    """One page's orders: ``(to write, their keys, newest update seen)``; the rest skipped, quarantined or failed.

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
        missing = skus.fill(data)  # lines without a SKU take their listing's, else the order waits (below)
        if order_problems(data, skus=False):  # what no SKU binding can give (number, items, prices)
            problems = order_problems(data)
            # Not written and not acknowledged: the channel keeps it, and each run reports it until it is fixed there.
            summary.add("failed", key[0] or "(sem número)", "; ".join(problems) + ": o pedido não foi gravado na "
                        "caixa de saída; confira-o no painel do canal")  # fmt: skip
            unfit.add(id(order))
            continue
        if data.get("updated_at") and _newer(data["updated_at"], high_water):
            high_water = str(data["updated_at"])
        if key in written or key in fresh_keys:
            summary.add("skipped", key[0], "já gravado na caixa de saída (versão igual)")
            continue
        if key in held:
            continue
        if missing:  # held (durable) and retried every run: the listing may get its SKU
            summary.add("quarantined", key[0], "; ".join(missing))
            held.add(key)
            if not ctx.dry_run:
                ctx.state.quarantine(key[0], key[1], "; ".join(missing), data)
            continue
        result = translator.translate(data)
        if not result.ok:
            reason = "; ".join(result.problems)
            summary.add("quarantined", key[0], reason)
            held.add(key)
            if not ctx.dry_run:
                ctx.state.quarantine(key[0], key[1], reason, data)
            continue
        data["erp"] = result.values
        fresh.append(data)
        fresh_keys.add(key)
    return fresh, fresh_keys, high_water


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
    written = ctx.state.ledger_keys()
    skus = ListingSkus(ctx.state)
    _retry_quarantine(ctx, folder, translator, written, skus)
    held = {(q["order_id"], q["version"]) for q in ctx.state.quarantined()}  # counted by the retry above

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
        fresh, fresh_keys, high_water = _sort(ctx, orders, translator, written, held, high_water, unfit, skus)
        if ctx.dry_run:
            for o in fresh:
                summary.add("skipped", o["order_id"], "simulação: seria gravado na caixa de saída")
        else:
            if fresh:
                _write(ctx, folder, fresh)
                written.update(fresh_keys)
                for o in fresh:
                    summary.add("applied", o["order_id"])
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
    summary.extra.update({"pages": pages, "fetched": seen, "ledger_total": ctx.state.ledger_count()})
    summary.note(f"Caixa de saída: {folder}")
    if pending := ctx.state.quarantined():
        summary.note(
            f"{len(pending)} pedidos em quarentena aguardam de-para (serão gravados quando o mapeamento existir)."
        )
