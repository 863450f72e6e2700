"""Fixtures shared by the connector tests."""

from __future__ import annotations

import pytest

from connectors.contract import make_connector


@pytest.fixture
def conn(sbx):
    """A connector to the module's ``sbx`` sandbox (the contract's test settings), closed after the test.

    A module that needs other settings defines its own ``conn``.
    """
    c = make_connector(sbx)
    yield c
    c.close()
