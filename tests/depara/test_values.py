"""Value lists: from files (through kit.sheets) and from a channel's connector (local sandbox)."""

from __future__ import annotations

import pytest

from kit.depara.suggest import suggest
from kit.depara.values import fetch_channel_values, load_values, sample_lists
from kit.errors import ConfigurationError, InputDataError
from tests.depara.conftest import SAMPLE


def test_sample_lists_exist_for_every_demo_kind():
    erp, channel = sample_lists("carrier_service", "vtex")
    assert erp.is_file() and channel.is_file()
    with pytest.raises(ConfigurationError):
        sample_lists("category", "vtex")


def test_load_values_names_the_file_on_bad_input(tmp_path):
    bad = tmp_path / "lista.csv"
    bad.write_text("Transportadora\nCorreios\n", encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        load_values(bad, "carrier_service")
    assert str(bad) in str(err.value)
    frame = load_values(SAMPLE / "erp" / "order_status.csv", "order_status")
    assert "Em separação" in frame["status"].tolist()  # cp1252 file read right


@pytest.mark.timeout(120)
def test_fetch_from_the_channel_sandbox(workspace):
    from kit import sandbox
    from kit.channels import ChannelRegistry

    sbx = sandbox.start_sandbox("vtex", n_products=3, orders=0, seed=3)
    try:
        ChannelRegistry(workspace).add(sbx.channel("vtex-sbx"))
        statuses = fetch_channel_values("vtex-sbx", "order_status", workspace=workspace)
    finally:
        sbx.stop()
    assert "payment-approved" in statuses["status"].tolist()
    table = suggest("order_status", statuses, load_values(SAMPLE / "erp" / "order_status.csv", "order_status"),
                    channel="vtex-sbx", channel_type="vtex", learned=False).set_index("channel_status")  # fmt: skip
    assert table.loc["payment-approved", "erp_status"] == "Pagamento aprovado"


def test_fetch_for_an_unknown_channel_is_a_clear_error(workspace):
    with pytest.raises(ConfigurationError):
        fetch_channel_values("nobody", "order_status", workspace=workspace)
