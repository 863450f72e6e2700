"""EZ Commerce publishing: new products through ``SalvarProduto`` (a mixin of the connector).

What the generated PHP client declares (``docs/channels.md``, secondary) and how the kit uses it:

* ``catalogows.svc`` has **no read** of products: a listing cannot be looked up
  before it is created. ``SalvarProduto(produto: Produto)`` is keyed by
  ``CodigoIntegracao`` = the ERP SKU: the ``Produto`` contract has no store id
  (brands and categories have int ids, a product does not), ``ExcluirProduto``
  takes a string ``id``, and ``Estoque``, ``Preco`` and ``PedidoItem`` name a
  product by ``CodigoIntegracao`` only, so the store holds one product per code
  and a second save of the same code is that product saved again. That is the
  "never a duplicate" guarantee here (inferred from the contract, shown by the
  kill test against the sandbox that reads it so): a crash between the save
  and the kit's record re-sends the same record on the next run.
* **Creation only.** With no read, an update could not start from the store's
  record, and a WCF data contract may zero the members a save leaves out: an
  update would overwrite what the store edited in its admin, and price and
  stock outside the price guard and the stock job. Existing products are
  skipped with that reason, per SKU.
* Each ERP SKU is its own product (``CodigoIntegracao`` = SKU, what the stock
  and price calls already address). Variations (``SalvarVariacao``) are not
  used: adding one to a family already on the store means saving the family's
  product again, with the same risk as an update.
* The category is the store's ``SiteCategoriaPrincipal`` id (a number from the
  store's admin: the service lists no categories), through de-para.
* Not carried, said per SKU: images (no image operation; ``Variacao.Foto`` is
  undocumented), brand (``MarcaID`` is the store's number and brands cannot be
  read), EAN and NCM (only ``Variacao`` has ``Ean``/``Nbm``), attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.connectors.model import APPLIED, CREATE, CategoryRequirements, ListingRef, ProductItem, PublishResult
from kit.connectors.soap import unsent_note
from kit.errors import ChannelFatalError

if TYPE_CHECKING:
    from kit.channels import Channel

__all__ = ["EzcommerceCatalogMixin", "FAMILY", "UNSENT", "NO_UPDATE"]

FAMILY = "catalog"
NO_UPDATE = (
    "atualização de produto já publicado não suportada: o EZ Commerce não tem leitura de produtos e o SalvarProduto "
    "grava o registro inteiro (o que a loja editou no painel seria sobrescrito e campos omitidos, como preço e "
    "estoque, podem ser zerados); altere o produto no painel da loja"
)
#: what SalvarProduto cannot carry (pt-BR, per SKU)
UNSENT = {
    "image_urls": "imagens não enviadas: o serviço do EZ Commerce não tem operação de imagens (cadastre-as no painel)",
    "brand": "marca não enviada: o Produto leva MarcaID, o número da marca na loja, e o serviço não lista marcas "
    "(associe a marca no painel)",
    "ean": "EAN não enviado: no EZ Commerce o EAN é campo da variação (Variacao.Ean) e o kit cria cada SKU como "
    "um produto",
    "ncm": "NCM não enviado: só a variação tem o campo (Variacao.Nbm)",
    "attributes": "atributos não enviados: o Produto não tem campos de atributos",
    "parent_sku": "família não usada: cada SKU é um produto no EZ Commerce (uma variação exigiria regravar o produto "
    "da família)",
}  # fmt: skip


def _outcome(result: dict[str, Any]) -> tuple[bool, str]:
    errors = (result.get("Erros") or {}).get("RespostaProcessamentoErro") or []
    texts = [e.get("Mensagem") or f"erro {e.get('CodigoErro')}" for e in errors if e]
    message = "; ".join(texts) or result.get("Mensagem") or f"Status {result.get('Status')!r}"
    return result.get("Status") == "Sucesso" and not texts, message


class EzcommerceCatalogMixin:
    """The publishing hooks of :class:`kit.connectors.ezcommerce.EzcommerceConnector`."""

    channel: Channel
    call: Any

    def find_listings(self, skus: list[str]) -> dict[str, ListingRef]:
        """Nothing can be found: the service has no read. Creation is a save keyed by the SKU (see the module)."""
        return {}

    def category_requirements(self, channel_category: str) -> CategoryRequirements:
        """The de-para value must be the store's ``SiteCategoriaID`` (a whole number); no attributes are required."""
        self.site_category(channel_category)
        return CategoryRequirements(str(channel_category), [], "EZ Commerce: SiteCategoriaPrincipal (id da loja)")

    def site_category(self, value: str) -> int:
        text = str(value).strip()
        if not text.isdigit() or int(text) <= 0:
            raise ChannelFatalError(
                f"a categoria '{value}' não é um SiteCategoriaID: o EZ Commerce identifica categorias por número",
                channel=self.channel.name,
                hint="no de-para de categoria, use o número da categoria no painel da loja "
                f"(kit depara build {self.channel.name} category ...)",
            )
        return int(text)

    def product_record(self, item: ProductItem) -> dict[str, Any]:
        """The ``Produto`` of ``item``: what the ERP owns; ``EstoqueAtual`` is left to the stock job."""
        record = {
            "CodigoIntegracao": item.sku, "Referencia": item.sku, "Nome": item.title, "DescricaoLonga": item.description,
            "Ativo": bool(item.active), "SiteCategoriaPrincipal": self.site_category(str(item.channel_category or "")),
            "Peso": float(item.weight_kg or 0), "Altura": float(item.height_cm or 0), "Largura": float(item.width_cm or 0),
            "Profundidade": float(item.length_cm or 0), "Preco": round(float(item.price or 0), 2),
        }  # fmt: skip
        return {k: v for k, v in record.items() if v not in (None, "")}

    def create_listing(self, item: ProductItem) -> PublishResult:
        """``SalvarProduto``; the listing's channel id is the SKU (``CodigoIntegracao``)."""
        result = self.call("catalogo", "SalvarProduto", {"produto": self.product_record(item)}, family=FAMILY)
        ok, message = _outcome(result)
        if not ok:
            raise ChannelFatalError(f"o EZ Commerce recusou SalvarProduto: {message}", channel=self.channel.name)
        return PublishResult(item.sku, APPLIED, CREATE, channel_id=item.sku, product_id=item.sku,
                             note=unsent_note(item, UNSENT))  # fmt: skip
