"""Rate-limit buckets shared by processes: SQLite on one machine, PostgreSQL for many."""

from __future__ import annotations

import json
import time

import pytest

from kit.channeltypes import RateLimit
from tests.storage.helpers import finish, spawn

TAKER = """
import json, sys, time
from kit.channeltypes import RateLimit
from kit.connectors.ratelimit import bucket_for

start_at, n = float(sys.argv[1]), int(sys.argv[2])
bucket = bucket_for("conta-1", "default", RateLimit(20, 5, "test", "configured"))
bucket.reserve(0)  # open the store before the start
while time.time() < start_at:
    time.sleep(0.001)
stamps, granted = [], []
for _ in range(n):
    asked = time.time()
    wait = bucket.reserve()
    granted.append(asked + wait)  # when the bucket lets this request go (scheduling delays come after)
    time.sleep(wait)
    stamps.append(time.time())
print(json.dumps({"kind": type(bucket).__name__, "stamps": stamps, "granted": granted}))
"""


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_processes_draw_from_one_bucket(backend, tmp_path, monkeypatch):
    """Four processes take 10 tokens each from a 20/s bucket with a burst of 5: together they wait for 35 of
    the 40 tokens (about 1.75 s); with a bucket each they would wait 0.25 s."""
    if backend == "files":
        monkeypatch.setenv("KIT_RATE_BUCKETS", str(tmp_path / "ratelimit.sqlite"))
    start_at = time.time() + 4.0
    procs = [spawn(TAKER, str(start_at), "10") for _ in range(4)]
    results = [json.loads(finish(p).strip().splitlines()[-1]) for p in procs]
    assert {r["kind"] for r in results} == {"PgBucket" if backend == "postgres" else "SharedBucket"}
    stamps = sorted(s for r in results for s in r["stamps"])
    span = stamps[-1] - min(start_at, stamps[0])
    assert span >= (40 - 5) / 20 * 0.95, span  # the rate held across processes
    # ...and the bucket never let more go in any window than the rate allows plus the burst (one token of slack
    # for the clock read around each take)
    granted = sorted(g for r in results for g in r["granted"])
    for i, first in enumerate(granted):
        for j in range(i, len(granted)):
            assert j - i + 1 <= 20 * (granted[j] - first) + 5 + 1


def test_a_429_holds_every_user_of_the_bucket(postgres_env):
    from kit.storage.buckets import PgBuckets

    one, two = PgBuckets(postgres_env), PgBuckets(postgres_env)  # two processes' stores
    try:
        limit = RateLimit(10, 10, "test", "configured")
        one.bucket("conta", "default", limit).penalize(1.5)
        wait = two.bucket("conta", "default", limit).reserve()
        assert 1.3 < wait < 1.7
        one.reset()
        assert two.bucket("conta", "default", limit).reserve() == 0.0  # a fresh bucket starts full
    finally:
        one.close()
        two.close()


def test_an_unreachable_database_is_an_error_not_a_private_bucket(monkeypatch):
    from kit.connectors.ratelimit import bucket_for, close_stores
    from kit.errors import StoreError

    monkeypatch.setenv("KIT_DATABASE_URL", "postgresql://kit:senha-secreta-9@127.0.0.1:9/nada?connect_timeout=2")
    close_stores()
    try:
        with pytest.raises(StoreError) as info:
            bucket_for("conta", "default", RateLimit(10, 10, "test", "configured"))
        assert "senha-secreta-9" not in str(info.value) and info.value.exit_code == 1
    finally:
        close_stores()
