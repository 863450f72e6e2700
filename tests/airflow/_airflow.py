"""Helpers for the tests that run the real Airflow (installed by ``make airflow-deps`` into ``.airflow-venv``)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

AIRFLOW_VENV = ROOT / ".airflow-venv"
AIRFLOW = AIRFLOW_VENV / "bin" / "airflow"
#: ``airflow dags test`` of the kit's DAG on a loaded 2-core machine: parse, ~60 small tasks, the kit runs
DAG_TEST_TIMEOUT_S = 600


def airflow_missing_reason() -> str | None:
    """Why Airflow cannot run here (``None`` when it can)."""
    if AIRFLOW.exists():
        return None
    note = AIRFLOW_VENV / "UNAVAILABLE"
    why = note.read_text(encoding="utf-8").strip() if note.exists() else "no .airflow-venv (run 'make airflow-deps')"
    return f"Airflow cannot be installed here: {why}"


def require_airflow() -> None:
    """Skip (with the reason) where Airflow cannot be installed; on CI a missing Airflow is a failure."""
    reason = airflow_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI installs it with 'make test')")
    pytest.skip(reason)


class Airflow:
    """One Airflow installation in a temp directory: its home, metadata database and dags folder."""

    def __init__(self, base: Path) -> None:
        self.home = base / "airflow"
        self.dags = self.home / "dags"
        self.dags.mkdir(parents=True)
        (base / "home").mkdir()
        key = subprocess.run(
            [str(AIRFLOW_VENV / "bin" / "python"), "-c",
             "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout.strip()  # fmt: skip
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(base / "home"),
            "LANG": "C.UTF-8",
            "TMPDIR": str(base / "tmp"),
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__FERNET_KEY": key,  # connections in the metadata database are stored encrypted
            "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "120",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        }
        (base / "tmp").mkdir()

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run([str(AIRFLOW), *args], capture_output=True, text=True, env=self.env, timeout=timeout,
                              cwd=self.home)  # fmt: skip

    def check(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        proc = self.run(*args, timeout=timeout)
        assert proc.returncode == 0, (
            f"airflow {' '.join(args)}: {proc.returncode}\n{proc.stdout[-3000:]}\n" + (proc.stderr[-6000:])
        )
        return proc

    def import_connections(self, connections: dict, scratch: Path) -> None:
        """The documented way: a 0600 file, ``airflow connections import``, the file deleted (no value on argv)."""
        path = scratch / "connections.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(connections, fh)
        try:
            self.check("connections", "import", str(path))
        finally:
            path.unlink()

    def task_instances(self) -> list[dict]:
        """Every task instance of the kit's DAG: task, channel (the mapped index label), state, try, run."""
        with sqlite3.connect(self.home / "airflow.db") as db:
            rows = db.execute(
                "SELECT task_id, rendered_map_index, state, try_number, max_tries, run_id, pool FROM task_instance "
                "WHERE dag_id = 'canais_kit' AND map_index >= 0"
            ).fetchall()
        keys = ("task", "channel", "state", "try_number", "max_tries", "run_id", "pool")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def files(self) -> list[Path]:
        """Every file Airflow wrote: metadata database (with its journal), task logs, dags folder."""
        return [p for p in self.home.rglob("*") if p.is_file()]
