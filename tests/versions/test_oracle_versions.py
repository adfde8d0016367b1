"""modlsp's version facts against the go command's, on the fixture proxy, over HTTP and file://.

- versions: `go list -m -versions [-retracted]` = the catalog's versions, retracted ones
  hidden unless asked (cmd/go hides them);
- updates: `go list -m -u -json all` in several main modules: `Update` = the "minor" query
  (cmd/go's "upgrade"), `Retracted` = the retraction covering the required version,
  `Deprecated` = the catalog's deprecation;
- queries: `go list -m PATH@patch` / `@latest` = the patch / latest queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modlsp.core.modfile import FileKind
from modlsp.core.reader import read
from modlsp.core.sources.config import ProxyEntry, SourceConfig
from modlsp.core.sources.fetcher import Fetcher
from modlsp.core.versionfacts import VersionFacts
from modlsp.core.versionquery import Catalog, Level

from .fixture import (
    ALPHA,
    ALPHA_V3,
    BETA,
    DELTA,
    DELTA_PSEUDO,
    GAMMA,
    GOPKG_V1,
    GRAPH_A,
    GRAPH_B,
    INCOMPAT,
    LISTED,
    MAIN_GOMOD,
    MAIN_PATH,
    PRIVATE_PATTERN,
    SELFRETRACT,
    UPPER,
    gomod_text,
)
from .gooracle import go_list_updates, go_query, go_versions_of
from .proxyserver import ProxyServer

PUBLIC = sorted(p for p in LISTED if not p.startswith(PRIVATE_PATTERN))

# Main modules whose requirements cover every query path: retracted (single and range),
# self-retracting latest, deprecated, pseudo-only, +incompatible, pre-release current, /vN.
MAINS = {
    "fixture": MAIN_GOMOD,
    "older": gomod_text(
        MAIN_PATH,
        "1.21",
        require=(
            f"{ALPHA} v1.0.0",
            f"{BETA} v0.3.0",
            f"{GAMMA} v1.3.0",
            f"{SELFRETRACT} v1.0.0",
            f"{INCOMPAT} v2.0.0+incompatible",
            f"{ALPHA_V3} v3.0.0",
            f"{GOPKG_V1} v1.0.0",
        ),
    ),
    "prerelease": gomod_text(
        MAIN_PATH, "1.21", require=(f"{ALPHA} v1.3.0-beta.1", f"{UPPER} v1.1.0")
    ),
}


@pytest.fixture(params=["http", "file"])
def proxy_url(request: pytest.FixtureRequest, fixture_root: Path) -> Iterator[str]:
    if request.param == "file":
        yield fixture_root.as_uri()
        return
    with ProxyServer(fixture_root) as server:
        yield server.url


def _facts(url: str) -> VersionFacts:
    config = SourceConfig(proxies=(ProxyEntry(url),), goproxy=url, noproxy="", private="")
    return VersionFacts(Fetcher(config))


async def _catalogs(url: str, paths: list[str]) -> dict[str, Catalog]:
    facts = _facts(url)
    found = {p: await facts.catalog(p) for p in paths}
    await facts.fetcher.close()
    assert all(isinstance(c, Catalog) for c in found.values()), found
    return {p: c for p, c in found.items() if isinstance(c, Catalog)}


async def test_versions_agree_with_go_list_versions(proxy_url: str, go_home: Path) -> None:
    shown = go_versions_of(proxy_url, PUBLIC, go_home)
    everything = go_versions_of(proxy_url, PUBLIC, go_home, retracted=True)
    catalogs = await _catalogs(proxy_url, PUBLIC)
    for path in PUBLIC:
        catalog = catalogs[path]
        assert list(catalog.versions) == everything[path], path
        assert [v for v in catalog.versions if catalog.allowed(v)] == shown[path], path


@pytest.mark.parametrize("main", sorted(MAINS))
async def test_updates_retractions_deprecations_agree_with_go_list_u(
    proxy_url: str, go_home: Path, main: str
) -> None:
    gomod = MAINS[main]
    go = go_list_updates(proxy_url, gomod, go_home)
    model = read(gomod.encode(), FileKind.GOMOD, "go.mod")
    catalogs = await _catalogs(proxy_url, [r.path for r in model.requires])
    for require in model.requires:
        ours = catalogs[require.path]
        theirs: dict[str, Any] = go[require.path]
        if theirs["Version"] != require.version:
            continue  # MVS selected another version (graph/b): compared in the inlay hints
        update = ours.query(Level.MINOR, require.version)
        assert update == (theirs.get("Update") or {}).get("Version"), require.path
        retraction = ours.retraction(require.version)
        assert ([retraction.message] if retraction else None) == theirs.get("Retracted"), (
            require.path
        )
        assert (ours.deprecated or None) == theirs.get("Deprecated"), require.path


def test_the_fixture_main_module_selects_a_higher_graph_b(
    go_home: Path, fixture_root: Path
) -> None:
    # The fact the inlay hints show; here only to pin what go says about the fixture.
    go = go_list_updates(fixture_root.as_uri(), MAIN_GOMOD, go_home)
    assert go[GRAPH_B]["Version"] == "v1.1.0" and go[GRAPH_A]["Version"] == "v1.0.0"


@pytest.mark.parametrize(
    ("path", "current", "query"),
    [
        (GAMMA, "v1.4.0", "patch"),
        (GAMMA, "v1.3.0", "patch"),
        (ALPHA, "v1.2.0", "patch"),
        (UPPER, "v1.0.0", "patch"),
        (ALPHA, "v1.2.0", "latest"),
        (DELTA, DELTA_PSEUDO, "latest"),
        (INCOMPAT, "v1.0.0", "latest"),
        (SELFRETRACT, "v1.0.0", "latest"),
        (BETA, "v0.1.0", "upgrade"),
    ],
)
async def test_queries_agree_with_go(
    proxy_url: str, go_home: Path, path: str, current: str, query: str
) -> None:
    gomod = gomod_text(MAIN_PATH, "1.21", require=(f"{path} {current}",))
    theirs = go_query(proxy_url, path, query, go_home, main_gomod=gomod)
    assert "Error" not in theirs, theirs
    level = {"patch": Level.PATCH, "upgrade": Level.MINOR, "latest": Level.LATEST}[query]
    catalog = (await _catalogs(proxy_url, [path]))[path]
    ours = catalog.query(level, current) or current
    if level is Level.LATEST:
        ours = catalog.newest() or current
    assert ours == theirs["Version"]
