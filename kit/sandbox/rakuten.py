"""Rakuten IKCWebservice sandbox (ASMX, SOAP 1.1): sku, estoque and pedido services of one store.

The catalogue services (``produto``, ``sku.Salvar``, ``ProdutoCategoria``,
``categoria``) are :mod:`kit.sandbox.rakuten_catalog`.

Written from the documents (``../shared/channel-apis.md`` §8 and the sources
it cites), not from the connector:

* Contract: ADVPL clients generated from stores' WSDLs (``…/ikcwebservice/
  {sku,estoque,pedido}.asmx?wsdl``, 2019, a public ERP repository): operation
  and parameter names, element types and required-ness (``WSSoapValue(...,
  .T.)`` = required), result types ``clsRetornoOf…{Acao, Data, Codigo,
  Descricao, Lista}``, the ``clsPedido``/``Item`` fields. Every call carries
  the keys in the SOAP header ``<clsSoapHeader xmlns="http://www.ikeda.com.br">
  <A1/><A2/></clsSoapHeader>``: that is how both the generated client and an
  independent hand-written C# client send them. A subset of ``clsPedido``'s
  fields is served, in the documented order.
* Order statuses: the manual's annex 3 as an integrator's code quotes it
  (1 Efetuado, 4 Problemas, 5 Cancelado, 6 Aguardando pagamento,
  7 Pagamento confirmado, 8 Análise de risco, 17 Despachado, 92 Entregue,
  99 Troca, 100 Cupom próxima compra, 108 Alterar forma de pagamento).
* Behaviour that is inferred (no public manual): ``ListarNovos`` lists the
  orders not validated yet and ``Validar`` takes one out; ``StatusPedido``
  0 means any status; ``TipoAlteracao`` 3 replaces the quantity (the
  integrator sends its absolute balance with 3), 1 adds and 2 subtracts;
  bad keys are a ``soap:Client`` fault; dates are ``yyyy-mm-dd HH:MM:SS``
  (Brasília time; the integrator splits ``Data`` at the space).

A cancellation after import shows as the documented order read shows it:
``PedidoStatus`` 5, ``MotivoCancel``, a newer ``DataAtualizacao`` and a new
``StatusList`` entry, visible to ``Listar(StatusPedido=5)``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from kit.sample import generate_orders
from kit.sandbox import register_sandbox
from kit.sandbox.base import Request
from kit.sandbox.rakuten_catalog import (
    CATALOG_OPERATIONS,
    CATALOG_SERVICES,
    CATALOG_TYPES,
    RakutenCatalog,
    seed_catalog,
)
from kit.sandbox.soap import Complex, Contract, Enum, Fault, Field, Operation, SoapSandbox, operation

__all__ = ["RakutenSandbox", "CONTRACT", "LOJA", "STATUS"]

NS = "http://www.ikeda.com.br"
LOJA = 1234
OK, NOT_FOUND, INVALID = 1, 2, 3  # Codigo values other than 1 are the sandbox's (not documented)
BRT = timezone(timedelta(hours=-3))
#: Annex 3 of "IKCWebservice 2.2 - 14. Pedidos" as quoted by an integrator (code -> name)
STATUS = {1: "Efetuado", 4: "Problemas", 5: "Cancelado", 6: "AguardandoPagamento", 7: "PagamentoConfirmado",
          8: "AnaliseRisco", 17: "Despachado", 92: "Entregue", 99: "Troca", 100: "CupomProxCompra",
          108: "AlterarFormaPgto"}  # fmt: skip
CANCELLED = 5
#: TipoAlteracao of estoque.Salvar: 3 replaces (integrator's code); 1 adds, 2 subtracts (inferred)
ADD, SUBTRACT, REPLACE = 1, 2, 3

_I, _D, _S = "int", "decimal", "string"


def _f(name: str, kind: str = _S, required: bool = False, **kw: Any) -> Field:
    return Field(name, kind, required, **kw)


def _retorno(name: str, array: str) -> Complex:
    return Complex(name, (_f("Acao"), _f("Data", "dateTime", True), _f("Codigo", _I, True), _f("Descricao"),
                          _f("Lista", array)))  # fmt: skip


_TYPES: list[Complex | Enum] = [
    Complex("clsSoapHeader", (_f("A1"), _f("A2"))),
    _retorno("clsRetornoOfclsProdutoCaracteristica", "ArrayOfClsProdutoCaracteristica"),
    Complex(
        "ArrayOfClsProdutoCaracteristica",
        (Field("clsProdutoCaracteristica", "clsProdutoCaracteristica", many=True, nillable=True),),
    ),  # fmt: skip
    Enum("ProdutoCaracteristicaStatus", ("Nenhum", "Ativo", "Inativo")),
    Complex(
        "clsProdutoCaracteristica",
        (
            _f("LojaCodigo", _I, True),
            _f("PartNumber"),
            _f("PrecoDe", _D),
            _f("PrecoPor", _D, True),
            _f("ProdutoCaracteristicaStatus", "ProdutoCaracteristicaStatus", True),
            _f("Descricao"),
            _f("QuantidadeMinima", _I),
            _f("QuantidadeMaxima", _I),
            _f("EAN"),
        ),
    ),  # fmt: skip
    _retorno("clsRetornoOfclsEstoque", "ArrayOfClsEstoque"),
    Complex("ArrayOfClsEstoque", (Field("clsEstoque", "clsEstoque", many=True, nillable=True),)),
    Complex("clsEstoque", (_f("LojaCodigo", _I, True), _f("Qtde", _I, True), _f("QtdeMinimo", _I, True))),
    _retorno("clsRetornoOfclsPedido", "ArrayOfClsPedido"),
    Complex("ArrayOfClsPedido", (Field("clsPedido", "clsPedido", many=True, nillable=True),)),
    Enum("ContaTipo", ("Nenhum", "PessoaFísica", "PessoaJurídica")),
    Enum("DeliveryType", ("None", "Home", "Store", "Carrier", "Harbor")),
    Complex(
        "clsPedido",
        (
            _f("LojaCodigo", _I, True),
            _f("PedidoCodigo", _I, True),
            _f("PedidoCodigoCliente"),
            _f("PedidoCodigoInterno"),
            _f("Sedex"),
            _f("MotivoCancel"),
            _f("Pessoa", "ContaTipo", True),
            _f("Nome"),
            _f("Sobrenome"),
            _f("RazaoSocial"),
            _f("CPF"),
            _f("CNPJ"),
            _f("NomeDestinatario"),
            _f("Logradouro"),
            _f("Numero"),
            _f("Complemento"),
            _f("CEP"),
            _f("Bairro"),
            _f("Cidade"),
            _f("Estado"),
            _f("Email"),
            _f("NumeroNF"),
            _f("SerieNF"),
            _f("FormaPgto", _I, True),
            _f("ValorSubTotal", _D, True),
            _f("ValorTotal", _D, True),
            _f("PedidoStatus", _I, True),
            _f("PedidoStatusInterno"),
            _f("Data"),
            _f("DataAtualizacao"),
            _f("ValorFrete", _D, True),
            _f("ValorFreteCobrado", _D, True),
            _f("ServicoEntregaCodigo", _I, True),
            _f("PrazoEntrega", _I, True),
            _f("Itens", "ArrayOfItem"),
            _f("StatusList", "ArrayOfClsStatusHistoricoPedido"),
            _f("DeliveryType", "DeliveryType"),
            _f("Carrier", "Carrier"),
        ),
    ),  # fmt: skip
    Complex("ArrayOfItem", (Field("Item", "Item", many=True, nillable=True),)),
    Complex(
        "Item",
        (
            _f("ItemCodigo", _I, True),
            _f("ItemStatus", _I, True),
            _f("ItemQtde", _I, True),
            _f("ItemValor", _D, True),
            _f("ItemValorFinal", _D, True),
            _f("ItemNome"),
            _f("ItemPartNumber"),
            _f("CodigoInterno"),
        ),
    ),  # fmt: skip
    Complex(
        "ArrayOfClsStatusHistoricoPedido",
        (Field("clsStatusHistoricoPedido", "clsStatusHistoricoPedido", many=True, nillable=True),),
    ),  # fmt: skip
    Complex("clsStatusHistoricoPedido", (_f("StatusCodigo", _I, True), _f("LabelAdmin"), _f("DataAtualizacao"))),
    Complex("Carrier", (_f("Id", _I, True), _f("Name"), _f("Phone"), _f("Description"))),
]
_LOJA = _f("LojaCodigo", _I, True)
_H = "clsSoapHeader"
_P_RET, _E_RET, _O_RET = "clsRetornoOfclsProdutoCaracteristica", "clsRetornoOfclsEstoque", "clsRetornoOfclsPedido"
_OPERATIONS = (
    Operation("sku", "Listar", (_LOJA, _f("CodigoInternoProduto"), _f("PartNumber"), _f("StatusSKU", _I, True)),
              _P_RET, _H),
    Operation("sku", "AlterarPreco", (_LOJA, _f("PartNumber"), _f("PrecoPor", _D, True)), _P_RET, _H),
    Operation("estoque", "Salvar", (_LOJA, _f("CodigoProdutoInterno"), _f("PartNumber"), _f("QtdEstoque", _I, True),
                                    _f("QtdMinima", _I, True), _f("TipoAlteracao", _I, True)), _E_RET, _H),
    Operation("estoque", "Retornar", (_LOJA, _f("CodigoProdutoInterno"), _f("PartNumber")), _E_RET, _H),
    Operation("pedido", "ListarNovos", (_LOJA, _f("StatusPedido", _I, True), _f("StatusInternoPedido")), _O_RET, _H),
    Operation("pedido", "Listar", (_LOJA, _f("CodigoPedido", _I, True), _f("StatusPedido", _I, True),
                                   _f("StatusInternoPedido")), _O_RET, _H),
    Operation("pedido", "Validar", (_LOJA, _f("CodigoPedido", _I, True), _f("CodigoInternoPedido")), _O_RET, _H),
    Operation("pedido", "AlterarStatus", (_LOJA, _f("CodigoPedido", _I, True), _f("CodigoInternoPedido"),
                                          _f("PedidoStatus", _I, True), _f("StatusInternoPedido"), _f("ObjetoSedex"),
                                          _f("NotaFiscal", _I, True), _f("Serie")), _O_RET, _H),
)  # fmt: skip
CONTRACT = Contract(
    namespace=NS,
    services={
        f"/ikcwebservice/{s}.asmx": (s, p)
        for s, p in (("sku", "WSSKU"), ("estoque", "WSEstoque"), ("pedido", "WSPedido"), *CATALOG_SERVICES)
    },  # fmt: skip
    types={t.name: t for t in (*_TYPES, *CATALOG_TYPES)},
    operations=(*_OPERATIONS, *CATALOG_OPERATIONS),
    action=lambda service, name: f"{NS}/{name}",
)


def _stamp(when: datetime) -> str:
    return when.astimezone(BRT).strftime("%Y-%m-%d %H:%M:%S")


class RakutenSandbox(RakutenCatalog, SoapSandbox):
    """One IKC store (``LojaCodigo`` 1234, or 0 as integrators send it): products, SKUs, categories, stock, orders."""

    contract = CONTRACT
    read_operations = frozenset({"Listar", "Retornar", "ListarNovos", "ListarCategoriasAtivasPorProduto"})

    def default_credentials(self) -> dict[str, str]:
        return {"a1": str(uuid.UUID(int=self.seed + 1)).upper(), "a2": str(uuid.UUID(int=self.seed + 2)).upper()}

    def channel_settings(self) -> dict[str, str]:
        return {"loja": str(LOJA), "wsdl": "loja"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        skus = {
            str(p["sku"]): {
                "PartNumber": str(p["sku"]), "CodigoProdutoInterno": str(p["sku"]), "Descricao": p["title"],
                "EAN": str(p.get("ean") or ""), "PrecoDe": round(float(p.get("price") or 0) * 1.1, 2),
                "PrecoPor": float(p.get("price") or 0), "Qtde": int(p.get("stock") or 0), "QtdeMinimo": 0,
                "Ativo": bool(p.get("active", True)),
            }
            for p in catalog
        }  # fmt: skip
        self.state.data.update(skus=skus, orders={}, validated={}, status_changes=[])
        seed_catalog(self.state.data, catalog)
        self.catalog = catalog
        self.seed_orders(orders)

    def seed_orders(self, orders: int | list[dict[str, Any]] | None) -> None:
        """Orders from the sample order generator (issue 19), rendered in IKC's shape."""
        if not isinstance(orders, list):
            count = orders if isinstance(orders, int) else self.DEFAULT_ORDERS
            orders = generate_orders(self.catalog, "rakuten", count, self.seed) if count else []
        for spec in orders:
            self.add_order(self.render_order(spec) if "items" in spec else spec)

    def render_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A ``clsPedido`` (documented field names) from a neutral order of :func:`kit.sample.generate_orders`."""
        status = int(spec["status_raw"])
        first, _, last = spec["buyer"]["name"].partition(" ")
        items = [
            {"ItemCodigo": n, "ItemStatus": status, "ItemQtde": int(it["qty"]), "ItemValor": float(it["unit_price"]),
             "ItemValorFinal": round(float(it["unit_price"]) * int(it["qty"]), 2),
             "ItemNome": self.state.data["skus"].get(it["sku"], {}).get("Descricao", ""),
             "ItemPartNumber": it["sku"], "CodigoInterno": it["sku"]}
            for n, it in enumerate(spec["items"], 1)
        ]  # fmt: skip
        address = spec.get("shipping_address") or {}
        placed = datetime.fromisoformat(spec["created_at"])
        updated = datetime.fromisoformat(spec.get("updated_at") or spec["created_at"])
        return {
            "LojaCodigo": LOJA, "PedidoCodigo": int(spec["order_id"]), "PedidoCodigoCliente": str(spec["order_id"]),
            "PedidoCodigoInterno": "", "MotivoCancel": None, "Pessoa": "PessoaFísica", "Nome": first,
            "Sobrenome": last, "CPF": spec["buyer"]["document"], "NomeDestinatario": spec["buyer"]["name"],
            "Logradouro": address.get("street"), "Numero": address.get("number"), "CEP": address.get("zipcode"),
            "Cidade": address.get("city"), "Estado": address.get("state"), "Email": None, "NumeroNF": None,
            "SerieNF": None, "FormaPgto": int(spec["payment_raw"]),
            "ValorSubTotal": round(sum(i["ItemValorFinal"] for i in items), 2), "ValorTotal": float(spec["total"]),
            "PedidoStatus": status, "PedidoStatusInterno": None, "Data": _stamp(placed),
            "DataAtualizacao": _stamp(updated), "ValorFrete": float(spec.get("shipping_cost") or 0),
            "ValorFreteCobrado": float(spec.get("shipping_cost") or 0), "ServicoEntregaCodigo": 0, "PrazoEntrega": 5,
            "Itens": {"Item": items},
            "StatusList": {"clsStatusHistoricoPedido": [
                {"StatusCodigo": status, "LabelAdmin": STATUS.get(status), "DataAtualizacao": _stamp(updated)}]},
            "DeliveryType": "Carrier",
            "Carrier": {"Id": 1, "Name": spec["carrier_raw"], "Description": spec["service_raw"]},
        }  # fmt: skip

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][order["PedidoCodigo"]] = order

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, None, None) for sku in self.state.data["skus"]]

    def stock_levels(self) -> dict[str, float]:
        return {sku: s["Qtde"] for sku, s in self.state.data["skus"].items()}

    def new_orders(self) -> list[int]:
        with self.state.lock:
            return [c for c in self.state.data["orders"] if c not in self.state.data["validated"]]

    def _touch(self, order: dict[str, Any], status: int) -> None:
        """A status change: new status, a strictly newer DataAtualizacao and a StatusList entry."""
        last = datetime.strptime(order["DataAtualizacao"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BRT)
        when = _stamp(max(datetime.now(BRT).replace(microsecond=0), last + timedelta(seconds=1)))
        order.update(PedidoStatus=status, DataAtualizacao=when)
        for item in order["Itens"]["Item"]:
            item["ItemStatus"] = status
        history = order["StatusList"]["clsStatusHistoricoPedido"]
        history.append({"StatusCodigo": status, "LabelAdmin": STATUS[status], "DataAtualizacao": when})

    def cancel_order(self, order_id: str) -> None:
        """The buyer or the store cancels: ``PedidoStatus`` 5, ``MotivoCancel``, newer ``DataAtualizacao``."""
        with self.state.lock:
            order = self.state.data["orders"][int(order_id)]
            order["MotivoCancel"] = "Cancelado a pedido do cliente"
            self._touch(order, CANCELLED)

    # -- behaviour --------------------------------------------------------------------------
    def check_soap_auth(self, req: Request, header: dict[str, Any] | None) -> Fault | None:
        given = ((header or {}).get("A1"), (header or {}).get("A2"))
        if given != (self.credentials["a1"], self.credentials["a2"]):
            return Fault("Chave de acesso inválida (A1/A2)", code="soap:Client")
        return None

    @staticmethod
    def _ret(code: int, message: str, items: dict[str, Any] | None = None, action: str = "") -> dict[str, Any]:
        now = datetime.now(BRT).replace(microsecond=0, tzinfo=None).isoformat()
        return {"Acao": action or None, "Data": now, "Codigo": code, "Descricao": message, "Lista": items}

    def _loja(self, params: dict[str, Any]) -> dict[str, Any] | None:
        if params["LojaCodigo"] not in (0, LOJA):
            return self._ret(NOT_FOUND, f"Loja {params['LojaCodigo']} não encontrada")
        return None

    def _sku(self, key: str) -> dict[str, Any]:
        s = self.state.data["skus"][key]
        return {"LojaCodigo": LOJA, "PartNumber": s["PartNumber"], "PrecoDe": s["PrecoDe"], "PrecoPor": s["PrecoPor"],
                "ProdutoCaracteristicaStatus": "Ativo" if s["Ativo"] else "Inativo", "Descricao": s["Descricao"],
                "EAN": s["EAN"]}  # fmt: skip

    @operation("sku", "Listar")
    def sku_listar(self, p: dict[str, Any], req: Request) -> Any:
        wanted, status = p.get("PartNumber") or "", p["StatusSKU"]
        if status not in (0, 1, 2):  # 0 any, 1 active, 2 inactive (inferred)
            return self._ret(INVALID, f"StatusSKU {status} inválido")
        with self.state.lock:
            rows = [self._sku(k) for k in sorted(self.state.data["skus"]) if not wanted or k == wanted]
        rows = [r for r in rows if not status or r["ProdutoCaracteristicaStatus"] == ("Ativo", "Inativo")[status - 1]]
        return self._loja(p) or self._ret(OK, "OK", {"clsProdutoCaracteristica": rows})

    @operation("sku", "AlterarPreco")
    def sku_alterar_preco(self, p: dict[str, Any], req: Request) -> Any:
        if refused := self._loja(p):
            return refused
        with self.state.lock:
            sku = self.state.data["skus"].get(p.get("PartNumber") or "")
            if sku is None:
                return self._ret(NOT_FOUND, f"PartNumber {p.get('PartNumber')} não encontrado")
            if p["PrecoPor"] <= 0:
                return self._ret(INVALID, "PrecoPor deve ser maior que zero")
            sku["PrecoPor"] = float(p["PrecoPor"])
            sku["PrecoDe"] = max(sku["PrecoDe"], sku["PrecoPor"])
        return self._ret(OK, "Preço alterado")

    @operation("estoque", "Salvar")
    def estoque_salvar(self, p: dict[str, Any], req: Request) -> Any:
        if refused := self._loja(p):
            return refused
        qty, kind = p["QtdEstoque"], p["TipoAlteracao"]
        with self.state.lock:
            sku = self.state.data["skus"].get(p.get("PartNumber") or "")
            if sku is None:
                return self._ret(NOT_FOUND, f"PartNumber {p.get('PartNumber')} não encontrado")
            if qty < 0 or kind not in (ADD, SUBTRACT, REPLACE):
                return self._ret(INVALID, "QtdEstoque ou TipoAlteracao inválido")
            sku["Qtde"] = {ADD: sku["Qtde"] + qty, SUBTRACT: max(0, sku["Qtde"] - qty), REPLACE: qty}[kind]
            sku["QtdeMinimo"] = p["QtdMinima"]
        return self._ret(OK, "Estoque salvo")

    @operation("estoque", "Retornar")
    def estoque_retornar(self, p: dict[str, Any], req: Request) -> Any:
        sku = self.state.data["skus"].get(p.get("PartNumber") or "")
        if sku is None:
            return self._loja(p) or self._ret(NOT_FOUND, "PartNumber não encontrado")
        row = {"LojaCodigo": LOJA, "Qtde": sku["Qtde"], "QtdeMinimo": sku["QtdeMinimo"]}
        return self._loja(p) or self._ret(OK, "OK", {"clsEstoque": [row]})

    def _orders(self, p: dict[str, Any], *, new_only: bool) -> Any:
        if refused := self._loja(p):
            return refused
        code, status = p.get("CodigoPedido", 0), p["StatusPedido"]
        with self.state.lock:
            rows = [
                o for c, o in sorted(self.state.data["orders"].items())
                if (not code or c == code) and (not status or o["PedidoStatus"] == status)
                and not (new_only and c in self.state.data["validated"])
            ]  # fmt: skip
            return self._ret(OK, "OK", {"clsPedido": [dict(o) for o in rows]})

    @operation("pedido", "ListarNovos")
    def pedido_listar_novos(self, p: dict[str, Any], req: Request) -> Any:
        return self._orders(p, new_only=True)

    @operation("pedido", "Listar")
    def pedido_listar(self, p: dict[str, Any], req: Request) -> Any:
        return self._orders(p, new_only=False)

    @operation("pedido", "Validar")
    def pedido_validar(self, p: dict[str, Any], req: Request) -> Any:
        if refused := self._loja(p):
            return refused
        with self.state.lock:
            order = self.state.data["orders"].get(p["CodigoPedido"])
            if order is None:
                return self._ret(NOT_FOUND, f"Pedido {p['CodigoPedido']} não encontrado")
            order["PedidoCodigoInterno"] = p.get("CodigoInternoPedido") or ""
            self.state.data["validated"][p["CodigoPedido"]] = order["PedidoCodigoInterno"]
        return self._ret(OK, "Pedido validado")

    @operation("pedido", "AlterarStatus")
    def pedido_alterar_status(self, p: dict[str, Any], req: Request) -> Any:
        if refused := self._loja(p):
            return refused
        status = p["PedidoStatus"]
        with self.state.lock:
            order = self.state.data["orders"].get(p["CodigoPedido"])
            if order is None:
                return self._ret(NOT_FOUND, f"Pedido {p['CodigoPedido']} não encontrado")
            if status not in STATUS:
                return self._ret(INVALID, f"PedidoStatus {status} inválido")
            if order["PedidoStatus"] == CANCELLED and status != CANCELLED:
                return self._ret(INVALID, "Pedido cancelado não pode mudar de status")
            if p["NotaFiscal"]:
                order.update(NumeroNF=str(p["NotaFiscal"]), SerieNF=p.get("Serie") or order["SerieNF"])
            if p.get("ObjetoSedex"):
                order["Sedex"] = p["ObjetoSedex"]
            if status != order["PedidoStatus"]:
                self._touch(order, status)
            self.state.data["status_changes"].append(
                (p["CodigoPedido"], status, p.get("ObjetoSedex") or "", p["NotaFiscal"], p.get("Serie") or "")
            )
        return self._ret(OK, "Status alterado")


register_sandbox("rakuten", RakutenSandbox)
