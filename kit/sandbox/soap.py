"""The SOAP sandbox base: SOAP 1.1 services on the shared sandbox server.

Not a channel: Rakuten's and EZ Commerce's sandboxes subclass
:class:`SoapSandbox` and declare operations::

    @operation("estoque", "Salvar")
    def salvar(self, op: Element, req: Request) -> Any: ...

``op`` is the request's operation element with namespaces stripped; the
handler returns what goes inside ``<SalvarResult>`` (a dict, a list of
``(name, value)`` pairs, :class:`~kit.connectors.soap.SoapArray`, a scalar) or
raises :class:`Fault`. The base checks the envelope and the ``SOAPAction``
header, answers faults with HTTP 500 as SOAP 1.1 does, and plugs into the
shared fault knobs: injected errors are ``soap:Server`` faults with the
injected status, and the ``malformed`` fault truncates the XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, ClassVar

from kit.connectors.soap import SOAP_ENV, MalformedXml, add_element, child, local, parse_xml, set_value
from kit.sandbox.base import Reply, Request, SandboxServer

__all__ = ["SoapSandbox", "Fault", "operation", "strip_namespaces", "XML"]

XML = "text/xml; charset=utf-8"


class Fault(Exception):
    """Raised by an operation handler: answered as a ``soap:Fault``."""

    def __init__(self, message: str, *, code: str = "soap:Client", status: int = 500) -> None:
        super().__init__(message)
        self.code, self.status = code, status


def operation(service: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the handler of operation ``name`` of ``service`` (e.g. ``"estoque"``, ``"Salvar"``)."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__dict__.setdefault("_soap_ops", []).append((service, name))
        return fn

    return deco


def strip_namespaces(el: ET.Element) -> ET.Element:
    """Drop ``{ns}`` from every tag (in place) and return ``el``."""
    for node in el.iter():
        node.tag = local(node.tag)
    return el


class SoapSandbox(SandboxServer):
    """Base of the SOAP sandboxes. Subclasses declare ``services`` and ``namespace`` and their operations."""

    #: URL path -> service name, e.g. {"/ikcwebservice/estoque.asmx": "estoque"}
    services: ClassVar[dict[str, str]] = {}
    namespace: ClassVar[str] = ""
    _ops: ClassVar[dict[tuple[str, str], str]] = {}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        ops: dict[tuple[str, str], str] = {}
        for klass in reversed(cls.__mro__):
            for attr, fn in vars(klass).items():
                for key in getattr(fn, "_soap_ops", ()):
                    ops[key] = attr
        cls._ops = ops

    # -- declarations --------------------------------------------------------------
    def soap_action(self, service: str, name: str) -> str:
        return f"{self.namespace.rstrip('/')}/{name}"

    def check_soap_auth(self, req: Request, header: ET.Element | None) -> Fault | Reply | None:
        """``None`` when the call carries valid credentials, else the fault (or raise for HTTP-level auth)."""
        return None

    # -- replies --------------------------------------------------------------------
    def fault_reply(self, status: int, code: str, message: str) -> Reply:
        ET.register_namespace("soap", SOAP_ENV)
        root = ET.Element(f"{{{SOAP_ENV}}}Envelope")
        fault = ET.SubElement(ET.SubElement(root, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
        ET.SubElement(fault, "faultcode").text = code
        ET.SubElement(fault, "faultstring").text = message
        return Reply(status, b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root), content_type=XML)

    def error_reply(self, status: int, message: str) -> Reply:
        return self.fault_reply(status, "soap:Server" if status >= 500 else "soap:Client", message)

    def malformed_reply(self, reply: Reply) -> Reply:
        return Reply(
            reply.status, b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope><soap:Body><Trunc', reply.headers, XML
        )

    def rate_limited_reply(self, retry_after: int) -> Reply:
        return Reply(429, "Too Many Requests", self.retry_after_headers(retry_after), "text/plain")

    def result_reply(self, name: str, result: Any) -> Reply:
        ET.register_namespace("soap", SOAP_ENV)
        root = ET.Element(f"{{{SOAP_ENV}}}Envelope")
        body = ET.SubElement(root, f"{{{SOAP_ENV}}}Body")
        response = ET.SubElement(body, f"{{{self.namespace}}}{name}Response")
        out = ET.SubElement(response, f"{{{self.namespace}}}{name}Result")
        if isinstance(result, list) and all(isinstance(p, tuple) and len(p) == 2 for p in result):
            for key, value in result:
                add_element(out, key, value, self.namespace)
        else:
            set_value(out, result, self.namespace)
        return Reply(200, b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root), content_type=XML)

    # -- dispatch ---------------------------------------------------------------------
    def dispatch(self, req: Request) -> Reply:
        service = self.services.get(req.path.rstrip("/").lower()) or self.services.get(req.path.rstrip("/"))
        if service is None:
            return Reply(404, "<html><body>404 - Not Found</body></html>", content_type="text/html")
        if req.method != "POST":
            return Reply(405, "Method Not Allowed", content_type="text/plain")
        try:
            root = parse_xml(req.body)
        except MalformedXml:
            return self.fault_reply(
                500, "soap:Client", "Server was unable to read request. There is an error in XML document."
            )
        body = child(root, "Body") if local(root.tag) == "Envelope" else None
        op = next(iter(body), None) if body is not None else None
        if op is None:
            return self.fault_reply(500, "soap:Client", "the request is not a SOAP envelope with a body")
        name = local(op.tag)
        handler = self._ops.get((service, name))
        if handler is None:
            return self.fault_reply(
                500, "soap:Client", f"Server did not recognize the value of HTTP Header SOAPAction: {name}."
            )
        action = (req.header("SOAPAction") or "").strip('"')
        if action != self.soap_action(service, name):
            return self.fault_reply(500, "soap:Client", f"SOAPAction {action!r} does not match operation {name}")
        denied = self.check_soap_auth(req, child(root, "Header"))
        if isinstance(denied, Reply):
            return denied
        if denied is not None:
            return self.fault_reply(denied.status, denied.code, str(denied))
        try:
            result = getattr(self, handler)(strip_namespaces(op), req)
        except Fault as fault:
            return self.fault_reply(fault.status, fault.code, str(fault))
        if isinstance(result, Reply):
            return result
        return self.result_reply(name, result)
