"""Bench: the whole go-live check on N ERP SKUs against N store SKUs, from CSV.

Writes an ERP export and a store export (canonical headers, UTF-8, ``,``) with
a sprinkle of defects (missing/extra SKUs, duplicates, bad EANs, price and stock
divergences), then measures in one run:

* the baseline: ``pandas.read_csv`` of the two files (pandas defaults);
* the whole check: both files read with the kit's reader
  (:func:`kit.golive.context.read_products` -> ``kit.sheets.read_table``), the
  context built and every registered check run (offline mode: no channel).

Both are run ``--repeat`` times, alternating (default 5), and the fastest of
each is kept: on a shared virtual machine one run can be 30 % slower than the
next for no reason of its own, and the minimum is the figure least disturbed
by neighbours (``timeit``'s rule). Every run's time is printed. Prints both times (wall clock and CPU), every run's wall time,
their ratio (target <= 2.5x), the split between the kit's reader and the
checks, the time per check and the peak memory (``ru_maxrss`` of this process;
tracemalloc is not used: tracing would slow the check down several-fold).

    python bench/bench_golive.py                 # 1,000,000 SKUs per side, best of 5
    python bench/bench_golive.py 200000 --repeat 1
"""

from __future__ import annotations

import gc
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kit.channeltypes import get_type
from kit.golive import GoliveContext, run_checks
from kit.golive.context import read_products
from kit.sample import generate_catalog_frame


def write_exports(directory: Path, n: int, seed: int = 11) -> tuple[Path, Path]:
    """The ERP export and a store export of ``n`` SKUs each, with defects in about 1 % of rows."""
    rng = np.random.default_rng(seed)
    erp = generate_catalog_frame(n, seed)
    store = erp.copy()
    k = max(n // 100, 10)
    rows = rng.choice(n, size=6 * k, replace=False)
    price_rows, stock_rows, ean_rows, extra_rows, dup_rows, missing_rows = np.split(rows, 6)
    store.loc[price_rows, "price"] = (store.loc[price_rows, "price"] * rng.uniform(0.5, 1.5, k)).round(2)
    store.loc[stock_rows, "stock"] = store.loc[stock_rows, "stock"] + rng.integers(1, 50, k)
    store.loc[ean_rows, "ean"] = store.loc[ean_rows, "ean"].str[:-1] + "0"
    store.loc[extra_rows, "sku"] = "LOJA-" + store.loc[extra_rows, "sku"]
    store.loc[dup_rows[: k // 2], "sku"] = store.loc[dup_rows[k // 2 :][: k // 2], "sku"].to_numpy()
    store = store.drop(index=missing_rows)
    store.insert(0, "channel_id", [f"MLB{i}" for i in range(1_000_000_000, 1_000_000_000 + len(store))])
    erp_path, store_path = directory / "erp.csv", directory / "store.csv"
    erp.to_csv(erp_path, index=False)
    store.to_csv(store_path, index=False)
    return erp_path, store_path


def _baseline(erp_path: Path, store_path: Path) -> tuple[float, float]:
    gc.collect()
    w, c = time.perf_counter(), time.process_time()
    a, b = pd.read_csv(erp_path), pd.read_csv(store_path)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    del a, b
    gc.collect()
    return wall, cpu


def _check(erp_path: Path, store_path: Path) -> dict:
    gc.collect()
    w, c = time.perf_counter(), time.process_time()
    erp, store = read_products(erp_path), read_products(store_path)
    read_wall, read_cpu = time.perf_counter() - w, time.process_time() - c
    ctx = GoliveContext(  # as kit.golive.run builds it
        erp=erp, store=store, channel_type=get_type("mercadolivre"), company="11222333000181", trust_reader_counts=True
    )
    timings: dict[str, float] = {}
    findings = run_checks(ctx, timings=timings)
    total_wall, total_cpu = time.perf_counter() - w, time.process_time() - c
    del ctx, erp, store
    return {
        "wall": total_wall, "cpu": total_cpu, "read_wall": read_wall, "read_cpu": read_cpu,
        "timings": timings, "findings": len(findings), "blockers": int((findings["severity"] == "bloqueio").sum()),
    }  # fmt: skip


def main(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-golive-") as tmp:
        t = time.perf_counter()
        erp_path, store_path = write_exports(Path(tmp), n)
        print(f"SKUs per side: {n:,} (files written in {time.perf_counter() - t:.1f} s); best of {repeat} runs")
        bases, checks = [], []
        for _ in range(repeat):
            bases.append(_baseline(erp_path, store_path))
            checks.append(_check(erp_path, store_path))
    base_wall, base_cpu = min(b[0] for b in bases), min(b[1] for b in bases)
    best = min(checks, key=lambda r: r["wall"])
    total_wall, total_cpu = best["wall"], min(r["cpu"] for r in checks)
    read_wall, read_cpu = best["read_wall"], best["read_cpu"]
    if len({(r["findings"], r["blockers"]) for r in checks}) != 1:
        raise SystemExit("the runs found different findings: the check is not deterministic")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    check_wall, check_cpu = total_wall - read_wall, best["cpu"] - read_cpu
    print(
        "runs (wall): read_csv "
        + ", ".join(f"{b[0]:.2f}" for b in bases)
        + " s; check "
        + ", ".join(f"{r['wall']:.2f}" for r in checks)
        + " s"
    )
    print("                                        wall       cpu")
    print(f"pandas.read_csv of both files:      {base_wall:7.2f} s {base_cpu:7.2f} s")
    print(f"whole go-live check:                {total_wall:7.2f} s {total_cpu:7.2f} s")
    print(f"  read with kit.sheets.read_table:  {read_wall:7.2f} s {read_cpu:7.2f} s")
    print(f"  context + every check:            {check_wall:7.2f} s {check_cpu:7.2f} s")
    for name, secs in best["timings"].items():
        print(f"    check {name:25} {secs:7.2f} s (wall)")
    print(f"findings: {best['findings']:,} ({best['blockers']:,} bloqueio)")
    print(f"peak memory (ru_maxrss): {peak_mb:,.0f} MB")
    print(
        f"ratio whole check / read_csv: {total_wall / base_wall:.2f}x wall, {total_cpu / base_cpu:.2f}x cpu (target <= 2.5x)"
    )
    print(
        f"ratio (read_csv + context + checks) / read_csv: {(base_wall + check_wall) / base_wall:.2f}x wall, "
        f"{(base_cpu + check_cpu) / base_cpu:.2f}x cpu (the check's own cost, reader excluded)"
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000, help="SKUs per side (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each, the fastest kept (default 5)")
    args = parser.parse_args()
    main(args.n, max(args.repeat, 1))
