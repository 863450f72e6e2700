"""Check digits of the sample's codes: EAN-13, CPF and NF-e access keys."""

from __future__ import annotations

from datetime import datetime

import numpy as np

__all__ = ["ean13", "cpf_check_digits", "nfe_key"]


def ean13(body12: int | str) -> str:
    """Return the EAN-13 for a 12-digit body, with its check digit."""
    digits = str(body12).zfill(12)[-12:]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _ean13_many(bodies: np.ndarray) -> list[str]:
    """Vectorised :func:`ean13` over an int64 array of 12-digit bodies."""
    total = np.zeros(len(bodies), dtype=np.int64)
    for pos in range(12):
        digit = (bodies // 10 ** (11 - pos)) % 10
        total += digit * (3 if pos % 2 else 1)
    check = (10 - total % 10) % 10
    return (bodies * 10 + check).astype(str).tolist()


def cpf_check_digits(body9: str) -> str:
    """The two check digits of a CPF whose first nine digits are ``body9``."""
    digits = [int(d) for d in body9]
    for _ in range(2):
        weight = len(digits) + 1
        total = sum(d * (weight - i) for i, d in enumerate(digits))
        digits.append((total * 10) % 11 % 10)
    return f"{digits[-2]}{digits[-1]}"


def nfe_key(uf_code: int, issued: datetime, cnpj: str, series: int, number: int, code: int) -> str:
    """A 44-digit NF-e access key with its mod-11 check digit (model 55, normal emission)."""
    body = f"{uf_code:02d}{issued:%y%m}{cnpj:>014}55{series:03d}{number:09d}1{code:08d}"
    total, weight = 0, 2
    for d in reversed(body):
        total += int(d) * weight
        weight = 2 if weight == 9 else weight + 1
    rest = total % 11
    return body + str(0 if rest < 2 else 11 - rest)
