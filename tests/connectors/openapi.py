"""Check sandbox traffic against a channel's published API documents (OpenAPI 3.0 or Swagger 2.0).

A sandbox logs every request it answers (``server.state.requests``: method,
path, query, headers, body, status, response). :class:`ApiSpec` loads the
channel's documents from ``../shared/specs/<channel>/`` and checks each logged
exchange: the operation exists; path, query and header parameters are declared,
typed and present where required; the request body matches its schema; the
answer's status is documented and its body matches that response's schema.

Where a document is known to be wrong, the defect is corrected by a named
:class:`Erratum` that cites the README of that spec (``shared/specs/<channel>/
README.md``, "Known errata") or the document itself. Each erratum changes one
thing; nothing is loosened wholesale.

Usage::

    spec = ApiSpec.load("walmart", ["orders.json", ...], errata=WALMART_ERRATA)
    report = spec.check_log(sandbox.state.requests)
    assert not report.problems, report.text()
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jsonschema

from connectors.openapi_examples import walmart_feed_file as _walmart_feed_file

__all__ = ["SPECS", "Erratum", "ApiSpec", "Operation", "Report", "to_json_schema"]

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"
_METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True, slots=True)
class Erratum:
    """One documented defect of a spec and its correction for validation.

    Attributes:
        key: short name, shown in the test output.
        source: where the defect is written down (README erratum number or the document's own text).
        patch: changes the loaded document of ``file`` (schema fixes).
        file: the document ``patch`` applies to ("" = every document).
        extra_query: ``(operation, regex)``: undeclared query parameters the channel accepts on that
            operation (``"GET /v3/orders"``).
        path_prefix: regex of a path prefix the documents leave out (placeholder base paths).
        nullable_required: in responses, a required property may be ``null``.
        undocumented: ``(operation or "*", status class "2xx"/"4xx", schema)``: the schema of an
            answer the document does not declare.
    """

    key: str
    source: str
    patch: Callable[[dict[str, Any]], None] | None = None
    file: str = ""
    extra_query: tuple[str, str] | None = None
    path_prefix: str = ""
    nullable_required: bool = False
    undocumented: tuple[str, str, dict[str, Any]] | None = None


def _ref(doc: dict[str, Any], ref: str) -> Any:
    target: Any = doc
    for part in ref.lstrip("#/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target


def to_json_schema(node: Any, doc: dict[str, Any], *, nullable_required: bool = False, seen: tuple = ()) -> Any:
    """An OpenAPI 3.0 / Swagger 2.0 schema as JSON Schema draft 4.

    Local ``$ref`` s are resolved (a recursive one accepts anything below), ``nullable`` /
    ``x-nullable`` become a ``null`` type, and examples are dropped. With ``nullable_required``
    every required property also accepts ``null``.
    """
    if isinstance(node, list):
        return [to_json_schema(n, doc, nullable_required=nullable_required, seen=seen) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return {}
        return to_json_schema(_ref(doc, ref), doc, nullable_required=nullable_required, seen=(*seen, ref))
    skip = ("example", "examples", "xml", "discriminator", "readOnly", "writeOnly", "externalDocs", "deprecated")
    out = {
        k: to_json_schema(v, doc, nullable_required=nullable_required, seen=seen)
        for k, v in node.items()
        if k not in skip and not k.startswith("x-")
    }
    if "properties" in node and isinstance(node["properties"], dict):
        # property names are data, not keywords: convert the values only
        out["properties"] = {
            name: to_json_schema(sub, doc, nullable_required=nullable_required, seen=seen)
            for name, sub in node["properties"].items()
        }
    if out.pop("nullable", False) or node.get("x-nullable"):
        _allow_null(out)
    if nullable_required and isinstance(out.get("properties"), dict):
        for name in out.get("required") or ():
            if name in out["properties"]:
                out["properties"][name] = _allow_null(dict(out["properties"][name]))
    return out


def _allow_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` also accepting ``null`` (an untyped schema already does)."""
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema


@dataclass(slots=True)
class Operation:
    """One documented operation: method + path template, with its document."""

    method: str
    template: str
    regex: re.Pattern[str]
    op: dict[str, Any]
    doc: dict[str, Any]
    file: str
    params: list[dict[str, Any]]

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def swagger(self) -> bool:
        return "swagger" in self.doc


@dataclass(slots=True)
class Report:
    """What :meth:`ApiSpec.check_log` found."""

    requests: int = 0
    responses: int = 0
    dropped: int = 0
    operations: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    errata_used: set[str] = field(default_factory=set)

    def add(self, other: Report) -> None:
        self.requests += other.requests
        self.responses += other.responses
        self.dropped += other.dropped
        self.operations |= other.operations
        self.problems += other.problems
        self.errata_used |= other.errata_used

    def text(self, limit: int = 30) -> str:
        return "\n".join(self.problems[:limit])


_SCALAR = {
    "integer": re.compile(r"-?\d+"),
    "number": re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?"),
    "boolean": re.compile(r"true|false"),
}


class ApiSpec:
    """The operations of a channel's documents, with its errata applied."""

    def __init__(self, channel: str, docs: dict[str, dict[str, Any]], errata: Sequence[Erratum] = ()) -> None:
        self.channel = channel
        self.errata = list(errata)
        self.ops: list[Operation] = []
        for name, doc in docs.items():
            for erratum in self.errata:
                if erratum.patch and erratum.file in ("", name):
                    erratum.patch(doc)
            for path, item in doc.get("paths", {}).items():
                shared = list(item.get("parameters") or [])
                regex = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "/?$")
                for method, op in item.items():
                    if method in _METHODS:
                        params = [
                            _ref(doc, p["$ref"]) if "$ref" in p else p for p in shared + (op.get("parameters") or [])
                        ]
                        self.ops.append(Operation(method.upper(), path, regex, op, doc, name, params))
        self.prefixes = [re.compile(e.path_prefix) for e in self.errata if e.path_prefix]
        self._validators: dict[tuple[int, bool], jsonschema.Draft4Validator] = {}
        self.nullable_required = any(e.nullable_required for e in self.errata)

    @classmethod
    def load(cls, channel: str, files: Iterable[str], errata: Sequence[Erratum] = ()) -> ApiSpec:
        """Read ``files`` from ``shared/specs/<channel>/`` (fresh copies: errata patch them)."""
        folder = SPECS / channel
        docs = {name: json.loads((folder / name).read_text(encoding="utf-8")) for name in files}
        return cls(channel, docs, errata)

    # -- lookup ------------------------------------------------------------------------------
    def _spec_path(self, path: str) -> tuple[str, str | None]:
        for regex in self.prefixes:
            m = regex.match(path)
            if m:
                return path[m.end() :] or "/", next(e.key for e in self.errata if e.path_prefix == regex.pattern)
        return path, None

    def find(self, method: str, path: str) -> Operation | None:
        """The operation serving ``method path`` (the most specific template wins)."""
        path, _ = self._spec_path(path)
        found = [o for o in self.ops if o.method == method and o.regex.match(path)]
        return min(found, key=lambda o: o.template.count("{")) if found else None

    # -- checks ------------------------------------------------------------------------------
    def check_log(self, log: Iterable[dict[str, Any]]) -> Report:
        """Check every logged exchange (dropped connections have no answer to check)."""
        report = Report()
        for entry in log:
            self.check_entry(entry, report)
        return report

    def check_entry(self, entry: dict[str, Any], report: Report) -> None:
        if entry.get("status") == "dropped":
            report.dropped += 1  # the sandbox closed the connection before reading the request
            return
        method, path = entry["method"], entry["path"]
        spec_path, prefix_erratum = self._spec_path(path)
        if prefix_erratum:
            report.errata_used.add(prefix_erratum)
        op = self.find(method, path)
        report.requests += 1
        if op is None:
            report.problems.append(f"{method} {path}: no such operation in the {self.channel} documents")
            return
        report.operations.add(op.name)
        where = f"request {op.name}"
        report.problems += [f"{where}: {p}" for p in self._parameters(op, entry, spec_path, report)]
        report.problems += [f"{where}: {p}" for p in self._request_body(op, entry)]
        if isinstance(entry.get("status"), int):
            report.responses += 1
            report.problems += [f"response {entry['status']} {op.name}: {p}" for p in self._response(op, entry, report)]

    def _extra_query(self, op: Operation, name: str, report: Report) -> bool:
        for e in self.errata:
            if e.extra_query and e.extra_query[0] in (op.name, "*") and re.fullmatch(e.extra_query[1], name):
                report.errata_used.add(e.key)
                return True
        return False

    def _parameters(self, op: Operation, entry: dict[str, Any], spec_path: str, report: Report) -> list[str]:
        problems = []
        query = {k: v for k, v in (entry.get("query") or {}).items()}
        headers = {k.lower(): v for k, v in (entry.get("headers") or {}).items()}
        path_values = _path_values(op, spec_path)
        declared = set()
        for p in op.params:
            where, name = p.get("in"), p.get("name", "")
            schema = p.get("schema") or p  # Swagger 2 keeps the type on the parameter itself
            if where == "query":
                declared.add(name)
                given = query.get(name)
                if given is None:
                    if p.get("required"):
                        problems.append(f"required query parameter {name!r} is missing")
                    continue
                problems += [f"query {name}={v!r}: {msg}" for v in given for msg in _scalar(schema, v)]
            elif where == "header":
                if p.get("required") and name.lower() not in headers and name.lower() not in ("authorization",):
                    problems.append(f"required header {name!r} is missing")
            elif where == "path":
                value = path_values.get(name)
                if value is not None:
                    problems += [f"path {name}={value!r}: {msg}" for msg in _scalar(schema, value)]
        for name in query:
            if name not in declared and not self._extra_query(op, name, report):
                problems.append(f"query parameter {name!r} is not declared")
        return problems

    def _request_body(self, op: Operation, entry: dict[str, Any]) -> list[str]:
        raw = entry.get("body") or b""
        ctype = str({k.lower(): v for k, v in (entry.get("headers") or {}).items()}.get("content-type", ""))
        if op.swagger:
            body_param = next((p for p in op.params if p.get("in") == "body"), None)
            schema = body_param.get("schema") if body_param else None
            required = bool(body_param and body_param.get("required"))
        else:
            content = (op.op.get("requestBody") or {}).get("content") or {}
            required = bool((op.op.get("requestBody") or {}).get("required"))
            media = next((m for c, m in content.items() if c.split(";")[0] in ctype), None)
            if media is None and raw:
                return [f"body sent as {ctype or 'no content type'}; the document takes {', '.join(content) or 'none'}"]
            schema = (media or {}).get("schema")
        if not raw:
            return ["the body is required and none was sent"] if required and schema else []
        if schema is None:
            return []
        try:
            data = _parse_body(raw, ctype)
        except ValueError as exc:
            return [f"body does not parse: {exc}"]
        return _schema_problems(self._validator(schema, op.doc, False), data, "body")

    def _undocumented(self, op: Operation, status: int, report: Report) -> dict[str, Any] | None:
        klass = f"{status // 100}xx"
        for e in self.errata:
            if e.undocumented and e.undocumented[0] in (op.name, "*") and e.undocumented[1] == klass:
                report.errata_used.add(e.key)
                return e.undocumented[2]
        return None

    def _response(self, op: Operation, entry: dict[str, Any], report: Report) -> list[str]:
        status = entry["status"]
        responses = op.op.get("responses") or {}
        documented = responses.get(str(status)) or responses.get(f"{status // 100}XX")
        schema = None
        if documented is None:
            extra = self._undocumented(op, status, report)
            if extra is None and "default" not in responses:
                return [f"status {status} is not documented ({', '.join(responses)})"]
            if extra is not None:
                schema = extra
            else:
                documented = responses["default"]
        if documented is not None:
            if op.swagger:
                schema = documented.get("schema")
            else:
                content = documented.get("content") or {}
                schema = next((m.get("schema") for c, m in content.items() if "json" in c), None)
        body = entry.get("response")
        if schema is None or body is None or "json" not in str(entry.get("content_type", "json")):
            return []
        if self.nullable_required and status < 400:
            report.errata_used.update(e.key for e in self.errata if e.nullable_required)
        return _schema_problems(self._validator(schema, op.doc, self.nullable_required and status < 400), body, "body")

    def _validator(self, schema: dict[str, Any], doc: dict[str, Any], nullable: bool) -> jsonschema.Draft4Validator:
        """One validator per schema object (converting a large order schema per answer is slow)."""
        key = (id(schema), nullable)
        if key not in self._validators:
            converted = to_json_schema(copy.deepcopy(schema), doc, nullable_required=nullable)
            self._validators[key] = jsonschema.Draft4Validator(converted)
        return self._validators[key]


def _path_values(op: Operation, spec_path: str) -> dict[str, str]:
    names = re.findall(r"\{([^}]+)\}", op.template)
    if not names:
        return {}
    pattern = "^" + re.sub(r"\{[^}]+\}", "([^/]+)", op.template) + "/?$"
    found = re.match(pattern, spec_path)
    return dict(zip(names, found.groups(), strict=True)) if found else {}


def _scalar(schema: dict[str, Any], value: str) -> list[str]:
    kind = schema.get("type")
    if kind in _SCALAR and not _SCALAR[kind].fullmatch(value):
        return [f"not a {kind}"]
    if "enum" in schema and value not in [str(v) for v in schema["enum"]]:
        return [f"not one of {schema['enum']}"]
    return []


def _parse_body(raw: bytes, ctype: str) -> Any:
    if "multipart/form-data" in ctype:
        return _multipart(raw, ctype)
    text = raw.decode("utf-8")
    if "x-www-form-urlencoded" in ctype:
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    return json.loads(text)


def _multipart(raw: bytes, ctype: str) -> dict[str, Any]:
    """``{part name: value}``; a part sent as JSON is parsed (a feed file), any other is text."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    out: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        out[str(name)] = json.loads(payload) if "json" in part.get_content_type() else payload.decode("utf-8")
    return out


def _schema_problems(validator: jsonschema.Draft4Validator, data: Any, what: str) -> list[str]:
    errors = sorted(_branch_errors(validator.iter_errors(data)), key=lambda e: list(e.absolute_path))
    return [f"{what} {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors[:5]]


def _branch_errors(errors: Any) -> Any:
    """Errors, an ``anyOf`` replaced by the errors of the branch the value was meant for: the one whose
    discriminating values (``enum``: a feed header's selling channel) match, then the one with fewest errors."""
    for e in errors:
        if e.validator in ("anyOf", "oneOf") and e.context:
            branches: dict[Any, list] = {}
            for sub in e.context:
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
            yield from _branch_errors(
                min(branches.values(), key=lambda es: (any(x.validator == "enum" for x in es), len(es)))
            )
        else:
            yield e


# -- the errata of each channel's documents ----------------------------------------------------------
def _magento_error_parameters(doc: dict[str, Any]) -> None:
    # Magento's ErrorProcessor sends named placeholders as an object ({"resources": "Magento_Sales::..."});
    # the schema types "parameters" as an array of objects.
    for name in ("error-response", "error-errors-item"):
        doc["definitions"][name]["properties"]["parameters"] = {"type": ["object", "array"]}


#: shared/specs/magento/README.md "Known errata", and what Magento's answers show beyond them.
MAGENTO_ERRATA = (
    Erratum("magento-2-base-path", "README erratum 2: real URLs are /rest/<store_code>/V1/...",
            path_prefix=r"^/rest/[^/]+(?=/V1/)"),
    Erratum("magento-3-search-criteria", "README erratum 3: any index, snake_case and fields= are accepted",
            extra_query=("*", r"searchCriteria\[(filterGroups|filter_groups|sortOrders|sort_orders)\]\[\d+\](\[.+)?"
                              r"|searchCriteria\[(pageSize|currentPage)\]|fields")),
    Erratum("magento-4-source-items-2xx", "README erratum 4: POST /V1/inventory/source-items documents no 2xx",
            undocumented=("POST /V1/inventory/source-items", "2xx", {"type": ["array", "null"], "maxItems": 0})),
    Erratum("magento-5-null-required", "README erratum 5 (lenient responses): Magento outputs null for a "
            "required getter without a value (e.g. payment.account_status, cc_last4)", nullable_required=True),
    Erratum("magento-error-parameters", "error bodies carry named placeholders as an object, not the schema's array",
            patch=_magento_error_parameters),
)  # fmt: skip


def _walmart_ship_body(doc: dict[str, Any]) -> None:
    op = doc["paths"]["/v3/orders/{purchaseOrderId}/shipping"]["post"]
    for media in op["requestBody"]["content"].values():
        line = media["schema"]["properties"]["orderShipment"]["properties"]["orderLines"]["properties"]["orderLine"]
        item = line["items"]
        if "$ref" in item:
            item = _ref(doc, item["$ref"])
        item["required"] = [r for r in item.get("required", []) if r != "sellerOrderId"]


def _walmart_order_date(doc: dict[str, Any]) -> None:
    # Some order schemas (Order, the GET /v3/orders/{id} answer) type orderDate as a date-time string; the
    # documents' own examples, GetOrderResponseRecord and every answer use epoch milliseconds.
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            date = (node.get("properties") or {}).get("orderDate")
            if isinstance(date, dict) and date.get("type") == "string":
                node["properties"]["orderDate"] = {"type": "integer", "format": "int64"}
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)


def _walmart_order_wrapper(doc: dict[str, Any]) -> None:
    # GET /v3/orders/{purchaseOrderId}: the schema is the order itself, the document's example is {"order": {...}}
    # (as the acknowledge and shipping answers are declared).
    media = doc["paths"]["/v3/orders/{purchaseOrderId}"]["get"]["responses"]["200"]["content"]["application/json"]
    media["schema"] = {"type": "object", "required": ["order"], "properties": {"order": media["schema"]}}


def _walmart_error_body() -> dict[str, Any]:
    orders = json.loads((SPECS / "walmart" / "orders.json").read_text(encoding="utf-8"))
    gateway = to_json_schema(orders["components"]["schemas"]["GatewayError"], orders)
    return {"type": "object", "required": ["errors"], "properties": {"errors": {"type": "array", "items": gateway}}}


def walmart_errata() -> tuple[Erratum, ...]:
    """shared/specs/walmart/README.md "Known errata", and what the documents contradict themselves on."""
    error_body = _walmart_error_body()
    return (
        Erratum("walmart-1-order-paging", "README erratum 1: nextCursor's hasMoreElements/soIndex/poIndex/partnerId/"
                "sellerId are not declared", extra_query=("GET /v3/orders", r"hasMoreElements|soIndex|poIndex|partnerId|sellerId")),
        Erratum("walmart-3-ship-seller-order-id", "README erratum 3: orderLine[].sellerOrderId is marked required",
                patch=_walmart_ship_body, file="orders.json"),
        Erratum("walmart-order-date-ms", "orders.json: orderDate typed date-time in some schemas, epoch ms in the "
                "others and in every example",
                patch=_walmart_order_date, file="orders.json"),
        Erratum("walmart-get-order-wrapper", "orders.json: GET /v3/orders/{purchaseOrderId} declares the bare order, "
                "its example (and the acknowledge/shipping answers) wrap it in {order}", patch=_walmart_order_wrapper,
                file="orders.json"),
        Erratum("walmart-feed-file", "items.json POST /v3/feeds: the multipart file part, typed binary, is the JSON "
                "feed; checked against the shape of the document's V4.8 MP_ITEM and MP_MAINTENANCE examples (each "
                "one's keys required, a maintenance item only its SKU and GTIN as Walmart's guide says; header "
                "values as exemplified, one Visible category)",
                patch=_walmart_feed_file, file="items.json"),
        Erratum("walmart-errors-4xx", "no operation documents its errors: {errors: [GatewayError]} (orders.json)",
                undocumented=("*", "4xx", error_body)),
        Erratum("walmart-errors-5xx", "as walmart-errors-4xx, for 5xx answers", undocumented=("*", "5xx", error_body)),
    )  # fmt: skip


MAGENTO_FILES = ("admin-rest-erp-subset-2.4.9.json",)
WALMART_FILES = ("authentication.json", "items.json", "inventory.json", "prices.json", "orders.json", "feeds.json")


def magento_spec() -> ApiSpec:
    return ApiSpec.load("magento", MAGENTO_FILES, MAGENTO_ERRATA)


def walmart_spec() -> ApiSpec:
    return ApiSpec.load("walmart", WALMART_FILES, walmart_errata())


class TrafficCheck:
    """Every exchange any sandbox logs during a test, checked against ``spec`` when the test ends.

    Installed by an autouse fixture of a channel's test module (it wraps
    :meth:`kit.sandbox.base.SandboxState.log`); :attr:`total` adds up the whole
    module for the line printed at its end.
    """

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec
        self.total = Report()
        self.exempt = 0
        self.entries: list[dict[str, Any]] = []

    def install(self, monkeypatch: Any) -> None:
        from kit.sandbox.base import SandboxState

        real = SandboxState.log
        self.entries = []

        def log(state: Any, entry: dict[str, Any]) -> None:
            real(state, entry)
            if state.channel == self.spec.channel:  # another channel's sandbox still serving a leftover is not ours
                self.entries.append(entry)

        monkeypatch.setattr(SandboxState, "log", log)

    def finish(self, *, exempt: bool = False) -> Report:
        entries, self.entries = self.entries, []
        if exempt:
            self.exempt += len(entries)
            return Report()
        report = self.spec.check_log(entries)
        self.total.add(report)
        return report

    def summary(self) -> str:
        t = self.total
        used = ", ".join(sorted(t.errata_used | {e.key for e in self.spec.errata if e.patch})) or "none"
        return (
            f"{self.spec.channel} spec check: {t.requests} requests and {t.responses} responses validated against "
            f"shared/specs/{self.spec.channel} ({len(t.operations)} operations); errata applied: {used}; "
            f"{self.exempt} deliberately invalid exchanges and {t.dropped} dropped connections not checked"
        )


def traffic_fixtures(load: Callable[[], ApiSpec]) -> tuple[Any, Any, Any]:
    """``(spec_check, check_traffic, unchecked_traffic)`` fixtures for a channel's test module.

    ``spec_check`` (module scope) loads the documents once and prints the module's
    totals at its end; ``check_traffic`` (autouse) checks every exchange of each test
    and fails the test on any problem. A test that sends a deliberately invalid
    request asks for the ``unchecked_traffic`` fixture (its exchanges are counted apart).
    """
    import pytest

    @pytest.fixture(scope="module")
    def spec_check(request: Any) -> Any:
        if not SPECS.is_dir():
            pytest.fail(f"the channel specifications are not at {SPECS} (CI keeps ../shared beside the clone)")
        check = TrafficCheck(load())
        yield check
        capture = request.config.pluginmanager.getplugin("capturemanager")
        if capture is not None:
            with capture.global_and_fixture_disabled():
                print("\n" + check.summary())
        else:
            print("\n" + check.summary())

    @pytest.fixture(autouse=True)
    def check_traffic(request: Any, spec_check: TrafficCheck, monkeypatch: Any) -> Any:
        spec_check.install(monkeypatch)
        yield
        report = spec_check.finish(exempt="unchecked_traffic" in request.fixturenames)
        assert not report.problems, "the traffic does not match the documents:\n" + report.text()

    @pytest.fixture
    def unchecked_traffic() -> None:
        """Marks a test whose requests are invalid on purpose (the sandbox must refuse them)."""

    return spec_check, check_traffic, unchecked_traffic
