"""Mercado Livre connector: the contract suite plus ML specifics (scan, variations, NF-e, ME1)."""

from __future__ import annotations

from connectors.contract import contract_suite

TestMercadoLivreContract = contract_suite("mercadolivre", products=130, refreshes=True)
