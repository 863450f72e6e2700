"""What every part of the Mercado Livre sandbox shares: the seller, the site, dates and the error body.

Sources: ``../shared/channel-apis.md`` section 1 (cited per constant) and the
official pages named there (developers.mercadolivre.com.br).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from kit.sandbox.base import Reply

__all__ = [
    "SELLER_ID",
    "SITE",
    "ML_TZ",
    "ml_date",
    "parse_date",
    "ml_error",
    "ERROR_CODES",
    "is_int",
    "is_number",
    "PAYMENT_TYPES",
]

SELLER_ID = 123456789
SITE = "MLB"
#: Mercado Livre answers dates with the -04:00 offset and milliseconds ("2015-12-04T14:51:41.000-04:00").
ML_TZ = timezone(timedelta(hours=-4))
#: Payment method id -> Mercado Pago payment type (§1.8).
PAYMENT_TYPES = {
    "account_money": "account_money",
    "ticket": "ticket",
    "bolbradesco": "ticket",
    "pix": "bank_transfer",
    "bank_transfer": "bank_transfer",
    "credit_card": "credit_card",
    "visa": "credit_card",
    "master": "credit_card",
    "debit_card": "debit_card",
}
#: §1.9 error body: {"message", "error", "status", "cause": []}; the ``error`` code per HTTP status.
ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


def ml_date(dt: datetime) -> str:
    """``dt`` the way Mercado Livre writes dates."""
    return dt.astimezone(ML_TZ).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}-04:00"


def parse_date(value: str) -> datetime:
    """An ISO 8601 date-time with offset (``Z`` accepted); raises ``ValueError`` otherwise."""
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError(f"date without offset: {value!r}")
    return dt


def now() -> datetime:
    return datetime.now(UTC)


def ml_error(status: int, error: str, message: str, cause: list[dict[str, Any]] | None = None) -> Reply:
    """The channel's error body (§1.9)."""
    return Reply(status, {"message": message, "error": error, "status": status, "cause": list(cause or [])})


def is_int(value: Any) -> bool:
    """A JSON integer (not a boolean, not text)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """A JSON number (not a boolean, not text)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)
