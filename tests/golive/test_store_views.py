"""A Magento catalogue export with store views: the same SKU again per view is not a duplicate listing."""

from __future__ import annotations

import csv

import pytest

from kit.golive import run_golive
from kit.golive.context import read_products
from kit.golive.scopes import FOLDED_ATTR

HEADER = [
    "sku", "store_view_code", "attribute_set_code", "product_type", "categories", "product_websites", "name",
    "description", "weight", "product_online", "visibility", "price", "qty", "is_in_stock", "additional_attributes",
]  # fmt: skip


def _ean(i):
    body = f"789{i:09d}"
    return body + str(-sum(int(d) * (3 if k % 2 else 1) for k, d in enumerate(body)) % 10)


def _erp(path, n):
    rows = [f"P-{i:04d};{_ean(i)};Caneca de porcelana {i};Ipê;Casa > Cozinha;69111010;0,35;9;9;12;{19 + i},90;{i};Sim"
            for i in range(1, n + 1)]  # fmt: skip
    head = "Código;EAN;Descrição;Marca;Categoria;NCM;Peso (kg);Altura;Largura;Comprimento;Preço;Estoque;Ativo"
    path.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def _magento(path, n, *, views=("en", "es"), twice=()):
    """Magento's export: the default row (HTML description over several lines), then a row per store view."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(1, n + 1):
            default = [f"P-{i:04d}", "", "Default", "simple", "Default Category/Casa/Cozinha", "base",
                       f"Caneca de porcelana {i}", "<p>Caneca</p>\n<ul>\n<li>350 ml</li>\n</ul>", "0.35", "1",
                       "Catalog, Search", f"{19 + i}.90", f"{i}.0000", "1", "color=Branco"]  # fmt: skip
            out.writerow(default)
            if i in twice:  # a real duplicate: the default scope twice
                out.writerow(default)
            for view in views:
                out.writerow([f"P-{i:04d}", view, "Default", "simple", "", "base", f"Mug {i} ({view})"] + [""] * 8)


def test_store_view_rows_are_not_duplicates_and_the_default_row_is_compared(tmp_path):
    erp, store = tmp_path / "erp.csv", tmp_path / "export_catalog_product.csv"
    _erp(erp, 20)
    _magento(store, 20)
    folded = read_products(store)
    assert len(folded) == 20 and folded.attrs[FOLDED_ATTR] == 40
    assert list(folded["_row"][:3]) == [2, 5, 8]  # the spreadsheet rows of the default rows
    run = run_golive(channel_type="magento", erp_file=erp, store_file=store, output_dir=tmp_path / "out",
                     write_xlsx=False, record=False, notebook=False)  # fmt: skip
    f = run.findings
    assert not (f["severity"] == "bloqueio").any(), f[f["severity"] == "bloqueio"]["message"].head().tolist()
    note = f[(f["check"] == "duplicates") & (f["field"] == "store.scope")]
    assert list(note["severity"]) == ["info"] and note["message"].iloc[0].startswith("40 linha(s) de visões de loja")
    # the views' empty price and stock cells are not read as the listing's
    assert not f["field"].isin(["store.price", "store.stock"]).any()


@pytest.mark.parametrize("views", [("en",), ()], ids=["with-views", "default-only"])
def test_a_default_row_written_twice_is_still_a_duplicate(tmp_path, views):
    erp, store = tmp_path / "erp.csv", tmp_path / "store.csv"
    _erp(erp, 5)
    _magento(store, 5, views=views, twice=(3,))
    run = run_golive(channel_type="magento", erp_file=erp, store_file=store, output_dir=tmp_path / "out",
                     write_xlsx=False, record=False, notebook=False)  # fmt: skip
    dup = run.findings[(run.findings["check"] == "duplicates") & (run.findings["severity"] == "bloqueio")]
    assert list(dup["sku"]) == ["P-0003", "P-0003"]


def test_a_sku_only_in_store_views_keeps_its_first_row(tmp_path):
    store = tmp_path / "store.csv"
    store.write_text("sku,store_view_code,name,price\nA,,Caneca,10\nB,en,Mug,11\nB,es,Taza,12\n", encoding="utf-8")
    df = read_products(store)
    assert list(df["sku"]) == ["A", "B"] and list(df["title"]) == ["Caneca", "Mug"]
    assert df.attrs[FOLDED_ATTR] == 1
