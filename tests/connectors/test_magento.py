"""Magento 2 connector: the contract suite plus Magento specifics (bulk batches, per-item price errors)."""

from __future__ import annotations

from connectors.contract import contract_suite

TestMagentoContract = contract_suite("magento", products=250)
