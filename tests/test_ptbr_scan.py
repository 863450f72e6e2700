"""Everything a person reads is Brazilian Portuguese (issue 16): a scan for English that fails on a new string.

Three views of what the kit shows a person, each through one detector (:func:`kit.lang.looks_english`):

1. the source: every literal passed to a person-facing sink (errors and hints, prints, argparse help, widget
   texts, label tables, HTML templates, the reader's problems, item reasons, notebooks' markdown), collected
   through the AST (``tests/ptbr_scan.py``);
2. the CLI's ``--help`` of every command and sub-command, as argparse builds it;
3. real command outputs against a local VTEX sandbox (set-up, listings, errors, a refused gate, a channel that
   does not answer), and the painel's widgets.

Any English string fails with its file and line: there is no list of tolerated strings. A string a machine
reads (a ``--json`` key, a log line) does not belong in a person-facing sink, so the answer to a failure is to
translate the string or to fix the sink it goes to. Positive controls plant English strings in every kind of
sink and check the scan catches them.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import textwrap

import pytest

from kit.lang import english_words, looks_english
from tests.conftest import ROOT
from tests.ptbr_scan import Found, collect_notebooks, collect_source, error_classes, kit_files

CNPJ = "11222333000181"
_TAGS = re.compile(r"<[^>]*>")


#: ``kit channels add``: a command a person types is an identifier, not prose.
_KIT_COMMAND = re.compile(r"\bkit(\s+\[?-?[a-z][\w-]*\]?){1,3}")


def _english(text: str) -> bool:
    return looks_english(_KIT_COMMAND.sub(" ", _TAGS.sub(" ", text)))


def _flagged(found: list[Found]) -> list[Found]:
    return [f for f in found if _english(f.text)]


# -- 1. the source ---------------------------------------------------------------------------------------------
def test_no_english_string_in_what_the_kit_shows():
    found = collect_source(kit_files()) + collect_notebooks()
    assert len(found) > 1000  # the collector sees the kit (a broken collector would find nothing and pass)
    english = [f"{f.path}:{f.line} [{f.sink}] {f.text!r} (English: {english_words(f.text)})" for f in _flagged(found)]
    assert not english, "English a person would read (translate it):\n" + "\n".join(english)


def test_every_go_live_check_has_a_portuguese_label():
    import kit.golive  # noqa: F401 - registers the built-in checks
    from kit.golive.registry import CHECKS
    from kit.labels import CHECK_LABELS

    missing = sorted(set(CHECKS) - set(CHECK_LABELS))
    assert not missing, f"checks shown by their raw id: {missing}"
    assert not [label for label in CHECK_LABELS.values() if _english(label)]


# -- 2. --help of every command -------------------------------------------------------------------------------
def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def _help_items(parser: argparse.ArgumentParser) -> list[str]:
    items = [parser.description or ""]
    for action in parser._actions:
        items.append(action.help or "")
        if isinstance(action, argparse._SubParsersAction):
            items += [choice.help or "" for choice in action._choices_actions]
    return [i for i in items if i and i != argparse.SUPPRESS]


def help_english(parser: argparse.ArgumentParser) -> list[str]:
    """English in the help of ``parser`` and every sub-command (texts, and argparse's own words)."""
    out = []
    for path, sub in _parsers(parser):
        text = sub.format_help()
        name = " ".join(("kit", *path))
        for word in ("usage:", "positional arguments", "options:", "show this help message"):
            if word in text:
                out.append(f"{name} --help: argparse's {word!r}")
        out += [f"{name}: {item!r}" for item in _help_items(sub) if _english(item)]
    return out


def test_every_help_text_is_portuguese():
    from kit.cli import build_parser

    parser = build_parser()
    commands = [p for p, _ in _parsers(parser)]
    assert len(commands) > 25  # every command and sub-command is walked
    english = help_english(parser)
    assert not english, "\n".join(english)


def test_the_real_help_output_is_portuguese(kit_cli):
    result = kit_cli("channels", "add", "--help")
    assert result.returncode == 0
    assert "uso: kit channels add" in result.stdout and "mostra esta ajuda e sai" in result.stdout
    assert not [line for line in result.stdout.splitlines() if _english(line)], result.stdout


# -- 3. real outputs ---------------------------------------------------------------------------------------------
def _english_lines(text: str) -> list[str]:
    """Lines a person reads that are English; a ``detalhe técnico:`` line is the labelled technical detail."""
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("detalhe técnico:") and _english(ln)]


@pytest.fixture
def sandbox_channel(kit_cli):
    from kit.sandbox import start_sandbox

    with start_sandbox("vtex", seed=7, orders=3) as sbx:
        settings = [f"settings.{k}={v}" for k, v in sbx.channel_settings().items()]
        added = kit_cli("channels", "add", "loja", "--type", "vtex", "--company", CNPJ, "--environment", "sandbox",
                        "--base-url", sbx.url, *sum((["--set", s] for s in settings), []))  # fmt: skip
        assert added.returncode == 0, added.stderr
        for key, value in sbx.credentials.items():
            assert kit_cli("secrets", "set", "loja", key, input=value + "\n").returncode == 0
        yield sbx, added


@pytest.mark.timeout(300)
def test_real_command_outputs_are_portuguese(kit_cli, sandbox_channel, tmp_path):
    sbx, added = sandbox_channel
    products = str(ROOT / "kit" / "data" / "sample" / "erp" / "products.csv")
    commands = [
        ("init",),
        ("channels", "list"),
        ("channels", "show", "loja"),
        ("channels", "types"),
        ("secrets", "list"),
        ("sandbox", "types"),
        ("demo", "--steps"),
        ("inspect", products),
        ("inspect", str(tmp_path / "nao-existe.csv")),
        ("assortment", "show", "--channel", "loja", "--erp", products),
        ("depara", "validate", "loja"),  # live value lists from the sandbox, no tables yet
        ("channels", "enable", "loja"),  # refused by the go-live gate
        ("channels", "set", "loja", "jobs.stock.batch_size=0"),
        ("channels", "add", "x", "--type", "vtex", "--company", "123", "--environment", "sandbox"),
        ("channels", "show", "fantasma"),
        ("secrets", "set", "loja", "senha"),
        ("channels", "disable", "loja"),
        ("nao-existe",),
    ]
    outputs = {"channels add": added.stdout + added.stderr}
    for argv in commands:
        result = kit_cli(*argv, input="")
        assert "Traceback" not in result.stderr, (argv, result.stderr)
        outputs[" ".join(argv)] = result.stdout + result.stderr
    # A channel that does not answer: the address tried and the right hint, in Portuguese.
    sbx.stop()
    down = kit_cli("depara", "validate", "loja")
    outputs["depara validate (channel down)"] = down.stdout + down.stderr
    english = {cmd: lines for cmd, out in outputs.items() if (lines := _english_lines(out))}
    assert not english, english
    assert "recusou" in outputs["channels enable loja"] or "não foi ligado" in outputs["channels enable loja"]
    assert "erro: " in outputs["channels add x --type vtex --company 123 --environment sandbox"]


def test_the_painel_widgets_are_portuguese(workspace):
    from kit.jobs.history import RetryPanel

    panel = RetryPanel(workspace, runner=lambda *a, **k: None)
    texts = [panel.button.description, panel.force.description, panel.reason.placeholder]
    panel.button.click()
    texts.append(panel.status.value)
    assert all(texts) and not [t for t in texts if _english(t)], texts


# -- positive controls --------------------------------------------------------------------------------------------
PLANTED = textwrap.dedent(
    """
    import argparse
    import ipywidgets as w
    from kit.errors import ConfigurationError, InputDataError
    from kit.connectors.model import ItemResult, PublishResult

    STATUS_LABELS = {"ok": "the run finished", "bad": "falhou"}

    def f(sub, sku, path):
        p = sub.add_parser("x", help="show the channels that are enabled")
        p.add_argument("--y", help="mostra os canais ligados")
        print(f"channel {sku} added to the store")
        print(f"canal {sku} adicionado")
        w.Button(description="Run again the failed jobs")
        html = f"<div class='x'>The report could not be written to {path}</div>"
        ItemResult(sku, "failed", "the channel did not accept the price")
        PublishResult(sku, "held", "", "", "fill in the brand of the product")
        PublishResult(sku, "failed", reason="o canal recusou o anúncio", note="the images were not sent")
        raise ConfigurationError(f"file {path} does not exist", hint="check the path")

    def g(path):
        raise InputDataError(f"o arquivo {path} não existe", hint="confira o caminho")
    """
)


def test_the_source_scan_catches_planted_english(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(PLANTED, encoding="utf-8")
    found = collect_source([planted], root=tmp_path, errors=error_classes(kit_files()))
    flagged = {f.text for f in _flagged(found)}
    assert flagged == {
        "the run finished",
        "show the channels that are enabled",
        "channel {} added to the store",
        "Run again the failed jobs",
        "<div class='x'>The report could not be written to {}</div>",
        "the channel did not accept the price",
        "fill in the brand of the product",
        "the images were not sent",
        "file {} does not exist",
        "check the path",
    }, flagged
    portuguese = {f.text for f in found} - flagged
    assert {
        "falhou",
        "mostra os canais ligados",
        "canal {} adicionado",
        "o arquivo {} não existe",
        "o canal recusou o anúncio",
    } <= portuguese


def test_the_help_and_output_scans_catch_planted_english():
    from kit.cli import _Parser

    parser = _Parser(prog="kit", description="configura os canais")
    sub = parser.add_subparsers(dest="cmd", parser_class=_Parser)
    sub.add_parser("ok", help="mostra um canal").add_argument("--x", help="the channel to show")
    plain = argparse.ArgumentParser(prog="kit")  # argparse's own English words
    assert help_english(parser) == ["kit ok: 'the channel to show'"]
    assert {"kit --help: argparse's 'usage:'", "kit: 'show this help message and exit'"} <= set(help_english(plain))
    assert _english_lines("canal loja adicionado\nchannel loja added\ndetalhe técnico: file not found") == [
        "channel loja added"
    ]


def test_the_cli_turns_a_planted_english_message_into_portuguese_lines(tmp_path):
    """An English KitError from anywhere: the person's lines are Portuguese, the English a labelled detail."""
    script = (
        "import sys\nfrom kit import cli\nfrom kit.errors import ChannelFatalError\nimport kit.commands.init as m\n"
        "def boom(a):\n    raise ChannelFatalError('the channel refused the order', status=422, hint='try again')\n"
        "m.cmd_init = boom\nsys.exit(cli.main(['init']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [ln.split(":")[0] for ln in lines] == ["erro", "dica", "detalhe técnico"]
    assert not _english_lines(result.stderr) and "the channel refused the order" in lines[2]
