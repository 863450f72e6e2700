"""Sample data at benchmark scale: a 1M-SKU ERP export written to CSV.

Prints the time to generate the catalogue and to write the ERP exports
(products.csv, stock.csv, prices.csv), and the 100k -> 1M cost ratio
(the generator is vectorised, so it should stay near 10x).

Run: ``.venv/bin/python bench/bench_sample.py [--skus N]`` (about 20 s for 1M).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def write_cost(n: int, seed: int) -> tuple[float, int]:
    from kit.sample import write_erp_exports

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        out = write_erp_exports(Path(tmp), n, seed)
        elapsed = time.perf_counter() - start
        size = sum(p.stat().st_size for p in out.iterdir())
    return elapsed, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from kit.sample import generate_catalog_frame

    start = time.perf_counter()
    generate_catalog_frame(args.skus, args.seed)
    gen = time.perf_counter() - start
    small, _ = write_cost(args.skus // 10, args.seed)
    large, size = write_cost(args.skus, args.seed)
    print(f"sample catalogue {args.skus:,} SKUs generated in {gen:.1f} s")
    print(f"ERP exports {args.skus // 10:,} SKUs written in {small:.1f} s")
    print(f"ERP exports {args.skus:,} SKUs written in {large:.1f} s ({size / 1e6:.0f} MB: products, stock, prices)")
    print(f"sample ERP export {args.skus // 10 // 1000}k->{args.skus // 1000}k cost ratio: {large / small:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
