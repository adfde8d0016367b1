"""The server's version-facts state, apart from the handlers so that the server can own it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from modlsp.core.versionfacts import VersionFacts

Pair = tuple[str, str]


@dataclass(slots=True)
class VersionState:
    """The server's version facts, rebuilt when the settings that shape them change."""

    facts: VersionFacts | None = None
    key: tuple[object, ...] = ()
    building: asyncio.Task[VersionFacts] | None = None
    building_key: tuple[object, ...] = ()
    checked: set[str] = field(default_factory=set)  # uris whose upgrades the user asked for
    attempted: dict[Pair, float] = field(default_factory=dict)  # when each pair was gathered
    gathering: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    lens_counts: dict[str, int] = field(default_factory=dict)  # "Upgrade all (N)" as last shown
    # uri -> the requirements whose graph go.mods were last fetched for its inlay hints.
    graphs_fetched: dict[str, frozenset[Pair]] = field(default_factory=dict)
