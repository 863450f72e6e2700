"""Walmart sandbox, item feeds: MP_ITEM / MP_MAINTENANCE uploads, asynchronous ingestion, feed and item status.

Written from Walmart's documents (``../shared/specs/walmart``: ``items.json``
``POST /v3/feeds`` with its V4.8 examples, ``GET /v3/items/{id}``, taxonomy;
``feeds.json`` ``GET /v3/feeds`` and ``GET /v3/feeds/{feedId}`` with
``PartnerFeedResponse``) and developer.walmart.com's feed pages, never from the
connector:

* an upload is ``multipart/form-data`` with a ``file`` part holding the JSON feed;
  the answer is ``{"feedId"}`` at once. More than 10,000 items is refused (400),
  a file over 25 MB too (413 "Payload Too Large"); nothing else is checked then.
* the feed is then **processed asynchronously**: ``RECEIVED`` (not started: no item
  details yet), ``INPROGRESS`` (every item ``INPROGRESS``), then ``PROCESSED`` with a
  per-item ``ingestionStatus`` (``SUCCESS`` or ``DATA_ERROR`` with
  ``ingestionErrors``), or ``ERROR`` as a whole (a bad header: no item processed).
  The timing is :attr:`WalmartFeedRoutes.feed_timing` (tests slow it down to keep
  feeds pending); state moves when anything is read, as time passes.
* what an item is refused for (inferred: the 4.8 item spec's JSON schema is not in
  the shared documents): the fields the examples carry (``sku`` <= 50,
  ``productIdentifiers`` with a valid GTIN/UPC/EAN check digit, ``productName`` <= 199,
  ``brand`` <= 60, ``price`` and ``ShippingWeight`` > 0, ``shortDescription``,
  ``mainImageUrl`` http(s)), ``Visible`` naming the category of the header's
  ``subCategory``, a product id another SKU already uses, an MP_MAINTENANCE for a
  SKU Walmart does not have, a variant group repeating another member's values.
* an **MP_MAINTENANCE** item is a partial update (Walmart's "Bulk item maintenance"
  guide: it "requires only the SKU and GTIN attributes"; "if you leave an attribute
  blank, there will be no change to the content. If you fill out an attribute, it will
  be an update to replace the existing content"): only ``sku`` and the product id are
  required, each attribute given replaces the stored one, the others stay.
* a successful MP_ITEM item becomes an item of ``GET /v3/items`` with a new
  ``wpid``; ``listings_by_ref`` counts the **setups** of each SKU (MP_ITEM
  submissions not refused, still processing or done), so a second feed for an
  item already set up or in flight shows as a duplicate.

A mixin of :class:`kit.sandbox.walmart.WalmartSandbox`; it imports nothing from ``kit.connectors``.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import unquote

from kit.sandbox.base import BadRequest, Reply, Request, route
from kit.sandbox.limits import SandboxBucket

__all__ = ["WalmartFeedRoutes", "TAXONOMY", "subcategory_key", "valid_gtin"]

MAX_FEED_ITEMS = 10_000  # items.json POST /v3/feeds: "updates with more than 10,000 items are not supported"
MAX_FEED_BYTES = 25 * 1024 * 1024  # developer.walmart.com Bulk item setup: files up to 25 MB; 413 past a limit
MAX_STATUS_PAGE, MAX_FEEDS_PAGE = 1000, 50  # feed item status limit "Max 1000"; all feed statuses "Max 50"
SELLING_CHANNEL = {"MP_ITEM": "marketplace", "MP_MAINTENANCE": "mpmaintenance"}  # the V4.8 examples
#: ``GET /v3/items/taxonomy``: the example's categories, and those of the feed examples' Visible groups.
TAXONOMY = {
    "Animal": ("Animal Accessories", "Animal Food", "Animal Health & Grooming", "Animal Other"),
    "Art & Craft": ("Art & Craft",),
    "Clothing": ("Clothing Other", "Clothing Accessories"),
    "Computers": ("Computers",),
    "Home Decor, Kitchen, & Other": ("Home Other", "Kitchen & Dining"),
}
_LIMITS = {"sku": 50, "productName": 199, "brand": 60}


def subcategory_key(name: str) -> str:
    """``"Clothing Other"`` -> ``clothing_other``: the header's ``subCategory`` (inferred from the examples)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def valid_gtin(code: str) -> bool:
    """A GTIN-8/12/13/14 with a correct check digit."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    digits = [int(c) for c in code]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


def _error(code: str, description: str, kind: str = "DATA_ERROR") -> dict[str, str]:
    return {"type": kind, "code": code, "description": description}


class WalmartFeedRoutes:
    """Feed routes and the ingestion model (mixed into the Walmart sandbox; ``self.state`` is the sandbox's)."""

    state: Any
    #: seconds a feed stays RECEIVED, then INPROGRESS (plus ``per_item_s`` per item)
    feed_timing: dict[str, float] = {"received_s": 0.05, "process_s": 0.1, "per_item_s": 0.0002}

    def seed_feeds(self) -> None:
        self.feed_timing = dict(type(self).feed_timing)
        self.feed_buckets: dict[str, SandboxBucket] = {}
        self.state.data.update(feeds={}, feed_order=[], setups={}, content={},
                               next_wpid=700000 + len(self.state.data["items"]))  # fmt: skip
        for sku in self.state.data["items"]:
            self.state.data["setups"][sku] = ["seed"]

    def set_feed_rate(self, per_second: float | None, burst: float = 1.0) -> None:
        """Answer 429 past ``per_second`` uploads of each feed type (Walmart publishes MP_ITEM and MP_MAINTENANCE
        at 10 an hour each: off by default, as the tests upload dozens of feeds a minute; benchmarks set a rate)."""
        self.feed_buckets = {} if per_second is None else {t: SandboxBucket(per_second, burst) for t in SELLING_CHANNEL}

    def listings_by_ref(self) -> dict[str, list[str]]:
        """SKU -> its item setups (seeded, or MP_ITEM submissions in flight or applied): one each, never two."""
        with self.state.lock:
            self.advance_feeds()
            out = {sku: list(ids) for sku, ids in self.state.data["setups"].items() if ids}
            for feed in self.state.data["feeds"].values():
                if feed["feedType"] == "MP_ITEM" and feed["status"] in ("RECEIVED", "INPROGRESS"):
                    for item in feed["items"]:
                        sku = str((item.get("Orderable") or {}).get("sku") or "")
                        out.setdefault(sku, []).append(feed["feedId"])
        return out

    # -- upload ---------------------------------------------------------------------------------------
    @route("POST", "/v3/feeds")
    def feed_upload(self, req: Request) -> Any:
        feed_type = req.q("feedType")
        if feed_type not in SELLING_CHANNEL:
            raise BadRequest(f"feedType {feed_type!r} is not served by this sandbox (MP_ITEM, MP_MAINTENANCE)")
        bucket = self.feed_buckets.get(feed_type)
        if bucket is not None and not bucket.try_acquire():
            return self.rate_limited_reply(max(1, int(bucket.seconds_until() + 0.999)))  # type: ignore[attr-defined]
        if len(req.body) > MAX_FEED_BYTES:
            return Reply(413, {"errors": [{"code": "PAYLOAD_TOO_LARGE", "description": "Payload Too Large",
                                           "info": "Payload Too Large", "severity": "ERROR", "category": "REQUEST",
                                           "causes": [], "errorIdentifiers": {}}]})  # fmt: skip
        feed = self._feed_file(req)
        items = feed.get("MPItem") if isinstance(feed, dict) else None
        if not isinstance(items, list) or not items:
            raise BadRequest("the feed file has no MPItem list")
        if len(items) > MAX_FEED_ITEMS:
            raise BadRequest(f"a feed takes at most {MAX_FEED_ITEMS} items; this one has {len(items)}")
        feed_id = f"{uuid.uuid4().hex.upper()}@AU8BAQA"
        with self.state.lock:
            self.state.data["feeds"][feed_id] = {
                "feedId": feed_id, "feedType": feed_type, "header": feed.get("MPItemFeedHeader") or {},
                "items": items, "at": time.time(), "status": "RECEIVED", "results": [], "errors": [],
            }  # fmt: skip
            self.state.data["feed_order"].append(feed_id)
        return {"feedId": feed_id, "additionalAttributes": None, "errors": None}

    def _feed_file(self, req: Request) -> Any:
        ctype = req.header("Content-Type") or ""
        if "multipart/form-data" not in ctype:
            raise BadRequest("the feed must be sent as multipart/form-data with a 'file' part")
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + req.body)
        parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
        if "file" not in parts:
            raise BadRequest("the multipart body has no 'file' part")
        try:
            return json.loads(parts["file"].get_payload(decode=True) or b"")
        except ValueError:
            raise BadRequest("the feed file is not valid JSON") from None

    # -- ingestion ------------------------------------------------------------------------------------
    def advance_feeds(self) -> None:
        """Move every feed along its timeline (call with the lock held)."""
        timing, now = self.feed_timing, time.time()
        for feed_id in self.state.data["feed_order"]:
            feed = self.state.data["feeds"][feed_id]
            if feed["status"] in ("PROCESSED", "ERROR"):
                continue
            started = feed["at"] + timing["received_s"]
            if now < started:
                continue
            if now < started + timing["process_s"] + timing["per_item_s"] * len(feed["items"]):
                feed["status"] = "INPROGRESS"
                continue
            self._ingest(feed)

    def _ingest(self, feed: dict[str, Any]) -> None:
        header, feed_type = feed["header"], feed["feedType"]
        category = self._header_category(header, feed_type)
        if isinstance(category, dict):  # the header itself is wrong: the feed fails as a whole
            feed.update(status="ERROR", errors=[category])
            return
        results = []
        for index, item in enumerate(feed["items"]):
            sku = str((item.get("Orderable") or {}).get("sku") or "")
            errors = self._item_errors(item, feed_type, category)
            result: dict[str, Any] = {"martId": 0, "sku": sku, "index": index}
            if errors:
                result.update(ingestionStatus="DATA_ERROR", ingestionErrors={"ingestionError": errors})
            else:
                result.update(ingestionStatus="SUCCESS", wpid=self._apply(item, feed))
            results.append(result)
        feed.update(status="PROCESSED", results=results)

    def _header_category(self, header: dict[str, Any], feed_type: str) -> str | dict[str, str]:
        expected = {"sellingChannel": SELLING_CHANNEL[feed_type], "processMode": "REPLACE", "subset": "EXTERNAL",
                    "locale": "en", "version": "4.8"}  # fmt: skip
        for key, value in expected.items():
            if header.get(key) != value:
                return _error("INVALID_FEED_HEADER", f"MPItemFeedHeader.{key} must be {value!r} for {feed_type}")
        for category, subs in TAXONOMY.items():
            if header.get("subCategory") in {subcategory_key(s) for s in subs}:
                return category
        return _error("INVALID_SUBCATEGORY", f"unknown subCategory {header.get('subCategory')!r}")

    def _item_errors(self, item: dict[str, Any], feed_type: str, category: str) -> list[dict[str, str]]:
        orderable, visible = item.get("Orderable") or {}, item.get("Visible") or {}
        setup = feed_type == "MP_ITEM"  # a maintenance item needs only its SKU and product id; the rest if given
        errors = []
        for key in ("sku", "productName", "brand"):
            value = orderable.get(key)
            if key not in orderable and not setup and key != "sku":
                continue
            if not isinstance(value, str) or not value.strip():
                errors.append(_error("MISSING_ATTRIBUTE", f"Orderable.{key} is required"))
            elif len(value) > _LIMITS[key]:
                errors.append(_error("INVALID_ATTRIBUTE", f"Orderable.{key} is longer than {_LIMITS[key]} characters"))
        ids = orderable.get("productIdentifiers") or {}
        if ids.get("productIdType") not in ("GTIN", "UPC", "EAN", "ISBN") or not valid_gtin(str(ids.get("productId"))):
            errors.append(_error("INVALID_PRODUCT_ID", f"productIdentifiers {ids!r}: not a valid GTIN/UPC/EAN"))
        for key in ("price", "ShippingWeight"):
            value = orderable.get(key)
            if (setup or key in orderable) and (
                not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0
            ):
                errors.append(_error("MISSING_ATTRIBUTE", f"Orderable.{key} must be a number greater than 0"))
        if list(visible) != [category]:
            errors.append(
                _error("INVALID_CATEGORY", f"Visible must hold one group, {category!r}, for this subCategory")
            )
        group = visible.get(category) or {}
        if (setup or "shortDescription" in group) and not str(group.get("shortDescription") or "").strip():
            errors.append(_error("MISSING_ATTRIBUTE", "Visible.shortDescription is required"))
        if (setup or "mainImageUrl" in group) and not re.match(r"^https?://\S+$", str(group.get("mainImageUrl") or "")):
            errors.append(_error("MISSING_ATTRIBUTE", "Visible.mainImageUrl must be an http(s) URL"))
        if errors:
            return errors
        return self._catalogue_errors(orderable, group, feed_type)

    def _catalogue_errors(self, orderable: dict[str, Any], group: dict[str, Any], feed_type: str) -> list[dict]:
        sku, items = orderable["sku"], self.state.data["items"]
        if feed_type == "MP_MAINTENANCE" and sku not in items:
            return [_error("SKU_NOT_FOUND", f"SKU {sku} is not set up; use MP_ITEM to create it")]
        gtin = str(orderable["productIdentifiers"]["productId"]).zfill(14)
        other = next((s for s, it in items.items() if s != sku and str(it.get("gtin")).zfill(14) == gtin), None)
        if other:
            return [_error("DUPLICATE_PRODUCT_ID", f"product id {gtin} is already used by SKU {other}")]
        group_id = group.get("variantGroupId")
        if group_id:
            names = group.get("variantAttributeNames")
            if not isinstance(names, list) or not names or any(group.get(n) in (None, "") for n in names):
                return [_error("INVALID_VARIANT", "variantAttributeNames must name attributes this item carries")]
            combo = tuple(str(group.get(n)) for n in names)
            for other_sku, content in self.state.data["content"].items():
                theirs = next(iter((content.get("Visible") or {}).values()), {})
                if other_sku != sku and theirs.get("variantGroupId") == group_id:
                    if tuple(str(theirs.get(n)) for n in names) == combo:
                        return [_error("DUPLICATE_VARIANT", f"SKU {other_sku} of group {group_id} has the same "
                                                            f"{', '.join(names)}")]  # fmt: skip
        return []

    def _apply(self, item: dict[str, Any], feed: dict[str, Any]) -> str:
        orderable, items = item["Orderable"], self.state.data["items"]
        sku = str(orderable["sku"])
        current = items.get(sku)
        if current is None:
            self.state.data["next_wpid"] += 1
            current = {"mart": "WALMART_US", "sku": sku, "wpid": f"WP{self.state.data['next_wpid']}",
                       "publishedStatus": "PUBLISHED", "lifecycleStatus": "ACTIVE", "quantity": 0}  # fmt: skip
            items[sku] = current
        current["gtin"] = str(orderable["productIdentifiers"]["productId"]).zfill(14)
        if "productName" in orderable:
            current["productName"] = orderable["productName"]
        if "price" in orderable:
            current["price"] = {"currency": "USD", "amount": float(orderable["price"])}
        self.state.data["content"][sku] = _merged(self.state.data["content"].get(sku), item)
        if feed["feedType"] == "MP_ITEM":
            self.state.data["setups"].setdefault(sku, []).append(feed["feedId"])
        return current["wpid"]

    # -- status ---------------------------------------------------------------------------------------
    def _limit(self, req: Request, default: int, most: int) -> tuple[int, int]:
        offset, limit = req.q("offset", "0") or "0", req.q("limit", str(default)) or str(default)
        if not offset.isdigit() or not limit.isdigit() or not 0 < int(limit) <= most:
            raise BadRequest(f"offset must be a number and limit a number from 1 to {most}")
        return int(offset), int(limit)

    @route("GET", "/v3/feeds")
    def feeds_list(self, req: Request) -> Any:
        offset, limit = self._limit(req, 50, MAX_FEEDS_PAGE)
        with self.state.lock:
            self.advance_feeds()
            ids = [f for f in reversed(self.state.data["feed_order"]) if req.q("feedId") in (None, f)]
            rows = [self._record(self.state.data["feeds"][f]) for f in ids]
        return {"totalResults": len(rows), "offset": offset, "limit": limit,
                "results": {"feed": rows[offset : offset + limit]}}  # fmt: skip

    def _record(self, feed: dict[str, Any]) -> dict[str, Any]:
        done = [r for r in feed["results"] if r["ingestionStatus"] != "INPROGRESS"]
        ok = sum(1 for r in done if r["ingestionStatus"] == "SUCCESS")
        failed = len(feed["items"]) if feed["status"] == "ERROR" else len(done) - ok
        return {"feedId": feed["feedId"], "feedSource": "MARKETPLACE_PARTNER", "feedType": feed["feedType"],
                "partnerId": "10000012345", "itemsReceived": len(feed["items"]), "itemsSucceeded": ok,
                "itemsFailed": failed, "itemsProcessing": len(feed["items"]) - ok - failed,
                "feedStatus": feed["status"], "feedDate": int(feed["at"] * 1000),
                "modifiedDtm": int(time.time() * 1000)}  # fmt: skip

    @route("GET", "/v3/feeds/{feedId}")
    def feed_status(self, req: Request) -> Any:
        offset, limit = self._limit(req, 50, MAX_STATUS_PAGE)
        with self.state.lock:
            self.advance_feeds()
            feed = self.state.data["feeds"].get(unquote(req.params["feedId"]))
            if feed is None:
                raise BadRequest(f"feed {unquote(req.params['feedId'])} not found", 404)
            record = self._record(feed)
            body: dict[str, Any] = {k: record[k] for k in ("feedId", "feedStatus", "itemsReceived", "itemsSucceeded",
                                                           "itemsFailed", "itemsProcessing")}  # fmt: skip
            body.update(offset=offset, limit=limit, ingestionErrors={"ingestionError": list(feed["errors"])})
            if req.q("includeDetails", "false") == "true":
                rows = feed["results"]
                if feed["status"] == "INPROGRESS":
                    rows = [{"martId": 0, "sku": str((it.get("Orderable") or {}).get("sku") or ""), "index": n,
                             "ingestionStatus": "INPROGRESS"} for n, it in enumerate(feed["items"])]  # fmt: skip
                body["itemDetails"] = {"itemIngestionStatus": rows[offset : offset + limit]}
        return body

    # -- taxonomy, items by SKU (taxonomy first: it would match {sku}) ---------------------------------------------------------------------------
    @route("GET", "/v3/items/taxonomy")
    def taxonomy(self, req: Request) -> Any:
        payload = [{"category": c, "subcategory": [{"subCategoryName": s, "subCategoryId": uuid.uuid5(
            uuid.NAMESPACE_URL, f"walmart:{c}:{s}").hex[:24]} for s in subs]} for c, subs in TAXONOMY.items()]  # fmt: skip
        return {"status": "SUCCESS", "payload": payload}

    @route("GET", "/v3/items/{sku}")
    def item_get(self, req: Request) -> Any:
        if req.q("productIdType") != "SKU":
            raise BadRequest("productIdType is required (this sandbox serves productIdType=SKU)")
        sku = unquote(req.params["sku"])
        with self.state.lock:
            self.advance_feeds()
            item = self.state.data["items"].get(sku)
            if item is None:
                return Reply(404, {"errors": [{"code": "CONTENT_NOT_FOUND.GMP_ITEM_QUERY_API", "field": "sku",
                                               "description": f"Item not found for SKU {sku}", "info": "not found",
                                               "severity": "ERROR", "category": "DATA", "causes": [],
                                               "errorIdentifiers": {}}]})  # fmt: skip
            row = {k: v for k, v in item.items() if k != "quantity"}
        return {"ItemResponse": [row], "totalItems": 1}  # the document's example (its schema says responseRecord)


def _merged(stored: dict[str, Any] | None, item: dict[str, Any]) -> dict[str, Any]:
    """``stored`` content with ``item``'s attributes replacing its own (a maintenance item); ``item`` when new."""
    if not stored:
        return item
    orderable = {**(stored.get("Orderable") or {}), **(item.get("Orderable") or {})}
    visible = {}
    for category, group in (item.get("Visible") or {}).items():
        before = next(iter((stored.get("Visible") or {}).values()), {})
        visible[category] = {**before, **group}
    return {"Orderable": orderable, "Visible": visible or stored.get("Visible") or {}}
