"""The sync part of ``kit demo``: sandboxes up, channels aimed at them, go-live, syncs through papermill.

Registered into :mod:`kit.demo` (listed in ``STEP_MODULES``). Every step says in
pt-BR what it did; a step that fails says what failed and the demo exits
non-zero (:class:`kit.errors.KitError`).
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from typing import Any

from kit.demo import DEMO_CHANNELS, DemoContext, demo_step, read_export
from kit.errors import KitError

__all__ = ["DEMO_SYNC_JOBS"]

DEMO_SYNC_JOBS = ("stock", "prices", "orders")
DEMO_ORDERS = 12
SYNC_TIMEOUT_S = 600


def _stop_all(servers: list[Any]) -> None:
    for server in servers:
        try:
            server.stop()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


@demo_step("sandboxes", after="store_import")
def step_sandboxes(ctx: DemoContext) -> None:
    """Start a local sandbox per demo channel and aim the channel at it (credentials in the demo's secrets)."""
    from kit.channels import ChannelRegistry
    from kit.jobs.state import reset_channel_state
    from kit.sandbox import start_sandbox
    from kit.secrets import SecretsStore

    products = read_export(ctx.sample / "erp" / "products.csv", "products")
    catalog = [
        {k: v for k, v in rec.items() if not str(k).startswith("_") and v == v and v is not None}
        for rec in products.to_dict("records")
    ]
    registry = ChannelRegistry(ctx.workspace)
    secrets = SecretsStore()  # the demo's own file (KIT_SECRETS=DIR/secrets.json, set by run_demo)
    servers: list[Any] = []
    atexit.register(_stop_all, servers)
    ctx.data["sandboxes"] = servers
    for name, channel_type in DEMO_CHANNELS:
        ref = registry.get(name).credentials_ref
        try:
            sbx = start_sandbox(channel_type, catalog=catalog, orders=DEMO_ORDERS, seed=2026)
            # Credentials already stored for the channel (a re-run, or set by the user) are kept:
            # the sandbox is restarted to accept them instead of overwriting them.
            stored = {k: v for k, v in secrets.get_all(ref).items() if k in sbx.credentials and v}
            if any(sbx.credentials[k] != v for k, v in stored.items()):
                sbx.stop()
                sbx = start_sandbox(
                    channel_type,
                    catalog=catalog,
                    orders=DEMO_ORDERS,
                    seed=2026,
                    credentials={**sbx.credentials, **stored},
                )
        except KitError as exc:
            raise KitError(f"não foi possível iniciar o sandbox de {channel_type}: {exc.message}") from None
        servers.append(sbx)
        changes = {"base_url": sbx.url, **{f"settings.{k}": str(v) for k, v in sbx.channel_settings().items()}}
        ch = registry.update(name, changes)
        secrets.update(ref, {k: v for k, v in sbx.credentials.items() if k not in stored})
        # A fresh sandbox is a new store: what the jobs remember about the old one no longer holds.
        reset_channel_state(ctx.workspace, name)
        ctx.data.setdefault("sandbox_by_channel", {})[name] = sbx
        ctx.say(f"Sandbox {ch.channel_type.label}: {sbx.url} ({len(catalog)} anúncios, {DEMO_ORDERS} pedidos) → {name}")


@demo_step("depara_tables", after="sandboxes")
def step_depara(ctx: DemoContext) -> None:
    """Show the committed de-para tables each demo channel uses (mappings/<channel>/)."""
    from kit.channels import ChannelRegistry
    from kit.depara import load_table, table_path, validate

    labels = {"carrier_service": "transportadoras/serviços", "payment_method": "pagamentos", "order_status": "status"}
    for name, _type in DEMO_CHANNELS:
        kinds = ChannelRegistry(ctx.workspace).get(name).channel_type.depara_kinds
        parts, problems = [], 0
        for kind in kinds:
            table = load_table(name, kind)
            confirmed = int(table["confirmed"].astype(bool).sum()) if len(table) else 0
            parts.append(f"{confirmed} {labels.get(kind, kind)}")
            problems += len(validate(kind, table))
        folder = table_path(name, kinds[0]).parent
        ctx.say(f"De-para {name}: {', '.join(parts)} confirmados ({folder}); {problems} problemas na validação")


@demo_step("golive_check", after="depara_tables")
def step_golive(ctx: DemoContext) -> None:
    """Run the go-live check of each demo channel; switch on (through the gate) those found APTO."""
    from kit.golive import record_confirmation, run_golive
    from kit.golive.gate import enable

    for name, channel_type in DEMO_CHANNELS:
        # The checklist answer a consultant gives: the sandbox store has no other integration.
        record_confirmation(ctx.workspace, name, "other_erp", by="kit demo", note="sandbox local da demonstração")
        try:
            run = run_golive(
                channel=name,
                erp_file=ctx.sample / "erp" / "products.csv",
                values_dir=ctx.sample / "channels" / channel_type,
                workspace=ctx.workspace.root,
                output_dir=ctx.dir / "reports" / name / "golive",
                environment="sandbox",
                write_xlsx=False,
            )
        except KitError as exc:
            raise KitError(f"go-live de {name} falhou: {exc.message}") from None
        line = f"Go-live {name}: {run.verdict}"
        if run.verdict == "APTO":
            enable(ctx.workspace, name, by="kit demo")
            ctx.data.setdefault("enabled", []).append(name)
            line += " (ligado pela demonstração, pelo portão do go-live; desligado de novo ao final)"
        else:
            n = int((run.findings["severity"] == "bloqueio").sum()) if len(run.findings) else 0
            line += f" ({n} bloqueios; o canal fica desligado e não é sincronizado)"
        ctx.say(line + f"; relatório em {run.output_dir}")


@demo_step("syncs", after="golive_check")
def step_syncs(ctx: DemoContext) -> None:
    """Run the stock, price and order syncs of each demo channel with ``kit sync`` (papermill).

    One ``kit sync`` process per run, exactly as cron would start it; the channels
    run side by side (each channel's jobs in order), which keeps the demo short.
    """
    from concurrent.futures import ThreadPoolExecutor

    from kit.jobs.settings import sample_erp_dir, set_job_settings

    reports = ctx.dir / "reports"
    set_job_settings(ctx.workspace, None, {"erp_dir": str(sample_erp_dir()), "outbox_dir": str(ctx.dir / "outbox")})
    env = dict(os.environ, KIT_REPORTS=str(reports), KIT_WORKSPACE=str(ctx.workspace.root))

    def channel_runs(name: str) -> list[tuple[str, int, dict[str, Any]]]:
        out = []
        for job in DEMO_SYNC_JOBS:
            proc = subprocess.run(
                [sys.executable, "-m", "kit", "sync", job, "--channel", name, "--json"],
                capture_output=True, text=True, env=env, timeout=SYNC_TIMEOUT_S,
            )  # fmt: skip
            try:
                summary = json.loads(proc.stdout)
            except ValueError:
                summary = {"error": (proc.stderr.strip().splitlines() or ["sem saída"])[-1]}
            out.append((job, proc.returncode, summary))
        return out

    enabled = [name for name, _type in DEMO_CHANNELS if name in (ctx.data.get("enabled") or [])]
    for name, _type in DEMO_CHANNELS:
        if name not in enabled:
            ctx.say(f"Sync {name}: não sincronizado (o go-live não deu APTO; o canal está desligado)")
    with ThreadPoolExecutor(max_workers=max(1, len(enabled))) as pool:
        results = list(pool.map(channel_runs, enabled))
    failures = []
    for name, runs in zip(enabled, results, strict=True):
        for job, code, summary in runs:
            c = summary.get("counts") or {}
            state = "OK" if code == 0 else f"FALHOU (código {code})"
            ctx.say(
                f"Sync {job:6} {name}: {state}: {c.get('applied', 0)} aplicados, {c.get('failed', 0)} falhas, "
                f"{c.get('skipped', 0)} sem mudança/ignorados, {c.get('quarantined', 0)} em quarentena, "
                f"{c.get('held', 0)} retidos"
            )
            if code and not c.get("failed"):
                # The run itself broke (configuration, input, crash): the demo cannot go on as shown.
                failures.append(f"{job} {name}: {summary.get('error') or 'veja o relatório'}")
            elif c.get("failed"):
                reason = _top_reason(summary.get("report_path"))
                ctx.say(f"  motivo mais comum: {reason}" if reason else "  motivos no relatório")
                ctx.say(f"  relatório: {summary.get('report_path')}")
    ctx.data["sync_failures"] = failures
    _rerun_without_changes(ctx, env)


def _rerun_without_changes(ctx: DemoContext, env: dict[str, str]) -> None:
    """Run one stock sync again: no ERP change, so the channel gets no update request."""
    name = DEMO_CHANNELS[min(1, len(DEMO_CHANNELS) - 1)][0]
    sbx = (ctx.data.get("sandbox_by_channel") or {}).get(name)
    if sbx is None or name not in (ctx.data.get("enabled") or []):
        return
    before = sum(1 for r in list(sbx.state.requests) if r.get("method") in ("PUT", "POST", "PATCH", "DELETE"))
    proc = subprocess.run(
        [sys.executable, "-m", "kit", "sync", "stock", "--channel", name, "--json"],
        capture_output=True, text=True, env=env, timeout=SYNC_TIMEOUT_S,
    )  # fmt: skip
    after = sum(1 for r in list(sbx.state.requests) if r.get("method") in ("PUT", "POST", "PATCH", "DELETE"))
    try:
        c = json.loads(proc.stdout).get("counts") or {}
    except ValueError:
        c = {}
    ctx.say(
        f"Sync stock {name} de novo, sem mudança no ERP: {c.get('applied', 0)} aplicados, "
        f"{c.get('skipped', 0)} sem mudança; {after - before} requisições de atualização enviadas ao canal"
    )


def _top_reason(report_path: str | None) -> str | None:
    """The most common failure reason in a run's JSON summary (beside its notebook)."""
    from collections import Counter
    from pathlib import Path

    if not report_path:
        return None
    try:
        data = json.loads(Path(report_path).with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    reasons = Counter(d.get("reason") for d in data.get("details") or [] if d.get("status") == "failed")
    if not reasons:
        return None
    reason, n = reasons.most_common(1)[0]
    return f"{reason} ({n} itens)"


@demo_step("reports", after="syncs")
def step_reports(ctx: DemoContext) -> None:
    """Say where the reports and the order outbox are; stop the sandboxes and switch their channels off."""
    from kit.golive.gate import disable

    reports = ctx.dir / "reports"
    notebooks = sorted(reports.rglob("*.ipynb"))
    ctx.say(f"Relatórios: {reports} ({len(notebooks)} notebooks de execução + resumos JSON)")
    outbox = ctx.dir / "outbox"
    batches = sorted(outbox.rglob("*-orders-*.json")) if outbox.exists() else []
    ctx.say(f"Caixa de saída de pedidos para o ERP: {outbox} ({len(batches)} lotes; formato em docs/outbox.md)")
    ctx.say("Painel: abra notebooks/painel.ipynb com KIT_WORKSPACE apontando para a área de trabalho da demo")
    _stop_all(ctx.data.get("sandboxes", []))
    for name in ctx.data.get("enabled") or []:  # their sandboxes are gone: the scheduler must not run them
        disable(ctx.workspace, name, by="kit demo")
    if ctx.data.get("enabled"):
        ctx.say("Canais desligados ao final (os sandboxes da demonstração foram encerrados)")
    failures = ctx.data.get("sync_failures") or []
    if failures:
        raise KitError(
            "a demonstração terminou com falhas: " + "; ".join(failures), hint=f"veja os relatórios em {reports}"
        )
