"""``kit init``: create a workspace."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("init", help="create (or check) the workspace")
    p.set_defaults(func=cmd_init)


def cmd_init(args) -> int:
    from kit.commands._util import workspace

    ws = workspace()
    print(f"workspace ready at {ws.root} (schema {ws.schema_version})")
    return 0
