"""Mercado Livre's catalogue as the publishing hooks read it: category tree, attributes, requirements, value lists.

A mixin of :class:`kit.connectors.mercadolivre.MercadoLivreConnector`. Shapes
from developers.mercadolivre.com.br ("Domínios e Categorias", "Atributos";
``/work/wt/notes/mercadolivre-catalog.md``):

* the tree: ``GET /sites/{site}/categories`` (roots), ``GET /categories/{id}``
  (``children_categories``, ``path_from_root``, ``settings``); a de-para value
  is a category id (``MLB1234``) or a path of names (``Casa > Cozinha``),
  resolved level by level (one read per level, cached);
* ``GET /categories/{id}/attributes``: the attributes tagged ``required``
  become the category's :class:`~kit.connectors.model.RequiredAttribute` (closed
  values for ``list``/``boolean``); the ones the kit fills from the product
  itself are left to the required fields (brand, package measures) or carry
  their field (``GTIN`` = the EAN);
* a refusal's ``cause`` messages (developers.mercadolivre.com.br/en_us/validations)
  are the item's failure reason (:class:`MercadoLivreResponses`).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import TYPE_CHECKING, Any

import requests

from kit.connectors.model import CategoryRequirements, RequiredAttribute
from kit.connectors.responses import ResponseTable
from kit.errors import ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = [
    "MercadoLivreCatalogMixin",
    "MercadoLivreResponses",
    "FAMILY",
    "KIT_FILLED",
    "MAX_VALUE_LIST_CATEGORIES",
    "MAX_ATTRIBUTE_LEAVES",
]

log = logging.getLogger("kit.connectors.mercadolivre")

FAMILY = "catalog"
#: Attributes the kit fills from the product itself, never from the attribute de-para.
KIT_FILLED = {
    "BRAND": "brand", "GTIN": "ean", "SELLER_SKU": "sku", "SELLER_PACKAGE_HEIGHT": "height_cm",
    "SELLER_PACKAGE_WIDTH": "width_cm", "SELLER_PACKAGE_LENGTH": "length_cm", "SELLER_PACKAGE_WEIGHT": "weight_kg",
}  # fmt: skip
#: Categories read for the de-para value lists, and leaves whose attributes are read: ML's tree holds thousands,
#: read at the app's hourly pace, and a person waits for the lists (both cuts are logged).
MAX_VALUE_LIST_CATEGORIES = 200
MAX_ATTRIBUTE_LEAVES = 40
_CATEGORY_ID = re.compile(r"^[A-Z]{3}\d+$")


class MercadoLivreResponses(ResponseTable):
    """The refusal's ``cause`` messages (type ``error``) join its ``message``: they say which field and why."""

    def detail(self, raw: requests.Response) -> str | None:
        try:
            body = raw.json()
        except ValueError:
            return None
        if not isinstance(body, dict) or not isinstance(body.get("cause"), list) or not body["cause"]:
            return None
        causes = [str(c.get("message") or c.get("code")) for c in body["cause"]
                  if isinstance(c, dict) and c.get("type", "error") != "warning"]  # fmt: skip
        head = str(body.get("message") or body.get("error") or "")
        return f"{head}: {'; '.join(causes)}"[:600] if causes else head or None


class MercadoLivreCatalogMixin:
    """Categories and attributes for the publishing hooks (cached per connector)."""

    channel: Channel
    site_id: str
    get_json: Any

    def _ml_cached(self, key: str, load: Any) -> Any:
        if not hasattr(self, "_ml_catalog"):
            self._ml_catalog: dict[str, Any] = {}
            self._ml_catalog_lock = threading.Lock()
        with self._ml_catalog_lock:
            if key in self._ml_catalog:
                return self._ml_catalog[key]
        value = load()
        with self._ml_catalog_lock:
            return self._ml_catalog.setdefault(key, value)

    # -- the tree --------------------------------------------------------------------------
    def category_node(self, category_id: str) -> dict[str, Any]:
        """``GET /categories/{id}`` (cached)."""
        return self._ml_cached(f"cat:{category_id}", lambda: self.get_json(f"/categories/{category_id}", family=FAMILY))

    def category_roots(self) -> list[dict[str, Any]]:
        return self._ml_cached("roots", lambda: self.get_json(f"/sites/{self.site_id}/categories", family=FAMILY))

    def resolve_category(self, value: str) -> str:
        """The category id of a de-para value: an id as is, a path (``A > B`` or ``A/B``) walked from the roots."""
        text = str(value).strip()
        if _CATEGORY_ID.match(text):
            return text
        parts = [p.strip() for p in text.replace("/", ">").split(">") if p.strip()]
        level = self.category_roots()
        found: dict[str, Any] | None = None
        for part in parts:
            found = next((c for c in level or [] if str(c.get("name", "")).casefold() == part.casefold()), None)
            if found is None:
                raise ChannelFatalError(
                    f"a categoria '{value}' não existe na árvore de categorias do Mercado Livre ('{part}' não "
                    "encontrada)",
                    channel=self.channel.name,
                    hint="corrija o de-para de categoria com um caminho ou id da árvore (kit depara build ... category)",
                )
            level = self.category_node(str(found["id"])).get("children_categories") or []
        if found is None:
            raise ChannelFatalError("categoria vazia no de-para", channel=self.channel.name,
                                    hint="mapeie a categoria do ERP para uma categoria do Mercado Livre")  # fmt: skip
        return str(found["id"])

    def category_settings(self, category_id: str) -> dict[str, Any]:
        return dict(self.category_node(category_id).get("settings") or {})

    def category_specs(self, category_id: str) -> dict[str, dict[str, Any]]:
        """The category's attributes by id (``GET /categories/{id}/attributes``, cached)."""

        def load() -> dict[str, dict[str, Any]]:
            rows = self.get_json(f"/categories/{category_id}/attributes", family=FAMILY) or []
            return {str(a["id"]): a for a in rows if isinstance(a, dict) and a.get("id")}

        return self._ml_cached(f"attrs:{category_id}", load)

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """The attributes tagged ``required`` (the kit-filled ones by their field; brand and measures are required fields)."""
        cat = self.resolve_category(channel_category)
        required = []
        for attr_id, spec in self.category_specs(cat).items():
            tags = spec.get("tags") or {}
            if not tags.get("required") or tags.get("read_only") or tags.get("fixed"):
                continue
            field = KIT_FILLED.get(attr_id)
            if field and field != "ean":
                continue  # brand and package measures: publish_required; SELLER_SKU: always sent
            values = tuple(str(v["name"]) for v in spec.get("values") or []) if spec.get("value_type") in (
                "list", "boolean") else ()  # fmt: skip
            required.append(
                RequiredAttribute(
                    str(spec.get("name") or attr_id), values,
                    bool(tags.get("allow_variations") or tags.get("variation_attribute")),
                    str(spec.get("attribute_group_name") or ""), attr_id, field or "",
                )
            )  # fmt: skip
        return CategoryRequirements(str(channel_category), required, f"Mercado Livre: /categories/{cat}/attributes")

    def find_spec(self, specs: dict[str, dict[str, Any]], key: str) -> dict[str, Any] | None:
        """The attribute a de-para key names: its id (``COLOR``) or its name (``Cor``)."""
        if key.upper() in specs:
            return specs[key.upper()]
        return next((s for s in specs.values() if str(s.get("name", "")).casefold() == key.casefold()), None)

    # -- value lists -----------------------------------------------------------------------
    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """``category`` rows (every path, leaves marked) and ``attribute`` rows (closed values of the leaves' attributes)."""
        categories: list[dict[str, Any]] = []
        leaves: list[str] = []
        queue = [(str(c["id"]), str(c["name"])) for c in self.category_roots() or []]
        while queue and len(categories) < MAX_VALUE_LIST_CATEGORIES:
            cat_id, path = queue.pop(0)
            children = self.category_node(cat_id).get("children_categories") or []
            categories.append({"category": path, "code": cat_id, "description": "" if children else "folha"})
            if not children:
                leaves.append(cat_id)
            queue += [(str(c["id"]), f"{path} > {c['name']}") for c in children]
        if queue:
            log.warning("%s: category value list cut at %d categories (%d more not read)", self.channel.name,
                        len(categories), len(queue))  # fmt: skip
        attributes: list[dict[str, Any]] = []
        if len(leaves) > MAX_ATTRIBUTE_LEAVES:
            log.warning("%s: attributes read for %d of %d leaf categories", self.channel.name, MAX_ATTRIBUTE_LEAVES,
                        len(leaves))  # fmt: skip
        for cat_id in leaves[:MAX_ATTRIBUTE_LEAVES]:
            for attr_id, spec in self.category_specs(cat_id).items():
                tags = spec.get("tags") or {}
                if attr_id in KIT_FILLED or tags.get("read_only") or tags.get("fixed"):
                    continue
                what = "obrigatório" if tags.get("required") else "opcional"
                if tags.get("allow_variations"):
                    what += ", variação"
                closed = spec.get("value_type") in ("list", "boolean")
                for value in spec.get("values") or [{"name": ""}] if closed else [{"name": ""}]:
                    attributes.append({"attribute": spec.get("name") or attr_id, "value": value.get("name", ""),
                                       "code": attr_id, "description": what})  # fmt: skip
        return {"category": categories, "attribute": attributes}
