"""De-para completeness for the go-live check, over :mod:`kit.depara`.

For every kind the channel type needs, the channel's mapping table
(``mappings/<channel>/<kind>.csv``) is validated with
:func:`kit.depara.validate` against the channel's current value lists (given
as files, or from ``connector.value_lists()``): an unmapped, pending or
conflicting value is a blocker; duplicates and stale rows are warnings. A
missing or empty table is a blocker.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.golive.findings import AVISO, BLOQUEIO, INFO, concat_findings, make_findings

__all__ = ["depara_findings", "PROBLEM_TEXT"]

# kit.depara.validate problem -> what the consultant reads.
PROBLEM_TEXT = {
    "unmapped": "valor do canal sem de-para para o ERP",
    "pending": "de-para sugerido mas ainda não confirmado por uma pessoa",
    "empty_target": "de-para confirmado sem valor do ERP",
    "unknown_target": "o valor de destino não existe na lista",
    "conflict": "o mesmo valor está mapeado para destinos diferentes",
    "many_to_one": "vários valores mapeados para o mesmo destino, o que este tipo não permite",
    "duplicate": "o mesmo mapeamento aparece duas vezes",
    "stale": "o valor não existe mais na lista do canal",
}


def depara_findings(ctx: Any, kinds: tuple[str, ...]) -> pd.DataFrame:
    """Findings for every de-para kind of the channel type."""
    # Explicit submodules: ``kit.depara.validate`` is both a module and a function.
    from kit.depara.table import load_table
    from kit.depara.validate import validate

    frames = []
    lists = _channel_value_lists(ctx)
    for kind in kinds:
        where = f"mappings/{ctx.mappings_channel}/{kind}.csv"
        try:
            table = load_table(ctx.mappings_channel, kind)
        except Exception as exc:  # noqa: BLE001 - an unreadable table is the finding
            frames.append(
                make_findings(
                    "depara", BLOQUEIO, field=f"depara.{kind}", value="tabela ilegível", expected=where,
                    message=f"A tabela de de-para '{kind}' de {ctx.mappings_channel} não pôde ser lida: {exc}",
                )
            )  # fmt: skip
            continue
        listed = lists.get(kind)
        if len(table) == 0 and ctx.value_lists is not None and kind not in ctx.value_lists:
            frames.append(
                make_findings(
                    "depara", AVISO, field=f"depara.{kind}", value="sem lista e sem tabela", expected=where,
                    message=f"Nenhuma lista de valores '{kind}' do canal foi dada e não há tabela de de-para: "
                    f"confirme que o canal não usa '{kind}'",
                )
            )  # fmt: skip
            continue
        if len(table) == 0:
            frames.append(
                make_findings(
                    "depara", BLOQUEIO, field=f"depara.{kind}", value="tabela ausente ou vazia", expected=where,
                    message=f"Não há de-para '{kind}' para {ctx.mappings_channel}: monte-o no notebook de de-para "
                    "antes do go-live",
                )
            )  # fmt: skip
            continue
        problems = validate(kind, table, channel_values=listed)
        if len(problems):
            sev = problems["severity"].map({"error": BLOQUEIO}).fillna(AVISO)
            text = problems["problem"].map(PROBLEM_TEXT).fillna(problems["problem"].astype("str"))
            row = problems["row"].astype("object").where(problems["row"].notna(), "")
            where_row = pd.Series(
                [f" ({where}, linha {int(r)})" if r != "" else f" ({where})" for r in row], index=problems.index
            )
            frames.append(
                make_findings(
                    "depara", sev, field=f"depara.{kind}", value=problems["channel_value"].fillna(""),
                    expected=problems["erp_value"].fillna("").replace("", "valor do ERP mapeado"),
                    message="De-para '" + kind + "': '" + problems["channel_value"].fillna("").astype("str") + "' — "
                    + text + where_row,
                )
            )  # fmt: skip
        if not (len(problems) and (problems["severity"] == "error").any()):
            source = "lista atual do canal" if listed is not None else "tabela (sem lista atual do canal)"
            frames.append(
                make_findings(
                    "depara", INFO, field=f"depara.{kind}", value=str(len(table)), expected="todos mapeados",
                    message=f"De-para '{kind}': {len(table)} valores mapeados e confirmados ({source})",
                )
            )  # fmt: skip
    return concat_findings(frames)


def _channel_value_lists(ctx: Any) -> dict[str, pd.DataFrame]:
    """Value lists the channel publishes (given on the context, else from the connector)."""
    if ctx.value_lists is not None:
        return ctx.value_lists
    if "value_lists" in ctx.cache:
        return ctx.cache["value_lists"]
    lists: dict[str, pd.DataFrame] = {}
    if ctx.channel is not None:
        try:
            fetch = getattr(ctx.get_connector(), "value_lists", None)
            if callable(fetch):
                lists = dict(fetch() or {})
        except Exception:  # noqa: BLE001 - without live lists the table alone is checked
            lists = {}
    ctx.cache["value_lists"] = lists
    return lists
