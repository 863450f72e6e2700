"""EZ Commerce sandbox, catalogue part: ``SalvarProduto`` of ``catalogows.svc``.

Written from the documents, not from the connector: the PHP client generated
in 2015 (WsdlToPhp) from ``services03.ezcommerce.com.br/catalogows.svc?wsdl``
gives the operation ``SalvarProduto(produto: Produto) -> RespostaProcessamento``
and every member of the ``Produto`` data contract (WCF: alphabetical, all
optional). Members whose type is an enum with values nobody published
(``Classificacao``, ``PrevalecerPreco``, ``Tipo``, ``TipoDisponibilidade``,
``TipoReposicao``) and the nested lists ``Associacoes`` / ``CamposExtendidos``
are left out of the sandbox's contract (refused if sent).

The catalogue service has **no read** (only ``Salvar*`` / ``Excluir*`` and menu
operations), and ``Produto`` carries **no store id**: ``CodigoIntegracao`` (the
ERP's code) is its only key, the one ``Estoque``, ``Preco`` and ``PedidoItem``
use too. So, inferred from the contract:

* ``SalvarProduto`` saves by ``CodigoIntegracao`` (a known code is replaced,
  never duplicated);
* the worst plausible case of a WCF data contract: a member left out is
  deserialised as its default, so the saved record is **replaced whole**
  (an omitted ``Preco`` or ``EstoqueAtual`` becomes 0, an omitted text empty);
* refusals (``Status`` "Erro" with ``Erros``): no ``CodigoIntegracao`` or
  ``Nome``; ``SiteCategoriaPrincipal`` not a category of the store (ids are the
  store's, from its admin); a ``MarcaID`` the store does not have;
  ``Peso``/``Altura``/``Largura``/``Profundidade`` not above zero (freight);
  ``Preco`` not above zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kit.sandbox.base import Request
from kit.sandbox.soap import Complex, Field, Operation, operation

__all__ = ["CATALOG_TYPES", "CATALOG_OPERATIONS", "EzcommerceCatalog", "seed_catalog", "MEASURES"]

MEASURES = ("Peso", "Altura", "Largura", "Profundidade")
_STRINGS = ("ArremateCodigos", "CodigoIntegracao", "Conteudo", "DescricaoCurta", "DescricaoLonga", "EstoqueMinimoFrase",
            "MercadoLivreCodigos", "MetaDescription", "MetaKeywords", "MetaTitle", "Modelo", "Nome",
            "PalavrasParaPesquisa", "Referencia", "TermoDeAceitacao", "TituloSubVariacao", "TituloVariacao",
            "TodoOfertaCodigos", "Video")  # fmt: skip
_TYPED = {
    "Altura": "double", "AssociacaoID": "int", "Ativo": "boolean", "Custo": "decimal", "DataEntrada": "dateTime",
    "DataSaida": "dateTime", "DisponibilidadeEmEstoque": "int", "DisponibilidadeSemEstoque": "int",
    "EstoqueAtual": "int", "EstoqueMinimo": "int", "ExibirDisponibilidade": "boolean", "FornecedorID": "int",
    "FreteGratis": "boolean", "Largura": "double", "MarcaID": "int", "NumeroMaximoParcelas": "int", "Ordem": "int",
    "Peso": "double", "PesoCubico": "double", "Pontos": "int", "PreVenda": "boolean", "PreVendaData": "dateTime",
    "PreVendaLimite": "int", "Preco": "decimal", "PrecoPromocional": "decimal", "Presente": "int",
    "PresenteValor": "double", "Profundidade": "double", "Promocao": "boolean", "PromocaoFim": "dateTime",
    "PromocaoInicio": "dateTime", "QuantidadeMaximaPorCliente": "int", "QuantidadeMinimaVenda": "int",
    "SemEntrega": "boolean", "SiteCategoriaAlternativas": "ArrayOfint", "SiteCategoriaPrincipal": "int",
    "Taxa": "decimal", "VendaSemEstoque": "boolean", "VendaSemEstoqueData": "dateTime", "VendaSemEstoqueLimite": "int",
    "VisualizaBusca": "int", "VisualizaLogado": "int", "VisualizaPreco": "int", "VisualizaUrlDireta": "int",
}  # fmt: skip
_VALUE_TYPES = ("int", "decimal", "double", "boolean", "dateTime")


def _member(name: str) -> Field:
    kind = _TYPED.get(name, "string")
    return Field(name, kind, nillable=kind not in _VALUE_TYPES)


CATALOG_TYPES = [
    Complex("ArrayOfint", (Field("int", "int", many=True),)),
    Complex("Produto", tuple(_member(n) for n in sorted((*_STRINGS, *_TYPED)))),
]
CATALOG_OPERATIONS = (Operation("catalogo", "SalvarProduto", (Field("produto", "Produto", nillable=True),),
                                "RespostaProcessamento"),)  # fmt: skip


def seed_catalog(data: dict[str, Any], catalog: list[dict[str, Any]]) -> None:
    """The store's site categories (ids 1..n, the catalogue's category tree) and brands (ids 1..n)."""
    categories: dict[int, dict[str, Any]] = {}
    by_path: dict[str, int] = {}
    for p in catalog:
        parent = None
        parts = [s.strip() for s in str(p.get("category") or "Geral").split(">") if s.strip()]
        for depth in range(1, len(parts) + 1):
            path = " > ".join(parts[:depth])
            if path not in by_path:
                by_path[path] = len(by_path) + 1
                categories[by_path[path]] = {"Nome": parts[depth - 1], "SiteCategoriaPaiId": parent, "path": path}
            parent = by_path[path]
    brands = {n: name for n, name in enumerate(sorted({str(p.get("brand") or "Sem marca") for p in catalog}), 1)}
    data.update(site_categories=categories, brands=brands, records={})


def _refusal(p: dict[str, Any], categories: dict[int, Any], brands: dict[int, str]) -> str | None:
    if not (p.get("CodigoIntegracao") or "").strip():
        return "CodigoIntegracao obrigatório"
    if not (p.get("Nome") or "").strip():
        return "Nome obrigatório"
    if p.get("SiteCategoriaPrincipal") not in categories:
        return f"SiteCategoriaPrincipal {p.get('SiteCategoriaPrincipal')} não é uma categoria da loja"
    alternatives = (p.get("SiteCategoriaAlternativas") or {}).get("int") or []
    if any(c not in categories for c in alternatives):
        return "SiteCategoriaAlternativas tem uma categoria que a loja não tem"
    if p.get("MarcaID") is not None and p["MarcaID"] not in brands:
        return f"MarcaID {p['MarcaID']} não é uma marca da loja"
    missing = [m for m in MEASURES if not p.get(m) or Decimal(p[m]) <= 0]
    if missing:
        return f"{', '.join(missing)} obrigatório(s) e maior(es) que zero (cálculo de frete)"
    if not p.get("Preco") or Decimal(p["Preco"]) <= 0:
        return "Preco obrigatório e maior que zero"
    return None


class EzcommerceCatalog:
    """``SalvarProduto`` of the EZ Commerce sandbox (a mixin of :class:`kit.sandbox.ezcommerce.EzcommerceSandbox`)."""

    state: Any
    resposta: Any

    def listings_by_ref(self) -> dict[str, list[str]]:
        """CodigoIntegracao -> the store's products with it (tests: exactly one listing per SKU)."""
        with self.state.lock:
            return {code: [code] for code in self.state.data["products"]}

    def category_ids(self) -> dict[int, str]:
        """Site category id -> its path ("Casa > Cozinha"), as the store's admin shows them."""
        return {n: c["path"] for n, c in self.state.data["site_categories"].items()}

    @operation("catalogo", "SalvarProduto")
    def salvar_produto(self, p: dict[str, Any], req: Request) -> Any:
        record = p.get("produto") or {}
        with self.state.lock:
            why = _refusal(record, self.state.data["site_categories"], self.state.data["brands"])
            code = (record.get("CodigoIntegracao") or "").strip()
            if why:
                return self.resposta(False, why, object_id=code or None)
            known = code in self.state.data["products"]
            ean = self.state.data["products"].get(code, {}).get("ean", "")
            self.state.data["products"][code] = {  # replaced whole: what was left out is gone
                "sku": code, "ean": ean, "title": record["Nome"], "stock": int(record.get("EstoqueAtual") or 0),
                "price": float(record["Preco"]), "promo": None, "active": bool(record.get("Ativo")),
            }  # fmt: skip
            self.state.data["records"][code] = dict(record)
        return self.resposta(True, "Produto alterado" if known else "Produto incluído", object_id=code)
