"""Version hover: the token under the cursor, the facts gathered from a real file:// proxy, and
the Markdown (upgrades with dates, newer major, retraction, deprecation, replacement, link)."""

from __future__ import annotations

from pathlib import Path

import pytest

from modlsp.core.modfile import FileKind
from modlsp.core.reader import read
from modlsp.core.text import Span
from modlsp.core.versionfacts import NotFound, Unknown
from modlsp.core.versionhover import (
    HoverTarget,
    Role,
    VersionHoverFacts,
    gather,
    hover_target,
    pkg_go_dev,
    render,
    replacement_in_effect,
)
from modlsp.core.versionquery import Catalog

from .versionproxy import config, facts, lib, merge, model, offset, proxy, set_time

MODULES = merge(
    lib("example.com/x@v1.0.0"),
    lib("example.com/x@v1.1.0"),
    lib("example.com/x@v1.2.0"),
    lib("example.com/x@v1.2.1"),
    lib("example.com/x@v1.3.0", "retract v1.1.0 // leaks memory"),
    lib("example.com/x@v1.4.0-rc.1"),
    lib("example.com/x/v2@v2.0.0"),
    lib("example.com/x/v2@v2.1.0"),
    lib("example.com/old@v0.1.0"),
    {
        "example.com/old@v0.2.0": {
            "go.mod": "// Deprecated: use example.com/new instead.\nmodule example.com/old\n",
            "x.go": "package old\n",
        }
    },
    lib("example.com/fork@v1.1.0"),
    lib("private.corp/secret@v1.0.0"),
)

TIMES = {
    "v1.2.0": "2024-01-10T10:00:00Z",
    "v1.2.1": "2024-03-01T10:00:00Z",
    "v1.3.0": "2024-04-02T23:30:00-03:00",  # 2024-04-03 in UTC
}

GOMOD = """module example.com/m

go 1.21

require (
	example.com/x v1.2.0
	example.com/old v0.1.0 // indirect
	private.corp/secret v1.0.0
	example.com/gone v1.0.0
)

require example.com/bad master

replace example.com/x => ../x

replace example.com/x v1.2.0 => example.com/fork v1.1.0

replace example.com/old v0.1.0 => ./old

exclude example.com/x v1.2.1
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    built = proxy(tmp_path / "proxy", MODULES)
    for version, when in TIMES.items():
        set_time(built, "example.com/x", version, when)
    return built


def at(text: str, marker: str) -> int:
    """The byte offset of the first `marker` in `text` (a cursor on its first byte)."""
    return len(text[: text.index(marker)].encode())


@pytest.mark.parametrize(
    ("marker", "path", "version", "role", "word"),
    [
        ("example.com/x v1.2.0", "example.com/x", "v1.2.0", Role.REQUIRE, "example.com/x"),
        ("v1.2.0\n\texample.com/old", "example.com/x", "v1.2.0", Role.REQUIRE, "v1.2.0"),
        ("old v0.1.0 //", "example.com/old", "v0.1.0", Role.REQUIRE, "example.com/old"),
        # The wildcard replace's old path: the version the file requires.
        ("x => ../x", "example.com/x", "v1.2.0", Role.REPLACE_OLD, "example.com/x"),
        ("v1.2.0 => example.com/fork", "example.com/x", "v1.2.0", Role.REPLACE_OLD, "v1.2.0"),
        ("fork v1.1.0", "example.com/fork", "v1.1.0", Role.REPLACE_NEW, "example.com/fork"),
        ("v1.1.0\n", "example.com/fork", "v1.1.0", Role.REPLACE_NEW, "v1.1.0"),
        ("x v1.2.1", "example.com/x", "v1.2.1", Role.EXCLUDE, "example.com/x"),
        ("v1.2.1", "example.com/x", "v1.2.1", Role.EXCLUDE, "v1.2.1"),
        # An invalid version: facts about the module only.
        ("master", "example.com/bad", "", Role.REQUIRE, "master"),
    ],
)
def test_hover_target(marker: str, path: str, version: str, role: Role, word: str) -> None:
    parsed = model(GOMOD)
    start = at(GOMOD, marker)
    found = hover_target(parsed, start)
    assert found is not None
    assert (found.path, found.version, found.role) == (path, version, role)
    assert found.span.start <= start < found.span.end
    assert GOMOD.encode()[found.span.start : found.span.end] == word.encode()
    # The cursor touching the token's end still hovers it.
    assert hover_target(parsed, found.span.end) == found
    if path == "example.com/x":
        assert found.excluded == frozenset({"v1.2.1"})


@pytest.mark.parametrize(
    "marker",
    ["module", "go 1.21", "require (", "=> ../x", "../x", "./old", "// indirect", "1.21"],
)
def test_no_hover_target(marker: str) -> None:
    assert hover_target(model(GOMOD), at(GOMOD, marker) + 1) is None


def test_hover_target_crlf_and_non_ascii() -> None:
    text, cursor = offset(
        "module example.com/m // modülé\r\n\r\n// déjà vu ✓\r\nrequire example.com/x v1.|2.0 // ça\r\n"
    )
    found = hover_target(model(text), cursor)
    assert found is not None
    assert text.encode()[found.span.start : found.span.end] == b"v1.2.0"
    assert found.span.start == text.encode().index(b"v1.2.0")


async def test_render_a_requirement_with_upgrades(root: Path) -> None:
    text = GOMOD.replace("exclude example.com/x v1.2.1\n", "")
    parsed = model(text)
    target = hover_target(parsed, at(text, "example.com/x v1.2.0"))
    assert target is not None
    gathered = await gather(facts(root), target)
    assert set(gathered.infos) == {"v1.2.0", "v1.2.1", "v1.3.0"}
    assert render(target, gathered, parsed, config(root)) == (
        "**example.com/x** `v1.2.0` · published 2024-01-10\n\n"
        "latest patch `v1.2.1` (2024-03-01) · latest minor, latest `v1.3.0` (2024-04-03)\n\n"
        "Newer major version: `example.com/x/v2` `v2.1.0`\n\n"
        "Replaced by `example.com/fork` `v1.1.0`\n\n"
        "[example.com/x on pkg.go.dev](https://pkg.go.dev/example.com/x@v1.2.0)"
    )


async def test_excluded_versions_are_not_offered(root: Path) -> None:
    parsed = model(GOMOD)
    target = hover_target(parsed, at(GOMOD, "example.com/x v1.2.0"))
    assert target is not None
    gathered = await gather(facts(root), target)
    assert "v1.2.1" not in gathered.infos
    markdown = render(target, gathered, parsed, config(root))
    assert "latest minor, latest `v1.3.0` (2024-04-03)" in markdown
    assert "v1.2.1" not in markdown


async def test_retracted_and_latest(root: Path) -> None:
    text = "module example.com/m\n\ngo 1.21\n\nrequire example.com/x v1.1.0\n"
    parsed = model(text)
    target = hover_target(parsed, at(text, "v1.1.0"))
    assert target is not None
    markdown = render(target, await gather(facts(root), target), parsed, config(root))
    assert markdown.split("\n\n")[:3] == [
        "**example.com/x** `v1.1.0` · published 2024-01-02",
        "**Retracted:** leaks memory",
        "latest minor, latest `v1.3.0` (2024-04-03)",
    ]
    newest = text.replace("v1.1.0", "v1.3.0")
    parsed = model(newest)
    target = hover_target(parsed, at(newest, "v1.3.0"))
    assert target is not None
    markdown = render(target, await gather(facts(root), target), parsed, config(root))
    assert "This is the latest version." in markdown
    assert "Retracted" not in markdown


async def test_deprecated_module_and_directory_replacement(root: Path) -> None:
    parsed = model(GOMOD)
    target = hover_target(parsed, at(GOMOD, "example.com/old"))
    assert target is not None
    markdown = render(target, await gather(facts(root), target), parsed, config(root))
    assert markdown == (
        "**example.com/old** `v0.1.0` · published 2024-01-02\n\n"
        "**Deprecated:** use example.com/new instead.\n\n"
        "latest minor, latest `v0.2.0` (2024-01-02)\n\n"
        "Replaced by the directory `./old`\n\n"
        "[example.com/old on pkg.go.dev](https://pkg.go.dev/example.com/old@v0.1.0)"
    )


async def test_private_module_has_no_link_and_says_why_facts_are_missing(root: Path) -> None:
    parsed = model(GOMOD)
    target = hover_target(parsed, at(GOMOD, "private.corp/secret"))
    assert target is not None
    private = config(root, private="private.corp")
    gathered = await gather(facts(root, private="private.corp"), target)
    assert isinstance(gathered.catalog, Unknown)
    markdown = render(target, gathered, parsed, private)
    assert markdown == (
        "**private.corp/secret** `v1.0.0`\n\n"
        "Version information unavailable: private.corp/secret: no proxy serves this module"
    )
    assert "pkg.go.dev" not in markdown


async def test_proxy_off_and_not_found(root: Path) -> None:
    parsed = model(GOMOD)
    target = hover_target(parsed, at(GOMOD, "example.com/x v1.2.0"))
    assert target is not None
    offline = await gather(facts(None), target)
    assert offline == VersionHoverFacts(Unknown("module lookup disabled by GOPROXY=off"), None, {})
    markdown = render(target, offline, parsed, config(None))
    assert markdown.split("\n\n")[:2] == [
        "**example.com/x** `v1.2.0`",
        "Version information unavailable: module lookup disabled by GOPROXY=off",
    ]
    assert markdown.endswith("(https://pkg.go.dev/example.com/x@v1.2.0)")

    gone = hover_target(parsed, at(GOMOD, "example.com/gone"))
    assert gone is not None
    gathered = await gather(facts(root), gone)
    assert isinstance(gathered.catalog, NotFound)
    assert (
        render(gone, gathered, parsed, config(root))
        .split("\n\n")[1]
        .startswith("Not found on the module proxy: example.com/gone/@v/list: not found")
    )


async def test_replacement_module_hover(root: Path) -> None:
    parsed = model(GOMOD)
    target = hover_target(parsed, at(GOMOD, "example.com/fork"))
    assert target is not None
    markdown = render(target, await gather(facts(root), target), parsed, config(root))
    assert markdown == (
        "**example.com/fork** `v1.1.0` · published 2024-01-02\n\n"
        "This is the latest version.\n\n"
        "[example.com/fork on pkg.go.dev](https://pkg.go.dev/example.com/fork@v1.1.0)"
    )


def test_a_version_newer_than_every_release() -> None:
    catalog = Catalog("example.com/x", ("v1.0.0", "v1.1.0"), "v1.1.0", (), "")
    pseudo = "v1.1.1-0.20240301120000-abcdefabcdef"
    target = HoverTarget("example.com/x", pseudo, Span(0, 0), Role.REQUIRE)
    markdown = render(target, VersionHoverFacts(catalog, None), model(""), config(None))
    assert markdown.split("\n\n")[1] == "Newer than the latest version `v1.1.0`."


def test_module_without_a_version() -> None:
    catalog = Catalog("example.com/x", ("v1.0.0", "v1.1.0"), "v1.1.0", (), "")
    target = HoverTarget("example.com/x", "", Span(0, 0), Role.REPLACE_OLD)
    markdown = render(target, VersionHoverFacts(catalog, None), model(GOMOD), config(None))
    assert markdown == (
        "**example.com/x**\n\nlatest `v1.1.0`\n\n"
        "[example.com/x on pkg.go.dev](https://pkg.go.dev/example.com/x)"
    )


def test_replacement_in_effect() -> None:
    text = (
        "module example.com/m\n"
        "replace example.com/x => ../x\n"
        "replace example.com/x v1.2.0 => example.com/fork v1.1.0\n"
        "replace example.com/y v1.0.0 => ../y\n"
    )
    parsed = model(text)
    specific = replacement_in_effect(parsed, "example.com/x", "v1.2.0")
    assert specific is not None and specific.new_path == "example.com/fork"
    wildcard = replacement_in_effect(parsed, "example.com/x", "v1.3.0")
    assert wildcard is not None and wildcard.new_path == "../x"
    assert replacement_in_effect(parsed, "example.com/y", "v1.1.0") is None
    assert replacement_in_effect(parsed, "example.com/z", "v1.0.0") is None


def test_pkg_go_dev_urls() -> None:
    assert pkg_go_dev("example.com/Upper/x", "v2.0.0+incompatible") == (
        "https://pkg.go.dev/example.com/Upper/x@v2.0.0+incompatible"
    )
    assert pkg_go_dev("gopkg.in/yaml.v3") == "https://pkg.go.dev/gopkg.in/yaml.v3"


def test_go_work_replace_hover() -> None:
    text = "go 1.22\n\nreplace example.com/x v1.0.0 => example.com/y v1.1.0\n"
    parsed = read(text.encode(), FileKind.GOWORK, "go.work")
    found = hover_target(parsed, at(text, "example.com/y"))
    assert found is not None
    assert (found.path, found.version, found.role) == ("example.com/y", "v1.1.0", Role.REPLACE_NEW)


def test_every_offset_of_many_requirements_finds_the_token_under_it() -> None:
    """hover_target looks up only the requirement that starts last before the offset: at
    every offset it finds what a scan of every token finds."""
    text = (
        "module example.com/m\n\nrequire example.com/a v1.0.0 // first\n"
        "require (\n\texample.com/b v1.1.0\n\t// between\n\texample.com/c   v1.2.0 // indirect\n"
        '\t"example.com/d" v1.3.0\n\texample.com/e v1.4.0\n)\n'
        "require example.com/f v1.5.0\nexclude example.com/b v1.0.0\n"
    )
    parsed = read(text.encode(), FileKind.GOMOD, "go.mod")
    assert len(parsed.requires) == 6

    def scanned(at: int) -> tuple[str, Span] | None:
        for require in parsed.requires:
            for token in (require.path_token, require.version_token):
                if token.start <= at <= token.end:
                    return require.path, token.span
        for exclude in parsed.excludes:
            for token in (exclude.path_token, exclude.version_token):
                if token.start <= at <= token.end:
                    return exclude.path, token.span
        return None

    found = 0
    for at in range(len(text) + 1):
        target = hover_target(parsed, at)
        assert (None if target is None else (target.path, target.span)) == scanned(at), at
        found += target is not None
    assert found > 100
