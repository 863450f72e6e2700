"""The ERP side of the jobs: the newest export of each kind in the ERP folder.

The ERP drops files into its folder (see :func:`kit.jobs.settings.erp_dir`),
named after what they hold; the newest matching file wins::

    <erp_dir>/<channel>/stock.csv     a file only for one channel (looked at first)
    <erp_dir>/stock.csv               stock.xlsx, stock_20261126.csv, estoque.csv ...
    <erp_dir>/prices.csv              precos.csv ...
    <erp_dir>/products.csv            produtos.csv ...
    <erp_dir>/shipments.csv           faturados.csv, expedicao.csv ...

Files are read by :func:`kit.sheets.read_table`, which names file, row and
column in every error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.errors import InputDataError

__all__ = ["FILE_NAMES", "find_erp_file", "read_erp"]

FILE_NAMES: dict[str, tuple[str, ...]] = {
    "stock": ("stock", "estoque"),
    "prices": ("prices", "precos", "preços", "price"),
    "products": ("products", "produtos", "catalog", "catalogo"),
    "shipments": ("shipments", "faturados", "expedicao", "expedição", "notas"),
}
EXTENSIONS = (".csv", ".xlsx", ".xls", ".txt", ".tsv")


def _matches(path: Path, names: tuple[str, ...]) -> bool:
    if path.suffix.lower() not in EXTENSIONS or path.name.startswith((".", "~$")):
        return False
    stem = path.stem.lower()
    return any(stem == n or stem.startswith(n + "_") or stem.startswith(n + "-") for n in names)


def find_erp_file(folder: Path, kind: str, channel: str | None = None, *, required: bool = True) -> Path | None:
    """The newest ERP export of ``kind`` in ``folder`` (a channel subfolder first)."""
    names = FILE_NAMES[kind]
    for where in ([folder / channel] if channel else []) + [folder]:
        if not where.is_dir():
            continue
        found = [p for p in where.iterdir() if p.is_file() and _matches(p, names)]
        if found:
            return max(found, key=lambda p: (p.stat().st_mtime, p.name))
    if not required:
        return None
    if not folder.is_dir():
        raise InputDataError(
            f"the ERP folder {folder} does not exist",
            file=str(folder),
            hint="point erp_dir at the folder the ERP exports to: kit sync config erp_dir=DIR",
        )
    raise InputDataError(
        f"no {kind} export in the ERP folder {folder}",
        file=str(folder),
        kind=kind,
        hint=f"the ERP must drop a file named {names[0]}.csv (or .xlsx) there",
    )


def read_erp(folder: Path, kind: str, channel: str | None = None, *, per_row: tuple[str, ...] = ()) -> Any:
    """Read the newest ``kind`` export with the shared reader (a DataFrame).

    ``per_row``: columns whose bad cells set only their row aside (empty in the frame, the reader's
    message in ``attrs["row_problems"]``) instead of stopping the job: one bad value is one bad item.
    """
    from kit.sheets import read_table, read_table_lenient

    path = find_erp_file(folder, kind, channel)
    if per_row:
        return read_table_lenient(path, kind, columns=per_row)
    return read_table(path, kind)
