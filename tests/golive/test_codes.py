"""The vectorised EAN/GTIN check digit agrees with python-stdnum on every kind of input."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from stdnum import ean as stdnum_ean

from kit.golive.codes import (
    blank_mask,
    duplicated_text,
    ean_is_valid,
    ean_valid_mask,
    factorize_text,
    ncm_valid_mask,
    text_lengths,
)
from kit.sample import ean13


def _corpus(n: int = 3000, seed: int = 7) -> list[object]:
    rng = random.Random(seed)
    out: list[object] = ["", "   ", None, float("nan"), "abc", "78912345678x5", "٧٨٩١٢٣٤٥٦٧٨٩٥", "7891234567895 "]
    for _ in range(n):
        length = rng.choice([7, 8, 11, 12, 13, 14, 15])
        digits = "".join(rng.choice("0123456789") for _ in range(length))
        out.append(digits)
        body = digits[:-1]
        total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
        out.append(body + str((10 - total % 10) % 10))  # the valid code with this body
    out += [ean13(789_000_000_000 + i) for i in range(200)]
    out += ["1" * 20, "7891234567895" * 2, "0" * 14]
    return out


def test_vectorised_matches_stdnum(monkeypatch):
    import kit.golive.codes as codes

    monkeypatch.setattr(codes, "_CHUNK", 997)  # several blocks, the last one partial
    values = _corpus()
    got = ean_valid_mask(pd.Series(values, dtype="object")).tolist()
    expected = []
    for v in values:
        text = "" if v is None or (isinstance(v, float) and v != v) else str(v)  # the reader strips cells
        ok = text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14) and stdnum_ean.is_valid(text)
        expected.append(ok)
    assert got == expected
    assert sum(expected) > 1000  # the corpus really holds valid codes
    assert [ean_is_valid(v) for v in values] == expected


def test_index_is_kept_and_blanks_are_separate():
    s = pd.Series(["7891234567895", "", "7891234567890"], index=[10, 20, 30])
    assert ean_valid_mask(s).to_dict() == {10: True, 20: False, 30: False}
    assert blank_mask(s).tolist() == [False, True, False]


def test_ncm_eight_digits():
    s = pd.Series(["61091000", "6109.10.00", "6109100", "610910000", "6109100A", "", None, "6109.10.00.0"])
    assert ncm_valid_mask(s).tolist() == [True, True, False, False, False, False, False, False]


class _Clash(str):
    """A string whose hash collides with every other one's."""

    def __hash__(self) -> int:
        return 7


@pytest.mark.parametrize("seed", range(5))
def test_factorize_text_is_pandas_factorize(seed):
    rng = random.Random(seed)
    values = np.array(
        [rng.choice(["", "A-1", "a-1", "Ação", " x", "x"]) + str(rng.randint(0, 50)) for _ in range(2000)],
        dtype=object,
    )
    codes, uniques = factorize_text(values)
    expected_codes, expected_uniques = pd.factorize(values)
    assert codes.tolist() == expected_codes.tolist()
    assert uniques.tolist() == list(expected_uniques)
    assert text_lengths(values).tolist() == [len(v) for v in values]


def test_factorize_text_survives_hash_collisions_and_odd_values():
    clashing = np.array([_Clash("a"), _Clash("b"), _Clash("a"), "c"], dtype=object)
    codes, uniques = factorize_text(clashing)
    assert codes.tolist() == [0, 1, 0, 2] and [str(u) for u in uniques] == ["a", "b", "c"]
    with_nan = np.array(["a", float("nan"), "a", float("nan")], dtype=object)
    codes, _ = factorize_text(with_nan)
    assert codes.tolist() == pd.factorize(with_nan)[0].tolist()  # NaN is missing (-1), as in pandas
    unhashable = np.array([["x"], "a"], dtype=object)
    with pytest.raises(TypeError):
        factorize_text(unhashable)  # as pandas.factorize itself


@pytest.mark.parametrize("seed", range(5))
def test_duplicated_text_is_pandas_duplicated(seed):
    rng = random.Random(seed)
    ids = np.array([f"MLB{rng.randint(0, 300)}" for _ in range(1000)], dtype=object)
    var = np.array([rng.choice(["", "1", "2", "Azul"]) for _ in range(1000)], dtype=object)
    expected = pd.DataFrame({"c": ids, "v": var}).duplicated(keep=False).to_numpy()
    assert duplicated_text(ids, var).tolist() == expected.tolist()
    assert duplicated_text(ids).tolist() == pd.Series(ids).duplicated(keep=False).tolist()


def test_duplicated_text_compares_values_when_hashes_collide():
    values = np.array([_Clash("a"), _Clash("b"), _Clash("a"), _Clash("c")], dtype=object)
    assert duplicated_text(values).tolist() == [True, False, True, False]
