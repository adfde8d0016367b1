"""GOPROXY, GOPRIVATE/GONOPROXY and .netrc read the way the go command reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from modlsp.core.sources.config import (
    DEFAULT_GOPROXY,
    Overrides,
    ProxyEntry,
    parse_goproxy,
    public_goproxy,
    public_url,
    resolve,
)
from modlsp.core.sources.netrc import Credentials, load_credentials, parse_netrc


@pytest.mark.parametrize(
    ("value", "entries"),
    [
        ("", [ProxyEntry("https://proxy.golang.org"), ProxyEntry("direct")]),
        ("https://a.example", [ProxyEntry("https://a.example")]),
        # "|" falls through on any error: the flag belongs to the entry before it.
        (
            "https://a.example|https://b.example,direct",
            [
                ProxyEntry("https://a.example", True),
                ProxyEntry("https://b.example"),
                ProxyEntry("direct"),
            ],
        ),
        # A bare host gets https://; empty entries and spaces are skipped.
        (" corp.example/go , ,off", [ProxyEntry("https://corp.example/go"), ProxyEntry("off")]),
        # "off" and "direct" end the list.
        ("off,https://a.example", [ProxyEntry("off")]),
        ("direct|https://a.example", [ProxyEntry("direct")]),
        ("file:///srv/proxy/", [ProxyEntry("file:///srv/proxy")]),
        ("http://127.0.0.1:8080/base", [ProxyEntry("http://127.0.0.1:8080/base")]),
    ],
)
def test_goproxy_lists(value: str, entries: list[ProxyEntry]) -> None:
    parsed, complaints = parse_goproxy(value)
    assert (list(parsed), complaints) == (entries, [])


def test_goproxy_without_entries_is_off_with_a_complaint() -> None:
    parsed, complaints = parse_goproxy(" , | ")
    assert parsed == (ProxyEntry("off"),)
    assert complaints == ["GOPROXY=' , | ' contains no entries; no proxy is used"]


def test_goproxy_with_a_foreign_scheme_skips_it() -> None:
    parsed, complaints = parse_goproxy("ftp://x.example,https://ok.example")
    assert parsed == (ProxyEntry("https://ok.example"),)
    assert complaints == [
        "GOPROXY entry 'ftp://x.example' is not an http, https or file URL; skipped"
    ]


def test_private_modules_go_direct_never_to_a_proxy() -> None:
    config = resolve(
        Overrides(),
        {"GOPROXY": "https://p.example", "GOPRIVATE": "*.corp,git.example/team"},
        {},
        None,
    )
    assert config.entries_for("git.corp/x") == (ProxyEntry("direct"),)
    assert config.entries_for("git.example/team/lib/v2") == (ProxyEntry("direct"),)
    assert config.entries_for("git.example/other") == (ProxyEntry("https://p.example"),)
    assert config.is_private("x.corp/y") and not config.is_private("corp/y")


def test_gonoproxy_wins_over_goprivate_for_routing() -> None:
    # GOPRIVATE for links, GONOPROXY=none: private modules come from the (private) proxy.
    config = resolve(
        Overrides(),
        {"GOPROXY": "https://athens.corp", "GOPRIVATE": "corp.example", "GONOPROXY": "none"},
        {},
        None,
    )
    assert config.entries_for("corp.example/x") == (ProxyEntry("https://athens.corp"),)
    assert config.is_private("corp.example/x")


def test_settings_override_the_go_environment() -> None:
    go = {
        "GOPROXY": "https://p.example",
        "GOPRIVATE": "a.example",
        "GONOPROXY": "b.example",
        "GOMODCACHE": "/m",
    }
    config = resolve(Overrides(goproxy="off", goprivate="c.example", offline=True), go, {}, None)
    assert config.proxies == (ProxyEntry("off"),)
    assert (config.private, config.noproxy, config.offline) == ("c.example", "c.example", True)
    assert config.modcache == Path("/m")


def test_the_environment_counts_when_go_is_missing() -> None:
    config = resolve(
        Overrides(),
        None,
        {"GOPROXY": "https://env.example", "GONOPROXY": "x.example"},
        Path("/cache"),
    )
    assert config.proxies == (ProxyEntry("https://env.example"),)
    assert config.goproxy == "https://env.example"
    assert config.bypasses_proxy("x.example/y") and config.modcache == Path("/cache")
    assert resolve(Overrides(), None, {}, None).goproxy == DEFAULT_GOPROXY


def test_public_goproxy_hides_every_entrys_credentials() -> None:
    assert public_goproxy("https://me:secret@a.example,https://b.example|file:///p,off") == (
        "https://a.example,https://b.example|file:///p,off"
    )


def test_public_url_hides_credentials() -> None:
    assert public_url("https://me:secret@p.example:8443/x") == "https://p.example:8443/x"
    assert public_url("https://p.example/x") == "https://p.example/x"


NETRC = """\
machine a.example login alice password s3cret
machine b.example
  login bob
  password hunter2
macdef init
  machine c.example login mallory password nope

machine a.example login second password ignored
default
  login anon password anon
machine d.example login dan password late
"""


def test_netrc_like_the_go_command() -> None:
    found = parse_netrc(NETRC)
    assert found == {
        "a.example": Credentials("alice", "s3cret"),  # the first entry for a machine wins
        "b.example": Credentials("bob", "hunter2"),
    }
    assert "s3cret" not in repr(found)  # never in logs by accident


def test_netrc_file_from_the_environment_and_goauth(tmp_path: Path) -> None:
    file = tmp_path / "netrc"
    file.write_text("machine p.example login u password p\n")
    env = {"NETRC": str(file)}
    assert load_credentials(env, "netrc") == {"p.example": Credentials("u", "p")}
    assert load_credentials(env, "") == {"p.example": Credentials("u", "p")}
    assert load_credentials(env, "off") == {}
    assert load_credentials(env, "git /src; netrc") == {"p.example": Credentials("u", "p")}
    assert load_credentials({"NETRC": str(tmp_path / "missing")}, "netrc") == {}
