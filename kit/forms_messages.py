"""What the canais screen says about a failure, in Brazilian Portuguese.

The kit's errors (:class:`~kit.errors.KitError`) and the connectors' reports
carry an English message for engineers and logs. A person on the screen reads
an :class:`Explanation` instead: what happened and what to do, in pt-BR, built
from the error's class and fields (status, address, file, row...). The English
text stays available as :attr:`Explanation.detail`, which the screen shows
only inside a collapsed "Detalhes técnicos" block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kit.scrub import scrub

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.store import Workspace

__all__ = [
    "Explanation",
    "explain_error",
    "connection_explanation",
    "gate_refusal",
    "CONFIG_FIELD_LABELS",
    "is_local_address",
]

#: What each part of a channel's checked configuration is called on the screen (see kit.golive.gate).
CONFIG_FIELD_LABELS = {
    "type": "tipo",
    "company": "empresa",
    "environment": "ambiente",
    "base_url": "URL da API",
    "credentials_ref": "credenciais",
    "settings": "configurações do canal",
    "rate_limit_per_second": "limite de requisições",
    "jobs": "intervalos e lotes das tarefas",
}
_ERP_KINDS = {"products": "produtos", "stock": "estoque", "prices": "preços", "shipments": "faturamento"}
_ENVIRONMENTS = {"sandbox": "sandbox (homologação)", "production": "produção"}
# Generic tokens base.test_connection() puts in missing_permissions when the credentials themselves fail.
_GENERIC_MISSING = {"credentials", "access"}
# Context fields of an error, in the order the technical text names them (as KitError.where() does).
_WHERE = ("channel", "method", "path", "status", "request_id", "file", "sheet", "row", "column", "kind")


@dataclass(slots=True)
class Explanation:
    """A failure as a person reads it.

    Attributes:
        message: what happened, pt-BR, one sentence.
        hint: what to do next, pt-BR ("" when nothing is to be done); commands and
            file names between backticks (the screen shows them as code).
        detail: the technical text (English allowed), scrubbed; shown collapsed.
    """

    message: str
    hint: str = ""
    detail: str = ""

    def text(self) -> str:
        """Message and hint as one pt-BR line."""
        return f"{self.message} {self.hint}".strip()


def is_local_address(address: str | None) -> bool:
    """Is ``address`` on this machine (a local sandbox)?"""
    host = (urlsplit(address or "").hostname or "").lower()
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def _fields(error: Any) -> tuple[str, dict[str, Any], str]:
    """(class name, fields, technical text) of a KitError, another exception or a ``to_dict()`` dict."""
    if isinstance(error, dict):
        name = str(error.get("error") or "")
        text = str(error.get("message") or "")
        where = ", ".join(f"{k} {error[k]}" for k in _WHERE if error.get(k) not in (None, ""))
        text += f" ({where})" if where else ""
        if error.get("hint"):
            text += f". Hint: {error['hint']}"
        return name, dict(error), scrub(f"{name}: {text}" if name else text)
    names = [cls.__name__ for cls in type(error).__mro__]
    name = next((n for n in names if n in _BY_CLASS), type(error).__name__)
    fields = dict(getattr(error, "fields", {}) or {})
    return name, fields, scrub(f"{type(error).__name__}: {error}")


def _address(fields: dict[str, Any], address: str | None) -> str:
    """The address the kit tried: the channel's API address (the request's path is in the technical detail)."""
    if address:
        return address.rstrip("/")
    path = str(fields.get("path") or "")
    return path if "://" in path else ""


def _transient(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    status = fields.get("status")
    where = _address(fields, address)
    if status == 429:
        return ("O canal limitou as requisições (HTTP 429).", "Aguarde alguns minutos e tente de novo.")
    if isinstance(status, int) and status >= 500:
        return (f"O canal teve um erro interno (HTTP {status}).", "Tente de novo em alguns minutos.")
    message = f"O canal não respondeu em {where}." if where else "O canal não respondeu."
    if is_local_address(address or where):
        start = (
            f"kit sandbox start {ctx['type']} --channel {ctx['channel']}" if ctx.get("type") else "kit sandbox start"
        )
        return (message, f"O sandbox local não está rodando? Inicie-o com `{start}` e tente de novo.")
    return (message, "O canal pode estar fora do ar ou a URL da API estar errada: confira a URL e tente de novo.")


def _auth(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    if fields.get("status") == 403:
        return (
            "O canal recusou o acesso: as credenciais não têm permissão para esta operação.",
            "Dê ao aplicativo as permissões no painel do canal e teste a conexão de novo.",
        )
    return (
        "O canal recusou as credenciais.",
        "Confira ou renove as chaves em Autenticação, clique em Salvar e depois em Testar conexão.",
    )


def _fatal(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    status = fields.get("status")
    if status:
        return (
            f"O canal recusou a requisição (HTTP {status}).",
            "Confira a configuração do canal (URL da API, conta); o detalhe técnico traz a resposta do canal.",
        )
    return ("O canal respondeu algo que o kit não entende.", "Confira a URL da API; se estiver certa, tente de novo.")


def _input(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    if fields.get("kind") in _ERP_KINDS and fields.get("file"):  # kit.jobs.erp: no export of that kind in the folder
        return (
            f"Não há exportação de {_ERP_KINDS[fields['kind']]} na pasta do ERP {fields['file']}.",
            "O ERP deve gravar ali o arquivo (ex.: products.csv ou produtos.xlsx); a pasta do ERP do canal é "
            "configurada com `kit sync config erp_dir=PASTA`.",
        )
    where = ", ".join(
        f"{label} {fields[key]}" for key, label in (("file", "arquivo"), ("sheet", "aba"), ("row", "linha"),
                                                   ("column", "coluna")) if fields.get(key) not in (None, "")
    )  # fmt: skip
    message = "Um arquivo de entrada não pôde ser usado" + (f" ({where})." if where else ".")
    return (message, "Corrija o arquivo (ou a pasta do ERP) e tente de novo.")


def _config(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    return ("A configuração do canal está incompleta ou inválida.", "Revise os campos do formulário e salve.")


def _mapping(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    return ("Há valores do canal sem de-para.", "Complete o de-para no notebook `depara.ipynb` e tente de novo.")


def _store(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    return (
        "O workspace do kit não pôde ser lido ou gravado.",
        "O detalhe técnico diz qual arquivo e onde está a cópia de segurança.",
    )


def _lock(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    return ("Outra execução deste canal está em andamento.", "Espere ela terminar e tente de novo.")


def _gate(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    return ("O go-live não liberou o canal.", "Verifique o go-live e corrija os bloqueios.")


def _channel(fields: dict[str, Any], address: str | None, ctx: dict[str, str]) -> tuple[str, str]:
    return ("O canal respondeu com um erro.", "Veja o detalhe técnico e tente de novo.")


# Most specific class first: an error is explained by the first of its classes found here.
_BY_CLASS = {
    "ChannelTransientError": _transient,
    "AuthenticationError": _auth,
    "ChannelFatalError": _fatal,
    "ChannelError": _channel,
    "InputDataError": _input,
    "LimitError": _config,
    "ConfigurationError": _config,
    "MappingError": _mapping,
    "StoreError": _store,
    "LockHeldError": _lock,
    "GateError": _gate,
}


def explain_error(error: Any, *, address: str | None = None, channel: str = "", type_name: str = "") -> Explanation:
    """The pt-BR explanation of an error.

    Args:
        error: a :class:`~kit.errors.KitError` (or any exception), or the dict of
            ``KitError.to_dict()`` (as ``summary.json`` keeps it).
        address: the channel's API address, named when it could not be reached.
        channel: the channel's name, for the commands suggested.
        type_name: the channel's type, for the commands suggested.
    """
    name, fields, technical = _fields(error)
    phrase = _BY_CLASS.get(name)
    if phrase is None:
        return Explanation("Aconteceu um erro inesperado.", "Veja o detalhe técnico e tente de novo.", technical)
    message, hint = phrase(fields, address, {"channel": channel, "type": type_name})
    return Explanation(message, hint, technical)


def connection_explanation(label: str, report: Any, *, address: str | None = None, **ctx: str) -> Explanation:
    """What "Testar conexão" shows for a connector's :class:`~kit.connectors.model.ConnectionReport`."""
    missing = [scrub(p) for p in (getattr(report, "missing_permissions", None) or []) if p not in _GENERIC_MISSING]
    detail = scrub(getattr(report, "message", "") or "")
    if report.ok and not missing:
        return Explanation(f"Conexão OK com {label}.", "", detail)
    if report.ok or (missing and not (getattr(report, "details", None) or {}).get("error")):
        return Explanation(
            f"Conectou em {label}, mas faltam permissões: {', '.join(missing)}.",
            "Dê essas permissões ao aplicativo no painel do canal e teste de novo.",
            detail,
        )
    error = (getattr(report, "details", None) or {}).get("error")
    why = explain_error(error, address=address, **ctx) if error else Explanation("", "", "")
    message = f"Falha na conexão com {label}." + (f" {why.message}" if why.message else "")
    if missing:
        message += f" Permissões que faltam: {', '.join(missing)}."
    return Explanation(message, why.hint, detail)


def gate_refusal(ws: Workspace, channel: Channel) -> Explanation:
    """Why the go-live gate keeps ``channel`` off, read from its latest go-live result (pt-BR)."""
    from kit.fmt import when_pt
    from kit.golive.gate import config_changes
    from kit.golive.results import APTO, latest_result

    last = latest_result(ws, channel.name)
    again = "Clique em Verificar go-live; com o veredito APTO, ligue de novo."
    if last is None:
        return Explanation("Nenhuma verificação de go-live foi feita para este canal.", again)
    when = when_pt(last.get("finished_at"))
    if last.get("verdict") != APTO:
        return Explanation(
            f"O último go-live ({when}) deu {last.get('verdict')}.",
            "Abra o relatório, corrija os bloqueios e verifique o go-live de novo.",
        )
    env = last.get("environment", channel.environment)
    if env != channel.environment:
        return Explanation(
            f"O último go-live foi para o ambiente {_ENVIRONMENTS.get(env, env)}, e o canal está em "
            f"{_ENVIRONMENTS.get(channel.environment, channel.environment)}.",
            "Verifique o go-live no ambiente do canal.",
        )
    changed = [CONFIG_FIELD_LABELS.get(c, c) for c in config_changes(last, channel)]
    if changed:
        return Explanation(
            f"A configuração do canal mudou depois do último go-live ({when}): {', '.join(changed)}.",
            "Verifique o go-live de novo com a configuração atual.",
        )
    return Explanation("O go-live não liberou o canal.", again)
