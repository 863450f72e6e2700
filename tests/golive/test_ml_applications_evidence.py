"""Another integration on Mercado Livre: another application the seller authorized with write access."""

from __future__ import annotations

import pytest

from tests.golive.conftest import other_erp_findings

pytestmark = pytest.mark.timeout(120)

OTHER_APP = "8812345678901234"


def _other_erp(workspace, mappings, tmp_path, *, apps: list[dict], confirm: bool):
    def grant(sbx):
        with sbx.state.lock:
            sbx.state.data["applications"].extend(apps)

    return other_erp_findings(workspace, mappings, tmp_path, "mercadolivre", "ml-apps", confirm=confirm, prepare=grant)


def _app(app_id: str, scopes: list[str]) -> dict:
    return {"user_id": 123456789, "app_id": app_id, "date_created": "2024-03-01T09:00:00.000-03:00", "scopes": scopes}


def test_another_app_with_write_access_is_named_and_the_checklist_still_applies(workspace, mappings, tmp_path):
    apps = [_app(OTHER_APP, ["offline_access", "read", "write"]), _app("7000000000000001", ["read"])]
    f = _other_erp(workspace, mappings, tmp_path, apps=apps, confirm=False)
    evidence = f[f["field"] == "applications"]
    assert evidence["value"].tolist() == [OTHER_APP]  # the read-only app and the kit's own app are left out
    assert evidence["severity"].item() == "aviso" and "2024-03-01" in evidence["message"].item()
    checklist = f[f["field"] == "checklist.other_erp"]
    assert checklist["severity"].item() == "bloqueio"  # an app list is no proof that nothing else integrates


def test_only_the_kits_own_app_and_a_confirmed_checklist_pass(workspace, mappings, tmp_path):
    f = _other_erp(workspace, mappings, tmp_path, apps=[], confirm=True)
    assert f["field"].tolist() == ["checklist.other_erp"] and f["severity"].tolist() == ["info"]


def test_grants_the_account_hides_are_not_evidence_either_way(workspace, mappings, tmp_path):
    from kit import sandbox
    from kit.connectors import connector_for

    sbx = sandbox.start_sandbox("mercadolivre", catalog=[], orders=0, seed=9)
    try:
        with sbx.state.lock:
            sbx.state.data["denied_scopes"] = ["/users/123456789/applications"]
        conn = connector_for(sbx.channel("ml-hidden"))
        assert conn.integration_evidence() is None  # 403: cannot tell, the checklist decides
    finally:
        sbx.stop()
