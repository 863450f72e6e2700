"""Credentials: kept outside the repo, the workspace and every notebook.

Where they live
    A JSON file with mode 0600 in the user's config directory
    (``~/.config/canais-kit/secrets.json``), or the path in ``KIT_SECRETS``.
    Environment variables override the file:
    ``KIT_SECRET__<REF>__<KEY>``, where ``<REF>`` is the credentials reference
    upper-cased with every non-alphanumeric character turned into ``_``.

How they are keyed
    By a *reference* ``<company>/<environment>/<channel>`` (see
    :func:`credentials_ref`), so one channel type used by two companies, or in
    sandbox and production, has separate keys. Channels store only the
    reference; notebooks and papermill parameters carry only the channel name.

Every value read is registered with :func:`kit.scrub.register_secret`, so it is
masked from any message, log line or report formed afterwards.

Where they may live
    The file, its lock and its directory are checked before every use: a
    symbolic link at the file's or the lock's path is refused (it could point
    the kit's writes at another file, or feed it someone else's keys); so is a
    directory another user (not root) owns or every user may write (they could
    swap the file).
    A file readable by others is tightened to 0600.

Rotating OAuth tokens
    ``refresh_token``, ``access_token`` and ``access_token_expires_at`` are
    rewritten at every refresh: they live in the token store
    (:mod:`kit.storage.tokens`), which is this file on one machine and the
    database (encrypted) with ``KIT_DATABASE_URL``. Reading and writing them
    through this class goes to the right place; with a database, a stored
    token wins over an environment variable (which is only the first seed).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock

from kit.errors import ConfigurationError, StoreError
from kit.scrub import mask, register_secret

__all__ = ["SecretsStore", "credentials_ref", "default_secrets_path", "env_var_name"]

ENV_PREFIX = "KIT_SECRET__"


def default_secrets_path() -> Path:
    """``$KIT_SECRETS`` or ``$XDG_CONFIG_HOME/canais-kit/secrets.json``."""
    if os.environ.get("KIT_SECRETS"):
        return Path(os.environ["KIT_SECRETS"]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "canais-kit" / "secrets.json"


def credentials_ref(company: str, environment: str, channel: str) -> str:
    """The key under which a channel's credentials are stored."""
    return f"{company}/{environment}/{channel}"


def env_var_name(ref: str, key: str) -> str:
    """The environment variable that overrides ``key`` of ``ref``."""
    norm = re.sub(r"[^A-Za-z0-9]", "_", ref).upper()
    return f"{ENV_PREFIX}{norm}__{re.sub(r'[^A-Za-z0-9]', '_', key).upper()}"


def _trusted_owners() -> set[int]:
    """Who may own the secrets and their folder: this user, or root (a mounted secrets volume)."""
    return {os.getuid(), 0}


class SecretsStore:
    """Read and write credentials by reference.

    Writes take a cross-process lock and replace the file atomically, so a
    rotated OAuth refresh token is never lost to a concurrent writer.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path else default_secrets_path()
        self._file_lock = FileLock(str(self.path) + ".lock", timeout=30)
        self._tokens: Any = None

    # -- rotating tokens -------------------------------------------------------
    @property
    def tokens(self) -> Any:
        """The token store of the rotating OAuth keys (:func:`kit.storage.tokens.token_store`)."""
        if self._tokens is None:
            from kit.storage.tokens import token_store

            self._tokens = token_store(self)
        return self._tokens

    def _in_database(self, ref: str, keys: Any) -> set[str]:
        """Which of ``keys`` of ``ref`` live in the database's token store.

        ``refresh_token`` always (with a database); the access token and its expiry when
        the reference rotates (it has a refresh token, given now or stored): a static
        ``access_token`` (Magento's integration token) stays a static credential.
        """
        from kit.storage import database_url
        from kit.storage.tokens import ROTATING_KEYS

        keys = set(keys) & set(ROTATING_KEYS)
        if not keys or database_url() is None:
            return set()
        if "refresh_token" in keys or "refresh_token" in self.tokens.read(ref):
            return keys
        return set()

    def file_entry(self, ref: str) -> dict[str, str]:
        """The keys of ``ref`` in the file only (no environment, no database)."""
        with self._lock:
            return dict(self._read().get(ref, {}))

    @property
    def _lock(self) -> FileLock:
        # filelock creates missing parent directories with the default mode (0755);
        # create the secrets directory first, private.
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._check_place()
        return self._file_lock

    def _check_place(self) -> None:
        """Refuse a secrets file or lock that is a symbolic link, and a directory others own or may write."""
        folder = self.path.parent
        for path in (self.path, Path(self._file_lock.lock_file)):
            if path.is_symlink():
                raise StoreError(
                    f"{path.name} é um link simbólico; o kit não segue links no lugar das credenciais",
                    file=str(path),
                    hint=f"substitua o link pelo próprio arquivo (modo 0600) em {folder}, ou aponte KIT_SECRETS "
                    "para o arquivo verdadeiro",
                )
        info = folder.stat()
        if info.st_uid not in _trusted_owners() or info.st_mode & 0o002:
            why = (
                "pertence a outro usuário"
                if info.st_uid not in _trusted_owners()
                else "pode ser alterada por qualquer usuário"
            )
            raise StoreError(
                f"a pasta das credenciais {folder} {why}: outra pessoa poderia trocar o arquivo",
                file=str(folder),
                hint=f"use uma pasta só sua: chmod 700 {folder} (como dono), ou aponte KIT_SECRETS para outra",
            )

    # -- file access -------------------------------------------------------
    def _read(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        self._check_place()
        if self.path.stat().st_uid not in _trusted_owners():
            raise StoreError(
                "o arquivo de credenciais pertence a outro usuário",
                file=str(self.path),
                hint="o arquivo de credenciais deve ser seu, com modo 0600; recrie-o com 'kit secrets set'",
            )
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            # Tighten rather than refuse: the file is ours, and refusing would
            # only push people to copy keys somewhere worse.
            os.chmod(self.path, 0o600)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError as exc:
            raise StoreError(
                f"o arquivo de credenciais não é um JSON válido (linha {exc.lineno})",
                file=str(self.path),
                hint="corrija ou apague o arquivo e grave as chaves de novo com 'kit secrets set'",
            ) from None
        if not isinstance(data, dict) or not all(
            isinstance(v, dict) and all(isinstance(x, str) for x in v.values()) for v in data.values()
        ):
            raise StoreError(
                "o arquivo de credenciais não tem a forma esperada ({referência: {chave: valor}})",
                file=str(self.path),
                hint="corrija ou remova o arquivo e guarde as chaves de novo com 'kit secrets set'",
            )
        for entries in data.values():
            for value in entries.values():
                register_secret(str(value))
        return data

    def _write(self, data: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._check_place()
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".secrets-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    @contextlib.contextmanager
    def locked(self) -> Iterator[dict[str, dict[str, str]]]:
        """Hold the lock, yield the whole mapping, write it back on success.

        Used for read-modify-write sequences such as an OAuth refresh, where
        the new refresh token must be persisted before it is used.
        """
        with self._lock:
            data = self._read()
            yield data
            self._write(data)

    # -- public API ----------------------------------------------------------
    def get(self, ref: str, key: str, default: str | None = None) -> str | None:
        """The value of ``key`` for ``ref``; an environment variable wins."""
        if self._in_database(ref, {key}):
            stored = self.tokens.read(ref).get(key)
            if stored is not None:
                return stored
        env = os.environ.get(env_var_name(ref, key))
        if env is not None:
            register_secret(env)
            return env
        with self._lock:
            value = self._read().get(ref, {}).get(key)
        return value if value is not None else default

    def require(self, ref: str, key: str, *, channel: str | None = None) -> str:
        """Like :meth:`get`, but a missing key is a :class:`ConfigurationError`."""
        value = self.get(ref, key)
        if not value:
            raise ConfigurationError(
                f"a credencial '{key}' não está definida",
                channel=channel,
                hint=f"rode 'kit secrets set {channel or ref} {key}' (o valor é lido da entrada padrão), "
                f"ou defina a variável de ambiente {env_var_name(ref, key)}",
            )
        return value

    def get_all(self, ref: str) -> dict[str, str]:
        """Every key of ``ref``, file values overridden by environment variables."""
        with self._lock:
            values = dict(self._read().get(ref, {}))
        prefix = env_var_name(ref, "")
        for name, value in os.environ.items():
            if name.startswith(prefix) and len(name) > len(prefix):
                key = name[len(prefix) :].lower()
                register_secret(value)
                values[key] = value
        if self._in_database(ref, {"refresh_token"}):
            values.update(self.tokens.read(ref))
        return values

    def set(self, ref: str, key: str, value: str) -> None:
        """Store ``value`` under ``ref``/``key`` (atomic, locked)."""
        if not value:
            raise ConfigurationError(
                f"valor vazio para '{key}': nada foi gravado",
                hint=f"informe o valor de '{key}' (ele é lido da entrada padrão)",
            )
        self.update(ref, {key: value})

    def update(self, ref: str, values: dict[str, str]) -> None:
        """Store several keys of ``ref`` in one atomic write."""
        for value in values.values():
            register_secret(str(value))
        in_db = self._in_database(ref, values)
        rotating = {k: str(v) for k, v in values.items() if k in in_db}
        static = {k: str(v) for k, v in values.items() if k not in rotating}
        if rotating:
            with self.tokens.locked(ref) as entry:
                entry.update(rotating)
        if static or not rotating:
            with self.locked() as data:
                data.setdefault(ref, {}).update(static)

    def delete(self, ref: str, key: str | None = None) -> None:
        """Remove one key, or every key of ``ref``."""
        if self._in_database(ref, [key] if key else ["refresh_token"]) and self.tokens.read(ref):
            with self.tokens.locked(ref) as entry:
                for name in [key] if key else list(entry):
                    entry.pop(name, None)
        with self.locked() as data:
            if key is None:
                data.pop(ref, None)
            else:
                data.get(ref, {}).pop(key, None)

    def list_masked(self) -> list[dict[str, str]]:
        """Names and masked values only, for ``kit secrets list``."""
        rows = []
        with self._lock:
            data = self._read()
        for ref in sorted(data):
            for key in sorted(data[ref]):
                rows.append({"ref": ref, "key": key, "value": mask(data[ref][key]), "source": "file"})
        from kit.storage import database_url

        if database_url() is not None and hasattr(self.tokens, "refs"):
            for ref in self.tokens.refs():
                for key, value in sorted(self.tokens.read(ref).items()):
                    rows.append({"ref": ref, "key": key, "value": mask(value), "source": "database"})
        for name, value in sorted(os.environ.items()):
            if name.startswith(ENV_PREFIX):
                register_secret(value)
                rows.append({"ref": name, "key": "", "value": mask(value), "source": "env"})
        return rows
