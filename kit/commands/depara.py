"""``kit depara ...``: suggest, build, validate, export and import mapping tables.

Exit codes: 0 ok; 1 ``validate`` found problems (any severity: a duplicate or
stale row is also something to clean up); 2 usage or input errors
(unreadable files, unknown kinds, no table, a reviewed XLSX with values
outside the list).

``validate`` checks each table against the channel's value lists: a file given
with ``--channel-values``, else the channel's live lists from its API
(``connector.value_lists()``) when the channel is configured and answers;
``--offline`` skips the API. It says which lists it used, or plainly that it
could not reach the channel.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("depara", help="de-para: liga os valores do canal (transportadoras, pagamentos, situações) "
                       "aos do ERP")  # fmt: skip
    dsub = p.add_subparsers(dest="depara_cmd", metavar="AÇÃO", title="ações")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    sg = dsub.add_parser("suggest", help="candidatos do ERP, em ordem, para cada valor do canal")
    _kind(sg)
    _lists(sg, required=True)
    sg.add_argument("--channel", metavar="CANAL", help="o canal sendo mapeado (a tabela dele não serve de aprendizado)")
    sg.add_argument("--channel-type", metavar="TIPO", help="tipo do canal, para os sinônimos próprios da API dele")
    sg.add_argument("--no-learned", action="store_true", help="ignora as tabelas confirmadas de outros canais")
    sg.add_argument("--json", action="store_true", help="saída em JSON")
    sg.set_defaults(func=cmd_suggest)

    bd = dsub.add_parser("build", help="grava uma tabela: linhas pré-aceitas confirmadas, o resto para revisão")
    _channel(bd)
    _kind(bd)
    _lists(bd, required=True)
    bd.add_argument("--channel-type", metavar="TIPO", help="tipo do canal (padrão: o do canal configurado)")
    bd.add_argument("--replace", action="store_true", help="descarta a tabela existente em vez de manter as linhas")
    bd.set_defaults(func=cmd_build)

    vd = dsub.add_parser("validate", help="confere as tabelas de um canal (e as listas do canal na API); sai com 1 "
                         "se houver problemas")  # fmt: skip
    _channel(vd)
    vd.add_argument("kind", nargs="?", metavar="TIPO", help="o tipo de de-para (padrão: todos do canal)")
    _lists(vd, required=False)
    vd.add_argument("--offline", action="store_true", help="não lê as listas de valores do canal pela API")
    vd.add_argument("--json", action="store_true", help="saída em JSON")
    vd.set_defaults(func=cmd_validate)

    ex = dsub.add_parser(
        "export", help="exporta uma tabela em XLSX para revisar no Excel (listas com os valores do ERP)"
    )
    _channel(ex)
    _kind(ex)
    ex.add_argument("file", metavar="ARQUIVO", help="o .xlsx a gravar")
    _lists(ex, required=False)
    ex.set_defaults(func=cmd_export)

    im = dsub.add_parser("import", help="importa de volta para a tabela um XLSX revisado")
    _channel(im)
    _kind(im)
    im.add_argument("file", metavar="ARQUIVO", help="o .xlsx revisado")
    im.add_argument("--sheet", metavar="ABA", help="a aba (padrão: a primeira)")
    _lists(im, required=False)
    im.set_defaults(func=cmd_import)


def _channel(p) -> None:
    p.add_argument("channel", metavar="CANAL", help="nome do canal")


def _kind(p) -> None:
    p.add_argument("kind", metavar="TIPO", help="o tipo de de-para (carrier_service, payment_method, order_status...)")


def _lists(p, *, required: bool) -> None:
    p.add_argument("--erp", metavar="ARQUIVO", required=required, help="a lista de valores do ERP (CSV/XLSX)")
    p.add_argument("--channel-values", metavar="ARQUIVO", required=required,
                   help="a lista de valores do canal (CSV/XLSX)")  # fmt: skip


def _load_lists(args, kind):
    from kit.depara.values import load_values

    erp = load_values(args.erp, kind) if getattr(args, "erp", None) else None
    channel = load_values(args.channel_values, kind) if getattr(args, "channel_values", None) else None
    return erp, channel


def _targets(args, kind):
    """The allowed target values from --erp (in kinds) / --channel-values (out kinds), or None."""
    from kit.depara.suggest import value_frame

    erp, channel = _load_lists(args, kind)
    target_list = erp if kind.direction == "in" else channel
    if target_list is None:
        return None
    return list(value_frame(kind, target_list)[list(kind.list_columns)].itertuples(index=False, name=None))


def cmd_suggest(args) -> int:
    from kit.commands._util import print_json, print_table
    from kit.depara.kinds import get_kind
    from kit.depara.review import reason_label
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
                    "valor": " / ".join(rec["value"]) if i == 0 else "",
                    "ordem": i + 1 if c["label"] else "",
                    "sugestão": c["label"] or "(nenhuma)",
                    "score": f"{c['score']:.0f}" if c["label"] else "",
                    "motivo": reason_label(c["reason"]),
                    "pré-aceito": ("sim" if rec["preaccepted"] else "não") if i == 0 else "",
                }
            )
    print_table(rows, ["valor", "ordem", "sugestão", "score", "motivo", "pré-aceito"])
    pre = sum(r["preaccepted"] for r in records)
    print(f"\n{len(records)} valores: {pre} pré-aceitos, {len(records) - pre} para revisar")
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
    print(f"gravado {path}: {len(table)} linhas, {confirmed} confirmadas, {len(table) - confirmed} para revisar")
    return 0


def _validate_kinds(args):
    """The kinds to check: the one asked, else the channel's tables plus the kinds its type needs."""
    from kit.depara.kinds import get_kind
    from kit.depara.table import list_tables, table_path
    from kit.errors import ConfigurationError

    if args.kind:
        kind = get_kind(args.kind)
        if not table_path(args.channel, kind).exists():
            raise ConfigurationError(
                f"não há tabela de de-para {kind.name} para o canal {args.channel!r}",
                file=str(table_path(args.channel, kind)),
                hint=f"monte uma com 'kit depara build {args.channel} {kind.name} --erp ARQUIVO --channel-values ARQUIVO'",
            )
        return [kind], []
    kinds = [get_kind(k) for ch, k, _ in list_tables() if ch == args.channel]
    needed = [get_kind(k) for k in _type_kinds(args.channel)]
    missing = [k for k in needed if k not in kinds]
    if not kinds and not needed:
        raise ConfigurationError(
            f"não há tabelas de de-para para o canal {args.channel!r}", hint="monte-as com 'kit depara build'"
        )
    return kinds + missing, missing


def _type_kinds(channel: str) -> tuple[str, ...]:
    from kit.channels import ChannelRegistry
    from kit.errors import KitError
    from kit.store import Workspace

    try:
        return ChannelRegistry(Workspace(create=False)).get(channel).channel_type.depara_kinds
    except KitError:
        return ()


def cmd_validate(args) -> int:
    from kit.commands._util import print_json, print_table
    from kit.depara.live import live_value_lists
    from kit.depara.table import load_table
    from kit.depara.validate import validate
    from kit.errors import ConfigurationError

    kinds, missing = _validate_kinds(args)
    if (args.erp or args.channel_values) and len(kinds) != 1:
        raise ConfigurationError(
            "--erp/--channel-values pedem um KIND", hint="kit depara validate CANAL KIND --erp ..."
        )
    live = None if args.offline or args.channel_values else live_value_lists(args.channel)
    failed = False
    out = []
    for kind in kinds:
        erp, channel = _load_lists(args, kind)
        if channel is None and live is not None and live.reached:
            channel = live.lists.get(kind.list_kind)
        if kind in missing and channel is None:
            out.append(_missing_table(args.channel, kind))
            failed = True
            continue
        problems = validate(kind, load_table(args.channel, kind), channel_values=channel, erp_values=erp)
        failed = failed or len(problems) > 0
        out.extend(problems.astype(object).where(problems.notna(), None).to_dict("records"))
    if args.json:
        live_json = (
            None if live is None else {"reached": live.reached, "reason": live.reason, "lists": sorted(live.lists)}
        )
        print_json({"channel": args.channel, "ok": not failed, "live": live_json, "problems": out})
        return 1 if failed else 0
    if args.channel_values:
        print(f"Lista do canal: arquivo {args.channel_values}")
    elif live is None:
        print("Listas do canal: não consultadas (--offline); só as tabelas foram conferidas.")
    else:
        print(f"Listas do canal: {live.describe()}" + ("" if live.reached else "; só as tabelas foram conferidas."))
    if out:
        from kit.depara.validate import _SEVERITY_LABELS, PROBLEM_LABELS

        shown = [{**p, "problem": PROBLEM_LABELS.get(p["problem"], p["problem"]),
                  "severity": _SEVERITY_LABELS.get(p["severity"], p["severity"])} for p in out]  # fmt: skip
        names = {"kind": "tipo", "problem": "problema", "severity": "gravidade", "channel_value": "valor do canal",
                 "erp_value": "valor do ERP", "row": "linha", "message": "mensagem"}  # fmt: skip
        print_table([{names[k]: ("" if v is None else v) for k, v in p.items()} for p in shown], list(names.values()))
        print(f"\n{len(out)} problema(s) em {args.channel}.")
    else:
        print(f"{args.channel}: {', '.join(k.name for k in kinds)}: nenhum problema")
    return 1 if failed else 0


def _missing_table(channel: str, kind) -> dict:
    return {
        "problem": "missing_table",
        "severity": "error",
        "kind": kind.name,
        "channel_value": "",
        "erp_value": "",
        "row": None,
        "message": f"não há tabela de de-para {kind.name}, que o tipo do canal exige (kit depara build {channel} "
        f"{kind.name} ...)",
    }


def cmd_export(args) -> int:
    from kit.depara.kinds import get_kind
    from kit.depara.table import load_table
    from kit.depara.xlsx import export_xlsx

    kind = get_kind(args.kind)
    table = load_table(args.channel, kind, missing_ok=False)
    targets = _targets(args, kind)
    path = export_xlsx(args.channel, kind, args.file, table=table, targets=targets)
    print(f"gravado {path} ({len(table)} linhas)")
    if targets is None:
        side, flag = ("ERP", "--erp") if kind.direction == "in" else ("canal", "--channel-values")
        print(f"aviso: sem a lista do {side} ({flag} ARQUIVO) a coluna do {side} fica sem lista suspensa")
    return 0


def cmd_import(args) -> int:
    from kit.depara.kinds import get_kind
    from kit.depara.table import save_table
    from kit.depara.validate import summary, validate
    from kit.depara.xlsx import import_xlsx

    kind = get_kind(args.kind)
    table = import_xlsx(kind, args.file, sheet=args.sheet, targets=_targets(args, kind))
    path = save_table(args.channel, kind, table)
    problems = validate(kind, table)
    confirmed = int(table["confirmed"].sum())
    print(f"gravado {path}: {len(table)} linhas, {confirmed} confirmadas, {len(table) - confirmed} pendentes")
    if len(problems):
        print("problemas: " + ", ".join(f"{k} {v}" for k, v in summary(problems).items()))
    return 0
