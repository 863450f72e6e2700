"""Numbers, money, percentages and dates as a Brazilian person reads them: one module for the whole kit.

Everything the kit shows a person (CLI output, screens, reports, XLSX cells
meant for reading) goes through these helpers, so one format holds
everywhere:

* money ``R$ 1.299,90`` (:func:`money_pt`), counts ``32.951`` (:func:`count_pt`),
  decimals ``1.299,9`` (:func:`number_pt`), percentages ``86,9 %`` (:func:`percent_pt`);
* dates and times ``12/05/2026 10:31`` (:func:`when_pt`), dates ``12/05/2026``
  (:func:`date_pt`), always in the company's time zone: ``$KIT_TIMEZONE`` (an
  IANA name), ``America/Sao_Paulo`` by default (:func:`company_timezone`);
* durations ``1 min 05 s`` (:func:`duration_pt`).

Machine-read outputs (``--json``, CSV mapping tables, ``summary.json``) keep
plain numbers and ISO dates: these helpers are for people only.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "TIMEZONE_ENV",
    "DEFAULT_TIMEZONE",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "company_timezone",
    "to_datetime",
    "when_pt",
    "date_pt",
    "count_pt",
    "number_pt",
    "money_pt",
    "percent_pt",
    "ratio_pt",
    "duration_pt",
    "series_when_pt",
]

TIMEZONE_ENV = "KIT_TIMEZONE"
DEFAULT_TIMEZONE = "America/Sao_Paulo"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
DATE_FORMAT = "%d/%m/%Y"


def company_timezone() -> dt.tzinfo:
    """``$KIT_TIMEZONE`` when it names a known zone, else America/Sao_Paulo."""
    name = os.environ.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def to_datetime(value: Any) -> dt.datetime | None:
    """An epoch number, ISO 8601 text or datetime as an aware datetime (naive counts as UTC); ``None`` if not one."""
    if value is None or value == "" or _is_nan(value):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = dt.datetime.fromtimestamp(value, dt.UTC)
    else:
        if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
            return to_datetime(value.to_pydatetime())
        try:
            moment = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def when_pt(value: Any) -> str:
    """A moment as ``dd/mm/aaaa hh:mm`` in the company's time zone ("" when empty).

    Text that is not a date is returned as it is (scrubbed).
    """
    if value is None or value == "" or _is_nan(value):
        return ""
    moment = to_datetime(value)
    if moment is None:
        from kit.scrub import scrub

        return scrub(str(value))
    return moment.astimezone(company_timezone()).strftime(DATETIME_FORMAT)


def date_pt(value: Any) -> str:
    """A moment (or a plain date) as ``dd/mm/aaaa`` in the company's time zone ("" when empty)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime(DATE_FORMAT)
    moment = to_datetime(value)
    return "" if moment is None else moment.astimezone(company_timezone()).strftime(DATE_FORMAT)


def _is_nan(value: Any) -> bool:
    try:
        return isinstance(value, float) and math.isnan(value) or str(value) in ("NaT", "nan")
    except Exception:  # noqa: BLE001 - an exotic object is not NaN
        return False


def _grouped(text: str) -> str:
    """``1,299.90`` (Python's grouping) as ``1.299,90``."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def count_pt(n: Any) -> str:
    """An integer with the Brazilian thousands separator: ``32951`` -> ``32.951``."""
    return _grouped(f"{int(n):,}")


def number_pt(value: Any, decimals: int = 1) -> str:
    """A number with decimal comma and thousands dot: ``1299.94`` -> ``1.299,9`` ("" when empty)."""
    if value is None or value == "" or _is_nan(value):
        return ""
    return _grouped(f"{float(value):,.{decimals}f}")


def money_pt(value: Any) -> str:
    """Reais: ``1299.9`` -> ``R$ 1.299,90``; negative ``-R$ 5,00`` ("" when empty)."""
    if value is None or value == "" or _is_nan(value):
        return ""
    amount = float(value)
    text = "R$ " + _grouped(f"{abs(amount):,.2f}")
    return "-" + text if amount < 0 else text


def percent_pt(value: Any, decimals: int = 1) -> str:
    """A value already in percent: ``86.93`` -> ``86,9 %`` ("" when empty)."""
    text = number_pt(value, decimals)
    return f"{text} %" if text else ""


def ratio_pt(value: Any, decimals: int = 1) -> str:
    """A ratio as a percentage: ``0.8693`` -> ``86,9 %`` ("" when empty)."""
    if value is None or value == "" or _is_nan(value):
        return ""
    return percent_pt(float(value) * 100, decimals)


def duration_pt(seconds: Any) -> str:
    """Seconds as a person reads them: ``4,2 s``, ``1 min 05 s``, ``2 h 03 min`` ("" when empty)."""
    if seconds is None or seconds == "" or _is_nan(seconds):
        return ""
    total = float(seconds)
    if total < 60:
        return f"{number_pt(total, 1)} s"
    whole = int(round(total))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def series_when_pt(series: Any) -> Any:
    """A pandas Series of moments (epoch seconds, ISO text or timestamps) as ``dd/mm/aaaa hh:mm`` text."""
    return series.map(when_pt)
