"""Incremental didChange: range edits, several per notification and across notifications,
including a newline inserted, a deletion spanning lines and an edit after an astral character.
After each change the published diagnostics describe the edited text and carry its version."""

from __future__ import annotations

from lsprotocol import types

from .support import ModClient, change, open_doc, rng, start, summary

ERROR = types.DiagnosticSeverity.Error
WARNING = types.DiagnosticSeverity.Warning

INITIAL = (
    "module example.com/m\n"
    "\n"
    "go 1.22\n"
    "\n"
    "require example.com/a v1.2.0\n"
    'replace example.com/a => "./😀"\n'
)


def end_of_replace_line(encoding: str) -> int:
    """Where `replace example.com/a => "./😀"` ends: `replace ` (8) + `example.com/a` (13)
    + ` => ` (4) + `"./` (3) = 28, then 😀 and the closing quote (1). 😀 is 2 UTF-16 units
    but 4 UTF-8 bytes."""
    return 28 + (4 if encoding == types.PositionEncodingKind.Utf8 else 2) + 1


async def test_incremental_edits_update_diagnostics(client: ModClient, tmp_path):
    await start(client, {"debounceMs": 0})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", INITIAL)
    published = await client.next_diagnostics(doc.uri, since=since)
    assert (published.version, summary(published.diagnostics)) == (1, [])

    # v2, two edits in one notification: a line inserted at the top (its newline moves every
    # line down by one), then `go` -> `og` on the line where `go 1.22` now is.
    since = client.mark()
    change(client, doc, (rng(0, 0, 0, 0), "// header\n"), (rng(3, 0, 3, 2), "og"))
    published = await client.next_diagnostics(doc.uri, since=since, min_version=2)
    assert published.version == 2
    assert summary(published.diagnostics) == [
        ((3, 0, 3, 2), ERROR, "unknown-directive", "modlsp"),
    ]
    assert published.diagnostics[0].message == "unknown directive: og"

    # v3: fix the typo, and append a version after the 😀 on the replace line (now line 6):
    # a directory replacement cannot have one. The version starts one past the line's end.
    end = end_of_replace_line(client.encoding)
    since = client.mark()
    change(client, doc, (rng(3, 0, 3, 2), "go"), (rng(6, end, 6, end), " v1.0.0"))
    published = await client.next_diagnostics(doc.uri, since=since, min_version=3)
    assert published.version == 3
    assert summary(published.diagnostics) == [
        ((6, end + 1, 6, end + 7), ERROR, "replace-dir-version", "modlsp"),
    ]

    # v4 and v5 in a burst, without waiting in between. v4 deletes from after `go` on line 3
    # to after `require` on line 5, joining three lines into `go example.com/a v1.2.0`; the
    # replace line moves up to line 4. v5 removes the version again from the replace line.
    since = client.mark()
    change(client, doc, (rng(3, 2, 5, 7), ""))
    change(client, doc, (rng(4, end, 4, end + 7), ""))
    published = await client.next_diagnostics(doc.uri, since=since, min_version=5)
    assert published.version == 5
    assert summary(published.diagnostics) == [
        ((3, 0, 3, 23), ERROR, "usage", "modlsp"),
    ]

    # v6: replace the joined line with three lines again, writing a non-canonical version.
    since = client.mark()
    change(client, doc, (rng(3, 0, 3, 23), "go 1.22\n\nrequire example.com/a v1.2"))
    published = await client.next_diagnostics(doc.uri, since=since, min_version=6)
    assert published.version == 6
    assert summary(published.diagnostics) == [
        ((5, 22, 5, 26), WARNING, "noncanonical-version", "modlsp"),
    ]

    # v7: canonical again; nothing left to report.
    since = client.mark()
    change(client, doc, (rng(5, 22, 5, 26), "v1.2.0"))
    published = await client.next_diagnostics(doc.uri, since=since, min_version=7)
    assert (published.version, summary(published.diagnostics)) == (7, [])

    assert doc.text == "// header\n" + INITIAL
