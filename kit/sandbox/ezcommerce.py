"""EZ Commerce sandbox (SOAP/WCF): ``catalogows.svc`` stock and prices, ``pedidows.svc`` orders queue.

Shapes as the connector infers them (``../shared/channel-apis.md`` section 10,
a generated PHP client): HTTP Basic (IIS answers 401 to wrong credentials),
``SalvarEstoqueLst``/``SalvarPrecoLst`` answering a ``RespostaProcessamento``
with one entry per item, ``PedidosDisponiveis``/``PedidosAtualizados`` that
keep returning an order until its ``Protocolo`` is confirmed, status and
package updates. Field names are the kit's inference (``docs/channels.md``).
"""

from __future__ import annotations

import base64
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from kit.connectors.model import LISTING_COLUMNS
from kit.connectors.soap import SoapArray, child, children, leaf_dict
from kit.sample import channel_values
from kit.sandbox import register_sandbox
from kit.sandbox.base import Reply, Request
from kit.sandbox.soap import Fault, SoapSandbox, operation

__all__ = ["EzcommerceSandbox"]

NS = "http://tempuri.org/"
CONTRACTS = {"pedido": "IPedidoWS", "catalogo": "ICatalogoWS"}
MAX_LIST = 500


def _resposta(
    ok: bool, message: str, items: list[tuple[bool, str]] | None = None, protocol: str = ""
) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [
        ("Erros", SoapArray("string", [] if ok else [message])),
        ("Mensagem", message),
        ("ObjectId", ""),
        ("Protocolo", protocol),
    ]
    if items is not None:
        out.append(
            (
                "RespostaProcessamentoLst",
                SoapArray(
                    "RespostaProcessamento",
                    [
                        {
                            "Erros": SoapArray("string", [] if good else [msg]),
                            "Mensagem": msg,
                            "Status": "Sucesso" if good else "Erro",
                        }
                        for good, msg in items
                    ],
                ),
            )
        )
    out += [("Resultado", ok), ("Status", "Sucesso" if ok else "Erro"), ("Tipo", ""), ("Valor", "")]
    return out


class EzcommerceSandbox(SoapSandbox):
    """One EZ Commerce store; the catalogue is only written by the ERP (no read operation)."""

    namespace = NS
    services = {"/pedidows.svc": "pedido", "/catalogows.svc": "catalogo"}

    def soap_action(self, service: str, name: str) -> str:
        return f"{NS}{CONTRACTS[service]}/{name}"

    def default_credentials(self) -> dict[str, str]:
        return {"login": f"erp-sandbox-{self.seed:04d}", "password": f"sbxEZpass{self.seed:04d}!"}

    def seed_data(self, catalog: list[dict[str, Any]], orders: Any) -> None:
        products = {
            str(p["sku"]): {
                "sku": str(p["sku"]),
                "ean": str(p.get("ean") or ""),
                "title": p["title"],
                "stock": int(p.get("stock") or 0),
                "price": float(p.get("price") or 0),
                "list_price": round(float(p.get("price") or 0) * 1.1, 2),
            }
            for p in catalog
        }
        self.state.data.update(
            products=products, orders={}, confirmed=set(), updated=set(), status_calls=[], packages=[]
        )
        self.seed_orders(orders)

    def listings_frame(self):
        """What the store holds, in the listing columns (tests; the API has no such read)."""
        import pandas as pd

        with self.state.lock:
            rows = [
                {"channel_id": None, "variation_id": None, "sku": p["sku"], "ean": p["ean"], "title": p["title"],
                 "price": p["price"], "stock": p["stock"], "status": "active"}
                for p in self.state.data["products"].values()
            ]  # fmt: skip
        return pd.DataFrame(rows, columns=LISTING_COLUMNS)

    def links(self) -> list[tuple[str, str | None, str | None]]:
        return [(sku, None, None) for sku in self.state.data["products"]]

    def stock_levels(self) -> dict[str, float]:
        return {sku: p["stock"] for sku, p in self.state.data["products"].items()}

    def make_order(self) -> dict[str, Any]:
        rng = self.rng
        values = channel_values("ezcommerce")
        (carrier, service), _ = rng.choice(values["carrier_service"])
        payment, _ = rng.choice(values["payment_method"])
        status, _ = rng.choice(values["order_status"])
        n = len(self.state.data["orders"])
        number = f"EZ{700000 + n + 1}"
        placed = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=30, minutes=-3 * n)
        items = []
        for sku in rng.sample(sorted(self.state.data["products"]), k=min(2, len(self.state.data["products"]))):
            p = self.state.data["products"][sku]
            items.append({"Sku": sku, "Nome": p["title"], "Quantidade": rng.randint(1, 3), "ValorUnitario": p["price"]})
        return {
            "NumeroPedido": number,
            "Protocolo": str(uuid.UUID(int=self.rng.getrandbits(128))),
            "DataPedido": placed.strftime("%Y-%m-%dT%H:%M:%S"),
            "DataAtualizacao": (placed + timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%S"),
            "Status": status,
            "ValorTotal": round(sum(i["ValorUnitario"] * i["Quantidade"] for i in items) + 14.9, 2),
            "FormaPagamento": payment,
            "Transportadora": carrier,
            "ServicoEntrega": service,
            "Cliente": {
                "Nome": f"Cliente {number}",
                "Email": f"{number.lower()}@example.com",
                "Documento": "12345678909",
            },
            "Itens": items,
        }

    def add_order(self, order: dict[str, Any]) -> None:
        with self.state.lock:
            self.state.data["orders"][order["NumeroPedido"]] = order

    def waiting(self) -> list[str]:
        """Order numbers still returned by ``PedidosDisponiveis``."""
        with self.state.lock:
            return [
                n for n, o in self.state.data["orders"].items() if o["Protocolo"] not in self.state.data["confirmed"]
            ]

    # -- behaviour -----------------------------------------------------------------------------
    def check_soap_auth(self, req: Request, header: ET.Element | None) -> Reply | None:
        expected = base64.b64encode(f"{self.credentials['login']}:{self.credentials['password']}".encode()).decode()
        if req.header("Authorization") != f"Basic {expected}":
            return Reply(
                401,
                "<html><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1></body></html>",
                {"WWW-Authenticate": 'Basic realm="services03.ezcommerce.com.br"'},
                "text/html",
            )
        return None

    def _rows(self, op: ET.Element, param: str, item: str) -> list[dict[str, str | None]]:
        rows = [leaf_dict(el) for el in children(child(op, param)) if el.tag == item]
        if not rows:
            raise Fault(f"{param} must hold at least one {item}")
        if len(rows) > MAX_LIST:
            raise Fault(f"{param} holds more than {MAX_LIST} items")
        return rows

    @operation("catalogo", "SalvarEstoqueLst")
    def salvar_estoque_lst(self, op: ET.Element, req: Request) -> Any:
        results = []
        with self.state.lock:
            for row in self._rows(op, "arrEstoque", "Estoque"):
                product = self.state.data["products"].get(row.get("Sku") or "")
                try:
                    qty = int(row.get("Quantidade") or "")
                except ValueError:
                    results.append((False, "Quantidade inválida"))
                    continue
                if product is None:
                    results.append((False, f"Produto {row.get('Sku')} não encontrado"))
                elif qty < 0:
                    results.append((False, "Quantidade não pode ser negativa"))
                else:
                    product["stock"] = qty
                    results.append((True, "Estoque salvo"))
        ok = all(good for good, _ in results)
        return _resposta(ok, "Processado" if ok else "Processado com erros", results)

    @operation("catalogo", "SalvarPrecoLst")
    def salvar_preco_lst(self, op: ET.Element, req: Request) -> Any:
        results = []
        with self.state.lock:
            for row in self._rows(op, "arrPreco", "Preco"):
                product = self.state.data["products"].get(row.get("Sku") or "")
                try:
                    de, por = float(row.get("PrecoDe") or ""), float(row.get("PrecoPor") or "")
                except ValueError:
                    results.append((False, "Preço inválido"))
                    continue
                if product is None:
                    results.append((False, f"Produto {row.get('Sku')} não encontrado"))
                elif por <= 0 or por > de:
                    results.append((False, "PrecoPor deve ser positivo e não maior que PrecoDe"))
                else:
                    product.update(price=por, list_price=de)
                    results.append((True, "Preço salvo"))
        ok = all(good for good, _ in results)
        return _resposta(ok, "Processado" if ok else "Processado com erros", results)

    @staticmethod
    def _order_xml(order: dict[str, Any]) -> dict[str, Any]:
        return {
            **{k: v for k, v in order.items() if k not in ("Cliente", "Itens")},
            "Cliente": order["Cliente"],
            "Itens": SoapArray("PedidoItem", order["Itens"]),
        }

    @operation("pedido", "PedidosDisponiveis")
    def pedidos_disponiveis(self, op: ET.Element, req: Request) -> Any:
        with self.state.lock:
            rows = [
                self._order_xml(o)
                for o in self.state.data["orders"].values()
                if o["Protocolo"] not in self.state.data["confirmed"]
            ]
        return SoapArray("Pedido", rows)

    @operation("pedido", "PedidosAtualizados")
    def pedidos_atualizados(self, op: ET.Element, req: Request) -> Any:
        with self.state.lock:
            rows = [self._order_xml(self.state.data["orders"][n]) for n in sorted(self.state.data["updated"])]
        return SoapArray("Pedido", rows)

    def _confirm(self, op: ET.Element, updated: bool) -> Any:
        protocols = [el.text or "" for el in children(child(op, "arrProtocolo"))]
        if not protocols:
            raise Fault("arrProtocolo must hold at least one string")
        with self.state.lock:
            known = {o["Protocolo"]: n for n, o in self.state.data["orders"].items()}
            results = []
            for protocol in protocols:
                if protocol not in known:
                    results.append((False, f"Protocolo {protocol} não encontrado"))
                    continue
                if updated:
                    self.state.data["updated"].discard(known[protocol])
                else:
                    self.state.data["confirmed"].add(protocol)
                results.append((True, "Recebimento confirmado"))
        ok = all(good for good, _ in results)
        return _resposta(ok, "Processado" if ok else "Processado com erros", results)

    @operation("pedido", "ConfirmaRecebimentoPedidoLst")
    def confirma_lst(self, op: ET.Element, req: Request) -> Any:
        return self._confirm(op, updated=False)

    @operation("pedido", "ConfirmaRecebimentoPedidoAtualizadoLst")
    def confirma_atualizado_lst(self, op: ET.Element, req: Request) -> Any:
        return self._confirm(op, updated=True)

    def _change(self, number: str | None, status: str | None, record: dict[str, Any], kind: str) -> Any:
        with self.state.lock:
            order = self.state.data["orders"].get(number or "")
            if order is None:
                return _resposta(False, f"Pedido {number} não encontrado")
            if status not in {raw for raw, _ in channel_values("ezcommerce")["order_status"]}:
                return _resposta(False, f"Status {status} inválido")
            order["Status"] = status
            order["DataAtualizacao"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self.state.data["status_calls" if kind == "status" else "packages"].append(record)
        return _resposta(True, "Status atualizado", protocol=str(uuid.uuid4()))

    @operation("pedido", "AtualizarStatusPedido")
    def atualizar_status_pedido(self, op: ET.Element, req: Request) -> Any:
        fields = leaf_dict(child(op, "pedido"))
        if fields.get("Status") == "Faturado" and len(fields.get("ChaveNotaFiscal") or "") != 44:
            return _resposta(False, "ChaveNotaFiscal deve ter 44 dígitos")
        return self._change(fields.get("NumeroPedido"), fields.get("Status"), fields, "status")

    @operation("pedido", "AtualizarStatusPacotePorObjeto")
    def atualizar_pacote(self, op: ET.Element, req: Request) -> Any:
        fields = leaf_dict(child(op, "objeto"))
        if not fields.get("CodigoObjeto"):
            return _resposta(False, "CodigoObjeto é obrigatório")
        return self._change(fields.get("NumeroPedido"), fields.get("Status"), fields, "package")


register_sandbox("ezcommerce", EzcommerceSandbox)
