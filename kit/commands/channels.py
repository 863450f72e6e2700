"""``kit channels ...``: add, list, show, change and remove channels."""

from __future__ import annotations

from kit.channeltypes import CATEGORIES, CHANNEL_TYPES, ENVIRONMENTS


def register(sub) -> None:
    p = sub.add_parser("channels", help="canais de venda: adicionar, listar, alterar, ligar e desligar")
    csub = p.add_subparsers(dest="channels_cmd", metavar="AÇÃO", title="ações")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    add = csub.add_parser("add", help="adiciona um canal")
    add.add_argument("name", metavar="NOME", help="nome do canal")
    add.add_argument("--type", required=True, choices=sorted(CHANNEL_TYPES), help="tipo do canal")
    add.add_argument("--category", choices=CATEGORIES, help="categoria (padrão: a usual do tipo)")
    add.add_argument("--company", required=True, help="CNPJ da empresa (numérico ou alfanumérico)")
    add.add_argument("--environment", required=True, choices=ENVIRONMENTS, help="ambiente: sandbox ou production")
    add.add_argument("--base-url", help="outro endereço da API do canal (ex.: um sandbox local)")
    add.add_argument("--set", action="append", default=[], metavar="CHAVE=VALOR",
                     help="qualquer chave de 'kit channels set'")  # fmt: skip
    add.set_defaults(func=cmd_add)

    ls = csub.add_parser("list", help="lista os canais")
    ls.add_argument("--json", action="store_true", help="saída em JSON")
    ls.set_defaults(func=cmd_list)

    show = csub.add_parser("show", help="mostra um canal")
    show.add_argument("name", metavar="NOME", help="nome do canal")
    show.add_argument("--json", action="store_true", help="saída em JSON")
    show.set_defaults(func=cmd_show)

    st = csub.add_parser("set", help="altera configurações: jobs.stock.batch_size=200 settings.warehouse_id=1_1 ...")
    st.add_argument("name", metavar="NOME", help="nome do canal")
    st.add_argument("assignments", nargs="+", metavar="CHAVE=VALOR", help="o que mudar")
    st.set_defaults(func=cmd_set)

    rm = csub.add_parser("remove", help="remove um canal (as credenciais ficam até 'kit secrets delete')")
    rm.add_argument("name", metavar="NOME", help="nome do canal")
    rm.set_defaults(func=cmd_remove)

    en = csub.add_parser("enable", help="liga um canal (pede um go-live APTO, ou --force --reason)")
    en.add_argument("name", metavar="NOME", help="nome do canal")
    en.add_argument("--force", action="store_true", help="passa por cima do portão do go-live (gravado com o motivo)")
    en.add_argument("--reason", metavar="MOTIVO", help="por que o portão é ignorado (obrigatório com --force)")
    en.add_argument("--by", metavar="QUEM", help="quem decide (padrão: $USER)")
    en.set_defaults(func=cmd_enable)

    dis = csub.add_parser("disable", help="desliga um canal (sempre permitido)")
    dis.add_argument("name", metavar="NOME", help="nome do canal")
    dis.add_argument("--by", metavar="QUEM", help="quem decide (padrão: $USER)")
    dis.set_defaults(func=cmd_disable)

    types = csub.add_parser("types", help="lista os tipos de canal e os seus limites")
    types.add_argument("--json", action="store_true", help="saída em JSON")
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
    print(f"canal {ch.name} adicionado ({t.label}, {ch.environment}); credenciais guardadas em '{ch.credentials_ref}'")
    missing = ", ".join(c.key for c in t.credentials if c.required)
    print(f"próximo passo: kit secrets set {ch.name} CHAVE  (obrigatórias: {missing})")
    return 0


#: Column labels of the channel tables (the keys stay the JSON names).
LABELS = {
    "name": "nome",
    "type": "tipo",
    "category": "categoria",
    "company": "empresa",
    "environment": "ambiente",
    "enabled": "ligado",
    "base_url": "URL da API",
    "label": "canal",
    "protocol": "protocolo",
    "rate": "limite",
    "source": "fonte",
    "confidence": "confiança",
    "credentials": "credenciais",
}
_CONFIDENCE = {"confirmed": "confirmado", "inferred": "inferido"}


def _rate(per_second: float) -> str:
    """``4,92/s``: requests per second as a person reads them."""
    from kit.fmt import number_pt

    return number_pt(per_second, 2).rstrip("0").rstrip(",") + "/s"


def _summary(ch) -> dict:
    from kit.commands._util import yes_no

    return {
        "name": ch.name,
        "type": ch.type,
        "category": ch.category,
        "company": ch.company,
        "environment": ch.environment,
        "enabled": yes_no(ch.enabled),
        "base_url": ch.base_url or "",
    }


def cmd_list(args) -> int:
    from kit.commands._util import print_json, print_table

    channels = _registry().list()
    if args.json:
        print_json([c.to_dict() for c in channels])
    else:
        columns = ["name", "type", "category", "company", "environment", "enabled"]
        print_table([_summary(c) for c in channels], columns, LABELS)
    return 0


def cmd_show(args) -> int:
    from kit.commands._util import print_json

    ch = _registry().get(args.name)
    if args.json:
        print_json(ch.to_dict())
        return 0
    for key, value in _summary(ch).items():
        print(f"{LABELS[key]:13} {value}")
    print(f"{'credenciais':13} {ch.credentials_ref}")
    rl = ch.rate_limit()
    print(
        f"{'limite':13} {_rate(rl.per_second)}, rajada {rl.burst} ({rl.source}, {_CONFIDENCE.get(rl.confidence, rl.confidence)})"
    )
    for key, value in sorted(ch.settings.items()):
        print(f"{'configuração':13} {key}={value}")
    for job, cfg in ch.jobs.items():
        print(f"{'job':13} {job:9} a cada {cfg.interval_min} min, lote de {cfg.batch_size}")
    return 0


def cmd_set(args) -> int:
    from kit.channels import parse_assignments

    ch = _registry().update(args.name, parse_assignments(args.assignments))
    print(f"canal {ch.name} alterado")
    return 0


def cmd_remove(args) -> int:
    _registry().remove(args.name)
    print(f"canal {args.name} removido")
    return 0


def cmd_enable(args) -> int:
    from kit.commands._util import workspace
    from kit.golive.gate import enable

    event = enable(workspace(), args.name, force=args.force, reason=args.reason, by=args.by)
    if event["forced"]:
        print(f"canal {args.name} ligado À FORÇA, sem go-live APTO ({event['by']}): {event['reason']}")
    else:
        print(f"canal {args.name} ligado: go-live {event['verdict']} ({event['report_path']})")
    return 0


def cmd_disable(args) -> int:
    from kit.commands._util import workspace
    from kit.golive.gate import disable

    disable(workspace(), args.name, by=args.by)
    print(f"canal {args.name} desligado")
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
                "rate": _rate(t.rate_limit.per_second),
                "source": t.rate_limit.source,
                "confidence": t.rate_limit.confidence,
                "credentials": ",".join(t.credential_keys()),
            }
        )
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            row["confidence"] = _CONFIDENCE.get(row["confidence"], row["confidence"])
        print_table(rows, ["type", "label", "category", "rate", "confidence", "credentials"], LABELS)
    return 0
