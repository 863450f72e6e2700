"""SOAP sandboxes (Rakuten, EZ Commerce): envelope checks, SOAPAction, faults and the fault knobs."""

from __future__ import annotations

import pytest
import requests

from kit.connectors.soap import envelope, find_fault, parse_xml
from kit.sandbox import start_sandbox

NS = "http://www.ikeda.com.br"


@pytest.fixture
def rakuten():
    with start_sandbox("rakuten", n_products=3, orders=1) as sbx:
        yield sbx


def _post(sbx, body: bytes, action: str, path: str = "/ikcwebservice/estoque.asmx"):
    return requests.post(
        f"{sbx.url}{path}",
        data=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'},
        timeout=5,
    )


def _keys(sbx):
    return ("clsSoapHeader", {"A1": sbx.credentials["a1"], "A2": sbx.credentials["a2"]})


def test_bad_keys_malformed_envelopes_and_wrong_actions_are_soap_faults(rakuten):
    params = [
        ("LojaCodigo", 1234),
        ("PartNumber", "SKU-000001"),
        ("QtdEstoque", 1),
        ("QtdMinima", 0),
        ("TipoAlteracao", 1),
    ]
    wrong = envelope(
        "Salvar", NS, [("CodigoProdutoInterno", "x"), *params], header=("clsSoapHeader", {"A1": "a", "A2": "b"})
    )
    answer = _post(rakuten, wrong, f"{NS}/Salvar")
    assert answer.status_code == 500 and "inválida" in find_fault(parse_xml(answer.content))[1]
    broken = _post(rakuten, b"<soap:Envelope><soap:Body><Salvar>", f"{NS}/Salvar")
    assert broken.status_code == 500 and find_fault(parse_xml(broken.content))[0] == "soap:Client"
    good = envelope("Salvar", NS, [("CodigoProdutoInterno", "x"), *params], header=_keys(rakuten))
    assert find_fault(parse_xml(_post(rakuten, good, f"{NS}/Listar").content)) is not None  # action mismatch
    ok = _post(rakuten, good, f"{NS}/Salvar")
    assert ok.status_code == 200 and find_fault(parse_xml(ok.content)) is None


def test_fault_knobs_apply_to_soap(rakuten):
    good = envelope(
        "ListarNovos",
        NS,
        [("LojaCodigo", 1234), ("StatusPedido", 0), ("StatusInternoPedido", "")],
        header=_keys(rakuten),
    )
    rakuten.faults.update(error_rate=1.0)
    failed = _post(rakuten, good, f"{NS}/ListarNovos", "/ikcwebservice/pedido.asmx")
    assert failed.status_code == 503 and find_fault(parse_xml(failed.content))[0] == "soap:Server"
    rakuten.faults.update(error_rate=0.0, malformed_rate=1.0)
    truncated = _post(rakuten, good, f"{NS}/ListarNovos", "/ikcwebservice/pedido.asmx")
    assert truncated.status_code == 200
    with pytest.raises(Exception, match="not well-formed"):
        parse_xml(truncated.content)


def test_ezcommerce_wrong_login_is_http_401():
    with start_sandbox("ezcommerce", n_products=2, orders=1) as sbx:
        body = envelope("PedidosDisponiveis", "http://tempuri.org/", [])
        answer = requests.post(
            f"{sbx.url}/pedidows.svc", data=body, auth=("someone", "wrong"), timeout=5,
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"http://tempuri.org/IPedidoWS/PedidosDisponiveis"'},
        )  # fmt: skip
        assert answer.status_code == 401 and "WWW-Authenticate" in answer.headers
