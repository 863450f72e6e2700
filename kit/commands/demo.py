"""``kit demo --dir DIR``: build a demo workspace from the sample data and print a summary."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("demo", help="create a demo workspace from the sample data and print a summary")
    p.add_argument("--dir", default=".demo", metavar="DIR", help="demo directory (workspace, secrets); default .demo")
    p.add_argument("--steps", action="store_true", help="list the demo steps and exit")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args) -> int:
    from kit.demo import STEPS, run_demo

    if args.steps:
        for step in STEPS:
            print(f"{step.name:14} {step.description}")
        return 0
    ctx = run_demo(args.dir)
    print("Demonstração canais-kit")
    for line in ctx.lines:
        print(f"  {line}")
    print(f"Pronto. Para usar esta área de trabalho: export KIT_WORKSPACE={ctx.dir / 'workspace'}")
    return 0
