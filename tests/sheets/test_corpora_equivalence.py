"""Every value and every message the reader gives on the committed corpora stays as recorded.

The golden file was taken with the reader as it stood before it became a
package (``tests/sheets/corpora.py`` says what it holds and how to regenerate
it). A change of behaviour that is meant regenerates it in the same commit.
"""

from __future__ import annotations

import json

from sheets.corpora import GOLDEN, ROOT, corpus_files, read_key, read_snapshot, reads_for


def _first_difference(expected, got, path="") -> str:
    if isinstance(expected, dict) and isinstance(got, dict):
        for key in sorted(set(expected) | set(got)):
            if key not in got:
                return f"{path}/{key}: missing now"
            if key not in expected:
                return f"{path}/{key}: new ({got[key]!r:.200})"
            if expected[key] != got[key]:
                return _first_difference(expected[key], got[key], f"{path}/{key}")
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            if e != g:
                return _first_difference(e, g, f"{path}[{i}]")
    return f"{path}: was {expected!r:.300}, now {got!r:.300}"


def test_golden_covers_every_committed_spreadsheet():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    keys = {read_key(rel, kind, sheet) for rel in corpus_files() for kind, sheet in reads_for(rel)}
    assert len(keys) > 250
    assert keys == set(golden), {
        "not in the golden file": sorted(keys - set(golden)),
        "gone": sorted(set(golden) - keys),
    }


def test_reader_output_on_the_corpora_is_unchanged():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    differences = []
    for rel in corpus_files():
        for kind, sheet in reads_for(rel):
            key = read_key(rel, kind, sheet)
            got = json.loads(json.dumps(read_snapshot(ROOT / rel, kind, sheet), ensure_ascii=False, sort_keys=True))
            if got != golden.get(key):
                differences.append(f"{key}: {_first_difference(golden.get(key, {}), got)}")
    assert not differences, f"{len(differences)} read(s) changed:\n" + "\n".join(differences[:20])
