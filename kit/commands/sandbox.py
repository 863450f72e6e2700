"""``kit sandbox ...``: run a channel's local sandbox (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("sandbox", help="sandboxes locais dos canais (sem internet)")
    ssub = p.add_subparsers(dest="sandbox_cmd", metavar="AÇÃO", title="ações")
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])

    st = ssub.add_parser("start", help="inicia um sandbox em primeiro plano, até Ctrl-C")
    st.add_argument("type", metavar="TIPO", help="tipo de canal, ex.: mercadolivre, vtex, magento")
    st.add_argument("--port", type=int, default=0, metavar="PORTA", help="porta TCP em 127.0.0.1 (padrão: uma livre)")
    st.add_argument("--seed", type=int, default=42, help="semente do catálogo e dos pedidos gerados")
    st.add_argument("--products", type=int, default=60, metavar="N", help="tamanho do catálogo gerado")
    st.add_argument("--orders", type=int, default=25, metavar="N", help="quantidade de pedidos gerados")
    st.add_argument("--rate", type=float, metavar="N", help="requisições por segundo antes do 429 (padrão: o limite "
                    "do canal)")  # fmt: skip
    st.add_argument(
        "--channel",
        metavar="NOME",
        help="aponta o canal NOME para o sandbox (criado se não existir) e guarda as credenciais do sandbox para ele",
    )
    st.set_defaults(func=cmd_start)

    ls = ssub.add_parser("types", help="tipos de canal que têm sandbox")
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
                f"o canal {name!r} é do tipo {existing.type}, não {server.type_name}",
                hint="escolha outro nome em --channel",
            )
        changes = {"base_url": server.url, **{f"settings.{k}": v for k, v in server.channel_settings().items()}}
        channel = registry.update(name, changes)
    SecretsStore().update(channel.credentials_ref, server.credentials)
    return channel.name


def cmd_start(args) -> int:
    from kit.commands._util import stop_on_ctrl_c_and_term
    from kit.sandbox import sandbox_class

    stop_on_ctrl_c_and_term()
    cls = sandbox_class(args.type)
    server = cls(port=args.port, seed=args.seed, orders=args.orders, rate_limit=args.rate, n_products=args.products)
    print(f"sandbox {args.type} ouvindo em {server.url}", flush=True)
    keys = ", ".join(sorted(server.credentials))
    if args.channel:
        name = _attach_channel(server, args.channel)
        print(f"o canal {name!r} agora aponta para ele; credenciais guardadas com 'kit secrets' ({keys})", flush=True)
    else:
        print(f"credenciais que ele aceita: {keys} (use --channel NOME para guardá-las para um canal)", flush=True)
    try:  # a Ctrl-C once this line is out stops the server as planned (exit 0)
        print("injeção de falhas: POST de um JSON em " + server.url + "/__sandbox__/faults ; Ctrl-C para parar",
              flush=True)  # fmt: skip
        server.serve_forever()
    except KeyboardInterrupt:
        print("sandbox parado", flush=True)
    return 0
