"""Netshoes connector: the contract suite plus Netshoes specifics (plan limit, shipping status bodies)."""

from __future__ import annotations

from connectors.contract import contract_suite

TestNetshoesContract = contract_suite("netshoes", products=51, write_path="^/skus/")
