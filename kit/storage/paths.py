"""Private files and folders: the small file-system helpers every store of the files backend uses.

Private by construction: folders are created 0700 and files 0600 whatever the
umask; a lock file that is a symbolic link is refused; names read back from
files are checked again before they become paths (:func:`safe_child`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from kit.errors import StoreError

__all__ = [
    "LOCK_TIMEOUT_S",
    "mkdir_private",
    "create_private_file",
    "refuse_symlink",
    "safe_child",
    "fsync_dir",
    "atomic_write_bytes",
]

LOCK_TIMEOUT_S = 60


def mkdir_private(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` and any missing parent with mode 0700, whatever the umask; returns it."""
    path = Path(path)
    missing = []
    for parent in (path, *path.parents):
        if parent.exists():
            break
        missing.append(parent)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask; 0700 is what we mean
    return path


def create_private_file(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` empty with mode 0600 if it does not exist (its folder private); returns it."""
    path = Path(path)
    mkdir_private(path.parent)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return path


def refuse_symlink(path: str | os.PathLike[str], what: str = "lock") -> None:
    """Refuse a symbolic link where the kit opens (and truncates) a file of its own."""
    if Path(path).is_symlink():
        raise StoreError(
            f"o arquivo de {what} {path} é um link simbólico; o kit não o segue",
            file=str(path),
            hint="remova o link (o kit recria o arquivo); alguém pode ter tentado desviar uma escrita",
        )


def safe_child(root: str | os.PathLike[str], *parts: str) -> Path:
    """``root/part/...``, refusing any part that would lead outside ``root`` (``..``, ``/``, a link out).

    Names that become paths (channel names, job names) are validated where they
    are made; this is the second line, for names read back from files that may
    have been edited by hand.
    """
    base = Path(root).expanduser()
    path = base.joinpath(*parts)
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\0" in part or part != part.strip():
            raise StoreError(
                f"nome inválido para um caminho: {part!r}",
                file=str(base),
                hint="o nome foi alterado fora do kit (por exemplo em channels.json); corrija-o ou remova o canal",
            )
    resolved_base = base.resolve()
    if resolved_base not in path.resolve().parents and path.resolve() != resolved_base:
        raise StoreError(
            f"o caminho {path} sai de {base}",
            file=str(path),
            hint="um link simbólico ou um nome alterado aponta para fora da pasta; remova-o",
        )
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (best effort)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
