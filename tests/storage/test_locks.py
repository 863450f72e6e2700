"""Locks that die with their holder: the (channel, job) lock and named locks, on both backends."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from kit.errors import LockHeldError
from kit.jobs.locks import job_lock, named_lock
from tests.storage.helpers import spawn

HOLDER = """
import sys, time
from kit.store import Workspace
from kit.jobs.locks import job_lock

ws = Workspace()
with job_lock(ws, "loja", "stock"):
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_held_lock_refuses_a_second_run_and_names_its_holder(ws):
    with job_lock(ws, "loja", "stock"):
        with pytest.raises(LockHeldError) as info:
            with job_lock(ws, "loja", "stock"):
                pass
        assert info.value.exit_code == 3 and f"pid {os.getpid()}" in info.value.message
        with job_lock(ws, "loja", "orders"):  # another job of the channel is not blocked
            pass
    with job_lock(ws, "loja", "stock"):  # released at the end of the block
        pass


@pytest.mark.timeout(120)
def test_the_lock_of_a_killed_holder_is_taken_over(ws):
    proc = spawn(HOLDER)
    try:
        assert proc.stdout.readline().strip() == "held", proc.stderr.read()[-2000:]
        with pytest.raises(LockHeldError, match=f"pid {proc.pid}"):
            with job_lock(ws, "loja", "stock"):
                pass
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while True:  # the kernel (flock) or the server (the connection ended) releases it
            try:
                with job_lock(ws, "loja", "stock"):
                    break
            except LockHeldError:
                assert time.monotonic() < deadline, "the dead holder's lock was never released"
                time.sleep(0.1)
        assert time.monotonic() < deadline
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_a_named_lock_can_wait_for_its_holder(ws):
    held = ws.locks.acquire("run-due", info={"pid": 1})
    assert held is not None and ws.locks.holder("run-due") == {"pid": 1}
    threading.Timer(0.5, held.release).start()
    t0 = time.monotonic()
    with named_lock(ws, "run-due", wait=20):
        waited = time.monotonic() - t0
        with pytest.raises(LockHeldError, match="outra execução de a passagem está em andamento"):
            with named_lock(ws, "run-due", what="a passagem"):
                pass
    assert 0.3 < waited < 20
    assert ws.locks.holder("run-due") is None  # released: nobody claims it


def test_names_that_would_leave_the_lock_folder_are_refused(ws):
    from kit.errors import StoreError

    with pytest.raises(StoreError):
        with job_lock(ws, "../fora", "stock"):
            pass
