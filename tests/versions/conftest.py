"""Fixtures of the version-intelligence tests: the fixture proxy directory (built once per
session, never modified by tests: build your own with `build_fixture(tmp_path)` to change
files) and a ProxyServer serving it (one per test, so that logs and faults never leak)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from .fetching import Fetchers
from .fixture import build_fixture
from .proxyserver import ProxyServer


@pytest.fixture(scope="session")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture proxy directory (`GOPROXY=fixture_root.as_uri()`)."""
    return build_fixture(tmp_path_factory.mktemp("versions") / "proxy")


@pytest.fixture
def proxy(fixture_root: Path) -> Iterator[ProxyServer]:
    """An HTTP module proxy serving `fixture_root`, stopped after the test."""
    with ProxyServer(fixture_root) as server:
        yield server


@pytest.fixture
def go_home(tmp_path: Path) -> Path:
    """A fresh home for the go command (module cache, build cache, GOPATH, HOME)."""
    home = tmp_path / "gohome"
    home.mkdir()
    return home


@pytest.fixture
async def fetchers() -> AsyncIterator[Fetchers]:
    """Builds modlsp Fetchers (reports in `fetchers.messages`), closed after the test."""
    made = Fetchers()
    yield made
    await made.close()
