"""Version facts end to end: the real server over stdio (VS Code's and Neovim's capabilities)
asking the fixture module proxy on 127.0.0.1 (tests/versions), configured through the
`goproxy` / `goprivate` settings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from lsprotocol import types
from versions.fixture import ALPHA, MAIN_GOMOD, MAIN_PATH, build_fixture, gomod_text
from versions.proxyserver import Fault, ProxyServer, refused_url

from .support import (
    ModClient,
    apply_text_edits,
    open_doc,
    pos,
    rng,
    send_text_edits,
    start,
)

# What the fixture proxy says about MAIN_GOMOD, upgrades not asked for (off by default).
FACTS = [
    ("newer-major-version", "example.com/alpha/v3 v3.2.0 is available"),
    ("retracted-version", "example.com/alpha@v1.1.0 is retracted: Broken build on Windows."),
    ("deprecated-module", "example.com/beta is deprecated: use example.com/gamma instead."),
    (
        "requires-newer-go",
        "example.com/gamma@v1.4.0 requires go >= 1.23 (this module says go 1.21; "
        "the go command would raise it)",
    ),
    ("retracted-version", "example.com/selfretract@v1.0.1 is retracted: Published by mistake."),
]
UPGRADES = [
    ("upgrade-available", "example.com/beta can be upgraded to v0.3.0"),
    ("upgrade-available", "example.com/gamma can be upgraded to v1.5.0"),
    ("upgrade-available", "example.com/Upper/Case can be upgraded to v1.1.0"),
    ("upgrade-available", "example.com/incompat can be upgraded to v2.1.0+incompatible"),
    ("upgrade-available", "example.com/graph/b can be upgraded to v1.1.0"),
]


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("lsp-versions") / "proxy")


@pytest.fixture
def proxy(fixture_root: Path) -> Iterator[ProxyServer]:
    with ProxyServer(fixture_root) as server:
        yield server


def facts(diagnostics: Sequence[types.Diagnostic]) -> list[tuple[object, str]]:
    return [(d.code, d.message) for d in diagnostics]


async def test_facts_merge_in_then_the_lens_shows_upgrades_and_actions_apply(
    client: ModClient, proxy: ProxyServer, tmp_path: Path
) -> None:
    await start(client, {"debounceMs": 0, "goproxy": proxy.url})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", MAIN_GOMOD)
    published = await client.until(doc.uri, lambda d: facts(d) == FACTS, since=since)
    retracted = next(d for d in published.diagnostics if d.code == "retracted-version")
    assert retracted.range == rng(5, 19, 5, 25)  # alpha's version
    assert retracted.severity == types.DiagnosticSeverity.Warning

    # Upgrades are not diagnostics yet (off by default), but each require line offers them,
    # with the cursor on the path or in the line's indentation.
    for column in (2, 0):
        rewrites = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=doc.uri),
                range=rng(10, column, 10, column),  # example.com/Upper/Case v1.0.0
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        assert [(a.title, a.kind) for a in rewrites or [] if isinstance(a, types.CodeAction)] == [
            (
                "Upgrade example.com/Upper/Case to v1.1.0 (latest minor, latest)",
                types.CodeActionKind.RefactorRewrite,
            )
        ]

    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=doc.uri))
    )
    assert [
        (lens.command.title, list(lens.command.arguments or []))
        for lens in lenses or []
        if lens.command
    ] == [
        ("Check for upgrades", [{"uri": doc.uri}]),
        ("Upgrade all (6)", [{"uri": doc.uri, "level": "minor"}]),
    ]
    assert lenses and lenses[0].range.start.line == 5  # the first require

    since = client.mark()
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="modlsp.server.checkUpgrades", arguments=[{"uri": doc.uri}]
        )
    )
    wanted = sorted(FACTS + UPGRADES)
    await client.until(doc.uri, lambda d: sorted(facts(d)) == wanted, since=since)
    assert await client.messages_containing("can be upgraded") == [
        "modlsp: 6 of 9 requirements can be upgraded"
    ]

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri),
            range=rng(5, 20, 5, 20),
            context=types.CodeActionContext(diagnostics=[retracted]),
        )
    )
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    # The retraction's fixes, no refactoring repeating them, and the move to the newer major.
    assert titles == [
        "Upgrade to v1.2.0 (nearest version not retracted)",
        "Upgrade to v1.2.1 (latest minor, latest)",
        "Upgrade to example.com/alpha/v3 v3.2.0 and rewrite its imports",
    ]
    fix = next(a for a in actions or [] if isinstance(a, types.CodeAction) and a.is_preferred)
    assert fix.edit is not None
    since = client.mark()
    send_text_edits(client, doc, _edits(fix.edit, doc.uri))
    assert f"{ALPHA} v1.2.0" in doc.text
    await client.until(doc.uri, lambda d: not any("alpha@" in m for _, m in facts(d)), since=since)

    # "Upgrade all" asks the client to apply one edit with every direct upgrade.
    applied = len(client.applied)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="modlsp.server.upgradeAll", arguments=[{"uri": doc.uri, "level": "minor"}]
        )
    )
    request = await client.next_applied_edit(applied)
    after = apply_text_edits(doc.text, _edits(request.edit, doc.uri), client.encoding)
    for line in ("example.com/alpha v1.2.1", "example.com/gamma v1.5.0", "example.com/beta v0.3.0"):
        assert line in after


def _edits(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if edit.document_changes:
        return [
            e
            for change in edit.document_changes
            if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
            for e in change.edits
            if isinstance(e, types.TextEdit)
        ]
    return list((edit.changes or {}).get(uri, []))


async def test_source_action_upgrades_every_direct_dependency(
    client: ModClient, proxy: ProxyServer, tmp_path: Path
) -> None:
    gomod = gomod_text(MAIN_PATH, "1.21", require=("example.com/gamma v1.4.0",))
    await start(client, {"debounceMs": 0, "goproxy": proxy.url})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", gomod)
    await client.until(
        doc.uri, lambda d: "requires-newer-go" in [c for c, _ in facts(d)], since=since
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri),
            range=rng(0, 0, 0, 0),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]),
        )
    )
    by_title = {a.title: a for a in actions or [] if isinstance(a, types.CodeAction)}
    patch = by_title["Upgrade all direct dependencies (patch)"]
    assert patch.kind == "source.upgrade.patch" and patch.edit is not None
    assert "example.com/gamma v1.4.1" in apply_text_edits(
        doc.text, _edits(patch.edit, doc.uri), client.encoding
    )
    assert "Upgrade all direct dependencies (minor)" in by_title


async def test_private_modules_never_reach_the_proxy(
    client: ModClient, proxy: ProxyServer, tmp_path: Path
) -> None:
    gomod = gomod_text(
        MAIN_PATH, "1.21", require=("private.corp/secret v1.0.0", "example.com/beta v0.2.0")
    )
    await start(client, {"debounceMs": 0, "goproxy": proxy.url, "goprivate": "private.corp"})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", gomod)
    await client.until(
        doc.uri, lambda d: "deprecated-module" in [c for c, _ in facts(d)], since=since
    )
    assert not [p for p in proxy.paths() if "private.corp" in p]
    assert [p for p in proxy.paths() if p.startswith("/example.com/beta/")]


async def test_a_dead_proxy_is_one_message_and_requests_still_answer(
    client: ModClient, tmp_path: Path
) -> None:
    await start(client, {"debounceMs": 0, "goproxy": refused_url()})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", MAIN_GOMOD)
    await client.next_diagnostics(doc.uri, since=since)

    (message,) = await client.messages_containing("is not answering")
    assert "cannot connect" in message
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri), position=pos(5, 21)
        )
    )
    assert hover is not None


async def test_a_hanging_proxy_does_not_block_requests(
    client: ModClient, proxy: ProxyServer, tmp_path: Path
) -> None:
    proxy.add_fault(Fault("hang"))
    await start(client, {"debounceMs": 0, "goproxy": proxy.url})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", MAIN_GOMOD)
    published = await client.next_diagnostics(doc.uri, since=since)
    assert facts(published.diagnostics) == []  # syntax first, facts never block it
    await asyncio.get_running_loop().run_in_executor(None, proxy.wait_for_requests)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri), position=pos(5, 21)
        )
    )
    assert hover is not None
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=doc.uri))
    )
    assert lenses and lenses[0].command and lenses[0].command.title == "Check for upgrades"


async def test_hover_completion_links_and_inlay_hints(
    client: ModClient, proxy: ProxyServer, tmp_path: Path
) -> None:
    await start(client, {"debounceMs": 0, "goproxy": proxy.url, "goprivate": "private.corp"})
    text = MAIN_GOMOD.replace(")\n", "\tprivate.corp/secret v1.0.0\n)\n")
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", text)
    await client.until(doc.uri, lambda d: facts(d)[:1] == FACTS[:1], since=since)
    identifier = types.TextDocumentIdentifier(uri=doc.uri)

    # Completion on alpha's version: newest first, pre-release after releases, retracted
    # ones marked deprecated, with publish dates; the edit replaces the version token.
    # Completion waits for the dates; the hover below is built from them then, as a hover
    # waits only 50 ms for the proxy.
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=identifier, position=pos(5, 21))
    )
    assert isinstance(result, types.CompletionList)
    ordered = sorted(result.items, key=lambda item: item.sort_text or "")
    assert [item.label for item in ordered] == [
        "v1.2.1",
        "v1.2.0",
        "v1.1.0",
        "v1.0.0",
        "v1.3.0-beta.1",
    ]
    retracted = {
        i.label for i in ordered if i.tags and types.CompletionItemTag.Deprecated in i.tags
    }
    assert retracted == {"v1.1.0", "v1.0.0"}
    assert all(item.detail and item.detail.startswith("2024-") for item in ordered), ordered
    edit = ordered[0].text_edit
    assert isinstance(edit, types.TextEdit) and edit.range == rng(5, 19, 5, 25)

    # Hover on alpha's version: retraction, upgrades with dates, newer major, pkg.go.dev.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=identifier, position=pos(5, 21))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    shown = hover.contents.value
    for part in (
        "Broken build on Windows.",
        "v1.2.1",
        "example.com/alpha/v3",
        "v3.2.0",
        "https://pkg.go.dev/example.com/alpha@v1.1.0",
        "2024-",
    ):
        assert part in shown, shown
    private = await client.text_document_hover_async(
        types.HoverParams(text_document=identifier, position=pos(14, 3))
    )
    assert private is not None and isinstance(private.contents, types.MarkupContent)
    assert "pkg.go.dev" not in private.contents.value

    # Links: public require paths to pkg.go.dev, none for the private module.
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=identifier)
    )
    targets = [link.target for link in links or []]
    assert "https://pkg.go.dev/example.com/alpha@v1.1.0" in targets
    assert not [t for t in targets if t and "private.corp" in t]

    # Inlay hints: MVS selects graph/b v1.1.0 (graph/a requires it) above the line's v1.0.0.
    async def hints() -> list[types.InlayHint]:
        found = await client.text_document_inlay_hint_async(
            types.InlayHintParams(text_document=identifier, range=rng(0, 0, 16, 0))
        )
        return list(found or [])

    found = await hints()
    if not found:  # the go.mods of the graph were being fetched: the server asks to refresh
        await client.wait_for_refresh(types.WORKSPACE_INLAY_HINT_REFRESH)
        found = await hints()
    assert [(h.position.line, h.label) for h in found] == [(13, "selected v1.1.0")]
