"""``kit sync JOB --channel NAME``: run a sync job through its notebook (papermill).

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
        help="run a sync job (stock, prices, products, orders, status) through its notebook",
        description="Run a sync job through papermill; the report goes to reports/<channel>/<job>/. "
        "Exit codes: 0 ok, 1 the job failed, 2 usage/input/config error, 3 another run holds the lock.",
    )
    p.add_argument("job", choices=(*JOB_NAMES, "config"), help="the job, or 'config' to set job settings")
    p.add_argument("assignments", nargs="*", metavar="KEY=VALUE", help="with 'config': settings to store")
    p.add_argument("--channel", help="channel name (required to run a job)")
    p.add_argument("--dry-run", action="store_true", help="compute and report; send and write nothing")
    p.add_argument("--full", action="store_true", help="push everything, not only what changed")
    p.add_argument("--since", help="orders: fetch orders updated since this ISO date")
    p.add_argument("--max-items", type=int, metavar="N", help="stop after N items (the rest waits)")
    p.add_argument("--safety-stock", type=int, metavar="N", help="stock: units kept back per SKU")
    p.add_argument("--export-bindings", metavar="FILE", help="products: write the SKU binding table as CSV")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="any notebook parameter")
    p.add_argument("--approve", nargs="+", metavar="SKU", help="prices: approve held prices (sent next run)")
    p.add_argument("--approve-all", action="store_true", help="prices: approve every held price")
    p.add_argument("--reject", nargs="+", metavar="SKU", help="prices: reject held prices")
    p.add_argument(
        "--show-held", action="store_true", help="list what waits for a person: held prices / quarantined orders"
    )
    p.add_argument("--json", action="store_true", help="print the run summary as JSON")
    p.add_argument(
        "--force",
        action="store_true",
        help="run even though the channel is switched off or its latest go-live is not APTO (needs --reason)",
    )
    p.add_argument("--reason", help="why the run is forced (recorded with the run)")
    p.add_argument("--by", help="who forces the run (default: $USER)")
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
        raise ConfigurationError(f"unexpected arguments: {' '.join(args.assignments)}", hint="see 'kit sync --help'")
    if not args.channel:
        raise ConfigurationError("--channel is required", hint=f"kit sync {args.job} --channel NAME")
    if args.max_items is not None and args.max_items < 1:
        raise ConfigurationError("--max-items must be at least 1")
    if args.approve or args.approve_all or args.reject:
        return _decide(args)
    if args.show_held:
        return _show_held(args)
    if args.since:
        from kit.jobs.core import check_since

        check_since(args.since)
    forced = _forced(args)
    params: dict[str, Any] = {}
    for pair in args.param:
        if "=" not in pair:
            raise ConfigurationError(f"--param expects NAME=VALUE, got {pair!r}")
        name, value = pair.split("=", 1)
        params[name.strip()] = _value(value.strip())
    if args.safety_stock is not None:
        params["safety_stock"] = args.safety_stock
    if args.export_bindings:
        from pathlib import Path

        params["export_bindings"] = str(Path(args.export_bindings).resolve())
    from kit.jobs.runner import run_notebook_job

    outcome = run_notebook_job(
        args.job,
        args.channel,
        dry_run=args.dry_run,
        full=args.full,
        since=args.since,
        max_items=args.max_items,
        params=params,
        ws=workspace(),
        forced=forced,
    )
    s = outcome.summary
    if args.json:
        print_json({k: v for k, v in s.items() if k != "details"})
    else:
        c = s["counts"]
        print(
            f"{args.job} {args.channel}: {s['status']}"
            f"{' (dry run)' if args.dry_run else ''} - applied {c.get('applied', 0)}, failed {c.get('failed', 0)}, "
            f"skipped {c.get('skipped', 0)}, quarantined {c.get('quarantined', 0)}, held {c.get('held', 0)} "
            f"in {s['duration_s']:.1f} s"
        )
        if s.get("error"):
            print(f"error: {s['error']}")
        print(f"report: {outcome.report_path}")
        print(f"summary: {outcome.summary_path}")
    return outcome.exit_code


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
        raise ConfigurationError("--approve/--reject apply to the prices job only")
    ws = workspace()
    if args.reject:
        n = approve_prices(ws, args.channel, args.reject, reject=True)
        print(f"{n} held price(s) rejected for {args.channel}")
    else:
        n = approve_prices(ws, args.channel, None if args.approve_all else args.approve)
        print(f"{n} held price(s) approved for {args.channel}; they go out on the next prices run")
    return 0


def _show_held(args) -> int:
    from kit.channels import ChannelRegistry
    from kit.commands._util import print_json, print_table, workspace
    from kit.errors import ConfigurationError
    from kit.jobs.state import JobState

    ws = workspace()
    ChannelRegistry(ws).get(args.channel)
    state = JobState(ws, args.channel)
    if args.job == "prices":
        rows = [r for r in state.holds() if r["decision"] == "pending"]
        columns = ["sku", "reference_price", "new_price", "drop_pct"]
    elif args.job == "orders":
        rows = [{k: v for k, v in r.items() if k != "payload"} for r in state.quarantined()]
        columns = ["order_id", "version", "attempts", "reason"]
    else:
        raise ConfigurationError("--show-held applies to the prices and orders jobs")
    print_json(rows) if args.json else print_table(rows, columns)
    return 0
