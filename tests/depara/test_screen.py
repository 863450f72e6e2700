"""The review screen: channel and kind pickers over the editor, lists from parameters, samples or uploads."""

from __future__ import annotations

import datetime

import pytest

from kit.channels import Channel, ChannelRegistry
from kit.depara.screen import ChannelChoice, DeparaScreen, ValueLists
from kit.errors import ConfigurationError
from tests.depara.conftest import SAMPLE

CNPJ = "11.222.333/0001-81"
_NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def test_pickers_offer_the_workspace_channels_and_the_kinds_their_type_needs(workspace, mappings):
    ChannelRegistry(workspace).add(Channel("loja-walmart", "walmart", "marketplace", CNPJ, "sandbox"))
    screen = DeparaScreen.for_notebook(channel="demo-vtex", channel_type="vtex", kind="payment_method",
                                       workspace=workspace, directory=mappings)  # fmt: skip
    assert [v for _, v in screen.channel_picker.options] == ["demo-vtex", "loja-walmart"]
    assert dict(screen.channel_picker.options)["loja-walmart (Walmart Marketplace)"] == "loja-walmart"
    assert [v for _, v in screen.kind_picker.options] == ["carrier_service", "payment_method", "order_status"]
    assert screen.kind.name == "payment_method" and screen.editor.kind.name == "payment_method"
    assert "Forma de pagamento" in screen.source.value and "dados de exemplo" in screen.source.value
    screen.select(kind="order_status")
    assert screen.editor.kind.name == "order_status" and "Status do pedido" in screen.source.value
    screen.select(channel="loja-walmart")  # Walmart needs no payment de-para (marketplace pays)
    assert [v for _, v in screen.kind_picker.options] == ["carrier_service", "order_status"]
    assert screen.editor.channel == "loja-walmart" and screen.editor.kind.name == "order_status"


def test_parameter_files_are_used_for_the_first_choice(workspace, mappings):
    erp, chan = SAMPLE / "erp" / "order_status.csv", SAMPLE / "channels" / "magento" / "order_status.csv"
    screen = DeparaScreen.for_notebook(channel="loja", channel_type="magento", kind="order_status",
                                       erp_file=str(erp), channel_file=str(chan), workspace=workspace,
                                       directory=mappings)  # fmt: skip
    assert "arquivos informados" in screen.source.value
    assert len(screen.current.erp) == 9 and screen.editor.counts()["total"] == len(screen.current.channel)


def test_no_lists_asks_for_uploads_and_uploads_build_the_editor(tmp_path, mappings):
    def provider(choice, kind):
        raise ConfigurationError("nenhuma lista")

    screen = DeparaScreen([ChannelChoice("loja", "vtex")], provider, kind="order_status", directory=mappings)
    assert (
        screen.editor is None and "Sem listas" in screen.source.value and "Enviar outras listas" in screen.source.value
    )
    content = {"erp": b"Status\nPago\nCancelado\n", "canal": b"Status\npaid\ncanceled\n"}
    for upload, key in ((screen.loader.erp, "erp"), (screen.loader.channel, "canal")):
        upload.value = ({"name": f"{key}.csv", "type": "text/csv", "size": 9, "content": content[key],
                         "last_modified": _NOW},)  # fmt: skip
    screen.loader._directory = tmp_path
    screen.loader.button.click()
    assert screen.editor is not None and "arquivos enviados" in screen.source.value
    assert screen.editor.counts() == {"mapeados": 2, "pendentes": 0, "pre_aceitos": 2, "total": 2}


def test_the_channel_api_is_tried_when_asked_and_its_failure_is_said(workspace, mappings):
    screen = DeparaScreen.for_notebook(channel="nenhum", channel_type="vtex", kind="order_status",
                                       fetch_from_channel=True, workspace=workspace, directory=mappings)  # fmt: skip
    assert "a API do canal não respondeu" in screen.source.value and screen.editor is not None


def test_a_screen_needs_a_channel():
    with pytest.raises(ValueError):
        DeparaScreen([], lambda c, k: ValueLists([], [], ""))
