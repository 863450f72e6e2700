"""The exception tree of canais-kit.

Every error the kit raises on purpose is a :class:`KitError`. Messages say what
failed, where, and what to do next; they are scrubbed of secrets when formed.

::

    KitError
    ├── ConfigurationError        channel / workspace / CLI usage problems
    │   └── LimitError            a setting beyond a channel type's published limit
    ├── AuthenticationError       missing or rejected credentials, missing scopes
    ├── ChannelError              the channel answered badly
    │   ├── ChannelTransientError 5xx, timeouts, 429 after the retry budget
    │   └── ChannelFatalError     4xx, malformed bodies, contract violations
    ├── MappingError              de-para: unmapped or conflicting values
    ├── InputDataError            a spreadsheet / export file is wrong
    ├── StoreError                the workspace store is corrupt or unreadable
    ├── GateError                 go-live gate refused an action
    └── LockHeldError             another run holds the (channel, job) lock

The CLI maps them to exit codes: input/usage/config errors -> 2, lock -> 3,
everything else -> 1.

What a person reads is pt-BR: messages and hints are written in Portuguese,
the location names its fields in Portuguese (``arquivo p.csv, linha 7, coluna
ean``), and each class has a one-line pt-BR :attr:`KitError.summary` the CLI
shows first when a message still comes in English (:mod:`kit.lang`).
``to_dict()`` keeps English keys: machines read it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "KitError",
    "ConfigurationError",
    "LimitError",
    "AuthenticationError",
    "ChannelError",
    "ChannelTransientError",
    "ChannelFatalError",
    "MappingError",
    "InputDataError",
    "StoreError",
    "GateError",
    "LockHeldError",
]

# Context fields an error may carry, in the order they are shown.
_FIELDS = (
    "channel",
    "method",
    "path",
    "status",
    "request_id",
    "file",
    "sheet",
    "row",
    "column",
    "kind",
)
#: How each context field is named to a person (pt-BR).
FIELD_LABELS = {
    "channel": "canal",
    "method": "método",
    "path": "endereço",
    "status": "HTTP",
    "request_id": "id da requisição",
    "file": "arquivo",
    "sheet": "aba",
    "row": "linha",
    "column": "coluna",
    "kind": "tipo",
}


class KitError(Exception):
    """Root of every error canais-kit raises on purpose.

    Args:
        message: what failed, in Brazilian Portuguese (a person reads it).
        hint: what the user should do next (pt-BR).
        **fields: context such as ``channel``, ``file``, ``row``, ``column``.
    """

    exit_code = 1
    #: What went wrong, in one pt-BR phrase, whatever the message says (shown when it is not Portuguese yet).
    summary = "o kit não conseguiu concluir a operação"
    #: What to do, for the same case.
    summary_hint = "leia o detalhe técnico abaixo; se não souber resolver, informe a equipe do kit"

    def __init__(self, message: str, *, hint: str | None = None, **fields: Any) -> None:
        from kit.scrub import scrub  # local: scrub imports nothing heavy

        self.message = scrub(str(message))
        self.hint = scrub(hint) if hint else None
        self.fields = {k: v for k, v in fields.items() if v is not None}
        for key in _FIELDS:
            setattr(self, key, self.fields.get(key))
        super().__init__(self.__str__())

    def where(self) -> str:
        """A short location in pt-BR: ``arquivo X, aba Y, linha N, coluna C``."""
        parts = []
        for key in _FIELDS:
            if key in self.fields:
                parts.append(f"{FIELD_LABELS[key]} {self.fields[key]}")
        from kit.scrub import scrub

        return scrub(", ".join(parts))

    def __str__(self) -> str:
        loc = self.where()
        text = f"{self.message} ({loc})" if loc else self.message
        if self.hint:
            text += f". Dica: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly view, used by ``--json`` outputs and reports."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "hint": self.hint,
            **{k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in self.fields.items()},
        }


class ConfigurationError(KitError):
    """The workspace, a channel's configuration or a command's usage is wrong."""

    summary = "a configuração ou o uso do comando não está certo"
    summary_hint = "confira o comando com '--help' e a configuração do canal ('kit channels show NOME')"

    exit_code = 2


class LimitError(ConfigurationError):
    """A configured value is beyond the limit the channel type publishes."""

    summary = "um valor configurado passa do limite publicado pelo canal"
    summary_hint = "veja os limites com 'kit channels types' e ajuste o valor"


class AuthenticationError(KitError):
    """Credentials are missing, rejected, expired or lack a permission/scope."""

    summary = "o canal recusou as credenciais, ou faltam credenciais ou permissões"
    summary_hint = "confira as chaves com 'kit secrets list' e grave-as de novo com 'kit secrets set CANAL CHAVE'"


class ChannelError(KitError):
    """The channel answered with an error or something the kit cannot use."""

    summary = "o canal respondeu com um erro"
    summary_hint = "tente de novo; se continuar, confira a configuração do canal"


class ChannelTransientError(ChannelError):
    """A failure that may pass on retry (5xx, timeout, rate limit)."""

    summary = "o canal não respondeu a tempo ou está limitando as requisições"
    summary_hint = "tente de novo em alguns minutos"


class ChannelFatalError(ChannelError):
    """A failure that will not pass on retry (4xx, malformed body)."""

    summary = "o canal recusou a requisição ou respondeu algo que o kit não entende"
    summary_hint = "confira a configuração do canal (URL da API, conta); o detalhe técnico traz a resposta do canal"


class MappingError(KitError):
    """De-para problems: values with no mapping, conflicts. Carries ``problems``."""

    summary = "há valores do canal sem de-para"
    summary_hint = "complete o de-para ('kit depara validate CANAL' mostra o que falta)"

    def __init__(self, message: str, *, problems: Any = None, **kw: Any) -> None:
        self.problems = problems
        super().__init__(message, **kw)


class InputDataError(KitError):
    """An input file (ERP or store export) cannot be read as it is."""

    summary = "um arquivo de entrada não pôde ser usado como está"
    summary_hint = "corrija o arquivo indicado e rode de novo"

    exit_code = 2


class StoreError(KitError):
    """The workspace store is corrupt or cannot be written."""

    summary = "a área de trabalho do kit não pôde ser lida ou gravada"
    summary_hint = "o detalhe técnico diz qual arquivo e onde está a cópia de segurança"

    exit_code = 2


class GateError(KitError):
    """The go-live gate refused to switch a channel on."""

    summary = "o portão do go-live recusou a operação"
    summary_hint = "rode 'kit check golive --channel CANAL' e corrija os bloqueios"


class LockHeldError(KitError):
    """Another run holds the lock for the same (channel, job)."""

    summary = "outra execução do mesmo canal e job está em andamento"
    summary_hint = "espere ela terminar e rode de novo"

    exit_code = 3
