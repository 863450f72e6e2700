"""EZ Commerce (SOAP/WCF) connector: stock and prices in batches, orders queue with protocol confirmation, status.

**Inferred** from a secondary source (a WSDL-generated PHP client of 2015 for
``pedidows.svc`` and ``catalogows.svc``; ``../shared/channel-apis.md``
section 10): operation names are from that client; parameter and field names
inside ``Estoque``/``Preco``/``Pedido`` are the kit's choice and are marked so
in ``docs/channels.md``.

* Authentication: HTTP Basic with the login and password (what the PHP
  client's ``login``/``password`` SoapClient options do); wrong credentials
  get IIS's HTTP 401.
* Catalogue: ``SalvarEstoqueLst`` / ``SalvarPrecoLst`` with up to
  ``items_per_request`` items (:mod:`kit.channeltypes`); each answer is a
  ``RespostaProcessamento`` whose ``RespostaProcessamentoLst`` gives one
  status per item, so every item is accounted for. The catalogue service has
  **no read operation** (only ``Salvar*``/``Excluir*``/menu lookups), so
  :meth:`EzcommerceConnector.list_listings` is not supported.
* Orders: ``PedidosDisponiveis`` (new) and ``PedidosAtualizados`` (changed)
  keep returning an order until its ``Protocolo`` is confirmed with
  ``ConfirmaRecebimentoPedidoLst`` / ``ConfirmaRecebimentoPedidoAtualizadoLst``
  (:meth:`EzcommerceConnector.ack_orders`).
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy
from kit.connectors.base import value_list_frame
from kit.connectors.model import (
    Invoice,
    Order,
    OrderItem,
    OrdersPage,
    PriceItem,
    Shipment,
    StockItem,
    WriteResult,
)
from kit.connectors.soap import SoapArray, SoapConnector, child, children, leaf_dict, text
from kit.errors import ChannelFatalError
from kit.scrub import register_secret

__all__ = ["EzcommerceConnector", "HttpBasic", "ORDER_STATUSES", "NAMESPACE", "DATA_NAMESPACE", "SERVICES"]

NAMESPACE = "http://tempuri.org/"  # WCF default (inferred)
DATA_NAMESPACE = "http://schemas.datacontract.org/2004/07/EZCommerce.Integracao"  # inferred
ARRAYS_NAMESPACE = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"  # WCF ArrayOfstring
#: service -> (path, WCF contract name used in SOAPAction; the contract names are inferred)
SERVICES = {"pedido": ("/pedidows.svc", "IPedidoWS"), "catalogo": ("/catalogows.svc", "ICatalogoWS")}
SUCCESS = "Sucesso"
#: Order statuses as the kit expects them (inferred: the manual's list was not read).
ORDER_STATUSES = (
    "Aguardando Pagamento", "Pagamento Confirmado", "Em Separacao", "Faturado", "Despachado", "Entregue", "Cancelado",
)  # fmt: skip
STATUS_INVOICED = "Faturado"
STATUS_SHIPPED = "Despachado"
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


def _outcome(result: ET.Element) -> tuple[bool, str]:
    """(ok, message) of one ``RespostaProcessamento``."""
    errors = [e.text or "" for e in children(child(result, "Erros"))]
    message = "; ".join(e for e in errors if e) or text(result, "Mensagem") or ""
    return text(result, "Status") == SUCCESS, message


class EzcommerceConnector(SoapConnector):
    """EZ Commerce integration layer (``pedidows.svc``, ``catalogows.svc``; HTTP Basic)."""

    namespace = NAMESPACE

    def make_auth(self) -> AuthStrategy:
        return HttpBasic()

    def soap_action(self, service: str, operation: str) -> str:
        return f"{NAMESPACE}{SERVICES[service][1]}/{operation}"

    def ez(
        self, service: str, operation: str, params: list[tuple[str, Any]] = (), *, family: str = "write"
    ) -> ET.Element:
        return self.call(SERVICES[service][0], operation, params, service=service, family=family)

    def check_connection(self) -> dict[str, Any]:
        # Side-effect free: reading the queue confirms nothing.
        found = children(self.ez("pedido", "PedidosDisponiveis", family="orders_read"))
        return {"orders_waiting": len(found)}

    def list_listings(self):
        raise self.unsupported("list_listings (EZ Commerce's catalogue service has no read operation)")

    # -- writes ------------------------------------------------------------------------
    def _batch(self, operation: str, param: str, item_tag: str, rows: list[dict[str, Any]]) -> dict[int, str] | None:
        result = self.ez("catalogo", operation, [(param, SoapArray(item_tag, rows, DATA_NAMESPACE))])
        per_item = children(child(result, "RespostaProcessamentoLst"))
        ok, message = _outcome(result)
        if len(per_item) != len(rows):
            if ok and not per_item:
                return None  # the whole batch succeeded without per-item detail
            reason = message or f"{operation} answered {len(per_item)} results for {len(rows)} items"
            return {i: reason for i in range(len(rows))}
        refused = {}
        for i, item in enumerate(per_item):
            item_ok, item_message = _outcome(item)
            if not item_ok:
                refused[i] = item_message or f"{operation} refused the item"
        return refused or None

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``SalvarEstoqueLst(arrEstoque)`` with ``Estoque {Sku, Quantidade}`` (field names inferred)."""

        def send(group: list[StockItem]) -> dict[int, str] | None:
            rows = [{"Sku": it.sku, "Quantidade": max(0, int(it.quantity))} for it in group]
            return self._batch("SalvarEstoqueLst", "arrEstoque", "Estoque", rows)

        return self.run_writes(items, send, batch_size=self.type.per_request("stock"), what="stock")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``SalvarPrecoLst(arrPreco)`` with ``Preco {Sku, PrecoDe, PrecoPor}`` (field names inferred)."""

        def send(group: list[PriceItem]) -> dict[int, str] | None:
            rows = []
            for it in group:
                por = round(float(it.price), 2)
                de = max(round(float(it.list_price), 2), por) if it.list_price is not None else por
                rows.append({"Sku": it.sku, "PrecoDe": de, "PrecoPor": por})
            return self._batch("SalvarPrecoLst", "arrPreco", "Preco", rows)

        return self.run_writes(items, send, batch_size=self.type.per_request("prices"), what="prices")

    # -- orders -----------------------------------------------------------------------------
    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """New (``PedidosDisponiveis``) and changed (``PedidosAtualizados``) orders not confirmed yet.

        ``since``/``cursor`` are not used: the service is its own queue. An
        order in both lists comes once, as the changed one.
        """
        orders: dict[str, Order] = {}
        for operation, kind in (("PedidosDisponiveis", NEW), ("PedidosAtualizados", UPDATED)):
            for el in children(self.ez("pedido", operation, family="orders_read")):
                order = self.normalize_order(el, kind)
                orders[order.order_id] = order
        return OrdersPage(list(orders.values()), None, has_more=False)

    def normalize_order(self, el: ET.Element, kind: str = NEW) -> Order:
        head = leaf_dict(el)
        customer = leaf_dict(child(el, "Cliente"))
        items = [leaf_dict(i) for i in children(child(el, "Itens"))]
        return Order(
            order_id=str(head.get("NumeroPedido")),
            channel=self.channel.name,
            status_raw=str(head.get("Status") or ""),
            created_at=head.get("DataPedido"),
            updated_at=head.get("DataAtualizacao"),
            items=[
                OrderItem(
                    sku=str(i.get("Sku")),
                    quantity=int(float(i.get("Quantidade") or 0)),
                    unit_price=float(i.get("ValorUnitario") or 0),
                    title=str(i.get("Nome") or ""),
                )
                for i in items
            ],
            carrier_raw=head.get("Transportadora"),
            service_raw=head.get("ServicoEntrega"),
            payment_raw=head.get("FormaPagamento"),
            total=float(head["ValorTotal"]) if head.get("ValorTotal") else None,
            buyer={"name": customer.get("Nome"), "email": customer.get("Email"), "document": customer.get("Documento")},
            ack_token=f"{kind}|{head.get('Protocolo')}",
            raw={**head, "Itens": items, "Cliente": customer},
        )

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """Confirm the orders' ``Protocolo`` (new and changed ones through their own ``...Lst`` operation)."""
        by_kind: dict[str, list[str]] = {NEW: [], UPDATED: []}
        for order in orders:
            kind, _, protocol = (order.ack_token or "").partition("|")
            if protocol:
                by_kind.setdefault(kind, []).append(protocol)
        done = 0
        for kind, operation in (
            (NEW, "ConfirmaRecebimentoPedidoLst"),
            (UPDATED, "ConfirmaRecebimentoPedidoAtualizadoLst"),
        ):
            protocols = by_kind.get(kind) or []
            if not protocols:
                continue
            result = self.ez("pedido", operation, [("arrProtocolo", SoapArray("string", protocols, ARRAYS_NAMESPACE))])
            ok, message = _outcome(result)
            if not ok:
                raise ChannelFatalError(f"EZ Commerce refused {operation}: {message}", channel=self.channel.name)
            done += len(protocols)
        return done

    def _status(self, operation: str, fields: dict[str, Any]) -> dict[str, Any]:
        result = self.ez(
            "pedido", operation, [("pedido" if operation == "AtualizarStatusPedido" else "objeto", fields)]
        )
        ok, message = _outcome(result)
        if not ok:
            raise ChannelFatalError(f"EZ Commerce refused {operation}: {message}", channel=self.channel.name)
        return {"Protocolo": text(result, "Protocolo"), "Mensagem": text(result, "Mensagem")}

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        """``AtualizarStatusPedido`` to Faturado with the invoice (field names inferred)."""
        number_id = order.order_id if isinstance(order, Order) else str(order)
        fields = {
            "NumeroPedido": number_id,
            "Status": STATUS_INVOICED,
            "NumeroNotaFiscal": str(invoice.number),
            "SerieNotaFiscal": str(invoice.series or "1"),
            "ChaveNotaFiscal": invoice.nfe_key,
            "DataEmissao": invoice.issued_at or datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return self._status("AtualizarStatusPedido", fields)

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``AtualizarStatusPacotePorObjeto`` (the tracking object) to Despachado (field names inferred)."""
        number_id = order.order_id if isinstance(order, Order) else str(order)
        fields = {
            "NumeroPedido": number_id,
            "CodigoObjeto": shipment.code,
            "Status": STATUS_SHIPPED,
            "Transportadora": shipment.carrier,
            "UrlRastreamento": shipment.url,
            "DataEnvio": shipment.shipped_at or datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return self._status("AtualizarStatusPacotePorObjeto", fields)

    # -- value lists -------------------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Statuses (inferred list); carriers, services and payment names of the orders waiting (nothing confirmed)."""
        orders = self.fetch_orders().orders
        return {
            "carrier_service": value_list_frame(
                "carrier_service",
                [{"carrier": o.carrier_raw, "service": o.service_raw} for o in orders if o.carrier_raw],
            ),
            "payment_method": value_list_frame(
                "payment_method", [{"payment_method": o.payment_raw} for o in orders if o.payment_raw]
            ),
            "order_status": value_list_frame("order_status", [{"status": s} for s in ORDER_STATUSES]),
        }


register_connector("ezcommerce", EzcommerceConnector)
