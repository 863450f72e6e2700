"""``kit assortment show|set|import|export --channel NAME``: which ERP SKUs belong on a channel.

The rules live in ``mappings/<channel>/assortment.csv`` (reviewed in git); the
ERP export's channel column (``Canais``) is read with the products. See
:mod:`kit.assortment` for the precedence. Every command prints the counts in
and out. Exit codes: 0 ok, 2 usage/input/config error.
"""

from __future__ import annotations

from typing import Any

ACTIONS = ("show", "set", "import", "export")


def register(sub) -> None:
    p = sub.add_parser(
        "assortment",
        help="which ERP SKUs belong on a channel (rules in mappings/<channel>/assortment.csv)",
        description="Show, change, import or export a channel's assortment. The ERP products come from --erp "
        "or the newest products export in the channel's ERP folder (kit sync config erp_dir=DIR).",
    )
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("file", nargs="?", help="import: rules (CSV/XLSX: action, field, value, note) or a SKU list; "
                   "export: where to write the decisions (CSV or XLSX)")  # fmt: skip
    p.add_argument("--channel", required=True, help="channel name")
    p.add_argument("--erp", metavar="FILE", help="ERP products export (default: the newest in the ERP folder)")
    p.add_argument("--include", action="store_true", help="set: include what follows")
    p.add_argument("--exclude", action="store_true", help="set: exclude what follows")
    p.add_argument("--sku", nargs="+", default=[], metavar="SKU", help="set: by SKU")
    p.add_argument("--family", nargs="+", default=[], metavar="CODE", help="set: by family (parent code)")
    p.add_argument("--category", nargs="+", default=[], metavar="CAT", help="set: a category and everything below")
    p.add_argument("--brand", nargs="+", default=[], metavar="BRAND", help="set: by brand")
    p.add_argument("--all", action="store_true", help="set: the default for everything not said otherwise")
    p.add_argument("--note", default="", help="set: why (kept in the rule file)")
    p.add_argument("--replace", action="store_true", help="import: replace the rules instead of adding to them")
    p.add_argument("--list", action="store_true", help="show: list every SKU with its decision")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_assortment)


def _erp_frame(ws: Any, channel: str, path: str | None) -> Any:
    from kit.jobs.erp import read_erp
    from kit.jobs.settings import erp_dir
    from kit.sheets import read_table

    if path:
        return read_table(path, "products")
    return read_erp(erp_dir(ws, channel), "products", channel)


def cmd_assortment(args) -> int:
    from kit import assortment as a
    from kit.channels import ChannelRegistry
    from kit.commands._util import print_json, workspace
    from kit.errors import ConfigurationError

    ws = workspace()
    channel = ChannelRegistry(ws).get(args.channel)
    if args.action == "set":
        _set(args, a)
    elif args.action == "import":
        if not args.file:
            raise ConfigurationError("import needs a file", hint="kit assortment import FILE --channel NAME")
        rules = a.read_rules_file(args.file)
        current = [] if args.replace else (a.load_rules(channel.name) or [])
        path = a.save_rules(channel.name, current + rules)
        print(f"{len(rules)} regra(s) importada(s) para {path}")
    elif args.file and args.action != "export":
        raise ConfigurationError(f"unexpected argument {args.file!r}", hint="see 'kit assortment --help'")
    result = a.resolve(_erp_frame(ws, channel.name, args.erp), channel)
    if args.action == "export":
        if not args.file:
            raise ConfigurationError("export needs a file", hint="kit assortment export FILE --channel NAME")
        _export(result, args.file)
    if args.json:
        out: dict[str, Any] = {"channel": channel.name, **result.counts(), "rules": len(result.rules),
                               "rules_file": str(a.rules_path(channel.name)) if result.has_rules else None}  # fmt: skip
        if args.list:
            out["skus"] = result.frame.to_dict("records")
        print_json(out)
        return 0
    print(result.render_pt())
    if args.list:
        for rec in result.frame.to_dict("records"):
            print(f"{rec['sku']}\t{'dentro' if rec['included'] else 'fora'}\t{rec['source']}")
    if args.action == "export":
        print(f"decisões exportadas: {args.file}")
    return 0


def _set(args, a) -> None:
    from kit.errors import ConfigurationError

    if args.include == args.exclude:
        raise ConfigurationError("say --include or --exclude", hint="kit assortment set --channel N --include --sku X")
    action = "include" if args.include else "exclude"
    targets = [("sku", args.sku), ("family", args.family), ("category", args.category), ("brand", args.brand)]
    targets = [(f, v) for f, v in targets if v] + ([("all", [""])] if args.all else [])
    if len(targets) != 1:
        raise ConfigurationError(
            "give exactly one of --sku, --family, --category, --brand, --all",
            hint="kit assortment set --channel N --exclude --brand Marca",
        )
    field_, values = targets[0]
    rules = a.set_rule(args.channel, action, field_, values, args.note)
    print(f"{len(values)} regra(s) gravada(s) em {a.rules_path(args.channel)} ({len(rules)} no total)")


def _export(result: Any, path: str) -> None:
    from pathlib import Path

    from kit.store import atomic_write_bytes

    frame = result.frame.assign(included=result.frame["included"].map({True: "sim", False: "não"}))
    frame = frame.rename(columns={"sku": "SKU", "included": "No sortimento", "source": "Origem"})
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        frame.to_excel(target, index=False)
    else:
        atomic_write_bytes(target, frame.to_csv(index=False).encode("utf-8"))
