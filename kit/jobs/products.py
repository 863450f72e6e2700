"""``products``: the SKU binding table, and listing updates where the channel allows.

Every run refreshes the binding table (ERP SKU <-> channel id <-> variation)
from ``list_listings()`` and compares it with the ERP's product export:

* ERP SKUs with a listing are bound; their title/description/attributes/images
  are pushed through ``connector.update_products(items)`` when the connector
  has such a method, only when they changed since the last push (kind
  ``product`` in the state store);
* ERP SKUs without a listing would need a listing created
  (``connector.create_products``); where the connector has no such method the
  report says so, SKU by SKU;
* listings whose SKU is not in the ERP are reported.

``params={"export_bindings": "file.csv"}`` (``kit sync products
--export-bindings FILE``) writes the binding table as CSV.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from kit.errors import KitError
from kit.jobs.core import JobContext, batched, item_results, iter_rows, register_job

__all__ = ["PRODUCT_FIELDS"]

PRODUCT_FIELDS = ("title", "description", "brand", "category", "ean", "image_urls", "color", "size")


def _fingerprint(row: dict[str, Any]) -> str:
    data = {k: None if row.get(k) is None else str(row.get(k)) for k in PRODUCT_FIELDS}
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()


@register_job("products")
def run_products(ctx: JobContext) -> None:
    from kit.jobs.erp import read_erp
    from kit.jobs.settings import erp_dir

    frame = read_erp(erp_dir(ctx.ws, ctx.name), "products", ctx.name)
    source = (frame.attrs.get("source") or {}).get("file")
    rows = {str(r["sku"]).strip(): r for r in iter_rows(frame) if r.get("sku")}
    listings = ctx.connector.list_listings()
    n = ctx.state.replace_bindings(iter_rows(listings))
    bindings = ctx.state.bindings()
    bound = sorted(s for s in rows if s in bindings)
    missing = sorted(s for s in rows if s not in bindings)
    orphans = sorted(s for s in bindings if s not in rows)
    ctx.summary.extra.update(
        {"erp_file": source, "erp_skus": len(rows), "listings": n, "bound": len(bound), "orphans": orphans[:200]}
    )
    ctx.summary.note(
        f"Arquivo do ERP: {source}. {len(rows)} SKUs no ERP, {n} anúncios no canal: "
        f"{len(bound)} vinculados, {len(missing)} sem anúncio, {len(orphans)} anúncios sem SKU no ERP."
    )
    export = ctx.params.get("export_bindings")
    if export:
        count = ctx.state.export_bindings(export)
        ctx.summary.note(f"Tabela de vínculos exportada: {export} ({count} linhas).")

    c = ctx.connector
    create = getattr(c, "create_products", None)
    update = getattr(c, "update_products", None)
    for sku in missing:
        reason = "sem anúncio no canal" + ("" if create else "; criação de anúncio pela API não suportada")
        ctx.summary.add("skipped", sku, reason)
    if not update:
        ctx.summary.skipped += len(bound)
        ctx.summary.note(
            "Este conector não atualiza título/descrição/atributos/imagens pela API: "
            "somente a tabela de vínculos foi atualizada."
        )
        ctx.summary.extra["unsupported"] = ["update_products"] + ([] if create else ["create_products"])
        return
    last = ctx.ws.states.get_all(ctx.name, "product")
    changed = [s for s in bound if ctx.full or last.get(s) != _fingerprint(rows[s])]
    ctx.summary.skipped += len(bound) - len(changed)
    if ctx.max_items:
        changed = changed[: ctx.max_items]
    if ctx.dry_run:
        for sku in changed:
            ctx.summary.add("skipped", sku, "simulação: o anúncio seria atualizado")
        return
    batches = list(batched(changed, ctx.batch_size))
    for i, skus in enumerate(batches, 1):
        t0 = time.monotonic()
        items = [
            dict(rows[s], channel_id=b["channel_id"], variation_id=b["variation_id"]) for s in skus for b in bindings[s]
        ]
        try:
            result = update(items)
            outcome = {sku: (st, why) for sku, st, why in item_results(result)}
        except KitError as exc:
            outcome = {s: ("failed", exc.message) for s in skus}
        applied = [s for s in skus if outcome.get(s, ("failed",))[0] == "applied"]
        for s in skus:
            st, why = outcome.get(s, ("failed", "sem resultado do canal"))
            ctx.summary.add(st if st in ("applied", "failed", "skipped") else "failed", s, why)
        ctx.ws.states.put_many(ctx.name, "product", [(s, _fingerprint(rows[s])) for s in applied])
        ctx.log_batch(i, len(batches), len(skus), len(applied), len(skus) - len(applied), time.monotonic() - t0)
