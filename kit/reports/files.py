"""Writing report files: scrubbed of secrets, replaced whole, without the state store's fsync.

A report can be made again from the run's summary; the workspace's state cannot.
So report files are written to a temporary file and renamed over the old one
(a reader never sees half a page) but not forced to disk: two ``fsync`` calls
per file would be most of a scheduled no-change run's overhead
(``bench/bench_papermill_overhead.py``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from kit.scrub import scrub

__all__ = ["write_report"]


def write_report(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (scrubbed) to ``path`` atomically; returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(scrub(text))
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return out
