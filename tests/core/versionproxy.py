"""A small `file://` GOPROXY in a test's tmp_path and the version facts read through it, for
the tests of the version features (hover, completion, inlay hints)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from oracle.goproxy import write_proxy

from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.modpath import escape_path, escape_version
from modlsp.core.reader import read
from modlsp.core.sources.config import ProxyEntry, SourceConfig
from modlsp.core.sources.fetcher import Fetcher
from modlsp.core.versionfacts import VersionFacts


def gomod(module: str, *lines: str, go: str = "1.21") -> str:
    """A dependency's go.mod: `lines` are directives after the go line ("" for no go line)."""
    head = f"module {module}\n" + (f"\ngo {go}\n" if go else "")
    return head + "".join(f"{line}\n" for line in lines)


def lib(key: str, *lines: str, go: str = "1.21") -> dict[str, dict[str, str]]:
    """One module version for `write_proxy`: "path@version" with its go.mod and a package."""
    path = key.rpartition("@")[0]
    return {key: {"go.mod": gomod(path, *lines, go=go), "x.go": "package x\n"}}


def merge(*parts: Mapping[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for part in parts:
        out.update(part)
    return out


def proxy(root: Path, modules: Mapping[str, Mapping[str, str]]) -> Path:
    return write_proxy(root, modules)


def set_time(root: Path, path: str, version: str, when: str) -> None:
    """Give a version another publish time ("2024-03-01T12:00:00Z")."""
    info = root.joinpath(*escape_path(path).split("/"), "@v", escape_version(version) + ".info")
    info.write_text(json.dumps({"Version": version, "Time": when}) + "\n")


def untag(root: Path, path: str, pseudo: str, when: str) -> None:
    """Make `path` a module without tags: an empty list and an @latest naming `pseudo` (which
    must be written already), both with the time `when`."""
    set_time(root, path, pseudo, when)
    base = root.joinpath(*escape_path(path).split("/"))
    (base / "@v" / "list").write_text("")
    (base / "@latest").write_text(json.dumps({"Version": pseudo, "Time": when}) + "\n")


def config(root: Path | None, private: str = "") -> SourceConfig:
    """A file:// proxy at `root` (GOPROXY=off without one); `private` is GOPRIVATE and, as the
    go command defaults it, GONOPROXY."""
    if root is None:
        return SourceConfig(
            proxies=(ProxyEntry("off"),), goproxy="off", noproxy=private, private=private
        )
    return SourceConfig(
        proxies=(ProxyEntry(root.as_uri()),),
        goproxy=root.as_uri(),
        noproxy=private,
        private=private,
    )


def facts(root: Path | None, private: str = "") -> VersionFacts:
    return VersionFacts(Fetcher(config(root, private), disk=None))


def model(text: str) -> ModFile:
    return read(text.encode(), FileKind.GOMOD, "go.mod")


def offset(text: str, marker: str = "|") -> tuple[str, int]:
    """The text without the cursor marker and the marker's byte offset."""
    at = text.index(marker)
    return text[:at] + text[at + len(marker) :], len(text[:at].encode())
