"""One PostgreSQL connection as the kit uses it: SQL written once for SQLite and PostgreSQL.

The kit's SQL is written with SQLite's ``?`` placeholders and portable
statements (``INSERT ... ON CONFLICT``); :class:`PgSession` translates the
placeholders for psycopg, serialises the threads of a process on its connection,
reconnects after the server went away, and turns a lost or refused connection
into a :class:`DatabaseUnavailableError` (a :class:`~kit.errors.StoreError`
that says what to check). DDL written for SQLite goes through :func:`pg_ddl`.

The URL's password is registered with the scrubber as soon as it is read, so
it never reaches a message, a log line or a report.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import socket
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from kit.errors import StoreError

if TYPE_CHECKING:
    import psycopg

__all__ = ["PgSession", "DatabaseUnavailableError", "pg_ddl", "qmark", "lock_key", "connect", "register_url_secret"]

CONNECT_TIMEOUT_S = 10
#: TCP keepalives: a machine that vanished (cable, power) loses its locks within about a minute
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


class DatabaseUnavailableError(StoreError):
    """The PostgreSQL server could not be reached or refused the kit (exit 1: a later run may succeed)."""

    exit_code = 1


def register_url_secret(url: str) -> None:
    """Mask the URL's password wherever a message is formed."""
    from kit.scrub import register_secret

    try:
        from psycopg.conninfo import conninfo_to_dict

        password = conninfo_to_dict(url).get("password")
    except Exception:  # noqa: BLE001 - a malformed URL is reported when connecting
        password = None
    if password:
        register_secret(str(password))


def _unavailable(exc: BaseException) -> DatabaseUnavailableError:
    from kit.scrub import scrub

    detail = " ".join(scrub(str(exc)).split())[:300]
    return DatabaseUnavailableError(
        f"o banco de dados PostgreSQL não respondeu: {detail}",
        hint="verifique KIT_DATABASE_URL (endereço, porta, usuário, senha) e se o servidor está no ar; "
        "nada foi gravado pela operação interrompida",
    )


def _refused(exc: BaseException) -> StoreError:
    from kit.scrub import scrub

    detail = " ".join(scrub(str(exc)).split())[:300]
    return StoreError(
        f"o banco de dados PostgreSQL recusou a operação: {detail}",
        hint="a transação foi desfeita (nada dela ficou gravado); se persistir, informe a equipe do kit com esta linha",
    )


def connect(url: str, *, application: str = "canais-kit") -> psycopg.Connection[Any]:
    """A psycopg connection in autocommit mode, with keepalives and a connect timeout."""
    import psycopg

    register_url_secret(url)
    name = f"{application}:{socket.gethostname()}:{os.getpid()}"[:63]
    try:
        return psycopg.connect(
            url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name=name, **KEEPALIVE
        )
    except psycopg.Error as exc:
        raise _unavailable(exc) from None


@functools.lru_cache(maxsize=512)
def qmark(sql: str) -> str:
    """``?`` placeholders -> psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def pg_ddl(ddl: str) -> str:
    """SQLite DDL as PostgreSQL wants it: ``REAL`` is double precision, no ``WITHOUT ROWID``."""
    ddl = re.sub(r"\bREAL\b", "DOUBLE PRECISION", ddl)
    return re.sub(r"\)\s*WITHOUT ROWID", ")", ddl)


def lock_key(*parts: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``parts`` (the same in every process and machine)."""
    digest = hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class _Cursor:
    """What ``with session.transaction() as db`` yields: ``execute``/``executemany`` with ``?`` placeholders."""

    __slots__ = ("_conn",)

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(qmark(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        cur = self._conn.cursor()
        rows = [tuple(r) for r in rows]
        if rows:
            cur.executemany(qmark(sql), rows)
        return cur

    def executescript(self, script: str) -> None:
        self._conn.execute(script)

    def copy(self, statement: str) -> Any:
        """``COPY ... FROM STDIN`` (bulk loads): a psycopg ``Copy`` context manager."""
        return self._conn.cursor().copy(statement)


class PgSession:
    """One connection, shared by the threads of a process; SQL in the kit's portable dialect.

    Args:
        url: the ``postgresql://`` URL.
        application: shown in ``pg_stat_activity`` (with host and pid).
    """

    def __init__(self, url: str, *, application: str = "canais-kit") -> None:
        self.url = url
        self.application = application
        self._lock = threading.RLock()
        self._conn: Any = None
        self._depth = 0
        self._schemas: set[str] = set()

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    self._conn.close()
            self._conn = connect(self.url, application=self.application)
        return self._conn

    @contextlib.contextmanager
    def _guard(self) -> Iterator[Any]:
        import psycopg

        with self._lock:
            try:
                yield self._connection()
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                raise _unavailable(exc) from None
            except psycopg.Error as exc:
                raise _refused(exc) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Cursor]:
        """One transaction (rolled back on error); a nested one joins the outer one."""
        with self._guard() as conn:
            if self._depth:
                yield _Cursor(conn)
                return
            self._depth += 1
            try:
                with conn.transaction():
                    yield _Cursor(conn)
            finally:
                self._depth -= 1

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One statement (its own transaction unless inside :meth:`transaction`); returns the cursor."""
        with self._guard() as conn:
            return _Cursor(conn).execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        with self.transaction() as db:
            return db.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a query."""
        with self._guard() as conn:
            return _Cursor(conn).execute(sql, params).fetchall()

    def ensure_schema(self, name: str, ddl: str) -> None:
        """Run ``ddl`` (``CREATE ... IF NOT EXISTS``) once per session, serialised across processes."""
        if name in self._schemas:
            return
        tables = re.findall(r"CREATE (?:TABLE|INDEX) IF NOT EXISTS\s+\"?(\w+)", ddl, flags=re.I)
        if tables and all(self.query("SELECT to_regclass(?) IS NOT NULL", (t,))[0][0] for t in tables):
            self._schemas.add(name)  # already there: no DDL (a role without CREATE on the schema works too)
            return
        with self.transaction() as db:
            # Two processes creating the same table at once collide in the catalogue: take turns.
            db.execute("SELECT pg_advisory_xact_lock(?)", (lock_key("kit-schema", name),))
            db.executescript(ddl)
        self._schemas.add(name)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(Exception):
                    self._conn.close()
                self._conn = None
            self._schemas.clear()
