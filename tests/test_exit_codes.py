"""The exit-code contract under bad input: one ``erro:`` line, one ``dica:`` line, exit 2, no traceback.

Cases: a read-only workspace, workspace and secrets JSON of the wrong shape, a non-UTF-8 argument, a
symbolic link where the kit keeps a lock, ``--since`` that is not a date or is in the future.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CNPJ = "11222333000181"


def _kit(*args: str | bytes, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real CLI; bytes arguments reach it as they are (a non-UTF-8 name, say)."""
    argv = [os.fsencode(sys.executable), b"-m", b"kit", *(a if isinstance(a, bytes) else a.encode() for a in args)]
    return subprocess.run(argv, capture_output=True, env={**os.environ, **(env or {})}, cwd=ROOT, timeout=120)


def assert_contract(result: subprocess.CompletedProcess, code: int = 2) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == code, (result.returncode, err)
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    # A message a module still forms in English comes after the pt-BR lines, as a technical detail (kit.cli).
    assert [line.split(":")[0] for line in lines] in (["erro", "dica"], ["erro", "dica", "detalhe técnico"]), err
    return err


@pytest.fixture
def loja(workspace):
    from kit.channels import Channel, ChannelRegistry

    ChannelRegistry(workspace).add(
        Channel(
            name="loja",
            type="vtex",
            category="plataforma",
            company=CNPJ,
            environment="sandbox",
            settings={"account": "loja"},
        )  # fmt: skip
    )
    return workspace


def test_a_read_only_workspace(monkeypatch, capsys, loja):
    """A read-only file system (EROFS; as root, chmod would not stop the write): one line, exit 2."""
    import kit.storage.paths
    from kit import cli

    def read_only(*args, **kw):
        raise OSError(errno.EROFS, "Read-only file system", str(loja.root / "channels.json"))

    monkeypatch.setattr(kit.storage.paths.tempfile, "mkstemp", read_only)  # the workspace's atomic writes
    assert cli.main(["channels", "set", "loja", "jobs.stock.batch_size=10"]) == 2
    err = capsys.readouterr().err
    assert err.count("erro: ") == 1 and "dica: " in err and "somente leitura" in err and "channels.json" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file modes; the EROFS case above covers root")
def test_a_workspace_without_write_permission(loja):
    for path in (loja.root, *loja.root.iterdir()):
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        assert_contract(_kit("channels", "set", "loja", "jobs.stock.batch_size=10"))
    finally:
        for path in (loja.root, *loja.root.iterdir()):
            path.chmod(0o700 if path.is_dir() else 0o600)


@pytest.mark.parametrize(
    "content",
    [
        {"_default": {"1": "not a row"}},
        {"_default": ["a", "list"]},
        ["no", "tables"],
        {"_default": {"1": {"name": "only-a-name"}}},
    ],  # fmt: skip
    ids=["row-not-object", "table-not-object", "not-object", "row-missing-fields"],
)
def test_workspace_json_of_the_wrong_shape(loja, content):
    (loja.root / "channels.json").write_text(json.dumps(content), encoding="utf-8")
    err = assert_contract(_kit("channels", "list"))
    assert "channels.json" in err


def test_secrets_json_of_the_wrong_shape(loja):
    from pathlib import Path

    path = Path(os.environ["KIT_SECRETS"])
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_text(json.dumps({"11222333000181/sandbox/loja": "not-a-mapping"}), encoding="utf-8")
    path.chmod(0o600)
    assert_contract(_kit("secrets", "list"))


@pytest.mark.parametrize(
    "args",
    [
        [b"channels", b"set", b"loja", b"settings.account=ab\xffcd"],
        [b"sync", b"config", b"erp_dir=/tmp/\xff"],
        [
            b"channels",
            b"add",
            b"lo\xffja",
            b"--type",
            b"vtex",
            b"--company",
            CNPJ.encode(),
            b"--environment",
            b"sandbox",
        ],
    ],  # fmt: skip
    ids=["setting", "job-setting", "name"],
)
def test_a_non_utf8_argument(loja, args):
    err = assert_contract(_kit(*args))
    assert "UTF-8" in err
    assert b"\xff" not in (loja.root / "channels.json").read_bytes()


@pytest.mark.parametrize("lock", [".channels.lock", "locks/loja.stock.lock"])
def test_a_symlinked_lock(loja, tmp_path, lock):
    from kit.channels import ChannelRegistry

    ChannelRegistry(loja).update("loja", enabled=True)  # a switched-on channel: the run gets as far as its lock
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    path = loja.root / lock
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(victim)
    command = ["channels", "list"] if lock == ".channels.lock" else ["sync", "stock", "--channel", "loja"]
    err = assert_contract(_kit(*command))
    assert "link" in err
    assert victim.read_text(encoding="utf-8") == "keep me"  # never truncated through the link


@pytest.mark.parametrize("since", ["notadate", "2099-01-01", "2099-01-01T00:00:00-03:00"])
def test_since_not_a_date_or_in_the_future(loja, since):
    err = assert_contract(_kit("sync", "orders", "--channel", "loja", "--since", since))
    assert since in err
