"""Channel configuration through the CLI: add/list/show/set/remove, limits, CNPJ, --json."""

from __future__ import annotations

import json

import pytest

from kit import cli
from kit.channels import Channel, ChannelRegistry, validate, validate_cnpj
from kit.channeltypes import CHANNEL_TYPES, KIT_MAX_BATCH
from kit.errors import ConfigurationError, LimitError

CNPJ = "11.222.333/0001-81"
ALNUM_CNPJ = "12.ABC.345/01DE-35"


def kit(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process (same parser and handlers as the console script)."""
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def add(capsys, name: str, type_: str = "vtex", *extra: str, company: str = CNPJ) -> tuple[int, str, str]:
    return kit(
        capsys, "channels", "add", name, "--type", type_, "--company", company, "--environment", "sandbox", *extra
    )


def test_add_list_show_set_remove(capsys):
    code, out, err = add(capsys, "loja-vtex", "vtex", "--set", "jobs.stock.batch_size=50")
    assert code == 0, err
    assert "loja-vtex" in out and "kit secrets set loja-vtex" in out
    code, out, _ = kit(capsys, "channels", "list")
    assert code == 0 and "loja-vtex" in out and "plataforma" in out

    code, out, _ = kit(capsys, "channels", "show", "loja-vtex", "--json")
    shown = json.loads(out)
    assert shown["type"] == "vtex" and shown["company"] == "11222333000181"
    assert shown["jobs"]["stock"]["batch_size"] == 50
    assert shown["credentials_ref"] == "11222333000181/sandbox/loja-vtex"
    assert shown["enabled"] is False

    code, _, err = kit(
        capsys, "channels", "set", "loja-vtex", "jobs.prices.interval_min=45", "base_url=http://127.0.0.1:9999"
    )
    assert code == 0, err
    code, out, _ = kit(capsys, "channels", "show", "loja-vtex")
    assert "a cada 45 min" in out and "http://127.0.0.1:9999" in out

    code, _, _ = kit(capsys, "channels", "remove", "loja-vtex")
    assert code == 0
    code, out, _ = kit(capsys, "channels", "list", "--json")
    assert json.loads(out) == []


def test_list_json_carries_every_field(capsys):
    add(capsys, "b-ml", "mercadolivre")
    add(capsys, "a-mag", "magento", "--set", "settings.source_code=default")
    code, out, _ = kit(capsys, "channels", "list", "--json")
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["a-mag", "b-ml"]
    for row in rows:
        for key in ("type", "category", "company", "environment", "base_url", "credentials_ref", "jobs", "settings"):
            assert key in row
    assert rows[1]["category"] == "marketplace"


def test_duplicate_name_is_refused(capsys):
    assert add(capsys, "dup")[0] == 0
    code, _, err = add(capsys, "dup")
    assert code == 2 and "já existe" in err


@pytest.mark.parametrize("bad", ["11.222.333/0001-82", "123", "00000000000000", "12.ABC.345/01DE-36"])
def test_invalid_cnpj_is_refused_with_exit_2(capsys, bad):
    code, _, err = add(capsys, "x", company=bad)
    assert code == 2
    assert err.startswith("erro: o CNPJ da empresa") and len(err.splitlines()) == 2
    assert "Traceback" not in err


def test_alphanumeric_cnpj_is_accepted(capsys):
    code, _, err = add(capsys, "alnum", company=ALNUM_CNPJ)
    assert code == 0, err
    code, out, _ = kit(capsys, "channels", "show", "alnum", "--json")
    assert json.loads(out)["company"] == "12ABC34501DE35"
    assert validate_cnpj("12abc34501de35".upper()) == "12ABC34501DE35"


LIMITED = [(t.name, job, limit) for t in CHANNEL_TYPES.values() for job, limit in t.max_batch.items()]


@pytest.mark.parametrize(("type_", "job", "limit"), LIMITED, ids=[f"{t}-{j}" for t, j, _ in LIMITED])
def test_batch_beyond_the_type_limit_is_refused_naming_it(capsys, type_, job, limit):
    code, _, err = add(capsys, "lim", type_, "--set", f"jobs.{job}.batch_size={limit + 1}")
    assert code == 2
    assert f": {limit} itens por lote" in err
    assert job in err
    # At the limit it is accepted.
    code, _, err = add(capsys, "lim", type_, "--set", f"jobs.{job}.batch_size={limit}")
    assert code == 0, err


def test_batch_limit_also_enforced_by_set(capsys):
    add(capsys, "mag", "magento")
    code, _, err = kit(capsys, "channels", "set", "mag", "jobs.stock.batch_size=21")
    assert code == 2 and ": 20 itens por lote" in err
    code, out, _ = kit(capsys, "channels", "show", "mag", "--json")
    assert json.loads(out)["jobs"]["stock"]["batch_size"] <= 20  # unchanged


def test_kit_wide_batch_bound(capsys):
    code, _, err = add(capsys, "big", "vtex", "--set", f"jobs.stock.batch_size={KIT_MAX_BATCH + 1}")
    assert code == 2 and str(KIT_MAX_BATCH) in err


def test_rate_limit_above_the_type_is_refused_naming_it(capsys):
    code, _, err = add(capsys, "fast", "skyhub", "--set", "rate_limit=50")
    assert code == 2
    assert "limite de SkyHub / Americanas Marketplace: 9 requisições/s" in err or "9 requisições/s" in err
    code, _, err = add(capsys, "slow", "skyhub", "--set", "rate_limit=2")
    assert code == 0, err


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("jobs.stock.interval_min=0", "intervalo"),
        ("jobs.nope.batch_size=1", "job desconhecido"),
        ("settings.nope=1", "não tem a configuração"),
        ("colour=blue", "chave desconhecida"),
        ("jobs.stock.batch_size=abc", "número inteiro"),
        ("enabled=true", "não pode ser alterado"),
        ("noequals", "esperava CHAVE=VALOR"),
    ],
)
def test_bad_assignments_are_usage_errors(capsys, assignment, message):
    add(capsys, "c1")
    code, _, err = kit(capsys, "channels", "set", "c1", assignment)
    assert code == 2
    assert message in err


def test_bad_name_and_environment(capsys):
    assert add(capsys, "Bad Name")[0] == 2
    with pytest.raises(SystemExit) as info:  # argparse choices: the parser exits 2 itself
        kit(capsys, "channels", "add", "x", "--type", "vtex", "--company", CNPJ, "--environment", "staging")
    assert info.value.code == 2
    assert "opção inválida: 'staging'" in capsys.readouterr().err


def test_unknown_channel_show_set_remove(capsys):
    for argv in (["show", "ghost"], ["set", "ghost", "jobs.stock.batch_size=1"], ["remove", "ghost"]):
        code, _, err = kit(capsys, "channels", *argv)
        assert code == 2 and "não há canal chamado 'ghost'" in err


def test_types_lists_every_type_with_sources(capsys):
    code, out, _ = kit(capsys, "channels", "types", "--json")
    rows = json.loads(out)
    assert {r["type"] for r in rows} == set(CHANNEL_TYPES)
    assert all(r["source"] for r in rows)


def test_same_type_for_two_companies_has_separate_credentials(workspace):
    reg = ChannelRegistry(workspace)
    a = reg.add(Channel("ml-a", "mercadolivre", "marketplace", CNPJ, "production"))
    b = reg.add(Channel("ml-b", "mercadolivre", "marketplace", ALNUM_CNPJ, "production"))
    assert a.credentials_ref != b.credentials_ref
    assert a.credentials_ref.startswith("11222333000181/production/")


def test_validate_raises_limit_error_class():
    ch = Channel("x", "magento", "plataforma", CNPJ, "sandbox")
    validate(ch)
    ch.jobs["stock"].batch_size = 999
    with pytest.raises(LimitError):
        validate(ch)
    with pytest.raises(ConfigurationError):
        validate(Channel("x", "vtex", "nope", CNPJ, "sandbox"))
