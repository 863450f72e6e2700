"""The ``kit`` command line.

Command groups live in :mod:`kit.commands`, one module each, discovered at
start-up. A module exposes ``register(subparsers)`` and sets ``func`` on its
parsers; it must not import pandas or other heavy libraries at module level,
so ``kit --help`` and ``kit channels`` start quickly.

Exit codes (stable, scripts depend on them):
    0 success; 1 a check or job found failures; 2 usage or input error;
    3 another run holds the lock.

Every error is one ``erro:`` line and a ``dica:`` line on stderr (pt-BR), never a
traceback (``-v`` adds it for an unexpected one). A message a module still
forms in English (:func:`kit.lang.looks_english`) is shown as its class's
pt-BR summary, with the English text on a third ``detalhe técnico:`` line.
Errors are: a :class:`~kit.errors.KitError`
with its own exit code; a file-system error (read-only or full disk, missing
permission, a symbolic link refused) and an unreadable state store exit 2; an
argument that is not UTF-8 is refused before anything runs (exit 2). The
process's umask is widened to at least 022: nothing the kit or its kernels
create is writable by other users.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import pkgutil
import sys

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_LOCKED"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3


ERROR_PREFIX, HINT_PREFIX, DETAIL_PREFIX = "erro: ", "dica: ", "detalhe técnico: "


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001 - argparse's signature
        return super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse speaking pt-BR: headings, ``-h``, and its own error messages (:data:`ARGPARSE_MESSAGES`)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - argparse's signature
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opções"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="mostra esta ajuda e sai")

    def error(self, message: str) -> None:  # one line, exit 2, like every usage error
        sys.stderr.write(f"{ERROR_PREFIX}{argparse_message_pt(message)}\n{HINT_PREFIX}veja '{self.prog} --help'\n")
        raise SystemExit(EXIT_USAGE)


#: argparse's English error messages (Python 3.11) and their pt-BR form, tried in order.
ARGPARSE_MESSAGES = (
    (r"^argument (?P<arg>[^:]+): (?P<rest>.*)$", "argumento {arg}: {rest}"),
    (r"^the following arguments are required: (?P<x>.*)$", "faltam argumentos obrigatórios: {x}"),
    (r"^unrecognized arguments: (?P<x>.*)$", "argumentos não reconhecidos: {x}"),
    (r"^invalid choice: (?P<v>.*) \(choose from (?P<c>.*)\)$", "opção inválida: {v} (escolha entre {c})"),
    (r"^invalid int value: (?P<v>.*)$", "número inteiro inválido: {v}"),
    (r"^invalid float value: (?P<v>.*)$", "número inválido: {v}"),
    (r"^invalid (?P<t>\w+) value: (?P<v>.*)$", "valor inválido ({t}): {v}"),
    (r"^expected one argument$", "falta o valor"),
    (r"^expected at least one argument$", "falta ao menos um valor"),
    (r"^expected at most one argument$", "aceita no máximo um valor"),
    (r"^expected (?P<n>\d+) arguments?$", "espera {n} valor(es)"),
    (r"^not allowed with argument (?P<x>.*)$", "não pode ser usado junto com {x}"),
    (r"^one of the arguments (?P<x>.*) is required$", "um destes argumentos é obrigatório: {x}"),
    (r"^ambiguous option: (?P<o>\S+) could match (?P<m>.*)$", "opção ambígua: {o} pode ser {m}"),
    (r"^ignored explicit argument (?P<v>.*)$", "valor ignorado: {v}"),
)


def argparse_message_pt(message: str) -> str:
    """An argparse error message in pt-BR (the ``argument X:`` prefix and the message behind it)."""
    import re

    for pattern, template in ARGPARSE_MESSAGES:
        m = re.match(pattern, message)
        if m:
            parts = m.groupdict()
            if "rest" in parts:
                parts["rest"] = argparse_message_pt(parts["rest"])
            return template.format(**parts)
    return message


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kit",
        description="canais-kit: configura, verifica e executa as integrações entre o ERP e os canais de venda.",
    )
    parser.add_argument(
        "--workspace",
        metavar="PASTA",
        help="pasta da área de trabalho (padrão: $KIT_WORKSPACE ou ~/.local/share/canais-kit/workspace)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="mostra mais detalhes (logs técnicos)")
    sub = parser.add_subparsers(dest="command", metavar="COMANDO", title="comandos", parser_class=_Parser)
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
    from kit.scrub import install_log_filter

    os.umask(os.umask(0o022) | 0o022)  # never group- or world-writable, whatever the caller's umask
    argv = sys.argv[1:] if argv is None else list(argv)
    bad = next((a for a in argv if _not_utf8(a)), None)
    if bad is not None:
        shown = bad.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        return _fail(f"argumento que não é UTF-8: {shown!r}", "use nomes e valores em UTF-8 (renomeie o arquivo se "
                     "for um nome de arquivo)", EXIT_USAGE)  # fmt: skip
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
        return _fail_kit(exc)
    except KeyboardInterrupt:
        sys.stderr.write(f"{ERROR_PREFIX}interrompido\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        return _fail(_os_message(exc), _os_hint(exc), EXIT_USAGE)
    except Exception as exc:  # noqa: BLE001 - the last line of the contract: one error line, never a traceback
        import sqlite3

        if isinstance(exc, sqlite3.DatabaseError):
            return _fail(f"o arquivo de estado da área de trabalho não pode ser lido: {exc}",
                         "rode 'kit init --restore-state' para voltar à última cópia boa (o arquivo atual é guardado)",
                         EXIT_USAGE)  # fmt: skip
        if args.verbose:
            import traceback

            traceback.print_exc()
        return _fail(f"erro inesperado: {type(exc).__name__}: {exc}",
                     "rode de novo com -v para ver onde, e informe a equipe do kit", EXIT_FAILED)  # fmt: skip


def _not_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _fail_kit(exc) -> int:  # noqa: ANN001 - a KitError
    """A KitError as ``erro:``/``dica:`` lines; English text goes to a ``detalhe técnico:`` line after them."""
    from kit.lang import looks_english

    loc = exc.where()
    at = f" ({loc})" if loc else ""
    message, hint, detail = exc.message, exc.hint, None
    english_message = looks_english(message)
    english_hint = bool(hint) and looks_english(hint)
    if english_message or english_hint:
        detail = "; ".join(t for t, bad in ((message, english_message), (hint, english_hint)) if bad and t)
        message = exc.summary if english_message else message
        hint = exc.summary_hint if english_hint or (english_message and not hint) else hint
    return _fail(message + at, hint, exc.exit_code, detail)


def _fail(message: str, hint: str | None, code: int, detail: str | None = None) -> int:
    """One ``erro:`` line and one ``dica:`` line (and a ``detalhe técnico:`` one), scrubbed, single-line each."""
    from kit.scrub import scrub

    def line(text: str) -> str:
        return " ".join(scrub(text).split())

    sys.stderr.write(f"{ERROR_PREFIX}{line(message)}\n")
    if hint:
        sys.stderr.write(f"{HINT_PREFIX}{line(hint)}\n")
    if detail:
        sys.stderr.write(f"{DETAIL_PREFIX}{line(detail)}\n")
    return code


def _os_message(exc: OSError) -> str:
    where = f": {exc.filename}" if exc.filename else ""
    return f"erro do sistema de arquivos ({exc.strerror or exc}){where}"


_OS_HINTS = {
    errno.EROFS: "a pasta está num sistema de arquivos somente leitura: use uma área de trabalho gravável "
    "(--workspace DIR ou KIT_WORKSPACE)",
    errno.EACCES: "sem permissão: verifique o dono e as permissões da pasta, ou use outra área de trabalho",
    errno.EPERM: "operação não permitida: verifique o dono e as permissões da pasta",
    errno.ENOSPC: "disco cheio: libere espaço e rode de novo (nada foi perdido do que já estava gravado)",
    errno.ELOOP: "há um link simbólico onde o kit grava um arquivo seu: remova o link",
    errno.ENOTDIR: "um arquivo está no lugar de uma pasta: verifique o caminho",
}


def _os_hint(exc: OSError) -> str:
    return _OS_HINTS.get(exc.errno or 0, "verifique o caminho e as permissões")


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())


if __name__ == "__main__":
    run()
