"""Subprocess helpers for the storage tests: run a snippet of Python with the test's environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def spawn(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``python -c code args...`` from the repository, with this process's environment (plus ``env``)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def finish(proc: subprocess.Popen, timeout: float = 120) -> str:
    """Wait for ``proc``; its stdout (fails the test with its stderr if it did not exit 0)."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"worker did not finish in {timeout} s: {err[-2000:]}") from None
    assert proc.returncode == 0, err[-3000:]
    return out
