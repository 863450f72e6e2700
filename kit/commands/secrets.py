"""``kit secrets ...``: set, list (masked) and delete channel credentials."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("secrets", help="credenciais dos canais (nunca mostradas por inteiro)")
    ssub = p.add_subparsers(dest="secrets_cmd", metavar="AÇÃO", title="ações")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    st = ssub.add_parser("set", help="guarda uma credencial; o valor é lido da entrada padrão ou de um prompt oculto")
    st.add_argument("channel", metavar="CANAL", help="nome do canal")
    st.add_argument("key", metavar="CHAVE", help="nome da credencial (ex.: app_key)")
    st.set_defaults(func=cmd_set)

    ls = ssub.add_parser("list", help="nomes e valores mascarados")
    ls.add_argument("--json", action="store_true", help="saída em JSON")
    ls.set_defaults(func=cmd_list)

    rm = ssub.add_parser("delete", help="apaga uma credencial, ou todas de um canal")
    rm.add_argument("channel", metavar="CANAL", help="nome do canal")
    rm.add_argument("key", nargs="?", metavar="CHAVE", help="a credencial (sem ela: todas do canal)")
    rm.set_defaults(func=cmd_delete)


def _ref(channel_name: str) -> tuple[str, object]:
    from kit.channels import ChannelRegistry
    from kit.commands._util import workspace

    ch = ChannelRegistry(workspace()).get(channel_name)
    return ch.credentials_ref, ch


def read_secret_value(prompt: str) -> str:
    """From a hidden prompt on a terminal, else the first line of stdin."""
    import getpass
    import sys

    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def cmd_set(args) -> int:
    from kit.channeltypes import get_type
    from kit.errors import ConfigurationError
    from kit.secrets import SecretsStore

    ref, ch = _ref(args.channel)
    known = get_type(ch.type).credential_keys()
    if args.key not in known:
        raise ConfigurationError(
            f"o tipo {ch.type} não tem a credencial {args.key!r}", channel=ch.name, hint="uma de: " + ", ".join(known)
        )
    value = read_secret_value(f"{args.key} de {ch.name}: ")
    if not value:
        raise ConfigurationError(
            "nenhum valor recebido na entrada padrão", hint=f'echo "$VALOR" | kit secrets set {ch.name} {args.key}'
        )
    SecretsStore().set(ref, args.key, value)
    print(f"{args.key} guardada para {ch.name}")
    return 0


def cmd_list(args) -> int:
    from kit.commands._util import print_json, print_table
    from kit.secrets import SecretsStore

    rows = SecretsStore().list_masked()
    if args.json:
        print_json(rows)
    else:
        labels = {"ref": "referência", "key": "chave", "value": "valor", "source": "origem"}
        sources = {"file": "arquivo", "env": "variável de ambiente"}
        shown = [{**r, "source": sources.get(r["source"], r["source"])} for r in rows]
        print_table(shown, ["ref", "key", "value", "source"], labels)
    return 0


def cmd_delete(args) -> int:
    from kit.secrets import SecretsStore

    ref, _ = _ref(args.channel)
    SecretsStore().delete(ref, args.key)
    print(f"credencial {args.key} de {args.channel} apagada" if args.key else f"credenciais de {args.channel} apagadas")
    return 0
