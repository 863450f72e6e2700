"""``kit demo``: a demo workspace built from the committed sample set, step by step.

The demo is a list of named steps run in order (:data:`STEPS`). Each step
receives the :class:`DemoContext`, does one thing idempotently (running the demo
twice neither fails nor duplicates anything) and adds lines to the summary.
Later capabilities add their own step without touching the others::

    from kit.demo import demo_step

    @demo_step("sandboxes", after="channels")
    def start_sandboxes(ctx: DemoContext) -> None:
        ...
        ctx.say("Sandboxes: 3 servidores locais")

A name registered twice is an error. Modules holding steps outside this file
are listed in :data:`STEP_MODULES` and imported before the demo runs.

What users read (the summary) is in Brazilian Portuguese.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.registry import Registry

if TYPE_CHECKING:
    from kit.store import Workspace

__all__ = [
    "DemoContext",
    "DemoStep",
    "STEPS",
    "STEP_MODULES",
    "DEMO_CHANNELS",
    "demo_step",
    "run_demo",
    "read_export",
    "demo_env",
    "write_env_file",
    "ENV_FILE",
]

# (channel name, channel type): the channels the demo configures.
DEMO_CHANNELS = (
    ("demo-mercadolivre", "mercadolivre"),
    ("demo-vtex", "vtex"),
    ("demo-magento", "magento"),
)
#: The file, in the demo directory, that sets every variable a person needs to go on by hand.
ENV_FILE = "env.sh"
# Modules that register further demo steps when imported (kept explicit: a typo fails loudly).
STEP_MODULES: list[str] = ["kit.demo.sync_steps"]

_KIND_LABELS = {
    "carrier_service": "transportadoras/serviços",
    "payment_method": "formas de pagamento",
    "order_status": "situações de pedido",
}


@dataclass(slots=True)
class DemoContext:
    """What the steps share: directories, the workspace, the summary being built."""

    dir: Path
    sample: Path
    workspace: Workspace | None = None
    lines: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def say(self, line: str) -> None:
        """Add one line (pt-BR) to the summary."""
        self.lines.append(line)


@dataclass(slots=True)
class DemoStep:
    """One named demo step."""

    name: str
    run: Callable[[DemoContext], None]
    description: str = ""


STEPS: list[DemoStep] = []
# The same steps by name: the registry refuses a name twice, STEPS keeps the order they run in.
_BY_NAME: Registry[DemoStep] = Registry("demo step", unknown="passo da demonstração desconhecido")


def demo_step(name: str, *, after: str | None = None, description: str = "") -> Callable:
    """Register a demo step; ``after`` places it right after another step (default: last)."""

    def deco(fn: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        index = len(STEPS) if after is None else next((i + 1 for i, s in enumerate(STEPS) if s.name == after), None)
        if index is None:
            raise ValueError(f"demo step {name!r}: no step named {after!r} to follow")
        doc_lines = (fn.__doc__ or "").strip().splitlines()
        step = DemoStep(name, fn, description or (doc_lines[0] if doc_lines else ""))
        STEPS.insert(index, _BY_NAME.register(name, step))
        return fn

    return deco


def read_export(path: Path, kind: str):
    """Read an export through the kit's spreadsheet reader (:func:`kit.sheets.read_table`)."""
    from kit.sheets import read_table

    return read_table(path, kind)


# ---------------------------------------------------------------------------
# steps
# ---------------------------------------------------------------------------
@demo_step("workspace", description="cria (ou reabre) a área de trabalho da demonstração")
def step_workspace(ctx: DemoContext) -> None:
    """Create (or reopen) the demo workspace."""
    from kit.store import Workspace

    ctx.workspace = Workspace(ctx.dir / "workspace")
    ctx.say(f"Área de trabalho: {ctx.workspace.root} (esquema {ctx.workspace.schema_version})")


@demo_step("company", description="cadastra a empresa de exemplo (CNPJ válido)")
def step_company(ctx: DemoContext) -> None:
    """Register the sample company (valid CNPJ)."""
    from stdnum.br import cnpj as cnpj_mod
    from tinydb import Query

    from kit.sample import SAMPLE_COMPANY

    company = dict(SAMPLE_COMPANY)
    with ctx.workspace.table("companies") as table:
        if not table.contains(Query().cnpj == company["cnpj"]):
            table.insert({**company, "created_at": time.time()})
    ctx.data["company"] = company["cnpj"]
    ctx.say(f"Empresa: {company['name']} (CNPJ {cnpj_mod.format(company['cnpj'])})")


@demo_step("channels", description="configura os canais da demonstração (ambiente sandbox, desligados até o go-live)")
def step_channels(ctx: DemoContext) -> None:
    """Configure the demo channels (sandbox environment, off until go-live)."""
    from kit.channels import Channel, ChannelRegistry
    from kit.channeltypes import get_type

    registry = ChannelRegistry(ctx.workspace)
    existing = {c.name for c in registry.list()}
    created = 0
    for name, channel_type in DEMO_CHANNELS:
        if name in existing:
            continue
        t = get_type(channel_type)
        registry.add(
            Channel(
                name=name,
                type=channel_type,
                category=t.category,
                company=ctx.data["company"],
                environment="sandbox",
            )
        )
        created += 1
    ctx.say(f"Canais: {len(DEMO_CHANNELS)} configurados ({created} novos nesta execução)")
    for name, _type in DEMO_CHANNELS:
        ch = registry.get(name)
        state = "ligado" if ch.enabled else "desligado até o go-live"
        ctx.say(f"  {ch.name}: {ch.channel_type.label}, {ch.category}, {ch.environment}, {state}")


@demo_step("erp_import", description="lê as exportações do ERP e guarda o catálogo na área de trabalho")
def step_erp_import(ctx: DemoContext) -> None:
    """Read the ERP exports and keep the catalogue as the ERP snapshot in the workspace."""
    erp = ctx.sample / "erp"
    products = read_export(erp / "products.csv", "products")
    stock = read_export(erp / "stock.csv", "stock")
    prices = read_export(erp / "prices.csv", "prices")
    shipments = read_export(erp / "shipments.csv", "shipments")
    cols = [c for c in products.columns if not c.startswith("_")]
    records = products[cols].to_dict("records")
    ctx.workspace.states.put_many("erp", "product", ((r["sku"], {k: _plain(v) for k, v in r.items()}) for r in records))
    ctx.data["erp_skus"] = len(products)
    ctx.say(
        f"ERP: {len(products)} SKUs lidos de {_name(products)}, {len(stock)} saldos de estoque, "
        f"{len(prices)} preços, {len(shipments)} notas faturadas/enviadas"
    )
    lists = []
    for kind, label in _KIND_LABELS.items():
        frame = read_export(erp / f"{kind}.csv", kind)
        lists.append(f"{len(frame)} {label}")
    ctx.say("Listas de valores do ERP: " + ", ".join(lists))


def _listing_kind() -> str:
    """The reader kind for store listings: products columns where a SKU may repeat.

    A repeated SKU in a store export is a finding for the go-live check, not a
    reading error.
    """
    from kit.golive.context import products_kind

    return products_kind()


@demo_step(
    "store_import", description="lê a exportação de cada loja e as listas de valores; mostra os defeitos que ela traz"
)
def step_store_import(ctx: DemoContext) -> None:
    """Read each demo channel's store export and value lists; report the defects it carries."""
    from kit.errors import InputDataError

    for name, channel_type in DEMO_CHANNELS:
        store = ctx.sample / "store" / channel_type
        manifest = json.loads((store / "defects.json").read_text(encoding="utf-8"))
        values = []
        for kind, label in _KIND_LABELS.items():
            path = ctx.sample / "channels" / channel_type / f"{kind}.csv"
            if path.exists():
                values.append(f"{len(read_export(path, kind))} {label}")
        try:
            listings = read_export(store / manifest["listings_file"], _listing_kind())
        except InputDataError as exc:
            # The export carries deliberate defects; a reader that refuses one is reported, not fatal.
            ctx.say(
                f"{name}: {_row_count(store / manifest['listings_file'])} anúncios em {manifest['listings_file']}, "
                f"recusados pelo leitor: {exc.message}"
            )
        else:
            cols = [c for c in listings.columns if not c.startswith("_")]
            ctx.workspace.states.put_many(
                name,
                "store_listing",
                (
                    (f"{r['sku']}#{r.get('channel_id') or ''}", {k: _plain(v) for k, v in r.items()})
                    for r in listings[cols].to_dict("records")
                ),
            )
            ctx.say(f"{name}: {len(listings)} anúncios lidos de {_name(listings)}")
        ctx.say("  listas de valores do canal: " + ", ".join(values))
        defects = manifest["defects"]
        flagged = sorted({s for d in defects.values() for s in d["skus"]})
        ctx.say(
            f"  defeitos conhecidos na exportação da loja: {len(defects)} classes, {len(flagged)} SKUs "
            f"(ver {store / 'defects.json'})"
        )


def _row_count(path: Path) -> str:
    """Rows the reader saw in a file it refused (``?`` if it cannot tell)."""
    try:
        from kit.sheets import inspect_table

        return str(inspect_table(path, _listing_kind()).get("rows", "?"))
    except Exception:  # noqa: BLE001 - only a number for the summary
        return "?"


def _name(frame: Any) -> str:
    source = getattr(frame, "attrs", {}).get("source") or {}
    return Path(str(source.get("file", "?"))).name


def _plain(value: Any) -> Any:
    """A JSON-friendly scalar (numpy/pandas values, NaN as None)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# ---------------------------------------------------------------------------
def demo_env(root: Path) -> dict[str, str]:
    """The variables that make every ``kit`` command use the demo's workspace, secrets and reports."""
    return {
        "KIT_WORKSPACE": str(root / "workspace"),
        "KIT_SECRETS": str(root / "secrets.json"),
        "KIT_REPORTS": str(root / "reports"),
    }


def write_env_file(root: Path) -> Path:
    """``DIR/env.sh``: ``source`` it and the CLI, the notebooks and the painel use the demo's data."""
    import shlex
    import sys

    from kit.store import atomic_write_bytes

    lines = ["# canais-kit: variáveis da demonstração (source este arquivo)"]
    lines += [f"export {k}={shlex.quote(v)}" for k, v in demo_env(root).items()]
    scripts = Path(sys.executable).parent
    if (scripts / "kit").exists():  # the kit command of the environment that ran the demo
        lines.append(f'export PATH={shlex.quote(str(scripts))}:"$PATH"')
    path = root / ENV_FILE
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return path


def run_demo(directory: str | os.PathLike[str], *, sample: str | os.PathLike[str] | None = None) -> DemoContext:
    """Run every demo step against ``directory``; returns the context with the summary lines.

    Sets ``KIT_WORKSPACE`` (``DIR/workspace``), ``KIT_SECRETS``
    (``DIR/secrets.json``) and ``KIT_REPORTS`` (``DIR/reports``) for this
    process, so everything the demo touches stays under ``directory``, and
    writes them to ``DIR/env.sh`` for the person who goes on by hand.
    ``KIT_MAPPINGS`` is left as it is.
    """
    from kit.sample import sample_dir

    for module in STEP_MODULES:
        importlib.import_module(module)
    root = Path(directory).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    os.environ.update(demo_env(root))
    ctx = DemoContext(dir=root, sample=Path(sample) if sample else sample_dir())
    ctx.data["env_file"] = write_env_file(root)
    try:
        for step in STEPS:
            step.run(ctx)
    finally:
        if ctx.workspace is not None:
            ctx.workspace.close()
    return ctx
