"""Rakuten Brasil (IKCWebservice, SOAP 1.1) connector: stock, price, new orders, validation, status.

Everything here is **inferred** from a secondary source (ERP client code
generated from the stores' WSDLs; ``../shared/channel-apis.md`` section 8):
see ``docs/channels.md`` for what each operation rests on. The platform
appears discontinued; treat it as legacy.

* Services per store: ``{base_url}/ikcwebservice/{produto|sku|estoque|pedido|tabelapreco}.asmx``,
  namespace ``http://www.ikeda.com.br``, ``SOAPAction`` ``http://www.ikeda.com.br/<Method>``.
* The two keys travel in a SOAP header
  ``<clsSoapHeader xmlns="http://www.ikeda.com.br"><A1/><A2/></clsSoapHeader>``
  (:class:`SoapHeaderKeys`); bad keys come back as a SOAP fault, which the
  SOAP response table turns into an AuthenticationError.
* Results are ``clsRetorno...`` with ``Codigo`` (1 = ok) and ``Descricao``;
  another ``Codigo`` refuses the item (reported per item, not retried).
* Orders: ``pedido.asmx ListarNovos`` lists the orders the ERP has not
  validated yet; ``Validar`` (the ERP confirms it imported the order, giving
  its own code) is the acknowledgement, so ``ListarNovos`` is a queue.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
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
from kit.connectors.paginate import PagePaginator
from kit.connectors.soap import SoapConnector, child, children, leaf_dict, text
from kit.errors import ChannelFatalError, ConfigurationError

__all__ = ["RakutenConnector", "SoapHeaderKeys", "ORDER_STATUSES", "NAMESPACE", "service_path"]

NAMESPACE = "http://www.ikeda.com.br"
OK = "1"
#: Rakuten status codes. Only 6 ("Aguardando pagamento") was seen in the secondary source; the others are
#: the kit's reading of the manual's annex (inferred) and must be checked against a live store.
ORDER_STATUSES = {
    "6": "Aguardando pagamento",
    "7": "Pagamento confirmado",
    "10": "Faturado",
    "11": "Enviado",
    "12": "Entregue",
    "15": "Cancelado",
}
STATUS_INVOICED = 10
STATUS_SHIPPED = 11
#: TipoAlteracao of estoque.Salvar: 1 = replace the quantity (inferred; 2/3 add/subtract).
STOCK_REPLACE = 1
LIST_PAGE = 50
ALL = 0  # StatusPedido / CodigoPedido "any" (inferred)


def service_path(name: str) -> str:
    """Path of one IKC service, e.g. ``/ikcwebservice/estoque.asmx``."""
    return f"/ikcwebservice/{name}.asmx"


class SoapHeaderKeys(AuthStrategy):
    """The A1/A2 keys carried in the SOAP header (no HTTP headers)."""

    def __init__(self) -> None:
        super().__init__()
        self._values: dict[str, str] | None = None

    def values(self) -> dict[str, str]:
        if self._values is None:
            self._values = {"A1": self.require("a1"), "A2": self.require("a2")}
        return dict(self._values)

    def refresh(self, rejected: dict[str, str] | None = None) -> bool:
        # The keys are inside the envelope already sent: re-read them for the next call, do not resend.
        self._values = None
        return False


def _check(result: ET.Element, operation: str) -> str | None:
    """``None`` when ``Codigo`` is 1, else the refusal (``Descricao``)."""
    code = text(result, "Codigo")
    if code == OK:
        return None
    return f"{operation} refused (Codigo {code}): {text(result, 'Descricao') or 'no description'}"


class RakutenConnector(SoapConnector):
    """Rakuten IKCWebservice (keys A1/A2 in the SOAP header; store code ``loja``)."""

    namespace = NAMESPACE

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        try:
            self.loja = int(self.settings.get("loja") or "")
        except ValueError:
            raise ConfigurationError(
                "the Rakuten store code (loja) is not set or is not a number",
                channel=self.channel.name,
                hint=f"run 'kit channels set {self.channel.name} settings.loja=<código da loja>'",
            ) from None

    def make_auth(self) -> AuthStrategy:
        return SoapHeaderKeys()

    def soap_header(self) -> tuple[str, dict[str, Any]]:
        assert isinstance(self.auth, SoapHeaderKeys)
        return ("clsSoapHeader", self.auth.values())

    def ikc(self, service: str, operation: str, params: list[tuple[str, Any]], *, family: str = "write") -> ET.Element:
        return self.call(service_path(service), operation, [("LojaCodigo", self.loja), *params], family=family)

    def check_connection(self) -> dict[str, Any]:
        result = self.ikc(
            "sku", "Listar", [("PartNumber", ""), ("Pagina", 1), ("RegistrosPorPagina", 1)], family="read"
        )
        refused = _check(result, "sku.Listar")
        if refused:
            raise ChannelFatalError(refused, channel=self.channel.name)
        return {"loja": self.loja}

    # -- catalogue -----------------------------------------------------------------
    def _sku_page(self, params: dict[str, Any]) -> dict[str, Any]:
        result = self.ikc(
            "sku", "Listar", [("PartNumber", ""), ("Pagina", params["page"]), ("RegistrosPorPagina", params["size"])],
            family="read",
        )  # fmt: skip
        refused = _check(result, "sku.Listar")
        if refused:
            raise ChannelFatalError(refused, channel=self.channel.name)
        return {"records": [leaf_dict(el) for el in children(child(result, "Lista"))]}

    def list_listings(self):
        pager = PagePaginator(LIST_PAGE, size_param="size", records_path="records", start=1, channel=self.channel.name)
        rows = [
            {
                "channel_id": r.get("CodigoProdutoInterno"),
                "variation_id": None,
                "sku": r.get("PartNumber"),
                "ean": r.get("EAN"),
                "title": r.get("Nome"),
                "price": r.get("PrecoPor"),
                "stock": r.get("QtdEstoque"),
                "status": r.get("Status"),
            }
            for r in pager.all(self._sku_page)
        ]
        return self.listings_frame(rows)

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``estoque.asmx Salvar`` per item (TipoAlteracao 1 = replace)."""

        def send(group: list[StockItem]) -> dict[int, str] | None:
            item = group[0]
            result = self.ikc(
                "estoque",
                "Salvar",
                [
                    ("CodigoProdutoInterno", item.channel_id or item.sku),
                    ("PartNumber", item.sku),
                    ("QtdEstoque", max(0, int(item.quantity))),
                    ("QtdMinima", 0),
                    ("TipoAlteracao", STOCK_REPLACE),
                ],
            )
            refused = _check(result, "estoque.Salvar")
            return {0: refused} if refused else None

        return self.run_writes(items, send, what="stock")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``sku.asmx AlterarPreco(PartNumber, PrecoPor)`` per item (a list price has no known field)."""

        def send(group: list[PriceItem]) -> dict[int, str] | None:
            item = group[0]
            result = self.ikc(
                "sku", "AlterarPreco", [("PartNumber", item.sku), ("PrecoPor", round(float(item.price), 2))]
            )
            refused = _check(result, "sku.AlterarPreco")
            return {0: refused} if refused else None

        return self.run_writes(items, send, what="prices")

    # -- orders ----------------------------------------------------------------------
    def _orders(self, result: ET.Element, operation: str) -> list[Order]:
        refused = _check(result, operation)
        if refused:
            raise ChannelFatalError(refused, channel=self.channel.name)
        return [self.normalize_order(el) for el in children(child(result, "Lista"))]

    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """``pedido.asmx ListarNovos``: the orders not validated yet (a queue; ``since``/``cursor`` unused)."""
        result = self.ikc(
            "pedido", "ListarNovos", [("StatusPedido", ALL), ("StatusInternoPedido", "")], family="orders_read"
        )
        return OrdersPage(self._orders(result, "pedido.ListarNovos"), None, has_more=False)

    def get_order(self, order_id: str) -> Order:
        result = self.ikc(
            "pedido", "Listar", [("CodigoPedido", int(order_id)), ("StatusPedido", ALL), ("StatusInternoPedido", "")],
            family="orders_read",
        )  # fmt: skip
        orders = self._orders(result, "pedido.Listar")
        if not orders:
            raise ChannelFatalError(f"Rakuten order {order_id} not found", channel=self.channel.name)
        return orders[0]

    def normalize_order(self, el: ET.Element) -> Order:
        head = leaf_dict(el)
        customer = leaf_dict(child(el, "Cliente"))
        items = [leaf_dict(i) for i in children(child(el, "Itens"))]
        return Order(
            order_id=str(head.get("Codigo")),
            channel=self.channel.name,
            status_raw=str(head.get("Status") or ""),
            created_at=head.get("Data"),
            updated_at=head.get("DataAtualizacao"),
            items=[
                OrderItem(
                    sku=str(i.get("ItemPartNumber")),
                    quantity=int(i.get("ItemQtde") or 0),
                    unit_price=float(i.get("ItemValor") or 0),
                    title=str(i.get("ItemNome") or ""),
                )
                for i in items
            ],
            carrier_raw=head.get("Transportadora"),
            service_raw=head.get("FormaEnvio"),
            payment_raw=head.get("FormaPagamento"),
            total=float(head["ValorTotal"]) if head.get("ValorTotal") else None,
            buyer={"name": customer.get("Nome"), "email": customer.get("Email"), "document": customer.get("CPF")},
            ack_token=str(head.get("Codigo")),
            raw={**head, "Itens": items, "Cliente": customer},
        )

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """``pedido.asmx Validar(CodigoPedido, CodigoInternoPedido)`` per order (internal code ``KIT-<code>``)."""
        for order in orders:
            code = order.ack_token or order.order_id
            result = self.ikc(
                "pedido", "Validar", [("CodigoPedido", int(code)), ("CodigoInternoPedido", f"KIT-{code}")]
            )
            refused = _check(result, "pedido.Validar")
            if refused:
                raise ChannelFatalError(refused, channel=self.channel.name)
        return len(orders)

    def _alter_status(
        self, order: Order | str, status: int, *, tracking: str = "", number: str = "0", series: str = ""
    ) -> dict[str, Any]:
        code = order.order_id if isinstance(order, Order) else str(order)
        try:
            invoice = int(number or 0)
        except ValueError:
            raise ConfigurationError(
                f"Rakuten takes a numeric invoice number, got {number!r}", channel=self.channel.name
            ) from None
        result = self.ikc(
            "pedido",
            "AlterarStatus",
            [
                ("CodigoPedido", int(code)),
                ("CodigoInternoPedido", f"KIT-{code}"),
                ("PedidoStatus", status),
                ("StatusInternoPedido", ""),
                ("ObjetoSedex", tracking),
                ("NotaFiscal", invoice),
                ("Serie", series),
            ],
        )
        refused = _check(result, "pedido.AlterarStatus")
        if refused:
            raise ChannelFatalError(refused, channel=self.channel.name)
        return {"Codigo": text(result, "Codigo"), "Descricao": text(result, "Descricao")}

    def send_invoice(
        self,
        order: Order | str,
        invoice: Invoice,
    ) -> dict[str, Any]:
        """``AlterarStatus`` to Faturado with ``NotaFiscal``/``Serie`` (no NF-e key field is known)."""
        return self._alter_status(
            order,
            STATUS_INVOICED,
            tracking=invoice.shipment.code if invoice.shipment else "",
            number=invoice.number,
            series=invoice.series or "",
        )

    def send_tracking(
        self,
        order: Order | str,
        shipment: Shipment,
    ) -> dict[str, Any]:
        """``AlterarStatus`` to Enviado with the tracking code in ``ObjetoSedex``."""
        return self._alter_status(order, STATUS_SHIPPED, tracking=shipment.code, number=shipment.invoice_number or "0")

    # -- value lists ---------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Statuses (inferred table); carriers, services and payment names from ``pedido.Listar`` (all orders)."""
        result = self.ikc(
            "pedido", "Listar", [("CodigoPedido", ALL), ("StatusPedido", ALL), ("StatusInternoPedido", "")],
            family="orders_read",
        )  # fmt: skip
        orders = self._orders(result, "pedido.Listar")
        return {
            "carrier_service": value_list_frame(
                "carrier_service",
                [{"carrier": o.carrier_raw, "service": o.service_raw} for o in orders if o.carrier_raw],
            ),
            "payment_method": value_list_frame(
                "payment_method", [{"payment_method": o.payment_raw} for o in orders if o.payment_raw]
            ),
            "order_status": value_list_frame(
                "order_status", [{"status": k, "description": v} for k, v in ORDER_STATUSES.items()]
            ),
        }


register_connector("rakuten", RakutenConnector)
