"""Rotating OAuth tokens: where the refresh token that changes at every refresh lives (two methods).

A :class:`TokenStore` keeps, per credentials reference, the keys in
:data:`ROTATING_KEYS`. :class:`~kit.connectors.auth.OAuth2Refresh` refreshes
inside :meth:`TokenStore.locked`, so among all the processes (and machines)
using one store only one calls the token endpoint and the others adopt what it
stored; the new refresh token is stored before it is used.

:class:`FileTokens` (files backend)
    The secrets file, under its cross-process file lock: one machine.
:class:`PgTokens` (``KIT_DATABASE_URL``)
    Table ``oauth_token``: one row per reference, its tokens encrypted with
    Fernet (``cryptography``) under ``KIT_TOKEN_KEY`` (several keys separated by
    commas: the first encrypts, every one decrypts); a refresh holds the row's
    lock (``SELECT ... FOR UPDATE``) until its new tokens are committed. No token
    is ever written to a worker's disk. The reference is sealed inside the
    ciphertext, so a row copied onto another reference is refused.

Static credentials (client id and secret, app keys) stay in the secrets file or
``KIT_SECRET__*``; only the rotating tokens move.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from typing import Any, Protocol

from kit.errors import ConfigurationError, StoreError
from kit.scrub import register_secret
from kit.storage import TOKEN_KEY_ENV, database_url

__all__ = [
    "ROTATING_KEYS",
    "TokenStore",
    "FileTokens",
    "PgTokens",
    "token_store",
    "close_token_stores",
    "token_cipher",
    "new_token_key",
    "TOKEN_DDL",
]

#: the keys an OAuth refresh rewrites; everything else is a static credential
ROTATING_KEYS = ("refresh_token", "access_token", "access_token_expires_at")

TOKEN_DDL = """
CREATE TABLE IF NOT EXISTS oauth_token (
  ref TEXT PRIMARY KEY, sealed TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL);
"""


class TokenStore(Protocol):
    """Where a reference's rotating tokens live."""

    def read(self, ref: str) -> dict[str, str]:
        """The stored tokens of ``ref`` (``{}`` when none)."""

    def locked(self, ref: str) -> contextlib.AbstractContextManager[dict[str, str]]:
        """Hold ``ref``'s tokens exclusively; the yielded dict is written back when the block succeeds."""


def new_token_key() -> str:
    """A fresh key for ``KIT_TOKEN_KEY`` (Fernet: 32 random bytes, URL-safe base64)."""
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode("ascii")


def token_cipher(raw: str | None = None) -> Any:
    """A ``MultiFernet`` over ``KIT_TOKEN_KEY`` (the first key encrypts, every key decrypts).

    Raises:
        ConfigurationError: the variable is missing or holds something that is not a Fernet key.
    """
    from cryptography.fernet import Fernet, MultiFernet

    raw = os.environ.get(TOKEN_KEY_ENV, "") if raw is None else raw
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    if not keys:
        raise ConfigurationError(
            f"{TOKEN_KEY_ENV} não está definida: os tokens OAuth ficam criptografados no banco de dados com ela",
            hint=f"gere uma chave com 'kit storage token-key' e defina {TOKEN_KEY_ENV} com o mesmo valor em todas as "
            "máquinas (guarde-a como as outras credenciais, nunca no banco)",
        )
    for key in keys:
        register_secret(key)
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except (ValueError, TypeError):
        raise ConfigurationError(
            f"{TOKEN_KEY_ENV} não é uma chave Fernet válida (32 bytes em base64 URL-safe)",
            hint="gere uma com 'kit storage token-key'; para trocar a chave, ponha a nova primeiro, separada da "
            "antiga por vírgula, e rode 'kit storage rewrap-tokens'",
        ) from None


class FileTokens:
    """The rotating tokens in the secrets file (one machine): what the kit always did."""

    def __init__(self, secrets: Any) -> None:
        self.secrets = secrets

    def read(self, ref: str) -> dict[str, str]:
        entry = self.secrets.file_entry(ref)
        return {k: entry[k] for k in ROTATING_KEYS if k in entry}

    @contextlib.contextmanager
    def locked(self, ref: str) -> Iterator[dict[str, str]]:
        with self.secrets.locked() as data:
            yield data.setdefault(ref, {})


class PgTokens:
    """The rotating tokens in PostgreSQL, encrypted (see the module docstring)."""

    def __init__(self, url: str, cipher: Any = None) -> None:
        from kit.storage.sql import PgSession

        self._cipher = cipher
        self.session = PgSession(url, application="canais-kit-tokens")
        self.session.ensure_schema("oauth_token", TOKEN_DDL)

    @property
    def cipher(self) -> Any:
        """The key, read when a row is first sealed or opened (a reference without tokens needs none)."""
        if self._cipher is None:
            self._cipher = token_cipher()
        return self._cipher

    def _seal(self, ref: str, tokens: dict[str, str]) -> str:
        payload = json.dumps({"ref": ref, "tokens": tokens}, sort_keys=True).encode("utf-8")
        return self.cipher.encrypt(payload).decode("ascii")

    def _open(self, ref: str, sealed: str) -> dict[str, str]:
        from cryptography.fernet import InvalidToken

        try:
            data = json.loads(self.cipher.decrypt(sealed.encode("ascii")))
        except (InvalidToken, ValueError):
            raise StoreError(
                f"os tokens OAuth de {ref} não abrem com {TOKEN_KEY_ENV}",
                hint=f"a chave mudou? ponha a chave antiga depois da nova em {TOKEN_KEY_ENV} (separadas por vírgula); "
                f"sem ela, autorize o aplicativo de novo e guarde o novo refresh token com 'kit secrets set'",
            ) from None
        if not isinstance(data, dict) or data.get("ref") != ref or not isinstance(data.get("tokens"), dict):
            raise StoreError(f"a linha de tokens de {ref} foi copiada de outra referência; o kit não a usa",
                             hint="autorize o aplicativo de novo e guarde o novo refresh token")  # fmt: skip
        tokens = {str(k): str(v) for k, v in data["tokens"].items()}
        for value in tokens.values():
            register_secret(value)
        return tokens

    def read(self, ref: str) -> dict[str, str]:
        found = self.session.query("SELECT sealed FROM oauth_token WHERE ref=?", (ref,))
        return self._open(ref, found[0][0]) if found else {}

    @contextlib.contextmanager
    def locked(self, ref: str) -> Iterator[dict[str, str]]:
        with self.session.transaction() as db:
            db.execute("INSERT INTO oauth_token(ref, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT (ref) DO NOTHING",
                       (ref, self._seal(ref, {}), time.time()))  # fmt: skip
            sealed = db.execute("SELECT sealed FROM oauth_token WHERE ref=? FOR UPDATE", (ref,)).fetchone()[0]
            tokens = self._open(ref, sealed)
            before = dict(tokens)
            yield tokens
            tokens = {k: str(v) for k, v in tokens.items() if v is not None}
            if tokens != before:
                db.execute("UPDATE oauth_token SET sealed=?, updated_at=? WHERE ref=?",
                           (self._seal(ref, tokens), time.time(), ref))  # fmt: skip

    def refs(self) -> list[str]:
        """Every reference with stored tokens."""
        return [r for (r,) in self.session.query("SELECT ref FROM oauth_token ORDER BY ref")]

    def rewrap(self) -> int:
        """Encrypt every row again with the first key (after a key rotation); returns how many rows."""
        n = 0
        for ref in self.refs():
            with self.session.transaction() as db:
                sealed = db.execute("SELECT sealed FROM oauth_token WHERE ref=? FOR UPDATE", (ref,)).fetchone()[0]
                db.execute("UPDATE oauth_token SET sealed=? WHERE ref=?", (self._seal(ref, self._open(ref, sealed)),
                                                                          ref))  # fmt: skip
            n += 1
        return n

    def close(self) -> None:
        self.session.close()


_lock = threading.Lock()
_stores: dict[str, PgTokens] = {}


def token_store(secrets: Any = None) -> TokenStore:
    """This process's token store: the database's with ``KIT_DATABASE_URL``, else the secrets file's."""
    url = database_url()
    if not url:
        if secrets is None:
            from kit.secrets import SecretsStore

            secrets = SecretsStore()
        return FileTokens(secrets)
    key = f"{url}\0{os.environ.get(TOKEN_KEY_ENV, '')}"
    with _lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = PgTokens(url)
        return store


def close_token_stores() -> None:
    """Close this process's database token stores (tests, processes that switch databases)."""
    with _lock:
        stores = list(_stores.values())
        _stores.clear()
    for store in stores:
        store.close()
