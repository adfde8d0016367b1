"""The server's transport under load, through its real stdio: a burst of 1,000 incremental
edits, edits at the positions pygls got wrong, and a client that never reads what the server
writes.

Memory is the server process's resident set size (/proc/<pid>/status). Nothing sleeps: the
tests wait for publications, responses, and the pipe to the server taking what is written.
How fast the server gets through a burst is a benchmark's business, not these tests'.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from modlsp.lsp.documents import LineCursor, apply_changes, column_index, text_index

from .rawclient import RawServer, rss_kib
from .support import (
    TIMEOUT,
    Doc,
    ModClient,
    change,
    codes,
    open_doc,
    rng,
    start,
)
from .support import pos as position

MB = 1024  # KiB


def units(text: str, encoding: str) -> int:
    """The length of `text` in the code units of a position encoding."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf16:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


async def requirements(client: ModClient, doc: Doc) -> dict[str, str | None]:
    """The server's idea of the document's requirements, from its outline: path -> version."""
    found: dict[str, str | None] = {}

    def walk(symbols: Any) -> None:
        for symbol in symbols or []:
            if isinstance(symbol, types.DocumentSymbol):
                name = symbol.name.removeprefix("require ")
                if name.startswith("example.com/"):
                    found[name] = symbol.detail
                walk(symbol.children)

    walk(
        await client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=doc.identifier)
        )
    )
    return found


# --- 1,000 incremental edits ----------------------------------------------------------------

EDITS = 1000
BURST_START = (
    "module example.com/m\n"
    "\n"
    "go 1.22\n"
    "\n"
    "require example.com/a v1.2.0\n"
    "//\n"  # line 5: the edits type into this comment
)
TYPED = "abcdéfghi😋"  # a character outside the BMP is two UTF-16 code units, four UTF-8 bytes


async def test_a_thousand_incremental_edits(client: ModClient, tmp_path: Path):
    """1,000 keystrokes sent without waiting, then a request: the last state wins, the
    publications come in version order and none follows the final one, and memory stays
    flat."""
    await start(client)  # the default debounce, as an editor's user has it
    pid = client._server.pid  # type: ignore[union-attr]
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", BURST_START)
    first = await client.next_diagnostics(doc.uri, since=since)
    assert list(first.diagnostics) == []
    # Warm up what a first edit and a first hover load, so that RSS measures the burst.
    type_at_end(client, doc, 5, "x")
    await client.next_diagnostics(doc.uri, since=since, min_version=doc.version)
    await client.text_document_hover_async(
        types.HoverParams(text_document=doc.identifier, position=position(2, 1))
    )
    before = rss_kib(pid)

    # 999 characters typed at the end of the comment, one didChange each, then the last edit
    # turns the line into a misspelt directive: only the final text has a diagnostic.
    since = client.mark()
    for i in range(EDITS - 1):
        type_at_end(client, doc, 5, TYPED[i % len(TYPED)])
    line = doc.text.split("\n")[5]
    change(client, doc, (rng(5, 0, 5, units(line, client.encoding)), "requre example.com/b v1.0"))
    assert doc.version == EDITS + 2

    # A request right after the burst is answered.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.identifier, position=position(2, 1))
    )
    assert hover is not None
    final = await client.next_diagnostics(doc.uri, since=since, min_version=doc.version)
    mine = [p for p in client.published[since:] if p.uri == doc.uri]
    # A request after the final publication: anything stale would have been sent by now.
    assert await requirements(client, doc) == {"example.com/a": "v1.2.0"}
    after = rss_kib(pid)
    late = [p.version for p in client.published[since:] if p.uri == doc.uri][len(mine) :]
    versions = [p.version for p in mine]

    report = f"publications during the burst: versions {versions}; RSS {before} -> {after} KiB"
    assert final.version == doc.version, report
    assert codes(final.diagnostics) == ["unknown-directive"], report
    assert final.diagnostics[0].range == rng(5, 0, 5, 6)
    assert late == [], f"publications after the final one: versions {late}"
    assert versions == sorted(set(versions)), f"publications out of order: {versions}"
    assert after - before < 30 * MB, report


def type_at_end(client: ModClient, doc: Doc, line: int, text: str) -> None:
    """`text` typed at the end of `line`, in the session's position encoding."""
    end = units(doc.text.split("\n")[line], client.encoding)
    change(client, doc, (rng(line, end, line, end), text))


# --- edits where pygls's TextDocument put them elsewhere ---------------------------------------


async def test_edits_count_only_lsp_line_breaks(client: ModClient, tmp_path: Path):
    """LSP lines end at \\n, \\r\\n or \\r only: a form feed, U+0085 or U+2028 in a comment
    is part of its line (pygls's str.splitlines took them for line breaks, and put the edit
    in the comment)."""
    await start(client, {"debounceMs": 0})
    text = (
        "module example.com/m\r\n"
        "// a form feed \x0c, a next line \x85 and a line separator \u2028\n"
        "require example.com/a v1.2.0\n"
    )
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", text)
    await client.next_diagnostics(doc.uri, since=since)
    # v1.2.0 -> v1.3.0 on line 2.
    change(client, doc, (rng(2, 25, 2, 26), "3"))
    assert await requirements(client, doc) == {"example.com/a": "v1.3.0"}


async def test_an_edit_past_the_end_of_a_line_is_at_its_end(client: ModClient, tmp_path: Path):
    """LSP: a character past the line's length means the line's length (pygls put such an
    edit before the last character of a line without a line break)."""
    await start(client, {"debounceMs": 0})
    since = client.mark()
    text = "module example.com/m\n\nrequire example.com/a v1.2.0"  # no line break at the end
    doc = open_doc(client, tmp_path / "go.mod", text)
    await client.next_diagnostics(doc.uri, since=since)
    # What support.change would refuse to send: a range past the end of line 2.
    doc.version += 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            content_changes=[
                types.TextDocumentContentChangePartial(range=rng(2, 40, 2, 50), text="-rc.1")
            ],
        )
    )
    assert await requirements(client, doc) == {"example.com/a": "v1.2.0-rc.1"}


@pytest.mark.parametrize(
    ("encoding", "indexes"),
    [
        # "a😋é": a is one code unit everywhere; 😋 two UTF-16 units, four UTF-8 bytes; é one
        # UTF-16 unit, two UTF-8 bytes. A column inside a character is after it.
        ("utf-16", [0, 1, 2, 2, 3, 3, 3, 3, 3]),
        ("utf-8", [0, 1, 2, 2, 2, 2, 3, 3, 3]),
        ("utf-32", [0, 1, 2, 3, 3, 3, 3, 3, 3]),
    ],
)
def test_columns_in_each_encoding(encoding: str, indexes: list[int]):
    assert [column_index("a😋é", column, encoding) for column in range(9)] == indexes
    text = "x\r\na😋é\ry\n"
    assert [text_index(text, position(1, column), encoding) for column in range(9)] == [
        3 + i for i in indexes
    ]
    assert text_index(text, position(2, 5), encoding) == len("x\r\na😋é\ry")
    assert text_index(text, position(9, 0), encoding) == len(text)


# Text of long and short lines with characters of every width; one in ten has a \r\n (the
# cursor is not used in text with a \r).
_PIECES = st.sampled_from(["\n", "ab", "\n", "é", "\n", "😋", "\n", "xyz" * 30, ""])
_TEXTS = st.tuples(st.lists(_PIECES, max_size=200), st.integers(0, 9)).map(
    lambda drawn: "".join(drawn[0]).replace("\n", "\r\n" if drawn[1] == 9 else "\n", 1)
)


@st.composite
def _bursts(draw: st.DrawFn) -> list[list[types.TextDocumentContentChangeEvent]]:
    """didChange bursts typed near each other: each edit a few lines from the one before, now
    and then a jump far away or a replacement of the whole text."""
    line = draw(st.integers(0, 60))
    bursts = []
    for _ in range(draw(st.integers(0, 40))):
        changes: list[types.TextDocumentContentChangeEvent] = []
        for _ in range(draw(st.integers(1, 3))):
            move = draw(st.sampled_from(["near"] * 10 + ["jump", "whole"]))
            if move == "whole":
                changes.append(types.TextDocumentContentChangeWholeDocument(text=draw(_TEXTS)))
                continue
            line = (
                draw(st.integers(0, 100))
                if move == "jump"
                else max(0, line + draw(st.integers(-4, 4)))
            )
            end = line + draw(st.integers(0, 2))
            columns = sorted(draw(st.lists(st.integers(0, 100), min_size=2, max_size=2)))
            changes.append(
                types.TextDocumentContentChangePartial(
                    range=rng(line, columns[0], end, columns[1]), text=draw(_TEXTS)
                )
            )
        bursts.append(changes)
    return bursts


@settings(max_examples=300)
@given(text=_TEXTS, edits=_bursts(), encoding=st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_a_line_cursor_finds_what_a_scan_finds(
    text: str, edits: list[list[types.TextDocumentContentChangeEvent]], encoding: str
) -> None:
    """Edits near each other, in bursts of didChange, far jumps, whole-text replacements and
    lines past the end: applied with the cursor kept from edit to edit, the text is what
    applying them without one gives."""
    cursor = LineCursor()
    scanned = walked = text
    for changes in edits:
        scanned = apply_changes(scanned, changes, encoding)
        walked = apply_changes(walked, changes, encoding, cursor)
        assert walked == scanned


# --- a client that never reads --------------------------------------------------------------

NEVER_READ_CHANGES = 10_000
REQUEST_EVERY = 100
RSS_CAP = 200 * MB


def never_read_text(version: int) -> str:
    """A go.mod whose 40 requirements have versions that are not semantic versions."""
    lines = [f"\texample.com/dep{i:02d} v{version}.{i}" for i in range(40)]
    return "module example.com/m\n\nrequire (\n" + "\n".join(lines) + "\n)\n"


async def test_a_client_that_never_reads(tmp_path: Path):
    """The client writes 10,000 changes and a request every 100, without reading a byte of
    what the server writes. Every version has its own problem on each of its 40 requirements,
    so a publication is about 10 KB and differs from the last, and each answer (an outline)
    about 10 KB: what the server owes soon fills the pipe. The server must go on reading and
    handling the changes (pygls blocked its event loop in a write to the full pipe, and read
    nothing more), drop the publications the next one supersedes instead of queueing them,
    keep every response, and stay under RSS_CAP. Once the client reads, it gets every response
    and the final version's diagnostics."""
    raw = await RawServer.start(read=False)
    uri = (tmp_path / "go.mod").as_uri()
    last = NEVER_READ_CHANGES + 1
    requests = [*range(REQUEST_EVERY, last + 1, REQUEST_EVERY), last + 1]
    written = 0

    async def write() -> None:
        nonlocal written
        await raw.send(
            {
                "jsonrpc": "2.0",
                "id": 0,
                "method": "initialize",
                "params": {
                    "processId": None,
                    "rootUri": None,
                    "capabilities": {},
                    "initializationOptions": {"debounceMs": 0},
                },
            }
        )
        await raw.notify("initialized", {})
        await raw.open(uri, never_read_text(1))
        for version in range(2, last + 1):
            text = never_read_text(version)
            await raw.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": text}],
                },
            )
            written += 1
            if version % REQUEST_EVERY == 0:
                await raw.send(
                    {
                        "jsonrpc": "2.0",
                        "id": version,
                        "method": "textDocument/documentSymbol",
                        "params": {"textDocument": {"uri": uri}},
                    }
                )
        hover = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}
        await raw.send(
            {"jsonrpc": "2.0", "id": last + 1, "method": "textDocument/hover", "params": hover}
        )

    try:
        # Each write waits for the pipe to take it: the signal that the server reads on. The
        # timeout only ends the test when it never comes.
        try:
            await asyncio.wait_for(write(), 4 * TIMEOUT)
        except asyncio.TimeoutError:
            raise AssertionError(
                f"the server stopped reading after {written} of {NEVER_READ_CHANGES} changes "
                f"while its output was not read; stderr:\n{raw.stderr_text()}"
            ) from None
        peak = rss_kib(raw.pid, "VmHWM")
        assert raw.process.returncode is None
        assert peak < RSS_CAP, f"peak RSS {peak // MB} MB while the client did not read"

        raw.start_reading()
        await raw.until(lambda: all(i in raw.responses for i in requests))
        final = await raw.until(
            lambda: [p for p in raw.publications(uri) if p.get("version") == last]
        )
        problems = final[0]["diagnostics"]
        assert len(problems) == 40
        assert f"v{last}.39" in problems[-1]["message"], problems[-1]
        assert all("result" in raw.responses[i] for i in requests)
        versions = [p.get("version") for p in raw.publications(uri)]
        assert versions == sorted(set(versions)), f"publications out of order: {versions}"
        # Superseded publications were dropped, not queued: far fewer than one per version.
        assert len(versions) < NEVER_READ_CHANGES // 2, f"{len(versions)} publications"
    finally:
        await raw.close()
