"""Which ERP SKUs without a listing the products job could create, and why not.

The go-live's view of publishing (``docs/publishing.md``): an assortment SKU with
no listing is "a criar" when the channel's API can create it and nothing it
needs is missing; otherwise the reason says what blocks it: the channel does
not allow creation, the category has no de-para, a required field or (with a
live connector) a required attribute of the channel's category is missing, or
the store lists the SKU under another spelling (held by the job, never created twice).
The same :func:`kit.publish_items.product_item` and
:func:`kit.connectors.publishing.check_item` the job uses decide it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kit.golive.context import GoliveContext

__all__ = ["creation_plan", "CREATION_COLUMNS"]

CREATION_COLUMNS = ["sku", "can_create", "reason"]


class _Offline:
    """The bits of a connector :func:`check_item` reads, from the class alone (offline mode)."""

    def __init__(self, cls: Any, channel_name: str, label: str) -> None:
        self.publish_required = cls.publish_required
        self.publish_title_max = cls.publish_title_max
        self.label = label
        self.channel = type("C", (), {"name": channel_name})()


def _connector(ctx: GoliveContext) -> tuple[Any, Any]:
    """``(connector-like for check_item, live connector or None)``."""
    from kit.connectors import connector_class

    cls = connector_class(ctx.channel_type.name)
    live = None
    if ctx.channel is not None:
        try:
            live = ctx.get_connector()
        except Exception:  # noqa: BLE001 - the credentials check reports connector problems
            live = None
    return (live if live is not None else _Offline(cls, ctx.label, ctx.channel_type.label)), (cls, live)


def _records(erp: pd.DataFrame, skus: list[str]) -> list[dict[str, Any]]:
    """``erp.loc[sku].to_dict()`` for each of ``skus``, in one ``.loc`` for all of them.

    One ``.loc`` per SKU took about 0.1 ms: 2-4 s of a go-live on 1,000,000 SKUs with 25,000 to
    create. ``to_dict("records")`` gives the values the row's ``to_dict`` gives (native Python
    scalars; NaN, and None for a missing whole number or yes/no). Repeated column names: row by row.
    """
    if not erp.columns.is_unique:
        return [erp.loc[sku].to_dict() for sku in skus]
    return erp.loc[list(skus)].to_dict("records")


def _records_at(erp: pd.DataFrame, positions: np.ndarray) -> list[dict[str, Any]]:
    """:func:`_records` for rows known by position: the same dicts, without indexing a million SKUs by name."""
    if not erp.columns.is_unique:
        return [erp.iloc[int(p)].to_dict() for p in positions]
    return erp.iloc[positions].to_dict("records")


def _same_code(ctx: GoliveContext, skus: list[str]) -> dict[str, tuple[Any, ...]]:
    """The store listings each of ``skus`` has under another spelling (what the products job holds on)."""
    from kit.connectors.publishing import same_code_listings

    if not skus:
        return {}
    store, erp_sku = ctx.store, pd.Series(ctx.erp["sku"].to_numpy(dtype=object))
    store_sku = pd.Series(store["sku"].to_numpy(dtype=object)).fillna("").astype("str")
    free = np.nonzero(((store_sku != "") & ~store_sku.isin(erp_sku)).to_numpy())[0]  # no ERP SKU names them
    ids = store["channel_id"].to_numpy(dtype=object) if "channel_id" in store.columns else np.full(len(store), "")
    listed: dict[str, dict[str, Any]] = {}
    for i in free:
        cid = ids[i]
        listed.setdefault(store_sku.iat[i], {"channel_id": "" if cid is None or cid != cid else str(cid)})
    return same_code_listings(listed, set(), skus)


def creation_plan(ctx: GoliveContext, skus: list[str], positions: np.ndarray | None = None) -> pd.DataFrame:
    """For ERP ``skus`` without a listing: ``sku, can_create, reason`` (cached per context).

    ``positions``: where each SKU first appears in ``ctx.erp`` (the checks know it from
    :func:`kit.golive.keys.keys`); without it the rows are looked up by SKU.
    """
    key = ("creation", tuple(skus))
    if key in ctx.cache:
        return ctx.cache[key]
    from kit.connectors.publishing import check_item, same_code_fix
    from kit.publish_items import Translators, load_translators, product_item

    conn, (cls, live) = _connector(ctx)
    rows = []
    if not cls.publish_create:
        why = cls.publish_unsupported or f"{ctx.channel_type.label} não permite criar anúncios pela API (pelo kit)"
        rows = [{"sku": s, "can_create": False, "reason": why} for s in skus]
    else:
        translators = load_translators(ctx.mappings_channel) if ctx.mappings_channel else Translators()
        if positions is not None:
            records = _records_at(ctx.erp, positions)
        else:
            records = _records(ctx.erp.drop_duplicates("sku").set_index("sku", drop=False), skus)
        cache: dict[str, Any] = {}
        lookalikes = _same_code(ctx, skus)
        for sku, record in zip(skus, records, strict=True):
            item = product_item(record, translators)
            if sku in lookalikes:  # the job holds it: the channel lists it under another spelling
                item.same_code_listings = lookalikes[sku]
                rows.append({"sku": sku, "can_create": False, "reason": same_code_fix(conn, item)})
                continue
            requirements = None
            if live is not None and item.channel_category:
                if item.channel_category not in cache:
                    try:
                        cache[item.channel_category] = live.category_requirements(item.channel_category)
                    except Exception as exc:  # noqa: BLE001 - reported as the reason
                        cache[item.channel_category] = str(getattr(exc, "message", exc))
                requirements = cache[item.channel_category]
            if isinstance(requirements, str):
                rows.append({"sku": sku, "can_create": False, "reason": requirements})
                continue
            fix = check_item(conn, item, requirements)
            rows.append({"sku": sku, "can_create": not fix, "reason": fix})
    frame = pd.DataFrame(rows, columns=CREATION_COLUMNS)
    ctx.cache[key] = frame
    return frame
