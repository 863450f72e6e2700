"""The demo continues by hand (issue 16 "Must show"): a fresh ``kit demo``, then the commands it prints.

From a fresh demo directory: ``kit demo`` prints the variables (``source DIR/env.sh``) and the commands to go
on; they are run exactly as printed, in a shell whose environment holds nothing but a bare ``PATH`` and a
``HOME`` in the test's folder: ``kit demo --serve`` (the sandboxes again, same catalogue, orders and
credentials), the go-live, ``kit channels enable`` and a sync. The report paths the summary prints exist (the
go-live HTML and XLSX). With the sandboxes stopped, a sync names the address it tried and says the local sandbox
is not running (not "the channel may be unstable").
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = [
    pytest.mark.timeout(1500),
    pytest.mark.notebook,
    pytest.mark.long,
]  # kit demo, kit check golive, kit sync: kernels


def _bare_shell(home: Path, script: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``bash -c script`` with no variable but a bare PATH and HOME (no KIT_*, no venv on PATH)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)


def _printed_commands(stdout: str) -> list[str]:
    """The commands after "Para continuar à mão", without their ``# comments``."""
    lines = stdout.split("Para continuar à mão", 1)[1].splitlines()[1:]
    return [re.split(r"\s{2,}#", line.strip())[0] for line in lines if line.startswith("  ")]


def _start_serve(home: Path, source: str, serve: str) -> subprocess.Popen:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    proc = subprocess.Popen(["bash", "-c", f"{source} && exec {serve}"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)  # fmt: skip
    deadline, seen = time.time() + 120, []
    while time.time() < deadline:
        line = proc.stdout.readline()
        seen.append(line)
        if "prontos" in line or not line:
            break
    assert any("prontos" in line for line in seen), "".join(seen)
    return proc


def test_after_the_demo_the_printed_commands_run_a_golive_and_a_sync(tmp_path):
    demo, home = tmp_path / "demo", tmp_path / "home"
    home.mkdir()
    first = subprocess.run([sys.executable, "-m", "kit", "demo", "--dir", str(demo)], capture_output=True, text=True,
                           cwd=ROOT, timeout=1200, env={**os.environ, "HOME": str(home)})  # fmt: skip
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    # The report paths the summary prints exist: the go-live HTML and XLSX of each channel.
    reports = re.findall(r"(?:relatório HTML|achados \(XLSX\)): (\S+)", out)
    assert len(reports) == 6 and all(Path(p).is_file() for p in reports), reports
    assert {Path(p).suffix for p in reports} == {".html", ".xlsx"}
    env_file = (demo / "env.sh").read_text(encoding="utf-8")
    assert f"KIT_WORKSPACE={demo / 'workspace'}" in env_file and f"KIT_SECRETS={demo / 'secrets.json'}" in env_file

    commands = _printed_commands(out)
    source, serve, golive, enable, sync = commands[:5]
    assert source == f"source {shlex.quote(str(demo / 'env.sh'))}" and "--serve" in serve
    assert golive.startswith("kit check golive --channel demo-vtex") and sync.startswith("kit sync stock")
    started = time.time()
    server = _start_serve(home, source, serve)
    try:
        checked = _bare_shell(home, f"{source} && {golive}")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "veredito: APTO" in checked.stdout
        switched = _bare_shell(home, f"{source} && {enable}")
        assert switched.returncode == 0 and "canal demo-vtex ligado" in switched.stdout, switched.stderr
        synced = _bare_shell(home, f"{source} && {sync}")
        assert synced.returncode == 0, synced.stdout + synced.stderr
    finally:
        server.terminate()
        assert server.wait(timeout=60) == 0
    from kit.store import Workspace

    history = Workspace(demo / "workspace")
    runs = history.runs.rows()
    history.close()
    mine = [r for r in runs if r["channel"] == "demo-vtex" and r["job"] == "stock" and r["started_at"] >= started]
    assert len(mine) == 1 and mine[0]["status"] == "ok" and mine[0]["counts"]["applied"] == 300, mine
    assert Path(mine[0]["report_path"]).is_relative_to(demo / "reports")  # KIT_REPORTS from env.sh

    # The sandboxes are stopped now: the sync names the address it tried and the right hint.
    down = _bare_shell(home, f"{source} && kit sync stock --channel demo-vtex --full --json")
    assert down.returncode == 1, down.stdout + down.stderr
    error = json.loads(down.stdout)["error"]
    channel = json.loads((demo / "workspace" / "channels.json").read_text(encoding="utf-8"))["_default"]
    url = next(c["base_url"] for c in channel.values() if c["name"] == "demo-vtex")
    assert url in error and ("a conexão falhou" in error or "não foi possível conectar" in error), error
    assert "o sandbox local não está rodando" in error and "kit demo --serve" in error, error
    assert "instável" not in error
