"""Mercado Livre sandbox: creating a listing (``POST /items``), its description, and every change of ``PUT /items/{id}``.

From developers.mercadolivre.com.br ("Publicar produtos", "Descrição de
produtos", "Variações", "Sincroniza e modifica publicações"; the notes in
``/work/wt/notes/mercadolivre-catalog.md``), checked by
:mod:`~kit.sandbox.mercadolivre.validation`:

* ``POST /items`` answers 201 with the new item (``MLB5000000001``...);
  pictures by URL (``{"source": …}``) become ML pictures with their own ids;
  a variation's ``picture_ids`` may name a picture by id or by the source it
  was sent with (🟡); ``seller_custom_field`` is kept as sent;
* ``POST /items/{id}/description`` ``{"plain_text"}`` creates the description
  (400 when the item has one: ``PUT`` changes it); plain text only;
* ``PUT /items/{id}`` changes what it carries: ``title`` and ``category_id``
  only while the item has no sales (✅ "once the item has sales, the title is
  frozen"), ``pictures`` (the whole set), ``attributes`` (merged by id),
  ``available_quantity``/``price`` (per variation when it has them: one price
  for all), ``variations``: an entry with ``id`` changes that variation, one
  without ``id`` adds a variation, and variations left out are **deleted**
  (❓, the worst plausible case); the required attributes are checked again.
  A closed item cannot be modified;
* a Full listing (``shipping.logistic_type: fulfillment``) keeps its stock in
  ML's warehouse, managed by ML (§1.3, "Full and Flex coexistence": the
  ``meli_facility`` stock is "managed by Fulfillment"): a ``PUT`` carrying an
  ``available_quantity`` for it is refused with a cause (*inferred*: the pages
  do not show the ``/items`` answer; a refusal is the visible case).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from kit.sandbox.base import BadRequest, Reply, Request, route
from kit.sandbox.mercadolivre.catalog import category_settings
from kit.sandbox.mercadolivre.common import SELLER_ID, SITE, is_int, is_number, ml_date, ml_error
from kit.sandbox.mercadolivre.validation import (
    Causes,
    attributes_of,
    check_item,
    check_new_variation,
    check_pictures,
    check_required,
    specs_by_id,
)

__all__ = ["ListingRoutes", "DESCRIPTION_MAX"]

#: Longest plain-text description accepted (inferred: the page gives no number; 50,000 seen in integrations).
DESCRIPTION_MAX = 50_000
_FIRST_NEW_ITEM = 5_000_000_000


def _now() -> str:
    return ml_date(datetime.now(UTC))


class ListingRoutes:
    """Listing creation and changes (a mixin of the sandbox; uses the catalogue mixin's lookups)."""

    state: Any
    category: Any
    attributes_of: Any

    # -- pictures ----------------------------------------------------------------------
    def _picture(self, source: str) -> dict[str, Any]:
        data = self.state.data
        data["next_picture"] = data.get("next_picture", 700000) + 1
        pic_id = f"{data['next_picture']}-{SITE}{data['next_picture'] * 7 % 99991:05d}_112026"
        data["picture_sources"][pic_id] = source
        return {"id": pic_id, "url": f"http://http2.mlstatic.com/D_{pic_id}-O.jpg",
                "secure_url": f"https://http2.mlstatic.com/D_{pic_id}-O.jpg", "size": "500x500",
                "max_size": "1200x1200"}  # fmt: skip

    def _store_pictures(self, item: dict[str, Any], sent: list[dict[str, Any]]) -> dict[str, str]:
        """Replace the item's pictures with ``sent``; answers source/id -> picture id."""
        current = {p["id"]: p for p in item.get("pictures") or []}
        pictures, names = [], {}
        for pic in sent:
            record = current[pic["id"]] if "id" in pic else self._picture(pic["source"])
            pictures.append(record)
            names[record["id"]] = record["id"]
            names[self.state.data["picture_sources"].get(record["id"], record["id"])] = record["id"]
        item["pictures"] = pictures
        return names

    def _picture_names(self, item: dict[str, Any]) -> dict[str, str]:
        sources = self.state.data["picture_sources"]
        names = {p["id"]: p["id"] for p in item.get("pictures") or []}
        names.update({sources[p["id"]]: p["id"] for p in item.get("pictures") or [] if p["id"] in sources})
        return names

    # -- create ------------------------------------------------------------------------
    @route("POST", "/items")
    def item_post(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not body:
            raise BadRequest("body must be a JSON object with the item")
        causes = Causes()
        node = self.category(str(body.get("category_id") or ""))
        if node is None or node["children"]:
            causes.add("item.category_id.invalid", f"Category {body.get('category_id')} does not allow listings: use "
                       "a leaf category (settings.listing_allowed)", "item.category_id")  # fmt: skip
            return causes.reply()
        settings = category_settings(node)
        specs = specs_by_id(self.attributes_of(node["id"]))
        check_item(body, settings, causes)
        pictures = check_pictures(body.get("pictures"), settings["max_pictures_per_item"], set(), causes)
        sources = {p["source"] for p in pictures if "source" in p}
        sent = body.get("variations") or []
        if not isinstance(sent, list) or len(sent) > settings["max_variations_allowed"]:
            causes.add("item.variations.max", f"at most {settings['max_variations_allowed']} variations per item",
                       "item.variations")  # fmt: skip
            sent = []
        variations = [v for v in (check_new_variation(s, specs, sources, causes) for s in sent) if v is not None]
        draft = {"category_id": node["id"], "attributes": attributes_of(body.get("attributes"), specs, causes),
                 "variations": variations}  # fmt: skip
        check_required(draft, specs, causes)
        if causes:
            return causes.reply()
        with self.state.lock:
            item = self._new_item(body, draft, pictures)
        return Reply(201, copy.deepcopy(item))

    def _new_item(self, body: dict[str, Any], draft: dict[str, Any], pictures: list[dict[str, Any]]) -> dict[str, Any]:
        data = self.state.data
        item_id = f"{SITE}{_FIRST_NEW_ITEM + len(data['created']) + 1}"
        data["created"].append(item_id)
        item = {"id": item_id, "site_id": SITE, "title": body["title"], "seller_id": SELLER_ID,
                "category_id": draft["category_id"], "price": float(body["price"]), "base_price": float(body["price"]),
                "currency_id": body["currency_id"], "available_quantity": 0, "sold_quantity": 0,
                "buying_mode": body["buying_mode"], "listing_type_id": body["listing_type_id"],
                "condition": body["condition"], "status": "active",
                "permalink": f"https://produto.mercadolivre.com.br/{item_id}",
                "seller_custom_field": body.get("seller_custom_field"), "attributes": draft["attributes"],
                "variations": [], "pictures": [], "shipping": {"mode": "me2", "logistic_type": "drop_off",
                                                              "free_shipping": False},
                "date_created": _now(), "last_updated": _now()}  # fmt: skip
        names = self._store_pictures(item, pictures)
        for var in draft["variations"]:
            self._add_variation(item, var, names)
        item["available_quantity"] = (
            sum(v["available_quantity"] for v in item["variations"])
            if item["variations"]
            else body["available_quantity"]
        )
        data["items"][item_id] = item
        return item

    def _add_variation(self, item: dict[str, Any], var: dict[str, Any], names: dict[str, str]) -> None:
        data = self.state.data
        data["next_variation"] = data.get("next_variation", 180000000000) + 1
        item["variations"].append({**var, "id": data["next_variation"], "price": float(var["price"]),
                                   "picture_ids": [names[p] for p in var["picture_ids"]]})  # fmt: skip

    # -- description ---------------------------------------------------------------------
    def _description_body(self, req: Request) -> str | Reply:
        body = req.json()
        text = body.get("plain_text") if isinstance(body, dict) else None
        if not isinstance(text, str):
            return ml_error(400, "validation_error", "plain_text is required", [])
        if len(text) > DESCRIPTION_MAX or ("<" in text and ">" in text):
            return ml_error(400, "validation_error", f"plain_text must be plain text up to {DESCRIPTION_MAX} "
                            "characters (no HTML)", [])  # fmt: skip
        return text

    @route("POST", "/items/{item_id}/description")
    def description_post(self, req: Request) -> Any:
        text = self._description_body(req)
        if isinstance(text, Reply):
            return text
        with self.state.lock:
            if req.params["item_id"] not in self.state.data["items"]:
                return ml_error(404, "not_found", f"Item with id {req.params['item_id']} not found")
            if req.params["item_id"] in self.state.data["descriptions"]:
                return ml_error(400, "validation_error", "The item already has a description: use PUT to change it", [])
            self.state.data["descriptions"][req.params["item_id"]] = {
                "text": "",
                "plain_text": text,
                "date_created": _now(),
                "last_updated": _now(),
            }
        return Reply(201, self.state.data["descriptions"][req.params["item_id"]])

    @route("PUT", "/items/{item_id}/description")
    def description_put(self, req: Request) -> Any:
        text = self._description_body(req)
        if isinstance(text, Reply):
            return text
        with self.state.lock:
            if req.params["item_id"] not in self.state.data["items"]:
                return ml_error(404, "not_found", f"Item with id {req.params['item_id']} not found")
            record = self.state.data["descriptions"].setdefault(req.params["item_id"], {"date_created": _now()})
            record.update(text="", plain_text=text, last_updated=_now())
        return dict(record)

    @route("GET", "/items/{item_id}/description")
    def description_get(self, req: Request) -> Any:
        record = self.state.data["descriptions"].get(req.params["item_id"])
        if record is None:
            return ml_error(404, "not_found", f"Description of item {req.params['item_id']} not found")
        return dict(record)

    # -- changes -------------------------------------------------------------------------
    @route("PUT", "/items/{item_id}")
    def item_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not body:
            raise BadRequest("body must be a JSON object with the fields to change")
        with self.state.lock:
            item = self.state.data["items"].get(req.params["item_id"])
            if item is None:
                return ml_error(404, "not_found", f"Item with id {req.params['item_id']} not found")
            if item["status"] == "closed":
                return ml_error(400, "validation_error", "Item in status closed can not be modified", [])
            if _full_stock_write(item, body):
                return ml_error(400, "validation_error", "Validation error", [{
                    "code": "item.available_quantity.not_modifiable", "type": "error", "department": "items",
                    "message": "The stock of a fulfillment item is managed by Mercado Libre",
                    "references": ["item.available_quantity"]}])  # fmt: skip
            draft, causes = copy.deepcopy(item), Causes()
            self._change(draft, body, causes)
            if causes:
                return causes.reply()
            item.clear()
            item.update(draft, last_updated=_now())
            return copy.deepcopy(item)

    def _change(self, item: dict[str, Any], body: dict[str, Any], causes: Causes) -> None:
        """Apply ``body`` to ``item`` (a copy), adding a cause for every refused field."""
        sold = int(item.get("sold_quantity") or 0)
        for key in ("title", "category_id"):
            if key in body and body[key] != item.get(key) and sold:
                causes.add(f"item.{key}.not_modifiable", f"{key} cannot be modified: the item has sales", f"item.{key}")
        node = self.category(str(body.get("category_id", item["category_id"])))
        if node is None or node["children"]:
            causes.add("item.category_id.invalid", "category_id must be a leaf category", "item.category_id")
            return
        settings, specs = category_settings(node), specs_by_id(self.attributes_of(node["id"]))
        if "title" in body:
            check_item({**_ITEM_OK, "title": body["title"]}, settings, causes)
        item.update({k: body[k] for k in ("title",) if k in body}, category_id=node["id"])
        if "pictures" in body:
            known = {p["id"] for p in item.get("pictures") or []}
            self._store_pictures(item, check_pictures(body["pictures"], settings["max_pictures_per_item"], known,
                                                      causes))  # fmt: skip
        if "attributes" in body:
            merged = {a["id"]: a for a in item.get("attributes") or []}
            merged.update({a["id"]: a for a in attributes_of(body["attributes"], specs, causes)})
            item["attributes"] = list(merged.values())
        self._stock_and_price(item, body, causes)
        if "variations" in body:
            self._change_variations(item, body["variations"], specs, causes)
        if any(k in body for k in ("attributes", "variations", "category_id")):
            check_required(item, specs, causes)

    @staticmethod
    def _stock_and_price(item: dict[str, Any], body: dict[str, Any], causes: Causes) -> None:
        if item["variations"] and ("available_quantity" in body or "price" in body) and "variations" not in body:
            causes.add("item.variations.required", "item has variations: available_quantity and price must be sent "
                       "per variation", "item.variations")  # fmt: skip
            return
        if "available_quantity" in body:
            if not is_int(body["available_quantity"]) or body["available_quantity"] < 0:
                causes.add("item.available_quantity.invalid", "available_quantity must be an integer >= 0",
                           "item.available_quantity")  # fmt: skip
            else:
                item["available_quantity"] = body["available_quantity"]
        if "price" in body:
            if not is_number(body["price"]) or body["price"] <= 0:
                causes.add("item.price.invalid", "price must be a positive number", "item.price")
            else:
                item["price"] = float(body["price"])

    def _change_variations(self, item: dict[str, Any], sent: Any, specs: dict[str, Any], causes: Causes) -> None:
        if not isinstance(sent, list):
            causes.add("item.variations.invalid", "variations must be a list", "item.variations")
            return
        current = {v["id"]: v for v in item["variations"]}
        names = self._picture_names(item)
        kept: list[dict[str, Any]] = []
        for var in sent:
            if isinstance(var, dict) and "id" not in var:
                new = check_new_variation(var, specs, set(names), causes)
                if new is not None:
                    self._add_variation(item, new, names)
                    kept.append(item["variations"].pop())
                continue
            if not isinstance(var, dict) or not is_int(var.get("id")) or var["id"] not in current:
                causes.add("item.variations.invalid", f"variation {var.get('id') if isinstance(var, dict) else var} "
                           "does not belong to the item", "item.variations")  # fmt: skip
                continue
            kept.append(self._merge_variation(current[var["id"]], var, specs, names, causes))
        item["variations"] = kept  # variations left out are deleted (the worst plausible case, ❓)
        item["available_quantity"] = sum(int(v.get("available_quantity") or 0) for v in kept)
        if kept:
            item["price"] = float(kept[0]["price"])

    @staticmethod
    def _merge_variation(
        old: dict[str, Any], var: dict[str, Any], specs: dict[str, Any], names: dict[str, str], causes: Causes
    ) -> dict[str, Any]:
        merged = dict(old)
        if "available_quantity" in var:
            if not is_int(var["available_quantity"]) or var["available_quantity"] < 0:
                causes.add("item.variations.available_quantity.invalid", "available_quantity must be an integer >= 0",
                           "item.variations.available_quantity")  # fmt: skip
            merged["available_quantity"] = var["available_quantity"]
        if "price" in var:
            if not is_number(var["price"]) or var["price"] <= 0:
                causes.add("item.variations.price.invalid", "price must be a positive number", "item.variations.price")
            else:
                merged["price"] = float(var["price"])
        for key in ("attribute_combinations", "attributes"):
            if key in var:
                by_id = {a["id"]: a for a in old.get(key) or []}
                by_id.update({a["id"]: a for a in attributes_of(var[key], specs, causes)})
                merged[key] = list(by_id.values())
        if "picture_ids" in var:
            ids = var["picture_ids"] if isinstance(var["picture_ids"], list) else [None]
            if any(str(p) not in names for p in ids):
                causes.add("item.variations.picture_ids.invalid", "picture_ids must be pictures of the item",
                           "item.variations.picture_ids")  # fmt: skip
            merged["picture_ids"] = [names.get(str(p), str(p)) for p in ids]
        return merged


def _full_stock_write(item: dict[str, Any], body: dict[str, Any]) -> bool:
    """``body`` carries a quantity for a Full item (its own or a variation's)."""
    if (item.get("shipping") or {}).get("logistic_type") != "fulfillment":
        return False
    sent = body.get("variations") if isinstance(body.get("variations"), list) else []
    return "available_quantity" in body or any(isinstance(v, dict) and "available_quantity" in v for v in sent)


#: A body whose other fields pass, to check a changed title alone.
_ITEM_OK = {"price": 1, "currency_id": "BRL", "available_quantity": 0, "buying_mode": "buy_it_now",
            "condition": "new", "listing_type_id": "gold_special"}  # fmt: skip
