"""De-para tests: mapping tables go to a per-test directory, never to the repo's."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "kit" / "data" / "sample"


@pytest.fixture(autouse=True)
def mappings(tmp_path, monkeypatch):
    path = tmp_path / "mappings"
    monkeypatch.setenv("KIT_MAPPINGS", str(path))
    return path
