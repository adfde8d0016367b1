"""The on-disk layer of proxy answers: one SQLite file in the user cache directory.

A version's .info and .mod never change, so they are kept forever and shared by every proxy
configuration; lists, @latest and "not found" answers are kept with the time they were fetched
and trusted for a while (the caller's TTL). Several modlsp processes may share the file (WAL
mode). A broken or read-only database switches the layer off with one log line: the cache
only saves time, it never decides an answer.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import NamedTuple

import platformdirs

from modlsp.core.sources.answers import Answer, Found, Key, Kind, Missing

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
FOUND, MISSING = 0, 1


class Cached(NamedTuple):
    answer: Answer
    fetched: float  # time.time() when the proxy answered


def default_path() -> Path:
    """$MODLSP_CACHE_DIR, else the platform's user cache dir (~/.cache/modlsp on Linux)."""
    configured = os.environ.get("MODLSP_CACHE_DIR")
    base = Path(configured) if configured else Path(platformdirs.user_cache_dir("modlsp", False))
    return base / "proxy.sqlite3"


class DiskCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=2.0, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != SCHEMA_VERSION:
                db.execute("DROP TABLE IF EXISTS answers")
                db.execute("DROP TABLE IF EXISTS derived")
                db.execute(
                    "CREATE TABLE answers (scope TEXT, path TEXT, kind TEXT, version TEXT,"
                    " status INTEGER, body BLOB, fetched REAL,"
                    " PRIMARY KEY (scope, path, kind, version)) WITHOUT ROWID"
                )
                # What a version's go.mod says, parsed once for every process: a warm start
                # then reads small records instead of parsing hundreds of go.mods.
                db.execute(
                    "CREATE TABLE derived (path TEXT, version TEXT, data TEXT,"
                    " PRIMARY KEY (path, version)) WITHOUT ROWID"
                )
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._db = db
        except (sqlite3.Error, OSError) as err:
            log.warning("the proxy cache %s is not usable (%s); continuing without it", path, err)

    @staticmethod
    def _scope(key: Key, scope: str) -> str:
        # Immutable answers are the same through every proxy.
        return "" if key.kind.immutable else scope

    def load_scope(self, scope: str, limit: int = 50_000) -> dict[Key, Cached] | None:
        """Every list, @latest and "not found" answer cached for one proxy list, in one query
        (a warm start asks for hundreds of them); None when there are more than `limit`."""
        if self._db is None:
            return None
        try:
            with self._lock:
                (count,) = self._db.execute(
                    "SELECT COUNT(*) FROM answers WHERE scope = ?", (scope,)
                ).fetchone()
                if count > limit:
                    return None
                rows = self._db.execute(
                    "SELECT path, kind, version, status, body, fetched FROM answers"
                    " WHERE scope = ?",
                    (scope,),
                ).fetchall()
        except sqlite3.Error as err:
            self._disable(err)
            return None
        found: dict[Key, Cached] = {}
        for path, kind, version, status, body, fetched in rows:
            try:
                found[Key(path, Kind(kind), version)] = Cached(_answer(status, body), fetched)
            except ValueError:
                continue
        return found

    def get(self, key: Key, scope: str) -> Cached | None:
        if self._db is None:
            return None
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT status, body, fetched FROM answers"
                    " WHERE scope = ? AND path = ? AND kind = ? AND version = ?",
                    (self._scope(key, scope), key.path, key.kind.value, key.version),
                ).fetchone()
        except sqlite3.Error as err:
            self._disable(err)
            return None
        if row is None:
            return None
        status, body, fetched = row
        return Cached(_answer(status, body), fetched)

    def put(self, key: Key, scope: str, answer: Found | Missing) -> None:
        if self._db is None:
            return
        status, body = (
            (FOUND, answer.data) if isinstance(answer, Found) else (MISSING, answer.message)
        )
        try:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        self._scope(key, scope),
                        key.path,
                        key.kind.value,
                        key.version,
                        status,
                        body,
                        time.time(),
                    ),
                )
        except sqlite3.Error as err:
            self._disable(err)

    def get_derived(self, path: str, version: str) -> str | None:
        if self._db is None:
            return None
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT data FROM derived WHERE path = ? AND version = ?", (path, version)
                ).fetchone()
        except sqlite3.Error as err:
            self._disable(err)
            return None
        return str(row[0]) if row is not None else None

    def put_derived(self, path: str, version: str, data: str) -> None:
        if self._db is None:
            return
        try:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO derived VALUES (?, ?, ?)", (path, version, data)
                )
        except sqlite3.Error as err:
            self._disable(err)

    def _disable(self, err: Exception) -> None:
        log.warning("the proxy cache %s failed (%s); continuing without it", self.path, err)
        db, self._db = self._db, None
        if db is not None:
            db.close()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _answer(status: int, body: bytes | str) -> Answer:
    if status == FOUND:
        return Found(bytes(body) if not isinstance(body, str) else body.encode())
    return Missing(body if isinstance(body, str) else bytes(body).decode("utf-8", "replace"))
