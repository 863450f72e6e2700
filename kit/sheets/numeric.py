"""Numbers as people write them, per column: ``1.234,56``, ``1,234.56``, ``R$ 5,00``.

:func:`parse_numbers` decides a column's decimal style (comma or point) from
its values and the file's default, and reports a column that mixes both.
"""

from __future__ import annotations

__all__ = ["parse_numbers", "has_fraction", "own"]


_BR_THOUSANDS = r"^[+-]?\d{1,3}(?:\.\d{3})+$"  # "1.234" "12.345.678"
_US_THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+$"  # "1,234"


def own(arr):
    """A writable ``arr`` without a copy when possible.

    The parsed numbers are a read-only view of the raw frame, which is dropped
    once the result is built: the result can take the buffer over.
    """
    if not arr.flags.writeable:
        try:
            arr.setflags(write=True)
        except ValueError:  # the buffer's owner is read-only itself
            arr = arr.copy()
    return arr


def has_fraction(arr) -> bool:
    """True when a float array (NaN allowed) holds a value with a fractional part.

    Looks block by block and stops at the first one: prices show a fraction
    within the first rows; only whole-number columns are read to the end.
    """
    import numpy as np

    step = 1 << 16
    with np.errstate(invalid="ignore"):
        for start in range(0, len(arr), step):
            block = arr[start : start + step]
            if np.any(np.mod(block, 1.0) > 0):  # NaN > 0 is False; mod of a negative is >= 0
                return True
    return False


def parse_numbers(s, empty, default_style: str):
    """Vectorised: text -> float Series. Returns (values, style, bad mask, mixed (i, j) or None).

    The common cases cost a few passes: no separators at all, only a decimal comma
    ("12,50"), or only a decimal point ("12.50"). Values with both separators decide
    the style by which comes last; a column mixing styles is reported.
    """
    import numpy as np
    import pandas as pd

    if default_style == "comma" and not s.str.contains(".", regex=False).any():
        # The common Brazilian case, in two passes: "12,50" / "1234,5" / "7" (a lone "1,234" is 1.234 here).
        values = pd.to_numeric(s.str.replace(",", ".", regex=False).where(~empty, None), errors="coerce")
        bad = values.isna().to_numpy() & ~empty
        if not bad.any():
            sample = s.iloc[:2000]
            style = "comma" if sample.str.contains(",", regex=False).any() else None
            return values.astype("float64"), style, bad, None
    if s.str.contains("$", regex=False).any():  # "R$ 1.234,56"
        s = s.str.replace(r"^\s*R?\$\s*|(?<=-)\s*R?\$\s*", "", regex=True)
    has_comma = s.str.contains(",", regex=False).to_numpy()
    has_dot = s.str.contains(".", regex=False).to_numpy()
    any_comma, any_dot = has_comma.any(), has_dot.any()
    style: str | None = None
    mixed = None
    if not any_comma and not any_dot:
        text = s
    elif any_comma and not any_dot:
        # "12,50" is a decimal comma; only "1,234"-looking values in a ','-style file are thousands
        if default_style == "point" and s[has_comma].str.fullmatch(_US_THOUSANDS).all():
            style, text = "point", s.str.replace(",", "", regex=False)
        else:
            style, text = "comma", s.str.replace(",", ".", regex=False)
    elif any_dot and not any_comma:
        if default_style == "comma" and s[has_dot].str.fullmatch(_BR_THOUSANDS).all():
            style, text = "comma", s.str.replace(".", "", regex=False)
        else:
            style, text = "point", s
    else:
        style, mixed = _decide_style(s, has_comma, has_dot, default_style)
        if style == "comma":
            text = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        else:
            text = s.str.replace(",", "", regex=False)
    values = pd.to_numeric(text.where(~empty, None), errors="coerce")
    bad = values.isna().to_numpy() & ~empty
    if mixed is not None:
        style, bad = "mixed", np.zeros(len(s), dtype=bool)
    return values.astype("float64"), style, bad, mixed


def _decide_style(s, has_comma, has_dot, default_style: str):
    """Both separators appear in a column: which style is it, and is it mixed?"""
    import numpy as np

    n = len(s)
    both = has_comma & has_dot
    sub = s[both]
    last_comma = (sub.str.rfind(",") > sub.str.rfind(".")).to_numpy()
    br_both = np.zeros(n, dtype=bool)
    us_both = np.zeros(n, dtype=bool)
    br_both[np.flatnonzero(both)[last_comma]] = True
    us_both[np.flatnonzero(both)[~last_comma]] = True
    comma_only = has_comma & ~has_dot
    dot_only = has_dot & ~has_comma
    # One kind of separator with three digits after it ("1.234") fits both styles.
    dot_thousands = np.zeros(n, dtype=bool)
    comma_thousands = np.zeros(n, dtype=bool)
    if dot_only.any():
        dot_thousands[dot_only] = s[dot_only].str.fullmatch(_BR_THOUSANDS).to_numpy()
    if comma_only.any():
        comma_thousands[comma_only] = s[comma_only].str.fullmatch(_US_THOUSANDS).to_numpy()
    br = br_both | (comma_only & ~comma_thousands)
    us = us_both | (dot_only & ~dot_thousands)
    if br.any() and us.any():
        i, j = int(np.argmax(br)), int(np.argmax(us))
        return "comma", (min(i, j), max(i, j))
    if br.any():
        return "comma", None
    if us.any():
        return "point", None
    return default_style, None
