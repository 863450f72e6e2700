"""The workspace store: atomic tinydb files, corruption, schema migrations, state store, concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kit import store
from kit.errors import StoreError
from kit.store import AtomicJSONStorage, StateStore, Workspace

ROOT = Path(__file__).resolve().parent.parent


def _insert(ws: Workspace, name: str, doc: dict) -> None:
    with ws.table(name) as table:
        table.insert(doc)


# -- atomic storage ---------------------------------------------------------------------
def test_writes_are_whole_files_and_keep_the_previous_good_copy(workspace):
    _insert(workspace, "channels", {"name": "a"})
    _insert(workspace, "channels", {"name": "b"})
    path = workspace.root / "channels.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(d["name"] for d in data["_default"].values()) == ["a", "b"]
    backup = json.loads((workspace.root / "channels.json.bak").read_text(encoding="utf-8"))
    assert [d["name"] for d in backup["_default"].values()] == ["a"]
    assert not list(workspace.root.glob(".*.tmp")), "temporary files left behind"


def test_a_write_that_fails_midway_leaves_the_old_file(workspace, monkeypatch):
    _insert(workspace, "channels", {"name": "a"})
    path = workspace.root / "channels.json"
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        _insert(workspace, "channels", {"name": "b"})
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not list(workspace.root.glob(".*.tmp"))


@pytest.mark.parametrize("garbage", [b'{"_default": {"1": {"name": "a"', b"", b"   \n", b"[1, 2]", b"\xff\xfe\x00"])
def test_corrupt_file_is_reported_with_the_backup_and_left_untouched(workspace, garbage):
    _insert(workspace, "channels", {"name": "a"})
    _insert(workspace, "channels", {"name": "b"})  # creates channels.json.bak
    path = workspace.root / "channels.json"
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        with workspace.table("channels") as table:
            table.all()
    err = info.value
    assert str(path) in str(err) and "está corrompido" in str(err)
    assert str(workspace.root / "channels.json.bak") in (err.hint or "")
    assert path.read_bytes() == garbage, "a corrupt file must not be reset"
    # Writing is refused too: nothing overwrites the corrupt file.
    with pytest.raises(StoreError):
        _insert(workspace, "channels", {"name": "c"})
    assert path.read_bytes() == garbage


def test_corrupt_file_without_backup_says_so(workspace):
    _insert(workspace, "jobs", {"job": "stock"})
    path = workspace.root / "jobs.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        with workspace.table("jobs"):
            pass
    assert "não há backup" in info.value.hint
    assert path.read_text(encoding="utf-8") == "{not json"


def test_corrupt_channels_file_through_the_cli_exits_2_with_backup_path(kit_cli, workspace):
    _insert(workspace, "channels", {"name": "a"})
    _insert(workspace, "channels", {"name": "b"})
    path = workspace.root / "channels.json"
    path.write_text('{"_default": {', encoding="utf-8")
    result = kit_cli("channels", "list")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("erro: ")
    assert "channels.json.bak" in result.stderr
    assert path.read_text(encoding="utf-8") == '{"_default": {'


def test_unknown_table_file_is_refused(workspace):
    with pytest.raises(ValueError):
        with workspace.table("nope"):
            pass


def test_storage_read_of_missing_file_is_none(tmp_path):
    assert AtomicJSONStorage(tmp_path / "x.json").read() is None


# -- schema version and migrations ---------------------------------------------------------
def test_new_workspace_records_the_schema_version(workspace):
    assert workspace.schema_version == store.SCHEMA_VERSION
    meta = json.loads((workspace.root / "meta.json").read_text(encoding="utf-8"))
    assert meta["_default"]["1"]["schema"] == store.SCHEMA_VERSION


def test_migration_hook_upgrades_an_old_workspace_once(tmp_path, monkeypatch):
    root = tmp_path / "ws"
    ws = Workspace(root)
    _insert(ws, "channels", {"name": "a", "rate": 5})
    ws.close()
    calls = []

    def to_next(w: Workspace) -> None:
        calls.append(w.root)
        with w.table("channels") as table:
            table.update({"migrated": True})

    nxt = store.SCHEMA_VERSION + 1
    monkeypatch.setattr(store, "SCHEMA_VERSION", nxt)
    monkeypatch.setattr(store, "MIGRATIONS", {nxt: to_next})
    ws = Workspace(root)
    assert ws.schema_version == nxt
    assert calls == [root]
    with ws.table("channels") as table:
        assert table.all()[0]["migrated"] is True
    Workspace(root)  # reopening does not migrate again
    assert len(calls) == 1


def test_missing_migration_is_an_error(tmp_path, monkeypatch):
    Workspace(tmp_path / "ws").close()
    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION + 1)
    monkeypatch.setattr(store, "MIGRATIONS", {})
    with pytest.raises(StoreError, match="não há migração do esquema"):
        Workspace(tmp_path / "ws")


def test_newer_schema_is_refused(tmp_path):
    ws = Workspace(tmp_path / "ws")
    with ws.table("meta") as meta:
        meta.update({"schema": store.SCHEMA_VERSION + 5}, doc_ids=[1])
    with pytest.raises(StoreError, match="mais novo que o deste kit") as info:
        Workspace(tmp_path / "ws")
    assert "atualize o canais-kit" in info.value.hint


def test_register_migration_twice_is_an_error(monkeypatch):
    monkeypatch.setattr(store, "MIGRATIONS", {})
    store.register_migration(50)(lambda ws: None)
    with pytest.raises(ValueError, match="twice"):
        store.register_migration(50)(lambda ws: None)


def test_missing_workspace_without_create(tmp_path):
    with pytest.raises(StoreError, match="não há área de trabalho em"):
        Workspace(tmp_path / "absent", create=False)


# -- state store -------------------------------------------------------------------------
def test_state_store_upserts_and_reads(tmp_path):
    st = StateStore(tmp_path / "states.sqlite")
    assert st.put_many("ch", "stock", [("A", 1), ("B", {"qty": 2})]) == 2
    st.put_many("ch", "stock", [("A", 5)])
    st.put_many("other", "stock", [("A", 9)])
    assert st.get_all("ch", "stock") == {"A": 5, "B": {"qty": 2}}
    assert st.get("ch", "stock", "B") == {"qty": 2}
    assert st.get("ch", "stock", "Z") is None
    assert st.count("ch", "stock") == 2
    st.delete_kind("ch", "stock")
    assert st.count("ch", "stock") == 0
    assert st.count("other", "stock") == 1
    st.close()


def test_state_store_transaction_rolls_back(tmp_path):
    st = StateStore(tmp_path / "states.sqlite")
    st.put_many("ch", "price", [("A", 1.0)])
    with pytest.raises(RuntimeError):
        with st.transaction() as db:
            db.execute("UPDATE sku_state SET value='2.0'")
            raise RuntimeError("midway")
    assert st.get("ch", "price", "A") == 1.0
    st.close()


def test_corrupt_state_store_is_reported(tmp_path):
    path = tmp_path / "states.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as info:
        StateStore(path)
    assert str(path) in str(info.value)


# -- the must-show: 8 processes x 25 channels through the CLI -------------------------------
DRIVER = textwrap.dedent(
    """
    import os, sys, time
    from kit.cli import main

    proc, go = sys.argv[1], sys.argv[2]
    deadline = time.monotonic() + 60
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.005)
    failed = 0
    for i in range(25):
        rc = main(["channels", "add", f"p{proc}-c{i:02d}", "--type", "vtex",
                   "--company", "11222333000181", "--environment", "sandbox"])
        failed += rc != 0
    sys.exit(1 if failed else 0)
    """
)


@pytest.mark.slow
def test_eight_processes_adding_25_channels_each_through_the_cli(tmp_path, kit_cli):
    go = tmp_path / "go"
    env = dict(os.environ)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(p), str(go)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in range(8)
    ]
    go.write_text("go")
    outputs = [p.communicate(timeout=240) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
    listed = kit_cli("channels", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    names = [c["name"] for c in json.loads(listed.stdout)]
    expected = {f"p{p}-c{i:02d}" for p in range(8) for i in range(25)}
    assert len(names) == 200
    assert set(names) == expected
    # The file itself is valid JSON with 200 documents, unique names and ids.
    raw = json.loads((Path(os.environ["KIT_WORKSPACE"]) / "channels.json").read_text(encoding="utf-8"))
    docs = raw["_default"]
    assert len(docs) == 200
    assert len({d["name"] for d in docs.values()}) == 200
