"""Nothing leaked: after the demo runs with credentials set, no secret value is anywhere it should not be.

Searched: the demo workspace, the repo's ``reports/``, ``notebooks/`` and ``mappings/``, every
file tracked by git, and everything the commands printed. The secrets file itself is the one
place the values belong. This test grows as later work adds reports and notebook runs to the demo.
"""

from __future__ import annotations

import secrets as pysecrets
import subprocess
from pathlib import Path

import pytest

from kit.secrets import credentials_ref, env_var_name

ROOT = Path(__file__).resolve().parent.parent
CNPJ = "11222333000181"


def _files_containing(roots: list[Path], needles: list[str], *, skip: set[Path]) -> list[str]:
    hits = []
    raw_needles = [n.encode("utf-8") for n in needles]
    for root in roots:
        if not root.exists():
            continue
        for path in [root] if root.is_file() else root.rglob("*"):
            if not path.is_file() or path.resolve() in skip or ".venv" in path.parts:
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            for needle in raw_needles:
                if needle in data:
                    hits.append(f"{path}: {needle.decode()[:4]}…")
    return hits


def _tracked_files_containing(needles: list[str]) -> list[str]:
    hits = []
    for needle in needles:
        result = subprocess.run(
            ["git", "grep", "-l", "-F", needle], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        if result.returncode == 0:
            hits += result.stdout.split()
        elif result.returncode not in (1,):
            pytest.skip(f"git grep unavailable: {result.stderr.strip()}")
    return hits


def test_search_finds_a_planted_value(tmp_path):
    """Positive control: the search really finds a value where one is."""
    planted = pysecrets.token_hex(12)
    (tmp_path / "deep" / "dir").mkdir(parents=True)
    (tmp_path / "deep" / "dir" / "x.bin").write_bytes(b"\x00prefix" + planted.encode() + b"\x00")
    assert _files_containing([tmp_path], [planted], skip=set())


@pytest.mark.slow
@pytest.mark.long
def test_demo_with_credentials_leaks_nothing(tmp_path, kit_cli):
    demo = tmp_path / "demo"
    env = {"KIT_WORKSPACE": str(demo / "workspace"), "KIT_SECRETS": str(demo / "secrets.json")}
    first = kit_cli("demo", "--dir", str(demo))
    assert first.returncode == 0, first.stderr

    file_secret = "vtexAppToken-" + pysecrets.token_hex(16)
    ml_secret = "mlClientSecret-" + pysecrets.token_hex(16)
    env_secret = "APP_USR-" + pysecrets.token_hex(16)
    set_token = kit_cli("secrets", "set", "demo-vtex", "app_token", input=file_secret + "\n", env=env)
    assert set_token.returncode == 0, set_token.stderr
    set_ml = kit_cli("secrets", "set", "demo-mercadolivre", "client_secret", input=ml_secret + "\n", env=env)
    assert set_ml.returncode == 0, set_ml.stderr
    env_name = env_var_name(credentials_ref(CNPJ, "sandbox", "demo-mercadolivre"), "access_token")
    with_env = {**env, env_name: env_secret}

    outputs = [first, set_token, set_ml]
    outputs.append(kit_cli("demo", "--dir", str(demo), env=with_env))
    outputs.append(kit_cli("secrets", "list", env=with_env))
    outputs.append(kit_cli("channels", "list", "--json", env=with_env))
    outputs.append(kit_cli("channels", "show", "demo-vtex", env=with_env))
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs if o.returncode]

    needles = [file_secret, ml_secret, env_secret]
    # The secrets file holds the two stored values (and only it may).
    secrets_file = demo / "secrets.json"
    stored = secrets_file.read_text(encoding="utf-8")
    assert file_secret in stored and ml_secret in stored and env_secret not in stored

    printed = "\n".join(o.stdout + o.stderr for o in outputs)
    for needle in needles:
        assert needle not in printed, "a secret was printed"
    hits = _files_containing(
        [demo, ROOT / "reports", ROOT / "notebooks", ROOT / "mappings"],
        needles,
        skip={secrets_file.resolve()},
    )
    assert not hits, f"secret values found in: {hits}"
    assert not _tracked_files_containing(needles), "a secret value is in a file tracked by git"
