"""GOPROXY layout on disk: a `file://` proxy, and the module cache's `cache/download`, which
has the same layout and serves as the offline source."""

from __future__ import annotations

import os
from pathlib import Path

from modlsp.core import semver
from modlsp.core.modpath import unescape_version
from modlsp.core.pseudo import is_pseudo_version
from modlsp.core.sources.answers import (
    SIZE_CAPS,
    Answer,
    Failed,
    Found,
    Key,
    Kind,
    Missing,
    malformed,
)


class DirectorySource:
    def __init__(self, root: Path, label: str, *, module_cache: bool = False) -> None:
        self.root = root
        self.label = label
        # The module cache has a `list` only where the go command once fetched one; it lists
        # the versions it holds otherwise.
        self._module_cache = module_cache

    async def get(self, key: Key) -> Answer:
        return self.read(key)

    def read(self, key: Key) -> Answer:
        try:
            file = self.root / key.relative_url()
        except ValueError as err:
            return Missing(f"{key}: {err}")
        try:
            size = file.stat().st_size
            if size > SIZE_CAPS[key.kind]:
                return Failed(f"{self.label}: {key}: file larger than the cap ({size} bytes)")
            data = file.read_bytes()
        except FileNotFoundError:
            if key.kind is Kind.LIST and self._module_cache:
                return self._held_versions(file.parent)
            return Missing(f"{key}: not found in {self.label}")
        except NotADirectoryError:
            return Missing(f"{key}: not found in {self.label}")
        except OSError as err:
            return Failed(f"{self.label}: {key}: {err.strerror or err}")
        problem = malformed(key, data)
        if problem:  # the same rule as for a proxy's answer: callers parse what they get
            return Failed(f"{self.label}: {problem}")
        if key.kind is Kind.LIST and self._module_cache:
            held = self._held_versions(file.parent)
            if isinstance(held, Found) and held.data:
                data = data.rstrip(b"\n") + b"\n" + held.data if data.strip() else held.data
        return Found(data)

    def _held_versions(self, directory: Path) -> Answer:
        versions: set[str] = set()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            return Missing(f"no versions of this module in {self.label}")
        for entry in entries:
            stem, dot, ext = entry.name.rpartition(".")
            if not dot or ext not in ("info", "mod", "zip"):
                continue
            try:
                version = unescape_version(stem)
            except ValueError:
                continue
            if semver.is_valid(version) and not is_pseudo_version(version):
                versions.add(version)
        if not versions:
            return Missing(f"no versions of this module in {self.label}")
        return Found("".join(f"{v}\n" for v in semver.sort_versions(versions)).encode())
