"""``kit channels ...``: add, list, show, change and remove channels."""

from __future__ import annotations

from kit.channeltypes import CATEGORIES, CHANNEL_TYPES, ENVIRONMENTS


def register(sub) -> None:
    p = sub.add_parser("channels", help="manage sales channels")
    csub = p.add_subparsers(dest="channels_cmd", metavar="ACTION")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    add = csub.add_parser("add", help="add a channel")
    add.add_argument("name")
    add.add_argument("--type", required=True, choices=sorted(CHANNEL_TYPES))
    add.add_argument("--category", choices=CATEGORIES, help="default: the type's usual category")
    add.add_argument("--company", required=True, help="company CNPJ (numeric or alphanumeric)")
    add.add_argument("--environment", required=True, choices=ENVIRONMENTS)
    add.add_argument("--base-url", help="override the channel's API host (e.g. a local sandbox)")
    add.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="any 'channels set' key")
    add.set_defaults(func=cmd_add)

    ls = csub.add_parser("list", help="list channels")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    show = csub.add_parser("show", help="show one channel")
    show.add_argument("name")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    st = csub.add_parser("set", help="change settings: jobs.stock.batch_size=200 settings.warehouse_id=1_1 ...")
    st.add_argument("name")
    st.add_argument("assignments", nargs="+", metavar="KEY=VALUE")
    st.set_defaults(func=cmd_set)

    rm = csub.add_parser("remove", help="remove a channel (its secrets stay until 'kit secrets delete')")
    rm.add_argument("name")
    rm.set_defaults(func=cmd_remove)

    en = csub.add_parser("enable", help="switch a channel on (needs a passing go-live check, or --force --reason)")
    en.add_argument("name")
    en.add_argument("--force", action="store_true", help="override the go-live gate (recorded with the reason)")
    en.add_argument("--reason", help="why the gate is overridden (required with --force)")
    en.add_argument("--by", help="who decides (default: $USER)")
    en.set_defaults(func=cmd_enable)

    dis = csub.add_parser("disable", help="switch a channel off (always allowed)")
    dis.add_argument("name")
    dis.add_argument("--by", help="who decides (default: $USER)")
    dis.set_defaults(func=cmd_disable)

    types = csub.add_parser("types", help="list channel types and their limits")
    types.add_argument("--json", action="store_true")
    types.set_defaults(func=cmd_types)


def _registry():
    from kit.channels import ChannelRegistry
    from kit.commands._util import workspace

    return ChannelRegistry(workspace())


def cmd_add(args) -> int:
    from kit.channels import Channel, apply_assignments, parse_assignments
    from kit.channeltypes import get_type

    t = get_type(args.type)
    ch = Channel(
        name=args.name,
        type=args.type,
        category=args.category or t.category,
        company=args.company,
        environment=args.environment,
        base_url=args.base_url,
    )
    apply_assignments(ch, parse_assignments(args.set))
    _registry().add(ch)
    print(f"channel {ch.name} added ({t.label}, {ch.environment}); credentials go under '{ch.credentials_ref}'")
    missing = ", ".join(c.key for c in t.credentials if c.required)
    print(f"next: kit secrets set {ch.name} KEY  (needed: {missing})")
    return 0


def _summary(ch) -> dict:
    return {
        "name": ch.name,
        "type": ch.type,
        "category": ch.category,
        "company": ch.company,
        "environment": ch.environment,
        "enabled": ch.enabled,
        "base_url": ch.base_url or "",
    }


def cmd_list(args) -> int:
    from kit.commands._util import print_json, print_table

    channels = _registry().list()
    if args.json:
        print_json([c.to_dict() for c in channels])
    else:
        print_table([_summary(c) for c in channels], ["name", "type", "category", "company", "environment", "enabled"])
    return 0


def cmd_show(args) -> int:
    from kit.commands._util import print_json

    ch = _registry().get(args.name)
    if args.json:
        print_json(ch.to_dict())
        return 0
    for key, value in _summary(ch).items():
        print(f"{key:12} {value}")
    print(f"{'credentials':12} {ch.credentials_ref}")
    rl = ch.rate_limit()
    print(f"{'rate limit':12} {rl.per_second:g}/s burst {rl.burst} ({rl.source}, {rl.confidence})")
    for key, value in sorted(ch.settings.items()):
        print(f"{'setting':12} {key}={value}")
    for job, cfg in ch.jobs.items():
        print(f"{'job':12} {job:9} every {cfg.interval_min} min, batch {cfg.batch_size}")
    return 0


def cmd_set(args) -> int:
    from kit.channels import parse_assignments

    ch = _registry().update(args.name, parse_assignments(args.assignments))
    print(f"channel {ch.name} updated")
    return 0


def cmd_remove(args) -> int:
    _registry().remove(args.name)
    print(f"channel {args.name} removed")
    return 0


def cmd_enable(args) -> int:
    from kit.commands._util import workspace
    from kit.golive.gate import enable

    event = enable(workspace(), args.name, force=args.force, reason=args.reason, by=args.by)
    if event["forced"]:
        print(f"channel {args.name} enabled by FORCED override ({event['by']}): {event['reason']}")
    else:
        print(f"channel {args.name} enabled: go-live check {event['verdict']} ({event['report_path']})")
    return 0


def cmd_disable(args) -> int:
    from kit.commands._util import workspace
    from kit.golive.gate import disable

    disable(workspace(), args.name, by=args.by)
    print(f"channel {args.name} disabled")
    return 0


def cmd_types(args) -> int:
    from kit.commands._util import print_json, print_table

    rows = []
    for t in CHANNEL_TYPES.values():
        rows.append(
            {
                "type": t.name,
                "label": t.label,
                "category": t.category,
                "protocol": t.protocol,
                "rate": f"{t.rate_limit.per_second:g}/s",
                "source": t.rate_limit.source,
                "confidence": t.rate_limit.confidence,
                "credentials": ",".join(t.credential_keys()),
            }
        )
    if args.json:
        print_json(rows)
    else:
        print_table(rows, ["type", "label", "category", "rate", "confidence", "credentials"])
    return 0
