"""The committed sample set (``kit/data/sample/``): what it holds, its README, and the command that writes it.

``python -m kit.sample --write kit/data/sample`` regenerates it byte for byte.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path
from typing import Any

from kit.sample.catalog import SAMPLE_SEED, SAMPLE_SKUS, generate_catalog
from kit.sample.defects import DEFECT_CLASSES, DEFECT_COUNTS, PRICE_DIVERGENCE_MIN_PCT
from kit.sample.erp import write_erp_exports
from kit.sample.orders import generate_orders, write_erp_shipments
from kit.sample.store import _STORE_HEADERS_PT, STORE_FORMATS, _uniform_variation_price, write_store_export
from kit.sample.values import UNMAPPED_EXTRAS, write_channel_value_lists

__all__ = ["SAMPLE_ORDERS", "SAMPLE_ORDER_TYPES", "write_sample_set", "sample_dir"]

SAMPLE_ORDERS = 25
SAMPLE_ORDER_TYPES = ("mercadolivre", "vtex", "magento")


def write_sample_set(directory: str | Path, *, n: int = SAMPLE_SKUS, seed: int = SAMPLE_SEED) -> dict[str, Any]:
    """Write the whole sample set (what ``kit/data/sample/`` holds) into ``directory``.

    Layout: ``erp/`` (ERP exports and ``shipments.csv``), ``store/<type>/``
    (store exports with defects + ``defects.json``), ``store_clean/<type>/``
    (no defects), ``channels/<type>/`` (raw value lists), ``orders/<type>.json``
    (the orders behind ``erp/shipments.csv``).

    Returns:
        ``{"skus": n, "types": [...], "manifests": {type: manifest}}``.
    """
    root = Path(directory)
    catalog = generate_catalog(n, seed)
    write_erp_exports(root / "erp", n, seed, catalog=catalog)
    shipments = root / "erp" / "shipments.csv"
    if shipments.exists():
        shipments.unlink()
    manifests = {}
    for channel_type in STORE_FORMATS:
        manifests[channel_type] = write_store_export(root / "store" / channel_type, catalog, channel_type, seed=seed)
        write_store_export(root / "store_clean" / channel_type, catalog, channel_type, defects=(), seed=seed)
        write_channel_value_lists(root / "channels" / channel_type, channel_type)
    for channel_type in SAMPLE_ORDER_TYPES:
        orders = generate_orders(catalog, channel_type, SAMPLE_ORDERS, seed)
        path = root / "orders" / f"{channel_type}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(orders, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        write_erp_shipments(root / "erp", orders, channel_type, seed=seed)
    (root / "README.md").write_text(_sample_readme(n, seed, manifests), encoding="utf-8")
    return {"skus": n, "types": list(STORE_FORMATS), "manifests": manifests}


def _sample_readme(n: int, seed: int, manifests: dict[str, dict[str, Any]]) -> str:
    """The sample set's README: layout, formats, and every deliberate defect."""
    return "\n".join(_readme_layout(n, seed) + _readme_defects(manifests)) + "\n"


def _readme_layout(n: int, seed: int) -> list[str]:
    """How to regenerate the set, its files and each channel's listing format."""
    lines = [
        "# Sample data (generated: do not edit by hand)",
        "",
        f"Regenerate with `python -m kit.sample --write kit/data/sample` ({n} SKUs, seed {seed});",
        "the output is identical byte for byte. `kit demo` and the tests read this set.",
        "",
        "## Layout",
        "",
        "| Path | What | Format |",
        "|---|---|---|",
        "| `erp/products.csv` | ERP catalogue (with variation families: `Cor`, `Tamanho`, `Código pai`) | cp1252, `;`, "
        "decimal comma, ERP headers (`Código`, `EAN/GTIN`, `Descrição`...) |",
        "| `erp/stock.csv` | ERP available stock | UTF-8 with BOM, `;` |",
        "| `erp/prices.csv` | ERP prices | cp1252, `;`, thousands dot + decimal comma |",
        "| `erp/carrier_service.csv`, `payment_method.csv`, `order_status.csv` | ERP value lists | cp1252, `;` |",
        "| `erp/shipments.csv` | invoiced/shipped orders (NF-e, tracking) for the status job | cp1252, `;` |",
        "| `orders/<type>.json` | the channel orders behind `shipments.csv` | JSON (neutral order specs) |",
        "| `store/<type>/` | store export **with deliberate defects**, value lists with unmapped values, "
        "`defects.json` | see below |",
        "| `store_clean/<type>/` | the same store export without any defect (`defects.json` lists none) | |",
        "| `channels/<type>/` | the channel's raw value lists, as the channel exports them | UTF-8, `,` |",
        "",
        "Store listing formats per channel type:",
        "",
        "| Type | File | Format |",
        "|---|---|---|",
    ]
    for channel_type, fmt in STORE_FORMATS.items():
        if fmt["file"].endswith(".xlsx"):
            desc = "XLSX, sheet `Anúncios`, Portuguese headers"
        else:
            sep = {"\t": "tab", ";": "`;`", ",": "`,`"}[fmt["sep"]]
            desc = (
                f"{fmt['encoding']}, {sep}, {'decimal comma' if fmt['decimal_comma'] else 'decimal point'}, "
                f"{'Portuguese' if fmt['headers'] is _STORE_HEADERS_PT else 'canonical English'} headers"
            )
        lines.append(f"| {channel_type} | `{fmt['file']}` | {desc} |")
    return lines


def _readme_defects(manifests: dict[str, dict[str, Any]]) -> list[str]:
    """Every deliberate defect class, what it means, and which SKUs carry it in each store export."""
    lines = [
        "",
        "## Deliberate defects in `store/<type>/`",
        "",
        "Every class touches its own SKUs (no SKU carries two defects). `defects.json` in each",
        "directory lists them by class with the SKUs a check should flag and per-SKU details.",
        f"Price divergences are at least {PRICE_DIVERGENCE_MIN_PCT:g}% (one is a drop of more than 50%).",
        "The ERP files in `erp/` are clean; the one ERP-side defect (`variation_price_conflict`) is in",
        "`store/<type>/erp_products.csv` (manifest key `erp_file`), the ERP export to check that store against.",
        "",
        "| Class | Meaning | SKUs per type |",
        "|---|---|---|",
    ]
    for cls, meaning in DEFECT_CLASSES.items():
        count = DEFECT_COUNTS.get(cls)
        uniform = ", ".join(t for t in STORE_FORMATS if _uniform_variation_price(t))
        where = f" ({uniform} only)" if cls == "variation_price_conflict" else ""
        lines.append(f"| `{cls}` | {meaning} | {count if count is not None else 'value lists'}{where} |")
    lines += [
        "",
        "Notes:",
        "",
        "* `duplicate_ean` lists both SKUs that share the EAN; `details` gives the pairs.",
        "* `ean_moved`: the ERP SKU is absent and the same EAN appears under `<sku>-V<n>`; a check may",
        "  also report these as `missing_in_store` / `extra_in_store` (`also_reported_as` in the manifest).",
        "* `long_title`: over the channel's title limit (`title_limit` in the manifest; Mercado Livre 60).",
        "* Variation families: about 25 % of SKUs belong to families of 2-4 SKUs (`parent_sku` `PAI-...`)",
        "  sharing product, category, NCM, brand, weight/dimensions and price, differing by colour and/or size.",
        "  Where the channel lists them as one listing with variations (Mercado Livre), the store export gives",
        "  the family one `channel_id` and each SKU a `variation_id`.",
        "* `variation_price_conflict`: only for channel types whose listings take one price for every",
        "  variation (`uniform_variation_price`, Mercado Livre); one SKU of a family of 3+ has another price",
        "  in `erp_products.csv`. The same SKU may also show as a `price_divergence` against the store.",
        "* `unmapped_values`: `carrier_service.csv`, `payment_method.csv`, `order_status.csv` in",
        "  `store/<type>/` carry values absent from the ground truth (`kit/data/channel_values.json`):",
        "",
    ]
    for kind, values in UNMAPPED_EXTRAS.items():
        shown = ", ".join(" / ".join(v) if isinstance(v, list) else v for v in values)
        lines.append(f"  * {kind}: {shown}")
    lines += ["", "SKUs per type:", ""]
    for channel_type, manifest in manifests.items():
        parts = [f"{cls} {', '.join(d['skus'])}" for cls, d in manifest["defects"].items() if d["skus"]]
        lines.append(f"* **{channel_type}**: " + "; ".join(parts))
    return lines


def sample_dir() -> Path:
    """Where the committed sample set is (inside the installed package)."""
    return Path(str(resources.files("kit").joinpath("data/sample")))


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kit.sample",
        description="Dados de exemplo realistas e reproduzíveis (semente fixa): exportações do ERP e da loja, "
        "valores dos canais, pedidos.",
    )
    parser.add_argument("--write", metavar="DIR", required=True, help="grava o conjunto de exemplo em DIR")
    parser.add_argument("--skus", type=int, default=SAMPLE_SKUS)
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    args = parser.parse_args(argv)
    info = write_sample_set(args.write, n=args.skus, seed=args.seed)
    print(f"conjunto de exemplo gravado em {args.write}: {info['skus']} SKUs, {len(info['types'])} tipos de canal")
    return 0
