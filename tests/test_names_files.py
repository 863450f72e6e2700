"""Names and files: names that become paths or crontab words, the secrets' place, umask 000, schedules."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CNPJ = "11222333000181"
ADD = ("--type", "vtex", "--company", CNPJ, "--environment", "sandbox", "--set", "settings.account=loja")


def test_a_channel_name_ending_in_a_newline_is_refused(kit_cli, workspace):
    result = kit_cli("channels", "add", "loja\n", *ADD)
    assert result.returncode == 2 and "o nome de canal 'loja\\n' não é válido" in result.stderr
    from kit.channels import Channel, validate
    from kit.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        validate(Channel(name="loja\n", type="vtex", category="plataforma", company=CNPJ, environment="sandbox"))


@pytest.mark.parametrize("name", ["../../fora", "loja\n", "a/b", ".."])
def test_names_read_back_from_the_workspace_are_checked_again(kit_cli, workspace, tmp_path, monkeypatch, name):
    """A hand-edited channels.json must not make the kit write outside reports/ (or break a crontab)."""
    assert kit_cli("channels", "add", "loja", *ADD).returncode == 0
    path = workspace.root / "channels.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    row = next(iter(data["_default"].values()))
    row.update(name=name, enabled=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    reports = tmp_path / "one" / "two" / "reports"
    env = {"KIT_REPORTS": str(reports)}
    for args in (["channels", "list"], ["schedule"], ["run-due"], ["sync", "stock", "--channel", name]):
        result = kit_cli(*args, env=env)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and "channels.json" in result.stderr
    assert not (tmp_path / "one" / "fora").exists() and not (tmp_path / "fora").exists()
    assert not reports.exists()


def _secrets() -> Path:
    return Path(os.environ["KIT_SECRETS"])


def test_a_secrets_folder_others_may_write_is_refused(kit_cli):
    folder = _secrets().parent
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)
    result = kit_cli("secrets", "list")
    assert result.returncode == 2 and str(folder) in result.stderr and "chmod 700" in result.stderr
    folder.chmod(0o700)
    assert kit_cli("secrets", "list").returncode == 0


def test_a_symlink_at_the_secrets_path_is_refused(kit_cli, tmp_path):
    other = tmp_path / "someone-elses.json"
    other.write_text(json.dumps({"x/y/z": {"app_token": "planted-token-123456"}}), encoding="utf-8")
    _secrets().parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _secrets().symlink_to(other)
    result = kit_cli("secrets", "list")
    assert result.returncode == 2 and "link simbólico" in result.stderr
    assert "planted" not in result.stdout


def _world_writable(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink() and stat.S_IMODE(path.lstat().st_mode) & 0o002:
            found.append(f"{path} {oct(path.lstat().st_mode)}")
    return found


def test_under_umask_000_nothing_the_kit_creates_is_world_writable(tmp_path):
    env = {**os.environ, "KIT_REPORTS": str(tmp_path / "reports")}

    def kit(*args: str, stdin: str | None = None) -> None:
        result = subprocess.run([sys.executable, "-m", "kit", *args], input=stdin, capture_output=True, text=True,
                                env=env, cwd=ROOT, timeout=120, preexec_fn=lambda: os.umask(0))  # fmt: skip
        assert result.returncode == 0, result.stderr

    kit("init")
    kit("channels", "add", "loja", *ADD)
    kit("secrets", "set", "loja", "app_token", stdin="token-for-umask-test-123\n")
    kit("sync", "config", "safety_stock=2", "--channel", "loja")
    kit("sync", "prices", "--channel", "loja", "--show-held")  # opens the state store
    workspace = Path(os.environ["KIT_WORKSPACE"])
    assert (workspace / "channels.json").exists() and (workspace / "states.sqlite").exists()
    assert _world_writable(workspace) == [] and _world_writable(_secrets().parent) == []


def test_a_workspace_made_by_library_code_under_umask_000_is_private(tmp_path):
    from kit.store import Workspace

    old = os.umask(0)
    try:
        ws = Workspace(tmp_path / "a" / "b" / "ws")
        ws.states.put_many("loja", "stock", [("S1", 1)])
        with ws.table("channels") as table:
            table.insert({"name": "x"})
        from kit.jobs.locks import job_lock

        with job_lock(ws, "loja", "stock"):
            pass
        ws.close()
    finally:
        os.umask(old)
    assert _world_writable(tmp_path / "a") == []


def _units(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            out.setdefault(key, []).append(value)
    return out


def test_schedules_work_with_paths_with_spaces_and_percent_signs(workspace, tmp_path, monkeypatch):
    import kit.jobs.schedule as schedule

    odd = tmp_path / "dir with space %d"
    exe = odd / "bin" / "kit"
    monkeypatch.setattr(schedule, "REPO_ROOT", odd / "repo")
    monkeypatch.setattr(schedule, "_kit_command", lambda: [str(exe)])
    monkeypatch.setenv("KIT_REPORTS", str(odd / "reports"))
    units = _units(schedule.systemd_text(workspace))
    for value in units["Environment"]:  # systemd: one quoted assignment per line, %% for a literal %
        words = shlex.split(value.replace("%%", "%"))
        assert len(words) == 1 and "=" in words[0], value
    env = dict(shlex.split(v.replace("%%", "%"))[0].split("=", 1) for v in units["Environment"])
    assert env["KIT_WORKSPACE"] == str(workspace.root.resolve()) and env["KIT_REPORTS"] == str(odd / "reports")
    assert shlex.split(units["ExecStart"][0].replace("%%", "%")) == [str(exe), "run-due"]
    assert units["WorkingDirectory"][0].replace("%%", "%") == str(odd / "repo")
    line = next(x for x in schedule.crontab_text(workspace).splitlines() if x.startswith("* * * * *"))
    words = shlex.split(line[len("* * * * * ") :].replace("\\%", "%"))  # cron unescapes \% before the shell
    assert words[:2] == ["cd", str(odd / "repo")]
    assert f"KIT_WORKSPACE={workspace.root.resolve()}" in words and str(exe) in words and "run-due" in words
    assert "%" not in line.replace("\\%", "")  # a bare % would end the command in cron
