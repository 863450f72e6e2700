"""SOAP 1.1 (document/literal) on the shared base: envelopes, fault classification, a connector class.

Not a channel: the base for the SOAP channels (Rakuten IKCWebservice, EZ
Commerce WCF services). Plain XML over the base's one request loop; parsing
goes through ``defusedxml`` (no entity expansion, no external references).

* :func:`envelope` builds ``<soap:Envelope>`` with an optional header and the
  operation element; values are scalars, dicts (nested elements, in order),
  :class:`SoapArray` (repeated item elements) or ``None`` (``xsi:nil``).
* :class:`SoapResponseTable` is the base's response table with one hook
  overridden: an answer carrying a ``soap:Fault`` is classified by its
  ``faultcode``/``faultstring`` into :class:`SoapAuthFault` (bad keys ->
  AuthenticationError), :class:`SoapClientFault` (refused, not retried) or
  :class:`SoapServerFault` (retried), through ordinary rows
  (:data:`SOAP_RULES`); a success whose body is not XML is
  :class:`MalformedXml`. Faults with no SOAP body fall back to the status rows.
* :class:`SoapConnector` adds :meth:`SoapConnector.call` (one operation, one
  request through the loop) to :class:`~kit.connectors.base.Connector`.

See ``docs/channels.md`` for what is known of each SOAP channel.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import requests
from defusedxml import ElementTree as SafeET

from kit.connectors.base import Connector
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
from kit.errors import ChannelFatalError
from kit.scrub import clip

__all__ = [
    "SOAP_ENV",
    "XSI",
    "SoapArray",
    "SoapFault",
    "SoapAuthFault",
    "SoapClientFault",
    "SoapServerFault",
    "MalformedXml",
    "SOAP_RULES",
    "AUTH_FAULT_PATTERN",
    "SoapResponseTable",
    "SoapConnector",
    "envelope",
    "parse_xml",
    "find_fault",
    "local",
    "child",
    "children",
    "text",
    "leaf_dict",
    "add_element",
    "set_value",
]

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: faultstrings that mean "the keys/login are wrong" (PT and EN wording of ASMX/WCF services)
AUTH_FAULT_PATTERN = re.compile(
    r"autentica|credencia|chave[s]? (de acesso )?inv|senha|login|unauthori[sz]ed|access is denied|not authenticated",
    re.IGNORECASE,
)


@dataclass(slots=True)
class SoapArray:
    """A list serialized as repeated ``item`` elements (``ArrayOfstring`` -> ``<string>`` items)."""

    item: str
    items: list[Any] = field(default_factory=list)
    namespace: str | None = None  # items' namespace when it differs from the parent's


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


#: Rows for SOAP answers, looked up before the connector's own rows and the defaults.
SOAP_RULES: tuple[ResponseRule, ...] = (
    ResponseRule(SoapAuthFault, REFRESH_THEN_RETRY, CONFIGURATION, "the channel rejected the credentials"),
    ResponseRule(SoapServerFault, RETRY, TRANSIENT, "the channel had an internal error (SOAP fault)"),
    ResponseRule(SoapClientFault, FAIL, CHANNEL, "the channel refused the request (SOAP fault)"),
    ResponseRule(MalformedXml, FAIL, CHANNEL, "the channel answered with malformed XML"),
)


# -- XML helpers -----------------------------------------------------------------------
def local(tag: str) -> str:
    """``{namespace}Name`` -> ``Name``."""
    return tag.rsplit("}", 1)[-1]


def parse_xml(content: bytes) -> ET.Element:
    """Parse untrusted XML safely (raises :class:`MalformedXml`)."""
    try:
        return SafeET.fromstring(content)
    except Exception as exc:  # ParseError, DTD/entity refusals from defusedxml
        raise MalformedXml(f"not well-formed XML: {type(exc).__name__}") from None


def child(el: ET.Element | None, name: str) -> ET.Element | None:
    """First child with local name ``name``."""
    if el is None:
        return None
    return next((c for c in el if local(c.tag) == name), None)


def children(el: ET.Element | None, name: str | None = None) -> list[ET.Element]:
    """Children (with local name ``name``)."""
    if el is None:
        return []
    return [c for c in el if name is None or local(c.tag) == name]


def text(el: ET.Element | None, name: str, default: str | None = None) -> str | None:
    """Text of the child ``name`` (``default`` when absent, empty or nil)."""
    found = child(el, name)
    if found is None or found.get(f"{{{XSI}}}nil") == "true" or found.text is None:
        return default
    return found.text


def leaf_dict(el: ET.Element | None) -> dict[str, str | None]:
    """``{local name: text}`` of the childless children of ``el``."""
    return {local(c.tag): c.text for c in children(el) if len(c) == 0}


def find_fault(root: ET.Element) -> tuple[str, str] | None:
    """``(faultcode, faultstring)`` when ``root`` is an envelope carrying a fault."""
    body = child(root, "Body") if local(root.tag) == "Envelope" else None
    fault = child(body, "Fault")
    if fault is None:
        return None
    return (text(fault, "faultcode") or "", text(fault, "faultstring") or "")


def set_value(el: ET.Element, value: Any, ns: str | None) -> None:
    if value is None:
        el.set(f"{{{XSI}}}nil", "true")
    elif isinstance(value, SoapArray):
        for item in value.items:
            add_element(el, value.item, item, value.namespace or ns)
    elif isinstance(value, dict):
        for key, sub in value.items():
            add_element(el, key, sub, ns)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    elif isinstance(value, float):
        el.text = f"{value:.2f}"
    else:
        el.text = str(value)


def add_element(parent: ET.Element, name: str, value: Any, ns: str | None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ns}}}{name}" if ns else name)
    set_value(el, value, ns)
    return el


def envelope(
    operation: str,
    namespace: str,
    params: dict[str, Any] | Iterable[tuple[str, Any]],
    *,
    header: tuple[str, dict[str, Any]] | None = None,
    header_namespace: str | None = None,
) -> bytes:
    """A SOAP 1.1 document/literal request: ``<operation xmlns=namespace>`` with ``params`` in order.

    Args:
        operation: the operation element's local name.
        namespace: the service namespace (also the default for parameters).
        params: parameter name -> value (see the module docstring for value types).
        header: ``(element name, {child: value})`` placed in ``soap:Header``.
        header_namespace: namespace of the header element (default: ``namespace``).
    """
    ET.register_namespace("soap", SOAP_ENV)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{SOAP_ENV}}}Envelope")
    if header is not None:
        head = ET.SubElement(root, f"{{{SOAP_ENV}}}Header")
        add_element(head, header[0], header[1], header_namespace or namespace)
    body = ET.SubElement(root, f"{{{SOAP_ENV}}}Body")
    op = ET.SubElement(body, f"{{{namespace}}}{operation}")
    for name, value in params.items() if isinstance(params, dict) else params:
        add_element(op, name, value, namespace)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


class SoapResponseTable(ResponseTable):
    """The response table with SOAP faults classified from the body (the ``for_response`` hook)."""

    auth_pattern: ClassVar[re.Pattern[str]] = AUTH_FAULT_PATTERN

    def __init__(self, overrides: Iterable[ResponseRule] = ()) -> None:
        super().__init__((*SOAP_RULES, *overrides))

    def classify(self, code: str, message: str) -> SoapFault:
        """The fault's class: auth (by faultstring), client or server (by faultcode)."""
        kind = local(code).split(".")[0].lower().rsplit(":", 1)[-1]
        if self.auth_pattern.search(message):
            return SoapAuthFault(code, message)
        if kind in ("client", "sender", "versionmismatch", "mustunderstand"):
            return SoapClientFault(code, message)
        return SoapServerFault(code, message)

    def _root(self, raw: requests.Response) -> ET.Element | None:
        cached = getattr(raw, "_kit_xml", None)
        if cached is not None:
            return cached
        root = parse_xml(raw.content)
        raw._kit_xml = root  # type: ignore[attr-defined]
        return root

    def for_response(self, raw: requests.Response) -> ResponseRule | None:
        body = raw.content.lstrip()
        if raw.status_code < 300 or body.startswith(b"<"):
            try:
                root = self._root(raw)
            except MalformedXml as exc:
                if raw.status_code < 300:
                    return self.for_exception(exc)
                return self.for_status(raw.status_code)  # an HTML error page: the status decides
            fault = find_fault(root) if root is not None else None
            if fault is not None:
                return self.for_exception(self.classify(*fault))
            if raw.status_code < 300:
                return None
        return self.for_status(raw.status_code)

    def detail(self, raw: requests.Response) -> str | None:
        try:
            root = self._root(raw)
        except MalformedXml:
            return None
        fault = find_fault(root) if root is not None else None
        return clip(fault[1], 300) if fault else None


class SoapConnector(Connector):
    """A connector whose operations are SOAP 1.1 calls.

    Subclasses declare ``namespace`` and may override :meth:`soap_action`
    (``{namespace}/{operation}`` by default, ASMX style) and
    :meth:`soap_header` (credentials carried in the envelope).
    """

    json_body = False
    response_table_class = SoapResponseTable
    default_headers = {"Content-Type": "text/xml; charset=utf-8", "Accept": "text/xml"}
    namespace: ClassVar[str] = ""

    def soap_action(self, service: str, operation: str) -> str:
        return f"{self.namespace.rstrip('/')}/{operation}"

    def soap_header(self) -> tuple[str, dict[str, Any]] | None:
        return None

    def call(
        self,
        path: str,
        operation: str,
        params: dict[str, Any] | Iterable[tuple[str, Any]] = (),
        *,
        service: str = "",
        family: str = "write",
    ) -> ET.Element:
        """Send ``operation`` to ``path``; return its ``<{operation}Result>`` element (namespaces kept).

        Faults, timeouts, malformed answers and 5xx are handled by the request
        loop and its table like any other answer.
        """
        body = envelope(operation, self.namespace, params, header=self.soap_header())
        response = self.request(
            "POST",
            path,
            data=body,
            headers={"SOAPAction": f'"{self.soap_action(service, operation)}"'},
            family=family,
        )
        root = parse_xml(response.content)  # already checked by the table: well-formed
        result = child(child(child(root, "Body"), f"{operation}Response"), f"{operation}Result")
        if result is None:
            raise ChannelFatalError(
                f"the channel's answer to {operation} has no {operation}Result",
                channel=self.channel.name,
                method="POST",
                path=path,
                status=response.status,
                request_id=response.request_id,
            )
        return result
