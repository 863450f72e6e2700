"""Where the table sits (``kit.sheets.layout``): title rows, blank rows, trailer rows, value lists' headers."""

from __future__ import annotations

import pytest

from kit.errors import InputDataError
from kit.sheets import get_schema, inspect_table, read_table
from sheets.common import CLEAN, write


def test_title_rows_blank_rows_trailers_grams_and_millimetres():
    path = CLEAN / "products_title_rows.csv"
    df = read_table(path, "products")
    assert df["sku"].tolist() == ["000123", "000124"]
    assert df["_row"].tolist() == [5, 7]  # header on row 4, a blank row 6 skipped
    assert df["weight_kg"].tolist() == [1.25, 0.3]  # "Peso (g)": 1.250 g is 1,25 kg
    assert df["height_cm"].tolist() == [25.0, 9.5]  # "Altura (mm)"
    assert df["stock"].tolist() == [1500, 12]  # "1.500": thousands dot
    assert df["active"].tolist() == [True, False]
    info = inspect_table(path, "products")
    assert info["header_row"] == 4
    assert (info["blank_rows"], info["trailer_rows"]) == (1, 2)
    trailer = [p for p in info["problems"] if "rodapé" in p["message"]]
    assert trailer and trailer[0]["rows"] == [8, 9] and trailer[0]["severity"] == "warning"


def test_a_value_that_starts_like_a_footer_is_data(tmp_path):
    path = write(tmp_path, "Transportadora;Serviço\nCorreios;PAC\nTotal Express;Expresso\nTotal;\n")
    df = read_table(path, "carrier_service")
    assert df["carrier"].tolist() == ["Correios", "Total Express"]  # the bare "Total" line is the footer
    report = inspect_table(path, "carrier_service")
    assert report["trailer_rows"] == 1


# --- value lists as people export them (issue 17): one or two columns, any header ----------------

ONE_COLUMN = [
    ("nome", "payment_method", ["Pix", "Boleto", "Cartão de crédito"]),
    ("descrição", "payment_method", ["Pix", "Boleto"]),  # 'descrição' names a description: still the values
    ("valor", "order_status", ["Aguardando pagamento", "Pago"]),
    ("payment_type", "payment_method", ["credit_card", "boleto", "voucher", "debit_card"]),
    ("product_category_name", "category", ["cama_mesa_banho", "beleza_saude"]),
]


@pytest.mark.parametrize(("header", "kind", "values"), ONE_COLUMN, ids=[c[0] for c in ONE_COLUMN])
def test_a_one_column_file_is_a_value_list_whatever_its_header_says(tmp_path, header, kind, values):
    path = write(tmp_path, header + "\n" + "\n".join(values) + "\n")
    df = read_table(path, kind)
    column = get_schema(kind).required[0]
    assert df[column].tolist() == values and df.attrs["kind"] == kind
    report = inspect_table(path, kind)
    assert report["ok"] and report["understood"].startswith("lista de valores de uma coluna")
    assert repr(header) in report["understood"] and column in report["understood"]


@pytest.mark.parametrize(
    ("text", "kind", "values", "descriptions"),
    [
        ("id;name\naccount_money;Dinheiro em conta\nticket;Boleto\n", "payment_method", ["account_money", "ticket"],
         ["Dinheiro em conta", "Boleto"]),
        ("Código;Descrição\n01;Aguardando pagamento\n02;Pago\n", "order_status", ["01", "02"],
         ["Aguardando pagamento", "Pago"]),
        ("tipo,nome\nfull,Mercado Envios Full\nflex,Flex\n", "carrier_service", None, None),  # needs carrier + service
    ],
    ids=["id-name", "codigo-descricao", "composite kind"],
)  # fmt: skip
def test_a_two_column_value_list_keeps_the_code_as_the_value_and_its_description(
    tmp_path, text, kind, values, descriptions
):
    path = write(tmp_path, text)
    if values is None:
        with pytest.raises(InputDataError, match="coluna\\(s\\) obrigatória"):
            read_table(path, kind)
        return
    df = read_table(path, kind)
    assert df[get_schema(kind).required[0]].tolist() == values
    assert df["description"].tolist() == descriptions
    assert "lista de valores de duas colunas" in inspect_table(path, kind)["understood"]


def test_a_value_list_is_not_guessed_nor_a_sheet_picked_by_its_shape(tmp_path):
    path = write(tmp_path, "nome\nPix\nBoleto\n")
    with pytest.raises(InputDataError, match="não dá para saber que tipo de arquivo é este"):
        read_table(path)  # which list it is, only the person knows
    with pytest.raises(InputDataError, match="nenhuma aba tem os cabeçalhos de payment_method"):
        read_table(CLEAN / "multi_sheet.xlsx", "payment_method")  # its one-column 'Leia-me' sheet is not a list
    assert "understood" not in inspect_table(CLEAN / "payment_method.csv", "payment_method")


def test_kit_inspect_and_depara_suggest_take_value_lists_with_any_header(kit_cli, tmp_path):
    erp = write(tmp_path, "descrição\nPix\nBoleto Bancário\nCartão de Crédito\n", name="erp.csv")
    channel = write(tmp_path, "id;name\naccount_money;Dinheiro em conta\nticket;Boleto\npix;Pix\n", name="canal.csv")
    shown = kit_cli("inspect", str(erp), "--kind", "payment_method")
    assert shown.returncode == 0, shown.stderr
    assert "entendido:  lista de valores de uma coluna: 'descrição' lida como payment_method" in shown.stdout
    env = {"KIT_MAPPINGS": str(tmp_path / "mappings")}
    result = kit_cli("depara", "suggest", "payment_method", "--erp", str(erp), "--channel-values", str(channel),
                     "--json", env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    import json

    suggestions = {tuple(s["value"]): s for s in json.loads(result.stdout)["suggestions"]}
    assert set(suggestions) == {("account_money",), ("ticket",), ("pix",)}
    assert suggestions[("ticket",)]["candidates"][0]["label"] == "Boleto Bancário"
