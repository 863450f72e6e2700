"""What each channel type declares: credentials, settings, limits, hosts.

These declarations drive validation (``kit channels add/set``), the
configuration form, the capacity planner and the connectors' rate limiters. A
limit carries its source: ``../shared/channel-apis.md`` section and how sure it
is (``confirmed`` by the channel's docs, or ``inferred`` where nothing was
published and the kit picked a conservative value that a channel config may
lower, never raise).

Kept free of heavy imports: ``kit channels`` must start quickly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kit.registry import Registry

__all__ = [
    "JOBS",
    "CATEGORIES",
    "ENVIRONMENTS",
    "CredentialField",
    "SettingField",
    "RateLimit",
    "ListingReads",
    "ChannelType",
    "CHANNEL_TYPES",
    "get_type",
]

JOBS = ("products", "stock", "prices", "orders", "status")
CATEGORIES = ("plataforma", "marketplace", "integrador")
ENVIRONMENTS = ("sandbox", "production")

# Kit-wide bounds where a channel publishes nothing tighter.
MIN_INTERVAL_MIN = 1  # cron granularity
MAX_INTERVAL_MIN = 7 * 24 * 60
KIT_MAX_BATCH = 10_000  # items per batch for one-item-per-request channels


@dataclass(frozen=True, slots=True)
class CredentialField:
    """A secret the channel type needs; stored only in the secrets store."""

    key: str
    label: str  # pt-BR, shown in the form
    secret: bool = True
    required: bool = True
    help: str = ""


@dataclass(frozen=True, slots=True)
class SettingField:
    """A non-secret setting kept in the channel configuration."""

    key: str
    label: str
    default: str | int | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket: ``per_second`` sustained rate and ``burst`` capacity."""

    per_second: float
    burst: int
    source: str
    confidence: str = "confirmed"  # or "inferred"


@dataclass(frozen=True, slots=True)
class ListingReads:
    """What reading the channel's listings costs (the products job; the capacity planner counts it).

    ``ids_per_page`` listings per page of the id list, ``per_listing`` requests to
    read one listing in full; ``incremental``: between daily full reads the
    connector reads only the new listings (``Connector.listings_delta``).
    """

    ids_per_page: int
    per_listing: int
    incremental: bool = False
    source: str = ""


@dataclass(frozen=True, slots=True)
class ChannelType:
    """Everything the kit knows about one channel type, as data."""

    name: str
    label: str
    category: str  # default category in the ERP's "Canais" screen
    credentials: tuple[CredentialField, ...]
    settings: tuple[SettingField, ...] = ()
    # Default rate limit for writes (stock/price updates); reads may differ.
    rate_limit: RateLimit = RateLimit(5, 5, "não publicado; padrão do kit", "inferred")
    # Extra buckets per operation family, e.g. {"orders_read": RateLimit(1, 1, ...)}.
    rate_limits: dict[str, RateLimit] = field(default_factory=dict)
    # Items one request can carry, per job (bulk endpoints); 1 = one per call.
    items_per_request: dict[str, int] = field(default_factory=dict)
    # Largest batch (items grouped per checkpoint / bulk call) per job.
    max_batch: dict[str, int] = field(default_factory=dict)
    # Default hosts per environment; a channel's base_url overrides them.
    base_urls: dict[str, str] = field(default_factory=dict)
    min_interval_min: dict[str, int] = field(default_factory=dict)
    protocol: str = "rest"  # or "soap"
    # (setting key, factor): the sustained rate is int(setting) * factor per second,
    # e.g. Netshoes plans of 50/100/250 calls per minute.
    rate_from_setting: tuple[str, float] | None = None
    # Value-list kinds this channel needs mapped before go-live.
    depara_kinds: tuple[str, ...] = ("carrier_service", "payment_method", "order_status")
    # Listings with variations take one price for every variation (Mercado Livre, §1.2).
    uniform_variation_price: bool = False
    # What a listing read costs, where declared (None: the capacity planner cannot count it).
    listing_reads: ListingReads | None = None

    def batch_limit(self, job: str) -> int:
        return self.max_batch.get(job, KIT_MAX_BATCH)

    def per_request(self, job: str) -> int:
        return self.items_per_request.get(job, 1)

    def interval_floor(self, job: str) -> int:
        return self.min_interval_min.get(job, MIN_INTERVAL_MIN)

    def credential_keys(self) -> list[str]:
        return [c.key for c in self.credentials]


_SRC = "shared/channel-apis.md"

CHANNEL_TYPES: Registry[ChannelType] = Registry("channel type", unknown="tipo de canal desconhecido")


def _register(t: ChannelType) -> None:
    CHANNEL_TYPES.register(t.name, t)


_register(
    ChannelType(
        name="mercadolivre",
        label="Mercado Livre",
        category="marketplace",
        credentials=(
            CredentialField("client_id", "Client ID (App ID)", secret=False),
            CredentialField("client_secret", "Client secret"),
            CredentialField("refresh_token", "Refresh token (TG-...)", help="muda a cada renovação do token"),
            CredentialField("access_token", "Access token (APP_USR-...)", required=False),
        ),
        settings=(
            SettingField("user_id", "ID do vendedor (user_id)", required=False),
            SettingField("site_id", "Site", "MLB"),
            # Publishing: GET /sites/MLB/listing_types (gold_special = Clássico, gold_pro = Premium, free = Grátis).
            SettingField(
                "listing_type_id",
                "Tipo de anúncio (publicação)",
                "gold_special",
                choices=("gold_special", "gold_pro", "free"),
                help="Clássico (gold_special), Premium (gold_pro) ou Grátis (free) nos anúncios que o kit cria.",
            ),
            # POST /items condition; the category's settings.item_conditions list what it accepts.
            SettingField(
                "condition",
                "Condição do produto (publicação)",
                "new",
                choices=("new", "used", "not_specified"),
                help="Novo (new), usado (used) ou não especificado, nos anúncios que o kit cria.",
            ),
        ),
        # developers.mercadolivre.com.br/gerencie-seu-aplicativo: each application has an hourly quota,
        # max_requests_per_hour (18000 in the page's example), shared by every seller it serves. The default
        # pace spends it evenly: a burst of 300, the rest over the hour (the connector reads the app's own quota).
        rate_limit=RateLimit(
            (18000 - 300) / 3600,
            300,
            "developers.mercadolivre.com.br/gerencie-seu-aplicativo: max_requests_per_hour 18000 por aplicativo",
            "confirmed",
        ),
        # §1.2: multiget up to 20 ids; §1.3 stock/price one item per PUT /items/{id}.
        items_per_request={"products": 20},
        base_urls={"production": "https://api.mercadolibre.com", "sandbox": "https://api.mercadolibre.com"},
        uniform_variation_price=True,  # §1.2: one price across the variations of a listing
    )
)
_register(
    ChannelType(
        name="vtex",
        label="VTEX",
        category="plataforma",
        credentials=(
            CredentialField("app_key", "App Key (X-VTEX-API-AppKey)", secret=False),
            CredentialField("app_token", "App Token (X-VTEX-API-AppToken)"),
        ),
        settings=(
            SettingField("account", "Conta VTEX (accountName)", required=True),
            SettingField("environment_host", "Ambiente", "vtexcommercestable"),
            SettingField("warehouse_id", "Armazém (warehouseId)", "1_1", required=True),
            SettingField("trade_policy", "Política comercial (sales channel)", "1"),
        ),
        # §2.4: pricing PUT/POST 40 req/s per account with 1000 burst credits.
        rate_limit=RateLimit(40, 1000, f"{_SRC} §2.4", "confirmed"),
        # catalog-api.json (info): 15,000 requests/min per endpoint, 45,000 per account: catalogue
        # writes (publishing) are paced at one endpoint's limit, which no endpoint can exceed.
        rate_limits={"catalog": RateLimit(250, 250, "catalog-api.json: 15.000 req/min por endpoint", "confirmed")},
        # §2.5: feed maxlot 10; list orders per_page max 100.
        items_per_request={"orders": 10},
        max_batch={"orders": 100},
        base_urls={"production": "https://{account}.{environment_host}.com.br"},
        # §2.2: SKU ids 1000 a page, then the SKU, its inventory and its price per SKU (kit.connectors.vtex);
        # no "changed since" filter, so the delta is the id list (new ids read, gone ids dropped).
        listing_reads=ListingReads(1000, 3, incremental=True, source=f"{_SRC} §2.2"),
    )
)
_register(
    ChannelType(
        name="magento",
        label="Magento 2 / Adobe Commerce",
        category="plataforma",
        # §3.1: an integration signs with OAuth 1.0a (4 keys); since 2.4.4 its access token alone is
        # refused as a Bearer unless the store enables it (settings.auth=bearer for those stores).
        credentials=(
            CredentialField(
                "consumer_key",
                "Consumer key (integração)",
                secret=False,
                required=False,
                help="necessária para a assinatura OAuth 1.0a (padrão)",
            ),
            CredentialField(
                "consumer_secret",
                "Consumer secret (integração)",
                required=False,
                help="necessária para a assinatura OAuth 1.0a (padrão)",
            ),
            CredentialField("access_token", "Access token (integração ou token Bearer)"),
            CredentialField(
                "access_token_secret",
                "Access token secret (integração)",
                required=False,
                help="necessária para a assinatura OAuth 1.0a (padrão)",
            ),
        ),  # fmt: skip
        settings=(
            SettingField("store_code", "Store code", "default"),
            SettingField("source_code", "Source (MSI)", "default"),
            SettingField("stock_id", "Stock id (MSI)", "1"),
            SettingField(
                "auth",
                "Autenticação",
                "auto",
                choices=("auto", "oauth1", "bearer"),
                help="oauth1: assinatura OAuth 1.0a da integração; bearer: só o token, se a loja permitir; "
                "auto: OAuth 1.0a quando as quatro chaves da integração estão cadastradas",
            ),
            # Publishing (kit/connectors/magento_catalog.py): where the ERP's fields go in the store.
            SettingField("attribute_set", "Conjunto de atributos dos produtos (nome ou id)", "Default"),
            SettingField(
                "website_ids",
                "Websites dos produtos (ids separados por vírgula)",
                help="vazio: o website do store code do canal",
            ),
            SettingField("attribute_ean", "Atributo do EAN/GTIN", "ean", help="código do atributo na loja"),
            SettingField("attribute_ncm", "Atributo do NCM", "ncm", help="código do atributo na loja"),
            SettingField(
                "attribute_brand",
                "Atributo da marca",
                "manufacturer",
                help="código do atributo na loja (select: a marca deve ser uma opção)",
            ),
            SettingField("attribute_height", "Atributo da altura (cm)", help="vazio: não enviado (o Magento não tem)"),
            SettingField("attribute_width", "Atributo da largura (cm)", help="vazio: não enviado (o Magento não tem)"),
            SettingField(
                "attribute_length", "Atributo do comprimento (cm)", help="vazio: não enviado (o Magento não tem)"
            ),
        ),  # fmt: skip
        # §3.7: no general rate limit; kit default for a merchant's own host.
        rate_limit=RateLimit(10, 10, f"{_SRC} §3.7 (nenhum limite embutido)", "inferred"),
        # Publishing (family "catalog") shares this bucket: one merchant host, one pace.
        # §3.7: with input limiting on, 20 entities per synchronous request.
        items_per_request={"stock": 20, "prices": 20},
        max_batch={"stock": 20, "prices": 20, "orders": 300},
    )
)
_register(
    ChannelType(
        name="skyhub",
        label="B2W / Americanas (SkyHub)",
        category="marketplace",
        credentials=(
            CredentialField("user_email", "E-mail da loja (X-User-Email)", secret=False),
            CredentialField("api_key", "Token da loja (X-Api-Key)"),
            CredentialField("account_manager_key", "Chave do integrador (X-Accountmanager-Key)"),
        ),
        # §4.4: writes 9/s per endpoint+method per store; orders GET 1/s.
        rate_limit=RateLimit(9, 9, f"{_SRC} §4.4", "confirmed"),
        rate_limits={"orders_read": RateLimit(1, 1, f"{_SRC} §4.4", "confirmed")},
        max_batch={"orders": 100},
        base_urls={"production": "https://api.skyhub.com.br", "sandbox": "https://api.skyhub.com.br"},
    )
)
_register(
    ChannelType(
        name="pluggto",
        label="Plugg.to",
        category="integrador",
        credentials=(
            CredentialField("client_id", "Client ID", secret=False),
            CredentialField("client_secret", "Client secret"),
            CredentialField("username", "Usuário da API", secret=False),
            CredentialField("password", "Senha da API"),
        ),
        # §5.4: not found; kit default.
        rate_limit=RateLimit(5, 5, f"{_SRC} §5.4 (não encontrado)", "inferred"),
        base_urls={"production": "https://api.plugg.to", "sandbox": "https://api.plugg.to"},
    )
)
_register(
    ChannelType(
        name="netshoes",
        label="Netshoes / Zattini",
        category="marketplace",
        credentials=(
            CredentialField("client_id", "client_id", secret=False),
            CredentialField("access_token", "access_token"),
        ),
        settings=(
            SettingField("plan", "Plano (chamadas/min)", "50", choices=("50", "100", "250")),
            SettingField("business_unit", "Unidade de negócio", "NS", choices=("NS", "ZT")),
        ),
        # §6: plans of 50/100/250 calls/min (new sellers start at 50); the plan setting picks. Publishing calls
        # (products, SKU status polls) count in the same bucket: no "catalog" family of its own.
        rate_limit=RateLimit(50 / 60, 5, f"{_SRC} §6 (plano de 50/min)", "confirmed"),
        rate_from_setting=("plan", 1 / 60),
        base_urls={
            "sandbox": "http://api-sandbox.netshoes.com.br/api/v1",
            "production": "https://api-marketplace.netshoes.com.br/api/v1",
        },
    )
)
_register(
    ChannelType(
        name="cnova",
        label="Via / Casas Bahia (Cnova)",
        category="marketplace",
        credentials=(
            CredentialField("client_id", "client_id", secret=False),
            CredentialField("access_token", "access_token"),
        ),
        settings=(
            SettingField("site", "Site", "CB"),
            SettingField("warehouse", "Armazém", "1"),
            # §7: crossDockingTime in a stock update overwrites the seller's handling days; sent only when set.
            SettingField(
                "cross_docking_days",
                "Prazo de manuseio (dias) enviado com o estoque",
                help="Deixe vazio para manter o prazo configurado no painel da Via.",
            ),
        ),
        # §7: only page caps (50) were found; request rate not published. Product loads and their polls share it.
        rate_limit=RateLimit(5, 5, f"{_SRC} §7 (não encontrado)", "inferred"),
        max_batch={"orders": 50, "products": 50},
        base_urls={
            "production": "https://api-mktplace.viavarejo.com.br/api/v2",
            "sandbox": "https://sandbox.cnova.com/api/v2",
        },
    )
)
_register(
    ChannelType(
        name="rakuten",
        label="Rakuten (IKCWebservice)",
        category="plataforma",
        protocol="soap",
        credentials=(
            CredentialField("a1", "Chave A1 (GUID)"),
            CredentialField("a2", "Chave A2 (GUID)"),
        ),
        settings=(
            SettingField(
                "loja", "Código da loja", default="0", help="0 = a loja das chaves A1/A2 (como integradores enviam)"
            ),
            SettingField(
                "wsdl",
                "Contrato (WSDL)",
                default="loja",
                help="loja = WSDL publicado pela loja; uma pasta com os WSDL salvos; inferido = leitura do kit (não confirmada)",
            ),
            SettingField("qtd_minima", "Estoque mínimo enviado (vazio = manter o da loja)"),
            SettingField(
                "qtd_maxima_venda",
                "Quantidade máxima por venda de um produto novo",
                default="999",
                help="produto.Salvar exige o campo; 999 é o que integradores enviam; um produto existente mantém o seu",
            ),
        ),
        rate_limit=RateLimit(5, 5, f"{_SRC} §8 (não encontrado)", "inferred"),
    )
)
_register(
    ChannelType(
        name="walmart",
        label="Walmart Marketplace",
        category="marketplace",
        credentials=(
            CredentialField("client_id", "Client ID", secret=False),
            CredentialField("client_secret", "Client secret"),
        ),
        settings=(
            # Publishing by item feeds (kit/connectors/walmart_catalog.py): how long one run waits for a feed.
            SettingField(
                "feed_wait_s",
                "Espera máxima por um feed de itens (s)",
                "120",
                help="o que o Walmart ainda processa fica pendente e é consultado na próxima execução",
            ),
            SettingField("feed_poll_s", "Primeira consulta de um feed após o envio (s)", "5"),
        ),  # fmt: skip
        # §9.1: per-API token buckets, numbers not given here; kit default.
        rate_limit=RateLimit(5, 10, f"{_SRC} §9.1 (um balde por API)", "inferred"),
        # developer.walmart.com/us-marketplace/docs/item-management-available-requests: Bulk Item Setup
        # MP_ITEM 10/hr and MP_MAINTENANCE 10/hr; All feed statuses + Feed item status 5000 TPM (shared).
        rate_limits={
            "feed_item": RateLimit(10 / 3600, 10, "developer.walmart.com item management: MP_ITEM 10 feeds/hora"),
            "feed_maintenance": RateLimit(
                10 / 3600, 10, "developer.walmart.com item management: MP_MAINTENANCE 10 feeds/hora"
            ),
            "feed_status": RateLimit(
                5000 / 60, 100, "developer.walmart.com item management: consultas de feed 5000 por minuto"
            ),
        },
        max_batch={"orders": 200},
        base_urls={
            "production": "https://marketplace.walmartapis.com",
            "sandbox": "https://sandbox.walmartapis.com",
        },
        depara_kinds=("carrier_service", "order_status"),
    )
)
_register(
    ChannelType(
        name="ezcommerce",
        label="EZ Commerce",
        category="plataforma",
        protocol="soap",
        credentials=(
            CredentialField("login", "Login", secret=False),
            CredentialField("password", "Senha"),
        ),
        settings=(
            SettingField(
                "wsdl",
                "Contrato (WSDL)",
                default="loja",
                help="loja = WSDL publicado pela loja; uma pasta com os WSDL salvos; inferido = leitura do kit (não confirmada)",
            ),
            SettingField("status_faturado", "StatusID de 'faturado' na loja"),
            SettingField("status_despachado", "StatusID de 'despachado' na loja"),
        ),
        rate_limit=RateLimit(5, 5, f"{_SRC} §10 (não encontrado)", "inferred"),
        # §10: SalvarEstoqueLst / SalvarPrecoLst take lists; size not documented.
        items_per_request={"stock": 100, "prices": 100},
        max_batch={"stock": 1000, "prices": 1000},
        base_urls={"production": "http://services03.ezcommerce.com.br"},
    )
)


def get_type(name: str) -> ChannelType:
    """The declaration of channel type ``name`` (a :class:`~kit.errors.ConfigurationError` naming the types if unknown)."""
    return CHANNEL_TYPES.lookup(name)
