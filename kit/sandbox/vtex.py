"""VTEX sandbox: catalog (SKU ids, RefId mapping), logistics inventory, pricing, OMS orders and Feed v3.

Shapes follow the official OpenAPI documents in ``../shared/specs/vtex/`` (the
tests validate every request and response against them). Pricing is served at
``/{account}/pricing/...`` on the same host, as ``api.vtex.com/{account}/pricing``
is in production. See ``docs/channels.md``.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import BadRequest, Reply, Request, SandboxServer, route

__all__ = ["VtexSandbox", "ACCOUNT"]

ACCOUNT = "sandboxkit"
FIRST_SKU_ID = 1001
FEED_VISIBILITY_S = 60.0  # uncommitted feed events reappear after this long


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class VtexSandbox(SandboxServer):
    """In-memory VTEX account ``sandboxkit`` with one warehouse (``1_1``)."""

    warehouses = ("1_1", "2_1")

    def channel_settings(self) -> dict[str, str]:
        return {"account": ACCOUNT, "warehouse_id": "1_1"}

    def default_credentials(self) -> dict[str, str]:
        return {
            "app_key": "vtexappkey-sandboxkit-KIT01",
            "app_token": "SBXTOKEN" + uuid.UUID(int=self.seed).hex.upper(),
        }

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        skus: dict[int, dict[str, Any]] = {}
        by_ref: dict[str, int] = {}
        inventory: dict[tuple[int, str], dict[str, Any]] = {}
        prices: dict[int, dict[str, Any]] = {}
        for n, product in enumerate(catalog):
            sku_id = FIRST_SKU_ID + n
            skus[sku_id] = dict(product, sku_id=sku_id, product_id=500 + n)
            by_ref[str(product["sku"])] = sku_id
            inventory[(sku_id, "1_1")] = {
                "quantity": int(product.get("stock") or 0),
                "unlimitedQuantity": False,
                "leadTime": "00:00:00",
            }
            price = float(product.get("price") or 0)
            prices[sku_id] = {"basePrice": price, "listPrice": round(price * 1.2, 2), "costPrice": None, "markup": None}
        self.state.data.update(skus=skus, by_ref=by_ref, inventory=inventory, prices=prices, feed=[], orders={})
        self.state.data["feed_configured"] = True
        self.state.data["invoices"] = {}
        self.seed_orders(orders)

    # -- data helpers ------------------------------------------------------
    def make_order(self) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("vtex")
        (carrier, sla), _ = rng.choice(values["carrier_service"])
        payment, _ = rng.choice(values["payment_method"])
        status, _ = rng.choice(values["order_status"])
        skus = self.state.data["skus"]
        chosen = rng.sample(sorted(skus), k=min(len(skus), rng.randint(1, 3)))
        seq = 7000000 + len(self.state.data["orders"]) + 1
        created = datetime.now(UTC).replace(microsecond=0) - timedelta(
            days=20, minutes=-37 * len(self.state.data["orders"])
        )
        items = []
        for sku_id in chosen:
            p = skus[sku_id]
            cents = int(round(float(p["price"]) * 100))
            items.append(
                {
                    "uniqueId": uuid.UUID(int=rng.getrandbits(128)).hex.upper(),
                    "id": str(sku_id),
                    "productId": str(p["product_id"]),
                    "ean": str(p.get("ean") or ""),
                    "quantity": rng.randint(1, 3),
                    "seller": "1",
                    "name": p["title"],
                    "refId": str(p["sku"]),
                    "price": cents,
                    "listPrice": cents,
                    "sellingPrice": cents,
                    "priceTags": [],
                    "imageUrl": "",
                    "detailUrl": "",
                }
            )
        total = sum(i["price"] * i["quantity"] for i in items)
        delivery = "pickup-in-point" if carrier == "Retirada" else "delivery"
        return {
            "orderId": f"v{seq}sbx-01",
            "sequence": str(seq),
            "marketplaceOrderId": "",
            "origin": "Marketplace",
            "affiliateId": "",
            "salesChannel": "1",
            "status": status,
            "statusDescription": status,
            "value": total + 1590,
            "creationDate": _iso(created),
            "lastChange": _iso(created + timedelta(minutes=5)),
            "totals": [
                {"id": "Items", "name": "Total dos Itens", "value": total},
                {"id": "Shipping", "name": "Total do Frete", "value": 1590},
            ],
            "items": items,
            "clientProfileData": {
                "email": f"cliente{seq}@example.com",
                "firstName": "Cliente",
                "lastName": f"Sandbox {seq}",
                "documentType": "cpf",
                "document": "12345678909",
                "isCorporate": False,
            },
            "shippingData": {
                "address": {
                    "addressType": "residential",
                    "receiverName": f"Cliente Sandbox {seq}",
                    "postalCode": "01310-100",
                    "city": "São Paulo",
                    "state": "SP",
                    "country": "BRA",
                    "street": "Avenida Paulista",
                    "number": "1000",
                    "neighborhood": "Bela Vista",
                    "complement": "",
                },
                "logisticsInfo": [
                    {
                        "itemIndex": n,
                        "selectedSla": sla,
                        "selectedDeliveryChannel": delivery,
                        "deliveryCompany": carrier,
                        "shippingEstimate": "3bd",
                        "price": 1590 if n == 0 else 0,
                        "deliveryIds": [
                            {
                                "courierId": carrier.lower().replace(" ", ""),
                                "courierName": carrier,
                                "dockId": "1",
                                "warehouseId": "1_1",
                                "quantity": it["quantity"],
                            }
                        ],
                    }
                    for n, it in enumerate(items)
                ],
            },
            "paymentData": {
                "transactions": [
                    {
                        "isActive": True,
                        "transactionId": uuid.UUID(int=rng.getrandbits(128)).hex.upper(),
                        "payments": [
                            {
                                "id": uuid.UUID(int=rng.getrandbits(128)).hex.upper(),
                                "paymentSystem": str(rng.randint(1, 130)),
                                "paymentSystemName": payment,
                                "value": total + 1590,
                                "installments": 1,
                            }
                        ],
                    }
                ]
            },
            "packageAttachment": {"packages": []},
        }

    def add_order(self, order: dict[str, Any]) -> None:
        """Store an order and put a feed event for it (as a status change would)."""
        with self.state.lock:
            self.state.data["orders"][order["orderId"]] = order
            self.state.data["feed"].append(
                {
                    "eventId": uuid.UUID(int=self.rng.getrandbits(128)).hex,
                    "handle": "AQEB" + uuid.UUID(int=self.rng.getrandbits(128)).hex + "==",
                    "domain": "Fulfillment",
                    "state": order["status"],
                    "lastState": "order-created",
                    "orderId": order["orderId"],
                    "lastChange": order["lastChange"],
                    "currentChange": order["lastChange"],
                    "_invisible_until": 0.0,
                }
            )

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(ref, str(sku_id), None) for ref, sku_id in self.state.data["by_ref"].items()]

    def stock_levels(self) -> dict[str, float]:
        inventory = self.state.data["inventory"]
        return {ref: inventory[(sku_id, "1_1")]["quantity"] for ref, sku_id in self.state.data["by_ref"].items()}

    # -- channel behaviour ---------------------------------------------------
    def check_auth(self, req: Request) -> Reply | None:
        key, token = req.header("X-VTEX-API-AppKey"), req.header("X-VTEX-API-AppToken")
        if not key or not token:
            return Reply(401, {"error": {"code": "401", "message": "Unauthorized: missing X-VTEX-API-AppKey/AppToken"}})
        if key != self.credentials["app_key"] or token != self.credentials["app_token"]:
            return Reply(401, {"error": {"code": "401", "message": "Unauthorized"}})
        denied = self.state.data.get("denied_paths", ())
        if any(req.path.startswith(p) for p in denied):
            return Reply(403, {"error": {"code": "403", "message": "Forbidden: the appKey lacks a resource"}})
        return None

    def error_reply(self, status: int, message: str) -> Reply:
        return Reply(status, {"error": {"code": str(status), "message": message, "exception": None}})

    # catalog -----------------------------------------------------------------
    @route("GET", "/api/catalog_system/pvt/sku/stockkeepingunitids")
    def sku_ids(self, req: Request) -> Any:
        page = int(req.q("page", "1") or 1)
        size = min(int(req.q("pagesize", "1000") or 1000), 1000)
        ids = sorted(self.state.data["skus"])
        return ids[(page - 1) * size : page * size]

    @route("GET", "/api/catalog_system/pvt/sku/stockkeepingunitbyid/{skuId}")
    def sku_by_id(self, req: Request) -> Any:
        try:
            p = self.state.data["skus"][int(req.params["skuId"])]
        except (KeyError, ValueError):
            return self.error_reply(404, "SKU not found")
        w, h, length = float(p["width_cm"]), float(p["height_cm"]), float(p["length_cm"])
        weight = float(p["weight_kg"]) * 1000
        return {
            "Id": p["sku_id"],
            "ProductId": p["product_id"],
            "NameComplete": p["title"],
            "ComplementName": "",
            "ProductName": p["title"],
            "ProductDescription": p["title"],
            "ProductRefId": str(p["sku"]),
            "TaxCode": str(p.get("ncm") or ""),
            "SkuName": p["title"],
            "IsActive": bool(p.get("active", True)),
            "IsTransported": True,
            "IsInventoried": True,
            "IsGiftCardRecharge": False,
            "ImageUrl": "",
            "DetailUrl": f"/p{p['product_id']}/p",
            "CSCIdentification": None,
            "BrandId": "2000001",
            "BrandName": str(p.get("brand") or ""),
            "Dimension": {
                "cubicweight": round(w * h * length / 6000, 4),
                "height": h,
                "length": length,
                "weight": weight,
                "width": w,
            },
            "RealDimension": {
                "realCubicWeight": round(w * h * length / 6000, 4),
                "realHeight": h,
                "realLength": length,
                "realWeight": weight,
                "realWidth": w,
            },
            "ManufacturerCode": "",
            "IsKit": False,
            "KitItems": [],
            "Services": [],
            "Categories": [],
            "Attachments": [],
            "Collections": [],
            "SkuSellers": [
                {
                    "SellerId": "1",
                    "StockKeepingUnitId": p["sku_id"],
                    "SellerStockKeepingUnitId": str(p["sku_id"]),
                    "IsActive": True,
                    "FreightCommissionPercentage": 0,
                    "ProductCommissionPercentage": 0,
                }
            ],
            "SalesChannels": [1],
            "Images": [],
            "SkuSpecifications": [],
            "ProductSpecifications": [],
            "ProductClustersIds": "",
            "ProductCategoryIds": "/1/",
            "ProductGlobalCategoryId": None,
            "ProductCategories": {"1": str(p.get("category") or "")},
            "CommercialConditionId": 1,
            "RewardValue": 0,
            "AlternateIds": {"Ean": str(p.get("ean") or ""), "RefId": str(p["sku"])},
            "AlternateIdValues": [str(p.get("ean") or ""), str(p["sku"])],
            "EstimatedDateArrival": None,
            "MeasurementUnit": "un",
            "UnitMultiplier": 1.0,
            "InformationSource": None,
            "ModalType": None,
        }

    @route("POST", "/api/catalog_system/pub/sku/stockkeepingunitidsbyrefids")
    def sku_ids_by_refids(self, req: Request) -> Any:
        refs = req.json()
        if not isinstance(refs, list):
            raise BadRequest("body must be an array of RefIds")
        if len(set(refs)) != len(refs):  # documented: repeated values give a 500
            return self.error_reply(500, "repeated RefId in the request")
        by_ref = self.state.data["by_ref"]
        return {str(r): str(by_ref[str(r)]) for r in refs if str(r) in by_ref}

    # logistics -----------------------------------------------------------------
    @route("GET", "/api/logistics/pvt/inventory/skus/{skuId}")
    def inventory_get(self, req: Request) -> Any:
        sku_id = int(req.params["skuId"])
        inv = self.state.data["inventory"]
        balance = [
            {
                "warehouseId": wh,
                "warehouseName": f"Armazém {wh}",
                "totalQuantity": v["quantity"],
                "reservedQuantity": 0,
                "hasUnlimitedQuantity": v["unlimitedQuantity"],
                "timeToRefill": None,
                "dateOfSupplyUtc": None,
                "leadTime": v["leadTime"],
            }
            for (sid, wh), v in sorted(inv.items())
            if sid == sku_id
        ]
        return {"skuId": str(sku_id), "balance": balance}

    @route("PUT", "/api/logistics/pvt/inventory/skus/{skuId}/warehouses/{warehouseId}")
    def inventory_put(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict):
            return Reply(400, "body must be an object", content_type="text/plain")
        try:
            sku_id = int(req.params["skuId"])
        except ValueError:
            return Reply(400, "invalid skuId", content_type="text/plain")
        if sku_id not in self.state.data["skus"]:
            return Reply(400, f"SKU {sku_id} not found", content_type="text/plain")
        wh = req.params["warehouseId"]
        if wh not in self.warehouses:
            return Reply(400, f"warehouse {wh} not found", content_type="text/plain")
        with self.state.lock:
            # Faithful to the documented pitfall: a missing quantity/leadTime resets to 0.
            self.state.data["inventory"][(sku_id, wh)] = {
                "quantity": int(body.get("quantity") or 0),
                "unlimitedQuantity": bool(body.get("unlimitedQuantity") or False),
                "leadTime": body.get("leadTime") or "00:00:00",
            }
        return True

    # pricing (api.vtex.com/{account}/pricing in production) ---------------------
    @route("GET", "/{account}/pricing/prices/{itemId}")
    def price_get(self, req: Request) -> Any:
        if req.params["account"] != ACCOUNT:
            return self.error_reply(404, "account not found")
        try:
            sku_id = int(req.params["itemId"])
            p = self.state.data["prices"][sku_id]
        except (KeyError, ValueError):
            return self.error_reply(404, "price not found")
        base = p["basePrice"]
        return {
            "itemId": str(sku_id),
            "listPrice": p["listPrice"],
            "costPrice": p["costPrice"] if p["costPrice"] is not None else base,
            "markup": p["markup"] if p["markup"] is not None else 0,
            "basePrice": base,
            "fixedPrices": p.get("fixedPrices", []),
        }

    @route("PUT", "/{account}/pricing/prices/{itemId}")
    def price_put(self, req: Request) -> Any:
        if req.params["account"] != ACCOUNT:
            return self.error_reply(404, "account not found")
        body = req.json()
        try:
            sku_id = int(req.params["itemId"])
        except ValueError:
            raise BadRequest("itemId must be a number") from None
        if sku_id not in self.state.data["skus"]:
            return self.error_reply(404, f"SKU {sku_id} not found")
        given = [k for k in ("basePrice", "costPrice", "markup") if body.get(k) is not None]
        if len(given) == 3:
            raise BadRequest("send exactly two of basePrice, costPrice and markup, not all three")
        if not given:
            raise BadRequest("basePrice (or costPrice and markup) is required")
        base = body.get("basePrice")
        if base is None:
            base = round(float(body["costPrice"]) * (1 + float(body.get("markup") or 0) / 100), 2)
        with self.state.lock:
            self.state.data["prices"][sku_id] = {
                "basePrice": base,
                "listPrice": body.get("listPrice"),
                "costPrice": body.get("costPrice"),
                "markup": body.get("markup"),
                "fixedPrices": body.get("fixedPrices") or [],
            }
        return Reply(200, b"", content_type="application/json")

    # orders -------------------------------------------------------------------
    @route("GET", "/api/orders/hook/config")
    def hook_config(self, req: Request) -> Any:
        hook = self.state.data.get("hook")
        if not hook:
            return self.error_reply(404, "Hook not configured for this appKey")
        return hook

    @route("POST", "/api/orders/hook/config")
    def hook_config_set(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not (body.get("hook") or {}).get("url"):
            raise BadRequest("hook.url is required")
        if (body.get("filter") or {}).get("type") not in ("FromWorkflow", "FromOrders"):
            raise BadRequest("filter.type must be FromWorkflow or FromOrders")
        with self.state.lock:
            self.state.data["hook"] = {"filter": body["filter"], "hook": body["hook"]}
        return Reply(200, b"", content_type="application/json")

    @route("DELETE", "/api/orders/hook/config")
    def hook_config_delete(self, req: Request) -> Any:
        with self.state.lock:
            self.state.data.pop("hook", None)
        return Reply(200, b"", content_type="application/json")

    @route("GET", "/api/orders/feed/config")
    def feed_config(self, req: Request) -> Any:
        if not self.state.data.get("feed_configured"):
            return self.error_reply(404, "Feed not configured for this appKey")
        return {
            "filter": {"type": "FromWorkflow", "status": ["ready-for-handling", "canceled", "invoiced"]},
            "queue": {"visibilityTimeoutInSeconds": int(FEED_VISIBILITY_S), "MessageRetentionPeriodInSeconds": 345600},
        }

    @route("GET", "/api/orders/feed")
    def feed_read(self, req: Request) -> Any:
        if not self.state.data.get("feed_configured"):
            return self.error_reply(404, "Feed not configured for this appKey")
        try:
            maxlot = int(req.q("maxlot", "10") or 10)
        except ValueError:
            raise BadRequest("maxlot must be a number") from None
        if not 1 <= maxlot <= 10:
            raise BadRequest("maxlot must be between 1 and 10")
        now = time.monotonic()
        out = []
        with self.state.lock:
            for ev in self.state.data["feed"]:
                if ev["_invisible_until"] <= now:
                    ev["_invisible_until"] = now + FEED_VISIBILITY_S
                    out.append({k: v for k, v in ev.items() if not k.startswith("_")})
                    if len(out) >= maxlot:
                        break
        return out

    @route("POST", "/api/orders/feed")
    def feed_commit(self, req: Request) -> Any:
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("handles"), list):
            raise BadRequest("body must be {'handles': [...]}")
        handles = set(body["handles"])
        with self.state.lock:
            self.state.data["feed"] = [ev for ev in self.state.data["feed"] if ev["handle"] not in handles]
        return Reply(200, b"", content_type="application/json")

    @route("GET", "/api/oms/pvt/orders/{orderId}")
    def order_get(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        if order is None:
            return self.error_reply(404, "Order not found")
        return order

    @route("POST", "/api/oms/pvt/orders/{orderId}/invoice")
    def order_invoice(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        if order is None:
            return self.error_reply(404, "Order not found")
        body = req.json() or {}
        for key in ("type", "issuanceDate", "invoiceNumber", "invoiceValue", "items"):
            if key not in body:
                raise BadRequest(f"{key} is required")
        receipt = uuid.UUID(int=self.rng.getrandbits(128)).hex
        with self.state.lock:
            packages = order.setdefault("packageAttachment", {"packages": []})["packages"]
            packages[:] = [p for p in packages if p.get("invoiceNumber") != body["invoiceNumber"]]
            packages.append(
                {
                    "invoiceNumber": body["invoiceNumber"],
                    "invoiceKey": body.get("invoiceKey"),
                    "invoiceValue": int(body["invoiceValue"]),
                    "trackingNumber": body.get("trackingNumber"),
                    "trackingUrl": body.get("trackingUrl"),
                    "courier": body.get("courier"),
                    "type": body["type"],
                }
            )
            invoiced = sum(p["invoiceValue"] for p in packages if p["type"] == "Output")
            if invoiced >= order["value"]:
                order["status"] = "invoiced"
        return {"date": _iso(datetime.now(UTC)), "orderId": order["orderId"], "receipt": receipt}

    @route("PATCH", "/api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}")
    def invoice_tracking(self, req: Request) -> Any:
        order = self.state.data["orders"].get(req.params["orderId"])
        if order is None:
            return self.error_reply(404, "Order not found")
        body = req.json() or {}
        if not body.get("trackingNumber"):
            raise BadRequest("trackingNumber is required")
        for package in order.get("packageAttachment", {}).get("packages", []):
            if package["invoiceNumber"] == req.params["invoiceNumber"]:
                package.update({k: body.get(k) for k in ("trackingNumber", "trackingUrl", "courier")})
                break
        else:
            return self.error_reply(404, "Invoice not found")
        return {"date": _iso(datetime.now(UTC)), "orderId": order["orderId"], "receipt": uuid.uuid4().hex}

    @route("GET", "/api/oms/pvt/orders")
    def order_list(self, req: Request) -> Any:
        """List orders (backfill only: no items; max 30 pages of at most 100)."""
        page = int(req.q("page", "1") or 1)
        per_page = min(int(req.q("per_page", "15") or 15), 100)
        if page > 30:
            raise BadRequest("page must be at most 30")
        orders = sorted(self.state.data["orders"].values(), key=lambda o: o["creationDate"])
        chunk = orders[(page - 1) * per_page : page * per_page]
        values = [o["value"] for o in orders] or [0]

        def stat(facets: bool = True) -> dict[str, Any]:
            inner = stat(False) if facets else None
            return {
                "Count": len(orders), "Max": max(values), "Mean": sum(values) // len(values), "Min": min(values),
                "Missing": 0, "StdDev": 0, "Sum": sum(values), "SumOfSquares": sum(v * v for v in values),
                "Facets": {
                    "origin": {"Fulfillment": inner, "Marketplace": inner}, "currencyCode": {"BRL": inner},
                } if facets else None,
            }  # fmt: skip

        return {
            "list": [
                {
                    "orderId": o["orderId"],
                    "creationDate": o["creationDate"],
                    "clientName": f"{o['clientProfileData']['firstName']} {o['clientProfileData']['lastName']}",
                    "items": None,
                    "totalValue": o["value"],
                    "paymentNames": ", ".join(
                        p["paymentSystemName"] for t in o["paymentData"]["transactions"] for p in t["payments"]
                    ),
                    "status": o["status"],
                    "statusDescription": o["statusDescription"],
                    "marketPlaceOrderId": None,
                    "sequence": o["sequence"],
                    "salesChannel": o["salesChannel"],
                    "affiliateId": o["affiliateId"],
                    "origin": o["origin"],
                    "workflowInErrorState": False,
                    "workflowInRetry": False,
                    "lastMessageUnread": None,
                    "ShippingEstimatedDate": None,
                    "ShippingEstimatedDateMax": None,
                    "ShippingEstimatedDateMin": None,
                    "orderIsComplete": True,
                    "listId": None,
                    "listType": None,
                    "authorizedDate": None,
                    "callCenterOperatorName": None,
                    "totalItems": sum(i["quantity"] for i in o["items"]),
                    "currencyCode": "BRL",
                }  # fmt: skip
                for o in chunk
            ],
            "facets": [],
            "paging": {
                "total": len(orders),
                "pages": max(1, -(-len(orders) // per_page)),
                "currentPage": page,
                "perPage": per_page,
            },  # fmt: skip
            "stats": {"stats": {"totalValue": stat(), "totalItems": stat()}},
        }

    @route("GET", "/api/logistics/pvt/shipping-policies")
    def shipping_policies(self, req: Request) -> Any:
        values = channel_values("vtex")["carrier_service"]
        items = [
            {"id": f"sp{n}", "name": sla, "shippingMethod": carrier, "isActive": True}
            for n, ((carrier, sla), _) in enumerate(values)
        ]
        return {"items": items, "paging": {"page": 1, "perPage": len(items), "total": len(items), "pages": 1}}


register_sandbox("vtex", VtexSandbox)
