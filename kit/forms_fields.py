"""The fields of the "Configuração de integração" form, built from a channel type's declarations.

:func:`build_fields` turns a :class:`~kit.channeltypes.ChannelType` into the
list of :class:`FieldSpec` the form shows: the channel's own fields, the type's
credentials (password fields), its settings, and per job an interval and a
batch size with the type's limits. Labels and limits are pt-BR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kit.channels import DEFAULT_JOBS
from kit.channeltypes import CATEGORIES, ENVIRONMENTS, JOBS, MAX_INTERVAL_MIN, ChannelType
from kit.scrub import MASK

__all__ = [
    "JOB_LABELS",
    "GROUP_LABELS",
    "CATEGORY_LABELS",
    "ENVIRONMENT_LABELS",
    "SECRET_PLACEHOLDER",
    "FieldSpec",
    "build_fields",
    "cnpj_message",
    "as_int",
    "URL_RE",
]

JOB_LABELS = {
    "products": "Produtos",
    "stock": "Estoque",
    "prices": "Preços",
    "orders": "Pedidos",
    "status": "Status dos pedidos",
}
GROUP_LABELS = {
    "canal": "Canal",
    "autenticacao": "Autenticação",
    "configuracoes": "Configurações do canal",
    "tarefas": "Intervalo e lote por tarefa",
}
CATEGORY_LABELS = {"plataforma": "Plataforma", "marketplace": "Marketplace", "integrador": "Integrador"}
ENVIRONMENT_LABELS = {"sandbox": "Sandbox (homologação)", "production": "Produção"}
SECRET_PLACEHOLDER = MASK + " guardado (em branco = manter)"

URL_RE = re.compile(r"^https?://[^\s/]+")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of the form.

    Attributes:
        key: dotted key, e.g. ``company``, ``credentials.app_token``,
            ``settings.account``, ``jobs.stock.batch_size``.
        label: pt-BR label.
        kind: ``text``, ``secret`` (password widget), ``int`` or ``choice``.
        group: one of :data:`GROUP_LABELS`.
        required: must be filled (credentials: only when nothing is stored).
        default: the value a new channel starts with.
        choices: ``(value, label)`` pairs for ``choice`` fields.
        minimum / maximum: bounds of ``int`` fields (the type's limits).
        limit: the limit as shown beside the field, in pt-BR.
        help: extra pt-BR explanation.
    """

    key: str
    label: str
    kind: str = "text"
    group: str = "canal"
    required: bool = False
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    limit: str = ""
    help: str = ""

    @property
    def css_key(self) -> str:
        """The key as used in CSS classes (``canais-field-<css_key>``)."""
        return self.key.replace(".", "-")


def build_fields(t: ChannelType) -> list[FieldSpec]:
    """Every field of the form for channel type ``t``, in display order."""
    return [*_channel_fields(t), *_credential_fields(t), *_setting_fields(t), *_job_fields(t)]


def _channel_fields(t: ChannelType) -> list[FieldSpec]:
    return [
        FieldSpec(
            "name",
            "Nome do canal",
            required=True,
            limit="letras minúsculas, números, - e _",
            help="Identifica o canal no kit e nos relatórios (ex.: vtex-loja1).",
        ),
        FieldSpec(
            "category",
            "Categoria",
            kind="choice",
            default=t.category,
            choices=tuple((c, CATEGORY_LABELS[c]) for c in CATEGORIES),
            required=True,
        ),
        FieldSpec("company", "Empresa (CNPJ)", required=True, limit="14 caracteres"),
        FieldSpec(
            "environment",
            "Ambiente",
            kind="choice",
            default="sandbox",
            choices=tuple((e, ENVIRONMENT_LABELS[e]) for e in ENVIRONMENTS),
            required=True,
        ),
        FieldSpec(
            "base_url",
            "URL da API",
            limit="opcional: em branco usa o endereço padrão do canal",
            help="Use para apontar para um sandbox local (ex.: http://127.0.0.1:8080).",
        ),
    ]


def _credential_fields(t: ChannelType) -> list[FieldSpec]:
    return [
        FieldSpec(
            f"credentials.{c.key}",
            c.label,
            kind="secret",
            group="autenticacao",
            required=c.required,
            limit="obrigatório" if c.required else "opcional",
            help=c.help,
        )
        for c in t.credentials
    ]


def _setting_fields(t: ChannelType) -> list[FieldSpec]:
    return [
        FieldSpec(
            f"settings.{s.key}",
            s.label,
            kind="choice" if s.choices else "text",
            group="configuracoes",
            required=s.required,
            default=None if s.default is None else str(s.default),
            choices=tuple((c, c) for c in s.choices),
            limit="obrigatório" if s.required else "",
            help=s.help,
        )
        for s in t.settings
    ]


def _job_fields(t: ChannelType) -> list[FieldSpec]:
    out = []
    for job in JOBS:
        interval, batch = DEFAULT_JOBS[job]
        floor = t.interval_floor(job)
        limit = t.batch_limit(job)
        per_request = t.per_request(job)
        batch_note = f"máx. {limit} itens por lote ({t.label})"
        if per_request > 1:
            batch_note += f"; {per_request} por chamada"
        out.append(
            FieldSpec(
                f"jobs.{job}.interval_min",
                f"{JOB_LABELS[job]}: intervalo (min)",
                kind="int",
                group="tarefas",
                required=True,
                default=interval,
                minimum=floor,
                maximum=MAX_INTERVAL_MIN,
                limit=f"de {floor} a {MAX_INTERVAL_MIN} min",
            )
        )
        out.append(
            FieldSpec(
                f"jobs.{job}.batch_size",
                f"{JOB_LABELS[job]}: lote (itens)",
                kind="int",
                group="tarefas",
                required=True,
                default=min(batch, limit),
                minimum=1,
                maximum=limit,
                limit=batch_note,
            )
        )
    return out


def cnpj_message(value: str) -> str | None:
    """The pt-BR message for a CNPJ that does not validate, or ``None``."""
    from stdnum.br import cnpj
    from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

    try:
        cnpj.validate(value)
    except InvalidLength:
        return "O CNPJ deve ter 14 caracteres (ex.: 11.222.333/0001-81)."
    except InvalidChecksum:
        return "CNPJ inválido: os dígitos verificadores não conferem."
    except InvalidFormat:
        return "CNPJ inválido: use números (ou letras maiúsculas no CNPJ alfanumérico) e pontuação."
    except ValidationError:
        return "CNPJ inválido."
    return None


def as_int(value: Any) -> int | None:
    """``value`` as an int when it is one (or its text is), else ``None`` (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return None
