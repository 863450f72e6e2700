"""The SOAP sandboxes' catalogue services on their own (hand-written envelopes, no connector code): creation as the
contracts declare it, saves keyed by the ERP's codes, and the refusals an incomplete product gets."""

from __future__ import annotations

import pytest
import requests
from defusedxml import ElementTree as SafeET

from kit.sandbox import start_sandbox

IKC = "http://www.ikeda.com.br"
EZ = "http://tempuri.org/"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def _envelope(op: str, ns: str, body: str, header: str = "") -> bytes:
    head = f"<soap:Header>{header}</soap:Header>" if header else ""
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP}">{head}<soap:Body>'
            f'<{op} xmlns="{ns}">{body}</{op}></soap:Body></soap:Envelope>').encode()  # fmt: skip


def _result(answer, ns: str) -> dict[str, str]:
    """The first-level fields of ``<op>Result`` (or the fault's code and string)."""
    root = SafeET.fromstring(answer.content)
    fault = root.find(f".//{{{SOAP}}}Fault")
    if fault is not None:
        return {"fault": fault.findtext("faultcode"), "faultstring": fault.findtext("faultstring")}
    result = next(iter(root.find(f"{{{SOAP}}}Body")[0]))
    return {child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in result}


# -- Rakuten ---------------------------------------------------------------------------------------
@pytest.fixture
def rakuten():
    with start_sandbox("rakuten", n_products=3, orders=0) as sbx:
        yield sbx


def _ikc(sbx, service: str, op: str, body: str):
    keys = (
        f'<clsSoapHeader xmlns="{IKC}"><A1>{sbx.credentials["a1"]}</A1><A2>{sbx.credentials["a2"]}</A2></clsSoapHeader>'
    )
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{IKC}/{op}"'}
    answer = requests.post(f"{sbx.url}/ikcwebservice/{service}.asmx", data=_envelope(op, IKC, body, keys),
                           headers=headers, timeout=5)  # fmt: skip
    return _result(answer, IKC)


def _produto(code: str, **over: object) -> str:
    fields = {"LojaCodigo": 0, "CodigoInternoProduto": code, "NomeProduto": "Caneca", "TituloProduto": "Caneca",
              **{f"Numero{i}Produto": 0 for i in range(1, 11)}, "PesoProduto": 0.4, "PesoEmbalagemProduto": 0.5,
              "AlturaProduto": 10, "AlturaEmbalagemProduto": 12, "LarguraProduto": 8, "LarguraEmbalagemProduto": 9,
              "ProfundidadeProduto": 8, "ProfundidadeEmbalagemProduto": 9, "EntregaProduto": 0,
              "QuantidadeMaximaPorVenda": 999, "StatusProduto": 1, "TipoProduto": "1", "Presente": 2,
              "PrecoCheioProduto": 39.9, "PrecoPor": 29.9, "PersonalizacaoExtra": 2, "EAN13": "7891234567895"}  # fmt: skip
    fields.update(over)
    return "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if v is not None)


def test_rakuten_saves_a_product_then_its_sku_by_the_erp_codes(rakuten):
    created = _ikc(rakuten, "produto", "Salvar", _produto("CANECA"))
    assert created["Codigo"] == "1" and created["Descricao"] == "Produto incluído"
    linked = _ikc(rakuten, "ProdutoCategoria", "Salvar",
                  "<LojaCodigo>0</LojaCodigo><CodigoInternoProduto>CANECA</CodigoInternoProduto>"
                  "<CodigoInternoCategoria>CAT001</CodigoInternoCategoria>")  # fmt: skip
    assert linked["Codigo"] == "1"
    sku = (
        "<LojaCodigo>0</LojaCodigo><CodigoInternoProduto>CANECA</CodigoInternoProduto><PartNumber>CAN-AZ</PartNumber>"
        "<PrecoPor>29.90</PrecoPor><sku1><string>Cor</string><string>Azul</string></sku1><StatusSKU>1</StatusSKU>"
    )
    assert _ikc(rakuten, "sku", "Salvar", sku)["Descricao"] == "SKU incluído"
    again = _ikc(rakuten, "produto", "Salvar", _produto("CANECA", NomeProduto="Caneca 300 ml"))
    assert again["Descricao"] == "Produto alterado"  # saved again by its code: the same product, replaced
    assert _ikc(rakuten, "sku", "Salvar", sku)["Descricao"] == "SKU alterado"
    assert rakuten.listings_by_ref()["CAN-AZ"] == ["CANECA"]
    assert rakuten.state.data["products"]["CANECA"]["NomeProduto"] == "Caneca 300 ml"
    assert rakuten.state.data["skus"]["CAN-AZ"]["Opcoes"] == [["Cor", "Azul"]]


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"NomeProduto": None}, "NomeProduto obrigatório"),
        ({"PesoEmbalagemProduto": 0}, "PesoEmbalagemProduto deve ser maior que zero"),
        ({"PrecoPor": 49.9}, "PrecoPor deve ser maior que zero e não maior que PrecoCheioProduto"),
        ({"EAN13": "12345"}, "EAN13 inválido"),
        ({"TipoProduto": "Produto"}, "TipoProduto inválido"),
    ],
)
def test_rakuten_refuses_an_incomplete_product_with_codigo_3(rakuten, over, expected):
    answer = _ikc(rakuten, "produto", "Salvar", _produto("NOVO", **over))
    assert answer["Codigo"] == "3" and answer["Descricao"].startswith(expected)
    assert "NOVO" not in rakuten.state.data["products"]


def test_rakuten_refuses_what_the_xsd_requires_and_skus_that_cannot_be_placed(rakuten):
    missing = _ikc(rakuten, "produto", "Salvar", _produto("NOVO", PesoProduto=None))  # required element left out
    assert missing["fault"] == "soap:Client" and "<PesoProduto> is missing" in missing["faultstring"]
    orphan = _ikc(rakuten, "sku", "Salvar", "<LojaCodigo>0</LojaCodigo><CodigoInternoProduto>NADA</CodigoInternoProduto>"
                  "<PartNumber>X</PartNumber><PrecoPor>10</PrecoPor><StatusSKU>1</StatusSKU>")  # fmt: skip
    assert orphan["Codigo"] == "2" and "NADA não encontrado" in orphan["Descricao"]
    _ikc(rakuten, "produto", "Salvar", _produto("OUTRO"))
    taken = _ikc(rakuten, "sku", "Salvar", "<LojaCodigo>0</LojaCodigo><CodigoInternoProduto>OUTRO</CodigoInternoProduto>"
                 "<PartNumber>SKU-000001</PartNumber><PrecoPor>10</PrecoPor><StatusSKU>1</StatusSKU>")  # fmt: skip
    assert taken["Codigo"] == "3" and "já cadastrado no produto SKU-000001" in taken["Descricao"]
    half = _ikc(rakuten, "sku", "Salvar", "<LojaCodigo>0</LojaCodigo><CodigoInternoProduto>OUTRO</CodigoInternoProduto>"
                "<PartNumber>Y</PartNumber><PrecoPor>10</PrecoPor><sku1><string>Cor</string></sku1>"
                "<StatusSKU>1</StatusSKU>")  # fmt: skip
    assert half["Codigo"] == "3" and "par [nome, valor]" in half["Descricao"]
    unknown = _ikc(rakuten, "ProdutoCategoria", "Salvar", "<LojaCodigo>0</LojaCodigo><CodigoInternoProduto>OUTRO"
                   "</CodigoInternoProduto><CodigoInternoCategoria>CAT999</CodigoInternoCategoria>")  # fmt: skip
    assert unknown["Codigo"] == "2" and "CAT999 não encontrada" in unknown["Descricao"]


# -- EZ Commerce -------------------------------------------------------------------------------------
@pytest.fixture
def ez():
    with start_sandbox("ezcommerce", n_products=3, orders=0) as sbx:
        yield sbx


def _salvar_produto(sbx, **fields: object):
    body = "<produto>" + "".join(f"<{k}>{v}</{k}>" for k, v in sorted(fields.items()) if v is not None) + "</produto>"
    answer = requests.post(f"{sbx.url}/catalogows.svc", data=_envelope("SalvarProduto", EZ, body),
                           headers={"Content-Type": "text/xml; charset=utf-8",
                                    "SOAPAction": f'"{EZ}ICatalogoWS/SalvarProduto"'},
                           auth=(sbx.credentials["login"], sbx.credentials["password"]), timeout=5)  # fmt: skip
    return _result(answer, EZ)


def _produto_ez(code: str, **over: object) -> dict[str, object]:
    return {"CodigoIntegracao": code, "Nome": "Caneca", "DescricaoLonga": "Caneca de louça", "Ativo": "true",
            "SiteCategoriaPrincipal": 2, "Peso": 0.5, "Altura": 12, "Largura": 9, "Profundidade": 9, "Preco": 29.9,
            **over}  # fmt: skip


def test_ezcommerce_saves_a_product_by_its_codigo_integracao(ez):
    created = _salvar_produto(ez, **_produto_ez("CANECA", EstoqueAtual=4))
    assert (created["Status"], created["ObjectId"], created["Mensagem"]) == ("Sucesso", "CANECA", "Produto incluído")
    again = _salvar_produto(ez, **_produto_ez("CANECA", Nome="Caneca 300 ml"))
    assert again["Mensagem"] == "Produto alterado" and ez.listings_by_ref()["CANECA"] == ["CANECA"]
    # Saved again without EstoqueAtual: the record is replaced whole (the worst plausible reading of WCF).
    assert ez.state.data["products"]["CANECA"]["title"] == "Caneca 300 ml"
    assert ez.state.data["products"]["CANECA"]["stock"] == 0


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"Nome": None}, "Nome obrigatório"),
        ({"SiteCategoriaPrincipal": 999}, "SiteCategoriaPrincipal 999 não é uma categoria da loja"),
        ({"SiteCategoriaPrincipal": None}, "SiteCategoriaPrincipal None não é uma categoria da loja"),
        ({"MarcaID": 999}, "MarcaID 999 não é uma marca da loja"),
        ({"Peso": None}, "Peso obrigatório(s)"),
        ({"Profundidade": 0}, "Profundidade obrigatório(s)"),
        ({"Preco": None}, "Preco obrigatório e maior que zero"),
    ],
)
def test_ezcommerce_refuses_an_incomplete_product_with_its_error_list(ez, over, expected):
    answer = _salvar_produto(ez, **_produto_ez("NOVO", **over))
    assert answer["Status"] == "Erro" and answer["Mensagem"].startswith(expected)
    assert "NOVO" not in ez.state.data["products"]


def test_ezcommerce_refuses_members_outside_its_contract(ez):
    answer = _salvar_produto(ez, **_produto_ez("NOVO", Ean="7891234567895"))  # EAN is a Variacao member
    assert answer["fault"] == "soap:Client" and "<Ean> was not expected" in answer["faultstring"]
