"""VTEX connector: the contract suite plus VTEX specifics (RefId mapping, feed, invoice)."""

from __future__ import annotations

from connectors.contract import contract_suite

TestVtexContract = contract_suite("vtex", acks=True, connector_attrs={"page_size": 25})
