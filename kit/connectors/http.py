"""The one request loop every connector uses.

:meth:`HttpClient.request` does, for every call: take a token from the shared
rate limiter, add the authentication headers, send with (connect, read)
timeouts, and decide what to do with the answer from the
:class:`~kit.connectors.responses.ResponseTable`: return it, back off and retry
(exponential backoff with full jitter, ``Retry-After`` honoured up to a cap),
refresh the credentials once, or raise a :class:`~kit.errors.KitError` that
carries channel, method, path, status and request id. Attempts and total time
are bounded by :class:`RetryPolicy`.

Bounded in time and size, whatever the channel does:

* each attempt has a wall-clock deadline (:attr:`Timeouts.total`, never past
  the request's budget): a read timeout restarts with every byte, so a channel
  dripping one byte at a time would never trip it. A single watchdog thread
  shuts the socket of an attempt past its deadline, headers or body alike
  (:mod:`kit.connectors._bounds`);
* each answer is read in chunks up to :data:`MAX_RESPONSE_BYTES` (a declared
  ``Content-Length`` beyond it is refused before reading);
* redirects are never followed (the credentials would go along), and a 3xx is
  not a success (see :mod:`kit.connectors.responses`).

Logging: one DEBUG line per request, scrubbed (no query strings, no secrets).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from kit.connectors._bounds import GuardedAdapter, bounded, read_body
from kit.connectors.auth import AuthStrategy, NoAuth
from kit.connectors.ratelimit import Bucket
from kit.connectors.responses import (
    CONFIGURATION,
    FAIL,
    IGNORE,
    RATE_LIMITED,
    REFRESH_THEN_RETRY,
    TRANSIENT,
    DeadlineExceeded,
    MalformedBody,
    ResponseRule,
    ResponseTable,
    ResponseTooLarge,
    is_success,
    unexpected_status,
)
from kit.errors import AuthenticationError, ChannelFatalError, ChannelTransientError, KitError
from kit.scrub import clip, scrub

__all__ = ["RetryPolicy", "Timeouts", "HttpClient", "Response", "REQUEST_ID_HEADERS", "MAX_RESPONSE_BYTES"]

log = logging.getLogger("kit.connectors.http")

# Headers channels use to identify a request, first found wins.
REQUEST_ID_HEADERS = ("X-Request-Id", "X-Request-ID", "x-request-id", "X-VTEX-Request-Id", "X-Magento-Request-Id")
USER_AGENT = "canais-kit/0.1"
#: The largest answer the kit reads (a listing page or an orders page is far smaller).
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds of the retry loop. Tests pass tiny delays; production keeps the defaults.

    Attributes:
        max_attempts: tries per request, the first included.
        base_delay_s: first backoff ceiling; doubles per attempt (full jitter: a
            uniform draw in [0, ceiling]).
        max_delay_s: cap of one backoff.
        retry_after_cap_s: cap on a channel's ``Retry-After``.
        budget_s: total time one request may take, waits included.
    """

    max_attempts: int = 6
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    retry_after_cap_s: float = 60.0
    budget_s: float = 180.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return rng.uniform(0, ceiling)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """(connect, read) seconds, sent on every call, and the wall clock of one attempt.

    Attributes:
        connect: to open the connection.
        read: between two bytes of the answer (restarts with every byte).
        total: of one attempt, from sending to the last byte of the answer
            (does not restart); an attempt also never runs past the request's
            :attr:`RetryPolicy.budget_s`.
    """

    connect: float = 5.0
    read: float = 30.0
    total: float = 120.0

    def pair(self) -> tuple[float, float]:
        return (self.connect, self.read)


class Response:
    """What :meth:`HttpClient.request` returns: status, headers, body, attempts."""

    __slots__ = ("status", "headers", "content", "attempts", "request_id", "_json", "_ctx")

    def __init__(self, raw: requests.Response | None, attempts: int, ctx: dict[str, Any]) -> None:
        self.status = raw.status_code if raw is not None else 0
        self.headers = dict(raw.headers) if raw is not None else {}
        self.content = raw.content if raw is not None else b""
        self.attempts = attempts
        self.request_id = _request_id(raw)
        self._json: Any = _UNSET
        self._ctx = ctx

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON (``None`` when empty). Already checked by the loop."""
        if self._json is _UNSET:
            self._json = _parse_json(self.content)
        return self._json


_UNSET = object()


def _parse_json(content: bytes) -> Any:
    if not content.strip():
        return None
    return json.loads(content)


def _request_id(raw: requests.Response | None) -> str | None:
    if raw is None:
        return None
    for name in REQUEST_ID_HEADERS:
        if name in raw.headers:
            return raw.headers[name]
    return None


def _retry_after(raw: requests.Response | None) -> float | None:
    if raw is None:
        return None
    value = raw.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _render(message: str, params: Any) -> str:
    """Fill Magento-style ``%name`` placeholders from ``parameters``."""
    if isinstance(params, dict):
        for name, value in params.items():
            message = message.replace(f"%{name}", str(value))
    return message


def _channel_detail(raw: requests.Response | None) -> str:
    """A short, scrubbed extract of a channel's error body."""
    if raw is None:
        return ""
    try:
        body = raw.json()
    except ValueError:
        return clip(raw.text, 200).strip()
    if isinstance(body, dict):
        params = body.get("parameters")
        for key in ("message", "error_description", "error", "Message", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value:
                value = _render(value, params)
                errors = body.get("errors")
                if isinstance(errors, list) and errors:  # Magento: per-entity validation messages
                    value += ": " + "; ".join(
                        _render(str(e.get("message", "")), e.get("parameters"))
                        for e in errors[:5]
                        if isinstance(e, dict)
                    )
                return clip(value, 300)
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return clip(value["message"], 200)
    return clip(json.dumps(body, ensure_ascii=False), 200)


class HttpClient:
    """A ``requests.Session`` wrapped in the one request loop.

    Args:
        channel: channel name (for errors and logs).
        base_url: prefix of relative paths.
        auth: the authentication strategy.
        limiter: callable ``family -> Bucket`` (the shared buckets).
        table: the response-handling table.
        retry: bounds of the loop.
        timeouts: (connect, read) timeouts and the wall clock of one attempt.
        headers: default headers of every request.
        json_body: when true (default), success bodies must be JSON (or empty).
        max_response_bytes: the largest answer read (default :data:`MAX_RESPONSE_BYTES`).
    """

    def __init__(
        self,
        *,
        channel: str,
        base_url: str,
        auth: AuthStrategy | None = None,
        limiter: Any = None,
        table: ResponseTable | None = None,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        headers: dict[str, str] | None = None,
        json_body: bool = True,
        pool_size: int = 32,
        max_response_bytes: int | None = None,
        channel_type: str = "",
    ) -> None:
        self.channel = channel
        self.channel_type = channel_type  # named in the hint when a local sandbox is not running
        self.base_url = base_url.rstrip("/")
        self.auth = auth or NoAuth()
        self.limiter = limiter
        self.table = table or ResponseTable()
        self.retry = retry or RetryPolicy()
        self.timeouts = timeouts or Timeouts()
        self.json_body = json_body
        self.max_response_bytes = max_response_bytes or MAX_RESPONSE_BYTES
        self.session = requests.Session()
        adapter = GuardedAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        if headers:
            self.session.headers.update(headers)
        self._rng = random.Random()
        self._rng_lock = threading.Lock()
        self.sleep = time.sleep  # replaceable in tests

    def close(self) -> None:
        self.session.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def _bucket(self, family: str) -> Bucket | None:
        return self.limiter(family) if self.limiter is not None else None

    def _backoff(self, attempt: int) -> float:
        with self._rng_lock:
            return self.retry.backoff(attempt, self._rng)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_data: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        family: str = "read",
        authenticate: bool = True,
        idempotent: bool = True,
        expect_json: bool | None = None,
    ) -> Response:
        """Send one logical request through the loop; return its :class:`Response`.

        Args:
            method: HTTP method.
            path: path relative to the base URL, or an absolute URL.
            params: query parameters.
            json_data: body sent as JSON.
            data: raw body (bytes/str) or form fields (dict).
            headers: extra headers of this request.
            family: rate-limit family ("read", "write", "orders_read", ...).
            authenticate: add the auth strategy's headers (False for token endpoints).
            idempotent: when False, a request that may have reached the channel
                (read timeout, dropped connection) is not sent again.
            expect_json: override the client's ``json_body`` for this call.

        Raises:
            AuthenticationError: rejected credentials or missing permission.
            ChannelFatalError: the channel refused the request or answered malformed data.
            ChannelTransientError: still failing when attempts or time ran out.
        """
        url = self.url(path)
        log_path = urlsplit(url).path  # never the query string
        expect_json = self.json_body if expect_json is None else expect_json
        send = {"params": params, "json": json_data, "data": data}
        started, attempt = time.monotonic(), 0
        last_rule: ResponseRule | None = None
        last_raw: requests.Response | None = None
        while True:
            attempt += 1
            sent_auth, bucket = self._clear_to_send(family, authenticate)
            req_headers = {**(headers or {}), **sent_auth}
            t0 = time.monotonic()
            at = min(t0 + self.timeouts.total, started + self.retry.budget_s)
            raw, exc, rule, parsed = self._attempt(method, url, send, req_headers, at, expect_json)
            self._log(method, log_path, raw.status_code if raw is not None else type(exc).__name__, attempt, t0)
            if rule is None:  # success
                result = Response(raw, attempt, {})
                if expect_json:
                    result._json = parsed
                return result
            last_rule, last_raw = rule, raw
            action = rule.action
            if action == IGNORE:
                return Response(raw, attempt, {})
            if action == REFRESH_THEN_RETRY:
                # A refresh counts as an attempt: a token may be revoked again right after it was
                # issued (another process, a password change), so allow more than one, but bounded.
                if authenticate and attempt < self.retry.max_attempts and self.auth.refresh(sent_auth):
                    continue
                raise self._error(rule, method, log_path, raw, exc, attempt, auth=True)
            if action == FAIL:
                raise self._error(rule, method, log_path, raw, exc, attempt)
            if not idempotent and exc is not None and not isinstance(exc, requests.exceptions.ConnectTimeout):
                raise self._error(rule, method, log_path, raw, exc, attempt)
            wait = self._wait(action, raw, attempt, started, bucket)  # retry / rate_limited
            if wait is None:
                break
            if wait > 0:
                self.sleep(wait)
        assert last_rule is not None
        raise self._error(last_rule, method, log_path, last_raw, None, attempt, exhausted=True)

    def _clear_to_send(self, family: str, authenticate: bool) -> tuple[dict[str, str], Bucket | None]:
        """The credentials headers of one attempt and the bucket whose token was just taken for it.

        Credentials first (a refresh may wait for another process's refresh), then the token of the
        bucket: a token is spent on the request that goes out right after it, never held meanwhile.
        """
        sent_auth = self.auth.headers() if authenticate else {}
        bucket = self._bucket(family)
        if bucket is not None:
            bucket.acquire()
        return sent_auth, bucket

    def _wait(
        self, action: str, raw: requests.Response | None, attempt: int, started: float, bucket: Bucket | None
    ) -> float | None:
        """Seconds to wait before the next attempt; ``None`` when the attempts or the budget are spent."""
        if attempt >= self.retry.max_attempts:
            return None
        wait = self._backoff(attempt)
        if action == RATE_LIMITED:
            after = _retry_after(raw)
            if after is not None:
                # What the channel asked for, plus jitter so waiting threads do not return as one herd.
                wait = min(after, self.retry.retry_after_cap_s) + self._backoff(attempt) / 2
        if time.monotonic() - started + wait >= self.retry.budget_s:
            return None
        if action == RATE_LIMITED and bucket is not None:
            # Slow every thread sharing this account's bucket by one backoff step (they may be
            # over the limit too); this request itself waits what the channel asked for.
            bucket.penalize(self._backoff(attempt))
        return wait

    def _attempt(
        self, method: str, url: str, send: dict[str, Any], headers: dict[str, str], at: float, expect_json: bool
    ) -> tuple[requests.Response | None, BaseException | None, ResponseRule | None, Any]:
        """One send under the deadline ``at``: ``(answer, exception, rule, parsed body)``; rule ``None`` = success."""
        raw: requests.Response | None = None
        exc: BaseException | None = None
        rule: ResponseRule | None = None
        parsed: Any = None
        with bounded(at) as deadline:
            try:
                if at <= time.monotonic():
                    raise DeadlineExceeded("o prazo total da requisição já tinha acabado")
                raw = self.session.request(
                    method,
                    url,
                    **send,
                    headers=headers,
                    timeout=self.timeouts.pair(),
                    allow_redirects=False,  # a redirect is an answer, never followed with the credentials
                    stream=True,
                )
                read_body(raw, self.max_response_bytes)
                if deadline.expired:  # the watchdog cut the answer short: what was read is not the answer
                    raise DeadlineExceeded(f"mais de {self.timeouts.total:g} s")
            except Exception as err:  # noqa: BLE001 - classified below, re-raised when unknown
                if deadline.expired and not isinstance(err, ResponseTooLarge):
                    err = DeadlineExceeded(f"mais de {self.timeouts.total:g} s")
                if not isinstance(err, requests.exceptions.RequestException):
                    raise
                if raw is not None:
                    raw.close()
                exc, raw = err, None
                rule = self.table.for_exception(err) or ResponseRule(
                    type(err), FAIL, TRANSIENT, "a requisição não pôde ser enviada"
                )
                return raw, exc, rule, parsed
        rule = self.table.for_response(raw)
        if rule is None and not is_success(raw.status_code):
            rule = unexpected_status(raw.status_code)  # a table hook that let a non-2xx through
        if rule is None and expect_json:
            try:
                parsed = _parse_json(raw.content)
            except ValueError as err:
                exc = MalformedBody(str(err))
                rule = self.table.for_exception(exc)
        return raw, exc, rule, parsed

    def _log(self, method: str, path: str, status: Any, attempt: int, t0: float) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                scrub(
                    f"{self.channel} {method} {path} -> {status} in {(time.monotonic() - t0) * 1000:.0f} ms"
                    f" (attempt {attempt})"
                )
            )

    def _error(
        self,
        rule: ResponseRule,
        method: str,
        path: str,
        raw: requests.Response | None,
        exc: BaseException | None,
        attempts: int,
        *,
        auth: bool = False,
        exhausted: bool = False,
    ) -> KitError:
        if raw is not None:
            detail = self.table.detail(raw) or _channel_detail(raw)
            if 300 <= raw.status_code < 400 and raw.headers.get("Location"):
                target = urlsplit(raw.headers["Location"])
                detail = f"Location {target.scheme}://{target.netloc}" if target.netloc else "Location relativo"
        else:
            detail = type(exc).__name__ if exc is not None else ""
        message = rule.message
        if raw is None:  # nothing came back: say which address was tried
            message += f" em {self.base_url}"
        if detail:
            message += f": {detail}"
        if exhausted:
            message += f" (desistiu depois de {attempts} tentativas)"
        fields = {
            "channel": self.channel,
            "method": method,
            "path": path,
            "status": raw.status_code if raw is not None else None,
            "request_id": _request_id(raw),
        }
        err = self._make_error(rule, message, raw, fields, auth=auth)
        err.attempts = attempts  # type: ignore[attr-defined]  # how many sends it took, for WriteResult
        return err

    def _make_error(
        self, rule: ResponseRule, message: str, raw: requests.Response | None, fields: dict[str, Any], *, auth: bool
    ) -> KitError:
        if auth or rule.fault == CONFIGURATION:
            hint = (
                "confira as credenciais com 'kit secrets list' e as permissões do aplicativo no painel do canal"
                if raw is not None and raw.status_code == 403
                else "confira ou renove as credenciais com 'kit secrets set'"
            )
            return AuthenticationError(message, hint=hint, **fields)
        if rule.fault == TRANSIENT:
            return ChannelTransientError(message, hint=self._transient_hint(raw), **fields)
        return ChannelFatalError(message, **fields)

    def _transient_hint(self, raw: requests.Response | None) -> str:
        """What to do when the channel did not answer: a local sandbox not running is not an unstable channel."""
        if raw is not None:
            return "tente de novo mais tarde; o canal pode estar instável"
        host = (urlsplit(self.base_url).hostname or "").lower()
        if host in ("localhost", "::1") or host.startswith("127."):
            start = f"kit sandbox start {self.channel_type or 'TIPO'} --channel {self.channel}"
            return (
                f"{self.base_url} é um endereço desta máquina e nada respondeu: o sandbox local não está rodando? "
                f"Inicie-o com '{start}' (os canais da demonstração: 'kit demo --serve') e rode de novo"
            )
        return (
            f"confira o endereço {self.base_url} (URL da API do canal) e a rede desta máquina; se estiverem certos, "
            "o canal pode estar fora do ar: tente de novo mais tarde"
        )
