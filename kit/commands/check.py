"""``kit check golive``: run the go-live check (its notebook, or in process) and print the verdict.

Exit codes: 0 APTO, 1 NÃO APTO or a check that could not run (channel
unreachable, credentials refused: "NÃO FOI POSSÍVEL VERIFICAR"), 2 usage or
input error (also when the input error happens inside the notebook: it is read
back from ``summary.json``). Progress goes to stderr while the check runs;
papermill's and the kernel's lines only with ``-v``.
"""

from __future__ import annotations

import sys
import time
from typing import NoReturn


def register(sub) -> None:
    p = sub.add_parser("check", help="verificações antes de ligar um canal")
    csub = p.add_subparsers(dest="check_cmd", metavar="CHECK")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    g = csub.add_parser("golive", help="verificação de go-live: ERP × loja, de-para, credenciais, capacidade, "
                        "primeira sincronização")  # fmt: skip
    who = g.add_mutually_exclusive_group(required=True)
    who.add_argument("--channel", help="um canal configurado")
    who.add_argument("--type", dest="channel_type", help="modo offline: um tipo de canal, só arquivos")
    g.add_argument("--erp", metavar="FILE", help="exportação de produtos do ERP (CSV/XLSX)")
    g.add_argument("--store", metavar="FILE", help="exportação da loja; padrão: anúncios lidos ao vivo do canal")
    g.add_argument("--values-dir", metavar="DIR", help="listas de valores do canal (<kind>.csv) para o de-para")
    g.add_argument("--mappings", metavar="NAME", help="de quem são as tabelas de de-para (padrão: o canal)")
    g.add_argument("--company", help="CNPJ da empresa (modo offline)")
    g.add_argument("--environment", default=None, choices=("production", "sandbox"),
                   help="o ambiente que será ligado (padrão: o do próprio canal; offline: production)")  # fmt: skip
    g.add_argument("--price-tolerance", type=float, default=1.0, metavar="PCT", help="divergência de preço aceita, %%")
    g.add_argument("--stock-tolerance", type=float, default=0.0, metavar="UNITS", help="divergência de estoque aceita")
    g.add_argument("--peak", type=float, default=10.0, metavar="X", help="multiplicador de volume no pico (padrão 10)")
    g.add_argument("--price-guard", type=float, default=30.0, metavar="PCT",
                   help="trava de queda de preço na primeira sincronização, %%")  # fmt: skip
    g.add_argument("--stock-change", type=float, default=20.0, metavar="PCT",
                   help="parte do catálogo cujo estoque muda por hora, %% (capacidade)")  # fmt: skip
    g.add_argument("--price-change", type=float, default=5.0, metavar="PCT", help="o mesmo para preços, %%")
    g.add_argument("--orders-per-hour", type=float, default=60.0, metavar="N", help="pedidos por hora hoje")
    g.add_argument("--confirm", action="append", default=[], metavar="ITEM",
                   help="registra antes uma confirmação do checklist (other_erp, price_drop:SKU); repetível")  # fmt: skip
    g.add_argument("--confirm-price-drops", type=float, metavar="PCT",
                   help="confirma por regra todas as quedas de preço de até PCT %% (registrada com --by)")  # fmt: skip
    g.add_argument("--drops-category", metavar="CATEGORY",
                   help="com --confirm-price-drops: só os SKUs desta categoria do ERP (e das que estão abaixo)")  # fmt: skip
    g.add_argument("--answers", metavar="FILE", help="arquivo de respostas do checklist (JSON)")
    g.add_argument("--by", help="quem executa/confirma (padrão: $USER)")
    g.add_argument("--output", metavar="DIR", help="pasta do relatório (padrão: reports/<canal>/<data>)")
    g.add_argument("--json", action="store_true", help="mostra o resumo em JSON")
    g.add_argument("--no-notebook", action="store_true",
                   help="verifica no próprio processo, sem iniciar um kernel: o mesmo relatório; o notebook de saída "
                   "só é gravado quando a verificação não pode ser feita")  # fmt: skip
    g.set_defaults(func=cmd_golive)


def _check_arguments(args, ws) -> None:
    """Refuse what cannot work before starting anything (exit 2)."""
    from pathlib import Path

    from kit.errors import ConfigurationError, InputDataError

    if args.channel:
        from kit.channels import ChannelRegistry

        ChannelRegistry(ws).get(args.channel)  # a clear error before starting a kernel
        if not args.erp:
            raise ConfigurationError("nenhuma exportação do ERP informada",
                                     hint="acrescente --erp ARQUIVO (a exportação de produtos do ERP)")  # fmt: skip
    else:
        from kit.channeltypes import get_type

        get_type(args.channel_type)
        if args.confirm or args.confirm_price_drops is not None:
            raise ConfigurationError("--confirm precisa de --channel", hint="as confirmações são registradas por canal")
        if not args.erp or not args.store:
            raise ConfigurationError("o modo offline precisa de --erp e --store", hint="ou use --channel NOME")
    if args.drops_category and args.confirm_price_drops is None:
        raise ConfigurationError("--drops-category só vale com --confirm-price-drops PCT")
    for label, path in (("exportação do ERP", args.erp), ("exportação da loja", args.store),
                        ("arquivo de respostas", args.answers)):  # fmt: skip
        if path and not Path(path).exists():
            raise InputDataError(f"{label} {path} não existe", file=path, hint="confira o caminho")


def _confirm(args, ws) -> None:
    from kit.golive.results import record_confirmation

    items = list(args.confirm)
    if args.confirm_price_drops is not None:
        from kit.golive.confirm_rules import price_drop_rule_item

        items.append(price_drop_rule_item(args.confirm_price_drops, args.drops_category))
    for item in items:
        row = record_confirmation(ws, args.channel, item, args.by)
        print(f"confirmado: {row['item']} por {row['by']} em {row['at']}")


def _parameters(args, ws) -> dict:
    """The notebook's parameters: names and paths only (the kernel resolves credentials from the channel name)."""
    from pathlib import Path

    def absolute(p):
        return str(Path(p).resolve()) if p else ""

    return {
        "channel": args.channel or "", "channel_type": args.channel_type or "", "erp_file": absolute(args.erp),
        "store_file": absolute(args.store), "values_dir": absolute(args.values_dir),
        "mappings_channel": args.mappings or "", "company": args.company or "",
        "environment": args.environment or "", "price_tolerance_pct": args.price_tolerance,
        "stock_tolerance": args.stock_tolerance, "peak_multiplier": args.peak, "price_guard_pct": args.price_guard,
        "stock_change_pct_per_hour": args.stock_change, "price_change_pct_per_hour": args.price_change,
        "orders_per_hour": args.orders_per_hour, "answers_file": absolute(args.answers), "by": args.by or "",
        "workspace": str(ws.root),
    }  # fmt: skip


def cmd_golive(args) -> int:
    from pathlib import Path

    from kit.commands._util import print_json, workspace
    from kit.golive.execute import execute_report
    from kit.golive.paths import new_output_dir

    ws = workspace()
    _check_arguments(args, ws)
    if args.confirm or args.confirm_price_drops is not None:
        _confirm(args, ws)
    label = args.channel or f"offline-{args.channel_type}"
    out = Path(args.output).resolve() / label / _stamp() if args.output else new_output_dir(label).resolve()
    verbose = bool(getattr(args, "verbose", False))
    progress = _Progress()
    outcome = execute_report(_parameters(args, ws), out, in_process=args.no_notebook, verbose=verbose,
                             on_progress=progress, command=" ".join(["kit", *sys.argv[1:]]))  # fmt: skip
    summary = outcome.summary
    if args.json:
        print_json({**summary, "notebook": str(outcome.notebook) if outcome.notebook.exists() else "",
                    "html": str(outcome.html or "")})  # fmt: skip
    if not summary.get("ok"):
        return _not_checked(outcome)
    if not args.json:
        _print_verdict(summary, outcome)
    return 0 if summary["verdict"] == "APTO" else 1


class _Progress:
    """Progress lines on stderr while the check runs: ``[12 s] Etapa 3 de 10: ...``."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()

    def __call__(self, text: str) -> None:
        sys.stderr.write(f"[{time.monotonic() - self.t0:.0f} s] {text}\n")
        sys.stderr.flush()


def _not_checked(outcome) -> NoReturn:
    """A check that did not reach a verdict: an input error exits 2 like any CLI error; else the failure, exit 1.

    Raises:
        KitError: always; the CLI prints it as one error line and one hint line.
    """
    from kit.errors import KitError

    summary = outcome.summary
    err = summary.get("error") or {}
    print(f"relatório: {outcome.html or outcome.notebook}", file=sys.stderr)
    failure = outcome.failure
    if err and int(summary.get("exit_code", 1)) == 2:
        # An input/configuration error raised inside the check: one line naming where, like any CLI error.
        exc = KitError(err.get("message", "a verificação falhou"), hint=err.get("hint"))
        exc.exit_code = 2
        exc.fields.update({k: v for k, v in err.items() if k not in ("error", "message", "hint")})
        raise exc
    sys.stderr.write("veredito: NÃO FOI POSSÍVEL VERIFICAR\n")
    # What failed and what to do, as the CLI prints every error (one line each); exit 1: the check found no verdict.
    exc = KitError(failure.message if failure else (outcome.error or "a verificação não chegou a um veredito"),
                   hint=failure.hint if failure else None)  # fmt: skip
    exc.exit_code = 1
    raise exc


def _print_verdict(summary: dict, outcome) -> None:
    from kit.fmt import count_pt
    from kit.labels import check_label

    print(f"veredito: {summary['verdict']} ({count_pt(summary['blockers'])} bloqueio(s))")
    width = max([len(check_label(c)) for c in summary["counts"]] + [10])
    for check, counts in summary["counts"].items():
        print(f"  {check_label(check):{width}}  bloqueio {count_pt(counts['bloqueio']):>7}  aviso "
              f"{count_pt(counts['aviso']):>7}  info {count_pt(counts['info']):>7}")  # fmt: skip
    print(f"relatório HTML: {outcome.html}")
    if outcome.notebook.exists():
        print(f"notebook: {outcome.notebook}")
    print(f"planilha (XLSX): {summary.get('xlsx_path')}")
    print(f"todos os achados (CSV): {summary.get('findings_csv_path')}")


def _stamp() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
