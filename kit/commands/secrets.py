"""``kit secrets ...``: set, list (masked) and delete channel credentials."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("secrets", help="manage channel credentials (never shown unmasked)")
    ssub = p.add_subparsers(dest="secrets_cmd", metavar="ACTION")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    st = ssub.add_parser("set", help="store a credential; the value is read from stdin or a hidden prompt")
    st.add_argument("channel")
    st.add_argument("key")
    st.set_defaults(func=cmd_set)

    ls = ssub.add_parser("list", help="names and masked values")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    rm = ssub.add_parser("delete", help="delete one credential, or all of a channel")
    rm.add_argument("channel")
    rm.add_argument("key", nargs="?")
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
            f"{ch.type} has no credential {args.key!r}", channel=ch.name, hint="one of: " + ", ".join(known)
        )
    value = read_secret_value(f"{args.key} for {ch.name}: ")
    if not value:
        raise ConfigurationError(
            "no value given on stdin", hint=f'echo "$VALUE" | kit secrets set {ch.name} {args.key}'
        )
    SecretsStore().set(ref, args.key, value)
    print(f"stored {args.key} for {ch.name}")
    return 0


def cmd_list(args) -> int:
    from kit.commands._util import print_json, print_table
    from kit.secrets import SecretsStore

    rows = SecretsStore().list_masked()
    if args.json:
        print_json(rows)
    else:
        print_table(rows, ["ref", "key", "value", "source"])
    return 0


def cmd_delete(args) -> int:
    from kit.secrets import SecretsStore

    ref, _ = _ref(args.channel)
    SecretsStore().delete(ref, args.key)
    print("deleted")
    return 0
