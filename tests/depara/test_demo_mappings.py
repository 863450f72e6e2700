"""The committed demo tables are clean and translate the sample orders of the demo channels."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kit.depara import apply, load_table, validate
from kit.depara.values import load_values
from tests.depara.conftest import SAMPLE

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"
COLUMNS = {"carrier_service": ["carrier_raw", "service_raw"], "payment_method": ["payment_raw"],
           "order_status": ["status_raw"]}  # fmt: skip


@pytest.mark.parametrize("channel_type", ["mercadolivre", "vtex", "magento"])
@pytest.mark.parametrize("kind", list(COLUMNS))
def test_demo_tables_validate_and_translate_the_sample_orders(channel_type, kind):
    channel = f"demo-{channel_type}"
    table = load_table(channel, kind, directory=MAPPINGS, missing_ok=False)
    problems = validate(
        kind,
        table,
        channel_values=load_values(SAMPLE / "channels" / channel_type / f"{kind}.csv", kind),
        erp_values=load_values(SAMPLE / "erp" / f"{kind}.csv", kind),
    )
    assert problems.empty, problems.to_string()
    orders = pd.DataFrame(json.loads((SAMPLE / "orders" / f"{channel_type}.json").read_text(encoding="utf-8")))
    done = apply(kind, orders, table=table, columns=COLUMNS[kind], id_column="order_id")
    assert len(done) == len(orders)
    assert (done[list(get_targets(kind))] != "").all().all()


def get_targets(kind):
    from kit.depara.kinds import get_kind

    return get_kind(kind).target_columns
