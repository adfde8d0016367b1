"""textDocument/formatting: the edits turn a messy go.mod into exactly what `go mod edit -fmt`
prints, and a file with errors is left alone."""

from __future__ import annotations

from lsprotocol import types

from .support import ModClient, apply_text_edits, codes, open_doc, start

MESSY = (
    "// café 😀 stays\n"
    'module   "example.com/m"\n'
    "\n"
    "go 1.21\n"
    "\n"
    "require (\n"
    '    "example.com/zeta" v1.2\n'
    "    example.com/alpha v1.0.0 // indirect\n"
    ")\n"
    "\n"
    "\n"
    "\n"
    "require (\n"
    "  example.com/only v0.1.0\n"
    ")\n"
    'replace "example.com/zeta" => "./zéta😀"   \n'
)

# What `go mod edit -fmt` prints for MESSY (checked against go1.27):
# - needless quotes go: `"example.com/m"`, `"example.com/zeta"`, `"./zéta😀"`;
# - tokens are separated by one space and block lines indented by one tab;
# - `v1.2` becomes the canonical `v1.2.0`;
# - block lines are sorted: alpha before zeta (its `// indirect` comment travels with it);
# - a block with one line becomes a plain `require` line;
# - runs of blank lines collapse into one, trailing spaces go, and statements that follow a
#   block are separated from it by a blank line.
FORMATTED = (
    "// café 😀 stays\n"
    "module example.com/m\n"
    "\n"
    "go 1.21\n"
    "\n"
    "require (\n"
    "\texample.com/alpha v1.0.0 // indirect\n"
    "\texample.com/zeta v1.2.0\n"
    ")\n"
    "\n"
    "require example.com/only v0.1.0\n"
    "\n"
    "replace example.com/zeta => ./zéta😀\n"
)

OPTIONS = types.FormattingOptions(tab_size=4, insert_spaces=True)


async def test_formatting_matches_go_mod_edit_fmt(client: ModClient, tmp_path):
    await start(client)
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", MESSY)
    published = await client.next_diagnostics(doc.uri, since=since)
    assert codes(published.diagnostics) == ["noncanonical-version"]  # a warning, not an error

    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc.identifier, options=OPTIONS)
    )

    assert edits, "expected formatting edits"
    assert apply_text_edits(MESSY, edits, client.encoding) == FORMATTED


async def test_formatting_formatted_file_needs_no_edits(client: ModClient, tmp_path):
    await start(client)
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", FORMATTED)
    await client.next_diagnostics(doc.uri, since=since)

    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc.identifier, options=OPTIONS)
    )

    assert edits is not None
    assert list(edits) == []


async def test_formatting_file_with_errors_gives_no_edits(client: ModClient, tmp_path):
    broken = MESSY.replace("go 1.21", "requre example.com/b v1.0.0")
    await start(client)
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", broken)
    published = await client.next_diagnostics(doc.uri, since=since)
    assert "unknown-directive" in codes(published.diagnostics)

    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc.identifier, options=OPTIONS)
    )

    assert edits is None or list(edits) == []
