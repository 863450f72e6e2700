"""Brazilian formats in one place (kit.fmt): money, counts, percentages, dates in the company's time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from kit import fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [(1299.9, "R$ 1.299,90"), (0, "R$ 0,00"), (1234567.891, "R$ 1.234.567,89"), (-5, "-R$ 5,00"), (None, "")],
)
def test_money(value, text):
    assert fmt.money_pt(value) == text


def test_numbers_and_percentages():
    assert fmt.count_pt(32951) == "32.951" and fmt.count_pt(7) == "7"
    assert fmt.number_pt(1299.94) == "1.299,9" and fmt.number_pt(float("nan")) == ""
    assert fmt.percent_pt(86.93) == "86,9 %" and fmt.percent_pt(5, 0) == "5 %"
    assert fmt.ratio_pt(0.8693) == "86,9 %"


def test_dates_in_the_company_time_zone(monkeypatch):
    moment = "2026-05-12T13:31:00Z"
    monkeypatch.delenv(fmt.TIMEZONE_ENV, raising=False)
    assert fmt.when_pt(moment) == "12/05/2026 10:31"  # São Paulo, UTC-3
    assert fmt.date_pt(moment) == "12/05/2026" and fmt.date_pt(dt.date(2026, 1, 2)) == "02/01/2026"
    epoch = dt.datetime(2026, 5, 12, 13, 31, tzinfo=dt.UTC).timestamp()
    assert fmt.when_pt(epoch) == "12/05/2026 10:31"
    monkeypatch.setenv(fmt.TIMEZONE_ENV, "America/Manaus")
    assert fmt.when_pt(moment) == "12/05/2026 09:31"
    monkeypatch.setenv(fmt.TIMEZONE_ENV, "Not/AZone")  # an unknown zone falls back to São Paulo
    assert fmt.when_pt(moment) == "12/05/2026 10:31"
    assert fmt.when_pt(None) == "" and fmt.when_pt("ontem") == "ontem"


def test_pandas_timestamps_and_durations():
    import pandas as pd

    stamps = pd.Series(pd.to_datetime([1778592660], unit="s", utc=True))
    assert fmt.series_when_pt(stamps).tolist() == [fmt.when_pt(1778592660)]
    assert fmt.duration_pt(4.23) == "4,2 s" and fmt.duration_pt(65) == "1 min 05 s"
    assert fmt.duration_pt(7390) == "2 h 03 min"


def test_the_screens_and_guards_use_the_shared_module():
    from kit import forms_format
    from kit.golive import variations
    from kit.jobs import guard

    assert forms_format.when_pt is fmt.when_pt and forms_format.count_pt is fmt.count_pt
    assert guard.brl(1299.9) == "R$ 1.299,90" and guard.pct(86.93) == "86,9 %"
    assert variations._brl(10) == "R$ 10,00"
