"""``kit schedule`` (crontab / systemd lines, Airflow files) and ``kit run-due`` (run what is due now)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.store import Workspace


def register(sub) -> None:
    p = sub.add_parser("schedule", help="print crontab lines (or systemd units), or write the Airflow files")
    p.add_argument("--systemd", action="store_true", help="print systemd timer units instead of crontab lines")
    p.add_argument(
        "--airflow",
        metavar="DIR",
        help="write the Airflow DAG loader, pools.json and connections.template.json into DIR",
    )
    p.add_argument("--airflow-schedule", metavar="CRON", help="with --airflow: how often the DAG asks what is due")
    p.add_argument("--no-notebook", action="store_true", help="with --airflow: jobs run in-process (no kernel)")
    p.set_defaults(func=cmd_schedule)

    r = sub.add_parser(
        "run-due",
        help="run every sync job whose interval has elapsed (call it from cron every minute)",
        description="Runs due jobs of enabled channels that passed the go-live check, side by side within "
        "--parallel (per machine) and --per-account. One pass at a time per workspace. Exit codes: 0 all ok "
        "(or nothing due), 1 a job failed, 2 a configuration error, 3 another pass (or, with --channel and --job, "
        "another run of that job) holds the lock.",
    )
    r.add_argument("--list", action="store_true", help="only show what is due and why; run nothing")
    r.add_argument("--dry-run", action="store_true", help="run the due jobs as simulations (nothing sent)")
    r.add_argument("--json", action="store_true")
    r.add_argument("--channel", metavar="NAME", help="only this channel's jobs (no pass lock: each job has its own)")
    r.add_argument("--job", choices=("products", "stock", "prices", "orders", "status"), help="only this job")
    r.add_argument("--parallel", type=int, metavar="N", help="jobs at once on this machine ($KIT_RUN_DUE_PARALLEL)")
    r.add_argument(
        "--per-account", type=int, metavar="N", help="jobs at once per channel account ($KIT_RUN_DUE_PER_ACCOUNT)"
    )
    r.add_argument("--no-notebook", action="store_true", help="run each job in-process (no kernel, no notebook)")
    r.add_argument(
        "--no-backoff",
        action="store_true",
        help="run a failing job now, ignoring its backoff (an Airflow retry: Airflow decides when to try again)",
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
        print_table(rows, ["channel", "job", "due", "why"])
    return 0


def cmd_run_due(args) -> int:
    from kit.commands._util import print_json, print_table, workspace
    from kit.jobs.schedule import run_due
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
        print("nothing due")
    else:
        print_table(results, ["channel", "job", "status", "exit_code", "report_path"])
    return _exit_code(results)


def _exit_code(results: list[dict[str, Any]]) -> int:
    """2 on a configuration error, 1 on a failure, 3 when every job found its lock held, else 0."""
    if results and all(r["status"] == "locked" for r in results):
        return 3
    codes = [r["exit_code"] for r in results if r["status"] != "locked"]
    if any(c == 2 for c in codes):
        return 2
    return 1 if any(codes) else 0
