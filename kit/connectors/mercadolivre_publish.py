"""Mercado Livre publishing: listings created and updated through ``/items``, found again by ``SELLER_SKU``.

A mixin of :class:`kit.connectors.mercadolivre.MercadoLivreConnector` (the hooks
of ``docs/publishing.md``); the catalogue reads are
:mod:`kit.connectors.mercadolivre_catalog`. Sources: developers.mercadolivre.com.br
("Publicar produtos", "Variações", "Descrição de produtos", "Atributos") and the
notes in ``/work/wt/notes/mercadolivre-catalog.md``.

* **Find by SKU**: ``GET /users/{id}/items/search?seller_sku=`` (✅) then the
  item, to know which variation holds the SKU. Runs before every create.
* **A variation family** (the ERP's ``parent_sku``) is one item with
  variations: the item carries the family code in ``seller_custom_field`` and
  is found again with ``?sku=<family>`` (🟡), so a new member is added to the
  family's item (``PUT /items/{id}`` with every variation id plus the new one)
  instead of a second listing. Variations combine only the category's
  attributes tagged ``allow_variations``, each combination once (✅): an SKU
  without such an attribute, or repeating a combination already in its
  family's item, cannot be a variation and is listed on its own (logged).
* **Create**: ``POST /items`` (``title``, ``category_id``, ``price``, ``currency_id``,
  ``available_quantity``, ``buying_mode``, ``listing_type_id`` and
  ``condition`` from the channel's settings, ``pictures[{source}]`` by URL,
  ``attributes``: ``BRAND``, ``SELLER_SKU``, ``GTIN``, ``SELLER_PACKAGE_*`` and
  the de-para attributes), then ``POST /items/{id}/description`` (plain text).
  NCM is not sent: ML takes it only in its own invoicing's fiscal data, and
  the kit's NF-e comes from the ERP.
* **Update**: the current item is read; title and category only while the
  item has no sales (ML freezes them); attributes merged; pictures replaced
  (for a variation: its own, the other variations' kept); the description
  ``PUT``. Price and stock belong to the prices and stock jobs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kit.connectors.mercadolivre_catalog import FAMILY
from kit.connectors.model import APPLIED, CREATE, UPDATE, ListingRef, ProductItem, PublishResult
from kit.errors import ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["MercadoLivrePublishMixin", "package_attributes"]

log = logging.getLogger("kit.connectors.mercadolivre")


def _number(value: float) -> str:
    return f"{round(float(value), 1):g}"


def package_attributes(item: ProductItem) -> list[dict[str, str]]:
    """``SELLER_PACKAGE_*`` of the measures the item has (``"12.5 cm"``, ``"500 g"``); a missing one is not invented."""
    out = []
    for attr_id, value, unit, factor in (
        ("SELLER_PACKAGE_HEIGHT", item.height_cm, "cm", 1), ("SELLER_PACKAGE_WIDTH", item.width_cm, "cm", 1),
        ("SELLER_PACKAGE_LENGTH", item.length_cm, "cm", 1), ("SELLER_PACKAGE_WEIGHT", item.weight_kg, "g", 1000),
    ):  # fmt: skip
        if value is not None and float(value) > 0:
            out.append({"id": attr_id, "value_name": f"{_number(float(value) * factor)} {unit}"})
    return out


def _held_by(holder: dict[str, Any], sku: str) -> bool:
    return any(a.get("id") == "SELLER_SKU" and str(a.get("value_name")) == sku for a in holder.get("attributes") or [])


def _combination_key(combos: list[dict[str, Any]]) -> tuple:
    return tuple(sorted((str(a.get("id")), str(a.get("value_name") or a.get("value_id")).casefold()) for a in combos))


class MercadoLivrePublishMixin:
    """The publishing hooks of the Mercado Livre connector."""

    channel: Channel
    settings: dict[str, str]
    request: Any
    get_json: Any
    user_id: str

    def _families(self) -> dict[str, str]:
        if not hasattr(self, "_family_items"):
            self._family_items: dict[str, str] = {}
        return self._family_items

    # -- find ------------------------------------------------------------------------------
    def _search(self, **params: str) -> list[str]:
        body = self.get_json(f"/users/{self.user_id}/items/search", params=params, family=FAMILY) or {}
        return [str(i) for i in body.get("results") or []]

    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """``?seller_sku=`` per SKU, then the item: the listing and the variation that hold each SKU."""
        self.app_quota()
        found: dict[str, ListingRef] = {}
        for sku in dict.fromkeys(skus):
            for item_id in sorted(self._search(seller_sku=sku)):
                item = self.get_json(f"/items/{item_id}", family=FAMILY)
                holder = next((v for v in item.get("variations") or [] if _held_by(v, sku)), None)
                if holder is None and not _held_by(item, sku):
                    continue
                if sku in found:
                    log.warning("%s: SKU %s is on more than one listing (%s, %s)", self.channel.name, sku,
                                found[sku].channel_id, item_id)  # fmt: skip
                    continue
                found[sku] = ListingRef(sku, item_id, str(holder["id"]) if holder else None, item_id)
        return found

    def family_item(self, family: str) -> str | None:
        """The item of a variation family: found in this run, else by ``seller_custom_field`` (``?sku=``)."""
        known = self._families().get(family)
        if known:
            return known
        ids = sorted(self._search(sku=family))
        if ids:
            self._families()[family] = ids[0]
        return ids[0] if ids else None

    # -- bodies ----------------------------------------------------------------------------
    def _attributes(self, item: ProductItem, specs: dict[str, Any]) -> tuple[list[dict], list[dict]]:
        """(item-level attributes, ``allow_variations`` ones) of the de-para attributes, as ML takes them."""
        plain, combos = [], []
        for key, value in item.channel_attributes.items():
            spec = self.find_spec(specs, key)
            if spec is None or value in (None, ""):
                log.info("%s: attribute %r is not one of the category's; not sent", self.channel.name, key)
                continue
            sent: dict[str, Any] = {"id": spec["id"], "value_name": str(value)}
            match = next((v for v in spec.get("values") or [] if str(v["name"]).casefold() == str(value).casefold()),
                         None)  # fmt: skip
            if match is not None and spec.get("value_type") in ("list", "boolean"):
                sent.update(value_id=str(match["id"]), value_name=str(match["name"]))
            (combos if (spec.get("tags") or {}).get("allow_variations") else plain).append(sent)
        return plain, combos

    @staticmethod
    def _sku_attributes(item: ProductItem) -> list[dict[str, str]]:
        out = [{"id": "SELLER_SKU", "value_name": item.sku}]
        return out + ([{"id": "GTIN", "value_name": str(item.ean)}] if item.ean else [])

    def _item_attributes(self, item: ProductItem, plain: list[dict]) -> list[dict[str, Any]]:
        return [{"id": "BRAND", "value_name": item.brand}, *package_attributes(item), *plain]

    def _new_item_body(self, item: ProductItem, category: str, variation: dict[str, Any] | None) -> dict[str, Any]:
        plain, combos = self._attributes(item, self.category_specs(category))
        body: dict[str, Any] = {
            "title": item.title, "category_id": category, "price": round(float(item.price or 0), 2),
            "currency_id": "BRL", "buying_mode": "buy_it_now",
            "listing_type_id": self.settings.get("listing_type_id") or "gold_special",
            "condition": self.settings.get("condition") or "new",
            "pictures": [{"source": url} for url in item.image_urls],
        }  # fmt: skip
        attrs = self._item_attributes(item, plain)
        if variation is not None:
            body.update(variations=[variation], seller_custom_field=item.parent_sku, attributes=attrs)
        else:
            body.update(available_quantity=max(0, int(item.stock or 0)),
                        attributes=[*attrs, *combos, *self._sku_attributes(item)])  # fmt: skip
        return body

    def _variation_body(self, item: ProductItem, combos: list[dict], price: float) -> dict[str, Any]:
        return {"attribute_combinations": combos, "price": round(float(price), 2),
                "available_quantity": max(0, int(item.stock or 0)), "picture_ids": list(item.image_urls),
                "attributes": self._sku_attributes(item)}  # fmt: skip

    # -- create ----------------------------------------------------------------------------
    def create_listing(self, item: ProductItem) -> PublishResult:
        """A new item, a new variation of the family's item, or an own item (see the module docstring)."""
        category = self.resolve_category(str(item.channel_category))
        _, combos = self._attributes(item, self.category_specs(category))
        if item.parent_sku and combos:
            item_id = self.family_item(item.parent_sku)
            if item_id:
                result = self._add_variation(item, item_id, combos)
                if result is not None:
                    return result
            else:
                return self._post_item(item, category, self._variation_body(item, combos, item.price or 0))
        elif item.parent_sku:
            log.warning("%s: SKU %s of family %s has no attribute the category lets vary (allow_variations): "
                        "listed on its own", self.channel.name, item.sku, item.parent_sku)  # fmt: skip
        return self._post_item(item, category, None)

    def _post_item(self, item: ProductItem, category: str, variation: dict[str, Any] | None) -> PublishResult:
        body = self._new_item_body(item, category, variation)
        created = self.request("POST", "/items", json_data=body, family=FAMILY).json()
        item_id = str(created["id"])
        variation_id = None
        if variation is not None:
            self._families()[str(item.parent_sku)] = item_id
            variation_id = str(next(v["id"] for v in created.get("variations") or [] if _held_by(v, item.sku)))
        if item.description:
            self.request("POST", f"/items/{item_id}/description", json_data={"plain_text": item.description},
                         family=FAMILY)  # fmt: skip
        return PublishResult(item.sku, APPLIED, CREATE, channel_id=item_id, variation_id=variation_id,
                             product_id=item_id)  # fmt: skip

    def _add_variation(self, item: ProductItem, item_id: str, combos: list[dict]) -> PublishResult | None:
        """The SKU as a new variation of ``item_id`` (bound if it is there already); ``None``: it cannot be one."""
        current = self.get_json(f"/items/{item_id}", family=FAMILY)
        variations = current.get("variations") or []
        held = next((v for v in variations if _held_by(v, item.sku)), None)
        if held is not None:  # created before a crash: bind it
            return self.update_listing(_bound(item, item_id, str(held["id"])))
        if _combination_key(combos) in {_combination_key(v.get("attribute_combinations") or []) for v in variations}:
            log.warning("%s: SKU %s repeats a variation of %s (%s): listed on its own", self.channel.name, item.sku,
                        item_id, combos)  # fmt: skip
            return None
        price = float(current.get("price") or item.price or 0)  # one price for every variation (✅)
        pictures = [{"id": p["id"]} for p in current.get("pictures") or []]
        pictures += [{"source": url} for url in item.image_urls]
        body = {
            "pictures": pictures,
            "variations": [{"id": v["id"]} for v in variations] + [self._variation_body(item, combos, price)],
        }
        answer = self.request("PUT", f"/items/{item_id}", json_data=body, family=FAMILY).json()  # fmt: skip
        new = next(v for v in answer.get("variations") or [] if _held_by(v, item.sku))
        return PublishResult(item.sku, APPLIED, CREATE, channel_id=item_id, variation_id=str(new["id"]),
                             product_id=item_id)  # fmt: skip

    # -- update ----------------------------------------------------------------------------
    def update_listing(self, item: ProductItem) -> PublishResult:
        """Read the item, then ``PUT`` what the ERP holds (see the module docstring) and the description."""
        item_id = str(item.channel_id)
        current = self.get_json(f"/items/{item_id}", family=FAMILY)
        variations = current.get("variations") or []
        target = next((v for v in variations if _held_by(v, item.sku)), None)
        if variations and target is None:
            raise ChannelFatalError(
                f"o SKU {item.sku} não está mais no anúncio {item_id} do Mercado Livre",
                channel=self.channel.name,
                hint="o vínculo está desatualizado: rode 'kit sync products' de novo para relê-lo do canal",
            )
        category = self.resolve_category(str(item.channel_category)) if item.channel_category else None
        body = self._update_body(item, current, category or str(current["category_id"]), target)
        self.request("PUT", f"/items/{item_id}", json_data=body, family=FAMILY)
        if item.description:
            self.request("PUT", f"/items/{item_id}/description", json_data={"plain_text": item.description},
                         family=FAMILY)  # fmt: skip
        return PublishResult(item.sku, APPLIED, UPDATE, channel_id=item_id,
                             variation_id=str(target["id"]) if target else None, product_id=item_id)  # fmt: skip

    def _update_body(
        self, item: ProductItem, current: dict[str, Any], category: str, target: dict[str, Any] | None
    ) -> dict[str, Any]:
        plain, combos = self._attributes(item, self.category_specs(category))
        sold = int(current.get("sold_quantity") or 0)
        variations = current.get("variations") or []
        body: dict[str, Any] = {"attributes": self._item_attributes(item, plain)}
        if category != current.get("category_id"):
            if sold:
                log.warning("%s: %s has sales: its category stays %s", self.channel.name, current["id"],
                            current.get("category_id"))  # fmt: skip
            else:
                body["category_id"] = category
        head = target is None or variations[0]["id"] == target["id"]  # a family's title follows its first variation
        if head and item.title != current.get("title"):
            if sold:
                log.warning("%s: %s has sales: ML keeps its title", self.channel.name, current["id"])
            else:
                body["title"] = item.title
        if target is None:
            body["attributes"] += [*combos, *self._sku_attributes(item)]
            if item.image_urls:  # without URLs in the ERP the listing keeps its pictures
                body["pictures"] = [{"source": url} for url in item.image_urls]
            return body
        mine: dict[str, Any] = {"id": target["id"], "attributes": self._sku_attributes(item)}
        if item.image_urls:
            others = {str(p) for v in variations if v["id"] != target["id"] for p in v.get("picture_ids") or []}
            kept = [{"id": p["id"]} for p in current.get("pictures") or [] if p["id"] in others]
            body["pictures"] = kept + [{"source": url} for url in item.image_urls]
            mine["picture_ids"] = list(item.image_urls)
        if combos:
            mine["attribute_combinations"] = combos
        body["variations"] = [mine if v["id"] == target["id"] else {"id": v["id"]} for v in variations]
        return body


def _bound(item: ProductItem, item_id: str, variation_id: str | None) -> ProductItem:
    from dataclasses import replace

    return replace(item, channel_id=item_id, variation_id=variation_id, product_id=item_id)
