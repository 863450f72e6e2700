"""``kit demo --dir DIR``: build a demo workspace from the sample data and print a summary.

``kit demo --dir DIR --serve`` starts the demo's sandboxes again (same catalogue,
orders and credentials) in the foreground until Ctrl-C, so the commands the
summary prints can be run by hand.
"""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "demo", help="cria uma área de trabalho de demonstração com os dados de exemplo e mostra um resumo"
    )
    p.add_argument("--dir", default=".demo", metavar="PASTA",
                   help="pasta da demonstração (área de trabalho, credenciais, relatórios); padrão .demo")  # fmt: skip
    p.add_argument("--steps", action="store_true", help="lista os passos da demonstração e sai")
    p.add_argument("--serve", action="store_true",
                   help="inicia de novo os sandboxes de uma demonstração já feita (mesmo catálogo, pedidos e "
                   "credenciais) até Ctrl-C")  # fmt: skip
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from kit.demo import STEPS, run_demo

    if args.serve:
        return _serve(args.dir)
    if args.steps:
        import importlib

        from kit.demo import STEP_MODULES

        for module in STEP_MODULES:
            importlib.import_module(module)
        for step in STEPS:
            print(f"{step.name:14} {step.description}")
        return 0
    ctx = run_demo(args.dir)
    print("Demonstração canais-kit")
    for line in ctx.lines:
        print(f"  {line}")
    print(f"Pronto. Variáveis da demonstração em {ctx.data['env_file']} (source esse arquivo).")
    for line in ctx.data.get("continue") or []:
        print(line)
    return 0


def _serve(directory: str) -> int:
    import time

    from kit.commands._util import stop_on_ctrl_c_and_term
    from kit.demo.sync_steps import serve

    stop_on_ctrl_c_and_term()  # a SIGTERM or Ctrl-C the parent had blocked or ignored stops the sandboxes too
    servers: list = []
    try:
        servers = serve(directory, say=lambda line: print(line, flush=True))
        print("sandboxes da demonstração prontos; Ctrl-C para parar", flush=True)
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.stop()
    print("sandboxes parados", flush=True)
    return 0
