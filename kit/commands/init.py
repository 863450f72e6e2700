"""``kit init``: create (or check) a workspace; ``--restore-state`` puts back the last good state store."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("init", help="cria (ou confere) a área de trabalho")
    p.add_argument(
        "--restore-state",
        action="store_true",
        help="troca um states.sqlite corrompido pela última cópia boa (states.sqlite.bak); o arquivo corrompido é "
        "guardado",
    )
    p.set_defaults(func=cmd_init)


def cmd_init(args) -> int:
    from kit.commands._util import workspace

    ws = workspace()
    if args.restore_state:
        from kit.store import STATES_FILE, StateStore

        kept, restored = StateStore.restore(ws.root / STATES_FILE)
        print(f"estado restaurado: {restored} (cópia de {restored.name}.bak); o arquivo corrompido ficou em {kept}")
        print("a próxima execução de pedidos completa o registro de pedidos a partir da caixa de saída")
        return 0
    print(f"área de trabalho pronta em {ws.root} (esquema {ws.schema_version})")
    return 0
