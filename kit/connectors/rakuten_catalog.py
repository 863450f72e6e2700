"""Rakuten publishing: products, SKUs and category links through the IKCWebservice (a mixin of the connector).

What the generated clients declare (``docs/channels.md``, all secondary) and how the kit uses it:

* A Rakuten listing is a **product** (``produto.asmx``, keyed by the ERP's
  ``CodigoInternoProduto``: the family code, i.e. the ERP's parent SKU, else
  the SKU) and a **SKU** (``sku.asmx``, keyed by ``PartNumber`` = the ERP SKU).
  Both are saved with ``Salvar``, which takes no store id: the ERP's code is the
  key, and the integrator whose code is public sends the same ``Salvar`` again
  to change a product. A SKU is looked up by PartNumber (``sku.Listar``) before
  it is created, so a crash between "saved" and the kit's record never makes a
  second one.
* ``produto.Salvar`` replaces the whole record (every parameter is sent; the
  required ones are numbers that would be zeroed): an update, and a creation in
  a family whose product exists, start from the store's current record
  (``produto.Listar``) and change only what the kit owns. Prices are never
  changed here (the prices job and its guard own them): a new product or SKU
  takes the ERP price, an existing one keeps the store's.
* The store's own category tree (``categoria.Listar``; codes are the ERP's
  ``CodigoInternoCategoria``) is the ``category`` value list; the de-para value
  is a code or a path of that tree; ``ProdutoCategoria.Salvar`` links it (an
  old link is never removed: a store can list a product in several).
* Variation options go in ``sku1..sku5`` as ``[name, value]`` pairs (the
  integrator's ``{"Cor", <cor>}``), from the attributes after de-para.
* Not in any documented operation, said per SKU in ``PublishResult.note``:
  images, brand, NCM, the EAN of a SKU in a family (``EAN13`` is the
  product's), options past the fifth.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kit.connectors.model import (
    APPLIED,
    CREATE,
    UPDATE,
    CategoryRequirements,
    ListingRef,
    ProductItem,
    PublishResult,
)
from kit.connectors.publishing import kept_active
from kit.connectors.soap import unsent_note
from kit.errors import ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["RakutenCatalogMixin", "FAMILY", "MAX_OPTIONS", "PRODUCT_FROM_READ", "UNSENT"]

FAMILY = "catalog"
OK = 1
#: sku1..sku5 of sku.Salvar (generated client)
MAX_OPTIONS = 5
#: up to this many SKUs are looked up one by one (sku.Listar by PartNumber); more: one full sku.Listar
LOOKUP_ONE_BY_ONE = 20
STATUS_ENUM = ("Nenhum", "Ativo", "Inativo")  # ProdutoStatus; StatusProduto/StatusSKU ints are its positions
SIM_NAO = ("Nenhum", "Sim", "Não")
PRODUTO_TIPO = ("Nenhum", "Produto", "Brinde", "ProdutoGratis", "ValePresente", "Personalizado", "Manipulado",
                "ServicoObrigatorio", "ServicoOpcional", "Assinatura", "Componente", "ExclusivoLook")  # fmt: skip
#: clsProduto (produto.Listar) field -> produto.Salvar parameter, for updates that keep what the kit does not own
PRODUCT_FROM_READ = {
    "Nome": "NomeProduto", "Titulo": "TituloProduto", "Subtitulo": "SubTituloProduto", "Descricao": "DescricaoProduto",
    "Caracteristica": "CaracteristicaProduto", "PrecoCheio": "PrecoCheioProduto", "PrecoPor": "PrecoPor",
    "Entrega": "EntregaProduto", "QuantidadeMaximaPorVenda": "QuantidadeMaximaPorVenda",
    "PersonalizacaoLabel": "PersonalizacaoLabel", "ISBN": "ISBN", "EAN13": "EAN13", "YouTubeCode": "YouTubeCode",
    **{f"Texto{i}": f"Texto{i}Produto" for i in range(1, 11)},
    **{f"Numero{i}": f"Numero{i}Produto" for i in range(1, 11)},
    **{f"{m}{e}": f"{m}{e}Produto" for m in ("Peso", "Altura", "Largura", "Profundidade") for e in ("", "Embalagem")},
}  # fmt: skip
_ENUMS = {"ProdutoStatus": ("StatusProduto", STATUS_ENUM), "Presente": ("Presente", SIM_NAO),
          "PersonalizacaoExtra": ("PersonalizacaoExtra", SIM_NAO)}  # fmt: skip
#: what no documented operation carries (pt-BR, per SKU)
UNSENT = {
    "image_urls": "imagens não enviadas: o IKCWebservice não tem operação de imagens (cadastre-as no painel da loja)",
    "brand": "marca não enviada: produto.Salvar não tem campo de marca",
    "ncm": "NCM não enviado: nenhuma operação documentada do IKCWebservice recebe o NCM",
}  # fmt: skip


def _num(value: Any) -> float:
    return round(float(value or 0), 3)


def _on(record: dict[str, Any] | None, field: str) -> bool | None:
    """Whether the store has ``record`` active (its ``field`` is not "Inativo"), ``None`` when there is no record."""
    return None if record is None else record.get(field) != STATUS_ENUM[2]


def _index(values: tuple[str, ...], name: Any, default: int) -> int:
    return values.index(name) if name in values else default


class RakutenCatalogMixin:
    """The publishing hooks of :class:`kit.connectors.rakuten.RakutenConnector`."""

    channel: Channel
    label: str
    settings: dict[str, str]
    ikc: Any

    def _catalog_call(self, service: str, op: str, params: dict[str, Any]) -> dict[str, Any]:
        result = self.ikc(service, op, params, family=FAMILY)
        if result.get("Codigo") != OK:
            raise ChannelFatalError(
                f"{service}.{op} recusado pela loja (Codigo {result.get('Codigo')}): "
                f"{result.get('Descricao') or 'sem descrição'}",
                channel=self.channel.name,
            )
        return result

    @staticmethod
    def _rows(result: dict[str, Any], item: str) -> list[dict[str, Any]]:
        return [r for r in ((result.get("Lista") or {}).get(item)) or [] if r]

    # -- lookups ---------------------------------------------------------------------------------
    def sku_rows(self, part_number: str = "") -> list[dict[str, Any]]:
        """``sku.Listar`` of one PartNumber (or every SKU when empty), any status."""
        params = {"CodigoInternoProduto": "", "PartNumber": part_number, "StatusSKU": 0}
        return self._rows(self._catalog_call("sku", "Listar", params), "clsProdutoCaracteristica")

    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """SKUs by PartNumber (= the ERP SKU, the listing's channel id): one by one, or one full read past 20."""
        wanted = list(dict.fromkeys(skus))
        if len(wanted) <= LOOKUP_ONE_BY_ONE:
            rows = [r for sku in wanted for r in self.sku_rows(sku)]
        else:
            rows = self.sku_rows()
        keep = set(wanted)
        return {str(r["PartNumber"]): ListingRef(str(r["PartNumber"]), str(r["PartNumber"]))
                for r in rows if r.get("PartNumber") in keep}  # fmt: skip

    def product_row(self, code: str) -> dict[str, Any] | None:
        """``produto.Listar`` of one ``CodigoInternoProduto`` (any status or type), or ``None``."""
        params = {"CodigoInternoProduto": code, "CodigoInternoFabricante": "", "NomeProduto": "", "ProdutoStatus": 0,
                  "TipoProduto": 0}  # fmt: skip
        rows = [r for r in self._rows(self._catalog_call("produto", "Listar", params), "clsProduto")
                if str(r.get("ProdutoCodigoInterno") or "") == code]  # fmt: skip
        return rows[0] if rows else None

    def categories(self) -> list[dict[str, str]]:
        """The store's category tree as ``{"code", "path"}`` (``categoria.Listar``, any status), read once."""
        cached = getattr(self, "_category_cache", None)
        if cached is None:
            params = {"CodigoInternoCategoria": "", "CategoriaStatus": 0}
            rows = self._rows(self._catalog_call("categoria", "Listar", params), "clsCategoria")
            by_code = {str(r.get("CategoriaCodigoInterno")): r for r in rows if r.get("CategoriaCodigoInterno")}

            def path(code: str, seen: tuple[str, ...] = ()) -> str:
                node = by_code[code]
                parent = str(node.get("PaiInterno") or "")
                name = str(node.get("Nome") or code)
                return f"{path(parent, (*seen, code))} > {name}" if parent in by_code and parent not in seen else name

            cached = [{"code": code, "path": path(code)} for code in by_code]
            self._category_cache = cached
        return cached

    def category_code(self, value: str) -> str:
        """The ``CodigoInternoCategoria`` of a de-para value: a code of the tree, or its path (``>`` or ``/``)."""
        text = str(value).strip()
        wanted = " > ".join(p.strip() for p in text.replace("/", ">").split(">") if p.strip()).casefold()
        for node in self.categories():
            if node["code"] == text or node["path"].casefold() == wanted:
                return node["code"]
        raise ChannelFatalError(
            f"a categoria '{value}' não existe na árvore de categorias da loja Rakuten",
            channel=self.channel.name,
            hint="corrija o de-para de categoria com um código ou caminho da árvore da loja "
            f"(kit depara build {self.channel.name} category ...)",
        )

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """The category must exist in the store's tree; a store category requires no attributes."""
        code = self.category_code(channel_category)
        return CategoryRequirements(code, [], "Rakuten: árvore de categorias da loja (sem atributos obrigatórios)")

    def catalog_value_lists(self) -> dict[str, list[dict[str, Any]]]:
        """The ``category`` list for the de-para builder (path, code)."""
        return {"category": [{"category": n["path"], "code": n["code"], "description": ""} for n in self.categories()]}

    # -- create / update -------------------------------------------------------------------------
    def create_listing(self, item: ProductItem) -> PublishResult:
        """``produto.Salvar`` (the family's product: the store's record kept when it exists), category, ``sku.Salvar``."""
        return self._save(item, CREATE, None)

    def update_listing(self, item: ProductItem) -> PublishResult:
        """The same saves for a bound SKU; its price and the product's stay the store's."""
        part = str(item.channel_id or item.sku)
        current = next((r for r in self.sku_rows(part) if r.get("PartNumber") == part), None)
        if current is None:
            raise ChannelFatalError(f"o SKU {part} não está mais na loja Rakuten (sku.Listar)", channel=self.channel.name,
                                    hint="rode o job de novo: um SKU que não existe é criado")  # fmt: skip
        return self._save(item, UPDATE, current)

    def _save(self, item: ProductItem, action: str, current_sku: dict[str, Any] | None) -> PublishResult:
        family = item.family
        product = self.product_row(family)
        if product is None and current_sku is not None:
            raise ChannelFatalError(
                f"o SKU {item.sku} existe na loja, mas não no produto {family}: o kit não cria um produto vazio",
                channel=self.channel.name,
                hint="confira no painel em que produto o SKU está; o código do produto é o SKU pai do ERP",
            )  # fmt: skip
        self._catalog_call("produto", "Salvar", self.product_params(item, product))
        if item.channel_category:
            self._catalog_call("ProdutoCategoria", "Salvar", {
                "CodigoInternoProduto": family, "CodigoInternoCategoria": self.category_code(item.channel_category)})  # fmt: skip
        price = current_sku.get("PrecoPor") if current_sku else item.price
        options = [{"string": [str(k), str(v)]} for k, v in item.channel_attributes.items() if v not in (None, "")]
        # StatusSKU is required: the store's state AND the ERP's (the kit deactivates, never reactivates)
        sku_on, paused = kept_active(_on(current_sku, "ProdutoCaracteristicaStatus"), item.active, self.label)
        if not paused:  # a product the store paused stays paused too (product_params keeps its status)
            _, paused = kept_active(_on(product, "ProdutoStatus"), item.active, self.label)
        sku: dict[str, Any] = {"CodigoInternoProduto": family, "PartNumber": item.sku, "PrecoPor": _num(price),
                               "StatusSKU": 1 if sku_on else 2}  # fmt: skip
        sku.update({f"sku{n}": o for n, o in enumerate(options[:MAX_OPTIONS], 1)})
        self._catalog_call("sku", "Salvar", sku)
        note = "; ".join(n for n in (self.unsent(item, product, len(options)), paused) if n)
        return PublishResult(item.sku, APPLIED, action, channel_id=item.sku, product_id=family, note=note)

    def product_params(self, item: ProductItem, current: dict[str, Any] | None) -> dict[str, Any]:
        """``produto.Salvar`` parameters: the store's current record, changed where the ERP item owns the field."""
        standalone = item.family == item.sku
        params: dict[str, Any] = {f"Numero{i}Produto": 0 for i in range(1, 11)}
        params.update(EntregaProduto=0, QuantidadeMaximaPorVenda=int(self.settings.get("qtd_maxima_venda") or 999),
                      StatusProduto=1, TipoProduto="1", Presente=2, PersonalizacaoExtra=2,
                      PrecoCheioProduto=_num(item.price), PrecoPor=_num(item.price))  # fmt: skip
        for read, param in PRODUCT_FROM_READ.items():
            if current and current.get(read) is not None:
                params[param] = current[read]
        for read, (param, values) in _ENUMS.items():
            if current and current.get(read) in values:
                params[param] = _index(values, current[read], params[param])
        if current and current.get("Tipo") in PRODUTO_TIPO:
            params["TipoProduto"] = str(PRODUTO_TIPO.index(current["Tipo"]))
        if standalone or current is None:
            params.update(NomeProduto=item.title, TituloProduto=item.title)
        if item.description or current is None:
            params["DescricaoProduto"] = item.description
        for name, value in (("Peso", item.weight_kg), ("Altura", item.height_cm), ("Largura", item.width_cm),
                            ("Profundidade", item.length_cm)):  # fmt: skip
            params[f"{name}Produto"] = params[f"{name}EmbalagemProduto"] = _num(value)  # the ERP's are packaged
        if standalone:  # the store's status AND the ERP's: a product the store paused is never reactivated
            params["StatusProduto"] = 1 if kept_active(_on(current, "ProdutoStatus"), item.active, "")[0] else 2
            ean = self.ean13(item.ean)
            if ean or current is None:
                params["EAN13"] = ean or ""
        params["CodigoInternoProduto"] = item.family
        return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in params.items()}

    @staticmethod
    def ean13(ean: str | None) -> str | None:
        """``EAN13`` takes 13 digits: a GTIN-13, or a GTIN-12 with its leading zero; anything else is not sent."""
        digits = str(ean or "").strip()
        if digits.isdigit() and len(digits) in (12, 13):
            return digits.zfill(13)
        return None

    def unsent(self, item: ProductItem, product: dict[str, Any] | None, options: int) -> str:
        """pt-BR note of what this SKU's save could not carry."""
        notes = [unsent_note(item, UNSENT)]
        if item.ean and (item.family != item.sku or not self.ean13(item.ean)):
            why = (
                "o SKU é de uma família e EAN13 é do produto" if item.family != item.sku else "EAN13 aceita 13 dígitos"
            )
            notes.append(f"EAN {item.ean} não enviado: {why}")
        if options > MAX_OPTIONS:
            notes.append(f"{options - MAX_OPTIONS} atributos além de sku1..sku5 não enviados")
        if product is not None and item.family != item.sku and product.get("Nome") != item.title:
            notes.append(f"nome do produto da família {item.family} mantido ('{product.get('Nome')}')")
        return "; ".join(n for n in notes if n)
