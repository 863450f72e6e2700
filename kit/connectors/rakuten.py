"""Rakuten Brasil (IKCWebservice, ASMX SOAP 1.1) connector, driven by the store's WSDL (zeep).

What the documents say (``../shared/channel-apis.md`` §8 and the sources in
``docs/channels.md``; all secondary, the platform looks discontinued):

* Services per store: ``{base_url}/ikcwebservice/{sku,estoque,pedido}.asmx``;
  the WSDL decides operations, parameter names and the SOAPAction.
* Keys: ``A1``/``A2`` in every call. Both public clients built from stores'
  WSDLs send them in the SOAP header ``clsSoapHeader``; the generated client
  shows them as parameters of each method (``Estoque.Salvar(..., A1, A2)``).
  The connector puts them wherever the store's WSDL declares them: in a
  header element that has ``A1``/``A2``, or as body parameters.
* Results: ``clsRetornoOf…{Acao, Data, Codigo, Descricao, Lista}``;
  ``Codigo`` 1 is success, another value refuses the item (not retried).
* Orders: ``pedido.ListarNovos`` lists the orders not validated yet;
  ``Validar`` is the acknowledgement. A cancellation after import is read
  with ``pedido.Listar(StatusPedido=5)``: the order comes back with a newer
  ``DataAtualizacao``, which is its version in the outbox.
* Statuses (annex 3 of the manual, quoted by an integrator): :data:`ORDER_STATUSES`.
* ``AlterarStatus(…, NotaFiscal int, Serie)`` has **no NF-e key** parameter;
  the order read has ``NumeroNF``/``SerieNF`` only. The invoice call therefore
  records the NF-e number and series and keeps the order's status.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from kit.connectors import register_connector
from kit.connectors.auth import AuthStrategy
from kit.connectors.base import value_list_frame
from kit.connectors.model import Invoice, Order, OrderItem, OrdersPage, PriceItem, Shipment, StockItem, WriteResult
from kit.connectors.orderchecks import code, price
from kit.connectors.rakuten_catalog import RakutenCatalogMixin
from kit.connectors.soap import ContractUnavailable, SoapConnector
from kit.errors import ChannelFatalError, ConfigurationError, KitError

__all__ = ["RakutenConnector", "IkcKeys", "ORDER_STATUSES", "SERVICES", "STATUS_CANCELLED", "STATUS_SHIPPED"]

#: stock, prices and orders; the catalogue services (publishing) are read only when a product is published
SYNC_SERVICES = ("sku", "estoque", "pedido")
SERVICES = {
    name: f"/ikcwebservice/{name}.asmx" for name in (*SYNC_SERVICES, "produto", "ProdutoCategoria", "categoria")
}
log = logging.getLogger("kit.connectors.rakuten")
OK = 1
BRT = timezone(timedelta(hours=-3))
#: Annex 3 of "IKCWebservice 2.2 - 14. Pedidos" as quoted in an integrator's code (🟡 secondary)
ORDER_STATUSES = {
    "1": "Efetuado", "4": "Problemas", "5": "Cancelado", "6": "Aguardando pagamento", "7": "Pagamento confirmado",
    "8": "Análise de risco", "17": "Despachado", "92": "Entregue", "99": "Troca", "100": "Cupom próxima compra",
    "108": "Alterar forma de pagamento",
}  # fmt: skip
STATUS_CANCELLED = 5
STATUS_SHIPPED = 17
#: TipoAlteracao of estoque.Salvar: 3 = replace (the integrator sends its absolute balance with 3)
STOCK_REPLACE = 3
ANY = 0  # StatusPedido / CodigoPedido / StatusSKU 0 = any (inferred)
#: how far before the last seen update the cancellation read looks (clock skew between runs)
CANCEL_WINDOW = timedelta(days=1)
#: without a cursor (first run), cancellations this recent are read
FIRST_RUN_WINDOW = timedelta(days=2)


class IkcKeys(AuthStrategy):
    """The A1/A2 keys: no HTTP headers; they travel inside every envelope."""

    def values(self) -> dict[str, str]:
        return {"A1": self.require("a1"), "A2": self.require("a2")}


def _when(text: Any) -> datetime | None:
    """IKC's ``yyyy-mm-dd HH:MM:SS`` (Brasília time; ISO with ``T`` or an offset is accepted too)."""
    if text in (None, ""):
        return None
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=BRT)
    try:
        when = datetime.fromisoformat(str(text).strip().replace(" ", "T", 1))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=BRT)


def _iso(text: Any) -> str | None:
    when = _when(text)
    return when.isoformat() if when else None


def _rows(result: dict[str, Any], item: str) -> list[dict[str, Any]]:
    return list(((result.get("Lista") or {}).get(item)) or [])


class RakutenConnector(RakutenCatalogMixin, SoapConnector):
    """Rakuten IKCWebservice (keys A1/A2 placed where the WSDL says; store code ``loja``).

    Publishing (``docs/publishing.md``) is :mod:`kit.connectors.rakuten_catalog`.
    """

    services = SERVICES
    required_services = SYNC_SERVICES
    # Publishing: produto.Salvar + sku.Salvar create and change listings (generated clients, 🟡 secondary).
    publish_create = True
    publish_update = True
    # Brand is not required: no operation carries it (said per SKU). The price creates a product or SKU only;
    # an existing one keeps the store's. No title limit is documented.
    publish_required = ("title", "channel_category", "weight_kg", "height_cm", "width_cm", "length_cm", "price")

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        try:
            self.loja = int(self.settings.get("loja") or 0)
            minimum = self.settings.get("qtd_minima")
            self.fixed_minimum = int(minimum) if minimum not in (None, "") else None
        except ValueError:
            raise ConfigurationError(
                "o código da loja Rakuten (loja) e qtd_minima precisam ser números inteiros",
                channel=self.channel.name,
                hint=f"rode 'kit channels set {self.channel.name} settings.loja=<código da loja>' (0 = a loja das chaves)",
            ) from None
        self._placement: dict[tuple[str, str], str | None] = {}

    def make_auth(self) -> AuthStrategy:
        return IkcKeys()

    # -- calls ---------------------------------------------------------------------------------
    def key_placement(self, service: str, name: str) -> str | None:
        """Where the WSDL wants A1/A2 for this operation: a header element's name, or ``None`` (body)."""
        key = (service, name)
        if key not in self._placement:
            op = self.operation(service, name)
            body = {n for n, _ in op.input.body.type.elements}
            header = op.input.header
            found: str | None | bool = None if {"A1", "A2"} <= body else False
            for hname, element in header.type.elements if (found is False and header is not None) else ():
                if {"A1", "A2"} <= {n for n, _ in element.type.elements}:
                    found = hname
            if found is False:
                raise ContractUnavailable(f"o WSDL de {service}.{name} não tem lugar para as chaves A1/A2",
                                          channel=self.channel.name)  # fmt: skip
            self._placement[key] = found  # type: ignore[assignment]
        return self._placement[key]

    def ikc(self, service: str, name: str, params: dict[str, Any], *, family: str = "write") -> dict[str, Any]:
        """One IKC call with the store code and the keys; the ``clsRetorno…`` result as a dict."""
        assert isinstance(self.auth, IkcKeys)
        keys = self.auth.values()
        header = self.key_placement(service, name)
        args = {"LojaCodigo": self.loja, **params}
        if header is None:
            return self.call(service, name, {**args, **keys}, family=family)
        return self.call(service, name, args, family=family, _soapheaders={header: keys})

    def _checked(self, result: dict[str, Any], what: str) -> dict[str, Any]:
        refused = self._refusal(result, what)
        if refused:
            raise ChannelFatalError(refused, channel=self.channel.name)
        return result

    @staticmethod
    def _refusal(result: dict[str, Any], what: str) -> str | None:
        if result.get("Codigo") == OK:
            return None
        return f"{what} recusado (Codigo {result.get('Codigo')}): {result.get('Descricao') or 'sem descrição'}"

    def check_connection(self) -> dict[str, Any]:
        # Any Codigo proves the keys were accepted (a wrong key is a SOAP fault); nothing changes.
        self.ikc("estoque", "Retornar", {"CodigoProdutoInterno": "", "PartNumber": "kit-teste-de-conexao"},
                 family="read")  # fmt: skip
        return {"loja": self.loja, "contract": self.source.kind}

    # -- catalogue ---------------------------------------------------------------------------------
    def list_listings(self):
        """``sku.Listar`` (one call, no paging in the documented operation); it carries no stock.

        The PartNumber is the SKU's key in every IKC call, so it is the listing's channel id too.
        """
        result = self.ikc("sku", "Listar", {"CodigoInternoProduto": "", "PartNumber": "", "StatusSKU": ANY},
                          family="read")  # fmt: skip
        rows = [
            {"channel_id": r.get("PartNumber"), "variation_id": None, "sku": r.get("PartNumber"), "ean": r.get("EAN"),
             "title": r.get("Descricao"), "price": r.get("PrecoPor"), "stock": None,
             "status": r.get("ProdutoCaracteristicaStatus")}
            for r in _rows(self._checked(result, "sku.Listar"), "clsProdutoCaracteristica")
        ]  # fmt: skip
        return self.listings_frame(rows)

    def stock_of(self, sku: str) -> tuple[int, int] | None:
        """``estoque.Retornar``: (quantity, minimum) of one SKU, ``None`` when the store does not know it."""
        result = self.ikc("estoque", "Retornar", {"CodigoProdutoInterno": "", "PartNumber": sku}, family="read")
        rows = _rows(result, "clsEstoque") if result.get("Codigo") == OK else []
        return (int(rows[0]["Qtde"]), int(rows[0]["QtdeMinimo"])) if rows else None

    def update_stock(self, items: Sequence[StockItem]) -> WriteResult:
        """``estoque.Salvar`` per item, ``TipoAlteracao`` 3 (replace), keeping the store's ``QtdMinima``.

        ``QtdMinima`` is required by the operation: the store's current value is
        read first (``estoque.Retornar``) so a stock push never resets it,
        unless the channel's ``qtd_minima`` setting fixes a value.
        """

        def send(group: list[StockItem]) -> dict[int, str] | None:
            item = group[0]
            minimum = self.fixed_minimum
            if minimum is None:
                current = self.stock_of(item.sku)
                if current is None:
                    return {0: f"o PartNumber {item.sku} não está na loja Rakuten (estoque.Retornar)"}
                minimum = current[1]
            result = self.ikc("estoque", "Salvar", {
                "CodigoProdutoInterno": "", "PartNumber": item.sku,
                "QtdEstoque": max(0, int(item.quantity)), "QtdMinima": minimum, "TipoAlteracao": STOCK_REPLACE})  # fmt: skip
            refused = self._refusal(result, "estoque.Salvar")
            return {0: refused} if refused else None

        return self.run_writes(items, send, what="stock")

    def update_prices(self, items: Sequence[PriceItem]) -> WriteResult:
        """``sku.AlterarPreco(PartNumber, PrecoPor)`` per item (the operation has no list price)."""

        def send(group: list[PriceItem]) -> dict[int, str] | None:
            item = group[0]
            params = {"PartNumber": item.sku, "PrecoPor": round(float(item.price), 2)}
            refused = self._refusal(self.ikc("sku", "AlterarPreco", params), "sku.AlterarPreco")
            return {0: refused} if refused else None

        return self.run_writes(items, send, what="prices")

    # -- orders -----------------------------------------------------------------------------------
    def _list(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        result = self.ikc("pedido", name, {"StatusInternoPedido": "", **params}, family="orders_read")
        return _rows(self._checked(result, f"pedido.{name}"), "clsPedido")

    def fetch_orders(self, since: str | None = None, cursor: str | None = None) -> OrdersPage:
        """New orders (``ListarNovos``, a queue) and orders cancelled since the last run (``Listar`` status 5)."""
        fresh = [self.normalize_order(r, ack=True) for r in self._list("ListarNovos", {"StatusPedido": ANY})]
        seen = {o.order_id for o in fresh}
        start = _when(since)
        start = start - CANCEL_WINDOW if start else datetime.now(BRT) - FIRST_RUN_WINDOW
        cancelled = [
            self.normalize_order(r)
            for r in self._list("Listar", {"CodigoPedido": ANY, "StatusPedido": STATUS_CANCELLED})
            if str(r.get("PedidoCodigo")) not in seen and (_when(r.get("DataAtualizacao")) or start) >= start
        ]
        return OrdersPage(fresh + cancelled, None, has_more=False)

    def get_order(self, order_id: str) -> Order:
        orders = self._list("Listar", {"CodigoPedido": int(order_id), "StatusPedido": ANY})
        if not orders:
            raise ChannelFatalError(f"pedido Rakuten {order_id} não encontrado", channel=self.channel.name)
        return self.normalize_order(orders[0])

    def normalize_order(self, raw: dict[str, Any], *, ack: bool = False) -> Order:
        """A ``clsPedido`` (documented fields) as the kit's :class:`Order`."""
        items = ((raw.get("Itens") or {}).get("Item")) or []
        carrier = raw.get("Carrier") or {}
        name = " ".join(p for p in (raw.get("Nome"), raw.get("Sobrenome")) if p) or raw.get("RazaoSocial")
        return Order(
            order_id=str(raw.get("PedidoCodigo")),
            channel=self.channel.name,
            status_raw=str(raw.get("PedidoStatus")),
            created_at=_iso(raw.get("Data")),
            updated_at=_iso(raw.get("DataAtualizacao")),
            items=[
                OrderItem(sku=code(i.get("ItemPartNumber")) or code(i.get("CodigoInterno")), quantity=int(i.get("ItemQtde") or 0),
                          unit_price=price(i.get("ItemValor")), title=str(i.get("ItemNome") or ""),
                          channel_item_id=str(i.get("ItemCodigo")))
                for i in items
            ],  # fmt: skip
            carrier_raw=carrier.get("Name"),
            service_raw=carrier.get("Description"),
            payment_raw=str(raw["FormaPgto"]) if raw.get("FormaPgto") is not None else None,
            total=float(raw["ValorTotal"]) if raw.get("ValorTotal") is not None else None,
            buyer={"name": name, "document": raw.get("CPF") or raw.get("CNPJ"), "email": raw.get("Email")},
            shipping_address={"street": raw.get("Logradouro"), "number": raw.get("Numero"),
                              "city": raw.get("Cidade"), "state": raw.get("Estado"), "zipcode": raw.get("CEP")},
            ack_token=str(raw.get("PedidoCodigo")) if ack else None,
            raw=raw,
        )  # fmt: skip

    def ack_orders(self, orders: Sequence[Order]) -> int:
        """``pedido.Validar(CodigoPedido, CodigoInternoPedido="KIT-<code>")`` for each new order."""
        done = 0
        for order in orders:
            if not order.ack_token:
                continue  # a cancellation read by Listar: nothing to validate
            params = {"CodigoPedido": int(order.ack_token), "CodigoInternoPedido": f"KIT-{order.ack_token}"}
            self._checked(self.ikc("pedido", "Validar", params), "pedido.Validar")
            done += 1
        return done

    def _alter_status(self, order: Order, status: int, *, tracking: str, number: str, series: str) -> dict[str, Any]:
        try:
            invoice = int(number or 0)
        except ValueError:
            raise ConfigurationError(f"a Rakuten só aceita número de NF-e numérico, veio {number!r}",
                                     channel=self.channel.name) from None  # fmt: skip
        raw = order.raw
        params = {
            "CodigoPedido": int(order.order_id), "CodigoInternoPedido": raw.get("PedidoCodigoInterno") or "",
            "PedidoStatus": status, "StatusInternoPedido": raw.get("PedidoStatusInterno") or "",
            "ObjetoSedex": tracking, "NotaFiscal": invoice, "Serie": series,
        }  # fmt: skip
        result = self._checked(self.ikc("pedido", "AlterarStatus", params), "pedido.AlterarStatus")
        return {"Codigo": result.get("Codigo"), "Descricao": result.get("Descricao")}

    def send_invoice(self, order: Order | str, invoice: Invoice) -> dict[str, Any]:
        """``AlterarStatus`` with ``NotaFiscal``/``Serie``, status unchanged: IKC has no NF-e key parameter."""
        current = self.get_order(order.order_id if isinstance(order, Order) else str(order))
        tracking = invoice.shipment.code if invoice.shipment else (current.raw.get("Sedex") or "")
        answer = self._alter_status(current, int(current.status_raw), tracking=tracking, number=invoice.number,
                                    series=invoice.series or "")  # fmt: skip
        return {**answer, "nfe_key_sent": False}

    def send_tracking(self, order: Order | str, shipment: Shipment) -> dict[str, Any]:
        """``AlterarStatus`` to 17 (Despachado) with ``ObjetoSedex``, keeping the NF-e number already recorded."""
        current = self.get_order(order.order_id if isinstance(order, Order) else str(order))
        number = shipment.invoice_number or current.raw.get("NumeroNF") or "0"
        return self._alter_status(current, STATUS_SHIPPED, tracking=shipment.code, number=str(number),
                                  series=current.raw.get("SerieNF") or "")  # fmt: skip

    # -- value lists ------------------------------------------------------------------------------
    def value_lists(self) -> dict[str, Any]:
        """Statuses (annex 3); carriers and payment codes from ``pedido.Listar`` (all orders); the category tree."""
        orders = [self.normalize_order(r) for r in self._list("Listar", {"CodigoPedido": ANY, "StatusPedido": ANY})]
        try:
            catalog = {kind: value_list_frame(kind, rows) for kind, rows in self.catalog_value_lists().items()}
        except KitError as exc:  # a store without categoria.asmx still has its order lists
            log.warning("%s: category list not read: %s", self.channel.name, exc.message)
            catalog = {}
        return {
            **catalog,
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
