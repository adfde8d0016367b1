"""Analysed snapshots of open documents, one per (uri, version), computed on demand."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from modlsp.core.analysis import Analysis, CheckOptions, FileKind, analyze
from modlsp.core.problems import Problem
from modlsp.lsp.positions import PositionMapper


@dataclass(frozen=True, slots=True)
class Snapshot:
    uri: str
    version: int | None
    data: bytes
    analysis: Analysis
    mapper: PositionMapper
    disabled: frozenset[str]

    @property
    def problems(self) -> list[Problem]:
        return [p for p in self.analysis.problems if p.code not in self.disabled]


def file_name(uri: str) -> str:
    path = unquote(urlparse(uri).path) or uri
    return path.rstrip("/").rsplit("/", 1)[-1]


class Snapshots:
    """Caches the latest analysis of each document; a new version replaces the old one."""

    def __init__(self) -> None:
        self._latest: dict[str, Snapshot] = {}

    def get(
        self,
        uri: str,
        kind: FileKind,
        version: int | None,
        text: str,
        encoding: str,
        options: CheckOptions,
        disabled: frozenset[str],
    ) -> Snapshot:
        cached = self._latest.get(uri)
        if (
            cached is not None
            and cached.version == version
            and cached.disabled == disabled
            and (version is not None or cached.data == text.encode("utf-8", "surrogatepass"))
        ):
            return cached
        data = text.encode("utf-8", "surrogatepass")
        analysis = analyze(data, kind, file_name(uri), options)
        snapshot = Snapshot(uri, version, data, analysis, PositionMapper(data, encoding), disabled)
        self._latest[uri] = snapshot
        return snapshot

    def forget(self, uri: str) -> None:
        self._latest.pop(uri, None)

    def clear(self) -> None:
        self._latest.clear()
