"""``kit check golive``: run the go-live check notebook and print the verdict.

Exit codes: 0 APTO, 1 NÃO APTO, 2 usage or input error (also when the input
error happens inside the notebook: it is read back from ``summary.json``).
"""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("check", help="checks before switching a channel on")
    csub = p.add_subparsers(dest="check_cmd", metavar="CHECK")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    g = csub.add_parser("golive", help="go-live check: ERP vs store, de-para, credentials, capacity, first sync")
    who = g.add_mutually_exclusive_group(required=True)
    who.add_argument("--channel", help="a configured channel")
    who.add_argument("--type", dest="channel_type", help="offline mode: a channel type, files only")
    g.add_argument("--erp", metavar="FILE", help="ERP products export (CSV/XLSX)")
    g.add_argument("--store", metavar="FILE", help="store export; default: live listings from the channel")
    g.add_argument("--values-dir", metavar="DIR", help="the channel's value lists (<kind>.csv) for the de-para check")
    g.add_argument("--mappings", metavar="NAME", help="whose de-para tables to check (default: the channel)")
    g.add_argument("--company", help="company CNPJ (offline mode)")
    g.add_argument("--environment", default="production", choices=("production", "sandbox"),
                   help="the environment being switched on (default: production)")  # fmt: skip
    g.add_argument("--price-tolerance", type=float, default=1.0, metavar="PCT", help="price divergence allowed, %%")
    g.add_argument("--stock-tolerance", type=float, default=0.0, metavar="UNITS", help="stock divergence allowed")
    g.add_argument("--peak", type=float, default=10.0, metavar="X", help="peak volume multiplier (default 10)")
    g.add_argument("--price-guard", type=float, default=30.0, metavar="PCT", help="first-sync price drop guard, %%")
    g.add_argument("--stock-change", type=float, default=20.0, metavar="PCT",
                   help="share of the catalogue whose stock changes per hour, %% (capacity planner)")  # fmt: skip
    g.add_argument("--price-change", type=float, default=5.0, metavar="PCT", help="same for prices, %%")
    g.add_argument("--orders-per-hour", type=float, default=60.0, metavar="N", help="orders per hour now")
    g.add_argument("--confirm", action="append", default=[], metavar="ITEM",
                   help="record a checklist confirmation first (other_erp, price_drop:SKU); repeatable")  # fmt: skip
    g.add_argument("--answers", metavar="FILE", help="checklist answers file (JSON)")
    g.add_argument("--by", help="who runs/confirms (default: $USER)")
    g.add_argument("--output", metavar="DIR", help="report directory (default: reports/<channel>/<timestamp>)")
    g.add_argument("--json", action="store_true", help="print the summary as JSON")
    g.set_defaults(func=cmd_golive)


def cmd_golive(args) -> int:
    import logging
    from pathlib import Path

    from kit.commands._util import print_json, workspace
    from kit.errors import ConfigurationError, InputDataError, KitError

    ws = workspace()
    if args.channel:
        from kit.channels import ChannelRegistry

        ChannelRegistry(ws).get(args.channel)  # a clear error before starting a kernel
        if not args.erp:
            raise ConfigurationError("no ERP export given", hint="add --erp FILE (the ERP's products export)")
    else:
        from kit.channeltypes import get_type

        get_type(args.channel_type)
        if args.confirm:
            raise ConfigurationError("--confirm needs --channel", hint="confirmations are recorded per channel")
        if not args.erp or not args.store:
            raise ConfigurationError("offline mode needs --erp and --store", hint="or use --channel NAME")
    for label, path in (("ERP export", args.erp), ("store export", args.store), ("answers file", args.answers)):
        if path and not Path(path).exists():
            raise InputDataError(f"{label} {path} does not exist", file=path, hint="check the path")
    if args.confirm:
        from kit.golive.results import record_confirmation

        for item in args.confirm:
            row = record_confirmation(ws, args.channel, item, args.by)
            print(f"confirmado: {row['item']} por {row['by']} em {row['at']}")
    from kit.golive.report import execute_report
    from kit.golive.run import new_output_dir

    label = args.channel or f"offline-{args.channel_type}"
    out = Path(args.output).resolve() / label / _stamp() if args.output else new_output_dir(label).resolve()

    def absolute(p):
        return str(Path(p).resolve()) if p else ""

    # Names and paths only: the kernel resolves credentials from the channel name.
    params = {
        "channel": args.channel or "",
        "channel_type": args.channel_type or "",
        "erp_file": absolute(args.erp),
        "store_file": absolute(args.store),
        "values_dir": absolute(args.values_dir),
        "mappings_channel": args.mappings or "",
        "company": args.company or "",
        "environment": args.environment,
        "price_tolerance_pct": args.price_tolerance,
        "stock_tolerance": args.stock_tolerance,
        "peak_multiplier": args.peak,
        "price_guard_pct": args.price_guard,
        "stock_change_pct_per_hour": args.stock_change,
        "price_change_pct_per_hour": args.price_change,
        "orders_per_hour": args.orders_per_hour,
        "answers_file": absolute(args.answers),
        "by": args.by or "",
        "workspace": str(ws.root),
    }
    logging.getLogger("papermill").setLevel(logging.WARNING)
    outcome = execute_report(params, out)
    summary = outcome.summary
    if args.json:
        print_json({**summary, "notebook": str(outcome.notebook), "html": str(outcome.html or "")})
    if not summary.get("ok"):
        err = summary.get("error") or {}
        if err:
            # An input/configuration error raised inside the notebook: one line, like any CLI error.
            exc = KitError(err.get("message", "go-live check failed"), hint=err.get("hint"))
            exc.exit_code = int(summary.get("exit_code", 2))
            fields = {k: v for k, v in err.items() if k not in ("error", "message", "hint")}
            exc.fields.update(fields)
            print(f"relatório: {outcome.notebook}", file=sys.stderr)
            raise exc
        sys.stderr.write(f"error: the go-live notebook failed: {outcome.error or 'no summary written'}\n")
        sys.stderr.write(f"hint: open {outcome.notebook} to see the failing cell\n")
        return 1
    if not args.json:
        print(f"veredito: {summary['verdict']} ({summary['blockers']} bloqueio(s))")
        for check, counts in summary["counts"].items():
            print(
                f"  {check:16} bloqueio {counts['bloqueio']:>6}  aviso {counts['aviso']:>6}  info {counts['info']:>6}"
            )
        print(f"relatório HTML: {outcome.html}")
        print(f"notebook: {outcome.notebook}")
        print(f"achados (XLSX): {summary.get('xlsx_path')}")
    return 0 if summary["verdict"] == "APTO" else 1


def _stamp() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
