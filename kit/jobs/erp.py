"""The ERP side of the jobs: the newest export of each kind in the ERP folder.

The ERP drops files into its folder (see :func:`kit.jobs.settings.erp_dir`),
named after what they hold; the newest matching file wins::

    <erp_dir>/<channel>/stock.csv     a file only for one channel (looked at first)
    <erp_dir>/stock.csv               stock.xlsx, stock_20261126.csv, estoque.csv ...
    <erp_dir>/prices.csv              precos.csv ...
    <erp_dir>/products.csv            produtos.csv ...
    <erp_dir>/shipments.csv           faturados.csv, expedicao.csv ...

Files are read by :func:`kit.sheets.read_table`, which names file, row and
column in every error. A process that runs many jobs (a ``kit run-due``
worker) parses each export once while its bytes are unchanged: the frame is
kept per (file, content hash) for files up to 16 MB, and every job gets its
own copy.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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
#: exports kept in memory per process, and the largest file kept (bigger ones are read every time)
CACHED_EXPORTS = 8
CACHE_MAX_BYTES = 16 * 1024 * 1024
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_cache_lock = threading.Lock()


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
            f"a pasta do ERP {folder} não existe",
            file=str(folder),
            hint="aponte erp_dir para a pasta onde o ERP grava as exportações: kit sync config erp_dir=PASTA",
        )
    raise InputDataError(
        f"não há exportação de {kind} na pasta do ERP {folder}",
        file=str(folder),
        kind=kind,
        hint=f"o ERP deve gravar ali um arquivo chamado {names[0]}.csv (ou .xlsx)",
    )


def read_erp(folder: Path, kind: str, channel: str | None = None, *, per_row: tuple[str, ...] = ()) -> Any:
    """Read the newest ``kind`` export with the shared reader (a DataFrame).

    ``per_row``: columns whose bad cells set only their row aside (empty in the frame, the reader's
    message in ``attrs["row_problems"]``) instead of stopping the job: one bad value is one bad item.
    """
    from kit.sheets import read_table, read_table_lenient

    path = find_erp_file(folder, kind, channel)
    key = _cache_key(path, kind, per_row)
    with _cache_lock:
        frame = _cache.get(key) if key is not None else None
        if frame is not None:
            _cache.move_to_end(key)
    if frame is None:
        frame = read_table_lenient(path, kind, columns=per_row) if per_row else read_table(path, kind)
        if key is not None:
            with _cache_lock:
                _cache[key] = frame
                while len(_cache) > CACHED_EXPORTS:
                    _cache.popitem(last=False)
    return frame.copy(deep=True)  # pandas deep-copies attrs too: a job's changes stay its own


def _cache_key(path: Path, kind: str, per_row: tuple[str, ...]) -> tuple[Any, ...] | None:
    """``(file, content hash, kind, columns)``; ``None`` for a file too big to keep (read every time)."""
    import hashlib

    if path.stat().st_size > CACHE_MAX_BYTES:
        return None
    digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    return (str(path.resolve()), digest, kind, tuple(per_row))
