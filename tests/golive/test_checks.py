"""Each check on small hand-built tables: what it flags, with which severity, and what it leaves alone."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.channels import Channel, validate
from kit.channeltypes import get_type
from kit.golive import COLUMNS, GoliveContext, Tolerances, run_checks
from kit.golive.checks import capacity_plan, first_sync_preview
from kit.golive.registry import CHECKS, register_check
from kit.sample import ean13

CNPJ = "11222333000181"
TITLES = ["Tênis de Corrida Atlântica", "Garrafa Térmica Inox", "Cafeteira Elétrica Preta", "Mochila Escolar Azul",
          "Luminária de Mesa Branca"]  # fmt: skip


def _products(n: int = 5, **over) -> pd.DataFrame:
    rows = []
    for i in range(1, n + 1):
        rows.append(
            {"sku": f"A{i}", "ean": ean13(789_100_000_000 + i), "title": f"{TITLES[(i - 1) % len(TITLES)]} {i}",
             "brand": "Marca", "category": "Casa", "ncm": "61091000", "weight_kg": 1.0, "height_cm": 10.0,
             "width_cm": 10.0, "length_cm": 10.0, "price": 100.0 + i, "stock": 10 + i, "active": True}
        )  # fmt: skip
    df = pd.DataFrame(rows)
    for key, value in over.items():
        df[key] = value
    return df


def _ctx(erp, store, **kw) -> GoliveContext:
    kw.setdefault("company", CNPJ)
    return GoliveContext(erp=erp, store=store, channel_type=get_type(kw.pop("type", "vtex")), **kw)


def _only(findings, check):
    return findings[findings["check"] == check]


def test_findings_have_fixed_columns_and_clean_data_has_no_blocker():
    erp = _products()
    f = run_checks(_ctx(erp, erp.copy()))
    assert list(f.columns) == list(COLUMNS)
    assert not (f["severity"] == "bloqueio").any(), f.to_string()
    assert set(f["severity"]) <= {"bloqueio", "aviso", "info"}


def test_register_twice_is_an_error_and_a_crashing_check_is_a_blocker():
    with pytest.raises(ValueError, match="registered twice"):
        register_check("sku_coverage")(lambda ctx: None)

    @register_check("test_boom")
    def boom(ctx):
        raise RuntimeError("kaboom")

    try:
        erp = _products(2)
        f = run_checks(_ctx(erp, erp.copy()), only=["test_boom", "duplicates"])
        row = f[f["check"] == "test_boom"].iloc[0]
        assert row["severity"] == "bloqueio" and "kaboom" in row["message"]
    finally:
        CHECKS.unregister("test_boom")


def test_coverage_suggests_same_ean_then_near_identical_title():
    erp = _products(4)
    store = erp.copy()
    store.loc[0, "sku"] = "A1-OLD"  # same EAN under another SKU
    store.loc[1, ["sku", "ean"]] = ["B2", ""]  # no EAN, same title
    store.loc[2, ["sku", "ean", "title"]] = ["C3", "", "Outra coisa completamente diferente"]
    f = _only(run_checks(_ctx(erp, store), only=["sku_coverage"]), "sku_coverage")
    by = {(r.field, r.sku): r for r in f.itertuples()}
    assert "A1-OLD" in by[("erp.sku", "A1")].expected and "EAN" in by[("erp.sku", "A1")].expected
    assert by[("erp.sku", "A1")].severity == "bloqueio"
    assert "B2" in by[("erp.sku", "A2")].expected and "título" in by[("erp.sku", "A2")].expected
    assert by[("erp.sku", "A3")].expected == "SKU presente na loja"  # no suggestion for a different title
    assert by[("erp.sku", "A3")].severity == "aviso"
    assert by[("store.sku", "C3")].severity == "bloqueio"
    assert ("erp.sku", "A4") not in by


def test_coverage_suggests_the_same_code_written_another_way():
    """An export through Excel drops leading zeros; hand typing changes case and separators: the listing is
    the ERP's product, so creating it again would duplicate it (a blocker, not "a criar")."""
    erp = _products(5)
    erp["sku"] = ["000123", "sku-77", "A.3", "B4", "B04"]
    store = _products(5)
    store["ean"] = ""  # no EAN and other titles: only the code can tell
    store["title"] = ["Um", "Dois", "Tres", "Quatro", "Cinco"]
    store["sku"] = ["123", "SKU-77", "A3", "4", "ZZ9"]
    f = _only(run_checks(_ctx(erp, store), only=["sku_coverage"]), "sku_coverage")
    by = {(r.field, r.sku): r for r in f.itertuples()}
    assert by[("erp.sku", "000123")].expected == "123 (mesmo código sem os zeros à esquerda)"
    assert by[("erp.sku", "sku-77")].expected == "SKU-77 (mesmo código em maiúsculas/minúsculas diferentes)"
    assert by[("erp.sku", "A.3")].expected == "A3 (mesmo código com outra grafia)"
    assert by[("store.sku", "123")].expected == "000123 (mesmo código sem os zeros à esquerda)"
    assert all(by[("erp.sku", s)].severity == "bloqueio" for s in ("000123", "sku-77", "A.3"))
    # "B4" and "B04" share no key with "4"; a key two candidates share would suggest neither
    assert by[("erp.sku", "B4")].expected == by[("erp.sku", "B04")].expected == "SKU presente na loja"
    assert by[("store.sku", "ZZ9")].expected == "SKU presente no ERP"


def test_a_store_listing_under_an_erp_parent_code_is_not_a_missing_sku():
    """Magento's configurable product, VTEX's product, a listing with variations: its SKU is the ERP's parent code."""
    erp = _products(3, parent_sku=["CAM", "CAM", ""])
    store = pd.concat([erp.drop(columns="parent_sku"), _products(1, sku="CAM", ean="", title="Camiseta")])
    f = _only(run_checks(_ctx(erp, store), only=["sku_coverage"]), "sku_coverage")
    row = f[f["sku"] == "CAM"].iloc[0]
    assert row["severity"] == "info" and row["message"].startswith("Anúncio pai de variações na loja")
    assert not (f["severity"] == "bloqueio").any()


def test_listings_without_a_sku_are_blockers_naming_the_erp_product_they_seem_to_be():
    """Marketplace listings made by hand often have no seller SKU: the ERP cannot control them, and its product
    would be listed a second time by the products job (a blocker on both sides, each naming the other)."""
    erp = _products(3)
    store = _products(3)
    store["sku"] = ["", "", ""]
    store["channel_id"] = ["MLB100", "MLB101", ""]
    store.loc[1, "ean"] = ""  # same title only
    store.loc[2, ["ean", "title"]] = ["", "Outra coisa"]
    f = _only(run_checks(_ctx(erp, store, type="mercadolivre"), only=["sku_coverage"]), "sku_coverage")
    listing = f[f["field"] == "store.sku"].set_index("value")
    assert list(listing.index) == ["anúncio MLB100", "anúncio MLB101", "sem id do anúncio"]
    assert (listing["severity"] == "bloqueio").all()
    assert listing.loc["anúncio MLB100", "expected"].startswith("A1 (mesmo EAN ")
    assert listing.loc["anúncio MLB101", "expected"].startswith("A2 (título parecido")
    assert listing.loc["sem id do anúncio", "expected"] == "SKU do vendedor preenchido"
    by_erp = f[f["field"] == "erp.sku"].set_index("sku")
    assert by_erp.loc["A1", "severity"] == "bloqueio" and "vazio no anúncio MLB100" in by_erp.loc["A1", "expected"]
    assert by_erp.loc["A2", "severity"] == "bloqueio" and "vazio no anúncio MLB101" in by_erp.loc["A2", "expected"]
    assert by_erp.loc["A3", "expected"] == "SKU presente na loja"


def test_a_store_export_with_listings_without_a_sku_is_read_for_go_live(tmp_path):
    from kit.errors import InputDataError
    from kit.sheets import read_table

    path = tmp_path / "anuncios.csv"
    path.write_text("id anuncio;sku;titulo;preco\nMLB100;;Caneca;10\nMLB101;A2;Prato;12\n", encoding="utf-8")
    assert list(read_table(path, "listings")["sku"].fillna("")) == ["", "A2"]
    with pytest.raises(InputDataError, match="sku vazio na linha 2"):  # an ERP export still needs every SKU
        read_table(path, "products")


def test_a_code_key_two_candidates_share_suggests_neither():
    erp = _products(1)
    erp["sku"] = ["0042"]
    store = _products(2)
    store["ean"] = ""
    store["title"] = ["Um", "Dois"]
    store["sku"] = ["42", "00042"]
    f = _only(run_checks(_ctx(erp, store), only=["sku_coverage"]), "sku_coverage")
    assert f.loc[f["field"] == "erp.sku", "expected"].tolist() == ["SKU presente na loja"]


def test_duplicates_on_each_side():
    erp = _products(4)
    erp.loc[3, "sku"] = "A3"  # repeated SKU in the ERP
    store = _products(4)
    store.loc[1, "ean"] = store.loc[0, "ean"]  # one EAN, two SKUs
    store["channel_id"] = ["10", "11", "12", "12"]  # repeated listing id
    f = _only(run_checks(_ctx(erp, store), only=["duplicates"]), "duplicates")
    assert set(f.loc[f["field"] == "erp.sku", "sku"]) == {"A3"}
    assert set(f.loc[f["field"] == "store.ean", "sku"]) == {"A1", "A2"}
    assert set(f.loc[f["field"] == "store.channel_id", "sku"]) == {"A3", "A4"}
    assert (f["severity"] == "bloqueio").all()


def test_validity_ean_ncm_cnpj_price_stock():
    erp = _products(5)
    erp.loc[0, "ean"] = erp.loc[0, "ean"][:-1] + str((int(erp.loc[0, "ean"][-1]) + 1) % 10)
    erp.loc[1, "ncm"] = "6109"
    erp.loc[2, "price"] = 0.0
    erp.loc[3, "stock"] = -1
    f = _only(run_checks(_ctx(erp, _products(5), company="11222333000100"), only=["validity"]), "validity")
    flagged = {(r.field, r.sku) for r in f[f["severity"] == "bloqueio"].itertuples()}
    assert {("erp.ean", "A1"), ("erp.ncm", "A2"), ("erp.price", "A3"), ("erp.stock", "A4")} <= flagged
    assert ("company.cnpj", "") in flagged
    assert not any(sku == "A5" for _, sku in flagged)
    # An alphanumeric CNPJ is accepted.
    ok = run_checks(_ctx(_products(1), _products(1), company="12ABC34501DE35"), only=["validity"])
    assert not (ok["field"] == "company.cnpj").any()


def test_required_fields_use_the_channel_type_limits():
    erp = _products(3)
    store = _products(3)
    store.loc[0, "title"] = "x" * 61
    store.loc[1, "brand"] = ""
    store.loc[2, "width_cm"] = 0.0
    ml = _only(run_checks(_ctx(erp, store, type="mercadolivre"), only=["required_fields"]), "required_fields")
    assert {(r.field, r.sku) for r in ml.itertuples()} == {("store.title", "A1"), ("store.brand", "A2"),
                                                          ("store.width_cm", "A3")}  # fmt: skip
    vtex = _only(run_checks(_ctx(erp, store, type="vtex"), only=["required_fields"]), "required_fields")
    assert ("store.title", "A1") not in {(r.field, r.sku) for r in vtex.itertuples()}  # 61 < 150


def test_divergences_respect_tolerances_and_come_largest_first():
    erp = _products(4)
    store = erp.copy()
    store["price"] = erp["price"] * [1.005, 1.10, 0.5, 1.0]  # 0.5 % is inside the 1 % tolerance
    store["stock"] = erp["stock"] + [0, 2, 0, 30]
    f = _only(run_checks(_ctx(erp, store, tolerances=Tolerances(price_pct=1, stock_units=1)),
                         only=["divergences"]), "divergences")  # fmt: skip
    assert f.loc[f["field"] == "price", "sku"].tolist() == ["A3", "A2"]
    assert f.loc[f["field"] == "stock", "sku"].tolist() == ["A4", "A2"]


def test_first_sync_preview_and_price_guard_confirmation():
    erp = _products(4)
    store = erp.copy()
    store.loc[0, "price"] = erp.loc[0, "price"] * 2  # ERP price is a 50 % drop
    store.loc[1, "price"] = erp.loc[1, "price"] * 1.1  # a 9 % drop: under the guard
    erp.loc[2, "stock"] = 0
    ctx = _ctx(erp, store, tolerances=Tolerances(price_guard_pct=30))
    pv = first_sync_preview(ctx)
    assert (pv["price_updates"], pv["stock_updates"]) == (2, 1)
    assert pv["to_zero"]["sku"].tolist() == ["A3"]
    assert pv["price_drops"]["sku"].tolist() == ["A1", "A2"]
    assert pv["price_drops"]["drop_pct"].iloc[0] == pytest.approx(50.0)
    f = _only(run_checks(ctx, only=["first_sync"]), "first_sync")
    assert f[f["severity"] == "bloqueio"]["sku"].tolist() == ["A1"]
    confirmed = _ctx(erp, store, answers={"price_drop:A1": {"by": "Ana", "at": "2026-01-01"}})
    f2 = run_checks(confirmed, only=["first_sync"])
    assert not (f2["severity"] == "bloqueio").any()


def _channel(**kw) -> Channel:
    base = dict(name="loja", type="vtex", category="plataforma", company=CNPJ, environment="production",
                settings={"account": "loja"})  # fmt: skip
    base.update(kw)
    return validate(Channel(**base))


class FakeConnector:
    def __init__(self, ok=True, missing=(), evidence=None):
        self.ok, self.missing, self.evidence = ok, list(missing), evidence

    def test_connection(self):
        from types import SimpleNamespace

        return SimpleNamespace(ok=self.ok, message="401 unauthorized" if not self.ok else "ok",
                               missing_permissions=self.missing, details={})  # fmt: skip

    def value_lists(self):
        return {}


def test_credentials_environment_and_local_base_url():
    erp = _products(2)
    good = run_checks(_ctx(erp, erp.copy(), channel=_channel(), connector=FakeConnector()), only=["credentials"])
    assert not (good["severity"] == "bloqueio").any()
    sandbox = _channel(environment="sandbox")
    f = run_checks(_ctx(erp, erp.copy(), channel=sandbox, connector=FakeConnector()), only=["credentials"])
    assert ((f["field"] == "environment") & (f["severity"] == "bloqueio")).any()
    local = _channel(base_url="http://127.0.0.1:8080")
    f = run_checks(_ctx(erp, erp.copy(), channel=local, connector=FakeConnector()), only=["credentials"])
    assert ((f["field"] == "base_url") & (f["severity"] == "bloqueio")).any()
    f = run_checks(_ctx(erp, erp.copy(), channel=_channel(), connector=FakeConnector(ok=False, missing=["OMS"])),
                   only=["credentials"])  # fmt: skip
    assert set(f.loc[f["severity"] == "bloqueio", "field"]) == {"credentials", "permissions"}


def test_other_erp_evidence_checklist_and_confirmation():
    erp = _products(2)
    ch = _channel()
    unconfirmed = run_checks(_ctx(erp, erp.copy(), channel=ch, connector=FakeConnector()), only=["other_erp"])
    assert unconfirmed["severity"].tolist() == ["bloqueio"]
    confirmed = run_checks(
        _ctx(erp, erp.copy(), channel=ch, connector=FakeConnector(), answers={"other_erp": {"by": "Ana", "at": "x"}}),
        only=["other_erp"],
    )
    assert confirmed["severity"].tolist() == ["info"] and "Ana" in confirmed["message"].iloc[0]
    hook = FakeConnector()
    hook.integration_evidence = lambda: [{"field": "hook", "value": "appkey-outro", "message": "Hook de outro app"}]
    f = run_checks(_ctx(erp, erp.copy(), channel=ch, connector=hook), only=["other_erp"])
    # what the channel shows is a blocker, and the checklist item still applies
    assert f["field"].tolist() == ["hook", "checklist.other_erp"] and f["value"].tolist()[0] == "appkey-outro"
    assert f["severity"].tolist() == ["bloqueio", "bloqueio"]
    partial = FakeConnector()
    partial.integration_evidence = lambda: []  # asked, nothing seen: but the channel cannot see everything
    f = run_checks(_ctx(erp, erp.copy(), channel=ch, connector=partial), only=["other_erp"])
    assert f["field"].tolist() == ["checklist.other_erp"] and f["severity"].tolist() == ["bloqueio"]
    clean = FakeConnector()
    clean.integration_evidence = lambda: []
    clean.integration_evidence_conclusive = True  # the channel sees every integration: no checklist needed
    f = run_checks(_ctx(erp, erp.copy(), channel=ch, connector=clean), only=["other_erp"])
    assert f["severity"].tolist() == ["info"] and f["field"].tolist() == ["integration"]


def test_capacity_blocks_when_a_job_cannot_keep_up_now():
    erp = _products(3)
    ch = _channel()
    ctx = _ctx(erp, erp.copy(), channel=ch, connector=FakeConnector())
    ctx.capacity.orders_per_hour = 1_000_000  # orders read at VTEX's default rate cannot keep up
    plan = capacity_plan(ctx)
    # VTEX reads its listings incrementally: the products run with the daily full read is planned too.
    assert set(plan["scenario"]) == {"agora", "pico", "leitura_completa"}
    f = run_checks(ctx, only=["capacity"])
    blocked = f[f["severity"] == "bloqueio"]
    # Orders (reads) and status pushes both scale with orders per hour; catalogue jobs still fit.
    assert len(blocked) and blocked["field"].str.match(r"capacity\.(orders|status)\.").all()


def test_capacity_counts_the_listing_reads_and_warns_when_the_daily_full_read_is_longer_than_the_interval():
    import pandas as pd

    erp = _products(3)
    store = pd.concat([erp] * 20_000, ignore_index=True)  # 60,000 listings on VTEX: 3 reads each, 40 req/s
    ctx = _ctx(erp, store, channel=_channel(), connector=FakeConnector())
    plan = capacity_plan(ctx).set_index(["job", "scenario"])
    assert plan.loc[("products", "leitura_completa"), "read_requests"] == 61 + 180_000
    assert plan.loc[("products", "agora"), "read_requests"] == 61 + 3 * plan.loc[("products", "agora"), "items_per_run"]
    assert plan.loc[("stock", "agora"), "read_requests"] == 0
    f = run_checks(ctx, only=["capacity"])
    full = f[f["field"] == "capacity.products.leitura_completa"]
    assert full["severity"].tolist() == ["aviso"]  # 4,500 s in a 60-minute interval: a warning, not a blocker
    assert "leitura completa diária" in full["message"].iloc[0] and "180061 de leitura" in full["message"].iloc[0]


def test_title_limits_match_the_sample_generator():
    from kit.channeltypes import CHANNEL_TYPES
    from kit.golive.requirements import requirements_for
    from kit.sample import TITLE_LIMITS

    assert {t: requirements_for(t).title_max for t in CHANNEL_TYPES} == TITLE_LIMITS


def test_prepare_products_counts_empty_cells_exactly_trusted_or_not(tmp_path):
    from kit.golive.context import ERP_COLUMNS, prepare_products
    from kit.sheets import read_table

    path = tmp_path / "erp.csv"
    path.write_text("sku,ean,title,brand,price,stock\nA-1,,Caneca,Acme,10,1\nA-2,789,Prato,Acme,,2\n", encoding="utf-8")
    read = read_table(path, "listings")
    trusted = prepare_products(read, ERP_COLUMNS, trust_counts=True)
    scanned = prepare_products(read, ERP_COLUMNS)
    for col in ("sku", "ean", "title", "brand", "ncm", "parent_sku"):
        assert trusted[col].tolist() == scanned[col].tolist(), col
    assert trusted.attrs["empty_cells"] == scanned.attrs["empty_cells"]
    assert scanned.attrs["empty_cells"]["ean"] == 1 and scanned.attrs["empty_cells"]["brand"] == 0
    # Changed after reading: the reader's count (no empty brand) is stale, and is not used unless trusted.
    changed = read.copy()
    changed.loc[1, "brand"] = None
    assert changed.attrs["empty_cells"]["brand"] == 0  # pandas carries attrs along
    prepared = prepare_products(changed, ERP_COLUMNS)
    assert prepared["brand"].tolist() == ["Acme", ""] and prepared.attrs["empty_cells"]["brand"] == 1
    hand_made = prepare_products(pd.DataFrame({"sku": ["A", "B"], "brand": [" ", "x"]}), ERP_COLUMNS)
    assert hand_made["brand"].tolist() == ["", "x"] and hand_made.attrs["empty_cells"]["brand"] == 1


def test_an_unlimited_stock_listing_is_information_not_a_stock_difference():
    """VTEX hasUnlimitedQuantity: the listing has no finite stock (read as empty, flagged); before, it was read as
    0 and reported as a stock difference, and the first sync preview counted it as a stock update."""
    erp = _products(3)
    store = _products(3, stock=[11, pd.NA, 13])
    store["unlimited_stock"] = [False, True, False]
    f = _only(run_checks(_ctx(erp, store), only=["divergences"]), "divergences")
    row = f[f["sku"] == "A2"]
    assert len(row) == 1 and row.iloc[0]["severity"] == "info" and row.iloc[0]["value"] == "ilimitado"
    assert row.iloc[0]["message"].startswith("Estoque ilimitado na loja (sempre disponível), ERP 12: não é divergência")
    assert (f["severity"] != "aviso").all()
    assert first_sync_preview(_ctx(erp, store))["stock_updates"] == 0
    store["unlimited_stock"] = False  # the same listing with a finite stock of 0 is a difference
    store["stock"] = [11, 0, 13]
    f = _only(run_checks(_ctx(erp, store), only=["divergences"]), "divergences")
    assert f.loc[f["sku"] == "A2", "severity"].tolist() == ["aviso"]


def _per_warehouse_export(tmp_path, rows: list[str]):
    from kit.golive.context import read_products

    path = tmp_path / "produtos_por_deposito.csv"
    header = "sku;ean;titulo;marca;categoria;ncm;preco;estoque;deposito\n"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path, read_products


def test_an_erp_export_with_one_row_per_warehouse_is_one_product_with_its_stock_summed(tmp_path):
    """Before, each SKU of such an export was a duplicate registration (a blocker) and its stock one row's."""
    path, read_products = _per_warehouse_export(tmp_path, [
        f"A1;{ean13(789_100_000_001)};Caneca 1;Marca;Casa;61091000;101,00;3;CD-SP",
        f"A1;{ean13(789_100_000_001)};Caneca 1;Marca;Casa;61091000;101,00;4;CD-RJ",
        f"A2;{ean13(789_100_000_002)};Prato 2;Marca;Casa;61091000;102,00;5;CD-SP",
        f"A3;{ean13(789_100_000_003)};Copo 3;Marca;Casa;61091000;103,00;1;CD-SP",
        f"A3;{ean13(789_100_000_003)};Copo 3;Marca;Casa;61091000;99,90;2;CD-RJ",
        f"A4;{ean13(789_100_000_004)};Jarra 4;Marca;Casa;61091000;104,00;6;CD-SP",
        f"A4;{ean13(789_100_000_004)};Jarra 4;Marca;Casa;61091000;104,00;6;CD-SP",
    ])  # fmt: skip
    erp = read_products(path)
    store = _products(4, stock=[7, 5, 3, 6])
    f = _only(run_checks(_ctx(erp, store)), "duplicates")
    blockers = f[f["severity"] == "bloqueio"]
    # A1: folded; A3: its rows disagree on the price; A4: the same warehouse twice (a real duplicate)
    assert sorted(set(blockers.loc[blockers["field"] == "erp.sku", "sku"])) == ["A3", "A4"]
    a3 = blockers[blockers["sku"] == "A3"].iloc[0]["message"]
    assert "linhas por depósito com dados do produto diferentes (preço)" in a3
    info = f[f["field"] == "erp.warehouse"].iloc[0]
    assert info["severity"] == "info" and info["value"] == "1"
    assert info["message"].startswith("1 linha(s) por depósito no ERP agrupadas em 1 SKU(s)")
    assert "a soma dos depósitos" in info["message"]
    assert erp.set_index("sku").loc["A1", "stock"] == 7
    divergences = _only(run_checks(_ctx(erp, store), only=["divergences"]), "divergences")
    assert "A1" not in set(divergences.loc[divergences["field"] == "stock", "sku"])  # 3 + 4 = the store's 7
    one = read_products(path, warehouse="CD-RJ").set_index("sku")
    assert one.loc["A1", "stock"] == 4 and pd.isna(one.loc["A2", "stock"])  # A2 has no stock in CD-RJ


def test_the_creation_preview_says_a_sku_listed_under_another_spelling_is_not_created():
    """The go-live preview agrees with the products job: "000123" listed as "123" is held, not "a criar"."""
    erp = _products(3)
    erp["sku"] = ["000123", "A2", "NOVO"]
    store = _products(2)
    store["sku"] = ["123", "A2"]
    store["channel_id"] = ["55", "56"]
    preview = first_sync_preview(_ctx(erp, store))
    assert "000123" not in set(preview["to_create"]["sku"])
    reason = preview["cannot_create"].set_index("sku").loc["000123", "reason"]
    assert "'123' (anúncio 55; mesmo código sem os zeros à esquerda)" in reason
    assert "000123" in reason and "não foi criado" in reason


def test_go_live_takes_the_warehouse_the_stock_job_sends_from(workspace):
    """A configured channel fed from one ERP warehouse (job setting ``warehouse``): go-live folds a per-warehouse
    export with that warehouse's stock, as the stock job sends it; without the setting, the stock is summed."""
    from kit.golive.execute import _stock_warehouse
    from kit.jobs.settings import set_job_settings

    assert _stock_warehouse({"channel": "loja", "workspace": str(workspace.root)}) is None
    set_job_settings(workspace, "loja", {"warehouse": "CD-RJ"})
    assert _stock_warehouse({"channel": "loja", "workspace": str(workspace.root)}) == "CD-RJ"
    assert _stock_warehouse({"channel": "", "workspace": str(workspace.root)}) is None  # offline: summed
