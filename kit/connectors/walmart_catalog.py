"""Walmart publishing: item feeds (MP_ITEM creates, MP_MAINTENANCE updates) polled until every item is accounted for.

A mixin of :class:`kit.connectors.walmart.WalmartConnector` (the bulk hooks of
``docs/publishing.md``: ``publish_batch`` and ``send_listings``). Shapes from
Walmart's documents (``../shared/specs/walmart``): ``POST /v3/feeds`` and its V4.8
examples, ``GET /v3/feeds``, ``GET /v3/feeds/{feedId}?includeDetails=true``,
``GET /v3/items/{id}``, ``GET /v3/items/taxonomy``.

* **Feeds.** Items go in as few feeds as Walmart allows: one per feed type and
  ``subCategory`` (the header names one), at most 10,000 items and under 10 MB
  each, paced by the families ``feed_item`` / ``feed_maintenance`` (10 feeds an
  hour each). The file is the V4.8 JSON the documents exemplify, sent as a
  ``multipart/form-data`` ``file`` part.
* **Every item accounted for.** After sending, the feeds are polled
  (``settings.feed_poll_s``, growing) for at most ``settings.feed_wait_s``: an
  item is ``applied`` only on its ``SUCCESS``, ``failed`` with Walmart's ingestion
  errors, or ``pending`` with a token (``<feed type>:<feed id>``) that the next
  run polls (:meth:`poll_publish`) instead of sending it again.
* **Never a second setup.** Before an MP_ITEM, each SKU is looked up
  (``GET /v3/items/{sku}?productIdType=SKU``, or one pass over ``GET /v3/items``
  when that is cheaper): an existing item is updated instead. SKUs in an MP_ITEM
  feed Walmart is still processing (``GET /v3/feeds``: a crash after "feed
  accepted") are polled, not sent again; while such a feed has not started (no
  item details yet) and the wait runs out, the creates are skipped for this run.
* **Category** through de-para: ``"<category> > <subcategory>"`` of the taxonomy
  (or its ``subCategoryId``); the feed's ``subCategory`` is the subcategory's name
  in snake case and ``Visible`` is keyed by the category, as the examples pair them
  (inferred). The 4.8 item spec's per-category attributes are not in the shared
  documents: the de-para attributes are sent in the ``Visible`` group as they are,
  and what Walmart misses comes back as the item's ingestion error.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from urllib3 import encode_multipart_formdata

from kit.connectors.model import (
    APPLIED,
    CREATE,
    FAILED,
    HELD,
    PENDING,
    SKIPPED,
    UPDATE,
    CategoryRequirements,
    ListingRef,
    ProductItem,
    PublishResult,
)
from kit.errors import ChannelFatalError, KitError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["WalmartCatalogMixin", "feed_item", "gtin14", "subcategory_key", "VARIANT_ATTRIBUTES"]

MP_ITEM, MP_MAINTENANCE = "MP_ITEM", "MP_MAINTENANCE"
FAMILIES = {MP_ITEM: "feed_item", MP_MAINTENANCE: "feed_maintenance"}
SELLING_CHANNEL = {MP_ITEM: "marketplace", MP_MAINTENANCE: "mpmaintenance"}  # the V4.8 examples' headers
SPEC_VERSION = "4.8"
FEED_ITEMS_MAX = 10_000  # items.json POST /v3/feeds: "You can update 10,000 items at once"
FEED_BYTES_MAX = 9_500_000  # "Keep feed sizes below 10 MB"
STATUS_PAGE = 1000  # feed item status: limit "Max 1000" (developer.walmart.com Feed item status API)
FEEDS_PAGE, FEEDS_PAGES = 50, 10  # all feed statuses: limit max 50; the newest 500 feeds are searched
IN_FLIGHT = ("RECEIVED", "INPROGRESS")
ITEM_FEED_TYPES = (MP_ITEM, "item")  # GET /v3/feeds names item feeds either way (feeds.json example: "item")
LB_PER_KG = 2.20462  # ShippingWeight is in pounds (Walmart US)
POLL_MAX_S = 30.0
#: Variant attribute names of the 4.x item spec the de-para can map to (inferred: the spec is not shared).
VARIANT_ATTRIBUTES = ("color", "size", "clothingSize", "shoeSize", "pattern", "material")


def subcategory_key(name: str) -> str:
    """``"Clothing Other"`` -> ``clothing_other`` (the header's ``subCategory``; inferred from the examples)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def gtin14(ean: str) -> str:
    """An EAN-13 / UPC-12 as the GTIN-14 the examples send (zero-padded; the check digit is unchanged)."""
    digits = re.sub(r"\D", "", str(ean))
    return digits.zfill(14)


def _key_features(item: ProductItem) -> list[str]:
    parts = [p.strip() for p in re.split(r"[\n\r]+|(?<=[.!?])\s+", item.description or "") if p.strip()]
    return parts[:3] or [item.title]


def feed_item(item: ProductItem, category: str, *, maintenance: bool = False) -> dict[str, Any]:
    """One ``MPItem`` of a V4.8 feed (``Orderable`` + ``Visible.<category>``).

    An MP_MAINTENANCE item is a partial update (Walmart's "Bulk item maintenance" guide: only the SKU and
    product id are required; an attribute left out is not changed, one given replaces the item's). So a
    maintenance item carries only what the ERP gives: no price (the price job owns it, behind its guard),
    no ``MustShipAlone`` (the seller's setting), no weight, description, key features or image the ERP does
    not have (the title is not sent as a description, a missing weight not as 0).
    """
    orderable: dict[str, Any] = {
        "sku": item.sku, "productIdentifiers": {"productIdType": "GTIN", "productId": gtin14(item.ean or "")},
        "productName": item.title, "brand": item.brand,
    }  # fmt: skip
    group: dict[str, Any] = {}
    if maintenance:
        orderable = {k: v for k, v in orderable.items() if v not in (None, "")}
        if item.weight_kg:
            orderable["ShippingWeight"] = round(float(item.weight_kg) * LB_PER_KG, 3)
        if item.description:
            group.update(shortDescription=item.description, keyFeatures=_key_features(item))
        if item.image_urls:
            group["mainImageUrl"] = item.image_urls[0]
    else:
        orderable.update(price=round(float(item.price or 0), 2),
                         ShippingWeight=round(float(item.weight_kg or 0) * LB_PER_KG, 3), MustShipAlone="No")  # fmt: skip
        group.update(shortDescription=item.description or item.title,
                     mainImageUrl=item.image_urls[0] if item.image_urls else "", keyFeatures=_key_features(item))  # fmt: skip
    if len(item.image_urls) > 1:
        group["productSecondaryImageURL"] = list(item.image_urls[1:])
    attributes = {k: v for k, v in item.channel_attributes.items() if v not in (None, "")}
    group.update(attributes)
    if item.parent_sku and attributes:
        group.update(variantGroupId=item.parent_sku, variantAttributeNames=sorted(attributes))
    return {"Orderable": orderable, "Visible": {category: group}}


class WalmartCatalogMixin:
    """The publishing hooks of the Walmart connector."""

    channel: Channel
    settings: dict[str, str]
    #: items per feed (Walmart's maximum; benchmarks lower it to measure several feeds)
    feed_items: int = FEED_ITEMS_MAX

    # -- taxonomy ---------------------------------------------------------------------------------------
    def taxonomy(self) -> list[dict[str, str]]:
        """Every subcategory as ``{"category", "subcategory", "id", "path", "key"}`` (``GET /v3/items/taxonomy``)."""
        if getattr(self, "_taxonomy", None) is None:
            body = self.get_json("/v3/items/taxonomy") or {}
            self._taxonomy = [
                {"category": str(c["category"]), "subcategory": str(s["subCategoryName"]),
                 "id": str(s.get("subCategoryId") or ""), "path": f"{c['category']} > {s['subCategoryName']}",
                 "key": subcategory_key(str(s["subCategoryName"]))}
                for c in body.get("payload") or [] for s in c.get("subcategory") or []
            ]  # fmt: skip
        return self._taxonomy

    def category_of(self, value: str) -> dict[str, str]:
        """The taxonomy row of a de-para value (``"Clothing > Clothing Other"`` or a ``subCategoryId``)."""
        wanted = " > ".join(p.strip() for p in str(value).split(">")).casefold()
        for row in self.taxonomy():
            if wanted in (row["path"].casefold(), row["id"].casefold()):
                return row
        raise ChannelFatalError(
            f"a categoria '{value}' não existe na taxonomia do Walmart", channel=self.channel.name,
            hint=f"corrija o de-para de categoria com 'categoria > subcategoria' (kit depara build {self.channel.name} "
                 "category ...)",
        )  # fmt: skip

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """The category must exist; its required attributes are in the item spec, not in the shared documents."""
        row = self.category_of(channel_category)
        return CategoryRequirements(str(channel_category), [], f"Walmart: {row['path']} (atributos: item spec 4.8)")

    # -- lookups ----------------------------------------------------------------------------------------
    def find_listings(self, skus: Sequence[str]) -> dict[str, ListingRef]:
        """Items by SKU: ``GET /v3/items/{sku}`` each, or one pass over ``GET /v3/items`` when fewer calls."""
        wanted = list(dict.fromkeys(skus))
        if not wanted:
            return {}
        from kit.connectors.walmart import ITEMS_PAGE

        first = self.get_json("/v3/items", params={"limit": ITEMS_PAGE, "nextCursor": "*"}) or {}
        pages = math.ceil(int(first.get("totalItems") or 0) / ITEMS_PAGE)
        if pages < len(wanted):
            from kit.connectors.paginate import CursorPaginator

            pager = CursorPaginator(
                "nextCursor", cursor_param="nextCursor", base_params={"limit": ITEMS_PAGE, "nextCursor": "*"},
                records_path="ItemResponse", channel=self.channel.name,
            )  # fmt: skip
            rows = [r for r in pager.all(lambda p: self.get_json("/v3/items", params=p)) if r.get("sku") in wanted]
            return {str(r["sku"]): ListingRef(str(r["sku"]), str(r.get("wpid") or r["sku"])) for r in rows}
        found: dict[str, ListingRef] = {}
        for sku in wanted:
            row = self._item_or_none(sku)
            if row is not None:
                found[sku] = ListingRef(sku, str(row.get("wpid") or sku))
        return found

    def _item_or_none(self, sku: str) -> dict[str, Any] | None:
        body = self.get_json_or_none(f"/v3/items/{quote(sku, safe='')}", params={"productIdType": "SKU"}) or {}
        # The document's schema wraps the item in responseRecord; its example (and the answers) in ItemResponse[].
        rows = body.get("ItemResponse") or ([body["responseRecord"]] if body.get("responseRecord") else [])
        return next((r for r in rows if str(r.get("sku")) == sku), None)

    # -- sending ---------------------------------------------------------------------------------------
    def send_listings(self, items: Sequence[ProductItem]) -> list[PublishResult]:
        """MP_ITEM for the unbound items, MP_MAINTENANCE for the bound ones; polled within ``feed_wait_s``."""
        items = list(items)
        results: list[PublishResult | None] = [None] * len(items)
        tokens: dict[int, str] = {}
        creates = [i for i, it in enumerate(items) if not it.bound]
        if creates:
            in_flight, unknown = self._in_flight([items[i].sku for i in creates])
            for i in creates:
                if items[i].sku in in_flight:
                    tokens[i] = in_flight[items[i].sku]
                elif unknown:
                    results[i] = PublishResult(items[i].sku, SKIPPED, CREATE, (
                        f"o Walmart ainda não começou a processar o feed de itens {unknown}, que pode conter este SKU: "
                        "nada enviado agora, para não cadastrá-lo duas vezes; a próxima execução confere de novo"))  # fmt: skip
        groups: dict[tuple[str, str], list[int]] = {}
        for i, item in enumerate(items):
            if results[i] is None and i not in tokens:
                kind = MP_MAINTENANCE if item.bound else MP_ITEM
                if not item.channel_category:  # the loop lets an update keep the channel's category; a feed cannot
                    results[i] = PublishResult(item.sku, HELD, UPDATE, fix=(
                        f"categoria '{item.category or '(vazia)'}' sem de-para: o feed de atualização do Walmart "
                        f"(MP_MAINTENANCE) é montado por categoria; mapeie-a (kit depara build {self.channel.name} "
                        "category ...)"),
                        channel_id=item.channel_id)  # fmt: skip
                    continue
                try:
                    row = self.category_of(str(item.channel_category or ""))
                except KitError as exc:
                    results[i] = PublishResult(item.sku, FAILED, reason=exc.message, channel_id=item.channel_id)
                    continue
                groups.setdefault((kind, row["key"]), []).append(i)
        for (kind, key), positions in groups.items():
            for chunk in self._chunks(kind, key, [items[i] for i in positions], positions):
                self._submit(kind, key, items, chunk, tokens, results)
        statuses = self._await(set(tokens.values()))
        for i, token in tokens.items():
            results[i] = self._result(items[i], token, statuses.get(token))
        return [r for r in results if r is not None]

    def _chunks(self, kind: str, key: str, chunk_items: list[ProductItem], positions: list[int]) -> list[list[int]]:
        """Positions split so a feed has at most ``feed_items`` items and stays under 10 MB."""
        out: list[list[int]] = [[]]
        size = 0
        for item, pos in zip(chunk_items, positions, strict=True):
            row = self.category_of(str(item.channel_category))
            cost = len(json.dumps(feed_item(item, row["category"], maintenance=kind == MP_MAINTENANCE),
                                  ensure_ascii=False).encode()) + 2  # fmt: skip
            if out[-1] and (len(out[-1]) >= self.feed_items or size + cost > FEED_BYTES_MAX):
                out.append([])
                size = 0
            out[-1].append(pos)
            size += cost
        return [c for c in out if c]

    def _submit(self, kind: str, key: str, items: list[ProductItem], chunk: list[int], tokens: dict[int, str],
                results: list[PublishResult | None]) -> None:  # fmt: skip
        """One feed; its items get its token, or all fail with the reason when Walmart refused the upload."""
        category = self.category_of(str(items[chunk[0]].channel_category))["category"]
        header = {"sellingChannel": SELLING_CHANNEL[kind], "processMode": "REPLACE", "subset": "EXTERNAL",
                  "locale": "en", "version": SPEC_VERSION, "subCategory": key}  # fmt: skip
        upkeep = kind == MP_MAINTENANCE
        feed = {
            "MPItemFeedHeader": header,
            "MPItem": [feed_item(items[i], category, maintenance=upkeep) for i in chunk],
        }
        body, ctype = encode_multipart_formdata(
            {"file": ("feed.json", json.dumps(feed, ensure_ascii=False).encode("utf-8"), "application/json")}
        )
        try:
            # Not retried once it may have reached Walmart: a second upload would be a second feed.
            answer = self.request("POST", "/v3/feeds", params={"feedType": kind}, data=body,
                                  headers={"Content-Type": ctype}, family=FAMILIES[kind], idempotent=False).json()  # fmt: skip
            feed_id = str((answer or {}).get("feedId") or "")
            if not feed_id:
                raise ChannelFatalError("o Walmart aceitou o feed sem devolver o feedId", channel=self.channel.name)
        except KitError as exc:
            why = (exc.message if not exc.status else f"HTTP {exc.status}: {exc.message}") + (" (o Walmart pode ter recebido o feed: a próxima execução confere os feeds em "
                                  "andamento antes de reenviar)" if kind == MP_ITEM else "")  # fmt: skip
            for i in chunk:
                results[i] = PublishResult(items[i].sku, FAILED, reason=why, channel_id=items[i].channel_id)
            return
        for i in chunk:
            tokens[i] = f"{kind}:{feed_id}"

    # -- feed status -----------------------------------------------------------------------------------
    def feed_status(self, feed_id: str) -> dict[str, Any]:
        """``{"status", "items": {sku: item status}, "errors": [...]}`` of one feed, every detail page read."""
        path = f"/v3/feeds/{quote(feed_id, safe='')}"
        offset, rows, body = 0, [], {}
        while True:
            params = {"includeDetails": "true", "offset": offset, "limit": STATUS_PAGE}
            body = self.get_json(path, params=params, family="feed_status") or {}
            page = ((body.get("itemDetails") or {}).get("itemIngestionStatus")) or []
            rows += page
            offset += len(page)
            if len(page) < STATUS_PAGE or offset >= int(body.get("itemsReceived") or 0):
                break
        errors = ((body.get("ingestionErrors") or {}).get("ingestionError")) or []
        return {"status": str(body.get("feedStatus") or ""), "items": {str(r.get("sku")): r for r in rows},
                "errors": errors}  # fmt: skip

    def _await(self, tokens: set[str], *, started: bool = False) -> dict[str, dict[str, Any]]:
        """Poll the feeds behind ``tokens`` until all are final (or, ``started``, show their items), or
        ``feed_wait_s`` has passed; the first poll after ``feed_poll_s``, then 1.5 times longer each time."""
        if not tokens:
            return {}
        wait = float(self.settings.get("feed_wait_s") or 120)
        interval = float(self.settings.get("feed_poll_s") or 5)
        deadline = time.monotonic() + wait

        def settled(status: dict[str, Any]) -> bool:
            return status["status"] in ("PROCESSED", "ERROR") or (started and bool(status["items"]))

        statuses: dict[str, dict[str, Any]] = {}
        while True:
            time.sleep(max(0.0, min(interval, deadline - time.monotonic())))
            for token in tokens:
                if token not in statuses or not settled(statuses[token]):
                    statuses[token] = self.feed_status(token.split(":", 1)[1])
            if all(settled(s) for s in statuses.values()) or time.monotonic() >= deadline:
                return statuses
            interval = min(interval * 1.5, POLL_MAX_S)

    def _result(self, item: ProductItem, token: str, status: dict[str, Any] | None) -> PublishResult:
        kind, feed_id = token.split(":", 1)
        action = CREATE if kind == MP_ITEM else UPDATE
        if status is None or status["status"] in IN_FLIGHT:
            return PublishResult(item.sku, PENDING, action, token=token, channel_id=item.channel_id)
        if status["status"] == "ERROR":
            return PublishResult(item.sku, FAILED, action, f"o Walmart recusou o feed {feed_id} inteiro: "
                                 + _errors(status["errors"]), channel_id=item.channel_id)  # fmt: skip
        row = status["items"].get(item.sku)
        if row is None:
            return PublishResult(item.sku, FAILED, action, f"o Walmart não informou este SKU no feed {feed_id}",
                                 channel_id=item.channel_id)  # fmt: skip
        state = str(row.get("ingestionStatus"))
        if state == "SUCCESS":
            return PublishResult(item.sku, APPLIED, action, channel_id=str(row.get("wpid") or item.channel_id or
                                                                           item.sku), note=_note(item))  # fmt: skip
        if state == "INPROGRESS":
            return PublishResult(item.sku, PENDING, action, token=token, channel_id=item.channel_id)
        retry = " (erro do Walmart: a próxima execução reenvia)" if state in ("SYSTEM_ERROR", "TIMEOUT_ERROR") else ""
        reason = f"{state}: " + _errors(((row.get("ingestionErrors") or {}).get("ingestionError")) or []) + retry
        return PublishResult(item.sku, FAILED, action, reason, channel_id=item.channel_id)

    def poll_publish(self, tokens: dict[str, str]) -> list[PublishResult]:
        """The outcome of items a previous run left pending: one status read per feed, no waiting."""
        statuses = {t: self.feed_status(t.split(":", 1)[1]) for t in set(tokens.values())}
        out = []
        for sku, token in tokens.items():
            out.append(self._result(ProductItem(sku, ""), token, statuses[token]))
        return out

    def _in_flight(self, skus: list[str]) -> tuple[dict[str, str], str]:
        """SKUs in MP_ITEM feeds Walmart is still processing (-> token), and a feed not started yet ("" if none).

        A feed still ``RECEIVED`` has no item details: it is waited for (within ``feed_wait_s``).
        """
        wanted, found = set(skus), {}
        feeds: list[dict[str, Any]] = []
        for page in range(FEEDS_PAGES):
            body = self.get_json("/v3/feeds", params={"offset": page * FEEDS_PAGE, "limit": FEEDS_PAGE},
                                 family="feed_status") or {}  # fmt: skip
            rows = ((body.get("results") or {}).get("feed")) or []
            feeds += rows
            if len(rows) < FEEDS_PAGE:
                break
        pending = {str(f["feedId"]) for f in feeds
                   if f.get("feedType") in ITEM_FEED_TYPES and f.get("feedStatus") in IN_FLIGHT}  # fmt: skip
        statuses = {f: self.feed_status(f) for f in pending}
        unstarted = {f for f, st in statuses.items() if st["status"] in IN_FLIGHT and not st["items"]}
        waited = self._await({f"{MP_ITEM}:{f}" for f in unstarted}, started=True)
        statuses.update({token.split(":", 1)[1]: st for token, st in waited.items()})
        unknown = ""
        for feed_id, status in statuses.items():
            if status["status"] in IN_FLIGHT and not status["items"]:
                unknown = feed_id
            for sku in wanted & set(status["items"]):
                found[sku] = f"{MP_ITEM}:{feed_id}"
        return found, unknown

    # -- value lists -----------------------------------------------------------------------------------
    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """``category``: the taxonomy's ``category > subcategory`` paths; ``attribute``: the variant names (free text)."""
        categories = [{"category": r["path"], "code": r["id"], "description": f"subCategory {r['key']}"}
                      for r in self.taxonomy()]  # fmt: skip
        attributes = [{"attribute": name, "value": "", "code": name, "description": "variação (texto livre)"}
                      for name in VARIANT_ATTRIBUTES]  # fmt: skip
        return {"category": categories, "attribute": attributes}

    def create_listing(self, item: ProductItem) -> PublishResult:
        """One item in its own MP_ITEM feed (the loop sends feeds of many: :meth:`send_listings`)."""
        return self._single(item)

    def update_listing(self, item: ProductItem) -> PublishResult:
        """One item in its own MP_MAINTENANCE feed."""
        return self._single(item)

    def _single(self, item: ProductItem) -> PublishResult:
        result = self.send_listings([item])[0]
        if result.status == FAILED:
            raise ChannelFatalError(result.reason, channel=self.channel.name)
        return result


def _note(item: ProductItem) -> str:
    """What the feed does not carry for ``item`` (``PublishResult.note``, pt-BR), or ``""``."""
    skipped = []
    if item.ncm:
        skipped.append("NCM (o Walmart US não tem)")
    if any((item.height_cm, item.width_cm, item.length_cm)):
        skipped.append("medidas (o feed leva só o peso de envio)")
    return "não enviado: " + ", ".join(skipped) if skipped else ""


def _errors(errors: list[dict[str, Any]]) -> str:
    text = "; ".join(f"{e.get('code', '')}: {e.get('description', '')}".strip(": ") for e in errors[:5])
    return text or "sem detalhe do erro"
