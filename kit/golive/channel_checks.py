"""The go-live checks of the channel's set-up: de-para, credentials and environment, another ERP on the channel.

Registered in this order: ``depara``, ``credentials``, ``other_erp``.
"""

from __future__ import annotations

import re

import pandas as pd

from kit.golive.context import GoliveContext
from kit.golive.findings import AVISO, BLOQUEIO, INFO, concat_findings, empty_findings, make_findings
from kit.golive.registry import register_check

__all__ = ["OTHER_ERP_ITEM", "LOCAL_HOSTS"]

OTHER_ERP_ITEM = "other_erp"
LOCAL_HOSTS = re.compile(r"^https?://(127\.\d+\.\d+\.\d+|localhost|\[::1\]|0\.0\.0\.0)(:\d+)?(/|$)", re.I)


@register_check("depara")
def check_depara(ctx: GoliveContext) -> pd.DataFrame:
    """Every de-para kind the channel type needs has every channel value mapped."""
    kinds = ctx.channel_type.depara_kinds
    if not kinds:
        return empty_findings()
    if not ctx.mappings_channel:
        return make_findings(
            "depara", AVISO, field="depara", value=", ".join(kinds), expected="tabelas de de-para revisadas",
            message="Modo offline sem canal: as tabelas de de-para (" + ", ".join(kinds) + ") não foram verificadas",
        )  # fmt: skip
    from kit.golive.depara_bridge import depara_findings

    return depara_findings(ctx, kinds)


# --------------------------------------------------------------------------- credentials
@register_check("credentials")
def check_credentials(ctx: GoliveContext) -> pd.DataFrame:
    """``test_connection()`` for the channel, and the right environment for this go-live."""
    ch = ctx.channel
    if ch is None:
        return make_findings(
            "credentials", INFO, field="credentials", expected="canal configurado",
            message="Modo offline (sem canal configurado): credenciais e ambiente não verificados",
        )  # fmt: skip
    frames = []
    if ch.environment != ctx.environment:
        frames.append(
            make_findings(
                "credentials", BLOQUEIO, field="environment", value=ch.environment, expected=ctx.environment,
                message=f"O canal {ch.name} está configurado para o ambiente '{ch.environment}', mas o go-live é "
                f"de '{ctx.environment}'",
            )
        )  # fmt: skip
    if ctx.environment == "production" and ch.base_url and LOCAL_HOSTS.match(ch.base_url):
        frames.append(
            make_findings(
                "credentials", BLOQUEIO, field="base_url", value=ch.base_url, expected="host de produção do canal",
                message=f"O canal {ch.name} aponta para um endereço local ({ch.base_url}) num go-live de produção",
            )
        )  # fmt: skip
    report = ctx.get_connector().test_connection()
    if not getattr(report, "ok", False):
        frames.append(
            make_findings(
                "credentials", BLOQUEIO, field="credentials", value="falhou", expected="conexão aceita",
                message=f"Teste de conexão com {ch.name} ({ch.environment}) falhou: {getattr(report, 'message', '')}",
            )
        )  # fmt: skip
    missing = list(getattr(report, "missing_permissions", None) or [])
    if not getattr(report, "ok", False):  # "credentials"/"access" only restate the failed connection
        missing = [m for m in missing if m not in ("credentials", "access")]
    if missing:
        frames.append(
            make_findings(
                "credentials", BLOQUEIO, field="permissions", value=", ".join(missing), expected="todas as permissões",
                message=f"Faltam permissões nas credenciais de {ch.name}: " + ", ".join(missing),
            )
        )  # fmt: skip
    if getattr(report, "ok", False) and not missing:
        frames.append(
            make_findings(
                "credentials", INFO, field="credentials", value="ok", expected="conexão aceita",
                message=f"Conexão com {ch.name} ({ch.environment}) testada com sucesso",
            )
        )  # fmt: skip
    return concat_findings(frames)


# --------------------------------------------------------------------------- other ERP
@register_check("other_erp")
def check_other_erp(ctx: GoliveContext) -> pd.DataFrame:
    """Another ERP or integrator on the channel: evidence from the API, else a checklist item.

    Connector hook (optional): ``connector.integration_evidence()`` returns
    ``None`` when the channel cannot tell, or an iterable of dicts (or a
    DataFrame) with ``message`` and optionally ``severity`` (default
    ``bloqueio``), ``sku``, ``field``, ``value``, ``expected``: e.g. a VTEX
    orders hook configured for another app key, Mercado Livre application
    grants of another app, listings last changed by another application. An
    empty result means the channel was asked and showed no other integration.
    Unless the connector declares ``integration_evidence_conclusive`` (it sees
    every integration of the account), the consultant must also confirm
    checklist item ``other_erp`` (recorded with who and when); unconfirmed it is
    a blocker.
    """
    evidence = None
    conclusive = False
    if ctx.channel is not None:
        try:
            conn = ctx.get_connector()
        except Exception:  # noqa: BLE001 - the credentials check reports connector problems
            conn = None
        hook = getattr(conn, "integration_evidence", None)
        if callable(hook):
            evidence = hook()
        # Evidence is conclusive only where the channel can see every integration;
        # otherwise what it shows is added and the checklist item still applies.
        conclusive = bool(getattr(conn, "integration_evidence_conclusive", False))
    frames = []
    if evidence is not None:
        rows = evidence if isinstance(evidence, pd.DataFrame) else pd.DataFrame(list(evidence))
        for rec in rows.to_dict("records"):
            frames.append(
                make_findings(
                    "other_erp", rec.get("severity", BLOQUEIO), sku=rec.get("sku", ""),
                    field=rec.get("field", "integration"), value=rec.get("value", ""),
                    expected=rec.get("expected", "nenhuma outra integração ativa"), message=rec.get("message", ""),
                )
            )  # fmt: skip
        if frames and not conclusive:
            return concat_findings([*frames, _other_erp_checklist(ctx)])
        if frames:
            return concat_findings(frames)
        if conclusive:
            return make_findings(
                "other_erp", INFO, field="integration", value="nenhuma", expected="nenhuma outra integração ativa",
                message="O canal não mostra nenhuma outra integração ativa (evidência do conector)",
            )  # fmt: skip
    return _other_erp_checklist(ctx)


def _other_erp_checklist(ctx: GoliveContext) -> pd.DataFrame:
    """The consultant's explicit answer to checklist item ``other_erp``."""
    answer = ctx.confirmed(OTHER_ERP_ITEM)
    if answer:
        return make_findings(
            "other_erp", INFO, field=f"checklist.{OTHER_ERP_ITEM}", value="confirmado",
            expected="confirmação do consultor",
            message=f"Confirmado por {answer.get('by', '?')} em {answer.get('at', '?')}: nenhum outro ERP ou "
            "integrador atualiza este canal",
        )  # fmt: skip
    sev = AVISO if ctx.offline else BLOQUEIO
    return make_findings(
        "other_erp", sev, field=f"checklist.{OTHER_ERP_ITEM}", value="não confirmado",
        expected="confirmação do consultor",
        message="Confirme que nenhum outro ERP ou integrador atualiza estoque/preço/pedidos deste canal "
        "(kit check golive ... --confirm other_erp --by \"Nome\")",
    )  # fmt: skip
