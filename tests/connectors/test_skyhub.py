"""SkyHub connector: the contract suite plus SkyHub specifics (queue, encoded codes, per-endpoint buckets)."""

from __future__ import annotations

from connectors.contract import contract_suite

TestSkyhubContract = contract_suite("skyhub", products=250, acks=True, write_path="^/(products|variations)/")
