"""Another integration on the channel: VTEX shows an orders hook configured on the kit's app key."""

from __future__ import annotations

import pytest
import requests

from tests.golive.conftest import other_erp_findings

pytestmark = pytest.mark.timeout(120)

OTHER_URL = "https://erp-antigo.example/vtex/pedidos"


def _other_erp(workspace, mappings, tmp_path, *, hook: bool, confirm: bool):
    def add_hook(sbx):
        body = {"filter": {"type": "FromWorkflow", "status": ["ready-for-handling"]},
                "hook": {"url": OTHER_URL + "?token=abc123", "headers": {}}}  # fmt: skip
        headers = {
            "X-VTEX-API-AppKey": sbx.credentials["app_key"],
            "X-VTEX-API-AppToken": sbx.credentials["app_token"],
        }
        assert requests.post(f"{sbx.url}/api/orders/hook/config", json=body, headers=headers, timeout=10).ok

    prepare = add_hook if hook else None
    return other_erp_findings(workspace, mappings, tmp_path, "vtex", "vtex-hook", confirm=confirm, prepare=prepare)


def test_a_hook_on_the_app_key_is_a_blocker_even_when_the_checklist_is_confirmed(workspace, mappings, tmp_path):
    f = _other_erp(workspace, mappings, tmp_path, hook=True, confirm=True)
    hook = f[f["field"] == "orders.hook"]
    assert len(hook) == 1 and hook["severity"].item() == "bloqueio"
    assert hook["value"].item() == OTHER_URL  # shown without its query string (it may carry a token)
    assert "abc123" not in " ".join(f["message"]) + " ".join(f["value"])


def test_no_hook_is_not_proof_so_the_checklist_item_still_blocks(workspace, mappings, tmp_path):
    f = _other_erp(workspace, mappings, tmp_path, hook=False, confirm=False)
    assert f["field"].tolist() == ["checklist.other_erp"]
    assert f["severity"].item() == "bloqueio"


def test_no_hook_and_a_confirmed_checklist_pass(workspace, mappings, tmp_path):
    f = _other_erp(workspace, mappings, tmp_path, hook=False, confirm=True)
    assert f["severity"].tolist() == ["info"]
    assert "Consultora Ana" in f["message"].item()
