"""Putting the version sources together from the environment, for the CLI and the server."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from modlsp.core import modcache
from modlsp.core.goenv import go_environment
from modlsp.core.sources.config import Overrides, SourceConfig, resolve
from modlsp.core.sources.diskcache import DiskCache, default_path
from modlsp.core.sources.fetcher import DEFAULT_TTL, Fetcher
from modlsp.core.sources.http import HttpClient, Limits
from modlsp.core.sources.netrc import load_credentials


def source_config(
    overrides: Overrides, go_command: str | None, environ: Mapping[str, str] | None = None
) -> SourceConfig:
    """The effective settings; asks `go env -json` once (about 0.1 s)."""
    env = os.environ if environ is None else environ
    go_values = go_environment(go_command)
    fallback = None
    if go_values is None or not go_values.get("GOMODCACHE"):
        fallback = modcache.locate(go_command) if go_values is None else None
    return resolve(overrides, go_values, env, fallback)


def open_fetcher(
    config: SourceConfig,
    report: Callable[[str], None],
    *,
    limits: Limits | None = None,
    ttl: float = DEFAULT_TTL,
    environ: Mapping[str, str] | None = None,
    disk: bool = True,
) -> Fetcher:
    """The fetcher for `config`; the caller reports `config.complaints`."""
    env = os.environ if environ is None else environ
    client = HttpClient(limits or Limits())
    if any(entry.is_network for entry in config.proxies):
        client.prepare()  # the caller's thread loads aiohttp and the trust store, not the loop
    return Fetcher(
        config,
        disk=DiskCache(default_path()) if disk else None,
        client=client,
        credentials=load_credentials(env, config.goauth),
        report=report,
        ttl=ttl,
    )
