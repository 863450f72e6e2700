"""``kit schedule`` (crontab / systemd lines, Airflow files) and ``kit run-due`` (run what is due now)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.store import Workspace

#: Column headers of the human tables (``--json`` keeps the keys).
_HEADS = {"channel": "canal", "job": "job", "due": "devido", "why": "por quê", "status": "situação",
          "exit_code": "código de saída", "report_path": "relatório"}  # fmt: skip


def register(sub) -> None:
    p = sub.add_parser(
        "schedule", help="mostra as linhas do crontab (ou units do systemd), ou grava os arquivos do Airflow"
    )
    p.add_argument("--systemd", action="store_true", help="mostra timers do systemd em vez de linhas do crontab")
    p.add_argument(
        "--airflow",
        metavar="DIR",
        help="grava em DIR o carregador do DAG do Airflow, o pools.json e o connections.template.json",
    )
    p.add_argument(
        "--airflow-schedule",
        metavar="CRON",
        help="com --airflow: de quanto em quanto tempo o DAG pergunta o que está devido",
    )
    p.add_argument(
        "--no-notebook", action="store_true", help="com --airflow: os jobs rodam no próprio processo (sem kernel)"
    )
    p.set_defaults(func=cmd_schedule)

    r = sub.add_parser(
        "run-due",
        help="roda todo job de sincronização cujo intervalo já passou (chame pelo cron a cada minuto)",
        description="Roda os jobs devidos dos canais ligados que passaram na verificação de go-live, em paralelo "
        "dentro dos limites de --parallel (por máquina) e --per-account. Uma passada por vez em cada área de "
        "trabalho. Códigos de saída: 0 tudo certo (ou nada devido), 1 um job falhou, 2 erro de configuração, "
        "3 outra passada (ou, com --channel e --job, outra execução desse job) está com a trava.",
    )
    r.add_argument("--list", action="store_true", help="só mostra o que está devido e por quê; não roda nada")
    r.add_argument("--dry-run", action="store_true", help="roda os jobs devidos como simulação (nada é enviado)")
    r.add_argument("--json", action="store_true")
    r.add_argument(
        "--channel", metavar="NAME", help="só os jobs deste canal (sem a trava da passada: cada job tem a sua)"
    )
    r.add_argument("--job", choices=("products", "stock", "prices", "orders", "status"), help="só este job")
    r.add_argument(
        "--parallel", type=int, metavar="N", help="jobs ao mesmo tempo nesta máquina ($KIT_RUN_DUE_PARALLEL)"
    )
    r.add_argument(
        "--per-account", type=int, metavar="N", help="jobs ao mesmo tempo por conta de canal ($KIT_RUN_DUE_PER_ACCOUNT)"
    )
    r.add_argument(
        "--no-notebook", action="store_true", help="roda cada job no próprio processo (sem kernel, sem notebook)"
    )
    r.add_argument(
        "--no-backoff",
        action="store_true",
        help="roda agora um job que vem falhando, ignorando a espera entre tentativas (retry do Airflow: "
        "o Airflow decide quando tentar de novo)",
    )
    r.set_defaults(func=cmd_run_due)


def cmd_schedule(args) -> int:
    from kit.commands._util import workspace
    from kit.jobs.schedule import crontab_text, systemd_text

    ws = workspace()
    if args.airflow:
        return _airflow(ws, args)
    print(systemd_text(ws) if args.systemd else crontab_text(ws), end="")
    return 0


def _airflow(ws: Workspace, args) -> int:
    from kit.airflow.files import write_airflow_files

    paths = write_airflow_files(ws, args.airflow, schedule=args.airflow_schedule, no_notebook=args.no_notebook)
    loader, pools, template = paths
    print(f"Arquivos do Airflow gravados em {loader.parent}:")
    print(f"  {loader.name}: copie para a pasta de DAGs do Airflow (o DAG canais_kit)")
    print(f"  {pools.name}: airflow pools import {pools}")
    print(f"  {template.name}: preencha as credenciais e importe sem passar segredos na linha de comando:")
    print(f"    airflow connections import {template}  (depois apague o arquivo preenchido)")
    print("  ou use um secrets backend (veja o README, 'Muitas empresas')")
    return 0


def _list(ws: Workspace, args) -> int:
    from kit.airflow.files import connection_id, secret_env_names
    from kit.channels import ChannelRegistry
    from kit.commands._util import print_json, print_table
    from kit.jobs.schedule import due_jobs

    due = due_jobs(ws, channel=args.channel, job=args.job)
    if args.json:
        channels = {ch.name: ch for ch in ChannelRegistry(ws).list()}
        rows = []
        for d in due:
            row = d.to_dict()
            ch = channels.get(d.channel)
            if ch is not None:  # names only: where Airflow finds the credentials, which variables they fill
                row.update(connection=connection_id(ch), secret_env=secret_env_names(ch))
            rows.append(row)
        print_json(rows)
    else:
        rows = [{"channel": d.channel, "job": d.job, "due": "sim" if d.due else "não", "why": d.reason} for d in due]
        print_table(rows, ["channel", "job", "due", "why"], _HEADS)
    return 0


def cmd_run_due(args) -> int:
    from kit.commands._util import print_json, print_table, workspace
    from kit.jobs.schedule import run_due
    from kit.labels import STATUS_LABELS
    from kit.scale.dispatch import PassLimits
    from kit.scale.passlock import pass_lock

    ws = workspace()
    if args.list:
        return _list(ws, args)
    limits = PassLimits.from_env(args.parallel, args.per_account, "inprocess" if args.no_notebook else None)
    if args.channel or args.job:  # a part of a pass (the Airflow task): each job's own lock is enough
        results = run_due(ws, dry_run=args.dry_run, limits=limits, channel=args.channel, job=args.job,
                          backoff=not args.no_backoff)  # fmt: skip
    else:
        with pass_lock(ws):
            results = run_due(ws, dry_run=args.dry_run, limits=limits, backoff=not args.no_backoff)
    if args.json:
        print_json(results)
    elif not results:
        print("nada devido")
    else:
        shown = [{**r, "status": STATUS_LABELS.get(r["status"], r["status"])} for r in results]
        print_table(shown, ["channel", "job", "status", "exit_code", "report_path"], _HEADS)
    return _exit_code(results)


def _exit_code(results: list[dict[str, Any]]) -> int:
    """2 on a configuration error, 1 on a failure, 3 when every job found its lock held, else 0."""
    if results and all(r["status"] == "locked" for r in results):
        return 3
    codes = [r["exit_code"] for r in results if r["status"] != "locked"]
    if any(c == 2 for c in codes):
        return 2
    return 1 if any(codes) else 0
