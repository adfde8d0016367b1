"""Where version facts may come from: the go command's GOPROXY, GOPRIVATE and GONOPROXY, read
the way the go command reads them, with modlsp's settings on top.

The effective values come from `go env -json` when the go command is installed (it also reads
the go env file), else from the process environment. A setting the user gave modlsp wins.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from modlsp.core.modpath import match_prefix_patterns

log = logging.getLogger(__name__)

DEFAULT_GOPROXY = "https://proxy.golang.org,direct"

OFF = "off"
DIRECT = "direct"


@dataclass(frozen=True, slots=True)
class ProxyEntry:
    """One GOPROXY list entry: "off", "direct", or a URL (http, https or file)."""

    url: str
    # Joined to the next entry by "|": any error falls through, not only "not found".
    any_error_falls_through: bool = False

    @property
    def is_network(self) -> bool:
        return self.url not in (OFF, DIRECT) and not self.url.startswith("file:")


@dataclass(frozen=True, slots=True)
class SourceConfig:
    proxies: tuple[ProxyEntry, ...]
    goproxy: str  # as given: shown in messages and keys the cached lists
    noproxy: str  # GONOPROXY globs: fetched "direct" by the go command, never from a proxy
    private: str  # GOPRIVATE globs: no public links (pkg.go.dev) for these
    offline: bool = False  # only local sources: the module cache and file:// proxies
    modcache: Path | None = None
    goauth: str = "netrc"
    complaints: tuple[str, ...] = ()

    def bypasses_proxy(self, path: str) -> bool:
        return bool(self.noproxy) and match_prefix_patterns(self.noproxy, path)

    def is_private(self, path: str) -> bool:
        return bool(self.private) and match_prefix_patterns(self.private, path)

    def entries_for(self, path: str) -> tuple[ProxyEntry, ...]:
        """The proxy list the go command would walk for `path`: "direct" alone when GONOPROXY
        names it, so a private module never reaches a proxy meant for public ones."""
        if self.bypasses_proxy(path):
            return (ProxyEntry(DIRECT),)
        return self.proxies


def parse_goproxy(value: str) -> tuple[tuple[ProxyEntry, ...], list[str]]:
    """cmd/go's proxyList: entries separated by "," (fall through on not found only) or "|"
    (fall through on any error); "off" and "direct" end the list; a bare host gets https://.
    An empty value means the default."""
    if not value.strip():
        value = DEFAULT_GOPROXY
    entries: list[ProxyEntry] = []
    complaints: list[str] = []
    rest = value
    while rest:
        cut = min((i for i in (rest.find(","), rest.find("|")) if i >= 0), default=-1)
        if cut >= 0:
            url, falls, rest = rest[:cut], rest[cut] == "|", rest[cut + 1 :]
        else:
            url, falls, rest = rest, False, ""
        url = url.strip()
        if not url:
            continue
        if url in (OFF, DIRECT):
            entries.append(ProxyEntry(url))
            break  # the go command ignores what follows
        if (
            any(c in url for c in ".:/")
            and ":/" not in url
            and not url.startswith("/")
            and not Path(url).is_absolute()
        ):
            url = "https://" + url
        scheme = urlsplit(url).scheme
        if scheme not in ("http", "https", "file"):
            complaints.append(f"GOPROXY entry {url!r} is not an http, https or file URL; skipped")
            continue
        entries.append(ProxyEntry(url.rstrip("/"), falls))
    if not entries:
        complaints.append(f"GOPROXY={value!r} contains no entries; no proxy is used")
        entries.append(ProxyEntry(OFF))
    return tuple(entries), complaints


def file_url_path(url: str) -> Path:
    """The directory a file:// GOPROXY entry names."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if os.name == "nt" and PurePosixPath(path).is_absolute() and path[2:3] == ":":
        path = path[1:]  # file:///C:/dir
    return Path(path)


def public_url(url: str) -> str:
    """A proxy URL fit for messages and logs: any user:password@ part removed."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return parts._replace(netloc=host).geturl()


def public_goproxy(goproxy: str) -> str:
    """A GOPROXY list fit for logs: each entry's user:password@ removed, separators kept."""
    return "".join(
        part if part in (",", "|") else public_url(part) for part in re.split(r"([,|])", goproxy)
    )


@dataclass(frozen=True, slots=True)
class Overrides:
    """modlsp's own settings; "" leaves the go command's value."""

    goproxy: str = ""
    goprivate: str = ""
    offline: bool = False


def resolve(
    overrides: Overrides,
    go_values: Mapping[str, str] | None,
    environ: Mapping[str, str],
    modcache: Path | None,
) -> SourceConfig:
    """The effective configuration: modlsp's settings, then `go env`, then the environment."""
    values: Mapping[str, str] = go_values if go_values is not None else environ
    goproxy = overrides.goproxy or values.get("GOPROXY", "")
    private = overrides.goprivate or values.get("GOPRIVATE", "")
    # GONOPROXY defaults to GOPRIVATE (cmd/go); a GOPRIVATE setting in modlsp replaces both.
    noproxy = (values.get("GONOPROXY", "") if not overrides.goprivate else "") or private
    proxies, complaints = parse_goproxy(goproxy)
    configured_cache = values.get("GOMODCACHE", "")
    return SourceConfig(
        proxies=proxies,
        goproxy=goproxy or DEFAULT_GOPROXY,
        noproxy=noproxy,
        private=private,
        offline=overrides.offline,
        modcache=Path(configured_cache) if configured_cache else modcache,
        goauth=values.get("GOAUTH", "") or "netrc",
        complaints=tuple(complaints),
    )
