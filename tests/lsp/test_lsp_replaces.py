"""Replace directives and go.work files checked against the disk, end to end: the real server
over stdio with VS Code's and Neovim's capabilities, real directories in a temp dir, and each
fix applied the way the client applies it (then the diagnostic is gone)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from oracle.goproxy import write_files
from pytest_lsp import ClientServerConfig

from .support import (
    EDITORS,
    TIMEOUT,
    Doc,
    ModClient,
    edits_for,
    make_client,
    open_doc,
    rng,
    send_text_edits,
    start,
)

LIB = {"go.mod": "module example.com/lib\n\ngo 1.21\n", "lib.go": "package lib\n"}


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "modlsp"], client_factory=make_client
    ),
    params=EDITORS,
)
async def client(lsp_client: ModClient, request: pytest.FixtureRequest):
    lsp_client.editor = request.param
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


def with_code(code: str) -> object:
    return lambda diagnostics: any(d.code == code for d in diagnostics)


def only(diagnostics: Sequence[types.Diagnostic], code: str) -> types.Diagnostic:
    (found,) = [d for d in diagnostics if d.code == code]
    return found


async def actions_for(
    client: ModClient, doc: Doc, at: types.Range, diagnostics: Sequence[types.Diagnostic] = ()
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.identifier,
            range=at,
            context=types.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


async def apply(client: ModClient, doc: Doc, action: types.CodeAction) -> None:
    """The action's edit, applied to the open document as the editor would."""
    edits, _, _ = edits_for(action.edit, doc.uri)
    send_text_edits(client, doc, edits)


async def test_a_replace_pointing_at_the_wrong_module_is_pointed_at_the_right_one(
    client: ModClient, tmp_path: Path
) -> None:
    write_files(tmp_path / "lib", LIB)
    write_files(tmp_path / "lib-old", {"go.mod": "module example.com/libold\n\ngo 1.21\n"})
    text = (
        "module example.com/app\n\ngo 1.21\n\nrequire example.com/lib v1.0.0\n\n"
        "replace example.com/lib => ../lib-old\n"
    )
    write_files(tmp_path / "app", {"go.mod": text})
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path / "app")
    since = client.mark()
    doc = open_doc(client, tmp_path / "app" / "go.mod", text)
    published = await client.until(doc.uri, with_code("replace-module-path"), since=since)
    problem = only(published.diagnostics, "replace-module-path")
    assert problem.range == rng(6, 27, 6, 37)
    assert "declares its path as example.com/libold, not example.com/lib" in problem.message

    titles = [a.title for a in await actions_for(client, doc, problem.range, [problem])]
    assert titles[:2] == ["Point the replace at ../lib", "Remove this replace"]
    (point,) = [
        a
        for a in await actions_for(client, doc, problem.range, [problem])
        if a.title == "Point the replace at ../lib"
    ]
    since = client.mark()
    await apply(client, doc, point)
    assert doc.text.endswith("replace example.com/lib => ../lib\n")
    await client.until(
        doc.uri, lambda d: not any(x.code.startswith("replace-") for x in d), since=since
    )


async def test_a_missing_replacement_directory_is_an_error_with_a_fix(
    client: ModClient, tmp_path: Path
) -> None:
    text = (
        "module example.com/app\n\ngo 1.21\n\nrequire example.com/lib v1.0.0\n\n"
        "replace example.com/lib => ../gone\n"
    )
    write_files(tmp_path / "app", {"go.mod": text})
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path / "app")
    since = client.mark()
    doc = open_doc(client, tmp_path / "app" / "go.mod", text)
    published = await client.until(doc.uri, with_code("replace-directory"), since=since)
    problem = only(published.diagnostics, "replace-directory")
    assert problem.severity == types.DiagnosticSeverity.Error
    assert problem.message == "replacement directory ../gone does not exist"
    since = client.mark()
    (fix,) = [
        a
        for a in await actions_for(client, doc, problem.range, [problem])
        if a.title == "Remove this replace"
    ]
    await apply(client, doc, fix)
    assert "replace" not in doc.text
    await client.until(
        doc.uri, lambda d: not any(x.code == "replace-directory" for x in d), since=since
    )


async def test_use_the_local_copy_then_remove_local_replaces(
    client: ModClient, tmp_path: Path
) -> None:
    write_files(tmp_path / "lib", LIB)
    text = "module example.com/app\n\ngo 1.21\n\nrequire example.com/lib v1.0.0\n"
    write_files(tmp_path / "app", {"go.mod": text})
    await start(client, {"debounceMs": 0}, root=tmp_path / "app")
    doc = open_doc(client, tmp_path / "app" / "go.mod", text)
    (use,) = [
        a
        for a in await actions_for(client, doc, rng(4, 0, 4, 0))
        if a.title.startswith("Use the local copy")
    ]
    assert use.title == "Use the local copy at ../lib"
    assert use.kind == types.CodeActionKind.RefactorRewrite
    await apply(client, doc, use)
    assert doc.text == text + "\nreplace example.com/lib => ../lib\n"

    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.identifier,
            range=rng(0, 0, 0, 0),
            context=types.CodeActionContext(diagnostics=[], only=["source.removeLocalReplaces"]),
        )
    )
    (remove,) = [a for a in found or [] if isinstance(a, types.CodeAction)]
    assert remove.title == "Remove local replaces (1)"
    await apply(client, doc, remove)
    assert doc.text == text


async def test_go_work_problems_and_raising_its_go_line(client: ModClient, tmp_path: Path) -> None:
    write_files(tmp_path / "lib", {**LIB, "go.mod": "module example.com/lib\n\ngo 1.22\n"})
    text = "go 1.21\n\nuse (\n\t./lib\n\t./gone\n)\n"
    (tmp_path / "go.work").write_text(text)
    await start(client, {"debounceMs": 0}, module_checks=True, root=tmp_path)
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.work", text)
    published = await client.until(doc.uri, with_code("work-go-too-old"), since=since)
    assert sorted(d.code for d in published.diagnostics) == ["use-directory", "work-go-too-old"]
    gone = only(published.diagnostics, "use-directory")
    assert gone.range == rng(4, 1, 4, 7)
    assert gone.message.startswith("cannot load module ./gone listed in go.work file")
    old = only(published.diagnostics, "work-go-too-old")
    assert old.message == (
        "module ./lib listed in go.work file requires go >= 1.22, but go.work lists go 1.21"
    )
    (raise_go,) = [
        a for a in await actions_for(client, doc, old.range, [old]) if a.title.startswith("Raise")
    ]
    since = client.mark()
    await apply(client, doc, raise_go)
    assert doc.text.startswith("go 1.22\n")
    published = await client.until(
        doc.uri, lambda d: not any(x.code == "work-go-too-old" for x in d), since=since
    )
    assert [d.code for d in published.diagnostics] == ["use-directory"]
