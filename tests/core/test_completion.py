"""Completion in go.mod: where a version or module path goes (from the syntax tree, so also on
lines the reader rejects), the version items from a real file:// proxy, and module paths."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from modlsp.core.completion import (
    PathContext,
    PathItem,
    VersionContext,
    completion_context,
    path_items,
    version_infos,
    version_items,
)
from modlsp.core.modfile import FileKind
from modlsp.core.reader import read
from modlsp.core.text import Span
from modlsp.core.versionfacts import Info
from modlsp.core.versionquery import Catalog, Retraction

from .versionproxy import facts, lib, merge, model, offset, proxy, set_time, untag

HEAD = "module example.com/m\n\ngo 1.21\n\n"


def context(text: str) -> VersionContext | PathContext | None:
    source, at = offset(text)
    return completion_context(model(source), at)


def span_of(text: str, word: str) -> Span:
    """The byte span of the `word` under the cursor of `text`, the marker removed."""
    source, at = offset(text)
    data, needle = source.encode(), word.encode()
    start = data.find(needle)
    while not start <= at <= start + len(needle):
        start = data.find(needle, start + 1)
        assert start >= 0, (text, word)
    return Span(start, start + len(needle))


def cursor(text: str) -> Span:
    at = offset(text)[1]
    return Span(at, at)


@pytest.mark.parametrize(
    ("text", "path", "current", "verb"),
    [
        # Incomplete single lines: the reader reports them as errors.
        (HEAD + "require example.com/x |", "example.com/x", "", "require"),
        (HEAD + "require example.com/x |\n", "example.com/x", "", "require"),
        (HEAD + 'require "example.com/x" |\n', "example.com/x", "", "require"),
        # A block line, in a closed and in an unterminated block.
        (HEAD + "require (\n\texample.com/x |\n)\n", "example.com/x", "", "require"),
        (
            HEAD + "require (\n\texample.com/a v1.0.0\n\texample.com/x |",
            "example.com/x",
            "",
            "require",
        ),
        # exclude, and replace's old and new versions.
        (HEAD + "exclude example.com/x |\n", "example.com/x", "", "exclude"),
        (HEAD + "exclude (\n\texample.com/x |\n)\n", "example.com/x", "", "exclude"),
        (HEAD + "replace example.com/x | => ../x\n", "example.com/x", "", "replace"),
        (HEAD + "replace example.com/x |\n", "example.com/x", "", "replace"),
        (HEAD + "replace example.com/x => example.com/fork |\n", "example.com/fork", "", "replace"),
        (
            HEAD + "replace (\n\texample.com/x => example.com/fork |\n)\n",
            "example.com/fork",
            "",
            "replace",
        ),
        # retract: the module's own versions, single or in an interval, single-line or block.
        (HEAD + "retract |\n", "example.com/m", "", "retract"),
        (HEAD + "retract [|\n", "example.com/m", "", "retract"),
        (HEAD + "retract [v1.0.0, |]\n", "example.com/m", "", "retract"),
        (HEAD + "retract (\n\t|v1.0.0 // oops\n)\n", "example.com/m", "v1.0.0", "retract"),
    ],
)
def test_version_context_in_an_empty_slot(text: str, path: str, current: str, verb: str) -> None:
    found = context(text)
    assert isinstance(found, VersionContext)
    assert (found.path, found.current, found.verb) == (path, current, verb)
    if not current:
        assert found.span == cursor(text)


@pytest.mark.parametrize(
    ("text", "typed", "path"),
    [
        (HEAD + "require example.com/x v1.|\n", "v1.", "example.com/x"),
        (HEAD + "require example.com/x v1|.2\n", "v1.2", "example.com/x"),
        (HEAD + "require example.com/x |v1.2.3 // indirect\n", "v1.2.3", "example.com/x"),
        (
            HEAD + "require (\n\texample.com/x v1.|\n\texample.com/y v1.0.0\n)\n",
            "v1.",
            "example.com/x",
        ),
        (HEAD + "replace example.com/x v1.|\n", "v1.", "example.com/x"),
        (HEAD + "replace example.com/x v1.| => ../x\n", "v1.", "example.com/x"),
        (HEAD + "replace example.com/x => example.com/fork v1.1|\n", "v1.1", "example.com/fork"),
        (HEAD + "exclude example.com/x v0.|\n", "v0.", "example.com/x"),
        (HEAD + "retract [v1.0.0, v1.|]\n", "v1.", "example.com/m"),
        (HEAD + 'require example.com/x "v1.|"\n', '"v1."', "example.com/x"),
    ],
)
def test_version_context_on_a_partly_typed_version(text: str, typed: str, path: str) -> None:
    found = context(text)
    assert isinstance(found, VersionContext)
    assert found.path == path
    assert found.span == span_of(text, typed)
    assert found.current == typed.strip('"')


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "requi|re example.com/x v1.0.0\n",  # the verb
        HEAD + "require| example.com/x v1.0.0\n",
        HEAD + "require (|\n\texample.com/x v1.0.0\n)\n",  # the block's header
        HEAD + "require example.com/x v1.0.0 |\n",  # after the last argument
        HEAD + "require example.com/x | v1.0.0\n",  # between arguments
        HEAD + "require example.com/x v1.0.0 // a comm|ent\n",
        HEAD + "require example.com/x // |\n",
        HEAD + "exclude exa|mple.com/x v1.0.0\n",  # exclude has no path completion
        HEAD + "replace exa|mple.com/x => ../x\n",
        HEAD + "replace example.com/x =|> ../x\n",
        HEAD + "replace example.com/x => ../fork |\n",  # a directory has no versions
        HEAD + "replace example.com/x => ./fo|rk\n",
        HEAD + "retract [v1.0.0, v1.1.0] |\n",
        HEAD + "retract v1.0.0 |\n",
        HEAD + "go 1.|21\n",
        HEAD + "require (\n\texample.com/x v1.0.0\n)\n|",  # after the block
        HEAD + "exclude (\n\t|\n)\n",  # only require blocks take a new path
        HEAD + "require (\n\t// a comm|ent\n)\n",
        HEAD + "require example.com/x (\n\t|\n)\n",  # not a block the go command reads
        HEAD + "require not/a:path |\n",  # no versions for an impossible path
        "go 1.21\nretract |\n",  # retract without a module line
        "|",
    ],
)
def test_no_context(text: str) -> None:
    assert context(text) is None


def test_go_work_replace_versions() -> None:
    def work(text: str) -> VersionContext | PathContext | None:
        source, at = offset(text)
        return completion_context(read(source.encode(), FileKind.GOWORK, "go.work"), at)

    text = "go 1.22\n\nreplace (\n\texample.com/x => example.com/y v1.|\n)\n"
    assert work(text) == VersionContext("example.com/y", span_of(text, "v1."), "v1.", "replace")
    assert work("go 1.22\n\nrequire example.com/x |\n") is None
    assert work("go 1.22\n\nuse ./a |\n") is None
    assert work("go 1.22\n\nrequire (\n\t|\n)\n") is None


@pytest.mark.parametrize(
    ("text", "prefix", "has_version", "word"),
    [
        (HEAD + "require |", "", False, ""),
        (HEAD + "require (\n\texample.com/a v1.0.0\n\t|\n)\n", "", False, ""),
        (HEAD + "require (\n|\n)\n", "", False, ""),
        (
            HEAD + "require (\n\texample.com/a v1.0.0\n\n  |  \n\texample.com/b v1.0.0\n)\n",
            "",
            False,
            "",
        ),
        (HEAD + "require (\n\texample.com/y|\n)\n", "example.com/y", False, "example.com/y"),
        (HEAD + "require (\n\texa|mple.com/y v1.0.0\n)\n", "exa", True, "example.com/y"),
        (HEAD + "require golang.org/x/|\n", "golang.org/x/", False, "golang.org/x/"),
        (HEAD + "require (\n\texample.com/a v1.0.0\n\t|", "", False, ""),  # unterminated
    ],
)
def test_path_context(text: str, prefix: str, has_version: bool, word: str) -> None:
    found = context(text)
    assert isinstance(found, PathContext)
    assert (found.prefix, found.has_version) == (prefix, has_version)
    assert found.span == (span_of(text, word) if word else cursor(text))


CRLF = (
    "module example.com/m // modülé ✓\r\n\r\ngo 1.21\r\n\r\n"
    "// Abhängigkeiten: 依存関係\r\n"
    "require (\r\n"
    "\texample.com/a v1.0.0 // ça va\r\n"
    "\texample.com/x {x}\r\n"
    "\t{blank}\r\n"
    "\texample.com/z {z} // 注释\r\n"
    ")\r\n"
)


def test_crlf_and_non_ascii_comments_near_the_cursor() -> None:
    typed = CRLF.format(x="v1.|", blank="", z="")
    version = context(typed)
    assert isinstance(version, VersionContext)
    assert (version.path, version.span) == ("example.com/x", span_of(typed, "v1."))

    blank = CRLF.format(x="v1.", blank="|", z="")
    found = context(blank)
    assert found == PathContext(cursor(blank), "", has_version=False)

    after_z = CRLF.format(x="v1.", blank="", z="|")
    found = context(after_z)
    assert found == VersionContext("example.com/z", cursor(after_z), "", "require")

    in_comment = CRLF.format(x="v1.", blank="", z="").replace("注释", "注|释")
    assert context(in_comment) is None
    before_cr = CRLF.format(x="v1.", blank="", z="").replace("va\r", "va|\r")
    assert context(before_cr) is None


def test_byte_offsets_after_non_ascii_text_on_the_same_line() -> None:
    text = HEAD + 'require "example.com/ü" |\n'
    found = context(text)
    # Not a valid module path (non-ASCII), so nothing; a valid one after a non-ASCII comment:
    assert found is None
    text = HEAD + "// ✓ déjà\nreplace example.com/x => example.com/fork v1.|\n"
    found = context(text)
    assert isinstance(found, VersionContext)
    assert found.span == span_of(text, "v1.")
    assert found.span.end == offset(text)[1]


CATALOG = Catalog(
    path="example.com/x",
    versions=("v1.0.0", "v1.1.0", "v1.2.0-beta.1", "v1.2.0", "v1.3.0-rc.1"),
    latest="v1.2.0",
    retractions=(Retraction("v1.1.0", "v1.1.0", "broken build"),),
    deprecated="",
)


def test_version_items_order_and_marks() -> None:
    infos = {
        "v1.2.0": Info("v1.2.0", datetime(2024, 3, 1, 23, 30, tzinfo=timezone.utc)),
        "v1.0.0": Info("v1.0.0", None),
    }
    items = version_items(CATALOG, infos, frozenset({"v1.0.0"}))
    assert [i.label for i in items] == [
        "v1.2.0",
        "v1.1.0",
        "v1.0.0",
        "v1.3.0-rc.1",
        "v1.2.0-beta.1",
    ]
    assert [i.sort_text for i in items] == sorted(i.sort_text for i in items)
    assert [(i.retracted, i.prerelease, i.excluded) for i in items] == [
        (False, False, False),
        (True, False, False),
        (False, False, True),
        (False, True, False),
        (False, True, False),
    ]
    assert [i.detail for i in items] == [
        "2024-03-01 · latest",
        "retracted: broken build",
        "excluded",
        "",
        "",
    ]


def test_version_items_without_tags_offer_the_pseudo_version() -> None:
    pseudo = "v0.0.0-20240301120000-abcdefabcdef"
    catalog = Catalog("example.com/t", (), pseudo, (), "", pseudo_latest=pseudo)
    items = version_items(catalog, {}, frozenset())
    assert [(i.label, i.detail) for i in items] == [(pseudo, "latest · pseudo-version")]
    assert version_items(Catalog("example.com/t", (), "", (), ""), {}) == []


MODULES = merge(
    lib("example.com/x@v1.0.0"),
    lib("example.com/x@v1.1.0"),
    lib("example.com/x@v1.2.0"),
    lib("example.com/x@v1.3.0-rc.1"),
    lib(
        "example.com/x@v1.2.1",
        "retract v1.1.0 // leaks memory",
        "retract [v1.0.0, v1.0.5]",
    ),
    lib("example.com/tagless@v0.0.0-20240301120000-abcdefabcdef"),
)


async def test_version_items_from_a_file_proxy(tmp_path: Path) -> None:
    root = proxy(tmp_path / "proxy", MODULES)
    set_time(root, "example.com/x", "v1.2.1", "2024-05-06T07:08:09Z")
    set_time(root, "example.com/x", "v1.3.0-rc.1", "2024-06-01T00:00:00+02:00")
    source = facts(root)
    catalog = await source.catalog("example.com/x")
    assert isinstance(catalog, Catalog)
    infos = await version_infos(source, catalog)
    items = version_items(catalog, infos, frozenset({"v1.2.0"}))
    assert [(i.label, i.detail) for i in items] == [
        ("v1.2.1", "2024-05-06 · latest"),
        ("v1.2.0", "2024-01-02 · excluded"),
        ("v1.1.0", "2024-01-02 · retracted: leaks memory"),
        ("v1.0.0", "2024-01-02 · retracted: retracted by module author"),
        ("v1.3.0-rc.1", "2024-05-31"),  # the date in UTC
    ]
    assert await version_infos(source, catalog, limit=2) == {
        "v1.3.0-rc.1": infos["v1.3.0-rc.1"],
        "v1.2.1": infos["v1.2.1"],
    }


async def test_tagless_module_from_a_file_proxy(tmp_path: Path) -> None:
    root = proxy(tmp_path / "proxy", MODULES)
    pseudo = "v0.0.0-20240301120000-abcdefabcdef"
    untag(root, "example.com/tagless", pseudo, "2024-03-01T12:00:00Z")
    source = facts(root)
    catalog = await source.catalog("example.com/tagless")
    assert isinstance(catalog, Catalog)
    items = version_items(catalog, await version_infos(source, catalog))
    assert [(i.label, i.detail) for i in items] == [
        (pseudo, "2024-03-01 · latest · pseudo-version")
    ]


def test_path_items() -> None:
    candidates = [
        ("example.com/b", "v1.2.0"),
        ("example.com/a", None),
        ("golang.org/x/text", "v0.14.0"),
        ("example.com/b", "v1.2.0"),
    ]
    fresh = PathContext(Span(0, 0), "example.com/", has_version=False)
    assert path_items(fresh, candidates) == [
        PathItem("example.com/a", "example.com/a", "imported, not required", "00000"),
        PathItem(
            "example.com/b", "example.com/b v1.2.0", "imported, not required · v1.2.0", "00001"
        ),
    ]
    # A version already follows the path: insert the path alone.
    editing = PathContext(Span(0, 3), "gol", has_version=True)
    assert [(i.label, i.insert_text) for i in path_items(editing, candidates)] == [
        ("golang.org/x/text", "golang.org/x/text")
    ]
    assert path_items(PathContext(Span(0, 0), "", False), []) == []
