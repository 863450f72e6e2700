"""Via / Casas Bahia (ex-Cnova) publishing: product loads that go through approval, polled until decided.

A mixin of :class:`kit.connectors.cnova.CnovaConnector` (the publishing hooks of
``docs/publishing.md``). Shapes and rules from the v2 swagger's operation texts as
the generated SDK ``ballke-dev/ViaVarejoSDK`` carries them (``LoadsApi``,
``SellerItemsApi``, ``CategoriesApi``; see ``docs/channels.md``, Via, publishing rows).

* A product is created by a **load** (``POST /loads/products``, a list: a
  variation family goes in one load, its SKUs grouped by ``productSellerId``).
  The load is asynchronous and every product is **approved** by the
  marketplace's Equipe de Cadastro before it is on ``GET /sellerItems``
  (``AVAILABLE``): the item is ``pending`` with a token until then, polled within
  the run (bounded) and on the next run (``GET /loads/products``, its status per
  SKU; the refusal's reasons from ``GET /loads/products/{skuSellerId}``), never
  sent again.
* Idempotency: before a create the SKU is looked up on ``GET
  /sellerItems/{skuSellerId}`` (approved) and ``GET /loads/products/{skuSellerId}``
  (still in a load): a product found in a load is changed with ``PUT
  /loads/products/{skuSellerId}`` (allowed until approval), never loaded twice.
* An approved product **cannot be changed through the API** ("Produtos já
  disponíveis não podem ser alterados através de serviços"): updates of bound
  listings are skipped per SKU with that reason (``publish_support``).
* The category is the seller's own path ("em produção, envie a categoria real do
  produto do lojista"), parent and child separated by ``>``: the de-para value
  (it may repeat the ERP's category); required attributes per category are not
  published (the review refuses a product without them, with the reason).
* Dimensions are sent in metres and the weight in kg, rounded **up** to two
  decimals (the API refuses 0 and more than two decimals): a 0.4 cm side goes as
  0.01 m.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kit.connectors.model import (
    APPLIED,
    CREATE,
    FAILED,
    PENDING,
    SKIPPED,
    UPDATE,
    ListingRef,
    ProductItem,
    PublishResult,
    PublishSupport,
)
from kit.errors import AuthenticationError, ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["CnovaCatalogMixin", "LOAD_PREFIX", "NOT_UPDATABLE"]

FAMILY = "catalog"
#: channel id of a SKU found in a load that is not approved yet (changed with PUT /loads/products/{sku})
LOAD_PREFIX = "carga:"
AVAILABLE, ERROR = "AVAILABLE", "ERROR"
NOT_UPDATABLE = (
    "Via: anúncio já aprovado (AVAILABLE) não pode ser alterado pela API; altere a ficha pelo Portal do Lojista "
    "ou peça ao time Comercial da Via"
)
#: loads are read from this long before the oldest pending send (the two clocks may differ)
CLOCK_MARGIN = timedelta(days=1)
#: from this many SKUs on, a lookup pages the two lists instead of two calls per SKU
PAGED_LOOKUP_MIN = 25
#: the start of "every load" for the createdAt filter ('{data inicial},*')
EPOCH = "2000-01-01T00:00:00+00:00"
_FORBIDDEN_TAGS = re.compile(r"<\s*(img|object|script|iframe)\b", re.I)


def _up2(value: float | None) -> float:
    """Rounded up to two decimals (never 0 for a positive value)."""
    return math.ceil(round(float(value or 0) * 100, 6)) / 100


def _category_path(value: str) -> str:
    """``"Esporte > Futebol"`` / ``"Esporte/Futebol"`` -> ``"Esporte>Futebol"``."""
    return ">".join(p.strip() for p in str(value).replace("/", ">").split(">") if p.strip())


class CnovaCatalogMixin:
    """The publishing hooks of the Via connector."""

    channel: Channel
    label: str
    settings: dict[str, str]

    @property
    def site(self) -> str:
        return self.settings.get("site") or "CB"

    def publish_support(self, item: ProductItem) -> PublishSupport:
        """Creation yes; an update only of a product still in a load (an approved one cannot change)."""
        if item.bound and not str(item.channel_id).startswith(LOAD_PREFIX):
            return PublishSupport(True, False, NOT_UPDATABLE)
        return PublishSupport(True, True, "")

    # -- body -------------------------------------------------------------------------------------------
    def _product_body(self, item: ProductItem) -> dict[str, Any]:
        description = item.description or item.title
        if _FORBIDDEN_TAGS.search(description):
            raise ChannelFatalError(
                f"a descrição do SKU {item.sku} tem tags HTML que a Via recusa (img, object, script, iframe)",
                channel=self.channel.name,
                hint="remova essas tags da descrição no ERP",
            )
        body: dict[str, Any] = {
            "skuSellerId": item.sku, "productSellerId": item.family, "title": item.title,
            "description": description, "brand": item.brand, "gtin": [item.ean] if item.ean else [],
            "categories": [_category_path(str(item.channel_category))], "images": list(item.image_urls),
            "dimensions": {"weight": _up2(item.weight_kg), "length": _up2((item.length_cm or 0) / 100),
                           "width": _up2((item.width_cm or 0) / 100), "height": _up2((item.height_cm or 0) / 100)},
            "attributes": [{"name": n, "value": str(v)} for n, v in item.channel_attributes.items()
                           if v not in (None, "")],
        }  # fmt: skip
        if item.price and item.price > 0:
            body["price"] = {"default": round(float(item.price), 2), "offer": round(float(item.price), 2)}
        if item.stock is not None:
            stock: dict[str, Any] = {"quantity": max(0, int(item.stock))}
            cross_docking = str(self.settings.get("cross_docking_days") or "").strip()
            if cross_docking:  # the seller's handling days: sent only when the setting asks (as with stock)
                stock["crossDockingTime"] = int(cross_docking)
            body["stock"] = stock
        return body

    def _pending(self, item: ProductItem, action: str) -> PublishResult:
        sent = datetime.now(UTC).isoformat(timespec="seconds")
        return PublishResult(item.sku, PENDING, action, "aguardando aprovação da Equipe de Cadastro da Via",
                             token=sent)  # fmt: skip

    # -- lookups ----------------------------------------------------------------------------------------
    def _get_or_none(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.get_json_or_none(path, params=params, family=FAMILY)

    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """Approved (on sellerItems) or still in a load; per SKU for a few, from the two lists for many.

        Per SKU: ``GET /sellerItems/{sku}`` then ``GET /loads/products/{sku}`` (two
        calls each). From :data:`PAGED_LOOKUP_MIN` SKUs on, paging ``GET
        /sellerItems`` and ``GET /loads/products`` (50 per call) costs less.
        """
        wanted = list(dict.fromkeys(skus))
        if len(wanted) >= PAGED_LOOKUP_MIN:
            return self._find_in_lists(set(wanted))
        found: dict[str, ListingRef] = {}
        for sku in wanted:
            code = quote(sku, safe="")
            item = self._get_or_none(f"/sellerItems/{code}", {"site": self.site})
            if item is not None and item.get("skuSiteId"):
                found[sku] = ListingRef(sku, str(item["skuSiteId"]))
            elif self._get_or_none(f"/loads/products/{code}") is not None:
                found[sku] = ListingRef(sku, f"{LOAD_PREFIX}{sku}")
        return found

    def _find_in_lists(self, wanted: set[str]) -> dict[str, ListingRef]:
        found: dict[str, ListingRef] = {}
        for item in self.read_all("/sellerItems", "sellerItems", {"site": self.site}, family=FAMILY):
            sku = str(item.get("skuSellerId"))
            if sku in wanted and item.get("skuSiteId"):
                found[sku] = ListingRef(sku, str(item["skuSiteId"]))
        loads = self.read_all("/loads/products", "skus", {"createdAt": f"{EPOCH},*"}, family=FAMILY)
        for row in loads:
            sku = str((row.get("skuSeller") or {}).get("id"))
            if sku in wanted and sku not in found and row.get("status") != AVAILABLE:
                found[sku] = ListingRef(sku, f"{LOAD_PREFIX}{sku}")
        return found

    # -- create / update --------------------------------------------------------------------------------
    def create_listing(self, item: ProductItem) -> PublishResult:
        """One product in one load (the loop sends families one item at a time, in order)."""
        self.request("POST", "/loads/products", json_data=[self._product_body(item)], family=FAMILY)
        return self._pending(item, CREATE)

    def update_listing(self, item: ProductItem) -> PublishResult:
        """A product still in a load: ``PUT /loads/products/{sku}``; an approved one: skipped with the reason."""
        if not str(item.channel_id).startswith(LOAD_PREFIX):
            return PublishResult(item.sku, SKIPPED, UPDATE, NOT_UPDATABLE, channel_id=item.channel_id)
        path = f"/loads/products/{quote(item.sku, safe='')}"
        try:
            self.request("PUT", path, json_data=self._product_body(item), family=FAMILY)
        except ChannelFatalError as exc:
            if exc.status != 422 or self._get_or_none(f"/sellerItems/{quote(item.sku, safe='')}") is None:
                raise
            # approved in the meantime: it cannot change any more
            return PublishResult(item.sku, SKIPPED, UPDATE, NOT_UPDATABLE)
        return self._pending(item, UPDATE)

    # -- asynchronous answers -------------------------------------------------------------------------------
    def poll_publish(self, tokens: dict[str, str]) -> list[PublishResult]:
        """Statuses of the loads sent since the oldest token (``GET /loads/products?createdAt=...``)."""
        starts = []
        for token in tokens.values():
            try:
                starts.append(datetime.fromisoformat(str(token)))
            except ValueError:
                starts.append(datetime.now(UTC) - timedelta(days=30))
        since = (min(starts) - CLOCK_MARGIN).astimezone(UTC).isoformat(timespec="seconds")
        rows = self.read_all("/loads/products", "skus", {"createdAt": f"{since},*"}, family=FAMILY)
        status = {str((r.get("skuSeller") or {}).get("id")): str(r.get("status") or "") for r in rows}
        return [self._decided(sku, status.get(sku), token) for sku, token in tokens.items()]

    def _decided(self, sku: str, status: str | None, token: str) -> PublishResult:
        code = quote(sku, safe="")
        if status == AVAILABLE:
            item = self._get_or_none(f"/sellerItems/{code}", {"site": self.site})
            if item is not None and item.get("skuSiteId"):
                return PublishResult(sku, APPLIED, channel_id=str(item["skuSiteId"]))
            return PublishResult(sku, PENDING, reason="aprovado; ainda não aparece em sellerItems", token=token)
        if status == ERROR or status is None:
            load = self._get_or_none(f"/loads/products/{code}")
            if load is None:
                return PublishResult(sku, FAILED, reason="a carga do SKU não está mais na Via: será enviada de novo "
                                     "na próxima execução")  # fmt: skip
            errors = [str(e.get("message")) for e in load.get("errors") or [] if e.get("message")]
            if status == ERROR or errors:
                why = "; ".join(errors) or "recusado, sem motivo informado"
                return PublishResult(sku, FAILED, reason=f"Via recusou o produto: {why} (corrija no ERP; a próxima "
                                     "execução reenvia a ficha)")  # fmt: skip
        why = f"aguardando aprovação da Equipe de Cadastro da Via ({status or 'em processamento'})"
        return PublishResult(sku, PENDING, reason=why, token=token)

    # -- value lists -------------------------------------------------------------------------------------------
    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """The marketplace's tree (``GET /categories``) when Via opened it for the account; else empty.

        Via blocks the service by default; production takes the seller's own
        category path, so the de-para may simply repeat the ERP's categories.
        """
        try:
            roots = self.read_all("/categories", "categories", family=FAMILY)
        except (AuthenticationError, ChannelFatalError) as exc:
            if exc.status != 403:
                raise
            return {"category": [], "attribute": []}
        categories: list[dict[str, Any]] = []
        attributes: list[dict[str, Any]] = []

        def walk(nodes: list[dict[str, Any]], prefix: str) -> None:
            for node in nodes or []:
                path = f"{prefix}>{node['name']}" if prefix else str(node["name"])
                categories.append({"category": path, "code": str(node.get("id")), "description": ""})
                for attr in node.get("attributes") or []:
                    for value in attr.get("values") or [""]:
                        attributes.append({"attribute": attr["name"], "value": value, "code": "",
                                           "description": f"categoria {path}"})  # fmt: skip
                walk(node.get("categories") or [], path)

        walk(roots, "")
        return {"category": categories, "attribute": attributes}
