"""Rakuten IKCWebservice sandbox (SOAP 1.1): sku, estoque and pedido services of one store.

Shapes as the connector infers them (``../shared/channel-apis.md`` section 8,
generated ERP client code): keys A1/A2 in ``clsSoapHeader`` (wrong keys: a
``soap:Client`` fault "Chave de acesso inválida"), results
``clsRetorno...{Codigo (1 = ok), Descricao, Lista}``, ``ListarNovos`` listing
the orders not yet validated, ``Validar`` taking them out of it, and
``AlterarStatus``. Field names inside lists are the kit's inference (see
``docs/channels.md``).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from kit.connectors.soap import SoapArray, child, text
from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import Request
from kit.sandbox.soap import Fault, SoapSandbox, operation

__all__ = ["RakutenSandbox", "LOJA"]

NS = "http://www.ikeda.com.br"
LOJA = "1234"
OK, NOT_FOUND, INVALID = 1, 2, 3


def _ret(code: int, message: str, items: SoapArray | None = None) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [("Codigo", code), ("Descricao", message)]
    if items is not None:
        out.append(("Lista", items))
    return out


def _int(op: ET.Element, name: str) -> int:
    try:
        return int(text(op, name) or "")
    except ValueError:
        raise Fault(f"Server was unable to read request: {name} must be an integer") from None


class RakutenSandbox(SoapSandbox):
    """One IKC store (``LojaCodigo`` 1234) with SKUs, stock and orders."""

    namespace = NS
    services = {f"/ikcwebservice/{s}.asmx": s for s in ("produto", "sku", "estoque", "pedido", "tabelapreco")}

    def default_credentials(self) -> dict[str, str]:
        return {"a1": str(uuid.UUID(int=self.seed + 1)).upper(), "a2": str(uuid.UUID(int=self.seed + 2)).upper()}

    def channel_settings(self) -> dict[str, str]:
        return {"loja": LOJA}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        skus = {
            str(p["sku"]): {
                "PartNumber": str(p["sku"]),
                "CodigoProdutoInterno": f"P{n:06d}",
                "Nome": p["title"],
                "EAN": str(p.get("ean") or ""),
                "PrecoDe": round(float(p.get("price") or 0) * 1.1, 2),
                "PrecoPor": float(p.get("price") or 0),
                "QtdEstoque": int(p.get("stock") or 0),
                "Status": "Ativo" if p.get("active", True) else "Inativo",
            }
            for n, p in enumerate(catalog)
        }
        self.state.data.update(skus=skus, orders={}, validated={}, status_changes=[])
        self.seed_orders(orders)

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, s["CodigoProdutoInterno"], None) for sku, s in self.state.data["skus"].items()]

    def stock_levels(self) -> dict[str, float]:
        return {sku: s["QtdEstoque"] for sku, s in self.state.data["skus"].items()}

    def make_order(self) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("rakuten")
        (carrier, service), _ = rng.choice(values["carrier_service"])
        payment, _ = rng.choice(values["payment_method"])
        status, _ = rng.choice(values["order_status"])
        n = len(self.state.data["orders"])
        code = 300000 + n + 1
        placed = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1, minutes=-5 * n)
        items = []
        for sku in rng.sample(sorted(self.state.data["skus"]), k=min(2, len(self.state.data["skus"]))):
            s = self.state.data["skus"][sku]
            items.append(
                {
                    "ItemPartNumber": sku,
                    "ItemNome": s["Nome"],
                    "ItemQtde": rng.randint(1, 3),
                    "ItemValor": s["PrecoPor"],
                }
            )
        return {
            "Codigo": code,
            "CodigoInterno": "",
            "Data": placed.strftime("%Y-%m-%dT%H:%M:%S"),
            "DataAtualizacao": (placed + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S"),
            "Status": int(status),
            "ValorTotal": round(sum(i["ItemValor"] * i["ItemQtde"] for i in items) + 9.9, 2),
            "ValorFrete": 9.9,
            "FormaPagamento": payment,
            "Transportadora": carrier,
            "FormaEnvio": service,
            "ObjetoSedex": "",
            "NotaFiscal": 0,
            "Serie": "",
            "Cliente": {"Nome": f"Cliente {code}", "Email": f"c{code}@example.com", "CPF": "12345678909"},
            "Itens": items,
        }

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][order["Codigo"]] = order

    def new_orders(self) -> list[int]:
        with self.state.lock:
            return [c for c in self.state.data["orders"] if c not in self.state.data["validated"]]

    # -- behaviour ---------------------------------------------------------------------------
    def check_soap_auth(self, req: Request, header: ET.Element | None) -> Fault | None:
        keys = child(header, "clsSoapHeader")
        given = (text(keys, "A1"), text(keys, "A2"))
        if given != (self.credentials["a1"], self.credentials["a2"]):
            return Fault("Chave de acesso inválida (A1/A2)", code="soap:Client")
        return None

    def _loja(self, op: ET.Element) -> None:
        if str(_int(op, "LojaCodigo")) != LOJA:
            raise Fault(f"Loja {text(op, 'LojaCodigo')} não encontrada")

    @staticmethod
    def _order_xml(order: dict[str, Any]) -> dict[str, Any]:
        return {
            **{k: v for k, v in order.items() if k not in ("Cliente", "Itens")},
            "Cliente": order["Cliente"],
            "Itens": SoapArray("clsItemPedido", order["Itens"]),
        }

    @operation("sku", "Listar")
    def sku_listar(self, op: ET.Element, req: Request) -> Any:
        self._loja(op)
        page, size = _int(op, "Pagina"), min(_int(op, "RegistrosPorPagina"), 100)
        if page < 1 or size < 1:
            return _ret(INVALID, "Pagina e RegistrosPorPagina devem ser positivos")
        wanted = text(op, "PartNumber") or ""
        with self.state.lock:
            rows = [
                dict(self.state.data["skus"][k]) for k in sorted(self.state.data["skus"]) if not wanted or k == wanted
            ]
        return _ret(OK, "OK", SoapArray("clsSku", rows[(page - 1) * size : page * size]))

    @operation("sku", "AlterarPreco")
    def sku_alterar_preco(self, op: ET.Element, req: Request) -> Any:
        self._loja(op)
        try:
            price = float(text(op, "PrecoPor") or "")
        except ValueError:
            raise Fault("Server was unable to read request: PrecoPor must be a decimal") from None
        with self.state.lock:
            sku = self.state.data["skus"].get(text(op, "PartNumber") or "")
            if sku is None:
                return _ret(NOT_FOUND, f"PartNumber {text(op, 'PartNumber')} não encontrado")
            if price <= 0:
                return _ret(INVALID, "PrecoPor deve ser maior que zero")
            sku["PrecoPor"] = price
            sku["PrecoDe"] = max(sku["PrecoDe"], price)
        return _ret(OK, "Preço alterado")

    @operation("estoque", "Salvar")
    def estoque_salvar(self, op: ET.Element, req: Request) -> Any:
        self._loja(op)
        qty, kind = _int(op, "QtdEstoque"), _int(op, "TipoAlteracao")
        _int(op, "QtdMinima")
        with self.state.lock:
            sku = self.state.data["skus"].get(text(op, "PartNumber") or "")
            if sku is None:
                return _ret(NOT_FOUND, f"PartNumber {text(op, 'PartNumber')} não encontrado")
            if kind == 1:
                sku["QtdEstoque"] = qty
            elif kind == 2:
                sku["QtdEstoque"] += qty
            elif kind == 3:
                sku["QtdEstoque"] = max(0, sku["QtdEstoque"] - qty)
            else:
                return _ret(INVALID, "TipoAlteracao inválido")
            if sku["QtdEstoque"] < 0:
                return _ret(INVALID, "QtdEstoque inválida")
        return _ret(OK, "Estoque salvo")

    @operation("estoque", "Retornar")
    def estoque_retornar(self, op: ET.Element, req: Request) -> Any:
        self._loja(op)
        sku = self.state.data["skus"].get(text(op, "PartNumber") or "")
        if sku is None:
            return _ret(NOT_FOUND, "PartNumber não encontrado")
        return _ret(
            OK, "OK", SoapArray("clsEstoque", [{"PartNumber": sku["PartNumber"], "QtdEstoque": sku["QtdEstoque"]}])
        )

    @operation("pedido", "ListarNovos")
    def pedido_listar_novos(self, op: ET.Element, req: Request) -> Any:
        self._loja(op)
        status = _int(op, "StatusPedido")
        with self.state.lock:
            rows = [
                self._order_xml(self.state.data["orders"][c])
                for c in sorted(self.state.data["orders"])
                if c not in self.state.data["validated"]
                and (not status or self.state.data["orders"][c]["Status"] == status)
            ]
        return _ret(OK, "OK", SoapArray("clsPedido", rows))

    @operation("pedido", "Listar")
    def pedido_listar(self, op: ET.Element, req: Request) -> Any:
        self._loja(op)
        code, status = _int(op, "CodigoPedido"), _int(op, "StatusPedido")
        with self.state.lock:
            rows = [
                self._order_xml(o)
                for c, o in sorted(self.state.data["orders"].items())
                if (not code or c == code) and (not status or o["Status"] == status)
            ]
        return _ret(OK, "OK", SoapArray("clsPedido", rows))

    @operation("pedido", "Validar")
    def pedido_validar(self, op: ET.Element, req: Request) -> Any:
        self._loja(op)
        code = _int(op, "CodigoPedido")
        with self.state.lock:
            order = self.state.data["orders"].get(code)
            if order is None:
                return _ret(NOT_FOUND, f"Pedido {code} não encontrado")
            order["CodigoInterno"] = text(op, "CodigoInternoPedido") or ""
            self.state.data["validated"][code] = order["CodigoInterno"]
        return _ret(OK, "Pedido validado")

    @operation("pedido", "AlterarStatus")
    def pedido_alterar_status(self, op: ET.Element, req: Request) -> Any:
        self._loja(op)
        code, status = _int(op, "CodigoPedido"), _int(op, "PedidoStatus")
        invoice = _int(op, "NotaFiscal")
        with self.state.lock:
            order = self.state.data["orders"].get(code)
            if order is None:
                return _ret(NOT_FOUND, f"Pedido {code} não encontrado")
            if str(status) not in {raw for raw, _ in channel_values("rakuten")["order_status"]}:
                return _ret(INVALID, f"PedidoStatus {status} inválido")
            order.update(
                Status=status,
                ObjetoSedex=text(op, "ObjetoSedex") or order["ObjetoSedex"],
                NotaFiscal=invoice or order["NotaFiscal"],
            )
            order["Serie"] = text(op, "Serie") or order["Serie"]
            self.state.data["status_changes"].append((code, status))
        return _ret(OK, "Status alterado")


register_sandbox("rakuten", RakutenSandbox)
