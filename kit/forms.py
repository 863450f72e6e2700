"""The "Configuração de integração" form, as a model testable without a kernel.

The form is built from a channel type's declarations in
:mod:`kit.channeltypes`: its credential fields, its settings, and one
interval and one batch size per job with the type's limits. Nothing here is
written per channel.

What goes where
    The channel (name, company, settings, jobs...) is written through
    :class:`kit.channels.ChannelRegistry`; credentials go ONLY to
    :class:`kit.secrets.SecretsStore`. Secret values are never handed back:
    :meth:`ChannelForm.initial_values` leaves every credential empty and
    :meth:`ChannelForm.placeholder` says "guardado" instead. An empty
    credential on an edit keeps the stored value.

Messages for users are in Brazilian Portuguese; they pass through
:func:`kit.scrub.scrub` before they are shown.

The fields come from :mod:`kit.forms_fields`, the channel list from
:mod:`kit.forms_list`; the widget layer over this model is :mod:`kit.forms_widgets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kit.channels import NAME_RE, Channel, ChannelRegistry, JobConfig
from kit.channels import validate as validate_channel
from kit.channeltypes import CHANNEL_TYPES, JOBS, get_type
from kit.errors import ConfigurationError, GateError, KitError
from kit.forms_fields import (
    CATEGORY_LABELS,
    ENVIRONMENT_LABELS,
    GROUP_LABELS,
    JOB_LABELS,
    SECRET_PLACEHOLDER,
    URL_RE,
    FieldSpec,
    as_int,
    build_fields,
    cnpj_message,
)
from kit.forms_list import LIST_COLUMNS, channel_rows
from kit.forms_messages import connection_explanation, explain_error, gate_refusal
from kit.scrub import scrub
from kit.secrets import SecretsStore, credentials_ref

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = [
    "JOB_LABELS",
    "GROUP_LABELS",
    "CATEGORY_LABELS",
    "ENVIRONMENT_LABELS",
    "SECRET_PLACEHOLDER",
    "FieldSpec",
    "SaveResult",
    "ActionResult",
    "ChannelForm",
    "channel_rows",
    "LIST_COLUMNS",
]


@dataclass(slots=True)
class SaveResult:
    """What :meth:`ChannelForm.save` did."""

    ok: bool
    message: str
    errors: dict[str, str] = field(default_factory=dict)
    channel: Channel | None = None
    detail: str = ""  # technical text (English allowed, scrubbed): shown collapsed under the message


def _not_saved(exc: KitError) -> SaveResult:
    """A refused save, explained in pt-BR (the error's own text as the technical detail)."""
    why = explain_error(exc)
    text = f"Não salvo: {why.text()}"
    return SaveResult(False, text, {"_form": text}, detail=why.detail)


@dataclass(slots=True)
class ActionResult:
    """Outcome of Testar conexão / Ligar / Desligar, ready to show."""

    ok: bool
    message: str
    missing_permissions: list[str] = field(default_factory=list)
    report_path: str | None = None
    detail: str = ""  # technical text (English allowed, scrubbed): shown collapsed under the message


class ChannelForm:
    """The form model for one channel type: create a channel or edit one.

    Args:
        type_name: a key of :data:`kit.channeltypes.CHANNEL_TYPES`. For an
            edit it may be ``None`` (taken from the channel).
        ws: a :class:`kit.store.Workspace` (default: ``$KIT_WORKSPACE``).
        secrets: a :class:`kit.secrets.SecretsStore` (default: ``$KIT_SECRETS``).
        existing: name of (or the) channel being edited; ``None`` to create.
    """

    def __init__(
        self,
        type_name: str | None,
        ws: Workspace | None = None,
        secrets: SecretsStore | None = None,
        existing: str | Channel | None = None,
    ) -> None:
        if ws is None:
            from kit.store import Workspace

            ws = Workspace()
        self.ws = ws
        self.secrets = secrets if secrets is not None else SecretsStore()
        self.registry = ChannelRegistry(ws)
        self.channel: Channel | None = None
        if existing is not None:
            self.channel = self.registry.get(existing) if isinstance(existing, str) else existing
            if type_name and type_name != self.channel.type:
                raise ConfigurationError(
                    f"o canal {self.channel.name!r} é do tipo {self.channel.type!r}, não {type_name!r}",
                    channel=self.channel.name,
                )
            type_name = self.channel.type
        if not type_name:
            raise ConfigurationError("falta o tipo do canal", hint="um de: " + ", ".join(sorted(CHANNEL_TYPES)))
        self.type = get_type(type_name)
        self.fields = self._build_fields()
        self._by_key = {f.key: f for f in self.fields}

    # -- fields ---------------------------------------------------------------
    @property
    def is_new(self) -> bool:
        return self.channel is None

    def field(self, key: str) -> FieldSpec:
        return self._by_key[key]

    def fields_in(self, group: str) -> list[FieldSpec]:
        return [f for f in self.fields if f.group == group]

    def _build_fields(self) -> list[FieldSpec]:
        return build_fields(self.type)

    # -- values ---------------------------------------------------------------
    def stored_credentials(self) -> set[str]:
        """Keys of the credentials already stored for the channel (values never leave)."""
        if self.channel is None:
            return set()
        return {k for k, v in self.secrets.get_all(self.channel.credentials_ref).items() if v}

    def placeholder(self, key: str) -> str:
        """What an empty secret field shows: "guardado" when a value is stored."""
        spec = self._by_key[key]
        if spec.kind != "secret":
            return ""
        cred = key.split(".", 1)[1]
        return SECRET_PLACEHOLDER if cred in self.stored_credentials() else ""

    def initial_values(self) -> dict[str, Any]:
        """Values to fill the form with. Credentials are always empty."""
        values: dict[str, Any] = {}
        ch = self.channel
        for f in self.fields:
            if f.kind == "secret":
                values[f.key] = ""
            elif ch is None:
                values[f.key] = "" if f.default is None else f.default
            elif f.key in ("name", "category", "company", "environment"):
                values[f.key] = getattr(ch, f.key)
            elif f.key == "base_url":
                values[f.key] = ch.base_url or ""
            elif f.key.startswith("settings."):
                values[f.key] = ch.settings.get(f.key.split(".", 1)[1], "" if f.default is None else f.default)
            elif f.key.startswith("jobs."):
                _, job, attr = f.key.split(".")
                cfg = ch.jobs.get(job)
                values[f.key] = getattr(cfg, attr) if cfg else f.default
        return values

    # -- validation -------------------------------------------------------------
    def validate_field(self, key: str, value: Any, values: dict[str, Any] | None = None) -> str | None:
        """The pt-BR message for one field's value, or ``None`` when it is fine."""
        f = self._by_key[key]
        text = "" if value is None else str(value).strip()
        if f.kind == "secret":
            cred = key.split(".", 1)[1]
            if f.required and not text and cred not in self.stored_credentials():
                return f"Informe {f.label}: é obrigatório para {self.type.label}."
            return None
        if f.required and not text:
            return f"Informe {f.label.split(':')[0] if f.group == 'tarefas' else f.label}."
        if not text:
            return None
        if key == "name":
            if not self.is_new and text != self.channel.name:  # type: ignore[union-attr]
                return "O nome de um canal existente não muda; crie outro canal para renomear."
            if not NAME_RE.match(text):
                return "Use letras minúsculas, números, '-' e '_' (até 63), começando por letra ou número."
            if self.is_new and any(c.name == text for c in self.registry.list()):
                return f"Já existe um canal chamado {text!r}."
            return None
        if key == "company":
            return cnpj_message(text)
        if key == "base_url":
            return None if URL_RE.match(text) else "Informe um endereço http:// ou https:// (ou deixe em branco)."
        if f.kind == "choice":
            allowed = [c for c, _ in f.choices]
            return None if text in allowed else f"Escolha um destes valores: {', '.join(allowed)}."
        if f.kind == "int":
            number = as_int(value)
            if number is None:
                return "Informe um número inteiro."
            if f.key.endswith(".batch_size"):
                if number < 1:
                    return "O lote deve ter pelo menos 1 item."
                if f.maximum is not None and number > f.maximum:
                    return f"O lote passa do limite de {self.type.label}: no máximo {f.maximum} itens por lote."
            else:
                if f.minimum is not None and number < f.minimum:
                    return f"O intervalo mínimo para {self.type.label} é {f.minimum} min."
                if f.maximum is not None and number > f.maximum:
                    return f"O intervalo máximo é {f.maximum} min (uma semana)."
        return None

    def validate(self, values: dict[str, Any]) -> dict[str, str]:
        """Check every field; returns ``{field key: pt-BR message}`` (empty when all is fine)."""
        errors: dict[str, str] = {}
        for f in self.fields:
            value = values.get(f.key, "" if f.kind in ("secret", "text") else f.default)
            message = self.validate_field(f.key, value, values)
            if message:
                errors[f.key] = message
        return errors

    # -- saving -------------------------------------------------------------------
    def _channel_from(self, values: dict[str, Any]) -> Channel:
        def text(key: str) -> str:
            return str(values.get(key) or "").strip()

        settings = {}
        for f in self.fields_in("configuracoes"):
            value = text(f.key)
            if value:
                settings[f.key.split(".", 1)[1]] = value
        jobs = {}
        for job in JOBS:
            old = self.channel.jobs.get(job) if self.channel else None
            jobs[job] = JobConfig(
                interval_min=int(as_int(values.get(f"jobs.{job}.interval_min")) or 0),
                batch_size=int(as_int(values.get(f"jobs.{job}.batch_size")) or 0),
                enabled=old.enabled if old else True,
            )
        base = self.channel
        return Channel(
            name=base.name if base else text("name"),
            type=self.type.name,
            category=text("category") or self.type.category,
            company=text("company"),
            environment=text("environment"),
            base_url=text("base_url") or None,
            credentials_ref=base.credentials_ref if base else "",
            jobs=jobs,
            settings=settings,
            enabled=base.enabled if base else False,
            rate_limit_per_second=base.rate_limit_per_second if base else None,
            created_at=base.created_at if base else 0.0,
        )

    def save(self, values: dict[str, Any]) -> SaveResult:
        """Validate and save: the channel to the workspace, credentials to the secrets store.

        Returns a :class:`SaveResult`; nothing is written when a field is wrong.
        Empty credentials keep what is stored. The secret values passed in are
        not kept by the form.
        """
        errors = self.validate(values)
        if errors:
            n = len(errors)
            return SaveResult(False, f"Não salvo: {n} campo{'s' if n > 1 else ''} com problema.", errors)
        ch = self._channel_from(values)
        try:
            validate_channel(ch)  # the same rules as the CLI, as a last guard
        except KitError as exc:
            return _not_saved(exc)
        was_new = self.channel is None
        if self.channel is not None and (ch.company, ch.environment) != (
            self.channel.company,
            self.channel.environment,
        ):
            # Credentials are keyed by company/environment: move them with the channel.
            ch.credentials_ref = credentials_ref(ch.company, ch.environment, ch.name)
        creds = {
            f.key.split(".", 1)[1]: str(values.get(f.key)).strip()
            for f in self.fields_in("autenticacao")
            if str(values.get(f.key) or "").strip()
        }
        try:
            if self.channel is None:
                saved = self.registry.add(ch)
            else:
                old_ref = self.channel.credentials_ref
                changes = {k: getattr(ch, k) for k in ("category", "company", "environment", "base_url", "jobs")}
                changes.update(settings=ch.settings, credentials_ref=ch.credentials_ref)
                saved = self.registry.update(ch.name, **changes)
                if old_ref != saved.credentials_ref:
                    kept = self.secrets.get_all(old_ref)
                    if kept:
                        self.secrets.update(saved.credentials_ref, {**kept, **creds})
                        self.secrets.delete(old_ref)
            if creds:
                self.secrets.update(saved.credentials_ref, creds)
        except KitError as exc:
            return _not_saved(exc)
        self.channel = saved
        verb = "criado" if was_new else "atualizado"
        stored = len(creds)
        note = ""
        if stored:
            note = f"; {stored} credencia{'is' if stored != 1 else 'l'} guardada{'s' if stored != 1 else ''} no cofre"
        return SaveResult(True, f"Canal {saved.name} {verb} ({self.type.label}, {saved.environment}){note}.", {}, saved)

    # -- actions ------------------------------------------------------------------
    def _need_saved(self) -> ActionResult | None:
        if self.channel is None:
            return ActionResult(False, "Salve o canal antes de usar este botão.")
        return None

    def test_connection(self) -> ActionResult:
        """Run the connector's ``test_connection()`` and phrase the answer in pt-BR.

        The connector's own (English) message goes to :attr:`ActionResult.detail`.
        """
        from kit.connectors import connector_for
        from kit.connectors.base import resolve_base_url

        refused = self._need_saved()
        if refused:
            return refused
        ch = self.registry.get(self.channel.name)  # type: ignore[union-attr]
        ctx = {"channel": ch.name, "type_name": ch.type}
        try:
            address = resolve_base_url(ch)
            report = connector_for(ch, secrets=self.secrets, workspace=self.ws).test_connection()
        except Exception as exc:  # noqa: BLE001 - a connector bug must not leave the page blank
            why = explain_error(exc, address=ch.base_url, **ctx)
            return ActionResult(False, f"Falha na conexão com {self.type.label}. {why.text()}", detail=why.detail)
        why = connection_explanation(self.type.label, report, address=address, **ctx)
        missing = [scrub(p) for p in (getattr(report, "missing_permissions", None) or [])]
        return ActionResult(bool(report.ok) and not missing, why.text(), missing, detail=why.detail)

    def _golive_report(self) -> str | None:
        from kit.golive import latest_result

        try:
            result = latest_result(self.ws, self.channel.name)  # type: ignore[union-attr]
        except KitError:
            return None
        result = result or {}
        return result.get("html_path") or result.get("report_path")

    def enable(self, *, force: bool = False, reason: str | None = None) -> ActionResult:
        """Switch the integration on through the go-live gate; a refusal says why in pt-BR."""
        from kit.golive import gate

        refused = self._need_saved()
        if refused:
            return refused
        name = self.channel.name  # type: ignore[union-attr]
        try:
            gate.enable(self.ws, name, force=force, reason=reason)
        except KitError as exc:
            why = gate_refusal(self.ws, self.registry.get(name)) if isinstance(exc, GateError) else explain_error(exc)
            return ActionResult(
                False, f"Não ligado: {why.text()}", report_path=self._golive_report(), detail=scrub(str(exc))
            )
        self.channel = self.registry.get(name)
        return ActionResult(True, f"Integração {name} ligada.", report_path=self._golive_report())

    def disable(self) -> ActionResult:
        """Switch the integration off (always allowed)."""
        refused = self._need_saved()
        if refused:
            return refused
        from kit.golive import gate

        name = self.channel.name  # type: ignore[union-attr]
        try:
            gate.disable(self.ws, name)
        except KitError as exc:
            why = explain_error(exc)
            return ActionResult(False, f"Não desligado: {why.text()}", detail=why.detail)
        self.channel = self.registry.get(name)
        return ActionResult(True, f"Integração {name} desligada.")
