"""Scrub first, then cut: a secret straddling a cut never leaves a piece of itself behind."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import requests

from kit.scrub import MASK, register_secret, scrub

SECRET = "tok-9f8e7d6c5b4a39281706"


def _pieces(text: str, secret: str = SECRET, shortest: int = 4) -> list[str]:
    """Every piece (``shortest`` characters or more) of ``secret`` found in ``text``."""
    return [secret[i : i + n] for n in range(shortest, len(secret) + 1) for i in range(len(secret) - n + 1)
            if secret[i : i + n] in text]  # fmt: skip


def _raw(body: bytes, status: int = 422) -> requests.Response:
    raw = requests.Response()
    raw.status_code = status
    raw._content = body
    raw.headers["Content-Type"] = "application/json"
    return raw


@pytest.fixture(autouse=True)
def known_secret():
    register_secret(SECRET)


@pytest.mark.parametrize("cut", [200, 300])
@pytest.mark.parametrize("offset", [3, 8, 12, 20])
def test_channel_error_details_never_keep_a_piece_of_a_secret(cut, offset):
    from kit.connectors.http import _channel_detail

    text = "x" * (cut - offset) + SECRET + " and the rest"
    for body in (json.dumps({"message": text}).encode(), json.dumps({"error": {"message": text}}).encode(),
                 text.encode(), json.dumps({"other": text}).encode()):  # fmt: skip
        detail = _channel_detail(_raw(body))
        assert _pieces(detail) == [], detail[-40:]


@pytest.mark.parametrize("offset", [3, 10, 19])
def test_the_failing_cell_of_a_run_keeps_no_piece_of_a_secret(offset):
    from kit.jobs.runner import MAX_MESSAGE_CHARS, failing_cell

    evalue = "y" * (MAX_MESSAGE_CHARS - offset) + SECRET + " tail"
    failing = failing_cell(SimpleNamespace(cell_index=3, exec_count=3, ename="JobFailed", evalue=evalue))
    assert _pieces(json.dumps(failing)) == []
    assert len(failing["message"]) <= MAX_MESSAGE_CHARS


def test_clip_scrubs_before_cutting_and_keeps_masks_whole():
    from kit.scrub import clip

    assert clip("abc " + SECRET, 10) == "abc " + MASK  # scrubbed first: it fits
    assert clip("abcdef " + SECRET + " end", 10) == "abcdef …"  # a mask is kept whole or dropped whole
    out = clip("z" * 100 + SECRET, 102)
    assert _pieces(out) == [] and len(out) <= 102
    assert clip("short", 10) == "short"


def test_scrub_masks_a_piece_of_a_known_secret_left_at_either_edge():
    assert scrub("error: ... " + SECRET[:9]) == "error: ... " + MASK
    assert scrub(SECRET[-9:] + " was refused") == MASK + " was refused"
    assert scrub("plain text") == "plain text"
    assert scrub("canal " + SECRET[:5]) == "canal " + SECRET[:5]  # a short coincidence is not a secret
