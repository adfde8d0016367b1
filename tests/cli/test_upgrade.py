"""`modlsp check --upgrades` and `modlsp upgrade` through the real command line, against the
fixture module proxy on 127.0.0.1 (tests/versions)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from versions.fixture import MAIN_GOMOD, MAIN_PATH, build_fixture, gomod_text
from versions.proxyserver import ProxyServer, refused_url

from modlsp.core.versioncheck import CODES


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("upgrade-cli") / "proxy")


@pytest.fixture
def proxy(fixture_root: Path) -> Iterator[ProxyServer]:
    with ProxyServer(fixture_root) as server:
        yield server


def run(*args: str, cwd: Path, goproxy: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modlsp", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={
            **os.environ,
            "GOPROXY": goproxy,
            "GOMODCACHE": str(cwd / "no-modcache"),
            "MODLSP_CACHE_DIR": str(cwd / "cache"),
            **env,
        },
    )


def version_lines(stdout: str) -> list[str]:
    """The findings of the version checks (the module's tidy findings are tested elsewhere)."""
    return [line for line in stdout.splitlines() if line.rsplit("[", 1)[-1].rstrip("]") in CODES]


def test_check_upgrades_reports_what_the_proxy_knows(tmp_path: Path, proxy: ProxyServer) -> None:
    (tmp_path / "go.mod").write_text(MAIN_GOMOD)
    result = run("check", "--upgrades", "go.mod", cwd=tmp_path, goproxy=proxy.url)
    assert result.returncode == 0, result.stderr
    assert version_lines(result.stdout) == [
        "go.mod:6:2: information: example.com/alpha/v3 v3.2.0 is available [newer-major-version]",
        "go.mod:6:20: warning: example.com/alpha@v1.1.0 is retracted: Broken build on Windows."
        " [retracted-version]",
        "go.mod:7:2: warning: example.com/beta is deprecated: use example.com/gamma instead."
        " [deprecated-module]",
        "go.mod:7:19: information: example.com/beta can be upgraded to v0.3.0 [upgrade-available]",
        "go.mod:8:20: warning: example.com/gamma@v1.4.0 requires go >= 1.23 (this module says go"
        " 1.21; the go command would raise it) [requires-newer-go]",
        "go.mod:8:20: information: example.com/gamma can be upgraded to v1.5.0 [upgrade-available]",
        "go.mod:10:26: warning: example.com/selfretract@v1.0.1 is retracted: Published by"
        " mistake. [retracted-version]",
        "go.mod:11:25: information: example.com/Upper/Case can be upgraded to v1.1.0"
        " [upgrade-available]",
        "go.mod:12:23: information: example.com/incompat can be upgraded to v2.1.0+incompatible"
        " [upgrade-available]",
        # MVS already selects v1.1.0 (graph/a requires it); the line can say so.
        "go.mod:14:22: information: example.com/graph/b can be upgraded to v1.1.0"
        " [upgrade-available]",
    ]
    assert result.stderr == ""


def test_check_without_upgrades_never_asks_the_proxy(tmp_path: Path, proxy: ProxyServer) -> None:
    (tmp_path / "go.mod").write_text(MAIN_GOMOD)
    result = run("check", "go.mod", cwd=tmp_path, goproxy=proxy.url)
    assert version_lines(result.stdout) == []
    assert proxy.requests == []


def test_private_modules_never_reach_the_proxy(tmp_path: Path, proxy: ProxyServer) -> None:
    gomod = gomod_text(
        MAIN_PATH, "1.21", require=("private.corp/secret v1.0.0", "example.com/beta v0.3.0")
    )
    (tmp_path / "go.mod").write_text(gomod)
    result = run(
        "check", "--upgrades", "go.mod", cwd=tmp_path, goproxy=proxy.url, GOPRIVATE="private.corp"
    )
    assert result.returncode == 0, result.stderr
    asked = proxy.paths()
    assert any(p.startswith("/example.com/beta/") for p in asked)
    assert not [p for p in asked if "private.corp" in p]
    # Said once: modlsp does not fetch from version control.
    assert result.stderr.count("does not fetch modules from version control") == 1


def test_an_unreachable_proxy_is_one_message_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text(MAIN_GOMOD)
    result = run("check", "--upgrades", "go.mod", cwd=tmp_path, goproxy=refused_url())
    assert result.returncode == 0, result.stderr
    assert version_lines(result.stdout) == []
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "is not answering (" in lines[0] and "cannot connect" in lines[0]


def test_upgrade_diff_raises_direct_requirements(tmp_path: Path, proxy: ProxyServer) -> None:
    (tmp_path / "go.mod").write_text(MAIN_GOMOD)
    result = run("upgrade", "--diff", cwd=tmp_path, goproxy=proxy.url)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("-\t")] == [
        "-\texample.com/alpha v1.1.0",
        "-\texample.com/beta v0.2.0",
        "-\texample.com/gamma v1.4.0",
        "-\texample.com/Upper/Case v1.0.0",
        "-\texample.com/incompat v1.0.0",
        "-\texample.com/graph/b v1.0.0",
    ]
    assert [line for line in lines if line.startswith("+\t")] == [
        "+\texample.com/alpha v1.2.1",
        "+\texample.com/beta v0.3.0",
        "+\texample.com/gamma v1.5.0",
        "+\texample.com/Upper/Case v1.1.0",
        "+\texample.com/incompat v2.1.0+incompatible",
        "+\texample.com/graph/b v1.1.0",
    ]
    assert "modlsp: upgraded example.com/alpha v1.1.0 => v1.2.1" in result.stderr.splitlines()
    assert (tmp_path / "go.mod").read_text() == MAIN_GOMOD  # --diff never writes


def test_upgrade_patch_and_explicit_versions_write(tmp_path: Path, proxy: ProxyServer) -> None:
    gomod = gomod_text(
        MAIN_PATH,
        "1.21",
        require=("example.com/gamma v1.4.0", "example.com/alpha v1.2.0", "example.com/beta v0.1.0"),
    )
    (tmp_path / "go.mod").write_text(gomod)
    result = run(
        "upgrade",
        "-w",
        "--patch",
        "example.com/gamma",
        "example.com/alpha@latest",
        "example.com/beta@v0.2.0",
        cwd=tmp_path,
        goproxy=proxy.url,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "go.mod").read_text() == gomod_text(
        MAIN_PATH,
        "1.21",
        require=("example.com/gamma v1.4.1", "example.com/alpha v1.2.1", "example.com/beta v0.2.0"),
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "example.com/alpha@v9.9.9",
            "example.com/alpha@v9.9.9: not found: example.com/alpha@v9.9.9",
        ),
        ("example.com/other", "example.com/other is not required by this module"),
        ("example.com/alpha@v1.2", "example.com/alpha@v1.2: not a canonical version"),
    ],
)
def test_upgrade_refuses_what_it_cannot_do(
    tmp_path: Path, proxy: ProxyServer, target: str, message: str
) -> None:
    (tmp_path / "go.mod").write_text(MAIN_GOMOD)
    result = run("upgrade", "-w", target, cwd=tmp_path, goproxy=proxy.url)
    assert result.returncode == 2
    assert message in result.stderr
    assert (tmp_path / "go.mod").read_text() == MAIN_GOMOD
