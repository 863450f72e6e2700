"""The Magento connector reads answers in the shape Adobe's documentation shows, not only our sandbox's.

``../shared/specs/magento`` has no examples (the Swagger document declares schemas only), so these answers are
**inferred**: written here, with our own values, in the shape of the example responses of Adobe's REST tutorials
(``AdobeDocs/commerce-webapi``, ``src/pages/rest/tutorials/orders/order-create-order.md``, "Review the order as an
admin": ``GET /V1/orders/{id}``), which carry what our sandbox never produces: a bundle whose children carry the
prices (its own SKU is the concatenation of its children's), a configurable parent with a 0-priced child, a virtual
(downloadable) line, ``null`` payment fields, a ``street`` list. Search results are wrapped as the schema's
``*SearchResultsInterface`` (``items``, ``search_criteria``, ``total_count``).
"""

from __future__ import annotations

from typing import Any

import pytest

from connectors.vendor_examples import Route, answered_by

CREDENTIALS = {"access_token": "exemplo-magento-token-0123456789"}
BUNDLE_SKU = "KIT-YOGA-BOLA-65-TIJOLO"  # a dynamic-SKU bundle: base SKU + its children's, as in the tutorial


def _line(item_id: int, sku: str, name: str, price: float, kind: str = "simple", **extra: Any) -> dict[str, Any]:
    return {"item_id": item_id, "order_id": 3, "sku": sku, "name": name, "product_type": kind, "price": price,
            "base_price": price, "original_price": price, "row_total": price, "qty_ordered": 1, "qty_shipped": 0,
            "qty_invoiced": 0, "qty_refunded": 0, "qty_canceled": 0, "is_virtual": 0, "tax_amount": 0,
            "discount_amount": 0, "created_at": "2026-11-21 22:22:19", "updated_at": "2026-11-21 22:22:19",
            **extra}  # fmt: skip


def _child(parent: dict[str, Any], item_id: int, sku: str, name: str, price: float) -> dict[str, Any]:
    return _line(item_id, sku, name, price, parent_item_id=parent["item_id"], parent_item=dict(parent))


def _order() -> dict[str, Any]:
    bundle = _line(5, BUNDLE_SKU, "Kit Yoga", 68.0, "bundle")
    hoodie = _line(10, "MOL-P-CINZA", "Moletom", 52.0, "configurable")
    items = [
        _line(3, "CAM-M-LARANJA", "Camiseta M Laranja", 22.0),
        _line(4, "CURSO-PILATES", "Curso de Pilates (download)", 18.0, "downloadable", is_virtual=1),
        bundle,
        _child(bundle, 6, "BOLA-65", "Bola 65 cm", 27.0),
        _child(bundle, 7, "TIJOLO-YOGA", "Tijolo de yoga", 41.0),
        hoodie,
        _child(hoodie, 11, "MOL-P-CINZA", "Moletom-P-Cinza", 0.0),
    ]
    address = {"address_type": "shipping", "city": "São Paulo", "country_id": "BR", "email": "ana@example.com",
               "firstname": "Ana", "lastname": "Souza", "postcode": "01310-100", "region": "São Paulo",
               "region_code": "SP", "street": ["Av. Paulista, 1000", "ap. 12"], "telephone": "11 5555-1111"}  # fmt: skip
    return {
        "entity_id": 3, "increment_id": "000000003", "state": "new", "status": "pending",
        "created_at": "2026-11-21 22:22:19", "updated_at": "2026-11-21 22:22:20",
        "customer_email": "ana@example.com", "customer_firstname": "Ana", "customer_lastname": "Souza",
        "customer_is_guest": 0, "grand_total": 165.0, "subtotal": 160.0, "shipping_amount": 5.0,
        "order_currency_code": "BRL", "items": items, "billing_address": {**address, "address_type": "billing"},
        "payment": {"account_status": None, "additional_information": ["Transferência bancária", ""],
                    "amount_ordered": 165.0, "cc_last4": None, "method": "banktransfer"},
        "status_histories": [],
        "extension_attributes": {"shipping_assignments": [{"shipping": {"address": address, "method": "tablerate_bestway",
                                                                        "total": {"shipping_amount": 5.0}},
                                                           "items": items}]},
    }  # fmt: skip


ORDER = _order()
PRODUCTS = [
    {"id": 1, "sku": "CAM-M-LARANJA", "name": "Camiseta M Laranja", "attribute_set_id": 4, "price": 22, "status": 1,
     "visibility": 4, "type_id": "simple", "created_at": "2026-01-01 10:00:00", "updated_at": "2026-01-01 10:00:00",
     "extension_attributes": {"website_ids": [1]}, "custom_attributes": [
         {"attribute_code": "ean", "value": "7891234567895"}, {"attribute_code": "color", "value": "49"}]},
    {"id": 2, "sku": "MOL", "name": "Moletom", "attribute_set_id": 9, "status": 1, "visibility": 4,
     "type_id": "configurable", "extension_attributes": {"configurable_product_links": [3]}, "custom_attributes": []},
    {"id": 3, "sku": "MOL-P-CINZA", "name": "Moletom-P-Cinza", "attribute_set_id": 9, "price": 52.5, "status": 2,
     "visibility": 1, "type_id": "simple", "custom_attributes": [{"attribute_code": "gtin", "value": "07891234567895"}]},
]  # fmt: skip
SOURCE_ITEMS = [
    {"sku": "CAM-M-LARANJA", "source_code": "default", "quantity": 12.0, "status": 1},
    {"sku": "MOL-P-CINZA", "source_code": "default", "quantity": 0, "status": 0},
]


def _search(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "search_criteria": {"filter_groups": [], "page_size": 100, "current_page": 1},
            "total_count": len(items)}  # fmt: skip


ROUTES = [
    Route("GET", r"/rest/default/V1/orders/\d+", ORDER),
    Route("GET", r"/rest/default/V1/orders", _search([ORDER])),
    Route("GET", r"/rest/default/V1/products", _search(PRODUCTS)),
    Route("GET", r"/rest/default/V1/inventory/source-items", _search(SOURCE_ITEMS)),
]


@pytest.fixture
def magento():
    settings = {"auth": "bearer", "store_code": "default"}
    with answered_by(ROUTES, "magento", settings=settings, credentials=CREDENTIALS) as (srv, conn):
        yield srv, conn


def test_an_order_keeps_the_skus_the_erp_knows_and_its_total(magento):
    _, conn = magento
    order = conn.get_order("3")
    lines = {(i.sku, i.quantity, i.unit_price) for i in order.items}
    # The bundle's own SKU is no SKU of the ERP: its children (which carry the prices) are the lines; the
    # configurable parent is the line (its SKU is the child's, the child's price is 0); the virtual line stays.
    assert lines == {("CAM-M-LARANJA", 1, 22.0), ("CURSO-PILATES", 1, 18.0), ("BOLA-65", 1, 27.0),
                     ("TIJOLO-YOGA", 1, 41.0), ("MOL-P-CINZA", 1, 52.0)}  # fmt: skip
    assert sum(i.quantity * i.unit_price for i in order.items) == ORDER["subtotal"]
    assert (order.order_id, order.status_raw, order.total) == ("3", "pending", 165.0)
    assert (order.carrier_raw, order.service_raw, order.payment_raw) == ("tablerate", "tablerate_bestway",
                                                                         "banktransfer")  # fmt: skip
    assert order.buyer["name"] == "Ana Souza" and order.buyer["increment_id"] == "000000003"
    assert order.shipping_address["postcode"] == "01310-100"


def test_shipping_the_order_still_ships_the_bundle_as_magento_lists_it(magento):
    from kit.connectors.magento import _items_to_ship

    _, conn = magento
    shipped = {i["order_item_id"] for i in _items_to_ship(conn.get_order("3"))}
    assert shipped == {3, 4, 5, 10}  # Magento's top-level lines: the bundle (5), not its children


def test_fetch_orders_reads_the_order_list(magento):
    srv, conn = magento
    page = conn.fetch_orders()
    assert [o.order_id for o in page.orders] == ["3"] and page.cursor == ORDER["updated_at"]
    assert "BOLA-65" in {i.sku for i in page.orders[0].items} and not srv.unrouted


def test_listings_skip_configurable_parents_and_keep_ean_price_stock_status(magento):
    _, conn = magento
    frame = conn.list_listings().set_index("sku")
    assert list(frame.index) == ["CAM-M-LARANJA", "MOL-P-CINZA"]
    assert frame.loc["CAM-M-LARANJA", ["ean", "price", "stock", "status"]].tolist() == ["7891234567895", 22, 12,
                                                                                        "active"]  # fmt: skip
    assert frame.loc["MOL-P-CINZA", ["ean", "price", "stock", "status"]].tolist() == ["07891234567895", 52.5, 0,
                                                                                      "inactive"]  # fmt: skip


def test_every_request_of_the_read_paths_is_one_the_document_declares(magento):
    from connectors.openapi import magento_spec

    srv, conn = magento
    conn.list_listings()
    conn.fetch_orders()
    conn.get_order("3")
    report = magento_spec().check_log(srv.log())
    assert not report.problems, report.text()
    assert len(report.operations) == 4, report.operations


@pytest.mark.parametrize(
    "lines, fields",
    [
        (["Rua das Flores", "123", "apto 45", "Jardim América"],
         {"ship_street": "Rua das Flores", "ship_number": "123", "ship_complement": "apto 45",
          "ship_district": "Jardim América"}),
        (["Rua das Flores", "S/N", "Centro"],
         {"ship_street": "Rua das Flores", "ship_number": "S/N", "ship_complement": "", "ship_district": "Centro"}),
        (["Rua das Flores", "123"],
         {"ship_street": "Rua das Flores", "ship_number": "123", "ship_complement": "", "ship_district": ""}),
        (["Rua das Flores, 123 - apto 45"],
         {"ship_street": "Rua das Flores, 123 - apto 45", "ship_number": "", "ship_complement": "",
          "ship_district": ""}),
        # the example's own lines: the second is not a house number, so no line is taken for what it is not
        (["Av. Paulista, 1000", "ap. 12"],
         {"ship_street": "Av. Paulista, 1000, ap. 12", "ship_number": "", "ship_complement": "", "ship_district": ""}),
    ],
)  # fmt: skip
def test_the_street_lines_reach_the_outbox_as_street_number_complement_and_district(magento, lines, fields):
    """A Brazilian store asks for the address in Magento's street lines (up to 4): street, number, complement,
    district (inferred, docs/channels.md). The outbox gets each in its column; one line stays one street."""
    import copy

    from kit.jobs.adapters import order_to_dict
    from kit.jobs.outbox import csv_rows

    _, conn = magento
    raw = copy.deepcopy(ORDER)
    raw["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]["street"] = lines
    order = conn.normalize_order(raw)
    assert order.shipping_address["street_lines"] == lines
    row = next(csv_rows([order_to_dict(order)]))
    assert {k: row[k] for k in fields} == fields
