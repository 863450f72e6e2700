"""Channel configuration: what one sales channel of one company looks like.

A channel is stored in the workspace (``channels.json``) with everything but
its secrets, which stay in the secrets store under :attr:`Channel.credentials_ref`.
Every change goes through :func:`validate`, which refuses values beyond the
limits the channel type declares (:mod:`kit.channeltypes`).
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from kit.channeltypes import (
    CATEGORIES,
    ENVIRONMENTS,
    JOBS,
    MAX_INTERVAL_MIN,
    ChannelType,
    RateLimit,
    get_type,
)
from kit.errors import ConfigurationError, LimitError, StoreError
from kit.secrets import credentials_ref

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["Channel", "JobConfig", "ChannelRegistry", "validate", "validate_cnpj", "parse_assignments"]

# \Z, not $: "$" also matches before a final newline, and a name ending in one breaks crontab lines.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}\Z")

# Defaults per job: minutes between runs and items per batch.
DEFAULT_JOBS = {
    "products": (60, 100),
    "stock": (15, 100),
    "prices": (30, 100),
    "orders": (5, 50),
    "status": (15, 50),
}


@dataclass(slots=True)
class JobConfig:
    """How often a job runs and how many items go per batch."""

    interval_min: int
    batch_size: int
    enabled: bool = True


@dataclass(slots=True)
class Channel:
    """One sales channel of one company, in one environment."""

    name: str
    type: str
    category: str
    company: str
    environment: str
    base_url: str | None = None
    credentials_ref: str = ""
    jobs: dict[str, JobConfig] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    enabled: bool = False
    rate_limit_per_second: float | None = None  # optional override, never above the type's
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def channel_type(self) -> ChannelType:
        return get_type(self.type)

    def rate_limit(self) -> RateLimit:
        """The write rate in force: the type's limit, lowered by any override."""
        t = self.channel_type
        base = t.rate_limit
        if t.rate_from_setting:
            key, factor = t.rate_from_setting
            value = self.settings.get(key) or next(s.default for s in t.settings if s.key == key)
            base = RateLimit(int(value) * factor, base.burst, f"{base.source}; {key}={value}", base.confidence)
        if self.rate_limit_per_second:
            return RateLimit(
                min(base.per_second, self.rate_limit_per_second), base.burst, "configuração do canal", "configured"
            )
        return base

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Channel:
        """A channel read back from the workspace, checked again: the file may have been edited by hand.

        Raises:
            StoreError: a row of the wrong shape, or a name that is not a valid channel name
                (names become paths: reports, locks, outbox).
        """
        try:
            data = dict(data)
            jobs = {k: JobConfig(**v) for k, v in (data.pop("jobs", None) or {}).items()}
            known = {f for f in cls.__dataclass_fields__}
            ch = cls(jobs=jobs, **{k: v for k, v in data.items() if k in known})
        except (TypeError, ValueError, AttributeError) as exc:
            raise StoreError(
                f"uma linha de channels.json não tem a forma de um canal ({exc})",
                file="channels.json",
                hint="corrija o arquivo na área de trabalho (há uma cópia anterior em channels.json.bak)",
            ) from None
        if not isinstance(ch.name, str) or not NAME_RE.fullmatch(ch.name):
            raise StoreError(
                f"channels.json tem um canal com nome inválido: {ch.name!r}",
                file="channels.json",
                hint="o arquivo foi alterado fora do kit; corrija o nome (letras minúsculas, dígitos, '-' e '_') "
                "ou restaure channels.json.bak",
            )
        return ch


def validate_cnpj(value: str) -> str:
    """Return the CNPJ in compact form, or raise :class:`ConfigurationError`.

    Alphanumeric CNPJs (from July 2026) are accepted: python-stdnum validates
    both forms.
    """
    from stdnum.br import cnpj
    from stdnum.exceptions import ValidationError

    try:
        return cnpj.validate(value)
    except ValidationError as exc:
        raise ConfigurationError(
            f"o CNPJ da empresa {value!r} não é válido: {_CNPJ_PT.get(type(exc).__name__, 'número inválido')}",
            hint="informe o CNPJ de 14 caracteres, com ou sem pontuação, ex.: 11.222.333/0001-81",
        ) from None


#: python-stdnum's validation errors, as a person reads them.
_CNPJ_PT = {
    "InvalidChecksum": "os dígitos verificadores não conferem",
    "InvalidLength": "o tamanho não é de 14 caracteres",
    "InvalidFormat": "o formato não é de CNPJ",
    "InvalidComponent": "uma parte do número não é válida",
}


def _as_int(key: str, value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigurationError(f"{key} precisa ser um número inteiro, veio {value!r}") from None


def validate(ch: Channel) -> Channel:
    """Check a channel against its type's declarations; return it normalised."""
    if not isinstance(ch.name, str) or not NAME_RE.fullmatch(ch.name):
        raise ConfigurationError(
            f"o nome de canal {ch.name!r} não é válido",
            hint="use letras minúsculas, dígitos, '-' e '_' (até 63), começando por letra ou dígito",
        )
    t = get_type(ch.type)
    if ch.category not in CATEGORIES:
        raise ConfigurationError(f"a categoria {ch.category!r} não é válida", hint="uma de: " + ", ".join(CATEGORIES))
    if ch.environment not in ENVIRONMENTS:
        raise ConfigurationError(
            f"o ambiente {ch.environment!r} não é válido", hint="um de: " + ", ".join(ENVIRONMENTS)
        )
    ch.company = validate_cnpj(ch.company)
    if ch.base_url is not None and ch.base_url != "" and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", ch.base_url):
        raise ConfigurationError(
            f"o endereço da API {ch.base_url!r} não é uma URL http(s)",
            channel=ch.name,
            hint="ex.: https://api.canal.com",
        )
    if not ch.credentials_ref:
        ch.credentials_ref = credentials_ref(ch.company, ch.environment, ch.name)
    for job in JOBS:
        default_interval, default_batch = DEFAULT_JOBS[job]
        ch.jobs.setdefault(job, JobConfig(default_interval, min(default_batch, t.batch_limit(job))))
    for job, cfg in ch.jobs.items():
        if job not in JOBS:
            raise ConfigurationError(f"job desconhecido {job!r}", channel=ch.name, hint="um de: " + ", ".join(JOBS))
        floor = t.interval_floor(job)
        if not floor <= cfg.interval_min <= MAX_INTERVAL_MIN:
            raise LimitError(
                f"o intervalo de {job}, {cfg.interval_min} min, está fora de {floor}..{MAX_INTERVAL_MIN} min",
                channel=ch.name,
                hint=f"{t.label} permite rodar {job} no máximo a cada {floor} min",
            )
        limit = t.batch_limit(job)
        if not 1 <= cfg.batch_size <= limit:
            raise LimitError(
                f"o lote de {job}, {cfg.batch_size}, passa do limite de {t.label}: {limit} itens por lote"
                if cfg.batch_size > limit
                else f"o lote de {job} precisa ser de ao menos 1 item",
                channel=ch.name,
                hint=f"defina jobs.{job}.batch_size com no máximo {limit}",
            )
    known_settings = {s.key: s for s in t.settings}
    for key, value in list(ch.settings.items()):
        if key not in known_settings:
            raise ConfigurationError(
                f"{t.label} não tem a configuração {key!r}",
                channel=ch.name,
                hint="configurações conhecidas: " + (", ".join(known_settings) or "nenhuma"),
            )
        spec = known_settings[key]
        if spec.choices and str(value) not in spec.choices:
            raise LimitError(
                f"a configuração {key}={value!r} não é uma das opções: {', '.join(spec.choices)}", channel=ch.name
            )
        ch.settings[key] = str(value)
    for spec in t.settings:
        if spec.key not in ch.settings and spec.default is not None:
            ch.settings[spec.key] = str(spec.default)
    if ch.rate_limit_per_second is not None:
        base = t.rate_limit.per_second
        if ch.rate_limit_per_second <= 0 or ch.rate_limit_per_second > base and not t.rate_from_setting:
            raise LimitError(
                f"o limite de {ch.rate_limit_per_second}/s passa do limite de {t.label}: {base:g} requisições/s",
                channel=ch.name,
                hint=f"fonte: {t.rate_limit.source}",
            )
    return ch


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """Parse ``key=value`` words from the command line."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ConfigurationError(f"esperava CHAVE=VALOR, veio {pair!r}", hint="ex.: jobs.stock.batch_size=200")
        key, value = pair.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def apply_assignments(ch: Channel, pairs: dict[str, str]) -> Channel:
    """Apply dotted assignments such as ``jobs.stock.batch_size=200``."""
    for key, value in pairs.items():
        parts = key.split(".")
        if parts[0] == "jobs" and len(parts) == 3:
            job, attr = parts[1], parts[2]
            if job not in JOBS:
                raise ConfigurationError(f"job desconhecido {job!r}", hint="um de: " + ", ".join(JOBS))
            cfg = ch.jobs.setdefault(job, JobConfig(*DEFAULT_JOBS[job]))
            if attr in ("interval", "interval_min"):
                cfg.interval_min = _as_int(key, value)
            elif attr in ("batch", "batch_size"):
                cfg.batch_size = _as_int(key, value)
            elif attr == "enabled":
                cfg.enabled = value.lower() in ("1", "true", "yes", "sim")
            else:
                raise ConfigurationError(
                    f"campo de job desconhecido {attr!r}", hint="um destes: 'interval_min', 'batch_size', 'enabled'"
                )
        elif parts[0] == "settings" and len(parts) == 2:
            ch.settings[parts[1]] = value
        elif key in ("base_url", "environment", "category", "company"):
            setattr(ch, key, value or None if key == "base_url" else value)
        elif key == "rate_limit":
            try:
                ch.rate_limit_per_second = float(value) if value else None
            except ValueError:
                raise ConfigurationError(f"rate_limit precisa ser um número, veio {value!r}") from None
        elif key in ("enabled", "name", "type", "credentials_ref"):
            raise ConfigurationError(
                f"{key} não pode ser alterado assim",
                hint="para ligar use 'kit channels enable'; para renomear ou trocar o tipo, remova e adicione de novo",
            )
        else:
            # A bare key that is a type setting is accepted as a shortcut.
            if key in {s.key for s in get_type(ch.type).settings}:
                ch.settings[key] = value
            else:
                raise ConfigurationError(
                    f"chave desconhecida {key!r}",
                    hint="use jobs.JOB.interval_min, jobs.JOB.batch_size, settings.CHAVE, 'base_url', "
                    "'environment' ou 'rate_limit'",
                )
    return ch


class ChannelRegistry:
    """CRUD over the workspace's channels (every call is one locked transaction)."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def add(self, ch: Channel) -> Channel:
        validate(ch)
        now = time.time()
        ch.created_at = ch.updated_at = now
        from tinydb import Query

        with self.ws.table("channels") as table:
            if table.contains(Query().name == ch.name):
                raise ConfigurationError(f"o canal {ch.name!r} já existe", hint="use 'kit channels set' para alterá-lo")
            table.insert(ch.to_dict())
        return ch

    def get(self, name: str) -> Channel:
        from tinydb import Query

        with self.ws.table("channels") as table:
            row = table.get(Query().name == name)
        if row is None:
            raise ConfigurationError(f"não há canal chamado {name!r}", hint="veja 'kit channels list'")
        return Channel.from_dict(dict(row))

    def list(self) -> list[Channel]:
        with self.ws.table("channels") as table:
            rows = table.all()
        return sorted((Channel.from_dict(dict(r)) for r in rows), key=lambda c: c.name)

    def update(self, name: str, changes: dict[str, str] | None = None, **fields: Any) -> Channel:
        """Apply ``changes`` (dotted assignments) and ``fields`` atomically."""
        from tinydb import Query

        with self.ws.table("channels") as table:
            row = table.get(Query().name == name)
            if row is None:
                raise ConfigurationError(f"não há canal chamado {name!r}", hint="veja 'kit channels list'")
            ch = Channel.from_dict(dict(row))
            if changes:
                apply_assignments(ch, changes)
            for key, value in fields.items():
                setattr(ch, key, value)
            validate(ch)
            ch.updated_at = time.time()
            table.update(ch.to_dict(), Query().name == name)
        return ch

    def remove(self, name: str) -> None:
        from tinydb import Query

        with self.ws.table("channels") as table:
            if not table.remove(Query().name == name):
                raise ConfigurationError(f"não há canal chamado {name!r}", hint="veja 'kit channels list'")
