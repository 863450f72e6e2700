"""The sync part of ``kit demo``: sandboxes up, channels aimed at them, go-live, syncs through papermill.

Registered into :mod:`kit.demo` (listed in ``STEP_MODULES``). Every step says in
pt-BR what it did; a step that fails says what failed and the demo exits
non-zero (:class:`kit.errors.KitError`).

The go-live and the syncs run the public CLI (``kit check golive``, ``kit sync``)
in subprocesses, as a person or cron would: the summary's closing commands
(:func:`continue_lines`) are the same ones. :func:`serve` (``kit demo --serve``)
starts the demo's sandboxes again, serving the same catalogue and orders with
the credentials the demo stored, so a person can go on by hand.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from kit.demo import DEMO_CHANNELS, DemoContext, demo_step, read_export
from kit.errors import KitError

if TYPE_CHECKING:
    from kit.channels import Channel
    from kit.store import Workspace

__all__ = ["DEMO_SYNC_JOBS", "serve", "start_demo_sandboxes", "golive_command", "continue_lines"]

DEMO_SYNC_JOBS = ("stock", "prices", "orders")
DEMO_ORDERS = 12
DEMO_SEED = 2026
SYNC_TIMEOUT_S = 600
GOLIVE_TIMEOUT_S = 900


def _stop_all(servers: list[Any]) -> None:
    for server in servers:
        try:
            server.stop()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


def _demo_catalog(sample: Any) -> list[dict[str, Any]]:
    products = read_export(sample / "erp" / "products.csv", "products")
    return [
        {k: v for k, v in rec.items() if not str(k).startswith("_") and v == v and v is not None}
        for rec in products.to_dict("records")
    ]


def _free(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start_demo_sandboxes(ws: Workspace, sample: Any, *, same_ports: bool = False) -> list[tuple[str, Any, bool]]:
    """Start one sandbox per demo channel, seeded with the sample catalogue and orders; aim each channel at it.

    Credentials already stored for the channel are kept (the sandbox accepts
    them). With ``same_ports`` the sandbox takes the port the channel already
    points at when it is free, so the channel's configuration does not change.
    Returns ``(channel, server, address changed)`` per channel.
    """
    from urllib.parse import urlsplit

    from kit.channels import ChannelRegistry
    from kit.sandbox import start_sandbox
    from kit.secrets import SecretsStore

    catalog = _demo_catalog(sample)
    registry = ChannelRegistry(ws)
    secrets = SecretsStore()  # the demo's own file (KIT_SECRETS=DIR/secrets.json)
    out = []
    for name, channel_type in DEMO_CHANNELS:
        channel = registry.get(name)
        stored = {k: v for k, v in secrets.get_all(channel.credentials_ref).items() if v}
        port = (urlsplit(channel.base_url or "").port or 0) if same_ports else 0
        try:
            sbx = start_sandbox(channel_type, port=port if port and _free(port) else 0, catalog=catalog,
                                orders=DEMO_ORDERS, seed=DEMO_SEED)  # fmt: skip
            if any(sbx.credentials.get(k) not in (None, v) for k, v in stored.items()):
                sbx.stop()  # accept the stored credentials instead of overwriting them
                sbx = start_sandbox(channel_type, port=sbx.port if same_ports else 0, catalog=catalog,
                                    orders=DEMO_ORDERS, seed=DEMO_SEED,
                                    credentials={**sbx.credentials, **{k: v for k, v in stored.items()
                                                                       if k in sbx.credentials}})  # fmt: skip
        except KitError as exc:
            raise KitError(f"não foi possível iniciar o sandbox de {channel_type}: {exc.message}") from None
        settings = {f"settings.{k}": str(v) for k, v in sbx.channel_settings().items()}
        changes = {k: v for k, v in {"base_url": sbx.url, **settings}.items()
                   if _current(channel, k) != v}  # fmt: skip
        if changes:
            registry.update(name, changes)
        secrets.update(channel.credentials_ref, {k: v for k, v in sbx.credentials.items() if k not in stored})
        out.append((name, sbx, bool(changes)))
    return out


def _current(channel: Channel, key: str) -> Any:
    if key.startswith("settings."):
        return str(channel.settings.get(key.split(".", 1)[1], ""))
    return getattr(channel, key)


@demo_step("sandboxes", after="store_import", description="inicia um sandbox local por canal e aponta o canal para ele")
def step_sandboxes(ctx: DemoContext) -> None:
    """Start a local sandbox per demo channel and aim the channel at it (credentials in the demo's secrets)."""
    from kit.jobs.state import reset_channel_state

    servers: list[Any] = []
    atexit.register(_stop_all, servers)
    ctx.data["sandboxes"] = servers
    for name, sbx, _changed in start_demo_sandboxes(ctx.workspace, ctx.sample):
        servers.append(sbx)
        # A fresh sandbox is a new store: what the jobs remember about the old one no longer holds.
        reset_channel_state(ctx.workspace, name)
        ctx.data.setdefault("sandbox_by_channel", {})[name] = sbx
        from kit.channeltypes import get_type

        ctx.say(f"Sandbox {get_type(sbx.type_name).label}: {sbx.url} ({len(_demo_catalog(ctx.sample))} anúncios, {DEMO_ORDERS} pedidos) "
                f"→ {name}")  # fmt: skip


def serve(directory: Any, *, say: Any = print) -> list[Any]:
    """``kit demo --serve``: the demo's sandboxes again, with the same catalogue, orders and credentials.

    Uses the demo directory's workspace and secrets (as ``run_demo`` sets
    them). Each sandbox takes the port its channel already points at when
    that port is free. Returns the started servers (the caller serves until
    Ctrl-C and stops them).
    """
    import os
    from pathlib import Path

    from kit.demo import demo_env, write_env_file
    from kit.sample import sample_dir
    from kit.store import Workspace

    root = Path(directory).expanduser().resolve()
    if not (root / "workspace").is_dir():
        raise KitError(f"não há demonstração em {root}", hint=f"rode 'kit demo --dir {root}' primeiro")
    os.environ.update(demo_env(root))
    write_env_file(root)
    ws = Workspace(root / "workspace")
    try:
        started = start_demo_sandboxes(ws, sample_dir(), same_ports=True)
    finally:
        ws.close()
    for name, sbx, changed in started:
        note = "; o endereço mudou: rode o go-live do canal de novo" if changed else ""
        say(f"sandbox {sbx.type_name} de {name}: {sbx.url}{note}")
    return [sbx for _name, sbx, _changed in started]


@demo_step("depara_tables", after="sandboxes", description="mostra as tabelas de de-para que cada canal usa")
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


def golive_command(name: str, channel_type: str, sample: Any, output: Any = None) -> list[str]:
    """The ``kit check golive`` command line the demo runs for a channel (and prints for the person)."""
    argv = ["kit", "check", "golive", "--channel", name, "--erp", str(sample / "erp" / "products.csv"),
            "--values-dir", str(sample / "channels" / channel_type), "--environment", "sandbox"]  # fmt: skip
    return argv + (["--output", str(output)] if output else [])


def _golive(ctx: DemoContext, env: dict[str, str], name: str, channel_type: str) -> tuple[int, dict[str, Any], str]:
    argv = golive_command(name, channel_type, ctx.sample) + ["--json"]
    proc = subprocess.run([sys.executable, "-m", "kit", *argv[1:]], capture_output=True, text=True, env=env,
                          timeout=GOLIVE_TIMEOUT_S)  # fmt: skip
    try:
        summary = json.loads(proc.stdout)
    except ValueError:
        summary = {}
    err = next((line[len("erro: ") :] for line in proc.stderr.splitlines() if line.startswith("erro: ")), "")
    return proc.returncode, summary, err or (proc.stderr.strip().splitlines() or ["sem saída"])[-1]


@demo_step(
    "golive_check", after="depara_tables", description="roda o go-live de cada canal (kit check golive) e liga os APTOS"
)
def step_golive(ctx: DemoContext) -> None:
    """Run ``kit check golive`` for each demo channel (side by side); switch on (through the gate) those found APTO."""
    from concurrent.futures import ThreadPoolExecutor

    from kit.golive import record_confirmation
    from kit.golive.gate import enable

    env = dict(os.environ, KIT_WORKSPACE=str(ctx.workspace.root), KIT_REPORTS=str(ctx.dir / "reports"))
    for name, _type in DEMO_CHANNELS:
        # The checklist answer a consultant gives: the sandbox store has no other integration.
        record_confirmation(ctx.workspace, name, "other_erp", by="kit demo", note="sandbox local da demonstração")
    with ThreadPoolExecutor(max_workers=len(DEMO_CHANNELS)) as pool:
        runs = list(pool.map(lambda c: _golive(ctx, env, *c), DEMO_CHANNELS))
    for (name, _type), (code, summary, error) in zip(DEMO_CHANNELS, runs, strict=True):
        verdict = summary.get("verdict")
        if code not in (0, 1) or not verdict:
            raise KitError(f"o go-live de {name} não pôde ser verificado: {error}",
                           hint=f"veja os relatórios em {ctx.dir / 'reports' / name}")  # fmt: skip
        line = f"Go-live {name}: {verdict}"
        if verdict == "APTO":
            enable(ctx.workspace, name, by="kit demo")
            ctx.data.setdefault("enabled", []).append(name)
            line += " (ligado pela demonstração, pelo portão do go-live; desligado de novo ao final)"
        else:
            line += f" ({summary.get('blockers', 0)} bloqueios; o canal fica desligado e não é sincronizado)"
        ctx.say(line)
        ctx.say(f"  relatório HTML: {summary.get('html') or '(não gerado)'}")
        ctx.say(f"  achados (XLSX): {summary.get('xlsx_path') or '(não gerado)'}")
        ctx.data.setdefault("golive_reports", []).extend(
            p for p in (summary.get("html"), summary.get("xlsx_path")) if p
        )


@demo_step("syncs", after="golive_check", description="roda as sincronizações de estoque, preços e pedidos (kit sync)")
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


def continue_lines(root: Any, sample: Any, channel: str = "demo-vtex") -> list[str]:
    """The commands a person runs to go on by hand after the demo (pt-BR comments), for ``channel``."""
    import shlex

    from kit.demo import ENV_FILE

    channel_type = dict(DEMO_CHANNELS)[channel]
    golive = " ".join(shlex.quote(a) for a in golive_command(channel, channel_type, sample))
    env = shlex.quote(str(root / ENV_FILE))
    return [
        "Para continuar à mão (cada linha num terminal, na pasta do canais-kit):",
        f"  source {env}    # KIT_WORKSPACE, KIT_SECRETS, KIT_REPORTS e o comando kit desta demonstração",
        f"  kit demo --dir {shlex.quote(str(root))} --serve    # noutro terminal (com o mesmo source): os "
        "sandboxes de novo, com o mesmo catálogo, pedidos e credenciais; Ctrl-C para parar",
        f"  {golive}",
        f"  kit channels enable {channel}",
        f"  kit sync stock --channel {channel} --full    # --full: o sandbox reiniciado é uma loja nova, "
        "envia todo o estoque",
        "  jupyter lab notebooks/painel.ipynb    # o painel das execuções (com o mesmo source)",
    ]


@demo_step(
    "reports",
    after="syncs",
    description="diz onde estão os relatórios e a caixa de saída; para os sandboxes e desliga os canais",
)
def step_reports(ctx: DemoContext) -> None:
    """Say where the reports and the order outbox are; stop the sandboxes and switch their channels off."""
    from kit.golive.gate import disable

    reports = ctx.dir / "reports"
    runs = sorted(p for p in reports.rglob("*.ipynb") if p.name != "golive.ipynb")
    ctx.say(f"Relatórios: {reports} ({len(runs)} notebooks de execução + resumos JSON; go-live em HTML e XLSX)")
    outbox = ctx.dir / "outbox"
    batches = sorted(outbox.rglob("*-orders-*.json")) if outbox.exists() else []
    ctx.say(f"Caixa de saída de pedidos para o ERP: {outbox} ({len(batches)} lotes; formato em docs/outbox.md)")
    enabled = ctx.data.get("enabled") or []
    featured = "demo-vtex" if "demo-vtex" in enabled or not enabled else enabled[0]
    ctx.data["continue"] = continue_lines(ctx.dir, ctx.sample, featured)
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
