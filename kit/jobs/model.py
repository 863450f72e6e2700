"""What a job run returns: :class:`JobSummary` (counts, per-item details).

Counts:
    applied      items the channel accepted (or orders written to the outbox)
    failed       items the channel refused, or that could not be sent
    skipped      items not sent on purpose (unchanged, unknown SKU, dry run, max_items)
    quarantined  orders held back because a value has no de-para mapping
    held         prices held by the price guard for review
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["JobSummary", "ItemDetail", "COUNT_KEYS", "STATUS_LABELS", "ITEM_STATUS_LABELS", "JOB_LABELS"]

COUNT_KEYS = ("applied", "failed", "skipped", "quarantined", "held")

# pt-BR labels for reports: counts (plural), one item's status, the jobs.
STATUS_LABELS = _LABELS_PT = {
    "applied": "aplicados",
    "failed": "com falha",
    "skipped": "ignorados",
    "quarantined": "em quarentena",
    "held": "retidos para revisão",
}
ITEM_STATUS_LABELS = {
    "applied": "aplicado",
    "failed": "com falha",
    "skipped": "ignorado",
    "quarantined": "em quarentena",
    "held": "retido para revisão",
}
JOB_LABELS = _JOBS_PT = {
    "stock": "estoque",
    "prices": "preços",
    "products": "produtos",
    "orders": "pedidos",
    "status": "status/NF-e/rastreio",
}


@dataclass(slots=True)
class ItemDetail:
    """One item (SKU, order, status event) that was not simply applied."""

    key: str
    status: str  # applied / failed / skipped / quarantined / held
    reason: str = ""


@dataclass(slots=True)
class JobSummary:
    """The outcome of one job run, JSON-serialisable through :meth:`to_dict`."""

    job: str
    channel: str
    dry_run: bool = False
    full: bool = False
    status: str = "ok"  # ok / failed
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    applied: int = 0
    failed: int = 0
    skipped: int = 0
    quarantined: int = 0
    held: int = 0
    requests: int = 0  # write batches sent to the channel
    error: str | None = None
    error_info: dict[str, Any] | None = None  # the KitError's class and fields (KitError.to_dict()), for the report
    exit_code: int = 0
    details: list[ItemDetail] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # pt-BR lines for the report
    extra: dict[str, Any] = field(default_factory=dict)

    # -- building -------------------------------------------------------------
    def add(self, status: str, key: str, reason: str = "", *, keep: bool = True) -> None:
        """Count one item under ``status``; keep a detail row unless it was applied."""
        if status not in COUNT_KEYS:
            raise ValueError(f"unknown item status {status!r}")
        setattr(self, status, getattr(self, status) + 1)
        if keep and status != "applied":
            self.details.append(ItemDetail(str(key), status, reason))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def finish(self, error: BaseException | None = None) -> JobSummary:
        """Close the run: set ``finished_at``, ``status`` and ``exit_code``."""
        from kit.scrub import scrub

        self.finished_at = time.time()
        if error is not None:
            self.error = scrub(str(error))
            to_dict = getattr(error, "to_dict", None)
            self.error_info = to_dict() if callable(to_dict) else {"error": type(error).__name__, "message": self.error}
            self.exit_code = int(getattr(error, "exit_code", 1) or 1)
        elif self.failed:
            self.exit_code = 1
        self.status = "failed" if self.exit_code else "ok"
        return self

    # -- reading --------------------------------------------------------------
    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def duration_s(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.time()
        return round(end - self.started_at, 3)

    @property
    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in COUNT_KEYS}

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["duration_s"] = self.duration_s
        data["counts"] = self.counts
        return data

    def save(self, path: str | Path) -> Path:
        """Write the summary as JSON (atomically)."""
        from kit.store import atomic_write_bytes

        path = Path(path)
        atomic_write_bytes(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str).encode())
        return path

    def details_frame(self):
        """The details as a DataFrame (columns key, status, reason)."""
        import pandas as pd

        return pd.DataFrame([asdict(d) for d in self.details], columns=["key", "status", "reason"])

    def render_pt(self) -> str:
        """A short pt-BR text summary for notebooks and logs."""
        job = _JOBS_PT.get(self.job, self.job)
        head = f"Sincronização de {job} — canal {self.channel}"
        if self.dry_run:
            head += " (simulação: nada foi enviado)"
        lines = [head, f"Situação: {'OK' if self.ok else 'FALHOU'} em {self.duration_s:.1f} s"]
        lines.append(", ".join(f"{getattr(self, k)} {_LABELS_PT[k]}" for k in COUNT_KEYS))
        if self.error:
            lines.append(f"Erro: {self.error}")
        lines.extend(self.notes)
        return "\n".join(lines)
