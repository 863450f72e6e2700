"""``kit assortment show|set|import|export --channel NAME``: which ERP SKUs belong on a channel.

The rules live in ``mappings/<channel>/assortment.csv`` (reviewed in git); the
ERP export's channel column (``Canais``) is read with the products. See
:mod:`kit.assortment` for the precedence. Every command prints the counts in
and out. Exit codes: 0 ok, 2 usage/input/config error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.store import Workspace

ACTIONS = ("show", "set", "import", "export")


def register(sub) -> None:
    p = sub.add_parser(
        "assortment",
        help="sortimento: quais SKUs do ERP vão para um canal (regras em mappings/<canal>/assortment.csv)",
        description="Mostra, altera, importa ou exporta o sortimento de um canal. Os produtos do ERP vêm de --erp "
        "ou da exportação de produtos mais nova na pasta do ERP do canal (kit sync config erp_dir=PASTA).",
    )
    p.add_argument(
        "action",
        choices=ACTIONS,
        help="a ação: 'show' (mostrar), 'set' (alterar), 'import' (importar) ou 'export' (exportar)",
    )
    p.add_argument("file", nargs="?", help="import: regras (CSV/XLSX: action, field, value, note) ou uma lista de "
                   "SKUs; export: onde gravar as decisões (CSV ou XLSX)")  # fmt: skip
    p.add_argument("--channel", required=True, metavar="CANAL", help="nome do canal")
    p.add_argument(
        "--erp", metavar="ARQUIVO", help="exportação de produtos do ERP (padrão: a mais nova da pasta do ERP)"
    )
    p.add_argument("--include", action="store_true", help="set: incluir o que vem a seguir")
    p.add_argument("--exclude", action="store_true", help="set: excluir o que vem a seguir")
    p.add_argument("--sku", nargs="+", default=[], metavar="SKU", help="set: por SKU")
    p.add_argument("--family", nargs="+", default=[], metavar="CÓDIGO", help="set: por família (código do pai)")
    p.add_argument("--category", nargs="+", default=[], metavar="CAT", help="set: uma categoria e tudo abaixo dela")
    p.add_argument("--brand", nargs="+", default=[], metavar="MARCA", help="set: por marca")
    p.add_argument("--all", action="store_true", help="set: o padrão para tudo o que nenhuma regra diz")
    p.add_argument("--note", default="", help="set: o porquê (guardado no arquivo de regras)")
    p.add_argument("--replace", action="store_true", help="import: substitui as regras em vez de somar a elas")
    p.add_argument("--list", action="store_true", help="show: lista cada SKU com a sua decisão")
    p.add_argument("--json", action="store_true", help="saída em JSON")
    p.set_defaults(func=cmd_assortment)


def _erp_frame(ws: Workspace, channel: str, path: str | None) -> Any:
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
            raise ConfigurationError(
                "import precisa de um arquivo", hint="kit assortment import ARQUIVO --channel CANAL"
            )
        rules = a.read_rules_file(args.file)
        current = [] if args.replace else (a.load_rules(channel.name) or [])
        path = a.save_rules(channel.name, current + rules)
        print(f"{len(rules)} regra(s) importada(s) para {path}")
    elif args.file and args.action != "export":
        raise ConfigurationError(f"argumento inesperado {args.file!r}", hint="veja 'kit assortment --help'")
    result = a.resolve(_erp_frame(ws, channel.name, args.erp), channel)
    if args.action == "export":
        if not args.file:
            raise ConfigurationError(
                "export precisa de um arquivo", hint="kit assortment export ARQUIVO --channel CANAL"
            )
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
        raise ConfigurationError(
            "diga --include ou --exclude (um dos dois)", hint="kit assortment set --channel CANAL --include --sku X"
        )
    action = "include" if args.include else "exclude"
    targets = [("sku", args.sku), ("family", args.family), ("category", args.category), ("brand", args.brand)]
    targets = [(f, v) for f, v in targets if v] + ([("all", [""])] if args.all else [])
    if len(targets) != 1:
        raise ConfigurationError(
            "informe exatamente um de --sku, --family, --category, --brand, --all",
            hint="kit assortment set --channel CANAL --exclude --brand Marca",
        )
    field_, values = targets[0]
    rules = a.set_rule(args.channel, action, field_, values, args.note)
    print(f"{len(values)} regra(s) gravada(s) em {a.rules_path(args.channel)} ({len(rules)} no total)")


def _export(result: Any, path: str) -> None:
    from pathlib import Path

    from kit.assortment import _SOURCE_PT
    from kit.store import atomic_write_bytes

    frame = result.frame.assign(included=result.frame["included"].map({True: "sim", False: "não"}))
    if path.lower().endswith(".xlsx"):  # for people: Portuguese headers and sources (CSV keeps the identifiers)
        from kit.sheets.xlsxwrite import write_xlsx

        frame = frame.assign(source=frame["source"].map(lambda s: _SOURCE_PT.get(s, s)))
        frame = frame.rename(columns={"sku": "SKU", "included": "No sortimento", "source": "Origem"})
        write_xlsx(path, {"Sortimento": frame})
        return
    frame = frame.rename(columns={"sku": "SKU", "included": "No sortimento", "source": "Origem"})
    atomic_write_bytes(Path(path), frame.to_csv(index=False).encode("utf-8"))
