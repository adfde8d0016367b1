"""The major-version refactorings end to end: the real server over stdio with VS Code's and
Neovim's capabilities, the code action on the module line (and the quick fix of a release-tag
mismatch, with tags made by the git CLI), the cross-major upgrade of a dependency found through
a file:// proxy; the client applies the WorkspaceEdit the server sends, and the go command
builds the result."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from majors.fixture import BIG, GoTool, tidy_sums, write_workspace
from pytest_lsp import ClientServerConfig

from .support import (
    EDITORS,
    TIMEOUT,
    ModClient,
    apply_text_edits,
    make_client,
    open_doc,
    rng,
    start,
)


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> GoTool:
    return GoTool(tmp_path_factory.mktemp("go-home"), tmp_path_factory.mktemp("proxy"))


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


def apply_to_disk(edit: types.WorkspaceEdit, encoding: str) -> dict[str, int | None]:
    """Apply a WorkspaceEdit to the files it names, as an editor saves them; returns each
    uri's document version (None for closed files)."""
    per_uri: list[tuple[str, int | None, Sequence[types.TextEdit]]] = []
    if edit.document_changes is not None:
        assert edit.changes is None
        for entry in edit.document_changes:
            assert isinstance(entry, types.TextDocumentEdit)
            edits = [e for e in entry.edits if isinstance(e, types.TextEdit)]
            per_uri.append((entry.text_document.uri, entry.text_document.version, edits))
    else:
        assert edit.changes is not None
        per_uri = [(uri, None, edits) for uri, edits in edit.changes.items()]
    versions = {}
    for uri, version, edits in per_uri:
        path = Path(uri.removeprefix("file://"))
        path.write_text(apply_text_edits(path.read_text(), edits, encoding))
        versions[uri] = version
    return versions


async def run_action(client: ModClient, action: types.CodeAction) -> types.WorkspaceEdit:
    assert action.command is not None and action.edit is None
    applied = len(client.applied)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command=action.command.command, arguments=action.command.arguments
        )
    )
    return (await client.next_applied_edit(applied)).edit


async def actions_at(
    client: ModClient, uri: str, line: int, diagnostics: Sequence[types.Diagnostic] = ()
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=rng(line, 0, line, 0),
            context=types.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


async def test_bump_action_moves_the_module_and_its_workspace(
    client: ModClient, tmp_path: Path, tool: GoTool
) -> None:
    root = write_workspace(tmp_path / "ws")
    tidy_sums(tool, {"big": root / "big", "app": root / "app"})
    big = root / "big"
    await start(client, {"debounceMs": 0}, root=root)
    since = client.mark()
    gomod = open_doc(client, big / "go.mod", (big / "go.mod").read_text())
    p10 = big / "pkg" / "p10" / "p10.go"
    open_go = open_doc(client, p10, p10.read_text())
    await client.next_diagnostics(gomod.uri, since=since)

    (bump,) = [a for a in await actions_at(client, gomod.uri, 0) if "Move module" in a.title]
    assert bump.title == f"Move module to {BIG}/v2 and rewrite its imports"
    assert bump.kind == types.CodeActionKind.RefactorRewrite
    edit = await run_action(client, bump)
    versions = apply_to_disk(edit, client.encoding)
    # Open documents are edited at the version the server saw; closed ones have no version.
    if edit.document_changes is not None:
        assert versions[gomod.uri] == gomod.version
        assert versions[open_go.uri] == open_go.version
        assert versions[(big / "mixed" / "mixed.go").as_uri()] is None
    assert (root / "app" / "go.mod").as_uri() in versions
    assert (await client.messages_containing(f"{BIG} -> {BIG}/v2"))[0].startswith("modlsp: ")

    tool.build_and_vet(big)
    tool.build_and_vet(root / "app", gowork=root / "go.work")
    assert BIG not in tool.modules_of_deps(big)
    assert tool.unformatted(big) == []
    assert tool.unformatted(root / "app") == []


def git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


async def test_release_tags_ask_for_the_suffix_and_the_quick_fix_adds_it(
    client: ModClient, tmp_path: Path, tool: GoTool
) -> None:
    mine = write_workspace(tmp_path / "ws") / "mine"
    text = "module example.com/tagged\n\ngo 1.21\n"
    (mine / "go.mod").write_text(text)
    for go_file in (mine / "mine.go", mine / "inner" / "inner.go"):
        go_file.write_text(go_file.read_text().replace("gopkg.in/mine.v1", "example.com/tagged"))
    git(mine, "init", "-q", "-b", "main")
    git(mine, "commit", "-q", "--allow-empty", "-m", "first")
    git(mine, "tag", "v1.4.0")
    git(mine, "tag", "v3.0.1")
    git(mine, "pack-refs", "--all")
    await start(client, {"debounceMs": 0}, module_checks=True, root=mine)
    since = client.mark()
    gomod = open_doc(client, mine / "go.mod", text)
    published = await client.until(
        gomod.uri, lambda d: any(x.code == "major-tag-mismatch" for x in d), since=since
    )
    (mismatch,) = [d for d in published.diagnostics if d.code == "major-tag-mismatch"]
    assert mismatch.range == rng(0, 7, 0, 25)
    assert "v3.0.1" in mismatch.message

    actions = await actions_at(client, gomod.uri, 0, [mismatch])
    fix = actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.title == "Move module to example.com/tagged/v3 and rewrite its imports"
    assert fix.is_preferred
    apply_to_disk(await run_action(client, fix), client.encoding)
    assert (mine / "go.mod").read_text().startswith("module example.com/tagged/v3\n")
    assert '"example.com/tagged/v3/inner"' in (mine / "mine.go").read_text()
    tool.build_and_vet(mine)


async def test_newer_major_of_a_dependency_is_one_action_away(
    client: ModClient, tmp_path: Path, tool: GoTool
) -> None:
    root = write_workspace(tmp_path / "ws")
    big = root / "big"
    tidy_sums(tool, {"big": big})
    await start(client, {"debounceMs": 0, "goproxy": tool.proxy.resolve().as_uri()}, root=big)
    since = client.mark()
    text = (big / "go.mod").read_text()
    line = text.splitlines().index("\texample.com/dep v1.2.0")
    gomod = open_doc(client, big / "go.mod", text)
    published = await client.until(
        gomod.uri,
        lambda d: any(x.code == "newer-major-version" and x.range.start.line == line for x in d),
        since=since,
    )
    newer = [d for d in published.diagnostics if d.code == "newer-major-version"]
    (upgrade,) = [
        a
        for a in await actions_at(client, gomod.uri, line, newer)
        if a.title.startswith("Upgrade to example.com/dep/v2")
    ]
    assert upgrade.title == "Upgrade to example.com/dep/v2 v2.1.0 and rewrite its imports"
    assert upgrade.kind == types.CodeActionKind.QuickFix
    apply_to_disk(await run_action(client, upgrade), client.encoding)
    assert "example.com/dep/v2 v2.1.0" in (big / "go.mod").read_text()
    tool.build_and_vet(big)
    modules = tool.modules_of_deps(big)
    assert "example.com/dep/v2" in modules
    assert "example.com/dep" not in modules
    assert tool.unformatted(big) == []


async def test_commands_say_what_is_wrong_with_their_arguments(
    client: ModClient, tmp_path: Path
) -> None:
    (tmp_path / "go.mod").write_text("module example.com/m/v3\n\ngo 1.21\n")
    await start(client, {"debounceMs": 0}, root=tmp_path)
    gomod = (tmp_path / "go.mod").as_uri()
    requests = [
        ("modlsp.server.bumpMajor", {"uri": (tmp_path.parent / "elsewhere.go").as_uri()}),
        ("modlsp.server.bumpMajor", {"uri": gomod, "major": "four"}),
        ("modlsp.server.bumpMajor", {"uri": gomod, "major": 2}),
        ("modlsp.server.upgradeMajor", {"uri": gomod, "path": "example.com/x"}),
    ]
    for command, argument in requests:
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command, arguments=[argument])
        )
        assert result is None
    assert [m.message for m in client.messages] == [
        "modlsp: Bump module major version: no module found for the given file",
        "modlsp: Bump module major version: 'four' is not a major version",
        "modlsp: Bump module major version: example.com/m/v3 is already at v3: the new major must be "
        "above it",
        "modlsp: Upgrade across majors: give uri, path, newPath and version",
    ]
    assert client.applied == []
    assert (tmp_path / "go.mod").read_text() == "module example.com/m/v3\n\ngo 1.21\n"
