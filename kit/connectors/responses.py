"""How the request loop reacts to each answer: a table, not an if chain.

Each :class:`ResponseRule` matches a status code (an ``int``), a range of
codes (a ``range``) or an exception class, and says:

* ``action``: ``retry`` (back off and try again), ``rate_limited`` (wait
  ``Retry-After`` or back off, then try again), ``refresh_then_retry``
  (refresh the credentials once, then try again), ``fail`` (raise) or
  ``ignore`` (treat as success, no body);
* ``fault``: whose fault it is: ``configuration`` (credentials, permissions,
  settings: raises AuthenticationError / ConfigurationError-like errors),
  ``channel`` (the channel refused or broke: ChannelFatalError) or
  ``transient`` (may pass: ChannelTransientError once the budget is spent);
* ``message``: what the user reads (pt-BR).

Only a 2xx answer is a success. A 3xx is never followed (the credentials would
go along to wherever it points) and never counted as applied: with an empty
body nothing says the write happened. Any other status without a row is a
failure too (:meth:`ResponseTable.for_status`).

A connector adds rows in its ``response_rules``; they are looked up before
:data:`DEFAULT_RULES`, so a channel quirk (VTEX ``423 Locked`` is retryable,
for instance) is one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import requests

__all__ = [
    "RETRY",
    "RATE_LIMITED",
    "REFRESH_THEN_RETRY",
    "FAIL",
    "IGNORE",
    "CONFIGURATION",
    "CHANNEL",
    "TRANSIENT",
    "ResponseRule",
    "MalformedBody",
    "DeadlineExceeded",
    "ResponseTooLarge",
    "DEFAULT_RULES",
    "ResponseTable",
    "is_success",
    "unexpected_status",
]

RETRY, RATE_LIMITED, REFRESH_THEN_RETRY, FAIL, IGNORE = "retry", "rate_limited", "refresh_then_retry", "fail", "ignore"
ACTIONS = (RETRY, RATE_LIMITED, REFRESH_THEN_RETRY, FAIL, IGNORE)
CONFIGURATION, CHANNEL, TRANSIENT = "configuration", "channel", "transient"
FAULTS = (CONFIGURATION, CHANNEL, TRANSIENT)


class MalformedBody(Exception):
    """Raised by the loop when a success answer's body is not the JSON promised."""


class DeadlineExceeded(requests.exceptions.Timeout):
    """Raised by the loop when one attempt (send, wait, whole answer) outlives its wall-clock bound.

    A read timeout restarts with every byte; a channel dripping one byte at a
    time never trips it. This one does not restart.
    """


class ResponseTooLarge(requests.exceptions.RequestException):
    """Raised by the loop when an answer is larger than the client accepts."""


@dataclass(frozen=True, slots=True)
class ResponseRule:
    """One row of the table."""

    match: int | range | type[BaseException]
    action: str
    fault: str
    message: str

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action!r}")
        if self.fault not in FAULTS:
            raise ValueError(f"unknown fault {self.fault!r}")

    def matches_status(self, status: int) -> bool:
        if isinstance(self.match, bool):
            return False
        if isinstance(self.match, int):
            return self.match == status
        if isinstance(self.match, range):
            return status in self.match
        return False

    def matches_exception(self, exc: BaseException) -> bool:
        return isinstance(self.match, type) and isinstance(exc, self.match)


DEFAULT_RULES: tuple[ResponseRule, ...] = (
    ResponseRule(401, REFRESH_THEN_RETRY, CONFIGURATION, "o canal recusou as credenciais"),
    ResponseRule(403, FAIL, CONFIGURATION, "as credenciais não têm permissão para esta operação"),
    ResponseRule(404, FAIL, CHANNEL, "o canal não conhece este recurso"),
    ResponseRule(408, RETRY, TRANSIENT, "o canal encerrou a requisição por tempo esgotado"),
    ResponseRule(409, FAIL, CHANNEL, "o canal informou um conflito"),
    ResponseRule(429, RATE_LIMITED, TRANSIENT, "o limite de requisições do canal foi atingido"),
    ResponseRule(range(500, 600), RETRY, TRANSIENT, "o canal teve um erro interno"),
    ResponseRule(range(400, 500), FAIL, CHANNEL, "o canal recusou a requisição"),
    ResponseRule(
        range(300, 400),
        FAIL,
        CHANNEL,
        "o canal respondeu com um redirecionamento (HTTP 3xx) em vez de um resultado; redirecionamentos não são "
        "seguidos (as credenciais iriam junto) e nada foi contado como aplicado",
    ),
    ResponseRule(
        DeadlineExceeded,
        RETRY,
        TRANSIENT,
        "o canal não terminou de responder dentro do tempo máximo por requisição",
    ),
    ResponseRule(ResponseTooLarge, FAIL, CHANNEL, "a resposta do canal passou do tamanho máximo aceito"),
    ResponseRule(requests.exceptions.ConnectTimeout, RETRY, TRANSIENT, "não foi possível conectar a tempo"),
    ResponseRule(requests.exceptions.ReadTimeout, RETRY, TRANSIENT, "o canal não respondeu a tempo"),
    ResponseRule(requests.exceptions.ChunkedEncodingError, RETRY, TRANSIENT, "a conexão caiu no meio da resposta"),
    ResponseRule(requests.exceptions.ConnectionError, RETRY, TRANSIENT, "a conexão falhou ou foi derrubada"),
    ResponseRule(MalformedBody, FAIL, CHANNEL, "o canal respondeu com um JSON malformado"),
)


def is_success(status: int) -> bool:
    """Only a 2xx answer says a request was done."""
    return 200 <= status < 300


def unexpected_status(status: int) -> ResponseRule:
    """The rule for a status no row matches and that is not a success."""
    return ResponseRule(status, FAIL, CHANNEL, f"situação HTTP inesperada {status}")


class ResponseTable:
    """Override rows first, then :data:`DEFAULT_RULES`; first match wins."""

    def __init__(self, overrides: Iterable[ResponseRule] = ()) -> None:
        self.rules: Sequence[ResponseRule] = (*overrides, *DEFAULT_RULES)

    def for_status(self, status: int) -> ResponseRule | None:
        """The rule for an HTTP status; ``None`` means success (a 2xx with no row).

        Anything else without a row (1xx, 3xx, a status outside the standard
        ranges) is a failure: only an explicit success counts.
        """
        for rule in self.rules:
            if rule.matches_status(status):
                return rule
        if not is_success(status):
            return unexpected_status(status)
        return None

    def for_exception(self, exc: BaseException) -> ResponseRule | None:
        for rule in self.rules:
            if rule.matches_exception(exc):
                return rule
        return None

    def for_response(self, raw: requests.Response) -> ResponseRule | None:
        """The rule for a received answer; by default its status code (:meth:`for_status`).

        Hook for protocols whose errors live in the body (a SOAP fault names
        its cause in ``faultcode``/``faultstring``): override to classify them
        through :meth:`for_exception` rows, never with a second request loop.
        """
        return self.for_status(raw.status_code)

    def detail(self, raw: requests.Response) -> str | None:
        """Hook: a short extract of an error body for the user (``None``: the loop's JSON default)."""
        return None
