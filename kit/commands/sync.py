"""``kit sync JOB --channel NAME``: run a sync job through its notebook (papermill), or in process (``--no-notebook``).

Also ``kit sync config [--channel NAME] key=value ...`` for the job settings
(erp_dir, outbox_dir, safety_stock, price_guard_pct, price_table, warehouse),
and price-guard decisions: ``kit sync prices --channel NAME --approve SKU``.
"""

from __future__ import annotations

import json
from typing import Any

JOB_NAMES = ("stock", "prices", "products", "orders", "status")


def register(sub) -> None:
    p = sub.add_parser(
        "sync",
        help="executa uma tarefa de sincronização (stock, prices, products, orders, status)",
        description="Executa uma tarefa de sincronização pelo seu notebook (papermill) ou, com --no-notebook, no "
        "próprio processo; o relatório (HTML, JSON e o notebook) fica em reports/<canal>/<tarefa>/. Códigos de "
        "saída: 0 ok, 1 a tarefa falhou, 2 erro de uso/entrada/configuração, 3 outra execução em andamento.",
    )
    p.add_argument("job", choices=(*JOB_NAMES, "config"), help="a tarefa, ou 'config' para gravar configurações")
    p.add_argument("assignments", nargs="*", metavar="KEY=VALUE", help="com 'config': configurações a gravar")
    p.add_argument("--channel", help="nome do canal (obrigatório para executar uma tarefa)")
    p.add_argument("--dry-run", action="store_true", help="simulação: calcula e mostra, não envia nem grava nada")
    p.add_argument("--full", action="store_true", help="envia tudo, não só o que mudou")
    p.add_argument("--since", help="orders: busca os pedidos alterados desde esta data ISO")
    p.add_argument("--max-items", type=int, metavar="N", help="para depois de N itens (o resto fica para a próxima)")
    p.add_argument("--safety-stock", type=int, metavar="N", help="stock: unidades guardadas por SKU")
    p.add_argument("--export-bindings", metavar="FILE", help="products: grava a tabela de vínculos SKU em CSV")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="qualquer parâmetro do notebook")
    p.add_argument("--approve", nargs="+", metavar="SKU", help="prices: aprova preços retidos (vão na próxima)")
    p.add_argument("--approve-all", action="store_true", help="prices: aprova todos os preços retidos")
    p.add_argument("--reject", nargs="+", metavar="SKU", help="prices: rejeita preços retidos")
    p.add_argument(
        "--dismiss",
        nargs="+",
        metavar="PEDIDO",
        help="orders: descarta pedidos com falha (não vão para o ERP e não são mais relidos; precisa de --reason)",
    )
    p.add_argument(
        "--show-held", action="store_true", help="o que espera uma pessoa: preços retidos / pedidos em quarentena"
    )
    p.add_argument("--json", action="store_true", help="mostra o resumo da execução em JSON")
    p.add_argument(
        "--no-notebook",
        action="store_true",
        help="executa no próprio processo, sem iniciar um kernel: mesmo resumo, mesmo relatório HTML, mesmo "
        "registro; o notebook de saída só é gravado quando a execução falha",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="executa mesmo com o canal desligado ou com o último go-live diferente de APTO (precisa de --reason)",
    )
    p.add_argument("--reason", help="por que a execução é forçada ou o pedido é descartado (fica registrado)")
    p.add_argument("--by", help="quem força a execução ou descarta o pedido (padrão: $USER)")
    p.set_defaults(func=cmd_sync)


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def cmd_sync(args) -> int:
    from kit.commands._util import print_json, workspace
    from kit.errors import ConfigurationError

    if args.job == "config":
        return _config(args)
    if args.assignments:
        raise ConfigurationError(f"argumentos inesperados: {' '.join(args.assignments)}", hint="veja 'kit sync --help'")
    if not args.channel:
        raise ConfigurationError("--channel é obrigatório", hint=f"kit sync {args.job} --channel NOME")
    if args.max_items is not None and args.max_items < 1:
        raise ConfigurationError("--max-items precisa ser pelo menos 1")
    if args.approve or args.approve_all or args.reject:
        return _decide(args)
    if args.show_held:
        return _show_held(args)
    if args.dismiss:
        return _dismiss(args)
    if args.since:
        from kit.jobs.core import check_since

        check_since(args.since)
    forced = _forced(args)
    params: dict[str, Any] = {}
    for pair in args.param:
        if "=" not in pair:
            raise ConfigurationError(f"--param espera NOME=VALOR, veio {pair!r}")
        name, value = pair.split("=", 1)
        params[name.strip()] = _value(value.strip())
    if args.safety_stock is not None:
        params["safety_stock"] = args.safety_stock
    if args.export_bindings:
        from pathlib import Path

        params["export_bindings"] = str(Path(args.export_bindings).resolve())
    from kit.jobs.runner import run_inprocess_job, run_notebook_job

    runner = run_inprocess_job if args.no_notebook else run_notebook_job
    outcome = runner(
        args.job,
        args.channel,
        dry_run=args.dry_run,
        full=args.full,
        since=args.since,
        max_items=args.max_items,
        params=params,
        ws=workspace(),
        forced=forced,
        log_output=bool(getattr(args, "verbose", False)),
        verbose=bool(getattr(args, "verbose", False)),
    )
    s = outcome.summary
    if args.json:
        print_json({k: v for k, v in s.items() if k != "details"})
    else:
        _print_outcome(args, outcome)
    return outcome.exit_code


def _print_outcome(args, outcome) -> None:
    """The run in a few pt-BR lines: situation and counts, what failed, where the reports are."""
    from kit.fmt import count_pt, duration_pt
    from kit.jobs.model import COUNT_KEYS, JOB_LABELS, STATUS_LABELS

    s = outcome.summary
    c = s["counts"]
    counts = ", ".join(f"{count_pt(int(c.get(k, 0)))} {STATUS_LABELS[k]}" for k in COUNT_KEYS)
    state = "OK" if s["status"] == "ok" else "FALHOU"
    dry = " (simulação)" if args.dry_run else ""
    print(
        f"{JOB_LABELS.get(args.job, args.job)} {args.channel}: {state}{dry} - {counts} em {duration_pt(s['duration_s'])}"
    )
    if s.get("error"):
        print(f"erro: {_error_line(s)}")
    if outcome.html_path:
        print(f"relatório: {outcome.html_path}")
    if outcome.report_path and outcome.report_path != outcome.html_path:
        print(f"notebook: {outcome.report_path}")
    print(f"resumo: {outcome.summary_path}")


def _error_line(summary: dict[str, Any]) -> str:
    """What failed and what to do, in Portuguese (the error's English text stays in the report's technical block)."""
    failure = summary.get("failure") or {}
    return " ".join(x for x in (failure.get("message"), failure.get("hint")) if x) or str(summary.get("error"))


def _forced(args) -> dict[str, Any] | None:
    """Refuse a manual run of a channel switched off or not APTO, unless forced with a reason (recorded)."""
    from kit.commands._util import workspace
    from kit.errors import ConfigurationError
    from kit.jobs.runner import manual_run_refusal

    if args.force and not (args.reason or "").strip():
        raise ConfigurationError(
            "--force precisa de um motivo",
            hint=f'kit sync {args.job} --channel {args.channel} --force --reason "por que roda mesmo assim"',
        )
    refusal = None if args.dry_run else manual_run_refusal(workspace(), args.channel)
    if refusal is None:
        return None
    if not args.force:
        raise ConfigurationError(
            f"sincronização manual recusada: {refusal}",
            channel=args.channel,
            hint=f"ligue o canal depois de um go-live APTO ('kit check golive --channel {args.channel}', "
            f"'kit channels enable {args.channel}'), simule com --dry-run, ou force com --force --reason \"...\"",
        )
    from kit.golive.results import current_user

    return {"reason": args.reason.strip(), "by": current_user(args.by), "refusal": refusal}


def _config(args) -> int:
    from kit.channels import ChannelRegistry, parse_assignments
    from kit.commands._util import print_json, workspace
    from kit.jobs.settings import job_settings, set_job_settings

    ws = workspace()
    if args.channel:
        ChannelRegistry(ws).get(args.channel)
    if args.assignments:
        set_job_settings(ws, args.channel, parse_assignments(args.assignments))
    print_json(job_settings(ws, args.channel))
    return 0


def _decide(args) -> int:
    from kit.commands._util import workspace
    from kit.errors import ConfigurationError
    from kit.jobs import approve_prices

    if args.job != "prices":
        raise ConfigurationError("--approve/--reject valem só para a tarefa prices")
    ws = workspace()
    if args.reject:
        n = approve_prices(ws, args.channel, args.reject, reject=True)
        print(f"{n} preço(s) retido(s) rejeitado(s) em {args.channel}")
    else:
        n = approve_prices(ws, args.channel, None if args.approve_all else args.approve)
        print(f"{n} preço(s) retido(s) aprovado(s) em {args.channel}; vão na próxima execução de prices")
    return 0


#: Column headers of ``--show-held`` for people (``--json`` keeps the keys).
_HELD_HEADS = {"sku": "SKU", "reference_price": "preço de referência", "new_price": "preço novo", "drop_pct": "queda",
               "order_id": "pedido", "version": "versão", "attempts": "tentativas", "reason": "motivo"}  # fmt: skip


def _show_held(args) -> int:
    from kit.channels import ChannelRegistry
    from kit.commands._util import print_json, print_table, workspace
    from kit.errors import ConfigurationError
    from kit.fmt import money_pt, percent_pt
    from kit.jobs.state import JobState

    ws = workspace()
    ChannelRegistry(ws).get(args.channel)
    state = JobState(ws, args.channel)
    if args.job == "prices":
        rows = [r for r in state.holds() if r["decision"] == "pending"]
        columns = ["sku", "reference_price", "new_price", "drop_pct"]
        shown = [{**r, "reference_price": money_pt(r["reference_price"]), "new_price": money_pt(r["new_price"]),
                  "drop_pct": percent_pt(r["drop_pct"])} for r in rows]  # fmt: skip
    elif args.job == "orders":
        rows = [{**{k: v for k, v in r.items() if k != "payload"}, "held": "quarantine"} for r in state.quarantined()]
        failed = [
            {k: r[k] for k in ("ref", "order_id", "version", "attempts", "reason")} for r in state.failed_orders()
        ]
        if args.json:
            print_json(rows + [{**r, "held": "failed"} for r in failed])
            return 0
        print_table(rows, ["order_id", "version", "attempts", "reason"], _HELD_HEADS)
        if failed:
            print("\nPedidos com falha (relidos a cada execução; descarte com --dismiss PEDIDO --reason ...):")
            print_table([{**r, "order_id": r["order_id"] or r["ref"]} for r in failed],
                        ["order_id", "version", "attempts", "reason"], _HELD_HEADS)  # fmt: skip
        return 0
    else:
        raise ConfigurationError("--show-held vale para as tarefas prices e orders")
    print_json(rows) if args.json else print_table(shown, columns, _HELD_HEADS)
    return 0


def _dismiss(args) -> int:
    """``--dismiss PEDIDO...``: a person gives up on failed orders (never written, no longer re-read), with a reason."""
    from kit.channels import ChannelRegistry
    from kit.commands._util import workspace
    from kit.errors import ConfigurationError
    from kit.golive.results import current_user
    from kit.jobs.state import JobState

    if args.job != "orders":
        raise ConfigurationError("--dismiss vale só para a tarefa orders")
    if not (args.reason or "").strip():
        raise ConfigurationError(
            "--dismiss precisa de um motivo",
            hint=f'kit sync orders --channel {args.channel} --dismiss {" ".join(args.dismiss)} --reason "por quê"',
        )
    ws = workspace()
    ChannelRegistry(ws).get(args.channel)
    state = JobState(ws, args.channel)
    pending = {key for r in state.failed_orders() for key in (r["ref"], r["order_id"]) if key}
    unknown = [ref for ref in args.dismiss if ref not in pending]
    if unknown:
        raise ConfigurationError(
            f"pedido(s) sem falha pendente em {args.channel}: {', '.join(unknown)}",
            channel=args.channel,
            hint=f"veja a lista com 'kit sync orders --channel {args.channel} --show-held'",
        )
    n = state.dismiss_failed(args.dismiss, current_user(args.by), args.reason.strip())
    print(f"{n} pedido(s) com falha descartado(s) em {args.channel}: não vão para o ERP e não são mais relidos")
    return 0
