"""Capacity planner arithmetic, checked against numbers worked out by hand."""

from __future__ import annotations

import pytest

from kit.golive.capacity import listing_reads, plan_job, requests_for


def test_stock_job_fits_now():
    # 100,000 SKUs, 20 % change per hour, every 15 min -> 5,000 items; 1 item per
    # request at 9 req/s -> 5,000 / 9 = 555.6 s, inside 900 s.
    p = plan_job("stock", items_per_hour=20_000, interval_min=15, batch_size=100, per_request=1,
                 rate_per_second=9, cap_items=100_000)  # fmt: skip
    assert (p.items_per_run, p.requests_per_run) == (5000, 5000)
    assert p.run_seconds == pytest.approx(555.555, abs=0.01)
    assert p.fits and p.min_interval_min is None
    assert p.utilisation == pytest.approx(555.555 / 900, rel=1e-4)


def test_stock_job_at_black_friday_needs_186_minutes():
    # x10: 200,000 changes/h. Any interval under 30 min sends 3,333.3 items per
    # minute of interval, 370 s of requests per minute: never fits. From 30 min on
    # the run is capped at the catalogue (100,000 items = 11,111.1 s), which fits
    # once 60 x I >= 11,111.1 -> I = 186 (185 min = 11,100 s is not enough).
    p = plan_job("stock", items_per_hour=200_000, interval_min=15, batch_size=100, per_request=1,
                 rate_per_second=9, cap_items=100_000, scenario="pico")  # fmt: skip
    assert p.items_per_run == 50_000 and p.run_seconds == pytest.approx(5555.56, abs=0.01)
    assert not p.fits
    assert p.min_interval_min == 186
    at_186 = plan_job("stock", items_per_hour=200_000, interval_min=186, batch_size=100, per_request=1,
                      rate_per_second=9, cap_items=100_000)  # fmt: skip
    at_185 = plan_job("stock", items_per_hour=200_000, interval_min=185, batch_size=100, per_request=1,
                      rate_per_second=9, cap_items=100_000)  # fmt: skip
    assert at_186.fits and not at_185.fits


def test_small_batch_on_a_bulk_endpoint_gets_a_minimal_batch():
    # 20 items per request allowed, but batches of 5: 20,000 items -> 4,000 requests
    # at 1 req/s = 4,000 s > 3,600 s. Batch 6: 3,333 full batches + 1 -> 3,334 s fits;
    # with no cap every interval scales the same, so no interval helps.
    p = plan_job("prices", items_per_hour=20_000, interval_min=60, batch_size=5, per_request=20,
                 rate_per_second=1, max_batch=20)  # fmt: skip
    assert p.requests_per_run == 4000 and not p.fits
    assert p.min_batch_size == 6
    assert p.min_interval_min is None


@pytest.mark.parametrize(
    ("items", "batch", "per_request", "expected"),
    [
        (0, 100, 1, 0),
        (1, 100, 1, 1),
        (250, 100, 20, 13),  # 2 full batches x 5 requests + ceil(50 / 20) = 3
        (250, 100, 100, 3),
        (100, 10, 20, 10),  # a batch of 10 caps a 20-item request at 10
        (45, 20, 20, 3),
    ],
)
def test_requests_for(items, batch, per_request, expected):
    assert int(requests_for(items, batch, per_request)) == expected


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        plan_job("stock", items_per_hour=1, interval_min=0, batch_size=1, per_request=1, rate_per_second=1)
    with pytest.raises(ValueError):
        plan_job("stock", items_per_hour=1, interval_min=1, batch_size=1, per_request=1, rate_per_second=0)


def test_listing_reads_full_and_incremental():
    # VTEX, 100,000 listings: 101 pages of ids (the last one short), then 3 reads per listing.
    assert listing_reads(100_000, 1000, 3, incremental=False) == (101 + 300_000, 0)
    assert listing_reads(100_000, 1000, 3, incremental=True) == (101, 3)
    assert listing_reads(999, 1000, 3, incremental=True) == (1, 3)


def test_a_products_job_that_reads_the_whole_catalogue_every_run_does_not_fit():
    # Issue 18: 100k SKUs at VTEX's 40 req/s, hourly, 1 % changing per hour. Writes alone: 1,000 requests,
    # 25 s ("fits"). A full read every run adds 300,101 requests: 7,527.5 s, two hours, in a 60-minute interval.
    writes = plan_job("products", items_per_hour=1000, interval_min=60, batch_size=100, per_request=1,
                      rate_per_second=40, cap_items=100_000)  # fmt: skip
    assert writes.fits and writes.requests_per_run == 1000
    full = plan_job(
        "products",
        items_per_hour=1000,
        interval_min=60,
        batch_size=100,
        per_request=1,
        rate_per_second=40,
        cap_items=100_000,
        reads=listing_reads(100_000, 1000, 3, incremental=False),
    )
    assert full.read_requests == 300_101 and full.run_seconds == pytest.approx(301_101 / 40)
    assert not full.fits and full.min_interval_min == 126  # (300,101 + 1,000 x I / 60) / 40 <= 60 x I from 126
    incremental = plan_job("products", items_per_hour=1000, interval_min=60, batch_size=100, per_request=1,
                           rate_per_second=40, cap_items=100_000,
                           reads=listing_reads(100_000, 1000, 3, incremental=True))  # fmt: skip
    # 101 pages + 3 reads for each of the 1,000 listings the run may create, + 1,000 writes: 4,101 requests, 102.5 s.
    assert incremental.read_requests == 3101 and incremental.run_seconds == pytest.approx(4101 / 40)
    assert incremental.fits
