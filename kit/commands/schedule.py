"""``kit schedule`` (crontab / systemd lines) and ``kit run-due`` (run what is due now)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("schedule", help="print crontab lines (or systemd units) for the sync jobs")
    p.add_argument("--systemd", action="store_true", help="print systemd timer units instead of crontab lines")
    p.set_defaults(func=cmd_schedule)

    r = sub.add_parser(
        "run-due",
        help="run every sync job whose interval has elapsed (call it from cron every minute)",
        description="Runs due jobs of enabled channels that passed the go-live check. "
        "Exit codes: 0 all ok (or nothing due), 1 a job failed, 2 a configuration error.",
    )
    r.add_argument("--list", action="store_true", help="only show what is due and why; run nothing")
    r.add_argument("--dry-run", action="store_true", help="run the due jobs as simulations (nothing sent)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_run_due)


def cmd_schedule(args) -> int:
    from kit.commands._util import workspace
    from kit.jobs.schedule import crontab_text, systemd_text

    ws = workspace()
    print(systemd_text(ws) if args.systemd else crontab_text(ws), end="")
    return 0


def cmd_run_due(args) -> int:
    from kit.commands._util import print_json, print_table, workspace
    from kit.jobs.schedule import due_jobs, run_due

    ws = workspace()
    if args.list:
        rows = [
            {"channel": d.channel, "job": d.job, "due": "yes" if d.due else "no", "why": d.reason} for d in due_jobs(ws)
        ]
        print_json(rows) if args.json else print_table(rows, ["channel", "job", "due", "why"])
        return 0
    results = run_due(ws, dry_run=args.dry_run)
    if args.json:
        print_json(results)
    elif not results:
        print("nothing due")
    else:
        print_table(results, ["channel", "job", "status", "exit_code", "report_path"])
    codes = [r["exit_code"] for r in results if r["status"] != "locked"]
    if any(c == 2 for c in codes):
        return 2
    return 1 if any(codes) else 0
