"""``kit storage ...``: where the shared state lives, moving a workspace into PostgreSQL, the token key."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "storage", help="onde o kit guarda o estado (arquivos ou PostgreSQL); leva o estado para um banco"
    )
    ssub = p.add_subparsers(dest="storage_cmd", metavar="ACTION")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    st = ssub.add_parser("status", help="armazenamento, local, esquema e contagens")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)

    mg = ssub.add_parser("migrate", help="copia a área de trabalho de uma máquina para o banco de KIT_DATABASE_URL")
    mg.add_argument("--from", dest="source", required=True, metavar="DIR", help="a pasta da área de trabalho a copiar")
    mg.add_argument("--json", action="store_true")
    mg.set_defaults(func=cmd_migrate)

    tk = ssub.add_parser(
        "token-key", help="mostra uma chave nova para KIT_TOKEN_KEY (criptografa os tokens OAuth no banco)"
    )
    tk.set_defaults(func=cmd_token_key)

    rw = ssub.add_parser(
        "rewrap-tokens", help="criptografa de novo todos os tokens guardados com a primeira chave de KIT_TOKEN_KEY"
    )
    rw.set_defaults(func=cmd_rewrap)


def _need_database() -> str:
    from kit.errors import ConfigurationError
    from kit.storage import DATABASE_ENV, database_url

    url = database_url()
    if not url:
        raise ConfigurationError(
            f"{DATABASE_ENV} não está definida: esta ação é para o PostgreSQL",
            hint=f"defina {DATABASE_ENV}=postgresql://usuario:senha@servidor:5432/banco (veja docs/storage.md)",
        )
    return url


def cmd_status(args) -> int:
    from kit.commands._util import print_json, workspace

    ws = workspace()
    try:
        with ws.table("channels") as table:
            channels = len(table)
        info = {
            "backend": ws.backend.name,
            "location": ws.backend.describe(),
            "schema": ws.schema_version,
            "channels": channels,
            "runs_kept": ws.runs.count(),
            "pairs_with_runs": len(ws.runs.last()),
            "retention_days": ws.runs.retention_days,
        }
    finally:
        ws.close()
    if args.json:
        print_json(info)
        return 0
    where = "arquivos nesta máquina" if info["backend"] == "files" else "PostgreSQL, compartilhado entre máquinas"
    keep = f"{info['retention_days']:g} dias" if info["retention_days"] else "sem limite"
    print(f"armazenamento: {where} ({info['location']}), esquema {info['schema']}")
    print(f"{info['channels']} canais; {info['runs_kept']} execuções guardadas ({keep}), "
          f"{info['pairs_with_runs']} pares canal/job já executados")  # fmt: skip
    return 0


def cmd_migrate(args) -> int:
    from kit.commands._util import print_json
    from kit.storage.migrate import migrate_workspace

    report = migrate_workspace(args.source, database_url=_need_database())
    if args.json:
        print_json({"documents": report.documents, "states": report.states, "runs": report.runs,
                    "token_refs": report.token_refs})  # fmt: skip
        return 0
    docs = sum(report.documents.values())
    states = sum(report.states.values())
    print(f"copiados para o banco: {docs} documentos, {states} linhas de estado por SKU, {report.runs} execuções")
    print(f"tokens OAuth movidos do arquivo de credenciais para o banco (criptografados): {len(report.token_refs)}")
    print("daqui em diante, rode o kit nesta e nas outras máquinas com KIT_DATABASE_URL e KIT_TOKEN_KEY definidas")
    return 0


def cmd_token_key(args) -> int:
    from kit.storage.tokens import new_token_key

    print(new_token_key())
    return 0


def cmd_rewrap(args) -> int:
    from kit.storage.tokens import PgTokens

    store = PgTokens(_need_database())
    try:
        n = store.rewrap()
    finally:
        store.close()
    print(f"{n} referências com tokens criptografados de novo com a primeira chave de KIT_TOKEN_KEY")
    return 0
