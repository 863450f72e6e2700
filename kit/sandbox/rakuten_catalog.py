"""Rakuten IKCWebservice sandbox, catalogue part: ``produto``, ``sku.Salvar``, ``ProdutoCategoria``, ``categoria``.

Written from the documents, not from the connector. Sources (all secondary,
there is no public manual): ADVPL clients generated in 2019 from a store's
``…/ikcwebservice/{produto,sku,categoria,ProdutoCategoria}.asmx?wsdl`` (a
public ERP repository): operation and parameter names, XSD types and
required-ness (``WSSoapValue(..., .T.)``), the ``clsProduto`` /
``clsCategoria`` records and their enums; and that ERP's integration code,
which saves a product with ``produto.Salvar(<parent code>, …)`` and then each
SKU with ``sku.Salvar(<parent code>, <PartNumber>, PrecoPor, sku1={"Cor",
<value>}, …, StatusSKU=1)``, sending ``TipoProduto`` "1", ``Presente`` 2,
``PersonalizacaoExtra`` 2 and ``QuantidadeMaximaPorVenda`` 999, and sends the
same ``Salvar`` again whenever the product changes.

Behaviour that is inferred (no public manual) and written as the worst
plausible case:

* ``produto.Salvar`` saves by ``CodigoInternoProduto`` (the ERP's code; the
  operation takes no store id): a known code is replaced, **every parameter
  included** (a field the caller leaves out or zeroes is zeroed);
* ``sku.Salvar`` saves by ``PartNumber`` under its product; a PartNumber held
  by another product is refused (every SKU call keys a SKU by PartNumber
  alone, so the store cannot hold it twice);
* ``sku1..sku5`` are ``[option name, value]`` pairs (the integrator's
  ``{"Cor", cCor}``); anything else is refused;
* refusals are ``Codigo`` 2 (not found) / 3 (invalid) with a ``Descricao``:
  an empty ``NomeProduto``; packaged weight or a packaged dimension not above
  zero (the store quotes freight with them); ``PrecoPor`` not above zero or
  above ``PrecoCheioProduto``; an ``EAN13`` that is not 13 digits; a category
  or product that does not exist;
* enum ints are the enum's position (``ProdutoStatus`` 1 Ativo, 2 Inativo;
  ``SimNao`` 2 Não); ``TipoProduto`` is the ``ProdutoTipo`` position as text;
  ``StatusSKU`` 1 active, 2 inactive; 0 = any in the reads.

The store owns its category tree (``categoria.Listar``; codes are the ERP's
``CodigoInternoCategoria``); products are linked to it with
``ProdutoCategoria.Salvar``. No operation uploads images.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kit.sandbox.base import Request
from kit.sandbox.soap import Complex, Enum, Field, Operation, operation

__all__ = ["CATALOG_TYPES", "CATALOG_OPERATIONS", "CATALOG_SERVICES", "RakutenCatalog", "PRODUTO_TIPO"]

OK, NOT_FOUND, INVALID = 1, 2, 3
_I, _D, _S = "int", "decimal", "string"
_H = "clsSoapHeader"
#: enum positions: the int parameters of Salvar carry them (ProdutoStatus 1 = Ativo: the integrator's 1)
STATUS_ENUM = ("Nenhum", "Ativo", "Inativo")
SIM_NAO = ("Nenhum", "Sim", "Não")
PRODUTO_TIPO = ("Nenhum", "Produto", "Brinde", "ProdutoGratis", "ValePresente", "Personalizado", "Manipulado",
                "ServicoObrigatorio", "ServicoOpcional", "Assinatura", "Componente", "ExclusivoLook")  # fmt: skip
MEASURES = ("Peso", "Altura", "Largura", "Profundidade")


def _f(name: str, kind: str = _S, required: bool = False, **kw: Any) -> Field:
    return Field(name, kind, required, **kw)


def _retorno(name: str, array: str) -> Complex:
    return Complex(name, (_f("Acao"), _f("Data", "dateTime", True), _f("Codigo", _I, True), _f("Descricao"),
                          _f("Lista", array)))  # fmt: skip


def _array(name: str, item: str) -> Complex:
    return Complex(name, (Field(item, item, many=True, nillable=True),))


_TEXTS = tuple(_f(f"Texto{i}") for i in range(1, 11))
_NUMBERS = tuple(_f(f"Numero{i}", _D, True) for i in range(1, 11))
CATALOG_TYPES: list[Complex | Enum] = [
    Complex("ArrayOfString", (Field("string", "string", many=True, nillable=True),)),
    Enum("ProdutoStatus", STATUS_ENUM),
    Enum("ProdutoTipo", PRODUTO_TIPO),
    Enum("SimNao", SIM_NAO),
    Enum("CategoriaStatus", STATUS_ENUM),
    Enum("ProdutoCategoriaStatus", STATUS_ENUM),
    _retorno("clsRetornoOfclsProduto", "ArrayOfClsProduto"),
    _array("ArrayOfClsProduto", "clsProduto"),
    Complex(
        "clsProduto",
        (
            _f("LojaCodigo", _I, True),
            _f("ProdutoCodigo", _I),
            _f("ProdutoCodigoInterno"),
            _f("Nome"),
            _f("Titulo"),
            _f("Subtitulo"),
            _f("Descricao"),
            _f("Caracteristica"),
            *_TEXTS,
            *_NUMBERS,
            *(_f(m, _D, True) for m in MEASURES),
            *(_f(f"{m}Embalagem", _D, True) for m in MEASURES),
            _f("PrecoCheio", _D, True),
            _f("PrecoPor", _D, True),
            _f("Entrega", _I, True),
            _f("QuantidadeMaximaPorVenda", _I, True),
            _f("ProdutoStatus", "ProdutoStatus", True),
            _f("Tipo", "ProdutoTipo", True),
            _f("Presente", "SimNao", True),
            _f("PersonalizacaoExtra", "SimNao", True),
            _f("PersonalizacaoLabel"),
            _f("ISBN"),
            _f("EAN13"),
            _f("YouTubeCode"),
        ),
    ),  # fmt: skip
    _retorno("clsRetornoOfclsCategoria", "ArrayOfClsCategoria"),
    _array("ArrayOfClsCategoria", "clsCategoria"),
    Complex(
        "clsCategoria",
        (
            _f("LojaCodigo", _I, True),
            _f("CategoriaCodigoInterno"),
            _f("PaiInterno"),
            _f("CategoriaStatus", "CategoriaStatus", True),
            _f("Nome"),
            _f("Ordem", _I, True),
            _f("CategoriasFilhas", "ArrayOfClsCategoria"),
        ),
    ),  # fmt: skip
    _retorno("clsRetornoOfclsProdutoCategoria", "ArrayOfClsProdutoCategoria"),
    _array("ArrayOfClsProdutoCategoria", "clsProdutoCategoria"),
    Complex(
        "clsProdutoCategoria",
        (_f("LojaCodigo", _I, True), _f("ProdutoCategoriaStatus", "ProdutoCategoriaStatus", True)),
    ),  # fmt: skip
]
_LOJA = _f("LojaCodigo", _I, True)
#: produto.Salvar's parameters in the generated client's order (names, types, required)
SALVAR_PRODUTO = (
    _LOJA, _f("CodigoInternoProduto"), _f("CodigoInternoFornecedor"), _f("NomeProduto"), _f("TituloProduto"),
    _f("SubTituloProduto"), _f("DescricaoProduto"), _f("CaracteristicaProduto"),
    *(_f(f"Texto{i}Produto") for i in range(1, 11)), *(_f(f"Numero{i}Produto", _D, True) for i in range(1, 11)),
    _f("CodigoInternoEnquadramento"), _f("ModeloProduto"),
    _f("PesoProduto", _D, True), _f("PesoEmbalagemProduto", _D, True), _f("AlturaProduto", _D, True),
    _f("AlturaEmbalagemProduto", _D, True), _f("LarguraProduto", _D, True), _f("LarguraEmbalagemProduto", _D, True),
    _f("ProfundidadeProduto", _D, True), _f("ProfundidadeEmbalagemProduto", _D, True),
    _f("EntregaProduto", _I, True), _f("QuantidadeMaximaPorVenda", _I, True), _f("StatusProduto", _I, True),
    _f("TipoProduto"), _f("Presente", _I, True), _f("PrecoCheioProduto", _D, True), _f("PrecoPor", _D, True),
    _f("PersonalizacaoExtra", _I, True), _f("PersonalizacaoLabel"), _f("ISBN"), _f("EAN13"), _f("YouTubeCode"),
)  # fmt: skip
_PROD, _CAT, _PCAT, _SKU = "clsRetornoOfclsProduto", "clsRetornoOfclsCategoria", "clsRetornoOfclsProdutoCategoria", (
    "clsRetornoOfclsProdutoCaracteristica")  # fmt: skip
CATALOG_OPERATIONS = (
    Operation("produto", "Salvar", SALVAR_PRODUTO, _PROD, _H),
    Operation("produto", "Listar", (_LOJA, _f("CodigoInternoProduto"), _f("CodigoInternoFabricante"),
                                    _f("NomeProduto"), _f("ProdutoStatus", _I, True), _f("TipoProduto", _I, True)),
              _PROD, _H),
    Operation("sku", "Salvar", (_LOJA, _f("CodigoInternoProduto"), _f("PartNumber"), _f("PrecoPor", _D, True),
                                *(_f(f"sku{i}", "ArrayOfString") for i in range(1, 6)), _f("StatusSKU", _I, True)),
              _SKU, _H),
    Operation("ProdutoCategoria", "Salvar", (_LOJA, _f("CodigoInternoProduto"), _f("CodigoInternoCategoria")),
              _PCAT, _H),
    Operation("ProdutoCategoria", "ListarCategoriasAtivasPorProduto", (_LOJA, _f("ProdutoCodigoInterno")), _CAT, _H),
    Operation("categoria", "Listar", (_LOJA, _f("CodigoInternoCategoria"), _f("CategoriaStatus", _I, True)), _CAT, _H),
)  # fmt: skip
CATALOG_SERVICES = (("produto", "WSProduto"), ("ProdutoCategoria", "WSProdutoCategoria"), ("categoria", "WSCategoria"))


def _positive(value: Any) -> bool:
    return value is not None and Decimal(value) > 0


def seed_catalog(data: dict[str, Any], catalog: list[dict[str, Any]]) -> None:
    """Products (one per seeded SKU, its code the SKU), the category tree of the catalogue and the links."""
    categories: dict[str, dict[str, Any]] = {}
    by_path: dict[str, str] = {}
    for p in catalog:
        parent = ""
        parts = [s.strip() for s in str(p.get("category") or "Geral").split(">") if s.strip()]
        for depth in range(1, len(parts) + 1):
            path = " > ".join(parts[:depth])
            if path not in by_path:
                by_path[path] = code = f"CAT{len(by_path) + 1:03d}"
                categories[code] = {"Nome": parts[depth - 1], "PaiInterno": parent, "Ordem": len(by_path), "path": path}
            parent = by_path[path]
    products, links = {}, {}
    for n, p in enumerate(catalog):
        code = str(p["sku"])  # a store where the ERP saved each SKU as its own product
        products[code] = {
            "ProdutoCodigo": n + 1, "NomeProduto": p["title"], "TituloProduto": p["title"], "DescricaoProduto": "",
            "PesoProduto": p.get("weight_kg") or 1, "PesoEmbalagemProduto": p.get("weight_kg") or 1,
            **{f"{m}Produto": p.get(k) or 1 for m, k in (("Altura", "height_cm"), ("Largura", "width_cm"),
                                                          ("Profundidade", "length_cm"))},
            **{f"{m}EmbalagemProduto": p.get(k) or 1 for m, k in (("Altura", "height_cm"), ("Largura", "width_cm"),
                                                                   ("Profundidade", "length_cm"))},
            "PrecoCheioProduto": round(float(p.get("price") or 1) * 1.1, 2), "PrecoPor": float(p.get("price") or 1),
            "StatusProduto": 1, "TipoProduto": "1", "Presente": 2, "PersonalizacaoExtra": 2, "EntregaProduto": 0,
            "QuantidadeMaximaPorVenda": 999, "EAN13": str(p.get("ean") or ""),
        }  # fmt: skip
        links[code] = [by_path[" > ".join(s.strip() for s in str(p.get("category") or "Geral").split(">"))]]
    data.update(products=products, categories=categories, product_categories=links)


class RakutenCatalog:
    """The catalogue operations of the Rakuten sandbox (a mixin of :class:`kit.sandbox.rakuten.RakutenSandbox`)."""

    state: Any
    _ret: Any
    _loja: Any

    def listings_by_ref(self) -> dict[str, list[str]]:
        """PartNumber -> the product codes holding it (tests: exactly one listing per SKU)."""
        with self.state.lock:
            return {pn: [s["CodigoProdutoInterno"]] for pn, s in self.state.data["skus"].items()}

    def category_paths(self) -> dict[str, str]:
        """Category code -> its path ("Casa > Cozinha")."""
        return {code: c["path"] for code, c in self.state.data["categories"].items()}

    # -- produto -------------------------------------------------------------------------------
    @staticmethod
    def _product_refusal(p: dict[str, Any]) -> str | None:
        if not (p.get("CodigoInternoProduto") or "").strip():
            return "CodigoInternoProduto obrigatório"
        if not (p.get("NomeProduto") or "").strip():
            return "NomeProduto obrigatório"
        missing = [m for m in MEASURES if not _positive(p[f"{m}EmbalagemProduto"])]
        if missing:
            return f"{', '.join(f'{m}EmbalagemProduto' for m in missing)} deve ser maior que zero (cálculo de frete)"
        if not _positive(p["PrecoPor"]) or Decimal(p["PrecoPor"]) > Decimal(p["PrecoCheioProduto"]):
            return "PrecoPor deve ser maior que zero e não maior que PrecoCheioProduto"
        ean = p.get("EAN13") or ""
        if ean and (len(ean) != 13 or not ean.isdigit()):
            return f"EAN13 inválido: {ean}"
        if p["StatusProduto"] not in range(len(STATUS_ENUM)) or p["Presente"] not in range(len(SIM_NAO)):
            return "StatusProduto ou Presente inválido"
        tipo = p.get("TipoProduto") or ""
        if not tipo.isdigit() or int(tipo) >= len(PRODUTO_TIPO):
            return f"TipoProduto inválido: {tipo!r}"
        return None

    @operation("produto", "Salvar")
    def produto_salvar(self, p: dict[str, Any], req: Request) -> Any:
        if refused := self._loja(p):
            return refused
        if why := self._product_refusal(p):
            return self._ret(INVALID, why)
        code = p["CodigoInternoProduto"].strip()
        record = {k: v for k, v in p.items() if k not in ("LojaCodigo", "CodigoInternoProduto")}
        with self.state.lock:
            products = self.state.data["products"]
            known = products.get(code)
            record["ProdutoCodigo"] = known["ProdutoCodigo"] if known else len(products) + 1
            products[code] = record  # every field replaced: what was left out is gone
            self.state.data["product_categories"].setdefault(code, [])
        return self._ret(OK, "Produto alterado" if known else "Produto incluído", {"clsProduto": [self._produto(code)]})

    def _produto(self, code: str) -> dict[str, Any]:
        r = self.state.data["products"][code]

        def enum(values: tuple[str, ...], key: str) -> str:
            n = int(r.get(key) or 0)
            return values[n] if 0 <= n < len(values) else values[0]

        out = {"LojaCodigo": 1234, "ProdutoCodigo": r["ProdutoCodigo"], "ProdutoCodigoInterno": code,
               "Nome": r.get("NomeProduto"), "Titulo": r.get("TituloProduto"), "Subtitulo": r.get("SubTituloProduto"),
               "Descricao": r.get("DescricaoProduto"), "Caracteristica": r.get("CaracteristicaProduto"),
               "PrecoCheio": r["PrecoCheioProduto"], "PrecoPor": r["PrecoPor"], "Entrega": r.get("EntregaProduto") or 0,
               "QuantidadeMaximaPorVenda": r.get("QuantidadeMaximaPorVenda") or 0,
               "ProdutoStatus": enum(STATUS_ENUM, "StatusProduto"), "Tipo": enum(PRODUTO_TIPO, "TipoProduto"),
               "Presente": enum(SIM_NAO, "Presente"), "PersonalizacaoExtra": enum(SIM_NAO, "PersonalizacaoExtra"),
               "PersonalizacaoLabel": r.get("PersonalizacaoLabel"), "ISBN": r.get("ISBN"), "EAN13": r.get("EAN13"),
               "YouTubeCode": r.get("YouTubeCode")}  # fmt: skip
        for i in range(1, 11):
            out[f"Texto{i}"], out[f"Numero{i}"] = r.get(f"Texto{i}Produto"), r.get(f"Numero{i}Produto") or 0
        for m in MEASURES:
            out[m], out[f"{m}Embalagem"] = r.get(f"{m}Produto") or 0, r.get(f"{m}EmbalagemProduto") or 0
        return out

    @operation("produto", "Listar")
    def produto_listar(self, p: dict[str, Any], req: Request) -> Any:
        wanted, status = (p.get("CodigoInternoProduto") or "").strip(), p["ProdutoStatus"]
        if status not in (0, 1, 2):
            return self._ret(INVALID, f"ProdutoStatus {status} inválido")
        with self.state.lock:
            rows = [self._produto(c) for c in sorted(self.state.data["products"]) if not wanted or c == wanted]
        rows = [r for r in rows if not status or r["ProdutoStatus"] == STATUS_ENUM[status]]
        return self._loja(p) or self._ret(OK, "OK", {"clsProduto": rows})

    # -- sku.Salvar ---------------------------------------------------------------------------
    @operation("sku", "Salvar")
    def sku_salvar(self, p: dict[str, Any], req: Request) -> Any:
        if refused := self._loja(p):
            return refused
        code, part = (p.get("CodigoInternoProduto") or "").strip(), (p.get("PartNumber") or "").strip()
        options = [p[f"sku{i}"]["string"] for i in range(1, 6) if p.get(f"sku{i}") is not None]
        if not part:
            return self._ret(INVALID, "PartNumber obrigatório")
        if not _positive(p["PrecoPor"]) or p["StatusSKU"] not in (0, 1, 2):
            return self._ret(INVALID, "PrecoPor deve ser maior que zero e StatusSKU 0, 1 ou 2")
        if any(len(o) != 2 or not all((v or "").strip() for v in o) for o in options):
            return self._ret(INVALID, "sku1..sku5: cada opção é um par [nome, valor]")
        with self.state.lock:
            product = self.state.data["products"].get(code)
            if product is None:
                return self._ret(NOT_FOUND, f"Produto {code or '(vazio)'} não encontrado")
            sku = self.state.data["skus"].get(part)
            if sku is not None and sku["CodigoProdutoInterno"] != code:
                return self._ret(INVALID, f"PartNumber {part} já cadastrado no produto {sku['CodigoProdutoInterno']}")
            fresh = sku is None
            sku = sku or {"PartNumber": part, "CodigoProdutoInterno": code, "Qtde": 0, "QtdeMinimo": 0}
            sku.update(Descricao=product.get("NomeProduto") or "", EAN=product.get("EAN13") or "",
                       PrecoPor=float(p["PrecoPor"]), PrecoDe=float(product["PrecoCheioProduto"]),
                       Ativo=p["StatusSKU"] != 2, Opcoes=[list(o) for o in options])  # fmt: skip
            sku["PrecoDe"] = max(sku["PrecoDe"], sku["PrecoPor"])
            self.state.data["skus"][part] = sku
        return self._ret(
            OK, "SKU incluído" if fresh else "SKU alterado", {"clsProdutoCaracteristica": [self._sku(part)]}
        )

    # -- categories ------------------------------------------------------------------------------
    def _categoria(self, code: str, tree: bool) -> dict[str, Any]:
        c = self.state.data["categories"][code]
        children = [k for k, v in sorted(self.state.data["categories"].items()) if v["PaiInterno"] == code]
        return {"LojaCodigo": 1234, "CategoriaCodigoInterno": code, "PaiInterno": c["PaiInterno"] or None,
                "CategoriaStatus": "Ativo", "Nome": c["Nome"], "Ordem": c["Ordem"],
                "CategoriasFilhas": {"clsCategoria": [self._categoria(k, tree) for k in children]} if tree else None}  # fmt: skip

    @operation("categoria", "Listar")
    def categoria_listar(self, p: dict[str, Any], req: Request) -> Any:
        wanted = (p.get("CodigoInternoCategoria") or "").strip()
        if p["CategoriaStatus"] not in (0, 1, 2):
            return self._ret(INVALID, f"CategoriaStatus {p['CategoriaStatus']} inválido")
        with self.state.lock:
            rows = [
                self._categoria(c, False) for c in sorted(self.state.data["categories"]) if not wanted or c == wanted
            ]
        if p["CategoriaStatus"] == 2:
            rows = []  # every sandbox category is active
        return self._loja(p) or self._ret(OK, "OK", {"clsCategoria": rows})

    @operation("ProdutoCategoria", "Salvar")
    def produto_categoria_salvar(self, p: dict[str, Any], req: Request) -> Any:
        if refused := self._loja(p):
            return refused
        code, category = (p.get("CodigoInternoProduto") or "").strip(), (p.get("CodigoInternoCategoria") or "").strip()
        with self.state.lock:
            if code not in self.state.data["products"]:
                return self._ret(NOT_FOUND, f"Produto {code or '(vazio)'} não encontrado")
            if category not in self.state.data["categories"]:
                return self._ret(NOT_FOUND, f"Categoria {category or '(vazia)'} não encontrada")
            links = self.state.data["product_categories"].setdefault(code, [])
            if category not in links:
                links.append(category)
        return self._ret(OK, "Categoria associada", {"clsProdutoCategoria": [
            {"LojaCodigo": 1234, "ProdutoCategoriaStatus": "Ativo"}]})  # fmt: skip

    @operation("ProdutoCategoria", "ListarCategoriasAtivasPorProduto")
    def produto_categorias(self, p: dict[str, Any], req: Request) -> Any:
        code = (p.get("ProdutoCodigoInterno") or "").strip()
        with self.state.lock:
            if code not in self.state.data["products"]:
                return self._loja(p) or self._ret(NOT_FOUND, f"Produto {code or '(vazio)'} não encontrado")
            rows = [self._categoria(c, False) for c in self.state.data["product_categories"].get(code, [])]
        return self._loja(p) or self._ret(OK, "OK", {"clsCategoria": rows})
