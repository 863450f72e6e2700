"""SOAP channels on the shared base: the contract comes from a WSDL, read by zeep.

Not a channel: the base of Rakuten (IKCWebservice, ASMX) and EZ Commerce
(WCF). zeep reads the WSDL and builds/parses every envelope; the request goes
through the kit's one loop (:meth:`~kit.connectors.base.Connector.request`:
rate limit, retries, timeouts, the response table, scrubbing) by way of
:class:`KitTransport`, a zeep transport whose ``post_xml`` and ``load`` are
the connector's requests. zeep never opens a connection of its own.

Where the contract comes from (channel setting ``wsdl``, :class:`ContractSource`):

* ``loja`` (default): the store's own WSDL, ``GET <service path>?wsdl`` on the
  channel's address (imports it references are fetched the same way, only
  from that host);
* a folder: ``<folder>/<service>.wsdl`` files the user saved from the store;
* ``inferido``: the kit's bundled reading of the public documents
  (``kit/data/wsdl/<type>/``), **inferred**; ``test_connection()`` says so.

Faults: :class:`SoapResponseTable` classifies a ``soap:Fault`` answer by its
``faultcode``/``faultstring`` into :class:`SoapAuthFault` (credentials),
:class:`SoapClientFault` (refused, not retried) or :class:`SoapServerFault`
(retried); a success that is not XML is :class:`MalformedXml`. An answer that
does not fit the WSDL is a ChannelFatalError.
"""

from __future__ import annotations

import logging
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
import zeep
from defusedxml import ElementTree as SafeET
from requests.structures import CaseInsensitiveDict
from zeep.exceptions import Error as ZeepError
from zeep.helpers import serialize_object

from kit.connectors.base import Connector
from kit.connectors.model import ConnectionReport
from kit.connectors.responses import (
    CHANNEL,
    CONFIGURATION,
    FAIL,
    REFRESH_THEN_RETRY,
    RETRY,
    TRANSIENT,
    MalformedBody,
    ResponseRule,
    ResponseTable,
)
from kit.errors import ChannelFatalError, ConfigurationError, KitError
from kit.scrub import clip, scrub

__all__ = [
    "SoapFault",
    "SoapAuthFault",
    "SoapClientFault",
    "SoapServerFault",
    "MalformedXml",
    "SOAP_RULES",
    "AUTH_FAULT_PATTERN",
    "SoapResponseTable",
    "ContractSource",
    "ContractUnavailable",
    "KitTransport",
    "SoapConnector",
    "find_fault",
    "MAX_WSDL_BYTES",
    "unsent_note",
]

log = logging.getLogger("kit.connectors.soap")

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
#: a WSDL (or one schema it imports) larger than this is refused
MAX_WSDL_BYTES = 5_000_000
#: faultstrings that mean "the keys/login are wrong" (PT and EN wording of ASMX/WCF services)
AUTH_FAULT_PATTERN = re.compile(
    r"autentica|credencia|chave[s]? (de acesso )?inv|senha|login|unauthori[sz]ed|access is denied|not authenticated",
    re.IGNORECASE,
)
#: the kit's reading of each channel's documents, as WSDL files (inferred contracts)
BUNDLED = Path(__file__).resolve().parents[1] / "data" / "wsdl"
ZEEP_SETTINGS = zeep.Settings(strict=True, xml_huge_tree=False, forbid_dtd=True, forbid_entities=True)


class MalformedXml(MalformedBody):
    """A success answer whose body is not a SOAP envelope."""


class SoapFault(Exception):
    """A ``soap:Fault`` answer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class SoapAuthFault(SoapFault):
    """The service refused the credentials."""


class SoapClientFault(SoapFault):
    """The service refused the request (``soap:Client``)."""


class SoapServerFault(SoapFault):
    """The service failed (``soap:Server``): may pass on a retry."""


class ContractUnavailable(ConfigurationError):
    """The service's WSDL could not be read from where the channel's ``wsdl`` setting points."""


#: Rows for SOAP answers, looked up before the connector's own rows and the defaults.
SOAP_RULES: tuple[ResponseRule, ...] = (
    ResponseRule(SoapAuthFault, REFRESH_THEN_RETRY, CONFIGURATION, "o canal recusou as credenciais"),
    ResponseRule(SoapServerFault, RETRY, TRANSIENT, "o canal teve um erro interno (SOAP fault)"),
    ResponseRule(SoapClientFault, FAIL, CHANNEL, "o canal recusou a requisição (SOAP fault)"),
    ResponseRule(MalformedXml, FAIL, CHANNEL, "o canal respondeu com um XML malformado"),
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(content: bytes) -> ET.Element:
    try:
        return SafeET.fromstring(content)
    except Exception as exc:  # ParseError, DTD/entity refusals from defusedxml
        raise MalformedXml(f"not well-formed XML: {type(exc).__name__}") from None


def find_fault(root: ET.Element) -> tuple[str, str] | None:
    """``(faultcode, faultstring)`` when ``root`` is a SOAP 1.1 envelope carrying a fault."""
    if _local(root.tag) != "Envelope":
        return None
    body = next((c for c in root if _local(c.tag) == "Body"), None)
    fault = next((c for c in body if _local(c.tag) == "Fault"), None) if body is not None else None
    if fault is None:
        return None
    fields = {_local(c.tag): (c.text or "") for c in fault}
    return fields.get("faultcode", ""), fields.get("faultstring", "")


class SoapResponseTable(ResponseTable):
    """The response table with SOAP faults classified from the body (the ``for_response`` hook)."""

    auth_pattern: ClassVar[re.Pattern[str]] = AUTH_FAULT_PATTERN

    def __init__(self, overrides: Iterable[ResponseRule] = ()) -> None:
        super().__init__((*SOAP_RULES, *overrides))

    def classify(self, code: str, message: str) -> SoapFault:
        """The fault's class: auth (by faultstring), client or server (by faultcode)."""
        kind = _local(code).split(".")[0].lower().rsplit(":", 1)[-1]
        if self.auth_pattern.search(message):
            return SoapAuthFault(code, message)
        if kind in ("client", "sender", "versionmismatch", "mustunderstand"):
            return SoapClientFault(code, message)
        return SoapServerFault(code, message)

    def _root(self, raw: requests.Response) -> ET.Element:
        cached = getattr(raw, "_kit_xml", None)
        if cached is None:
            cached = _parse(raw.content)
            raw._kit_xml = cached  # type: ignore[attr-defined]
        return cached

    def for_response(self, raw: requests.Response) -> ResponseRule | None:
        if raw.status_code < 300 or raw.content.lstrip().startswith(b"<"):
            try:
                root = self._root(raw)
            except MalformedXml as exc:
                return self.for_exception(exc) if raw.status_code < 300 else self.for_status(raw.status_code)
            fault = find_fault(root)
            if fault is not None:
                return self.for_exception(self.classify(*fault))
            if raw.status_code < 300:
                return None
        return self.for_status(raw.status_code)

    def detail(self, raw: requests.Response) -> str | None:
        try:
            fault = find_fault(self._root(raw))
        except MalformedXml:
            return None
        return clip(fault[1], 300) if fault else None


@dataclass(frozen=True, slots=True)
class ContractSource:
    """Where a channel's WSDL comes from: ``loja`` (the store), a folder, or ``inferido`` (bundled)."""

    kind: str  # "loja" | "pasta" | "inferido"
    folder: Path | None = None

    @classmethod
    def from_setting(cls, value: str | None, channel: str) -> ContractSource:
        text = (value or "loja").strip()
        if text.lower() in ("loja", "store"):
            return cls("loja")
        if text.lower() in ("inferido", "inferred"):
            return cls("inferido")
        folder = Path(text).expanduser()
        if not folder.is_dir():
            raise ConfigurationError(
                f"settings.wsdl aponta para {text!r}, que não é uma pasta",
                channel=channel,
                hint=f"grave os arquivos WSDL da loja (<serviço>.wsdl) numa pasta e rode 'kit channels set {channel} "
                "settings.wsdl=<pasta>', ou use settings.wsdl=loja / settings.wsdl=inferido",
            )
        return cls("pasta", folder.resolve())

    @property
    def inferred(self) -> bool:
        return self.kind == "inferido"


class KitTransport(zeep.Transport):
    """zeep's transport replaced by the connector's request loop (one per service)."""

    def __init__(self, connector: SoapConnector, service: str) -> None:
        super().__init__(cache=None)
        self.connector, self.service = connector, service
        self.local = threading.local()

    def load(self, url: str) -> bytes:
        """A WSDL or schema: from the chosen folder, the bundled data, or the channel's own host."""
        return self.connector.read_contract_document(url)

    def post_xml(self, address: str, envelope: Any, headers: dict[str, str]) -> Any:
        from lxml import etree

        body = etree.tostring(envelope, encoding="utf-8", xml_declaration=True)
        sent = {k: v for k, v in headers.items() if k.lower() in ("soapaction", "content-type")}
        response = self.connector.request(
            "POST",
            self.connector.services[self.service],
            data=body,
            headers=sent,
            family=getattr(self.local, "family", "write"),
            expect_json=False,
        )
        self.local.response = response
        return SimpleNamespace(
            status_code=response.status,
            content=response.content,
            headers=CaseInsensitiveDict(response.headers),
            encoding="utf-8",
        )

    def post(self, address: str, message: Any, headers: dict[str, str]) -> Any:
        raise ConfigurationError("o zeep tentou enviar fora do laço de requisições do kit", channel=self.connector.name)

    def get(self, address: str, params: Any, headers: dict[str, str]) -> Any:
        raise ConfigurationError("o zeep tentou ler fora do laço de requisições do kit", channel=self.connector.name)


def unsent_note(item: Any, reasons: dict[str, str]) -> str:
    """pt-BR: what of ``item`` the channel cannot carry, with why (``field -> reason``), for ``PublishResult.note``.

    Only fields the item actually has are named (an empty brand is not "not sent").
    """
    return "; ".join(why for name, why in reasons.items() if getattr(item, name, None) not in (None, "", [], {}))


class SoapConnector(Connector):
    """A connector whose operations are calls described by the store's WSDL.

    Subclasses declare :attr:`services` (service name -> URL path) and call
    :meth:`call`; the WSDL decides names, order, types and the SOAPAction.
    """

    json_body = False
    response_table_class = SoapResponseTable
    default_headers = {"Content-Type": "text/xml; charset=utf-8", "Accept": "text/xml"}
    #: service name -> path on the channel's address, e.g. {"estoque": "/ikcwebservice/estoque.asmx"}
    services: ClassVar[dict[str, str]] = {}
    #: the services ``test_connection()`` must read (default: all); publishing-only ones fail per item instead
    required_services: ClassVar[tuple[str, ...] | None] = None

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.source = ContractSource.from_setting(self.settings.get("wsdl"), self.channel.name)
        self._clients: dict[str, zeep.Client] = {}
        self._clients_lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.channel.name

    # -- the contract ------------------------------------------------------------------------
    def wsdl_location(self, service: str) -> str:
        """Where zeep reads ``service``'s WSDL from (a URL on the channel's host or a file path)."""
        if self.source.kind == "loja":
            return f"{self.base_url}{self.services[service]}?wsdl"
        if self.source.kind == "pasta":
            return str(self.source.folder / f"{service}.wsdl")  # type: ignore[operator]
        return str(BUNDLED / self.channel.type / f"{service}.wsdl")

    def read_contract_document(self, url: str) -> bytes:
        """One WSDL/XSD document, only from the allowed places (never another host, never a local file elsewhere)."""
        if self.source.kind != "loja":
            folder = self.source.folder if self.source.kind == "pasta" else BUNDLED / self.channel.type
            path = Path(url).resolve()
            if folder not in path.parents:
                raise ContractUnavailable(f"o WSDL aponta para {url}, fora de {folder}", channel=self.name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ContractUnavailable(f"não foi possível ler {path}: {exc.strerror}", channel=self.name) from None
        else:
            wanted, ours = urlsplit(url), urlsplit(self.base_url)
            if (wanted.scheme, wanted.netloc) != (ours.scheme, ours.netloc):
                raise ContractUnavailable(f"o WSDL aponta para outro endereço ({wanted.netloc})", channel=self.name)
            try:
                data = self.request("GET", url, family="read", expect_json=False).content
            except ChannelFatalError as exc:
                if not exc.status or exc.status < 400:
                    raise  # a malformed answer is the channel's fault, reported as such
                raise ContractUnavailable(f"a loja não serviu o WSDL {wanted.path}?wsdl: {exc.message}",
                                          channel=self.name) from None  # fmt: skip
        if len(data) > MAX_WSDL_BYTES:
            raise ContractUnavailable(f"{url} tem mais de {MAX_WSDL_BYTES} bytes", channel=self.name)
        return data

    def client(self, service: str) -> zeep.Client:
        """The zeep client of ``service`` (WSDL read once per connector)."""
        with self._clients_lock:
            found = self._clients.get(service)
            if found is None:
                transport = KitTransport(self, service)
                counted = getattr(self._local, "attempts", 0)  # reading the contract is no item's attempt
                try:
                    found = zeep.Client(self.wsdl_location(service), transport=transport, settings=ZEEP_SETTINGS)
                except KitError:
                    raise
                except (ZeepError, ValueError, SyntaxError) as exc:  # XMLSyntaxError is a SyntaxError
                    raise ContractUnavailable(
                        f"o WSDL de {service} não pode ser lido: {type(exc).__name__}: {scrub(str(exc))[:200]}",
                        channel=self.name,
                    ) from None
                finally:
                    self._local.attempts = counted
                self._clients[service] = found
            return found

    def operation(self, service: str, name: str) -> Any:
        """zeep's binding operation (raises ContractUnavailable when the WSDL has no such operation)."""
        binding = self.client(service).service._binding
        try:
            return binding.get(name)
        except ValueError:
            raise ContractUnavailable(f"o WSDL de {service} não tem a operação {name}", channel=self.name) from None

    def call(self, service: str, name: str, params: dict[str, Any], *, family: str = "write", **extra: Any) -> Any:
        """Call ``name`` of ``service`` with ``params`` (names as the WSDL spells them); the result as dicts."""
        client = self.client(service)
        transport: KitTransport = client.transport
        transport.local.family = family
        self.operation(service, name)
        try:
            result = client.service[name](**params, **extra)
        except KitError:
            raise
        except TypeError as exc:  # a parameter the WSDL does not have
            raise ChannelFatalError(f"{name}: {exc}", channel=self.name, hint="o WSDL da loja define os parâmetros; "
                                    "confira settings.wsdl e docs/channels.md") from None  # fmt: skip
        except ZeepError as exc:
            response = getattr(transport.local, "response", None)
            raise ChannelFatalError(
                f"{name}: a requisição ou a resposta do canal não segue o WSDL: {scrub(str(exc))[:300]}",
                channel=self.name,
                method="POST",
                path=self.services[service],
                status=getattr(response, "status", None),
                request_id=getattr(response, "request_id", None),
            ) from None
        return serialize_object(result, target_cls=dict)

    # -- connection report ---------------------------------------------------------------------
    def contract_note(self) -> str:
        """pt-BR: where this connector's contract came from, for the connection report."""
        if self.source.kind == "loja":
            return "contrato lido do WSDL publicado pela loja"
        if self.source.kind == "pasta":
            return f"contrato lido dos WSDL salvos em {self.source.folder}"
        return (
            "ATENÇÃO: contrato inferido (leitura do kit dos documentos públicos, sem o WSDL real da loja); "
            "confira antes de produção com settings.wsdl=loja ou uma pasta com os WSDL da loja"
        )

    def test_connection(self) -> ConnectionReport:
        try:
            for service in self.required_services or tuple(self.services):
                self.client(service)
        except ContractUnavailable as exc:
            return ConnectionReport(
                False,
                f"não foi possível ler o contrato SOAP ({exc.message}); salve os WSDL da loja numa pasta e aponte "
                f"settings.wsdl para ela, ou use settings.wsdl=inferido (contrato inferido, não confirmado)",
                [],
                {"contract": self.source.kind, "error": exc.to_dict()},
            )
        except KitError:
            pass  # credentials or the channel itself: the connection test below reports them
        report = super().test_connection()
        note = self.contract_note()
        report.details = {**report.details, "contract": self.source.kind, "contract_note": note}
        report.message = f"{report.message}; {note}" if report.message else note
        return report
