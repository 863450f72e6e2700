"""The "O que corrigir" list at the top of the go-live report: findings grouped, each group with its fix.

Nineteen order statuses without de-para are one item listing the nineteen, with
the command that fixes them; the same for SKUs missing in the store, invalid
EANs, price drops over the guard... A group is the findings of one check on one
field and severity (blockers first, then warnings; ``info`` is not something to
fix). Its title and fix come from :data:`FIX_RULES`, a table in the spirit of
``kit.connectors.responses`` (first matching row wins; a check registered
elsewhere falls back to its own messages).
"""

from __future__ import annotations

import fnmatch
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.golive.findings import AVISO, BLOQUEIO

__all__ = ["FixRule", "FixItem", "FIX_RULES", "fix_list", "MAX_VALUES_SHOWN"]

#: values listed in one item; the rest are counted, and every finding is in golive_achados.csv
MAX_VALUES_SHOWN = 60
#: a group this small shows each finding's own full message instead of a list of values
MAX_MESSAGES_SHOWN = 5

_SIDES = {"erp": "no ERP", "store": "na loja"}
_DEPARA_KINDS = {
    "carrier_service": "transportadoras/serviços de entrega", "payment_method": "formas de pagamento",
    "order_status": "status de pedido", "order_status_out": "status de pedido (ERP → canal)",
    "category": "categorias", "attribute": "atributos", "warehouse": "depósitos", "price_table": "tabelas de preço",
}  # fmt: skip


@dataclass(slots=True)
class FixRule:
    """One row of the fix table: which findings (check, field pattern), what they are called, how to fix them.

    ``title`` and ``fix`` are formatted with ``n`` (the count), ``side`` ("no ERP" / "na loja"),
    ``kind`` (a de-para kind's name), ``channel`` and ``check_args`` (how to run the check again).
    ``values`` says what to list: ``sku``, ``value`` or ``message``.
    """

    check: str
    field: str
    title: str
    fix: str
    values: str = "sku"


FIX_RULES: tuple[FixRule, ...] = (
    FixRule("sku_coverage", "erp.sku", "{n} SKU(s) do ERP sem anúncio na loja",
            "Os que a sincronização de produtos pode criar são criados por `kit sync products --channel {channel}`; "
            "os outros dizem na mensagem o que falta (de-para de categoria, campo obrigatório) ou que o mesmo "
            "produto está na loja com outro SKU (corrija o SKU de um dos lados). Para tirar um SKU do canal: "
            "`kit assortment set --channel {channel} --exclude --sku SKU`."),
    FixRule("sku_coverage", "store.sku", "{n} anúncio(s) da loja com SKU que o ERP não tem",
            "Corrija o SKU no anúncio ou cadastre-o no ERP; um anúncio que não deve ser integrado pode ser "
            "desativado no painel do canal."),
    FixRule("duplicates", "*.sku", "{n} SKU(s) repetido(s) {side}",
            "Deixe um único cadastro/anúncio por SKU {side} (remova ou corrija os repetidos)."),
    FixRule("duplicates", "*.ean", "{n} EAN(s) usado(s) por mais de um SKU {side}",
            "Corrija o EAN dos SKUs {side}: cada EAN pertence a um único produto."),
    FixRule("duplicates", "store.channel_id", "{n} anúncio(s) com o mesmo código no canal",
            "Remova os anúncios duplicados no painel do canal.", "value"),
    FixRule("validity", "*.ean", "{n} EAN(s) inválido(s) ou ausente(s) {side}",
            "Corrija o EAN no cadastro {side}: 8, 12, 13 ou 14 dígitos, com o dígito verificador certo."),
    FixRule("validity", "*.ncm", "{n} NCM inválido(s) {side}", "Corrija o NCM no cadastro {side}: 8 dígitos."),
    FixRule("validity", "*.price", "{n} preço(s) inválido(s) {side}", "Corrija o preço no cadastro {side}."),
    FixRule("validity", "*.stock", "{n} estoque(s) inválido(s) {side}", "Corrija o estoque no cadastro {side}."),
    FixRule("validity", "company.cnpj", "CNPJ da empresa inválido",
            "Corrija o CNPJ do canal (tela canais ou `kit channels set {channel} company=CNPJ`).", "message"),
    FixRule("required_fields", "*.title", "{n} título(s) acima do limite do canal {side}",
            "Encurte os títulos no ERP (o limite está na mensagem); a sincronização de produtos os envia."),
    FixRule("required_fields", "erp.category", "{n} SKU(s) sem categoria aceita pelo canal",
            "Mapeie as categorias: `kit depara build {channel} category ...` ou o notebook `depara.ipynb`."),
    FixRule("required_fields", "*", "{n} campo(s) obrigatório(s) vazio(s) ou inválido(s) {side} ({field})",
            "Preencha o campo no cadastro do ERP; a sincronização de produtos leva o valor ao canal."),
    FixRule("divergences", "price", "{n} preço(s) diferente(s) entre loja e ERP",
            "Ao ligar, o preço do ERP substitui o da loja: confira se o ERP está certo. A tolerância é "
            "`--price-tolerance PCT`."),
    FixRule("divergences", "stock", "{n} estoque(s) diferente(s) entre loja e ERP",
            "Ao ligar, o estoque do ERP substitui o da loja: confira se o ERP está certo."),
    FixRule("depara", "depara.*", "{n} valor(es) de {kind} sem de-para",
            "Complete o de-para: `kit depara build {channel} {kind_id} --erp ARQUIVO` (ou o notebook `depara.ipynb`) "
            "e confira com `kit depara validate {channel}`.", "value"),
    FixRule("depara", "depara", "Tabelas de de-para ainda não revisadas", "Revise-as no notebook `depara.ipynb`.",
            "message"),
    FixRule("credentials", "*", "Credenciais ou ambiente do canal",
            "Na tela canais: confira a URL da API e as chaves e clique em Testar conexão "
            "(ou `kit secrets set {channel} CHAVE`).", "message"),
    FixRule("other_erp", "*", "Outro ERP ou integrador no canal",
            "Confirme que nenhum outro sistema atualiza o canal: `{check_args} --confirm other_erp --by \"Nome\"`.",
            "message"),
    FixRule("capacity", "*", "Capacidade dos jobs ({n})",
            "Aumente o intervalo ou o lote do job (a mensagem diz o mínimo que cabe): "
            "`kit channels set {channel} jobs.JOB.interval_min=N`.", "message"),
    FixRule("first_sync", "price", "{n} queda(s) de preço acima da trava, de até {max_drop} %",
            "Se estão certas, confirme todas de uma vez com uma regra: `{check_args} --confirm-price-drops "
            "{max_drop_int}` (só uma categoria: `--drops-category \"CATEGORIA\"`); uma a uma: "
            "`--confirm price_drop:SKU`. Se não estão, corrija o preço no ERP."),
    FixRule("variation_price", "*", "{n} variação(ões) com preço diferente do produto",
            "Corrija os preços das variações no ERP (a mensagem diz qual).", "message"),
)  # fmt: skip


@dataclass(slots=True)
class FixItem:
    """One line of "O que corrigir": a group of findings, what they are, the values, and the fix."""

    severity: str
    check: str
    title: str
    fix: str
    count: int
    values: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    distinct: int = 0  # how many different values the group has (a SKU repeated twice is one value)

    @property
    def hidden(self) -> int:
        """Values not listed here (they are in ``golive_achados.csv``)."""
        return max(0, self.distinct - len(self.values)) if self.values else 0


def _rule(check: str, field_name: str) -> FixRule | None:
    return next((r for r in FIX_RULES if r.check == check and fnmatch.fnmatchcase(field_name, r.field)), None)


def _context(run: Any, group: pd.DataFrame, field_name: str) -> dict[str, Any]:
    side, _, rest = field_name.partition(".")
    kind_id = rest if side == "depara" else ""
    channel = run.parameters.get("channel") or "CANAL"
    args = f"kit check golive --channel {channel} --erp ARQUIVO" if run.parameters.get("channel") else (
        f"kit check golive --type {run.parameters.get('channel_type')} --erp ARQUIVO --store ARQUIVO")  # fmt: skip
    top = _largest_drop(run, group) if check_of(group) == "first_sync" else 0.0
    from kit.fmt import number_pt

    return {
        "n": len(group), "side": _SIDES.get(side, ""), "field": rest or field_name, "kind_id": kind_id,
        "kind": _DEPARA_KINDS.get(kind_id, kind_id), "channel": channel, "check_args": args,
        "max_drop": number_pt(top, 1), "max_drop_int": math.ceil(top) if top else 0,
    }  # fmt: skip


def check_of(group: pd.DataFrame) -> str:
    return str(group["check"].iloc[0]) if len(group) else ""


def _largest_drop(run: Any, group: pd.DataFrame) -> float:
    """The largest first-sync price drop (%) among the group's SKUs."""
    from kit.golive.checks import first_sync_preview

    drops = first_sync_preview(run.ctx)["price_drops"]
    mine = drops[drops["sku"].isin(set(group["sku"]))]["drop_pct"]
    return float(mine.max()) if len(mine) else 0.0


def _values(group: pd.DataFrame, what: str) -> tuple[list[str], int]:
    """The first :data:`MAX_VALUES_SHOWN` distinct values (SKUs, channel values) and how many there are."""
    column = {"sku": "sku", "value": "value", "message": "message"}[what]
    values = group[column].astype("string").fillna("")
    if what == "sku" and not values.str.len().any():
        values = group["value"].astype("string").fillna("")
    distinct = list(dict.fromkeys(v for v in values if v))
    return distinct[:MAX_VALUES_SHOWN], len(distinct)


def _item(run: Any, severity: str, check: str, field_name: str, group: pd.DataFrame) -> FixItem:
    rule = _rule(check, field_name)
    messages = list(group["message"].head(MAX_MESSAGES_SHOWN)) if len(group) <= MAX_MESSAGES_SHOWN else []
    if rule is None:
        from kit.golive.report import check_label

        title = f"{check_label(check)}: {len(group)} achado(s) em {field_name}"
        values, distinct = _values(group, "sku")
        return FixItem(severity, check, title, "Veja a mensagem de cada achado.", len(group), values,
                       messages or list(group["message"].head(1)), distinct)  # fmt: skip
    ctx = _context(run, group, field_name)
    values, distinct = ([], 0) if rule.values == "message" else _values(group, rule.values)
    if rule.values == "message":
        messages = list(dict.fromkeys(group["message"]))[:MAX_VALUES_SHOWN]
    return FixItem(severity, check, rule.title.format(**ctx), rule.fix.format(**ctx), len(group), values, messages,
                   distinct)  # fmt: skip


def fix_list(run: Any) -> list[FixItem]:
    """Blockers then warnings, grouped by check, field and severity, in the findings' order (worst first)."""
    findings = run.findings
    todo = findings[findings["severity"].isin([BLOQUEIO, AVISO])]
    items: list[FixItem] = []
    for severity in (BLOQUEIO, AVISO):
        part = todo[todo["severity"] == severity]
        for (check, field_name), group in part.groupby(["check", "field"], sort=False):
            items.append(_item(run, severity, str(check), str(field_name), group))
    return items
