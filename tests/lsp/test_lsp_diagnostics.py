"""Diagnostics on didOpen: exact ranges in the negotiated position encoding, codes, severities,
source and the document version they describe."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .support import ModClient, open_doc, pos, start, summary

# Lines 0-6. Non-ASCII text sits on earlier lines, after an error on its own line (line 5),
# and before an error on the same line (line 6).
BROKEN = (
    "// café 😀: non-ASCII before the errors\n"
    "module example.com/m\n"
    "\n"
    "go 1.22\n"
    "\n"
    "require example.com/a v1.2 // café 😀\n"
    'replace "example.com/ü😀" => ../x v1.0.0\n'
)

# Line 5: `require ` (8) + `example.com/a` (13) + ` ` (1) = 22, all ASCII: "v1.2" is 22..26 in
# every encoding; the non-ASCII comment after it changes nothing.
#
# Line 6, up to "v1.0.0": `replace ` (8) + `"` (1) + `example.com/` (12) + `ü` + `😀` + `"` (1)
# + ` => ../x ` (9) = 31 + ü + 😀.
#   UTF-16: ü is 1 code unit, 😀 (U+1F600, outside the BMP) is a surrogate pair, 2 units:
#           31 + 1 + 2 = 34, so "v1.0.0" is 34..40.
#   UTF-8:  ü is 2 bytes (C3 BC), 😀 is 4 bytes (F0 9F 98 80): 31 + 2 + 4 = 37, so 37..43.
#   (In code points it would be 33..39: a server counting characters is wrong in both.)
ENCODINGS = [
    pytest.param(None, "utf-16", (6, 34, 6, 40), id="utf-16-default"),
    pytest.param(["utf-8"], "utf-8", (6, 37, 6, 43), id="utf-8-offered"),
]


@pytest.mark.parametrize(("offered", "negotiated", "replace_range"), ENCODINGS)
async def test_open_publishes_exact_diagnostics(
    client: ModClient, tmp_path, offered, negotiated, replace_range
):
    result = await start(client, position_encodings=offered)
    assert result.capabilities.position_encoding == negotiated

    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", BROKEN, version=7)
    published = await client.next_diagnostics(doc.uri, since=since)

    assert published.version == 7
    assert summary(published.diagnostics) == [
        ((5, 22, 5, 26), types.DiagnosticSeverity.Warning, "noncanonical-version", "modlsp"),
        (replace_range, types.DiagnosticSeverity.Error, "replace-dir-version", "modlsp"),
    ]
    assert [d.message for d in published.diagnostics] == [
        'version "v1.2" is not canonical: the go command will rewrite it to v1.2.0',
        'replacement module directory path "../x" cannot have version',
    ]


# Line 1 of HOVER_DOC, up to the version: `require ` (8) + `"` (1) + `example.com/` (12)
# + `😀😀` + `"` (1) + ` ` (1) = 23 + 😀😀; "v1.2.0" is 6 long and is followed by a comment.
#   UTF-16: each 😀 is 2 units: 23 + 4 = 27, so the version is 27..33.
#   UTF-8:  each 😀 is 4 bytes: 23 + 8 = 31, so the version is 31..37.
HOVER_DOC = 'module example.com/m\nrequire "example.com/😀😀" v1.2.0 // pinned\n'
HOVER_ENCODINGS = [
    pytest.param(None, 27, id="utf-16-default"),
    pytest.param(["utf-16"], 27, id="utf-16-offered"),
    pytest.param(["utf-8"], 31, id="utf-8-offered"),
]


@pytest.mark.parametrize(("offered", "version_start"), HOVER_ENCODINGS)
async def test_positions_from_the_client_are_read_in_the_negotiated_encoding(
    client: ModClient, tmp_path, offered, version_start
):
    """Hover on the last character of a version that follows two astral characters on its
    line: a server that counts 😀 as one UTF-16 unit reads the position two characters too far
    right, past the version, and finds nothing to hover."""
    await start(client, position_encodings=offered)
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", HOVER_DOC)
    await client.next_diagnostics(doc.uri, since=since)

    last_char = version_start + 5
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.identifier, position=pos(1, last_char))
    )

    assert hover is not None, f"no hover at 1:{last_char} ({client.encoding})"
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value == "**v1.2.0**"
    assert hover.range == types.Range(start=pos(1, version_start), end=pos(1, version_start + 6))
