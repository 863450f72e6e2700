"""A process running many jobs reads an unchanged ERP export once; a changed one is read again."""

from __future__ import annotations

import os

from kit.jobs import erp


def _write(path, rows):
    path.write_text("sku;available;reserved\n" + "".join(f"{s};{q};0\n" for s, q in rows), encoding="utf-8")


def test_an_unchanged_export_is_read_once_and_each_caller_gets_its_own_copy(tmp_path, monkeypatch):
    _write(tmp_path / "stock.csv", [("A", 1), ("B", 2)])
    import kit.sheets as sheets

    reads = []

    original = sheets.read_table

    def counting(path, kind, *a, **k):
        reads.append(path)
        return original(path, kind, *a, **k)

    monkeypatch.setattr(sheets, "read_table", counting)
    first = erp.read_erp(tmp_path, "stock")
    first.loc[0, "available"] = 999  # a job changing its frame changes nobody else's
    first.attrs["mine"] = True
    second = erp.read_erp(tmp_path, "stock")
    assert len(reads) == 1
    assert second["available"].tolist() == [1, 2] and "mine" not in second.attrs
    assert second.attrs.get("source", {}).get("file")


def test_a_changed_export_is_read_again(tmp_path, monkeypatch):
    path = tmp_path / "stock.csv"
    _write(path, [("A", 1)])
    assert erp.read_erp(tmp_path, "stock")["available"].tolist() == [1]
    stamp = path.stat().st_mtime_ns
    _write(path, [("A", 7)])  # same size, and even the same modification time: the bytes tell
    os.utime(path, ns=(stamp, stamp))
    assert erp.read_erp(tmp_path, "stock")["available"].tolist() == [7]
    replacement = tmp_path / "novo.csv"
    _write(replacement, [("A", 5)])
    os.replace(replacement, path)
    assert erp.read_erp(tmp_path, "stock")["available"].tolist() == [5]
