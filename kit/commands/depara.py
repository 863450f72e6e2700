"""``kit depara ...``: suggest, build, validate, export and import mapping tables.

Exit codes: 0 ok; 1 ``validate`` found problems (any severity: a duplicate or
stale row is also something to clean up); 2 usage or input errors
(unreadable files, unknown kinds, no table).
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("depara", help="de-para: map channel values (carriers, payments, statuses) to the ERP's")
    dsub = p.add_subparsers(dest="depara_cmd", metavar="ACTION")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    sg = dsub.add_parser("suggest", help="ranked ERP candidates for each channel value")
    sg.add_argument("kind")
    _lists(sg, required=True)
    sg.add_argument("--channel", help="the channel being mapped (its own table is not learned from)")
    sg.add_argument("--channel-type", help="channel type, for aliases specific to one channel's API")
    sg.add_argument("--no-learned", action="store_true", help="ignore other channels' confirmed tables")
    sg.add_argument("--json", action="store_true")
    sg.set_defaults(func=cmd_suggest)

    bd = dsub.add_parser("build", help="write a table: pre-accepted rows confirmed, the rest pending review")
    bd.add_argument("channel")
    bd.add_argument("kind")
    _lists(bd, required=True)
    bd.add_argument("--channel-type", help="channel type (default: the configured channel's)")
    bd.add_argument("--replace", action="store_true", help="discard the existing table instead of keeping its rows")
    bd.set_defaults(func=cmd_build)

    vd = dsub.add_parser("validate", help="check a channel's tables; exit 1 when they have problems")
    vd.add_argument("channel")
    vd.add_argument("kind", nargs="?")
    _lists(vd, required=False)
    vd.add_argument("--json", action="store_true")
    vd.set_defaults(func=cmd_validate)

    ex = dsub.add_parser("export", help="export a table to XLSX for review in Excel")
    ex.add_argument("channel")
    ex.add_argument("kind")
    ex.add_argument("file")
    ex.set_defaults(func=cmd_export)

    im = dsub.add_parser("import", help="import a reviewed XLSX back into the table")
    im.add_argument("channel")
    im.add_argument("kind")
    im.add_argument("file")
    im.add_argument("--sheet")
    im.set_defaults(func=cmd_import)


def _lists(p, *, required: bool) -> None:
    p.add_argument("--erp", metavar="FILE", required=required, help="the ERP's value list (CSV/XLSX)")
    p.add_argument("--channel-values", metavar="FILE", required=required, help="the channel's value list (CSV/XLSX)")


def _load_lists(args, kind):
    from kit.depara.values import load_values

    erp = load_values(args.erp, kind) if getattr(args, "erp", None) else None
    channel = load_values(args.channel_values, kind) if getattr(args, "channel_values", None) else None
    return erp, channel


def cmd_suggest(args) -> int:
    from kit.commands._util import print_json, print_table
    from kit.depara.kinds import get_kind
    from kit.depara.suggest import suggest

    kind = get_kind(args.kind)
    erp, channel = _load_lists(args, kind)
    table = suggest(
        kind, channel, erp, channel=args.channel, channel_type=args.channel_type, learned=not args.no_learned
    )
    records = []
    for r in table.to_dict("records"):
        records.append(
            {
                "value": [r[c] for c in kind.source_columns],
                "preaccepted": bool(r["preaccepted"]),
                "candidates": r["candidates"],
            }
        )
    if args.json:
        print_json({"kind": kind.name, "direction": kind.direction, "suggestions": records})
        return 0
    rows = []
    for rec in records:
        cands = rec["candidates"] or [{"label": "", "score": 0.0, "reason": ""}]
        for i, c in enumerate(cands):
            rows.append(
                {
                    "value": " / ".join(rec["value"]) if i == 0 else "",
                    "rank": i + 1 if c["label"] else "",
                    "candidate": c["label"] or "(none)",
                    "score": f"{c['score']:.0f}" if c["label"] else "",
                    "reason": c["reason"],
                    "preaccepted": ("yes" if rec["preaccepted"] else "no") if i == 0 else "",
                }
            )
    print_table(rows, ["value", "rank", "candidate", "score", "reason", "preaccepted"])
    pre = sum(r["preaccepted"] for r in records)
    print(f"\n{len(records)} values, {pre} pre-accepted, {len(records) - pre} to review")
    return 0


def cmd_build(args) -> int:
    from kit.depara.build import build_table, merge_tables
    from kit.depara.kinds import get_kind
    from kit.depara.suggest import suggest
    from kit.depara.table import load_table, save_table

    kind = get_kind(args.kind)
    erp, channel = _load_lists(args, kind)
    table = build_table(kind, suggest(kind, channel, erp, channel=args.channel, channel_type=args.channel_type))
    if not args.replace:
        table = merge_tables(kind, load_table(args.channel, kind), table)
    path = save_table(args.channel, kind, table, reviewer="kit depara build")
    confirmed = int(table["confirmed"].sum())
    print(f"wrote {path}: {len(table)} rows, {confirmed} confirmed, {len(table) - confirmed} pending review")
    return 0


def cmd_validate(args) -> int:
    from kit.commands._util import print_json, print_table
    from kit.depara.kinds import get_kind
    from kit.depara.table import list_tables, load_table, table_path
    from kit.depara.validate import validate
    from kit.errors import ConfigurationError

    if args.kind:
        kinds = [get_kind(args.kind)]
        if not table_path(args.channel, kinds[0]).exists():
            raise ConfigurationError(
                f"no {kinds[0].name} mapping table for channel {args.channel!r}",
                file=str(table_path(args.channel, kinds[0])),
                hint=f"build one with 'kit depara build {args.channel} {kinds[0].name} --erp FILE --channel-values FILE'",
            )
    else:
        kinds = [get_kind(k) for ch, k, _ in list_tables() if ch == args.channel]
        if not kinds:
            raise ConfigurationError(f"no mapping tables for channel {args.channel!r}", hint="run 'kit depara build'")
    if (args.erp or args.channel_values) and len(kinds) != 1:
        raise ConfigurationError(
            "--erp/--channel-values need a KIND", hint="kit depara validate CHANNEL KIND --erp ..."
        )
    failed = False
    out = []
    for kind in kinds:
        erp, channel = _load_lists(args, kind)
        problems = validate(kind, load_table(args.channel, kind), channel_values=channel, erp_values=erp)
        failed = failed or len(problems) > 0
        out.extend(problems.astype(object).where(problems.notna(), None).to_dict("records"))
    if args.json:
        print_json({"channel": args.channel, "ok": not failed, "problems": out})
    elif out:
        print_table(out, ["kind", "problem", "severity", "channel_value", "erp_value", "row", "message"])
    else:
        print(f"{args.channel}: {', '.join(k.name for k in kinds)}: no problems")
    return 1 if failed else 0


def cmd_export(args) -> int:
    from kit.depara.table import export_xlsx, load_table

    table = load_table(args.channel, args.kind, missing_ok=False)
    path = export_xlsx(args.channel, args.kind, args.file, table=table)
    print(f"wrote {path} ({len(table)} rows)")
    return 0


def cmd_import(args) -> int:
    from kit.depara.kinds import get_kind
    from kit.depara.table import import_xlsx, save_table
    from kit.depara.validate import summary, validate

    kind = get_kind(args.kind)
    table = import_xlsx(kind, args.file, sheet=args.sheet)
    path = save_table(args.channel, kind, table)
    problems = validate(kind, table)
    confirmed = int(table["confirmed"].sum())
    print(f"wrote {path}: {len(table)} rows, {confirmed} confirmed, {len(table) - confirmed} pending")
    if len(problems):
        print("problems: " + ", ".join(f"{k} {v}" for k, v in summary(problems).items()))
    return 0
