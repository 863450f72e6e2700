"""Binding by ERP SKU, for channels with no listing read (``Connector.bind_by_sku``: EZ Commerce).

Such a channel keys every listing by the ERP SKU (the seller SKU is its id),
so the jobs bind without ``list_listings()``:

* stock and prices (:func:`bind_skus`): a SKU to send is bound by the
  connector's ``sku_bindings()`` (the listing the products job recorded for it,
  else the SKU itself); the channel's answer decides whether it exists
  (a product it does not have fails with the channel's reason, never silently);
* products (:func:`recorded_rows`): only what the products job itself
  recorded is "already listed"; every other assortment SKU is a creation,
  which such a channel saves by the SKU (no duplicate by construction).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.connectors.base import Connector

__all__ = ["binds_by_sku", "recorded_rows", "bind_skus"]


def binds_by_sku(connector: Connector) -> bool:
    """Does ``connector`` declare that its listings are bound by ERP SKU (no listing read)?"""
    return bool(getattr(connector, "bind_by_sku", False))


def recorded_rows(ctx: Any) -> list[dict[str, Any]]:
    """Binding rows of the listings the products job recorded (created or updated) on this channel."""
    from kit.jobs.products import STATE_LISTING

    recorded = {sku: ref for sku, ref in ctx.ws.states.get_all(ctx.name, STATE_LISTING).items() if ref}
    return ctx.connector.sku_bindings(sorted(recorded), recorded)


def bind_skus(ctx: Any, skus: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The binding table with every SKU of ``skus`` bound by ERP SKU (no ``list_listings()``)."""
    from kit.jobs.products import STATE_LISTING

    state = ctx.state
    bindings = state.bindings()
    unknown = [s for s in skus if s not in bindings]
    if unknown:
        recorded = {sku: ref for sku, ref in ctx.ws.states.get_all(ctx.name, STATE_LISTING).items() if ref}
        rows = [row for rows in bindings.values() for row in rows] + ctx.connector.sku_bindings(unknown, recorded)
        state.replace_bindings(rows)
        ctx.summary.note(
            f"{len(unknown)} SKUs vinculados pelo próprio SKU do ERP ({ctx.connector.label} não tem leitura de "
            "anúncios): o canal responde se o produto existe."
        )
        bindings = state.bindings()
    return bindings
