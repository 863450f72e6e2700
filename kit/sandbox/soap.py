"""The SOAP sandbox base: a SOAP 1.1 service declared as data, served with its own WSDL.

Not a channel: Rakuten's and EZ Commerce's sandboxes declare a
:class:`Contract` (operations, their parameters and result types, written
from the channel's documents) and one handler per operation::

    @operation("estoque", "Salvar")
    def salvar(self, params: dict, req: Request) -> Any: ...

From the contract alone the base:

* serves the service's WSDL at ``GET <path>?wsdl`` (:func:`render_wsdl`), so a
  connector can read the contract from the "store" as it would from a real one;
* parses each request with its own code (``defusedxml``, no entity expansion)
  and validates it strictly (:func:`read_params`): unknown elements, missing
  required elements, text where the schema says ``int``/``decimal``/``boolean``
  are refused with the ``soap:Client`` fault an ASMX service sends;
* checks the ``SOAPAction`` header against the operation in the body;
* serializes the handler's Python value in the declared type's element order
  (:func:`write_value`), so the answer is valid against the served WSDL.

Faults travel as HTTP 500 with a ``soap:Fault`` (SOAP 1.1). The shared fault
knobs apply: injected errors are ``soap:Server`` faults, ``malformed``
truncates the XML. This module imports nothing from :mod:`kit.connectors`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from defusedxml import ElementTree as SafeET

from kit.sandbox.base import Reply, Request, SandboxServer

__all__ = [
    "SoapSandbox",
    "Fault",
    "Field",
    "Complex",
    "Enum",
    "Operation",
    "Contract",
    "operation",
    "read_params",
    "write_value",
    "render_wsdl",
    "SOAP_ENV",
    "XSI",
    "XML",
]

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XML = "text/xml; charset=utf-8"
SIMPLE = ("string", "int", "decimal", "double", "boolean", "dateTime", "anyType")
# What ASMX answers when the request body does not fit the schema (XmlSerializer), soap:Client.
UNREADABLE = "Server was unable to read request. ---> There is an error in XML document."


class Fault(Exception):
    """Raised by a handler or the validation: answered as a ``soap:Fault``."""

    def __init__(self, message: str, *, code: str = "soap:Client", status: int = 500) -> None:
        super().__init__(message)
        self.code, self.status = code, status


@dataclass(frozen=True, slots=True)
class Field:
    """One element of a sequence: name, type (simple, complex or enum name), occurrence."""

    name: str
    type: str = "string"
    required: bool = False
    many: bool = False
    nillable: bool = False


@dataclass(frozen=True, slots=True)
class Complex:
    """A complex type: its elements, in order."""

    name: str
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Enum:
    """A string enumeration (``xs:restriction`` of ``xs:string``)."""

    name: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of one service: request elements, result type, SOAP header element (if any)."""

    service: str
    name: str
    params: tuple[Field, ...]
    result: str | None
    header: str | None = None


@dataclass(slots=True)
class Contract:
    """A channel's SOAP contract as the sandbox reads it from the documents.

    Attributes:
        namespace: target namespace of elements and types.
        services: URL path -> (service name, WSDL service/port name).
        types: complex types and enums by name.
        operations: every operation of every service.
        action: ``(service, operation) -> SOAPAction``.
    """

    namespace: str
    services: dict[str, tuple[str, str]]
    types: dict[str, Complex | Enum]
    operations: tuple[Operation, ...]
    action: Callable[[str, str], str]
    _index: dict[tuple[str, str], Operation] = field(default_factory=dict)

    def op(self, service: str, name: str) -> Operation | None:
        if not self._index:
            self._index = {(o.service, o.name): o for o in self.operations}
        return self._index.get((service, name))


def operation(service: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the handler of operation ``name`` of ``service`` (e.g. ``"estoque"``, ``"Salvar"``)."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__dict__.setdefault("_soap_ops", []).append((service, name))
        return fn

    return deco


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# -- reading requests ------------------------------------------------------------------
def _simple(kind: str, el: ET.Element, where: str) -> Any:
    text = el.text or ""
    if el.get(f"{{{XSI}}}nil") == "true":
        return None
    try:
        if kind == "int":
            return int(text.strip())
        if kind in ("decimal", "double"):
            return Decimal(text.strip())
        if kind == "boolean":
            if text.strip() not in ("true", "false", "1", "0"):
                raise ValueError(text)
            return text.strip() in ("true", "1")
    except (ValueError, InvalidOperation):
        raise Fault(f"{UNREADABLE} ---> Input string was not in a correct format ({where}).") from None
    return text


def _read(el: ET.Element, f: Field, types: dict[str, Complex | Enum], where: str) -> Any:
    kind = types.get(f.type)
    if isinstance(kind, Complex):
        return read_params(el, kind.fields, types, where)
    if isinstance(kind, Enum):
        if (el.text or "") not in kind.values:
            raise Fault(f"{UNREADABLE} ---> Instance validation error: '{el.text}' is not a valid value for {f.type}.")
        return el.text
    return _simple(f.type, el, where)


def read_params(
    parent: ET.Element, fields: tuple[Field, ...], types: dict[str, Complex | Enum], where: str = ""
) -> dict[str, Any]:
    """The children of ``parent`` as ``{name: value}``, validated against ``fields`` (raises :class:`Fault`)."""
    known = {f.name: f for f in fields}
    out: dict[str, Any] = {}
    for child in parent:
        name = _local(child.tag)
        f = known.get(name)
        if f is None:
            raise Fault(f"{UNREADABLE} ---> <{name}> was not expected in {where or _local(parent.tag)}.")
        value = _read(child, f, types, f"{where}/{name}")
        if f.many:
            out.setdefault(name, []).append(value)
        elif name in out:
            raise Fault(f"{UNREADABLE} ---> <{name}> appears twice in {where or _local(parent.tag)}.")
        else:
            out[name] = value
    for f in fields:
        if f.required and f.name not in out:
            raise Fault(f"{UNREADABLE} ---> required element <{f.name}> is missing in {where or _local(parent.tag)}.")
        if f.many:
            out.setdefault(f.name, [])
    return out


# -- writing answers --------------------------------------------------------------------
def _text(kind: str, value: Any) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("decimal", "double"):
        return format(Decimal(str(value)).quantize(Decimal("0.01")), "f")
    if kind == "int":
        return str(int(value))
    return str(value)


def write_value(parent: ET.Element, f: Field, value: Any, contract: Contract) -> None:
    """Append ``value`` as element(s) ``f`` under ``parent``, in the declared order of its type.

    Elements are written unprefixed: the response element declares the contract
    namespace as the default one (no global prefix registry, so sandboxes of
    different channels can answer at the same time).
    """
    values = value if f.many else [value]
    for item in values:
        if item is None:
            if f.nillable:
                ET.SubElement(parent, f.name, {f"{{{XSI}}}nil": "true"})
            elif f.required:
                raise ValueError(f"sandbox bug: required element {f.name} has no value")
            continue
        el = ET.SubElement(parent, f.name)
        kind = contract.types.get(f.type)
        if isinstance(kind, Complex):
            for sub in kind.fields:
                write_value(el, sub, item.get(sub.name), contract)
        elif f.type == "anyType" and isinstance(item, tuple):  # (declared type name, value): xsi:type
            type_name, inner = item
            el.set("xmlns:t", contract.namespace)
            el.set(f"{{{XSI}}}type", f"t:{type_name}")
            for sub in contract.types[type_name].fields:  # type: ignore[union-attr]
                write_value(el, sub, inner.get(sub.name), contract)
        else:
            el.text = _text(f.type, item)


# -- the WSDL --------------------------------------------------------------------------
def _schema_field(seq: ET.Element, f: Field) -> None:
    ref = f"s:{f.type}" if f.type in SIMPLE else f"tns:{f.type}"
    attrs = {"minOccurs": "1" if f.required else "0", "maxOccurs": "unbounded" if f.many else "1", "name": f.name}
    if f.nillable:
        attrs["nillable"] = "true"
    attrs["type"] = ref
    ET.SubElement(seq, f"{{{XS}}}element", attrs)


def _schema(contract: Contract, ops: list[Operation]) -> ET.Element:
    schema = ET.Element(f"{{{XS}}}schema", {"elementFormDefault": "qualified", "targetNamespace": contract.namespace})
    for op in ops:
        for name, fields in ((op.name, op.params), (f"{op.name}Response", ())):
            el = ET.SubElement(schema, f"{{{XS}}}element", {"name": name})
            seq = ET.SubElement(ET.SubElement(el, f"{{{XS}}}complexType"), f"{{{XS}}}sequence")
            if name.endswith("Response") and op.result:
                fields = (Field(f"{op.name}Result", op.result),)
            for f in fields:
                _schema_field(seq, f)
    for kind in contract.types.values():
        if isinstance(kind, Enum):
            simple = ET.SubElement(schema, f"{{{XS}}}simpleType", {"name": kind.name})
            rest = ET.SubElement(simple, f"{{{XS}}}restriction", {"base": "s:string"})
            for v in kind.values:
                ET.SubElement(rest, f"{{{XS}}}enumeration", {"value": v})
            continue
        ctype = ET.SubElement(schema, f"{{{XS}}}complexType", {"name": kind.name})
        seq = ET.SubElement(ctype, f"{{{XS}}}sequence")
        for f in kind.fields:
            _schema_field(seq, f)
    for header in {op.header for op in ops if op.header}:
        ET.SubElement(schema, f"{{{XS}}}element", {"name": header, "type": f"tns:{header}"})
    return schema


def render_wsdl(contract: Contract, path: str, location: str) -> bytes:
    """The WSDL 1.1 document of the service at ``path`` (document/literal, SOAP 1.1), addressed at ``location``."""
    service, port = contract.services[path]
    ops = [o for o in contract.operations if o.service == service]
    ET.register_namespace("wsdl", WSDL)
    ET.register_namespace("wsoap", WSDL_SOAP)
    ET.register_namespace("s", XS)
    # The contract namespace appears only in attribute values (tns:Type), which ElementTree does not declare.
    root = ET.Element(
        f"{{{WSDL}}}definitions", {"targetNamespace": contract.namespace, "xmlns:tns": contract.namespace}
    )
    ET.SubElement(root, f"{{{WSDL}}}types").append(_schema(contract, ops))
    port_type = ET.Element(f"{{{WSDL}}}portType", {"name": f"{port}Soap"})
    binding = ET.Element(f"{{{WSDL}}}binding", {"name": f"{port}Soap", "type": f"tns:{port}Soap"})
    ET.SubElement(binding, f"{{{WSDL_SOAP}}}binding", {"transport": "http://schemas.xmlsoap.org/soap/http"})
    for op in ops:
        for suffix, element in (("SoapIn", op.name), ("SoapOut", f"{op.name}Response")):
            msg = ET.SubElement(root, f"{{{WSDL}}}message", {"name": f"{op.name}{suffix}"})
            ET.SubElement(msg, f"{{{WSDL}}}part", {"name": "parameters", "element": f"tns:{element}"})
        if op.header:
            msg = ET.SubElement(root, f"{{{WSDL}}}message", {"name": f"{op.name}{op.header}"})
            ET.SubElement(msg, f"{{{WSDL}}}part", {"name": op.header, "element": f"tns:{op.header}"})
        pt_op = ET.SubElement(port_type, f"{{{WSDL}}}operation", {"name": op.name})
        ET.SubElement(pt_op, f"{{{WSDL}}}input", {"message": f"tns:{op.name}SoapIn"})
        ET.SubElement(pt_op, f"{{{WSDL}}}output", {"message": f"tns:{op.name}SoapOut"})
        b_op = ET.SubElement(binding, f"{{{WSDL}}}operation", {"name": op.name})
        action = contract.action(service, op.name)
        ET.SubElement(b_op, f"{{{WSDL_SOAP}}}operation", {"soapAction": action, "style": "document"})
        b_in = ET.SubElement(b_op, f"{{{WSDL}}}input")
        ET.SubElement(b_in, f"{{{WSDL_SOAP}}}body", {"use": "literal"})
        if op.header:
            attrs = {"message": f"tns:{op.name}{op.header}", "part": op.header, "use": "literal"}
            ET.SubElement(b_in, f"{{{WSDL_SOAP}}}header", attrs)
        ET.SubElement(ET.SubElement(b_op, f"{{{WSDL}}}output"), f"{{{WSDL_SOAP}}}body", {"use": "literal"})
    root.extend([port_type, binding])
    svc = ET.SubElement(root, f"{{{WSDL}}}service", {"name": port})
    wport = ET.SubElement(svc, f"{{{WSDL}}}port", {"name": f"{port}Soap", "binding": f"tns:{port}Soap"})
    ET.SubElement(wport, f"{{{WSDL_SOAP}}}address", {"location": location})
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


class SoapSandbox(SandboxServer):
    """Base of the SOAP sandboxes. Subclasses declare :attr:`contract` and one handler per operation."""

    contract: ClassVar[Contract]
    #: does ``GET <path>?wsdl`` need the credentials (IIS Basic on WCF) or not (ASMX)?
    wsdl_needs_auth: ClassVar[bool] = False
    #: operations that only read (tests tell them from writes: every SOAP call is a POST)
    read_operations: ClassVar[frozenset[str]] = frozenset()
    _ops: ClassVar[dict[tuple[str, str], str]] = {}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        ops: dict[tuple[str, str], str] = {}
        for klass in reversed(cls.__mro__):
            for attr, fn in vars(klass).items():
                for key in getattr(fn, "_soap_ops", ()):
                    ops[key] = attr
        cls._ops = ops

    def is_read_request(self, entry: dict[str, Any]) -> bool:
        """Was this logged request a call of a read operation (by its ``SOAPAction``)? Unknown: a write."""
        headers = {k.lower(): v for k, v in (entry.get("headers") or {}).items()}
        action = (headers.get("soapaction") or "").strip('"')
        return entry.get("method") == "GET" or (bool(action) and action.rsplit("/", 1)[-1] in self.read_operations)

    # -- declarations -----------------------------------------------------------------
    def check_soap_auth(self, req: Request, header: dict[str, Any] | None) -> Fault | Reply | None:
        """``None`` when the call carries valid credentials, else the fault or the HTTP reply (IIS 401)."""
        return None

    # -- replies ---------------------------------------------------------------------------
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

    def result_reply(self, op: Operation, result: Any) -> Reply:
        ET.register_namespace("soap", SOAP_ENV)
        ET.register_namespace("xsi", XSI)
        root = ET.Element(f"{{{SOAP_ENV}}}Envelope")
        body = ET.SubElement(root, f"{{{SOAP_ENV}}}Body")
        response = ET.SubElement(body, f"{op.name}Response", {"xmlns": self.contract.namespace})
        if op.result:
            write_value(response, Field(f"{op.name}Result", op.result), result, self.contract)
        return Reply(200, b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root), content_type=XML)

    # -- dispatch ----------------------------------------------------------------------------
    def _service(self, path: str) -> str | None:
        wanted = path.rstrip("/").lower()
        return next((p for p in self.contract.services if p.lower() == wanted), None)

    def _wsdl(self, req: Request, path: str) -> Reply:
        if self.wsdl_needs_auth:
            denied = self.check_soap_auth(req, None)
            if isinstance(denied, Reply):
                return denied
        host = req.header("Host") or "127.0.0.1"
        return Reply(200, render_wsdl(self.contract, path, f"http://{host}{path}"), content_type=XML)

    def _envelope(self, req: Request) -> tuple[ET.Element | None, ET.Element]:
        try:
            root = SafeET.fromstring(req.body)
        except Exception:  # ParseError and defusedxml's refusals (DTD, entities)
            raise Fault(f"{UNREADABLE} ---> the request is not well-formed XML.") from None
        body = next((c for c in root if c.tag == f"{{{SOAP_ENV}}}Body"), None)
        if root.tag != f"{{{SOAP_ENV}}}Envelope" or body is None or len(body) != 1:
            raise Fault("the request is not a SOAP 1.1 envelope with one operation in its body")
        header = next((c for c in root if c.tag == f"{{{SOAP_ENV}}}Header"), None)
        return header, body[0]

    def _header(self, op: Operation, header: ET.Element | None) -> dict[str, Any] | None:
        if op.header is None or header is None:
            return None
        el = next((c for c in header if c.tag == f"{{{self.contract.namespace}}}{op.header}"), None)
        kind = self.contract.types[op.header]
        return read_params(el, kind.fields, self.contract.types, op.header) if el is not None else None  # type: ignore[union-attr]

    def dispatch(self, req: Request) -> Reply:
        path = self._service(req.path)
        if path is None:
            return Reply(404, "<html><body>404 - Not Found</body></html>", content_type="text/html")
        if req.method == "GET" and "wsdl" in {k.lower() for k in req.query}:
            return self._wsdl(req, path)
        if req.method != "POST":
            return Reply(405, "Method Not Allowed", content_type="text/plain")
        service = self.contract.services[path][0]
        try:
            header_el, op_el = self._envelope(req)
            op = self.contract.op(service, _local(op_el.tag))
            if op is None or op_el.tag != f"{{{self.contract.namespace}}}{op.name}":
                raise Fault(f"Server did not recognize the value of HTTP Header SOAPAction: {_local(op_el.tag)}.")
            action = (req.header("SOAPAction") or "").strip('"')
            if action != self.contract.action(service, op.name):
                raise Fault(f"Server did not recognize the value of HTTP Header SOAPAction: {action}.")
            denied = self.check_soap_auth(req, self._header(op, header_el))
            if isinstance(denied, Reply):
                return denied
            if denied is not None:
                raise denied
            params = read_params(op_el, op.params, self.contract.types, op.name)
            result = getattr(self, self._ops[(service, op.name)])(params, req)
        except Fault as fault:
            return self.fault_reply(fault.status, fault.code, str(fault))
        return result if isinstance(result, Reply) else self.result_reply(op, result)
