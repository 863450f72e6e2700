"""Shared by the reader's tests: the corpora's folders and small file writers."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
MALFORMED = DATA / "malformed"
CLEAN = DATA / "clean"


def write(tmp_path: Path, text: str, name: str = "f.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


PRODUCTS_HEADER = "Código;EAN;Título;Marca;Categoria;NCM;Peso (kg);Altura;Largura;Comprimento;Preço;Estoque;Ativo"


def catalog_csv(path: Path, n: int, *, encoding: str = "utf-8") -> list[dict]:
    from kit.sample import generate_catalog

    rows = generate_catalog(n, seed=7)
    lines = [PRODUCTS_HEADER]
    for r in rows:
        lines.append(
            ";".join(
                [
                    r["sku"], r["ean"], r["title"], r["brand"], r["category"], r["ncm"],
                    f"{r['weight_kg']:.3f}".replace(".", ","), f"{r['height_cm']:.1f}".replace(".", ","),
                    f"{r['width_cm']:.1f}".replace(".", ","), f"{r['length_cm']:.1f}".replace(".", ","),
                    f"{r['price']:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),
                    str(r["stock"]), "Sim" if r["active"] else "Não",
                ]
            )
        )  # fmt: skip
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return rows
