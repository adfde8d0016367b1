"""The requirement checks end to end: a real module cache (filled by the go command from a
file:// proxy), the real server over stdio with VS Code's and Neovim's capabilities, a
workspace folder it scans in the background, and edits to open and closed Go files."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from oracle.goproxy import populate_cache, write_proxy
from oracle.tidy_fixtures import go_file, gomod, lib, merge
from pytest_lsp import ClientServerConfig

from .support import (
    EDITORS,
    TIMEOUT,
    ModClient,
    apply_text_edits,
    change,
    codes,
    edits_for,
    make_client,
    open_doc,
    pos,
    rng,
    send_text_edits,
    start,
)

PROXY = merge(
    lib("example.com/a@v1.0.0"),
    lib("example.com/b@v1.0.0"),
    lib("example.com/c@v1.0.0", files={"pkg/pkg.go": go_file("pkg")}),
    lib("example.com/c@v1.1.0", files={"pkg/pkg.go": go_file("pkg")}),
)
# One module cache for the whole module, at a path fixed before the server starts.
_HOME = Path(tempfile.mkdtemp(prefix="modlsp-lsp-modules-"))
GOMODCACHE = _HOME / "home" / "modcache"

MAIN_GO = 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/a"\n)\n\nfunc main() {}\n'
MAIN_GO_C = MAIN_GO.replace('"example.com/a"\n', '"example.com/a"\n\t"example.com/c/pkg"\n')
C_MISSING = ["example.com/c is not in your go.mod file"]
GO_MOD = gomod("example.com/main", require=["example.com/a v1.0.0", "example.com/b v1.0.0"])


@pytest.fixture(scope="module", autouse=True)
def module_cache() -> Iterator[Path]:
    proxy = write_proxy(_HOME / "proxy", PROXY)
    populate_cache(proxy, _HOME / "home", PROXY)
    yield GOMODCACHE
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "modlsp"],
        client_factory=make_client,
        server_env={**os.environ, "GOMODCACHE": str(GOMODCACHE)},
    ),
    params=EDITORS,
)
async def client(lsp_client: ModClient, request: pytest.FixtureRequest):
    lsp_client.editor = request.param
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


def messages(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(d.message for d in diagnostics)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


async def test_deleting_an_import_makes_its_requirement_unused(client: ModClient, tmp_path):
    write(tmp_path / "go.mod", GO_MOD)
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path)
    since = client.mark()
    mod = open_doc(client, tmp_path / "go.mod", GO_MOD)
    main = open_doc(client, tmp_path / "main.go", MAIN_GO)
    unused_b = ["example.com/b is not used in this module"]
    published = await client.until(mod.uri, lambda d: messages(d) == unused_b, since=since)
    assert codes(published.diagnostics) == ["unused-requirement"]
    assert published.diagnostics[0].range == rng(6, 1, 6, 14)  # the path on the require line

    since = client.mark()
    change(client, main, (rng(5, 0, 6, 0), ""))  # delete `"example.com/a"`
    both = sorted(["example.com/a is not used in this module", *unused_b])
    await client.until(mod.uri, lambda d: messages(d) == both, since=since)

    since = client.mark()
    change(client, main, (rng(5, 0, 5, 0), '\t"example.com/a"\n'))  # and put it back
    await client.until(mod.uri, lambda d: messages(d) == unused_b, since=since)


async def test_missing_requirement_is_fixed_from_the_module_cache(client: ModClient, tmp_path):
    write(tmp_path / "go.mod", GO_MOD)
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path)
    since = client.mark()
    mod = open_doc(client, tmp_path / "go.mod", GO_MOD)
    text = MAIN_GO.replace('"example.com/a"\n', '"example.com/a"\n\t"example.com/c/pkg"\n')
    main = open_doc(client, tmp_path / "main.go", text)
    missing = ["no required module provides package example.com/c/pkg"]
    published = await client.until(main.uri, lambda d: messages(d) == missing, since=since)
    (diagnostic,) = published.diagnostics
    assert diagnostic.code == "missing-module-import"
    assert diagnostic.range == rng(6, 1, 6, 20)  # the import string, quotes included

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=main.identifier,
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    (fix,) = [a for a in actions if isinstance(a, types.CodeAction)]
    assert fix.title == "Add requirement example.com/c v1.1.0"
    # The fix edits the go.mod (open, so at the version the server has).
    edits, version, form = edits_for(fix.edit, mod.uri)
    if client.editor == "visual-studio-code":  # it takes versioned documentChanges
        assert (form, version) == ("documentChanges", mod.version)
    else:
        assert (form, version) == ("changes", None)
    expected = apply_text_edits(mod.text, edits, client.encoding)
    assert "example.com/c v1.1.0" in expected

    since = client.mark()
    send_text_edits(client, mod, edits)
    await client.until(main.uri, lambda d: not d, since=since)
    await client.until(
        mod.uri, lambda d: messages(d) == ["example.com/b is not used in this module"], since=since
    )


async def test_closed_files_changing_on_disk_are_followed(client: ModClient, tmp_path):
    write(tmp_path / "go.mod", GO_MOD)
    other = write(tmp_path / "sub" / "uses_b.go", go_file("sub", "example.com/b"))
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path)
    since = client.mark()
    mod = open_doc(client, tmp_path / "go.mod", GO_MOD)
    open_doc(client, tmp_path / "main.go", MAIN_GO_C)
    # Once the scan has landed, c (imported, cached) is missing; and b is used, by
    # sub/uses_b.go, which is never opened: if the scan had missed it, b would be unused.
    await client.until(mod.uri, lambda d: messages(d) == C_MISSING, since=since)
    watchers = [r for r in client.registrations if r.method == "workspace/didChangeWatchedFiles"]
    # Only VS Code's capabilities allow registering watchers; Neovim's get the events anyway.
    assert len(watchers) == (1 if client.editor == "visual-studio-code" else 0)

    since = client.mark()
    other.write_text(go_file("sub"))  # b's import goes, on disk
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=other.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    unused_b = sorted(["example.com/b is not used in this module", *C_MISSING])
    await client.until(mod.uri, lambda d: messages(d) == unused_b, since=since)

    since = client.mark()
    other.unlink()
    other.parent.rmdir()
    write(tmp_path / "uses_b.go", go_file("main", "example.com/b"))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(uri=other.as_uri(), type=types.FileChangeType.Deleted),
                types.FileEvent(
                    uri=(tmp_path / "uses_b.go").as_uri(), type=types.FileChangeType.Created
                ),
            ]
        )
    )
    await client.until(mod.uri, lambda d: messages(d) == C_MISSING, since=since)


async def test_a_save_rereads_closed_files_when_the_client_cannot_watch(
    client: ModClient, tmp_path
):
    write(tmp_path / "go.mod", GO_MOD)
    other = write(tmp_path / "sub" / "uses_b.go", go_file("sub", "example.com/b"))
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path, file_watching=False)
    since = client.mark()
    mod = open_doc(client, tmp_path / "go.mod", GO_MOD)
    main = open_doc(client, tmp_path / "main.go", MAIN_GO_C)
    await client.until(mod.uri, lambda d: messages(d) == C_MISSING, since=since)
    assert client.registrations == []

    since = client.mark()
    other.write_text(go_file("sub"))  # a generator rewrote it: no event tells the server
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=main.identifier))
    unused_b = sorted(["example.com/b is not used in this module", *C_MISSING])
    await client.until(mod.uri, lambda d: messages(d) == unused_b, since=since)


async def test_tidy_source_action(client: ModClient, tmp_path):
    text = gomod(
        "example.com/main", require=["example.com/b v1.0.0", "example.com/a v1.0.0 // indirect"]
    )
    write(tmp_path / "go.mod", text)
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path)
    since = client.mark()
    mod = open_doc(client, tmp_path / "go.mod", text)
    open_doc(client, tmp_path / "main.go", MAIN_GO)
    expected = ["example.com/a should be direct", "example.com/b is not used in this module"]
    await client.until(mod.uri, lambda d: messages(d) == expected, since=since)

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=mod.identifier,
            range=rng(0, 0, 0, 0),
            context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source]),
        )
    )
    assert actions is not None
    (tidy,) = actions
    assert isinstance(tidy, types.CodeAction)
    assert (tidy.title, tidy.kind) == ("Tidy requirements (no network)", "source.tidy")
    edits, _, _ = edits_for(tidy.edit, mod.uri)
    since = client.mark()
    send_text_edits(client, mod, edits)
    assert mod.text == gomod("example.com/main", require=["example.com/a v1.0.0"])
    await client.until(mod.uri, lambda d: not d, since=since)


async def test_hover_definition_and_references(client: ModClient, tmp_path):
    write(tmp_path / "go.mod", GO_MOD)
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path)
    since = client.mark()
    mod = open_doc(client, tmp_path / "go.mod", GO_MOD)
    main = open_doc(client, tmp_path / "main.go", MAIN_GO)
    unused_b = ["example.com/b is not used in this module"]
    await client.until(mod.uri, lambda d: messages(d) == unused_b, since=since)

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=main.identifier, position=pos(5, 5))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.range == rng(5, 1, 5, 16)
    assert "is provided by module `example.com/a` `v1.0.0`" in hover.contents.value

    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=mod.identifier, position=pos(5, 5))
    )
    assert isinstance(definition, list) and len(definition) == 1
    target = definition[0]
    assert isinstance(target, types.Location)
    assert target.uri == (GOMODCACHE / "example.com" / "a@v1.0.0" / "go.mod").as_uri()

    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=mod.identifier,
            position=pos(5, 5),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert list(found or []) == [types.Location(uri=main.uri, range=rng(5, 1, 5, 16))]


async def test_a_module_whose_path_the_uris_percent_escape(client: ModClient, tmp_path):
    """A space, a '#' and a non-ASCII letter in the directory: the client's URIs escape them
    (file:///…/my%20work%20%232/%C3%A9t%C3%A9/go.mod). Every feature finds the open document
    under that URI, and every publication and edit is addressed to it, not to the unescaped
    spelling the client never sent."""
    root = tmp_path / "my work #2" / "été"
    write(root / "go.mod", GO_MOD)
    await start(client, {"debounceMs": 0}, module_checks=True, root=root)
    since = client.mark()
    mod = open_doc(client, root / "go.mod", GO_MOD)
    main = open_doc(client, root / "main.go", MAIN_GO)
    assert "%20" in mod.uri and "%23" in mod.uri and "%C3%A9" in mod.uri
    unused_b = ["example.com/b is not used in this module"]
    published = await client.until(mod.uri, lambda d: messages(d) == unused_b, since=since)
    assert {p.uri for p in client.published[since:]} <= {mod.uri, main.uri}

    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=mod.identifier)
    )
    assert symbols and symbols[0].name == "module example.com/main"
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=main.identifier, position=pos(5, 5))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "is provided by module `example.com/a` `v1.0.0`" in hover.contents.value

    (diagnostic,) = published.diagnostics
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=mod.identifier,
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    fixes = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.diagnostics]
    assert fixes, actions
    edits, _, _ = edits_for(fixes[0].edit, mod.uri)
    assert "example.com/b" not in apply_text_edits(mod.text, edits, client.encoding)
