"""VersionFacts on the fixture over HTTP (the test proxy): catalogs with retractions,
deprecation, pseudo-version-only modules and +incompatible versions, newer majors (/vN and
gopkg.in), case-escaped paths, "not found" versus "unknown", and facts asked again once a
proxy that failed is back."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from modlsp.core.sources.fetcher import FIRST_BACKOFF
from modlsp.core.versionfacts import Info, NotFound, Unknown, VersionFacts
from modlsp.core.versionquery import Catalog, Level, ModFacts, Retraction

from .fetching import Clock, Fetchers
from .fixture import (
    ALPHA,
    ALPHA_RETRACT_RATIONALE,
    ALPHA_V2,
    ALPHA_V3,
    ALPHA_V4,
    BETA,
    BETA_DEPRECATION,
    DELTA,
    DELTA_PSEUDO,
    GOPKG_V1,
    GOPKG_V2,
    INCOMPAT,
    LISTED,
    RETRACTIONS,
    UPPER,
)
from .proxyserver import Fault, ProxyServer, refused_url


def facts_for(fetchers: Fetchers, url: str, clock: Clock | None = None) -> VersionFacts:
    return VersionFacts(fetchers.new(url, clock=clock))


async def test_catalogs(proxy: ProxyServer, fetchers: Fetchers) -> None:
    facts = facts_for(fetchers, proxy.url)
    alpha = await facts.catalog(ALPHA)
    assert alpha == Catalog(
        path=ALPHA,
        versions=LISTED[ALPHA],
        latest="v1.2.1",  # the latest release, not the newer pre-release
        retractions=tuple(Retraction(*r) for r in RETRACTIONS[ALPHA]),
        deprecated="",
    )
    retraction = alpha.retraction("v1.1.0")
    assert retraction is not None and retraction.message == ALPHA_RETRACT_RATIONALE
    assert [v for v in alpha.versions if alpha.allowed(v)] == ["v1.2.0", "v1.2.1", "v1.3.0-beta.1"]

    beta = await facts.catalog(BETA)
    assert isinstance(beta, Catalog) and beta.deprecated == BETA_DEPRECATION

    delta = await facts.catalog(DELTA)
    assert delta == Catalog(
        path=DELTA,
        versions=(),
        latest=DELTA_PSEUDO,
        retractions=(),
        deprecated="",
        pseudo_latest=DELTA_PSEUDO,
    )
    assert delta.newest() == DELTA_PSEUDO

    incompat = await facts.catalog(INCOMPAT)
    assert isinstance(incompat, Catalog)
    assert incompat.versions == LISTED[INCOMPAT]
    assert not incompat.compatible_has_gomod  # so +incompatible versions count
    assert incompat.latest == "v2.1.0+incompatible"
    assert incompat.query(Level.MINOR, "v1.0.0") == "v2.1.0+incompatible"

    upper = await facts.catalog(UPPER)
    assert isinstance(upper, Catalog) and upper.versions == LISTED[UPPER]
    assert "/example.com/!upper/!case/@v/list" in proxy.paths()
    assert "/example.com/delta/@latest" in proxy.paths()  # asked only for the empty list
    assert not any(p.endswith("/@latest") and "delta" not in p for p in proxy.paths())


async def test_newer_majors(proxy: ProxyServer, fetchers: Fetchers) -> None:
    facts = facts_for(fetchers, proxy.url)
    found = await facts.newer_major(ALPHA)
    assert found is not None and found.path == ALPHA_V3  # v4 has only a pre-release
    found = await facts.newer_major(ALPHA_V2)
    assert found is not None and found.path == ALPHA_V3
    assert await facts.newer_major(ALPHA_V3) is None
    found = await facts.newer_major(GOPKG_V1)
    assert found is not None and found.path == GOPKG_V2
    assert await facts.newer_major(GOPKG_V2) is None
    assert await facts.newer_major(BETA) is None
    assert f"/{ALPHA_V4}/@v/list" in proxy.paths()
    assert "/gopkg.in/fix.v3/@v/list" in proxy.paths()


async def test_gomod_and_info(proxy: ProxyServer, fetchers: Fetchers) -> None:
    facts = facts_for(fetchers, proxy.url)
    mod = await facts.gomod(ALPHA, "v1.2.1")
    assert isinstance(mod, ModFacts) and mod.has_gomod and mod.go == "1.21"
    assert mod.retractions == tuple(Retraction(*r) for r in RETRACTIONS[ALPHA])
    synthesized = await facts.gomod(INCOMPAT, "v2.1.0+incompatible")
    assert isinstance(synthesized, ModFacts) and not synthesized.has_gomod
    assert isinstance(await facts.gomod(ALPHA, "v9.9.9"), NotFound)
    assert isinstance(await facts.catalog("example.com/nonexistent"), NotFound)
    assert await facts.info(ALPHA, "v1.2.1") == Info(
        "v1.2.1", datetime(2024, 1, 2, 8, 4, 5, tzinfo=timezone.utc)
    )
    assert await facts.info(ALPHA, "v9.9.9") is None


async def test_requirement(proxy: ProxyServer, fetchers: Fetchers) -> None:
    facts = facts_for(fetchers, proxy.url)
    [req] = await facts.requirements([(ALPHA, "v1.1.0"), (ALPHA, "v1.1.0")])
    assert isinstance(req.catalog, Catalog) and isinstance(req.gomod, ModFacts)
    assert req.catalog.query(Level.MINOR, "v1.1.0") == "v1.2.1"
    assert req.newer_major is not None and req.newer_major.path == ALPHA_V3
    assert facts.known_requirement(ALPHA, "v1.1.0") == req


async def test_unknown_when_the_proxy_is_down(fetchers: Fetchers) -> None:
    facts = facts_for(fetchers, refused_url())
    catalog = await facts.catalog(ALPHA)
    assert isinstance(catalog, Unknown) and "cannot connect" in catalog.message
    assert isinstance(await facts.gomod(ALPHA, "v1.2.1"), Unknown)
    assert await facts.newer_major(ALPHA) is None
    assert await facts.info(ALPHA, "v1.2.1") is None
    assert len(fetchers.messages) == 1


async def test_facts_are_asked_again_once_the_proxy_is_back(
    fixture_root: Path, fetchers: Fetchers
) -> None:
    clock = Clock()
    faults = [
        Fault("status", status=500, suffix="/@v/v1.2.1.mod"),  # alpha's retractions
        Fault("status", status=500, prefix="/example.com/alpha/v"),  # its newer majors
    ]
    with ProxyServer(fixture_root, faults=faults) as server:
        facts = facts_for(fetchers, server.url, clock)
        catalog = await facts.catalog(ALPHA)
        # The list came, the latest release's go.mod did not: no retractions for now.
        assert isinstance(catalog, Catalog) and catalog.retractions == ()
        assert await facts.newer_major(ALPHA) is None
        assert facts.listed(ALPHA) == catalog  # what there is, meanwhile

        server.clear_faults()
        clock.advance(FIRST_BACKOFF)
        catalog = await facts.catalog(ALPHA)
        assert isinstance(catalog, Catalog) and len(catalog.retractions) == 2
        found = await facts.newer_major(ALPHA)
        assert found is not None and found.path == ALPHA_V3
        server.clear()
        # Complete now: remembered.
        assert await facts.catalog(ALPHA) == catalog
        assert await facts.newer_major(ALPHA) == found
        assert server.requests == []
