"""The Go module cache as a local, read-only source of facts about dependencies.

Layout (the go command's, also the GOPROXY layout under `cache/download`):
- `cache/download/<escaped path>/@v/<escaped version>.mod`: each version's go.mod, present for
  every module the go command ever put in a module graph;
- `.info` / `.zip` beside it for versions whose source was downloaded, and `list` when a
  version list was ever fetched;
- `<escaped path>@<escaped version>/`: the extracted source tree.

Nothing here touches the network or writes anything.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from modlsp.core import semver
from modlsp.core.goenv import go_env
from modlsp.core.modpath import escape_path, escape_version, unescape_version

log = logging.getLogger(__name__)

# A go.mod bigger than this is not a go.mod anyone wrote; refuse rather than read it all.
MAX_GOMOD_BYTES = 4 << 20


@dataclass(frozen=True, slots=True)
class ModuleCache:
    root: Path  # $GOMODCACHE

    def _download_dir(self, path: str) -> Path | None:
        try:
            return self.root / "cache" / "download" / escape_path(path) / "@v"
        except ValueError:
            return None

    def gomod(self, path: str, version: str) -> bytes | None:
        """The go.mod of `path@version` as the go command saw it, None when not cached."""
        directory = self._download_dir(path)
        if directory is None:
            return None
        try:
            file = directory / f"{escape_version(version)}.mod"
            if file.stat().st_size > MAX_GOMOD_BYTES:
                log.warning("ignoring %s: larger than %d bytes", file, MAX_GOMOD_BYTES)
                return None
            return file.read_bytes()
        except (OSError, ValueError):
            return None

    def source_dir(self, path: str, version: str) -> Path | None:
        """The extracted source tree of `path@version`, None when it was never extracted."""
        try:
            directory = self.root / f"{escape_path(path)}@{escape_version(version)}"
        except ValueError:
            return None
        return directory if directory.is_dir() else None

    def versions(self, path: str) -> list[str]:
        """Versions whose source the cache holds (`.zip` or `.info` downloaded), sorted."""
        directory = self._download_dir(path)
        if directory is None:
            return []
        found: set[str] = set()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            return []
        for entry in entries:
            stem, dot, ext = entry.name.rpartition(".")
            if not dot or ext not in ("info", "zip"):
                continue
            try:
                version = unescape_version(stem)
            except ValueError:
                continue
            if semver.is_valid(version):
                found.add(version)
        return semver.sort_versions(found)


def locate(go: str | None = None, timeout: float = 10.0) -> Path | None:
    """$GOMODCACHE as the go command resolves it: the environment, then `go env` (which also
    reads the go env file), then GOPATH's first entry + /pkg/mod, then ~/go/pkg/mod."""
    configured = os.environ.get("GOMODCACHE")
    if configured:
        return Path(configured)
    value = go_env("GOMODCACHE", go, timeout)
    if value:
        return Path(value)
    gopath = os.environ.get("GOPATH", "").split(os.pathsep)[0]
    if gopath:
        return Path(gopath, "pkg", "mod")
    try:
        return Path.home() / "go" / "pkg" / "mod"
    except RuntimeError:  # no home directory
        return None
