"""Bench: ``kit.sheets.read_table`` against bare ``pandas.read_csv(dtype=str)``.

Writes a products CSV as a Brazilian ERP exports it (``;``, decimal comma, codes
with leading zeros) and prints both times and their ratio, measured in one run.
A second file writes prices with thousands dots ("1.234,56"), which the C parser
cannot take: that ratio is the careful (text) path's.

    python bench/bench_reader.py            # 200,000 rows
    python bench/bench_reader.py 1000000    # the go-live size
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kit.sheets import read_table

HEADER = "Código;EAN;Título;Marca;Categoria;NCM;Peso (kg);Altura;Largura;Comprimento;Preço;Estoque;Ativo"


def write_products(path: Path, n: int, seed: int = 1, *, thousands: bool = False) -> None:
    rng = np.random.default_rng(seed)
    idx = np.arange(1, n + 1)
    frame = pd.DataFrame(
        {
            "sku": [f"{i:08d}" for i in idx],
            "ean": [f"789{i:010d}" for i in idx],
            "title": rng.choice(["Camiseta Básica", "Tênis de Corrida", "Garrafa Térmica", "Mochila"], n),
            "brand": rng.choice(["Ipê", "Maré", "Pampa"], n),
            "category": rng.choice(["Roupas > Camisetas", "Calçados > Tênis", "Casa > Utilidades"], n),
            "ncm": rng.choice(["61091000", "64041100", "96170010"], n),
            "weight": np.round(rng.uniform(0.1, 8, n), 3),
            "height": np.round(rng.uniform(2, 60, n), 1),
            "width": np.round(rng.uniform(5, 60, n), 1),
            "length": np.round(rng.uniform(5, 80, n), 1),
            "price": np.round(rng.uniform(19.9, 1999.9, n), 2),
            "stock": rng.integers(0, 500, n),
            "active": rng.choice(["Sim", "Não"], n),
        }
    )
    if thousands:
        frame["price"] = frame["price"].map("{:,.2f}".format).str.translate(str.maketrans(",.", ".,"))
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        frame.to_csv(fh, sep=";", decimal=",", header=False, index=False)


def best_of(fn, repeat: int = 2) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(path: Path, n: int) -> tuple[float, float]:
    bare = best_of(lambda: pd.read_csv(path, sep=";", dtype=str, keep_default_na=False))
    df = read_table(path, "products")
    assert len(df) == n and df["sku"].iloc[0] == "00000001"
    return bare, best_of(lambda: read_table(path, "products"))


def main(n: int) -> None:
    print(f"rows: {n:,}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, thousands in (("fast path", False), ("careful path, '1.234,56' prices", True)):
            path = Path(tmp) / "products.csv"
            write_products(path, n, thousands=thousands)
            bare, kit = measure(path, n)
            print(f"{label}:")
            print(f"  pandas.read_csv(dtype=str): {bare:.2f} s")
            print(f"  kit.sheets.read_table:      {kit:.2f} s")
            print(f"  ratio read_table / read_csv: {kit / bare:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
