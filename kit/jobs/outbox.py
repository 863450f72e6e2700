"""The ERP import outbox: one batch of orders = one JSON file + one CSV file.

Layout (documented for ERP importers in ``docs/outbox.md``)::

    <outbox_dir>/<channel>/<channel>-orders-<hash>.json   the batch, complete (written first)
    <outbox_dir>/<channel>/<channel>-orders-<hash>.csv    the same orders, one row per item

Both are written atomically (temp file, fsync, rename, fsync of the folder);
the name is derived from the batch's (order id, version) keys, so writing the
same batch again replaces it with identical content. The JSON file is the
commit record: :func:`scan_outbox` reads it back, so the order ledger can be
rebuilt from the outbox after a crash between the rename and the ledger
commit. Files the ERP moved to a subfolder (e.g. ``processed/``) still count.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["CSV_COLUMNS", "write_batch", "scan_outbox", "batch_name", "csv_rows", "ensure_csv", "OUTBOX_FORMAT"]

OUTBOX_FORMAT = "canais-kit/orders-outbox/1"

CSV_COLUMNS = (
    "channel", "order_id", "version", "pack_id", "created_at", "updated_at",
    "status", "status_raw", "payment_method", "payment_raw",
    "carrier", "service", "carrier_raw", "service_raw", "total",
    "buyer_name", "buyer_document", "buyer_email", "buyer_phone",
    "ship_zip", "ship_street", "ship_number", "ship_complement", "ship_district", "ship_city", "ship_state",
    "item_line", "item_sku", "item_quantity", "item_unit_price", "item_title", "item_channel_item_id",
    "item_variation_id",
)  # fmt: skip

_BUYER = {
    "buyer_name": ("name", "nome", "full_name", "nickname"),
    "buyer_document": ("document", "cpf", "cnpj", "doc_number", "documento"),
    "buyer_email": ("email", "e_mail"),
    "buyer_phone": ("phone", "telefone", "phone_number"),
}
_ADDRESS = {
    "ship_zip": ("zip", "zip_code", "zipcode", "postal_code", "cep", "postcode", "postalCode"),
    "ship_street": ("street", "street_name", "address", "logradouro", "endereco", "address1"),
    "ship_number": ("number", "street_number", "numero"),
    "ship_complement": ("complement", "complemento", "address2"),
    "ship_district": ("district", "neighborhood", "bairro"),
    "ship_city": ("city", "cidade"),
    "ship_state": ("state", "uf", "region_code", "region", "estado"),  # Magento: region_code "SP", region "São Paulo"
}


def batch_name(channel: str, keys: Iterable[tuple[str, str]]) -> str:
    """The deterministic file stem of a batch: ``<channel>-orders-<hash16>``."""
    blob = "\n".join(f"{a}\t{b}" for a, b in sorted(keys))
    return f"{channel}-orders-{hashlib.sha256(blob.encode()).hexdigest()[:16]}"


def _pick(data: dict[str, Any], names: tuple[str, ...]) -> Any:
    for n in names:
        v = data.get(n)
        if v not in (None, "", []):
            if isinstance(v, list):  # Magento's street lines
                return ", ".join(str(x) for x in v if x not in (None, ""))
            return v.get("name") if isinstance(v, dict) and "name" in v else v
    return ""


def csv_rows(orders: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One CSV row per order item (the order's header repeated)."""
    for o in orders:
        erp = o.get("erp", {})
        head = {
            "channel": o.get("channel"),
            "order_id": o.get("order_id"),
            "version": o.get("version"),
            "pack_id": o.get("pack_id"),
            "created_at": o.get("created_at"),
            "updated_at": o.get("updated_at"),
            "status": erp.get("status"),
            "status_raw": o.get("status_raw"),
            "payment_method": erp.get("payment_method"),
            "payment_raw": o.get("payment_raw"),
            "carrier": erp.get("carrier"),
            "service": erp.get("service"),
            "carrier_raw": o.get("carrier_raw"),
            "service_raw": o.get("service_raw"),
            "total": o.get("total"),
        }
        buyer = o.get("buyer") or {}
        addr = o.get("shipping_address") or {}
        head.update({k: _pick(buyer, names) for k, names in _BUYER.items()})
        head.update({k: _pick(addr, names) for k, names in _ADDRESS.items()})
        items = o.get("items") or [{}]
        for i, it in enumerate(items, 1):
            yield {
                **head,
                "item_line": i,
                "item_sku": it.get("sku"),
                "item_quantity": it.get("quantity"),
                "item_unit_price": it.get("unit_price"),
                "item_title": it.get("title"),
                "item_channel_item_id": it.get("channel_item_id"),
                "item_variation_id": it.get("variation_id"),
            }


def write_batch(folder: Path, channel: str, orders: list[dict[str, Any]]) -> Path:
    """Write ``orders`` (each with ``order_id``, ``version``, ``erp``) as one batch; returns the JSON path."""
    from kit.store import atomic_write_bytes

    keys = [(str(o["order_id"]), str(o["version"])) for o in orders]
    stem = batch_name(channel, keys)
    doc = {
        "format": OUTBOX_FORMAT,
        "channel": channel,
        "batch": stem,
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "count": len(orders),
        "orders": orders,
    }
    json_path = folder / f"{stem}.json"
    atomic_write_bytes(json_path, json.dumps(doc, ensure_ascii=False, indent=1, default=str).encode("utf-8"))
    _write_csv(folder / f"{stem}.csv", orders)
    return json_path


def _write_csv(path: Path, orders: list[dict[str, Any]]) -> None:
    from kit.store import atomic_write_bytes

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, delimiter=";", lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in csv_rows(orders):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    atomic_write_bytes(path, buf.getvalue().encode("utf-8-sig"))


def scan_outbox(folder: Path) -> Iterator[tuple[Path, list[tuple[str, str]]]]:
    """Every batch JSON under ``folder`` (subfolders too) with its (order id, version) keys.

    Stray temp files a crash left behind are removed.
    """
    if not folder.is_dir():
        return
    for tmp in folder.rglob(".*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()
    for path in sorted(folder.rglob("*-orders-*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours or unreadable: never written by write_batch (atomic)
        if doc.get("format") != OUTBOX_FORMAT:
            continue
        orders = doc.get("orders") or []
        yield path, [(str(o["order_id"]), str(o["version"])) for o in orders]


def ensure_csv(json_path: Path) -> bool:
    """Write the CSV of a batch whose JSON exists but whose CSV does not (a crash between the two)."""
    csv_path = json_path.with_suffix(".csv")
    if csv_path.exists():
        return False
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    _write_csv(csv_path, doc.get("orders") or [])
    return True
