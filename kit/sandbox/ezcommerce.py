"""EZ Commerce sandbox (WCF, SOAP 1.1): ``pedidows.svc`` orders queue, ``catalogows.svc`` stock and prices.

Written from the documents (``../shared/channel-apis.md`` §10 and its sources),
not from the connector:

* Contract: a PHP client generated in 2015 from
  ``services03.ezcommerce.com.br/{pedidows,catalogows}.svc?wsdl`` (WsdlToPhp,
  a public repository): operation names, parameter names (``Estoque``,
  ``Preco``, ``arrProtocolo``, ``statusPedido``, ``filter``) and every field of
  ``Estoque``, ``Preco``, ``Pedido``, ``PedidoItem``, ``FormaDePagamento``,
  ``StatusPedido``, ``RespostaProcessamento`` and ``RespostaProcessamentoErro``
  (WCF data contracts: members in alphabetical order, all optional). The
  manual ("Layer de Integração EZ Commerce" v1.21/v1.32) has the same
  families; only its table of contents is readable publicly.
* Orders come inside ``PedidosDisponiveisResult.Resultado`` (``anyType``) as
  an ``ArrayOfPedido`` (the generated client has that type); an order keeps
  coming until its ``Protocolo`` is confirmed (``ConfirmaRecebimentoPedido…``).
* Authentication: HTTP Basic (what the PHP client's ``login``/``password``
  SoapClient options send); IIS answers 401 to wrong credentials, also on
  ``?wsdl``.
* Inferred (not in any public document): the service namespace and
  SOAPAction (WCF defaults, ``http://tempuri.org/I{Pedido,Catalogo}WS/<op>``);
  the store's ``StatusID`` numbering (the sandbox's: :data:`STATUS_IDS`);
  ``Status`` "Sucesso"/"Erro" of a ``RespostaProcessamento``; one
  ``RespostaProcessamentoLst`` entry per list item with its
  ``CodigoIntegracao`` (or protocol) in ``ObjectId``; changes (a cancellation)
  coming through ``PedidosAtualizados`` with a new ``Protocolo`` until
  ``ConfirmaRecebimentoPedidoAtualizado…``; at most :data:`MAX_LIST` items per list.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

from kit.sample import channel_values, generate_orders
from kit.sandbox import register_sandbox
from kit.sandbox.base import Reply, Request
from kit.sandbox.ezcommerce_catalog import CATALOG_OPERATIONS, CATALOG_TYPES, EzcommerceCatalog, seed_catalog
from kit.sandbox.soap import Complex, Contract, Field, Operation, SoapSandbox, operation

__all__ = ["EzcommerceSandbox", "CONTRACT", "STATUS_IDS", "MAX_LIST"]

NS = "http://tempuri.org/"
CONTRACTS = {"pedido": "IPedidoWS", "catalogo": "ICatalogoWS"}
MAX_LIST = 500
OK, ERROR = "Sucesso", "Erro"
#: The sandbox store's StatusID numbering (each EZ store configures its own; none is published)
STATUS_IDS = {status: n for n, (status, _) in enumerate(channel_values("ezcommerce")["order_status"], 1)}
CANCELLED = "Cancelado"


def _f(name: str, kind: str = "string", many: bool = False) -> Field:
    return Field(name, kind, many=many, nillable=kind not in ("int", "decimal", "double", "boolean", "dateTime"))


def _array(name: str, item: str, kind: str | None = None) -> Complex:
    return Complex(name, (Field(item, kind or item, many=True, nillable=True),))


_TYPES = [
    Complex(
        "RespostaProcessamento",
        (
            _f("Erros", "ArrayOfRespostaProcessamentoErro"),
            _f("Mensagem"),
            _f("ObjectId"),
            _f("Protocolo"),
            _f("RespostaProcessamentoLst", "ArrayOfRespostaProcessamento"),
            _f("Resultado", "anyType"),
            _f("Status"),
            _f("Tipo"),
            _f("Valor"),
        ),
    ),  # fmt: skip
    _array("ArrayOfRespostaProcessamento", "RespostaProcessamento"),
    Complex("RespostaProcessamentoErro", (_f("CodigoErro", "int"), _f("Mensagem"))),
    _array("ArrayOfRespostaProcessamentoErro", "RespostaProcessamentoErro"),
    Complex(
        "Estoque",
        (
            _f("CodigoIntegracao"),
            _f("CodigoIntegracaoSubVariacao"),
            _f("CodigoIntegracaoVariacao"),
            _f("EstoqueAtual", "int"),
            _f("EstoqueMinimo", "int"),
        ),
    ),  # fmt: skip
    _array("ArrayOfEstoque", "Estoque"),
    Complex(
        "Preco",
        (
            _f("CodigoIntegracao"),
            _f("CodigoIntegracaoSubVariacao"),
            _f("CodigoIntegracaoVariacao"),
            _f("PrecoProduto", "decimal"),
            _f("PrecoPromocao", "decimal"),
            _f("Promocao", "boolean"),
            _f("PromocaoFim", "dateTime"),
            _f("PromocaoInicio", "dateTime"),
        ),
    ),  # fmt: skip
    _array("ArrayOfPreco", "Preco"),
    Complex(
        "FormaDePagamento",
        (
            _f("CartaoQuantidadeParcelas", "int"),
            _f("FormaPagamentoAlias"),
            _f("FormaPagamentoID", "int"),
            _f("Valor", "double"),
        ),
    ),  # fmt: skip
    Complex(
        "PedidoItem",
        (
            _f("CodigoDoProduto", "int"),
            _f("CodigoIntegracao"),
            _f("CodigoIntegracaoSubVariacao"),
            _f("CodigoIntegracaoVariacao"),
            _f("DescontoItem", "double"),
            _f("NomeDoProduto"),
            _f("PrecoUnitario", "double"),
            _f("Quantidade", "int"),
            _f("Referencia"),
        ),
    ),  # fmt: skip
    _array("ArrayOfPedidoItem", "PedidoItem"),
    Complex(
        "Pedido",
        (
            _f("ClienteID", "int"),
            _f("CodigoPedidoExterno"),
            _f("DataVenda", "dateTime"),
            _f("EntregaBairro"),
            _f("EntregaCEP"),
            _f("EntregaCidade"),
            _f("EntregaComplementoEndereco"),
            _f("EntregaEmail"),
            _f("EntregaEstado"),
            _f("EntregaLogradouro"),
            _f("EntregaNome"),
            _f("EntregaNumero"),
            _f("EntregaPais"),
            _f("EntregaTelefone"),
            _f("FormaDePagamento", "FormaDePagamento"),
            _f("FormaEntregaAlias"),
            _f("FormaEntregaID", "int"),
            _f("FreteCodEnvio"),
            _f("Itens", "ArrayOfPedidoItem"),
            _f("NumeroRegistroCliente"),
            _f("Observacoes"),
            _f("OrigemPedido"),
            _f("PedidoID", "int"),
            _f("PrevisaoEntregaEmDias", "int"),
            _f("Protocolo"),
            _f("StatusDesc"),
            _f("StatusID", "int"),
            _f("TipoCliente"),
            _f("ValorDesconto", "decimal"),
            _f("ValorFrete", "decimal"),
            _f("ValorTotal", "decimal"),
        ),
    ),  # fmt: skip
    _array("ArrayOfPedido", "Pedido"),
    Complex(
        "StatusPedido",
        (
            _f("NotificarCliente", "boolean"),
            _f("NumeroObjeto"),
            _f("PedidoID", "int"),
            _f("StatusID", "int"),
            _f("TemplateEmailID"),
        ),
    ),  # fmt: skip
    _array("ArrayOfstring", "string", "string"),
    Complex(
        "PedidoFiltro",
        (
            _f("CNPJ"),
            _f("CPF"),
            _f("DataFinal", "dateTime"),
            _f("DataInicial", "dateTime"),
            _f("PedidoID", "int"),
            _f("StatusID", "int"),
        ),
    ),  # fmt: skip
]
_R = "RespostaProcessamento"
_OPERATIONS = (
    Operation("pedido", "PedidosDisponiveis", (), _R),
    Operation("pedido", "PedidosDisponiveisComFiltro", (_f("filter", "PedidoFiltro"),), _R),
    Operation("pedido", "PedidosAtualizados", (), _R),
    Operation("pedido", "ConfirmaRecebimentoPedidoLst", (_f("arrProtocolo", "ArrayOfstring"),), _R),
    Operation("pedido", "ConfirmaRecebimentoPedidoAtualizadoLst", (_f("arrProtocolo", "ArrayOfstring"),), _R),
    Operation("pedido", "AtualizarStatusPedido", (_f("statusPedido", "StatusPedido"),), _R),
    Operation("catalogo", "SalvarEstoqueLst", (_f("Estoque", "ArrayOfEstoque"),), _R),
    Operation("catalogo", "SalvarPrecoLst", (_f("Preco", "ArrayOfPreco"),), _R),
)
CONTRACT = Contract(
    namespace=NS,
    services={"/pedidows.svc": ("pedido", "PedidoWS"), "/catalogows.svc": ("catalogo", "CatalogoWS")},
    types={t.name: t for t in (*_TYPES, *CATALOG_TYPES)},
    operations=(*_OPERATIONS, *CATALOG_OPERATIONS),
    action=lambda service, name: f"{NS}{CONTRACTS[service]}/{name}",
)


def _resposta(ok: bool, message: str, *, items: list[dict[str, Any]] | None = None, result: Any = None,
              object_id: str | None = None) -> dict[str, Any]:  # fmt: skip
    errors = [] if ok else [{"CodigoErro": 1, "Mensagem": message}]
    return {
        "Erros": {"RespostaProcessamentoErro": errors}, "Mensagem": message, "ObjectId": object_id,
        "Protocolo": str(uuid.uuid4()) if ok else None,
        "RespostaProcessamentoLst": {"RespostaProcessamento": items or []}, "Resultado": result,
        "Status": OK if ok else ERROR, "Tipo": None, "Valor": None,
    }  # fmt: skip


def _summary(items: list[dict[str, Any]]) -> dict[str, Any]:
    ok = all(i["Status"] == OK for i in items)
    return _resposta(ok, "Processado" if ok else "Processado com erros", items=items)


class EzcommerceSandbox(EzcommerceCatalog, SoapSandbox):
    """One EZ Commerce store; its catalogue is only written by the ERP (the service has no read).

    ``SalvarProduto`` (publishing) is :mod:`kit.sandbox.ezcommerce_catalog`.
    """

    contract = CONTRACT
    resposta = staticmethod(_resposta)
    wsdl_needs_auth = True
    read_operations = frozenset({"PedidosDisponiveis", "PedidosDisponiveisComFiltro", "PedidosAtualizados"})

    def default_credentials(self) -> dict[str, str]:
        return {"login": f"erp-sandbox-{self.seed:04d}", "password": f"sbxEZpass{self.seed:04d}!"}

    def channel_settings(self) -> dict[str, str]:
        return {"wsdl": "loja", "status_faturado": str(STATUS_IDS["Faturado"]),
                "status_despachado": str(STATUS_IDS["Despachado"])}  # fmt: skip

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        products = {
            str(p["sku"]): {"sku": str(p["sku"]), "ean": str(p.get("ean") or ""), "title": p["title"],
                            "stock": int(p.get("stock") or 0), "price": float(p.get("price") or 0), "promo": None}
            for p in catalog
        }  # fmt: skip
        self.state.data.update(products=products, orders={}, confirmed=set(), updates={}, status_calls=[])
        seed_catalog(self.state.data, catalog)
        self.catalog = catalog
        self.seed_orders(orders)

    def seed_orders(self, orders: int | list[dict[str, Any]] | None) -> None:
        """Orders from the sample order generator (issue 19), rendered in EZ Commerce's shape."""
        if not isinstance(orders, list):
            count = orders if isinstance(orders, int) else self.DEFAULT_ORDERS
            orders = generate_orders(self.catalog, "ezcommerce", count, self.seed) if count else []
        for spec in orders:
            self.add_order(self.render_order(spec) if "items" in spec else spec)

    def render_order(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A ``Pedido`` (documented field names) from a neutral order of :func:`kit.sample.generate_orders`."""
        address = spec.get("shipping_address") or {}
        payments = [raw for raw, _ in channel_values("ezcommerce")["payment_method"]]
        items = [
            {"CodigoDoProduto": n, "CodigoIntegracao": it["sku"], "DescontoItem": 0.0,
             "NomeDoProduto": self.state.data["products"].get(it["sku"], {}).get("title"),
             "PrecoUnitario": float(it["unit_price"]), "Quantidade": int(it["qty"]), "Referencia": it["sku"]}
            for n, it in enumerate(spec["items"], 1)
        ]  # fmt: skip
        return {
            "ClienteID": int(spec["buyer"]["document"][:6]), "CodigoPedidoExterno": None,
            "DataVenda": datetime.fromisoformat(spec["created_at"]).isoformat(), "EntregaCEP": address.get("zipcode"),
            "EntregaCidade": address.get("city"), "EntregaEstado": address.get("state"),
            "EntregaLogradouro": address.get("street"), "EntregaNome": spec["buyer"]["name"],
            "EntregaNumero": address.get("number"), "EntregaPais": "Brasil",
            "FormaDePagamento": {"CartaoQuantidadeParcelas": 1, "FormaPagamentoAlias": spec["payment_raw"],
                                 "FormaPagamentoID": payments.index(spec["payment_raw"]) + 1,
                                 "Valor": float(spec["total"])},
            "FormaEntregaAlias": spec["carrier_raw"], "FormaEntregaID": 1, "FreteCodEnvio": spec["service_raw"],
            "Itens": {"PedidoItem": items}, "NumeroRegistroCliente": spec["buyer"]["document"],
            "OrigemPedido": "Loja", "PedidoID": int(spec["order_id"]), "PrevisaoEntregaEmDias": 5,
            "Protocolo": str(uuid.UUID(int=self.rng.getrandbits(128))), "StatusDesc": spec["status_raw"],
            "StatusID": STATUS_IDS[spec["status_raw"]], "TipoCliente": "PF", "ValorDesconto": 0.0,
            "ValorFrete": float(spec.get("shipping_cost") or 0), "ValorTotal": float(spec["total"]),
        }  # fmt: skip

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][order["PedidoID"]] = order

    def listings_frame(self):
        """What the store holds, in the listing columns (tests only: the API has no catalogue read)."""
        import pandas as pd

        with self.state.lock:
            rows = [{"sku": p["sku"], "ean": p["ean"], "title": p["title"], "price": p["price"], "stock": p["stock"]}
                    for p in self.state.data["products"].values()]  # fmt: skip
        frame = pd.DataFrame(rows, columns=["sku", "ean", "title", "price", "stock"])
        frame.insert(0, "variation_id", None)
        frame.insert(0, "channel_id", None)
        frame["status"] = "active"
        return frame

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, None, None) for sku in self.state.data["products"]]

    def stock_levels(self) -> dict[str, float]:
        return {sku: p["stock"] for sku, p in self.state.data["products"].items()}

    def waiting(self) -> list[int]:
        """``PedidoID`` of the orders ``PedidosDisponiveis`` still returns."""
        with self.state.lock:
            confirmed = self.state.data["confirmed"]
            return [n for n, o in self.state.data["orders"].items() if o["Protocolo"] not in confirmed]

    def cancel_order(self, order_id: str) -> None:
        """The store cancels: new ``StatusID``/``StatusDesc``, and the order joins ``PedidosAtualizados``."""
        with self.state.lock:
            order = self.state.data["orders"][int(order_id)]
            order.update(StatusID=STATUS_IDS[CANCELLED], StatusDesc=CANCELLED)
            self.state.data["updates"][str(uuid.uuid4())] = order["PedidoID"]

    # -- behaviour ----------------------------------------------------------------------------
    def check_soap_auth(self, req: Request, header: dict[str, Any] | None) -> Reply | None:
        expected = base64.b64encode(f"{self.credentials['login']}:{self.credentials['password']}".encode()).decode()
        if req.header("Authorization") != f"Basic {expected}":
            return Reply(
                401,
                "<html><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>",
                {"WWW-Authenticate": 'Basic realm="services03.ezcommerce.com.br"'},
                "text/html",
            )
        return None

    def _list(self, params: dict[str, Any], param: str, item: str) -> list[dict[str, Any]] | dict[str, Any]:
        rows = ((params.get(param) or {}).get(item)) or []
        if not rows:
            return _resposta(False, f"{param} deve ter ao menos um {item}")
        if len(rows) > MAX_LIST:
            return _resposta(False, f"{param} tem mais de {MAX_LIST} itens")
        return rows

    @operation("catalogo", "SalvarEstoqueLst")
    def salvar_estoque_lst(self, p: dict[str, Any], req: Request) -> Any:
        rows = self._list(p, "Estoque", "Estoque")
        if isinstance(rows, dict):
            return rows
        results = []
        with self.state.lock:
            for row in rows:
                code = row.get("CodigoIntegracao") or ""
                product = self.state.data["products"].get(code)
                qty = row.get("EstoqueAtual")
                if product is None:
                    results.append(_resposta(False, f"Produto {code} não encontrado", object_id=code))
                elif qty is None or qty < 0:
                    results.append(_resposta(False, "EstoqueAtual obrigatório e não negativo", object_id=code))
                else:
                    product["stock"] = qty
                    results.append(_resposta(True, "Estoque salvo", object_id=code))
        return _summary(results)

    @operation("catalogo", "SalvarPrecoLst")
    def salvar_preco_lst(self, p: dict[str, Any], req: Request) -> Any:
        rows = self._list(p, "Preco", "Preco")
        if isinstance(rows, dict):
            return rows
        results = []
        with self.state.lock:
            for row in rows:
                code = row.get("CodigoIntegracao") or ""
                product = self.state.data["products"].get(code)
                price, promo = row.get("PrecoProduto"), row.get("PrecoPromocao")
                if product is None:
                    results.append(_resposta(False, f"Produto {code} não encontrado", object_id=code))
                elif price is None or price <= 0:
                    results.append(_resposta(False, "PrecoProduto obrigatório e maior que zero", object_id=code))
                elif row.get("Promocao") and (promo is None or not 0 < promo < price or not row.get("PromocaoFim")):
                    results.append(_resposta(False, "Promoção exige PrecoPromocao menor e PromocaoFim",
                                             object_id=code))  # fmt: skip
                else:
                    product["price"] = float(promo if row.get("Promocao") else price)
                    product["promo"] = float(price) if row.get("Promocao") else None
                    results.append(_resposta(True, "Preço salvo", object_id=code))
        return _summary(results)

    def _orders(self, numbers: list[int], protocols: list[str] | None = None) -> dict[str, Any]:
        rows = []
        for k, n in enumerate(numbers):
            order = dict(self.state.data["orders"][n])
            if protocols:
                order["Protocolo"] = protocols[k]
            rows.append(order)
        return _resposta(True, f"{len(rows)} pedidos", result=("ArrayOfPedido", {"Pedido": rows}))

    @operation("pedido", "PedidosDisponiveis")
    def pedidos_disponiveis(self, p: dict[str, Any], req: Request) -> Any:
        return self._orders(self.waiting())

    @operation("pedido", "PedidosAtualizados")
    def pedidos_atualizados(self, p: dict[str, Any], req: Request) -> Any:
        with self.state.lock:
            pending = list(self.state.data["updates"].items())
            return self._orders([n for _, n in pending], [protocol for protocol, _ in pending])

    def _confirm(self, p: dict[str, Any], *, updated: bool) -> Any:
        protocols = (p.get("arrProtocolo") or {}).get("string") or []
        if not protocols:
            return _resposta(False, "arrProtocolo deve ter ao menos um protocolo")
        results = []
        with self.state.lock:
            known = {o["Protocolo"] for o in self.state.data["orders"].values()}
            for protocol in protocols:
                if updated and protocol in self.state.data["updates"]:
                    del self.state.data["updates"][protocol]
                elif not updated and protocol in known:
                    self.state.data["confirmed"].add(protocol)
                else:
                    results.append(_resposta(False, f"Protocolo {protocol} não encontrado", object_id=protocol))
                    continue
                results.append(_resposta(True, "Recebimento confirmado", object_id=protocol))
        return _summary(results)

    @operation("pedido", "ConfirmaRecebimentoPedidoLst")
    def confirma_lst(self, p: dict[str, Any], req: Request) -> Any:
        return self._confirm(p, updated=False)

    @operation("pedido", "ConfirmaRecebimentoPedidoAtualizadoLst")
    def confirma_atualizado_lst(self, p: dict[str, Any], req: Request) -> Any:
        return self._confirm(p, updated=True)

    @operation("pedido", "AtualizarStatusPedido")
    def atualizar_status_pedido(self, p: dict[str, Any], req: Request) -> Any:
        change = p.get("statusPedido") or {}
        names = {n: s for s, n in STATUS_IDS.items()}
        with self.state.lock:
            order = self.state.data["orders"].get(change.get("PedidoID") or 0)
            if order is None:
                return _resposta(False, f"Pedido {change.get('PedidoID')} não encontrado")
            if change.get("StatusID") not in names:
                return _resposta(False, f"StatusID {change.get('StatusID')} inválido")
            if order["StatusDesc"] == CANCELLED:
                return _resposta(False, "Pedido cancelado não pode mudar de status")
            order.update(StatusID=change["StatusID"], StatusDesc=names[change["StatusID"]])
            self.state.data["status_calls"].append(dict(change))
        return _resposta(True, "Status atualizado", object_id=str(order["PedidoID"]))


register_sandbox("ezcommerce", EzcommerceSandbox)
