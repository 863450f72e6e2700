"""The ``kit`` command line.

Command groups live in :mod:`kit.commands`, one module each, discovered at
start-up. A module exposes ``register(subparsers)`` and sets ``func`` on its
parsers; it must not import pandas or other heavy libraries at module level,
so ``kit --help`` and ``kit channels`` start quickly.

Exit codes (stable, scripts depend on them):
    0 success; 1 a check or job found failures; 2 usage or input error;
    3 another run holds the lock.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_LOCKED"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every usage error
        sys.stderr.write(f"error: {message}\nhint: see '{self.prog} --help'\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kit",
        description="canais-kit: configure, check and run ERP <-> sales channel integrations.",
    )
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        help="workspace directory (default: $KIT_WORKSPACE or ~/.local/share/canais-kit/workspace)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    import kit.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"kit.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    from kit.errors import KitError
    from kit.scrub import install_log_filter, scrub

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.workspace:
        os.environ["KIT_WORKSPACE"] = args.workspace
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("filelock").setLevel(logging.WARNING)
    install_log_filter()
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        code = args.func(args)
        return EXIT_OK if code is None else int(code)
    except KitError as exc:
        sys.stderr.write(f"error: {scrub(exc.message)}")
        loc = exc.where()
        if loc:
            sys.stderr.write(f" ({loc})")
        sys.stderr.write("\n")
        if exc.hint:
            sys.stderr.write(f"hint: {scrub(exc.hint)}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    run()
