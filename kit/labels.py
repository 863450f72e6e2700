"""What a person reads for the kit's identifiers: go-live checks, severities, jobs, run situations, counts.

Machines keep the identifiers (``--json`` keys, ``summary.json``, CSV columns);
screens, reports and the CLI's human output show these labels. A check
registered without a label here shows its own name: ``tests/test_ptbr_scan.py``
fails when a built-in check has none.
"""

from __future__ import annotations

__all__ = ["CHECK_LABELS", "SEVERITY_LABELS", "JOB_LABELS", "STATUS_LABELS", "COUNT_LABELS", "check_label"]

#: Go-live checks (``kit.golive.register_check`` names).
CHECK_LABELS = {
    "sku_coverage": "Cobertura de SKUs",
    "duplicates": "Duplicidades",
    "validity": "Validade (EAN, NCM, CNPJ, preço, estoque)",
    "required_fields": "Campos obrigatórios do canal",
    "divergences": "Divergências ERP × loja",
    "variation_price": "Preço das variações",
    "depara": "De-para",
    "credentials": "Credenciais e ambiente",
    "other_erp": "Outro ERP no canal",
    "capacity": "Capacidade dos jobs",
    "first_sync": "Primeira sincronização",
}
SEVERITY_LABELS = {"bloqueio": "Bloqueio", "aviso": "Aviso", "info": "Info"}
JOB_LABELS = {"stock": "estoque", "prices": "preços", "products": "produtos", "orders": "pedidos", "status": "situação"}
STATUS_LABELS = {
    "ok": "OK",
    "failed": "falhou",
    "locked": "não rodou (outra em andamento)",
    "not_due": "não estava mais devido",
}
COUNT_LABELS = {
    "applied": "aplicados",
    "failed": "com falha",
    "skipped": "sem mudança/ignorados",
    "quarantined": "em quarentena",
    "held": "retidos",
}


def check_label(name: str) -> str:
    """The pt-BR label of a go-live check (its own name when it has none)."""
    return CHECK_LABELS.get(name, name)
