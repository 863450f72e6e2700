"""The price-guard scenario end to end, through the CLI, against the VTEX sandbox.

The kit synced the store's prices; then someone raised five of them on the channel itself. The
go-live check sees the drops the ERP prices would be (NÃO APTO). ``kit sync prices --full`` is
refused on a channel whose latest go-live is NÃO APTO; forced with a reason, it holds the five drops
(compared with the channel's price, not with what the kit last sent) and sends the rest; approving
one sends only that one.
"""

from __future__ import annotations

import json

import pytest

RAISED = 5
SKUS = 40  # a slice of the sample catalogue keeps the two go-live runs and four syncs short


def _slice(source, target, rows: int) -> None:
    """The header and the first ``rows`` lines of a sample export, bytes untouched (cp1252, ';')."""
    lines = source.read_bytes().splitlines(keepends=True)
    target.write_bytes(b"".join(lines[: rows + 1]))


def _price_puts(sbx) -> list[str]:
    return [r["path"].rsplit("/", 1)[-1] for r in sbx.state.requests
            if r.get("method") == "PUT" and "/pricing/prices/" in r.get("path", "")]  # fmt: skip


@pytest.mark.notebook
@pytest.mark.timeout(300)
def test_go_live_blocks_the_drops_full_sync_holds_them_and_approving_one_sends_only_it(workspace, tmp_path, kit_cli):
    from kit.channels import ChannelRegistry
    from kit.connectors import connector_for
    from kit.connectors.model import PriceItem
    from kit.demo import read_export
    from kit.sample import sample_dir
    from kit.sandbox import start_sandbox

    sample = sample_dir()
    erp = tmp_path / "erp"
    erp.mkdir()
    for name in ("products.csv", "prices.csv"):
        _slice(sample / "erp" / name, erp / name, SKUS)
    products = read_export(erp / "products.csv", "products")
    catalog = [{k: v for k, v in rec.items() if not str(k).startswith("_") and v == v and v is not None}
               for rec in products.to_dict("records")]  # fmt: skip
    env = {"KIT_REPORTS": str(tmp_path / "reports")}
    golive = ("check", "golive", "--channel", "demo-vtex", "--erp", str(erp / "products.csv"), "--values-dir",
              str(sample / "channels" / "vtex"), "--environment", "sandbox", "--output", str(tmp_path / "golive"))  # fmt: skip
    with start_sandbox("vtex", catalog=catalog, orders=0, seed=2026) as sbx:
        ChannelRegistry(workspace).add(sbx.channel("demo-vtex"))
        assert kit_cli("sync", "config", f"erp_dir={erp}").returncode == 0
        first = kit_cli(*golive, "--confirm", "other_erp", "--by", "teste", env=env)
        assert first.returncode == 0, first.stdout + first.stderr  # APTO
        assert kit_cli("channels", "enable", "demo-vtex").returncode == 0
        synced = kit_cli("sync", "prices", "--channel", "demo-vtex", "--json", env=env)
        assert synced.returncode == 0 and json.loads(synced.stdout)["counts"]["failed"] == 0, synced.stderr

        # Someone raises five prices on the channel itself: the ERP's prices are now drops of 75 %.
        ch = ChannelRegistry(workspace).get("demo-vtex")
        listings = connector_for(ch, workspace=workspace).list_listings().head(RAISED)
        raised = [PriceItem(r["sku"], round(float(r["price"]) * 4, 2), None, r["channel_id"]) for _, r in
                  listings.iterrows()]  # fmt: skip
        assert connector_for(ch, workspace=workspace).update_prices(raised).applied == RAISED
        skus = sorted(p.sku for p in raised)

        blocked = kit_cli(*golive, env=env)
        assert blocked.returncode == 1 and "NÃO APTO" in blocked.stdout, blocked.stdout + blocked.stderr

        refused = kit_cli("sync", "prices", "--channel", "demo-vtex", "--full", env=env)
        assert refused.returncode == 2 and "NÃO APTO" in refused.stderr and "--force" in refused.stderr

        sbx.state.clear_log()
        forced = kit_cli("sync", "prices", "--channel", "demo-vtex", "--full", "--force", "--reason",
                         "conferir a trava de preço", "--json", env=env)  # fmt: skip
        assert forced.returncode == 0, forced.stdout + forced.stderr
        summary = json.loads(forced.stdout)
        assert summary["counts"]["held"] == RAISED and summary["counts"]["failed"] == 0
        assert summary["forced"]["reason"] == "conferir a trava de preço"
        puts = _price_puts(sbx)
        assert puts and not set(puts) & {p.channel_id for p in raised}  # the drops never reached the channel
        held = json.loads(kit_cli("sync", "prices", "--channel", "demo-vtex", "--show-held", "--json").stdout)
        assert sorted(h["sku"] for h in held) == skus

        assert kit_cli("sync", "prices", "--channel", "demo-vtex", "--approve", skus[0]).returncode == 0
        sbx.state.clear_log()
        after = kit_cli("sync", "prices", "--channel", "demo-vtex", "--force", "--reason", "preço aprovado",
                        "--json", env=env)  # fmt: skip
        assert after.returncode == 0, after.stdout + after.stderr
        counts = json.loads(after.stdout)["counts"]
        assert counts["applied"] == 1 and counts["failed"] == 0
        approved = next(p for p in raised if p.sku == skus[0])
        assert _price_puts(sbx) == [approved.channel_id]  # only the approved one went out
        still = json.loads(kit_cli("sync", "prices", "--channel", "demo-vtex", "--show-held", "--json").stdout)
        assert sorted(h["sku"] for h in still) == skus[1:]  # the other four still wait for a person
    with workspace.table("runs") as runs:
        forced_runs = [r for r in runs.all() if r.get("forced")]
    assert [r["forced"]["reason"] for r in forced_runs] == ["conferir a trava de preço", "preço aprovado"]
