"""``kit sandbox ...``: run a channel's local sandbox (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("sandbox", help="run local channel sandboxes (no internet needed)")
    ssub = p.add_subparsers(dest="sandbox_cmd", metavar="ACTION")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    st = ssub.add_parser("start", help="start a sandbox in the foreground until Ctrl-C")
    st.add_argument("type", help="channel type, e.g. mercadolivre, vtex, magento")
    st.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: any free port)")
    st.add_argument("--seed", type=int, default=42, help="seed of the generated catalogue and orders")
    st.add_argument("--products", type=int, default=60, help="size of the generated catalogue")
    st.add_argument("--orders", type=int, default=25, help="number of generated orders")
    st.add_argument("--rate", type=float, help="requests per second before 429 (default: the channel's limit)")
    st.add_argument(
        "--channel",
        metavar="NAME",
        help="point channel NAME at the sandbox (created if missing) and store the sandbox's credentials for it",
    )
    st.set_defaults(func=cmd_start)

    ls = ssub.add_parser("types", help="channel types that have a sandbox")
    ls.set_defaults(func=cmd_types)


def cmd_types(args) -> int:
    from kit.sandbox import sandbox_types

    for name in sandbox_types():
        print(name)
    return 0


def _attach_channel(server, name: str) -> str:
    """Create or update channel ``name`` to use ``server``; store its credentials. Returns the channel name."""
    from kit.channels import ChannelRegistry
    from kit.commands._util import workspace
    from kit.errors import ConfigurationError
    from kit.secrets import SecretsStore

    registry = ChannelRegistry(workspace())
    try:
        existing = registry.get(name)
    except ConfigurationError:
        existing = None
    if existing is None:
        channel = server.channel(name, store_credentials=False)
        registry.add(channel)
    else:
        if existing.type != server.type_name:
            raise ConfigurationError(
                f"channel {name!r} is of type {existing.type}, not {server.type_name}",
                hint="use another --channel name",
            )
        changes = {"base_url": server.url, **{f"settings.{k}": v for k, v in server.channel_settings().items()}}
        channel = registry.update(name, changes)
    SecretsStore().update(channel.credentials_ref, server.credentials)
    return channel.name


def cmd_start(args) -> int:
    from kit.sandbox import sandbox_class

    cls = sandbox_class(args.type)
    server = cls(port=args.port, seed=args.seed, orders=args.orders, rate_limit=args.rate, n_products=args.products)
    print(f"{args.type} sandbox listening on {server.url}", flush=True)
    keys = ", ".join(sorted(server.credentials))
    if args.channel:
        name = _attach_channel(server, args.channel)
        print(f"channel {name!r} now points at it; credentials stored with 'kit secrets' ({keys})", flush=True)
    else:
        print(f"credentials it accepts: {keys} (use --channel NAME to store them for a channel)", flush=True)
    print("fault injection: POST JSON to " + server.url + "/__sandbox__/faults ; Ctrl-C to stop", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    return 0
