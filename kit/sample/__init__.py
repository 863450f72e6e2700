"""Realistic, seeded sample data: ERP and store exports, channel values, orders.

The same seed gives the same data on every machine, byte for byte. Large
catalogues (1M SKUs) are produced for benchmarks by :func:`generate_catalog_frame`
(vectorised with numpy); :func:`generate_catalog` gives the same rows as dicts.

Ground truth for channel value lists (raw channel value -> ERP value) lives in
``kit/data/channel_values.json`` and is read with :func:`channel_values`.

What is written, and how it looks (realistic, not canonical):

* ERP exports (:func:`write_erp_exports`): ``products.csv`` in cp1252 with ``;``
  and decimal comma (as Brazilian ERPs export), ``stock.csv`` UTF-8 with BOM,
  ``prices.csv`` with thousands dot, and the ERP's value lists
  (``carrier_service.csv``, ``payment_method.csv``, ``order_status.csv``) with
  ERP-style Portuguese headers.
* A store export per channel type (:func:`write_store_export`): the channel's
  listings (``listings.csv`` or ``listings.xlsx``) with deliberate defects, the
  channel's value lists with a few values nobody maps, and ``defects.json``
  naming every injected defect by class with the SKUs affected
  (:data:`DEFECT_CLASSES`). ``defects=()`` gives a clean export.
* The channel's raw value lists as the channel exports them
  (:func:`write_channel_value_lists`).
* ERP shipments (invoiced/shipped orders) for the status job
  (:func:`write_erp_shipments`), from orders made by :func:`generate_orders`.

``python -m kit.sample --write kit/data/sample`` regenerates the committed
sample set (see ``kit/data/sample/README.md``).

One module per part, each importing only those above it: ``checkdigits``
(EAN-13, CPF, NF-e keys), ``catalog`` (products and variation families),
``files`` (deterministic CSV/XLSX bytes), ``values`` (value lists and their
ground truth), ``erp`` (the ERP's exports), ``defects`` (the deliberate store
defects), ``store`` (a channel's store export), ``orders`` (orders and the
ERP's shipments), ``sampleset`` (the committed set and its README).
"""

from __future__ import annotations

from kit.sample.catalog import (
    MIN_TITLE_LIMIT,
    PRODUCT_COLUMNS,
    SAMPLE_COMPANY,
    SAMPLE_SEED,
    SAMPLE_SKUS,
    TITLE_LIMITS,
    generate_catalog,
    generate_catalog_frame,
)
from kit.sample.checkdigits import cpf_check_digits, ean13, nfe_key
from kit.sample.defects import DEFECT_CLASSES, DEFECT_COUNTS
from kit.sample.erp import write_erp_exports, write_erp_value_lists
from kit.sample.orders import generate_orders, write_erp_shipments
from kit.sample.sampleset import sample_dir, write_sample_set
from kit.sample.store import STORE_FORMATS, write_store_export
from kit.sample.values import UNMAPPED_EXTRAS, channel_values, erp_values, write_channel_value_lists

__all__ = [
    "PRODUCT_COLUMNS",
    "DEFECT_CLASSES",
    "DEFECT_COUNTS",
    "TITLE_LIMITS",
    "MIN_TITLE_LIMIT",
    "SAMPLE_COMPANY",
    "SAMPLE_SEED",
    "SAMPLE_SKUS",
    "STORE_FORMATS",
    "UNMAPPED_EXTRAS",
    "ean13",
    "nfe_key",
    "cpf_check_digits",
    "generate_catalog",
    "generate_catalog_frame",
    "channel_values",
    "erp_values",
    "generate_orders",
    "write_erp_exports",
    "write_erp_value_lists",
    "write_store_export",
    "write_channel_value_lists",
    "write_erp_shipments",
    "write_sample_set",
    "sample_dir",
]
