"""The requests of the module proxy protocol and their three possible answers."""

from __future__ import annotations

import enum
import json
from typing import NamedTuple

from modlsp.core.modpath import escape_path, escape_version


class Kind(enum.Enum):
    LIST = "list"  # @v/list: the tagged versions, one per line
    LATEST = "latest"  # @latest: {"Version", "Time"}, used when there are no tags
    INFO = "info"  # @v/<version>.info: {"Version", "Time"}
    MOD = "mod"  # @v/<version>.mod: that version's go.mod

    @property
    def immutable(self) -> bool:
        """A version's .info and .mod never change once published (the checksum database
        guarantees it); lists and @latest do."""
        return self in (Kind.INFO, Kind.MOD)


# The most a sane proxy sends for each request; anything bigger is refused, not read.
SIZE_CAPS = {
    Kind.LIST: 1 << 20,
    Kind.LATEST: 64 << 10,
    Kind.INFO: 64 << 10,
    Kind.MOD: 4 << 20,
}


class Key(NamedTuple):
    path: str
    kind: Kind
    version: str = ""

    def relative_url(self) -> str:
        """The request below a proxy's base URL; ValueError for a path or version that cannot
        be escaped (the caller never asks for those)."""
        base = escape_path(self.path)
        if self.kind is Kind.LIST:
            return f"{base}/@v/list"
        if self.kind is Kind.LATEST:
            return f"{base}/@latest"
        return f"{base}/@v/{escape_version(self.version)}.{self.kind.value}"

    def __str__(self) -> str:
        if self.kind is Kind.LIST:
            return f"{self.path}/@v/list"
        if self.kind is Kind.LATEST:
            return f"{self.path}@latest"
        return f"{self.path}@{self.version} (.{self.kind.value})"


class Found(NamedTuple):
    data: bytes


class Missing(NamedTuple):
    """The source answered that it does not have it (HTTP 404 or 410, or no such file)."""

    message: str


class Failed(NamedTuple):
    """No answer: the source is unreachable, broken, disabled, or sent something unusable."""

    message: str
    # The source itself is at fault (timeout, refused, 5xx, garbage): worth a backoff and one
    # message to the user. False for sources that are merely switched off ("off", "direct").
    outage: bool = True


Answer = Found | Missing | Failed


def malformed(key: Key, data: bytes) -> str | None:
    """Why a 200 answer cannot be used, None when it can: .info and @latest must be a JSON
    object naming a version (cmd/go rejects anything else the same way)."""
    if key.kind in (Kind.INFO, Kind.LATEST):
        try:
            value = json.loads(data)
        except ValueError:
            return f"invalid JSON in the {key.kind.value} response for {key}"
        if not isinstance(value, dict) or not isinstance(value.get("Version"), str):
            return f"no Version in the {key.kind.value} response for {key}"
    return None
