"""EZ Commerce (WCF, SOAP 1.1) connector, driven by the store's WSDL (zeep): stock, prices, orders queue, status.

What the documents say (``../shared/channel-apis.md`` §10; a PHP client generated
in 2015 from ``services03.ezcommerce.com.br/{pedidows,catalogows}.svc?wsdl``;
see ``docs/channels.md`` for each row's confidence):

* Authentication: HTTP Basic with the login and password (the PHP client's
  ``login``/``password`` SoapClient options); IIS answers 401 to wrong ones.
* Catalogue writes: ``SalvarEstoqueLst(Estoque: ArrayOfEstoque)`` with
  ``Estoque{CodigoIntegracao, CodigoIntegracaoSubVariacao,
  CodigoIntegracaoVariacao, EstoqueAtual, EstoqueMinimo}`` and
  ``SalvarPrecoLst(Preco: ArrayOfPreco)`` with ``Preco{CodigoIntegracao, …,
  PrecoProduto, PrecoPromocao, Promocao, PromocaoFim, PromocaoInicio}``; each
  answers a ``RespostaProcessamento{Erros[], Mensagem, ObjectId, Protocolo,
  RespostaProcessamentoLst[], Resultado, Status, Tipo, Valor}``. The
  catalogue service has **no read operation**, so ``list_listings`` is refused.
* Orders: ``PedidosDisponiveis`` (new) and ``PedidosAtualizados`` (changed)
  return ``Pedido`` records in ``Resultado`` until their ``Protocolo`` is
  confirmed (``ConfirmaRecebimentoPedidoLst`` /
  ``ConfirmaRecebimentoPedidoAtualizadoLst(arrProtocolo)``). A ``Pedido`` has
  no update timestamp: its outbox version is a hash of its content, so a
  cancellation (new ``StatusID``/``StatusDesc``) is a new version.
* Status: ``AtualizarStatusPedido(statusPedido{NotificarCliente, NumeroObjeto,
  PedidoID, StatusID, TemplateEmailID})``: a numeric ``StatusID`` of the
  store's own status list (settings ``status_faturado``/``status_despachado``)
  and the tracking object. It has **no NF-e field**.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy
from kit.connectors.base import value_list_frame
from kit.connectors.ezcommerce_catalog import NO_UPDATE, EzcommerceCatalogMixin
from kit.connectors.model import Invoice, Order, OrderItem, OrdersPage, PriceItem, Shipment, StockItem, WriteResult
from kit.connectors.orderchecks import code, price
from kit.connectors.soap import SoapConnector
from kit.errors import ChannelFatalError, ConfigurationError
from kit.scrub import register_secret

__all__ = ["EzcommerceConnector", "HttpBasic", "SERVICES", "SUCCESS"]

SERVICES = {"pedido": "/pedidows.svc", "catalogo": "/catalogows.svc"}
SUCCESS = "Sucesso"  # RespostaProcessamento.Status of a success (inferred: the enum's values are not public)
#: ack_token prefixes: which confirmation operation an order needs
NEW, UPDATED = "novo", "atualizado"


class HttpBasic(AuthStrategy):
    """``Authorization: Basic`` from the ``login`` and ``password`` credentials."""

    def __init__(self) -> None:
        super().__init__()
        self._header: str | None = None

    def headers(self) -> dict[str, str]:
        if self._header is None:
            pair = f"{self.require('login')}:{self.require('password')}"
            encoded = base64.b64encode(pair.encode("utf-8")).decode()
            register_secret(encoded)
            self._header = f"Basic {encoded}"
        return {"Authorization": self._header}

    def refresh(self, rejected: dict[str, str] | None = None) -> bool:
        old, self._header = self._header, None
        return old is not None and self.headers()["Authorization"] != old


def _outcome(result: dict[str, Any]) -> tuple[bool, str]:
    """(ok, message) of one ``RespostaProcessamento``: ok only on ``Status`` "Sucesso" with no ``Erros``."""
    errors = [e.get("Mensagem") or f"erro {e.get('CodigoErro')}" for e in _items(result.get("Erros"))]
    message = "; ".join(errors) or result.get("Mensagem") or ""
    return result.get("Status") == SUCCESS and not errors, message or f"Status {result.get('Status')!r}"


def _items(array: Any) -> list[dict[str, Any]]:
    """The items of a WCF ``ArrayOfX`` (one child list) as dicts."""
    if not isinstance(array, dict):
        return []
    values = next(iter(array.values()), None) if len(array) == 1 else None
    return [v for v in (values or []) if v is not None]


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else (str(value) if value else None)


class EzcommerceConnector(EzcommerceCatalogMixin, SoapConnector):
    """EZ Commerce integration layer (``pedidows.svc``, ``catalogows.svc``; HTTP Basic).

    Publishing (creation only) is :mod:`kit.connectors.ezcommerce_catalog`.
    """

    services = SERVICES
    # No catalogue read: the jobs bind a SKU to the product whose CodigoIntegracao is the SKU (the stock and
    # price calls already address it so) instead of reading list_listings().
    bind_by_sku = True
    publish_create = True
    publish_update = False
    publish_unsupported = NO_UPDATE
    # Brand is not required: MarcaID is the store's number and brands cannot be read (said per SKU).
    publish_required = ("title", "channel_category", "weight_kg", "height_cm", "width_cm", "length_cm", "price")

    def make_auth(self) -> AuthStrategy:
        return HttpBasic()

    def check_connection(self) -> dict[str, Any]:
        # Side-effect free: reading the queue confirms nothing.
        return {"orders_waiting": len(self._queue("PedidosDisponiveis")), "contract": self.source.kind}

    def list_listings(self):
        raise self.unsupported(
            "listar os anúncios (list_listings): o serviço de catálogo do EZ Commerce não tem leitura"
        )

    # -- writes ------------------------------------------------------------------------------------
    def _batch(self, name: str, param: str, rows: list[dict[str, Any]]) -> dict[int, str] | None:
        """One ``Salvar…Lst`` call; ``{position: reason}`` of the refused rows (every row accounted for)."""
        result = self.call("catalogo", name, {param: {param: rows}})
        ok, message = _outcome(result)
        per_item = _items(result.get("RespostaProcessamentoLst"))
        by_code = {r.get("ObjectId"): r for r in per_item if r.get("ObjectId")}
        codes = [r["CodigoIntegracao"] for r in rows]
        if len(by_code) == len(rows) and set(by_code) == set(codes):
            matched = [by_code[c] for c in codes]
        elif len(per_item) == len(rows):
            matched = per_item
        elif ok and not per_item:
            return None  # the whole list succeeded without per-item detail
        else:
            reason = message if not ok else f"{name} respondeu {len(per_item)} resultados para {len(rows)} itens"
            return dict.fromkeys(range(len(rows)), reason)
        refused = {}
        for i, item in enumerate(matched):
            item_ok, item_message = _outcome(item)
            if not item_ok:
                refused[i] = item_message
        return refused or None

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``SalvarEstoqueLst`` with ``Estoque{CodigoIntegracao, EstoqueAtual}`` (``EstoqueMinimo`` from the setting)."""
        minimum = self.settings.get("estoque_minimo")

        def send(group: list[StockItem]) -> dict[int, str] | None:
            rows = [
                {"CodigoIntegracao": it.sku, "CodigoIntegracaoVariacao": it.variation_id,
                 "EstoqueAtual": max(0, int(it.quantity)), "EstoqueMinimo": int(minimum) if minimum else None}
                for it in group
            ]  # fmt: skip
            return self._batch("SalvarEstoqueLst", "Estoque", rows)

        return self.run_writes(items, send, batch_size=self.type.per_request("stock"), what="stock")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``SalvarPrecoLst`` with ``Preco{CodigoIntegracao, PrecoProduto, Promocao=false}`` (no promotion dates)."""

        def send(group: list[PriceItem]) -> dict[int, str] | None:
            rows = [
                {"CodigoIntegracao": it.sku, "CodigoIntegracaoVariacao": it.variation_id,
                 "PrecoProduto": round(float(it.price), 2), "Promocao": False}
                for it in group
            ]  # fmt: skip
            return self._batch("SalvarPrecoLst", "Preco", rows)

        return self.run_writes(items, send, batch_size=self.type.per_request("prices"), what="prices")

    # -- orders ---------------------------------------------------------------------------------
    def _queue(self, name: str) -> list[dict[str, Any]]:
        result = self.call("pedido", name, {}, family="orders_read")
        ok, message = _outcome(result)
        if not ok:
            raise ChannelFatalError(f"EZ Commerce recusou {name}: {message}", channel=self.channel.name)
        return _items(result.get("Resultado"))

    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """New (``PedidosDisponiveis``) and changed (``PedidosAtualizados``) orders not confirmed yet.

        ``since``/``cursor`` are not used: the service is its own queue. An
        order in both lists comes once, as the changed one.
        """
        orders: dict[str, Order] = {}
        for name, kind in (("PedidosDisponiveis", NEW), ("PedidosAtualizados", UPDATED)):
            for raw in self._queue(name):
                order = self.normalize_order(raw, kind)
                orders[order.order_id] = order
        return OrdersPage(list(orders.values()), None, has_more=False)

    def normalize_order(self, raw: dict[str, Any], kind: str = NEW) -> Order:
        """A ``Pedido`` (documented fields) as the kit's :class:`Order` (no update stamp: the version is a hash)."""
        payment = raw.get("FormaDePagamento") or {}
        return Order(
            order_id=str(raw.get("PedidoID")),
            channel=self.channel.name,
            status_raw=str(raw.get("StatusDesc") or ""),
            created_at=_iso(raw.get("DataVenda")),
            updated_at=None,
            items=[
                OrderItem(sku=code(i.get("CodigoIntegracao")), quantity=int(i.get("Quantidade") or 0),
                          unit_price=price(i.get("PrecoUnitario")), title=str(i.get("NomeDoProduto") or ""),
                          variation_id=i.get("CodigoIntegracaoVariacao"))
                for i in _items(raw.get("Itens"))
            ],  # fmt: skip
            carrier_raw=raw.get("FormaEntregaAlias"),
            service_raw=raw.get("FreteCodEnvio"),
            payment_raw=payment.get("FormaPagamentoAlias"),
            total=float(raw["ValorTotal"]) if raw.get("ValorTotal") is not None else None,
            buyer={"name": raw.get("EntregaNome"), "document": raw.get("NumeroRegistroCliente"),
                   "email": raw.get("EntregaEmail")},
            shipping_address={"street": raw.get("EntregaLogradouro"), "number": raw.get("EntregaNumero"),
                              "city": raw.get("EntregaCidade"), "state": raw.get("EntregaEstado"),
                              "zipcode": raw.get("EntregaCEP")},
            ack_token=f"{kind}|{raw.get('Protocolo')}",
            raw=raw,
        )  # fmt: skip

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """Confirm the orders' ``Protocolo`` (new and changed ones through their own ``…Lst`` operation)."""
        by_kind: dict[str, list[str]] = {NEW: [], UPDATED: []}
        for order in orders:
            kind, _, protocol = (order.ack_token or "").partition("|")
            if protocol and protocol != "None":
                by_kind.setdefault(kind, []).append(protocol)
        done = 0
        for kind, name in ((NEW, "ConfirmaRecebimentoPedidoLst"), (UPDATED, "ConfirmaRecebimentoPedidoAtualizadoLst")):
            protocols = by_kind.get(kind) or []
            if not protocols:
                continue
            ok, message = _outcome(self.call("pedido", name, {"arrProtocolo": {"string": protocols}}))
            if not ok:
                raise ChannelFatalError(f"EZ Commerce recusou {name}: {message}", channel=self.channel.name)
            done += len(protocols)
        return done

    def _status_id(self, setting: str) -> int:
        value = self.settings.get(setting)
        try:
            return int(value or "")
        except ValueError:
            raise ConfigurationError(
                f"EZ Commerce precisa do StatusID da loja para esta situação (configuração {setting})",
                channel=self.channel.name,
                hint=f"procure o número no painel da loja e rode 'kit channels set {self.channel.name} "
                f"settings.{setting}=<StatusID>'",
            ) from None

    def _update(self, order: Order | str, status_id: int, tracking: str | None) -> dict[str, Any]:
        number = order.order_id if isinstance(order, Order) else str(order)
        change = {"NotificarCliente": False, "NumeroObjeto": tracking, "PedidoID": int(number), "StatusID": status_id}
        result = self.call("pedido", "AtualizarStatusPedido", {"statusPedido": change})
        ok, message = _outcome(result)
        if not ok:
            raise ChannelFatalError(f"EZ Commerce recusou AtualizarStatusPedido: {message}", channel=self.channel.name)
        return {"Protocolo": result.get("Protocolo"), "Mensagem": result.get("Mensagem")}

    def send_invoice(self, order: Order | str, invoice: Invoice) -> dict[str, Any]:
        """``AtualizarStatusPedido`` to the store's "faturado" ``StatusID``: the operation has no NF-e field."""
        return {**self._update(order, self._status_id("status_faturado"), None), "nfe_sent": False}

    def send_tracking(self, order: Order | str, shipment: Shipment) -> dict[str, Any]:
        """``AtualizarStatusPedido`` to the store's "despachado" ``StatusID`` with ``NumeroObjeto`` = tracking code."""
        return self._update(order, self._status_id("status_despachado"), shipment.code)

    # -- value lists ---------------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Carriers/services, payments and statuses of the orders waiting (reading confirms nothing)."""
        orders = self.fetch_orders().orders
        return {
            "carrier_service": value_list_frame(
                "carrier_service",
                [{"carrier": o.carrier_raw, "service": o.service_raw} for o in orders if o.carrier_raw],
            ),
            "payment_method": value_list_frame(
                "payment_method", [{"payment_method": o.payment_raw} for o in orders if o.payment_raw]
            ),
            "order_status": value_list_frame(
                "order_status",
                [{"status": o.status_raw, "code": str(o.raw.get("StatusID"))} for o in orders if o.status_raw],
            ),
        }


register_connector("ezcommerce", EzcommerceConnector)
