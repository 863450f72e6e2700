"""``products``: create the listings the channel's assortment needs, update the ones that changed.

Every run (see ``docs/publishing.md``):

1. reads the ERP products export and the channel's assortment (:mod:`kit.assortment`):
   SKUs outside it are left alone;
2. refreshes the binding table (ERP SKU <-> channel id <-> variation) and
   reports listings outside the assortment: from ``list_listings()`` (every
   listing read) on a first run, with ``--full`` and once a day; in between,
   where the connector can tell what changed (``listings_delta``: VTEX), only
   the new listings are read and the ones gone are dropped (:func:`refresh_bindings`);
3. polls what the last run left ``pending`` (never re-sent while pending);
4. builds a :class:`~kit.connectors.model.ProductItem` per assortment SKU, with
   category and attributes through de-para (:mod:`kit.publish_items`): unbound
   SKUs are creates, bound SKUs whose content fingerprint changed since the
   last applied publish are updates;
5. publishes them through ``connector.publish`` (which looks every SKU up on
   the channel before creating it: never a duplicate listing) and records each
   binding and fingerprint as soon as its result arrives.

Each item ends applied, held (the report says what to fix), failed (the
channel's reason), pending or skipped. A second run with no ERP change creates
nothing and sends no update. ``params={"export_bindings": "file.csv"}``
(``kit sync products --export-bindings FILE``) writes the binding table as CSV.

Crash tests set ``KIT_PRODUCTS_KILL_POINT=<point>:<n>`` (``after_created``: the
channel said "created" and the kit has not recorded it yet; ``after_recorded``).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

from kit.jobs.core import JobContext, iter_rows, register_job
from kit.jobs.sku_binding import binds_by_sku, recorded_rows

__all__ = [
    "KILL_ENV",
    "STATE_FINGERPRINT",
    "STATE_LISTING",
    "STATE_PENDING",
    "refresh_bindings",
    "FULL_READ_EVERY_S",
]

KILL_ENV = "KIT_PRODUCTS_KILL_POINT"
STATE_FINGERPRINT, STATE_LISTING, STATE_PENDING = "product", "listing", "publish_pending"
#: the content fingerprint a pending item was sent with: recorded as applied when the poll says so
STATE_PENDING_PRINT = "publish_pending_print"
_hits: dict[str, int] = {}
#: per-SKU notes of applied listings kept in the summary's extra (the notes group them all)
NOTES_KEPT = 1000
#: a full listing read at least this often, whatever the connector can read incrementally
FULL_READ_EVERY_S = 24 * 3600
_STATUS_PT = {"applied": "aplicado", "held": "retido", "failed": "falhou", "pending": "pendente", "skipped": "ignorado"}


def failpoint(name: str) -> None:
    """Crash-test hook: SIGKILL this process the n-th time ``name`` is reached (``KIT_PRODUCTS_KILL_POINT``)."""
    spec = os.environ.get(KILL_ENV)
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point == name:
        _hits[name] = _hits.get(name, 0) + 1
        if _hits[name] >= int(nth or 1):
            os.kill(os.getpid(), signal.SIGKILL)


@register_job("products")
def run_products(ctx: JobContext) -> None:
    from kit.assortment import resolve

    frame = _read_products(ctx)
    source = (frame.attrs.get("source") or {}).get("file")
    assortment = resolve(frame, ctx.channel)
    wanted = assortment.skus
    rows = {str(r["sku"]).strip(): r for r in iter_rows(frame) if r.get("sku") and str(r["sku"]).strip() in wanted}
    n = refresh_bindings(ctx)
    bindings = _bindings(ctx)
    outside = sorted(s for s in bindings if s not in rows)
    bound = sorted(s for s in rows if s in bindings)
    missing = sorted(s for s in rows if s not in bindings)
    ctx.summary.extra.update(
        {"erp_file": source, "erp_skus": int(len(frame)), "assortment": len(rows), "listings": n,
         "bound": len(bound), "to_create": len(missing), "outside_assortment": outside[:200],
         "orphans": outside[:200], "assortment_counts": assortment.counts()}
    )  # fmt: skip
    ctx.summary.note(
        f"Arquivo do ERP: {source}. {len(frame)} SKUs no ERP, {len(rows)} no sortimento do canal; {n} anúncios no "
        f"canal: {len(bound)} vinculados, {len(missing)} a criar, {len(outside)} anúncios fora do sortimento."
    )
    export = ctx.params.get("export_bindings")
    if export:
        count = ctx.state.export_bindings(export)
        ctx.summary.note(f"Tabela de vínculos exportada: {export} ({count} linhas).")
    if not callable(getattr(ctx.connector, "publish", None)):
        _unsupported(ctx, bound, missing)
        return
    _poll_pending(ctx)
    from kit.connectors.publishing import same_code_listings

    erp_skus = {str(s).strip() for s in frame["sku"].tolist() if s is not None and s == s}
    lookalikes = same_code_listings(bindings, erp_skus, missing)
    if lookalikes:
        ctx.summary.extra["same_code_listings"] = {k: [r.sku for r in v] for k, v in list(lookalikes.items())[:200]}
    _publish(ctx, rows, bindings, bound, missing, lookalikes)


def _read_products(ctx: JobContext) -> Any:
    """The ERP products export; one with a row per SKU and warehouse (every product field the same) is folded
    into one row per SKU, as go-live folds it (:func:`kit.golive.scopes.fold_warehouse_rows`: stock summed, or
    the job setting ``warehouse``'s). Any other repeated or blank SKU stays the reader's error (exit 2)."""
    from kit.errors import InputDataError
    from kit.jobs.erp import find_erp_file, read_erp
    from kit.jobs.settings import erp_dir

    folder = erp_dir(ctx.ws, ctx.name)
    try:
        return read_erp(folder, "products", ctx.name)
    except InputDataError as exc:
        from kit.golive.scopes import WAREHOUSE_FOLDED_ATTR, fold_warehouse_rows
        from kit.sheets import read_table

        try:
            loose = read_table(find_erp_file(folder, "products", ctx.name), "listings")  # SKUs may repeat
        except InputDataError:
            raise exc from None
        folded = fold_warehouse_rows(loose, ctx.settings.get("warehouse"))
        sku = folded["sku"].fillna("").astype("str").str.strip()
        if (
            not (folded.attrs.get(WAREHOUSE_FOLDED_ATTR) or {}).get("rows")
            or (sku == "").any()
            or sku.duplicated().any()
        ):
            raise exc from None
    info = folded.attrs[WAREHOUSE_FOLDED_ATTR]
    stock = f"estoque do depósito {info['warehouse']}" if info["warehouse"] else "estoque somado"
    ctx.summary.note(
        f"Exportação de produtos com uma linha por depósito: {info['rows']} linha(s) agrupadas em {info['skus']} "
        f"SKU(s) com os mesmos dados ({stock})."
    )
    ctx.summary.extra["warehouse_rows_folded"] = info
    return folded


def refresh_bindings(ctx: JobContext) -> int:
    """Bring the binding table up to date with the channel; returns how many listings it holds.

    An incremental refresh (the connector's ``listings_delta``) keeps the rows it
    did not read and the stamp of the last full read: the price guard of the
    stock and prices jobs reads the listings again when *that* is a day old.
    """
    if binds_by_sku(ctx.connector):  # no listing read (EZ Commerce): what this job recorded is what is listed
        return ctx.state.replace_bindings(recorded_rows(ctx))
    delta_of = getattr(ctx.connector, "listings_delta", None)
    full_at = ctx.state.bindings_refreshed_at()
    if delta_of is None or ctx.full or full_at is None or time.time() - full_at >= FULL_READ_EVERY_S:
        n = ctx.state.replace_bindings(iter_rows(ctx.connector.list_listings()))
        ctx.summary.extra["listing_read"] = {"kind": "full", "listings": n}
        return n
    kept = [row for rows in ctx.state.bindings().values() for row in rows]
    delta = delta_of({str(r["channel_id"]) for r in kept if r.get("channel_id")})
    fresh = list(iter_rows(delta.changed))
    n = len(kept)
    if fresh or delta.removed:  # nothing new, nothing gone: the table stays as it is (no rewrite)
        replaced = {str(r.get("channel_id")) for r in fresh} | {str(i) for i in delta.removed}
        rows = [r for r in kept if str(r.get("channel_id")) not in replaced] + fresh
        n = ctx.state.replace_bindings(rows)
        ctx.ws.states.put_many(ctx.name, "binding_meta", [("refreshed_at", full_at)])  # still the full read's time
    ctx.summary.extra["listing_read"] = {"kind": "incremental", "listings": n, "new": len(fresh),
                                         "removed": len(delta.removed), "requests": delta.requests}  # fmt: skip
    ctx.summary.note(
        f"Leitura incremental dos anúncios: {len(fresh)} novos, {len(delta.removed)} removidos, "
        f"{delta.requests} requisições (a leitura completa é diária, ou com --full)."
    )
    return n


def _bindings(ctx: JobContext) -> dict[str, dict[str, Any]]:
    """Bindings from the channel's listings, plus listings this job created since (not listed yet)."""
    out = {sku: rows[0] for sku, rows in ctx.state.bindings().items()}
    for sku, ref in ctx.ws.states.get_all(ctx.name, STATE_LISTING).items():
        if ref and sku not in out:
            out[sku] = ref
    return out


def _unsupported(ctx: JobContext, bound: list[str], missing: list[str]) -> None:
    for sku in missing:
        ctx.summary.add("skipped", sku, "sem anúncio no canal; criação de anúncio pela API não suportada")
    ctx.summary.skipped += len(bound)
    ctx.summary.note(
        "Este conector não cria nem atualiza anúncios pela API: somente a tabela de vínculos foi atualizada."
    )
    ctx.summary.extra["unsupported"] = ["update_products", "create_products"]


def _poll_pending(ctx: JobContext) -> None:
    pending = {k: v for k, v in ctx.ws.states.get_all(ctx.name, STATE_PENDING).items() if v}
    if not pending:
        return
    results = ctx.connector.poll_publish(dict(pending)) or []
    recorder = _Recorder(ctx, {})
    for result in results:
        recorder.record_polled(result)
    still = sorted(set(pending) - {r.sku for r in results if r.status != "pending"})
    if still:
        ctx.summary.note(f"{len(still)} itens ainda pendentes no canal (consultados de novo na próxima execução).")


def _publish(
    ctx: JobContext, rows: dict, bindings: dict, bound: list[str], missing: list[str], lookalikes: dict
) -> None:
    from kit.publish_items import fingerprint, load_translators, product_item

    conn = ctx.connector
    if not conn.publish_update:
        ctx.summary.skipped += len(bound)
        ctx.summary.note(f"{conn.label} não atualiza anúncios pela API: somente a tabela de vínculos foi atualizada.")
        ctx.summary.extra.setdefault("unsupported", []).append("update_products")
        bound = []
    if not conn.publish_create:
        for sku in missing:
            reason = conn.publish_unsupported or "criação de anúncio pela API não suportada"
            ctx.summary.add("skipped", sku, f"sem anúncio no canal; {reason}")
        ctx.summary.extra.setdefault("unsupported", []).append("create_products")
        missing = []
    translators = load_translators(ctx.name)
    pending = {k for k, v in ctx.ws.states.get_all(ctx.name, STATE_PENDING).items() if v}
    last = ctx.ws.states.get_all(ctx.name, STATE_FINGERPRINT)
    items, prints = [], {}
    for sku in missing + bound:
        if sku in pending:
            ctx.summary.add("skipped", sku, "aguardando o canal (pendente): consultado na próxima execução")
            continue
        item = product_item(rows[sku], translators, bindings.get(sku))
        if not item.bound and sku in lookalikes:
            item.same_code_listings = lookalikes[sku]  # held by the publish plan, dry run and real run alike
        prints[sku] = fingerprint(item)
        if item.bound and not ctx.full and last.get(sku) == prints[sku]:
            ctx.summary.skipped += 1  # unchanged since the last applied publish
            continue
        items.append(item)
    if ctx.max_items:
        ctx.summary.skipped += max(0, len(items) - ctx.max_items)
        items = items[: ctx.max_items]
    creates = sum(1 for i in items if not i.bound)
    ctx.summary.extra.update({"sent_creates": creates, "sent_updates": len(items) - creates})
    if ctx.dry_run:
        _simulate(ctx, items)
        return
    t0 = time.monotonic()
    recorder = _Recorder(ctx, prints)
    report = ctx.connector.publish(items, on_result=recorder)
    report.assert_accounted(items)
    counts = report.counts
    ctx.summary.requests += len(items)
    ctx.log_batch(1, 1, len(items), counts["applied"], counts["failed"], time.monotonic() - t0)
    ctx.summary.note(
        "Publicação: " + ", ".join(f"{n} {_STATUS_PT[s]}" for s, n in counts.items() if n)
        + f" ({len(report.created())} anúncios criados)." if items else "Nada a publicar: nenhuma mudança."
    )  # fmt: skip
    _applied_notes(ctx, report)


def _simulate(ctx: JobContext, items: list) -> None:
    """A dry run says what the publish would do with each item: send it, or hold, skip or fail it and why."""
    from kit.connectors.publishing import plan

    for item, decided in zip(items, plan(ctx.connector, items), strict=True):
        if decided is None:
            what = "o anúncio seria atualizado" if item.bound else "o anúncio seria criado"
        elif decided.status == "held":
            what = f"seria retido para revisão: {decided.fix}"
        elif decided.status == "skipped":
            what = f"seria ignorado: {decided.reason}"
        else:
            what = f"falharia: {decided.reason}"
        ctx.summary.add("skipped", item.sku, f"simulação: {what}")


def _applied_notes(ctx: JobContext, report: Any) -> None:
    """What applied listings could not carry (``PublishResult.note``): per SKU in ``extra``, grouped in the notes."""
    noted = {r.sku: r.note for r in report.items if r.status == "applied" and r.note}
    if not noted:
        return
    ctx.summary.extra["applied_notes"] = dict(list(noted.items())[:NOTES_KEPT])
    by_note: dict[str, list[str]] = {}
    for sku, note in noted.items():
        by_note.setdefault(note, []).append(sku)
    for note, skus in by_note.items():
        more = f" e mais {len(skus) - 5}" if len(skus) > 5 else ""
        ctx.summary.note(f"{len(skus)} SKUs aplicados com ressalva ({', '.join(skus[:5])}{more}): {note}.")


class _Recorder:
    """Records each publish result as it arrives (bindings first: a crash must not lose a created listing)."""

    def __init__(self, ctx: JobContext, prints: dict[str, str]) -> None:
        self.ctx = ctx
        self.prints = prints
        self.lock = threading.Lock()

    def __call__(self, item: Any, result: Any) -> None:
        with self.lock:
            self._record(result, self.prints.get(item.sku))

    def record_polled(self, result: Any) -> None:
        with self.lock:
            self._record(result, None, polled=True)

    def _record(self, result: Any, print_: str | None, *, polled: bool = False) -> None:
        ctx, states = self.ctx, self.ctx.ws.states
        sku, status = result.sku, result.status
        if status == "applied":
            if polled:  # sent in an earlier run: its content is the one it was sent with
                print_ = states.get(ctx.name, STATE_PENDING_PRINT, sku)
            if result.action == "create":
                failpoint("after_created")
            ref = {"channel_id": result.channel_id, "variation_id": result.variation_id,
                   "product_id": result.product_id}  # fmt: skip
            states.put_many(ctx.name, STATE_LISTING, [(sku, ref)])
            if print_:
                states.put_many(ctx.name, STATE_FINGERPRINT, [(sku, print_)])
            if polled:
                states.put_many(ctx.name, STATE_PENDING, [(sku, None)])
            failpoint("after_recorded")
            ctx.summary.add("applied", sku)
        elif status == "pending":
            states.put_many(ctx.name, STATE_PENDING, [(sku, result.token)])
            if print_:
                states.put_many(ctx.name, STATE_PENDING_PRINT, [(sku, print_)])
            if not polled:
                ctx.summary.add("skipped", sku, f"enviado; aguardando o canal (pendente: {result.token})")
        elif status == "held":
            ctx.summary.add("held", sku, result.fix)
        elif status == "failed":
            if polled:
                states.put_many(ctx.name, STATE_PENDING, [(sku, None)])
            ctx.summary.add("failed", sku, result.reason)
        else:
            ctx.summary.add("skipped", sku, result.reason)
