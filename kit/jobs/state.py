"""The jobs' own tables in the workspace state store (``states.sqlite``).

``sku_binding``       ERP SKU <-> channel id <-> variation (from ``list_listings()``); the listings
                      with unlimited stock are kept beside it (``sku_state`` kind ``binding_unlimited``)
``price_hold``        prices held by the price guard, waiting for review
``order_ledger``      every (order id, version) written to the outbox, and where
``order_quarantine``  orders held back by unmapped values, with the reason
``order_failed``      orders the kit cannot take as the channel sent them (no number, no lines, no price):
                      re-read by id every run until they pass or a person dismisses them
``status_ledger``     every invoice / tracking / status event sent to the channel

Per-SKU last-sent snapshots use the generic ``sku_state`` table of
:class:`kit.store.StateStore` (kinds ``stock`` and ``price``).

The same SQL runs on both storage backends (``ws.states`` is SQLite on one
machine, PostgreSQL with ``KIT_DATABASE_URL``): ``?`` placeholders, ``INSERT ...
ON CONFLICT``, reads through ``states.query``.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.connectors.model import UNLIMITED_STOCK

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = ["JobState", "BINDING_COLUMNS", "reset_channel_state", "counts_from_state"]

BINDING_COLUMNS = ("sku", "channel_id", "variation_id", "ean", "title", "price", "stock", "status")
#: ``sku_state`` kind of the bound listings whose stock is unlimited (``sku -> [channel ids]``); a binding row
#: carries it as ``unlimited_stock`` (kept beside ``sku_binding``, whose columns stay as they are)
UNLIMITED_KIND = "binding_unlimited"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sku_binding (
  channel TEXT NOT NULL, sku TEXT NOT NULL, channel_id TEXT NOT NULL, variation_id TEXT NOT NULL DEFAULT '',
  ean TEXT, title TEXT, price REAL, stock REAL, status TEXT, refreshed_at REAL NOT NULL,
  PRIMARY KEY (channel, sku, channel_id, variation_id));
CREATE TABLE IF NOT EXISTS price_hold (
  channel TEXT NOT NULL, sku TEXT NOT NULL, reference_price REAL, new_price REAL NOT NULL,
  drop_pct REAL, held_at REAL NOT NULL, decision TEXT NOT NULL DEFAULT 'pending', decided_at REAL,
  PRIMARY KEY (channel, sku));
CREATE TABLE IF NOT EXISTS order_ledger (
  channel TEXT NOT NULL, order_id TEXT NOT NULL, version TEXT NOT NULL,
  batch_file TEXT NOT NULL, written_at REAL NOT NULL,
  PRIMARY KEY (channel, order_id, version));
CREATE TABLE IF NOT EXISTS order_quarantine (
  channel TEXT NOT NULL, order_id TEXT NOT NULL, version TEXT NOT NULL, reason TEXT NOT NULL,
  payload TEXT NOT NULL, first_seen REAL NOT NULL, last_tried REAL NOT NULL, attempts INTEGER NOT NULL,
  resolved_at REAL,
  PRIMARY KEY (channel, order_id, version));
CREATE TABLE IF NOT EXISTS order_failed (
  channel TEXT NOT NULL, ref TEXT NOT NULL, order_id TEXT NOT NULL, version TEXT NOT NULL, reason TEXT NOT NULL,
  payload TEXT NOT NULL, first_seen REAL NOT NULL, last_tried REAL NOT NULL, attempts INTEGER NOT NULL,
  resolved_at REAL, outcome TEXT, dismissed_by TEXT, note TEXT,
  PRIMARY KEY (channel, ref));
CREATE TABLE IF NOT EXISTS status_ledger (
  channel TEXT NOT NULL, order_id TEXT NOT NULL, event TEXT NOT NULL, value TEXT NOT NULL, sent_at REAL NOT NULL,
  PRIMARY KEY (channel, order_id, event, value));
"""


class JobState:
    """Typed access to the jobs' tables for one channel."""

    def __init__(self, ws: Workspace, channel: str) -> None:
        self.ws = ws
        self.channel = channel
        self.states = ws.states
        self.states.ensure_schema("jobs", _SCHEMA)

    # -- SKU bindings ---------------------------------------------------------
    def bindings(self) -> dict[str, list[dict[str, Any]]]:
        """``sku -> [binding rows]`` (one SKU may back several listings)."""
        cur = self.states.query(
            "SELECT sku, channel_id, variation_id, ean, title, price, stock, status FROM sku_binding "
            "WHERE channel=? ORDER BY sku, channel_id, variation_id",
            (self.channel,),
        )
        unlimited = {sku: set(ids or ()) for sku, ids in self.states.get_all(self.channel, UNLIMITED_KIND).items()}
        out: dict[str, list[dict[str, Any]]] = {}
        for row in cur:
            rec = dict(zip(BINDING_COLUMNS, row, strict=True))
            rec["variation_id"] = rec["variation_id"] or None
            rec[UNLIMITED_STOCK] = rec["channel_id"] in unlimited.get(rec["sku"], ())
            out.setdefault(rec["sku"], []).append(rec)
        return out

    def replace_bindings(self, rows: Iterable[dict[str, Any]]) -> int:
        """Replace the channel's bindings with ``rows`` (a fresh ``list_listings()``)."""
        now = time.time()
        data = []
        unlimited: dict[str, list[str]] = {}
        for r in rows:
            sku = _text(r.get("sku"))
            channel_id = _text(r.get("channel_id"))
            if not sku or not channel_id:
                continue
            if r.get(UNLIMITED_STOCK) is True or r.get(UNLIMITED_STOCK) == 1:
                unlimited.setdefault(sku, []).append(channel_id)
            data.append(
                (
                    self.channel,
                    sku,
                    channel_id,
                    _text(r.get("variation_id")),
                    _text(r.get("ean")) or None,
                    _text(r.get("title")) or None,
                    _num(r.get("price")),
                    _num(r.get("stock")),
                    _text(r.get("status")) or None,
                    now,
                )
            )
        with self.states.transaction() as db:
            db.execute("DELETE FROM sku_binding WHERE channel=?", (self.channel,))
            db.executemany(
                "INSERT INTO sku_binding VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (channel, sku, channel_id, "
                "variation_id) DO UPDATE SET ean=excluded.ean, title=excluded.title, price=excluded.price, "
                "stock=excluded.stock, status=excluded.status, refreshed_at=excluded.refreshed_at",
                data,
            )
            # Listings with unlimited stock (VTEX hasUnlimitedQuantity): sku -> channel ids, beside the table
            self.states.replace_kind(self.channel, UNLIMITED_KIND, sorted(unlimited.items()))
        self.states.put_many(self.channel, "binding_meta", [("refreshed_at", now)])
        return len(data)

    def bindings_refreshed_at(self) -> float | None:
        return self.states.get(self.channel, "binding_meta", "refreshed_at")

    def export_bindings(self, path: str | Path) -> int:
        """Write the binding table as CSV (UTF-8, sorted); returns the row count."""
        import io

        from kit.store import atomic_write_bytes

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(BINDING_COLUMNS)
        n = 0
        for rows in self.bindings().values():
            for r in rows:
                writer.writerow(["" if r[c] is None else r[c] for c in BINDING_COLUMNS])
                n += 1
        atomic_write_bytes(Path(path), buf.getvalue().encode("utf-8"))
        return n

    # -- price holds ----------------------------------------------------------
    def hold_price(self, sku: str, reference: float | None, new: float, drop_pct: float) -> None:
        with self.states.transaction() as db:
            db.execute(
                "INSERT INTO price_hold(channel, sku, reference_price, new_price, drop_pct, held_at) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT(channel, sku) DO UPDATE SET reference_price=excluded.reference_price,"
                " new_price=excluded.new_price, drop_pct=excluded.drop_pct, held_at=excluded.held_at,"
                " decision=CASE WHEN price_hold.new_price=excluded.new_price THEN price_hold.decision ELSE 'pending' END",
                (self.channel, sku, reference, new, drop_pct, time.time()),
            )

    def approved_prices(self) -> dict[str, float]:
        """SKUs whose held price a person approved: ``sku -> approved price``."""
        cur = self.states.query(
            "SELECT sku, new_price FROM price_hold WHERE channel=? AND decision='approved'", (self.channel,)
        )
        return {sku: price for sku, price in cur}

    def decide_holds(self, skus: Iterable[str] | None, decision: str) -> int:
        """Approve or reject pending holds (all when ``skus`` is None)."""
        if decision not in ("approved", "rejected"):
            raise ValueError(decision)
        with self.states.transaction() as db:
            if skus is None:
                cur = db.execute(
                    "UPDATE price_hold SET decision=?, decided_at=? WHERE channel=? AND decision='pending'",
                    (decision, time.time(), self.channel),
                )
                return cur.rowcount
            n = 0
            for sku in skus:
                n += db.execute(
                    "UPDATE price_hold SET decision=?, decided_at=? WHERE channel=? AND sku=? AND decision='pending'",
                    (decision, time.time(), self.channel, str(sku)),
                ).rowcount
            return n

    def clear_hold(self, skus: Iterable[str]) -> None:
        with self.states.transaction() as db:
            db.executemany("DELETE FROM price_hold WHERE channel=? AND sku=?", [(self.channel, s) for s in skus])

    def holds(self) -> list[dict[str, Any]]:
        cur = self.states.query(
            "SELECT sku, reference_price, new_price, drop_pct, held_at, decision FROM price_hold WHERE channel=? "
            "ORDER BY sku",
            (self.channel,),
        )
        cols = ("sku", "reference_price", "new_price", "drop_pct", "held_at", "decision")
        return [dict(zip(cols, r, strict=True)) for r in cur]

    # -- order ledger ---------------------------------------------------------
    def ledger_keys(self) -> set[tuple[str, str]]:
        cur = self.states.query("SELECT order_id, version FROM order_ledger WHERE channel=?", (self.channel,))
        return {(a, b) for a, b in cur}

    def record_written(self, keys: Iterable[tuple[str, str]], batch_file: str) -> int:
        """Record orders as written in ``batch_file`` (idempotent)."""
        now = time.time()
        with self.states.transaction() as db:
            cur = db.executemany(
                "INSERT INTO order_ledger VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
                [(self.channel, oid, ver, batch_file, now) for oid, ver in keys],
            )
            return cur.rowcount

    def ledger_count(self) -> int:
        return int(self.states.query("SELECT COUNT(*) FROM order_ledger WHERE channel=?", (self.channel,))[0][0])

    # -- quarantine -----------------------------------------------------------
    def quarantine(self, order_id: str, version: str, reason: str, payload: dict[str, Any]) -> None:
        now = time.time()
        with self.states.transaction() as db:
            db.execute(
                "INSERT INTO order_quarantine VALUES (?,?,?,?,?,?,?,1,NULL) "
                "ON CONFLICT(channel, order_id, version) DO UPDATE SET reason=excluded.reason,"
                " payload=excluded.payload, last_tried=excluded.last_tried, attempts=order_quarantine.attempts+1",
                (self.channel, order_id, version, reason, json.dumps(payload, default=str), now, now),
            )

    def quarantined(self, *, pending_only: bool = True) -> list[dict[str, Any]]:
        cols = ("order_id", "version", "reason", "payload", "first_seen", "last_tried", "attempts", "resolved_at")
        return self._held("order_quarantine", cols, "first_seen, order_id", pending_only)

    def resolve_quarantine(self, keys: Iterable[tuple[str, str]]) -> None:
        now = time.time()
        with self.states.transaction() as db:
            db.executemany(
                "UPDATE order_quarantine SET resolved_at=? WHERE channel=? AND order_id=? AND version=?",
                [(now, self.channel, oid, ver) for oid, ver in keys],
            )

    # -- failed orders (not taken as sent: re-read by id until they pass or are dismissed) ----------
    def record_failed(self, ref: str, order_id: str, version: str, reason: str, payload: dict[str, Any]) -> None:
        """Keep (or update) a failed order; a new version reopens one a person dismissed, the same one does not."""
        now = time.time()
        with self.states.transaction() as db:
            db.execute(
                "INSERT INTO order_failed VALUES (?,?,?,?,?,?,?,?,1,NULL,NULL,NULL,NULL) "
                "ON CONFLICT(channel, ref) DO UPDATE SET reason=excluded.reason, payload=excluded.payload,"
                " last_tried=excluded.last_tried, attempts=order_failed.attempts+1,"
                " resolved_at=CASE WHEN order_failed.outcome='dismissed' AND order_failed.version=excluded.version"
                " THEN order_failed.resolved_at ELSE NULL END,"
                " outcome=CASE WHEN order_failed.outcome='dismissed' AND order_failed.version=excluded.version"
                " THEN order_failed.outcome ELSE NULL END, version=excluded.version",
                (self.channel, ref, order_id, version, reason, json.dumps(payload, default=str), now, now),
            )

    def failed_orders(self, *, pending_only: bool = True) -> list[dict[str, Any]]:
        """Failed orders, least recently tried first (``payload`` decoded)."""
        cols = ("ref", "order_id", "version", "reason", "payload", "first_seen", "last_tried", "attempts",
                "resolved_at", "outcome", "dismissed_by", "note")  # fmt: skip
        return self._held("order_failed", cols, "last_tried, ref", pending_only)

    def _held(self, table: str, cols: tuple[str, ...], order: str, pending_only: bool) -> list[dict[str, Any]]:
        """This channel's rows of a held-orders table (quarantined, failed), ``payload`` decoded."""
        sql = f"SELECT {', '.join(cols)} FROM {table} WHERE channel=?"  # noqa: S608 - fixed names
        if pending_only:
            sql += " AND resolved_at IS NULL"
        out = []
        for r in self.states.query(f"{sql} ORDER BY {order}", (self.channel,)):
            rec = dict(zip(cols, r, strict=True))
            rec["payload"] = json.loads(rec["payload"])
            out.append(rec)
        return out

    def touch_failed(self, ref: str, reason: str) -> None:
        """One more attempt at a failed order that could not be re-read (``reason`` says why)."""
        with self.states.transaction() as db:
            db.execute(
                "UPDATE order_failed SET reason=?, last_tried=?, attempts=attempts+1 WHERE channel=? AND ref=?",
                (reason, time.time(), self.channel, ref),
            )

    def resolve_failed(self, order_ids: Iterable[str]) -> None:
        """Failed orders now taken (written, held in quarantine or already in the ledger)."""
        now = time.time()
        with self.states.transaction() as db:
            db.executemany(
                "UPDATE order_failed SET resolved_at=?, outcome='passed' WHERE channel=? AND order_id=? "
                "AND resolved_at IS NULL",
                [(now, self.channel, oid) for oid in order_ids if oid],
            )

    def dismiss_failed(self, refs: Iterable[str], by: str, note: str) -> int:
        """A person gives up on failed orders (by number, or the ``ref`` of one without a number); returns how many."""
        now = time.time()
        with self.states.transaction() as db:
            return sum(
                db.execute(
                    "UPDATE order_failed SET resolved_at=?, outcome='dismissed', dismissed_by=?, note=? "
                    "WHERE channel=? AND (ref=? OR order_id=?) AND resolved_at IS NULL",
                    (now, by, note, self.channel, ref, ref),
                ).rowcount
                for ref in refs
            )

    def dismissed(self, ref: str, version: str) -> dict[str, Any] | None:
        """The dismissal of ``ref`` in this ``version``, if a person made one."""
        rows = self.states.query(
            "SELECT dismissed_by, note FROM order_failed WHERE channel=? AND ref=? AND version=? "
            "AND outcome='dismissed'",
            (self.channel, ref, version),
        )
        return {"by": rows[0][0], "note": rows[0][1]} if rows else None

    # -- status events --------------------------------------------------------
    def status_sent(self) -> set[tuple[str, str, str]]:
        cur = self.states.query("SELECT order_id, event, value FROM status_ledger WHERE channel=?", (self.channel,))
        return {(a, b, c) for a, b, c in cur}

    def record_status(self, order_id: str, event: str, value: str) -> None:
        with self.states.transaction() as db:
            db.execute(
                "INSERT INTO status_ledger VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
                (self.channel, order_id, event, value, time.time()),
            )


# (job) -> queries counting what a run of it left in the store between two instants
_RUN_TRACES: dict[str, dict[str, str]] = {
    "stock": {
        "applied": "SELECT COUNT(*) FROM sku_state WHERE channel=? AND kind='stock' AND updated_at BETWEEN ? AND ?"
    },
    "prices": {
        "applied": "SELECT COUNT(*) FROM sku_state WHERE channel=? AND kind='price' AND updated_at BETWEEN ? AND ?",
        "held": "SELECT COUNT(*) FROM price_hold WHERE channel=? AND held_at BETWEEN ? AND ?",
    },
    "orders": {
        "applied": "SELECT COUNT(*) FROM order_ledger WHERE channel=? AND written_at BETWEEN ? AND ?",
        "quarantined": "SELECT COUNT(*) FROM order_quarantine WHERE channel=? AND last_tried BETWEEN ? AND ?",
        "failed": "SELECT COUNT(*) FROM order_failed WHERE channel=? AND last_tried BETWEEN ? AND ? "
        "AND resolved_at IS NULL",
    },
    "status": {"applied": "SELECT COUNT(*) FROM status_ledger WHERE channel=? AND sent_at BETWEEN ? AND ?"},
}


def counts_from_state(ws: Workspace, channel: str, job: str, since: float, until: float) -> dict[str, int]:
    """The counts of a run that died before saying them: what the state store holds from it.

    Every item the channel applied was made durable right after its batch
    (snapshot, ledger), so what was written between the run's start and end
    is exactly what went out. Failures are not in the store (they count 0), except the orders kept failed.
    """
    JobState(ws, channel)  # tables exist
    counts = {"applied": 0, "failed": 0, "skipped": 0, "quarantined": 0, "held": 0}
    for key, sql in _RUN_TRACES.get(job, {}).items():
        counts[key] = int(ws.states.query(sql, (channel, since, until))[0][0])
    return counts


def reset_channel_state(ws: Workspace, channel: str) -> None:
    """Forget everything the jobs remember about ``channel`` (snapshots, bindings, ledgers, cursor).

    For a channel that now points at a different store (a new sandbox, a re-created
    account): the next runs start from scratch, as a first run would.
    """
    from tinydb import Query

    JobState(ws, channel)  # tables exist
    with ws.states.transaction() as db:
        db.execute("DELETE FROM sku_state WHERE channel=?", (channel,))
        for table in ("sku_binding", "price_hold", "order_ledger", "order_quarantine", "order_failed", "status_ledger"):
            db.execute(f"DELETE FROM {table} WHERE channel=?", (channel,))  # noqa: S608 - fixed names
    with ws.table("jobs") as table:
        table.remove((Query().channel == channel) & (Query().job == "orders"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        import math

        if isinstance(value, float) and math.isnan(value):
            return ""
    except TypeError:
        pass
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return "" if text.lower() in ("nan", "none", "<na>") else text


def _num(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if out != out else out
