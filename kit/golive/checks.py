"""The go-live checks, one small registered function each.

Every check takes a :class:`~kit.golive.context.GoliveContext` and returns a
findings table. They work on whole columns: SKUs and EANs of both sides are
factorized once into one integer code space (:func:`keys`), so coverage,
duplicates and ERP-vs-store matching are array operations (bincount, fancy
indexing), and EAN/NCM are validated on code points (:mod:`kit.golive.codes`);
a 1M-SKU catalogue is checked in seconds. Messages are built only for the rows
that become findings.

Registered here, in this order: ``sku_coverage``, ``duplicates``, ``validity``,
``required_fields``, ``divergences``, ``depara``, ``credentials``,
``other_erp``, ``capacity``, ``first_sync``.

The checks live in one module per concern, imported here in that order (the
order they run in): :mod:`kit.golive.catalog_checks`,
:mod:`kit.golive.channel_checks`, :mod:`kit.golive.sync_checks`; the keys they
share are in :mod:`kit.golive.keys`. This module keeps the public names.
"""

from __future__ import annotations

import kit.golive.catalog_checks  # noqa: F401  (registers sku_coverage ... divergences, in order)
import kit.golive.channel_checks  # noqa: F401  (registers depara, credentials, other_erp)
import kit.golive.sync_checks  # noqa: F401  (registers capacity, first_sync)
from kit.golive.catalog_checks import FUZZY_MAX_CELLS, TITLE_SUGGESTION_MIN_SCORE
from kit.golive.channel_checks import OTHER_ERP_ITEM
from kit.golive.keys import SIDES, SideKeys, _blank_text, keyed, keys, matched
from kit.golive.sync_checks import capacity_plan, first_sync_preview, price_drop_item

__all__ = [
    "SIDES",
    "SideKeys",
    "keys",
    "TITLE_SUGGESTION_MIN_SCORE",
    "FUZZY_MAX_CELLS",
    "keyed",
    "matched",
    "capacity_plan",
    "first_sync_preview",
    "OTHER_ERP_ITEM",
    "price_drop_item",
    "_blank_text",  # kit/golive/variations.py takes it from here
]
