"""SOAP sandboxes (Rakuten, EZ Commerce) on their own: the WSDL they serve, strict request validation with the
faults an ASMX/WCF service sends, SOAPAction, credentials, and the shared fault knobs.

Requests are written by hand here (no connector code), as a third party would send them.
"""

from __future__ import annotations

from io import BytesIO

import pytest
import requests
import zeep
from defusedxml import ElementTree as SafeET

from kit.sandbox import start_sandbox

IKC = "http://www.ikeda.com.br"
EZ = "http://tempuri.org/"


@pytest.fixture
def rakuten():
    with start_sandbox("rakuten", n_products=3, orders=1) as sbx:
        yield sbx


def _envelope(op: str, ns: str, body: str, header: str = "") -> bytes:
    head = f"<soap:Header>{header}</soap:Header>" if header else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'{head}<soap:Body><{op} xmlns="{ns}">{body}</{op}></soap:Body></soap:Envelope>'
    ).encode()


def _keys(sbx, a1: str | None = None) -> str:
    return (f'<clsSoapHeader xmlns="{IKC}"><A1>{a1 or sbx.credentials["a1"]}</A1>'
            f'<A2>{sbx.credentials["a2"]}</A2></clsSoapHeader>')  # fmt: skip


def _post(sbx, body: bytes, action: str, path: str = "/ikcwebservice/estoque.asmx", **kw):
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}
    return requests.post(f"{sbx.url}{path}", data=body, headers=headers, timeout=5, **kw)


def _fault(answer) -> tuple[str, str] | None:
    root = SafeET.fromstring(answer.content)
    fault = root.find(".//{http://schemas.xmlsoap.org/soap/envelope/}Fault")
    return None if fault is None else (fault.findtext("faultcode"), fault.findtext("faultstring"))


SALVAR = ("<LojaCodigo>1234</LojaCodigo><PartNumber>SKU-000001</PartNumber><QtdEstoque>{qty}</QtdEstoque>"
          "<QtdMinima>0</QtdMinima><TipoAlteracao>3</TipoAlteracao>")  # fmt: skip


def test_a_well_formed_call_is_answered_in_the_documented_result_shape(rakuten):
    answer = _post(rakuten, _envelope("Salvar", IKC, SALVAR.format(qty=8), _keys(rakuten)), f"{IKC}/Salvar")
    assert answer.status_code == 200 and _fault(answer) is None
    result = SafeET.fromstring(answer.content).find(f".//{{{IKC}}}SalvarResult")
    assert [c.tag.split("}")[1] for c in result] == ["Data", "Codigo", "Descricao"]  # Acao and Lista absent: nil
    assert result.findtext(f"{{{IKC}}}Codigo") == "1" and rakuten.state.data["skus"]["SKU-000001"]["Qtde"] == 8


@pytest.mark.parametrize(
    ("body", "action", "expected"),
    [
        (SALVAR.format(qty="oito"), "Salvar", "Input string was not in a correct format"),
        (SALVAR.format(qty=1).replace("<QtdMinima>0</QtdMinima>", ""), "Salvar", "<QtdMinima> is missing"),
        (SALVAR.format(qty=1) + "<Quantidade>1</Quantidade>", "Salvar", "<Quantidade> was not expected"),
        (SALVAR.format(qty=1), "Listar", "did not recognize the value of HTTP Header SOAPAction"),
    ],
    ids=["text-in-int", "required-missing", "unknown-element", "wrong-soapaction"],
)
def test_requests_that_do_not_fit_the_contract_are_soap_client_faults(rakuten, body, action, expected):
    answer = _post(rakuten, _envelope("Salvar", IKC, body, _keys(rakuten)), f"{IKC}/{action}")
    code, message = _fault(answer)
    assert answer.status_code == 500 and code == "soap:Client" and expected in message
    assert rakuten.state.data["skus"]["SKU-000001"]["Qtde"] != 1  # nothing applied


def test_bad_keys_and_broken_xml_are_faults(rakuten):
    wrong = _post(rakuten, _envelope("Salvar", IKC, SALVAR.format(qty=2), _keys(rakuten, "x")), f"{IKC}/Salvar")
    assert wrong.status_code == 500 and "inválida" in _fault(wrong)[1]
    broken = _post(rakuten, b"<soap:Envelope><soap:Body><Salvar>", f"{IKC}/Salvar")
    assert broken.status_code == 500 and _fault(broken)[0] == "soap:Client"
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'
    assert _fault(_post(rakuten, entity, f"{IKC}/Salvar"))[0] == "soap:Client"  # defusedxml refuses entities


def test_the_served_wsdl_describes_what_the_sandbox_accepts(rakuten):
    served = requests.get(f"{rakuten.url}/ikcwebservice/estoque.asmx?wsdl", timeout=5)
    client = zeep.Client(zeep.wsdl.Document(BytesIO(served.content), zeep.Transport()))
    op = client.service._binding.get("Salvar")
    assert op.soapaction == f"{IKC}/Salvar"
    assert [n for n, _ in op.input.body.type.elements] == [
        "LojaCodigo", "CodigoProdutoInterno", "PartNumber", "QtdEstoque", "QtdMinima", "TipoAlteracao"
    ]  # fmt: skip
    assert [n for n, _ in op.input.header.type.elements] == ["clsSoapHeader"]


def test_fault_knobs_apply_to_soap(rakuten):
    good = _envelope("ListarNovos", IKC, "<LojaCodigo>0</LojaCodigo><StatusPedido>0</StatusPedido>", _keys(rakuten))
    rakuten.faults.update(error_rate=1.0)
    failed = _post(rakuten, good, f"{IKC}/ListarNovos", "/ikcwebservice/pedido.asmx")
    assert failed.status_code == 503 and _fault(failed)[0] == "soap:Server"
    rakuten.faults.update(error_rate=0.0, malformed_rate=1.0)
    truncated = _post(rakuten, good, f"{IKC}/ListarNovos", "/ikcwebservice/pedido.asmx")
    assert truncated.status_code == 200
    with pytest.raises(SafeET.ParseError):
        SafeET.fromstring(truncated.content)


def test_a_cancellation_shows_as_status_5_with_a_newer_update_stamp(rakuten):
    code = next(iter(rakuten.state.data["orders"]))
    before = rakuten.state.data["orders"][code]["DataAtualizacao"]
    rakuten.cancel_order(str(code))
    body = "<LojaCodigo>0</LojaCodigo><CodigoPedido>0</CodigoPedido><StatusPedido>5</StatusPedido>"
    answer = _post(
        rakuten, _envelope("Listar", IKC, body, _keys(rakuten)), f"{IKC}/Listar", "/ikcwebservice/pedido.asmx"
    )
    orders = SafeET.fromstring(answer.content).findall(f".//{{{IKC}}}clsPedido")
    assert [o.findtext(f"{{{IKC}}}PedidoCodigo") for o in orders] == [str(code)]
    assert orders[0].findtext(f"{{{IKC}}}DataAtualizacao") > before
    assert orders[0].findtext(f"{{{IKC}}}MotivoCancel")


def test_ezcommerce_wants_http_basic_also_for_its_wsdl_and_validates_nested_lists():
    with start_sandbox("ezcommerce", n_products=2, orders=1) as sbx:
        auth = (sbx.credentials["login"], sbx.credentials["password"])
        assert requests.get(f"{sbx.url}/pedidows.svc?wsdl", timeout=5).status_code == 401
        assert requests.get(f"{sbx.url}/pedidows.svc?wsdl", timeout=5, auth=auth).status_code == 200
        call = _envelope("PedidosDisponiveis", EZ, "")
        wrong = _post(sbx, call, f"{EZ}IPedidoWS/PedidosDisponiveis", "/pedidows.svc", auth=("someone", "wrong"))
        assert wrong.status_code == 401 and "WWW-Authenticate" in wrong.headers
        ok = _post(sbx, call, f"{EZ}IPedidoWS/PedidosDisponiveis", "/pedidows.svc", auth=auth)
        assert ok.status_code == 200 and b'type="t:ArrayOfPedido"' in ok.content
        lst = "<Estoque><Estoque><CodigoIntegracao>SKU-000001</CodigoIntegracao><EstoqueAtual>sete</EstoqueAtual>"
        bad = _post(sbx, _envelope("SalvarEstoqueLst", EZ, lst + "</Estoque></Estoque>"),
                    f"{EZ}ICatalogoWS/SalvarEstoqueLst", "/catalogows.svc", auth=auth)  # fmt: skip
        assert bad.status_code == 500 and "Input string was not in a correct format" in _fault(bad)[1]
