"""Document symbols, folding ranges and hover on a small, valid go.mod."""

from __future__ import annotations

from lsprotocol import types

from .support import Doc, ModClient, open_doc, pos, rng, start

GO_MOD = (
    "// Module m.\n"  # 0
    "// Second line.\n"  # 1
    "module example.com/m\n"  # 2
    "\n"  # 3
    "go 1.22\n"  # 4
    "\n"  # 5
    "require (\n"  # 6
    "\texample.com/a v1.2.0\n"  # 7
    "\texample.com/b v1.0.0 // indirect\n"  # 8
    ")\n"  # 9
    "\n"  # 10
    "replace example.com/a => ../a\n"  # 11
)


async def opened(client: ModClient, tmp_path) -> Doc:
    await start(client)
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", GO_MOD)
    published = await client.next_diagnostics(doc.uri, since=since)
    assert list(published.diagnostics) == []
    return doc


def outline(symbols: object) -> list[tuple[object, ...]]:
    """(name, detail, kind, range, selection range, children) of hierarchical symbols."""
    assert isinstance(symbols, list | tuple)
    out = []
    for s in symbols:
        assert isinstance(s, types.DocumentSymbol), f"expected DocumentSymbol, got {s!r}"
        children = outline(s.children) if s.children else []
        out.append((s.name, s.detail, s.kind, s.range, s.selection_range, children))
    return out


async def test_document_symbols(client: ModClient, tmp_path):
    doc = await opened(client, tmp_path)

    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc.identifier)
    )

    kind = types.SymbolKind
    assert outline(symbols) == [
        ("module example.com/m", None, kind.Module, rng(2, 0, 2, 20), rng(2, 7, 2, 20), []),
        ("go 1.22", None, kind.Constant, rng(4, 0, 4, 7), rng(4, 3, 4, 7), []),
        (
            "require",
            "2 entries",
            kind.Package,
            rng(6, 0, 9, 1),  # through the closing parenthesis
            rng(6, 0, 6, 9),  # `require (`
            [
                ("example.com/a", "v1.2.0", kind.Package, rng(7, 1, 7, 21), rng(7, 1, 7, 14), []),
                (
                    "example.com/b",
                    "v1.0.0 // indirect",
                    kind.Package,
                    rng(8, 1, 8, 21),
                    rng(8, 1, 8, 14),
                    [],
                ),
            ],
        ),
        (
            "replace example.com/a",
            "=> ../a",
            kind.Interface,
            rng(11, 0, 11, 29),
            rng(11, 8, 11, 21),
            [],
        ),
    ]


async def test_folding_ranges(client: ModClient, tmp_path):
    doc = await opened(client, tmp_path)

    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=doc.identifier)
    )

    assert folds is not None
    assert sorted((f.start_line, f.end_line, f.kind) for f in folds) == [
        (0, 1, types.FoldingRangeKind.Comment),  # the two leading comment lines
        (6, 8, types.FoldingRangeKind.Region),  # the require block; `)` stays visible
    ]


async def test_hover_on_require_explains_minimum_version(client: ModClient, tmp_path):
    doc = await opened(client, tmp_path)

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.identifier, position=pos(6, 3))
    )

    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**require** directive\n\n")
    assert "minimum version" in hover.contents.value
    assert hover.range == rng(6, 0, 6, 7)
