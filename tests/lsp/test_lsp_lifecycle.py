"""Closing documents, settings, go.work files, and requests the server must survive."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .support import (
    TIMEOUT,
    Doc,
    ModClient,
    change,
    codes,
    held_go_command,
    open_doc,
    pos,
    release,
    rng,
    start,
    summary,
)

ERROR = types.DiagnosticSeverity.Error

TWO_PROBLEMS = (
    "module example.com/m\n"
    "\n"
    "requre example.com/b v1.0.0\n"  # line 2: unknown-directive on `requre`, 0..6
    "require example.com/a v1.2\n"  # line 3: noncanonical-version on `v1.2`, 22..26
)


async def open_two_problems(client: ModClient, path: Path) -> Doc:
    """Open TWO_PROBLEMS at `path` and wait for its first diagnostics."""
    since = client.mark()
    doc = open_doc(client, path, TWO_PROBLEMS)
    published = await client.next_diagnostics(doc.uri, since=since)
    assert codes(published.diagnostics) == ["unknown-directive", "noncanonical-version"]
    return doc


async def test_close_publishes_empty_diagnostics(client: ModClient, tmp_path):
    await start(client)
    doc = await open_two_problems(client, tmp_path / "go.mod")

    since = client.mark()
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc.identifier))
    # Skip re-publications of version 1 sent before the server read the close.
    published = await client.next_diagnostics(doc.uri, since=since, min_version=2)

    assert list(published.diagnostics) == []


async def test_bad_setting_is_reported_and_defaults_apply(client: ModClient, tmp_path):
    await start(client, {"debounceMs": "soon"})

    # The warning is sent while the server handles `initialize`, before it answers.
    assert [(m.type, m.message) for m in client.messages] == [
        (
            types.MessageType.Warning,
            "modlsp setting 'debounceMs': expected a whole number of milliseconds between 0 "
            "and 10000; using the default",
        )
    ]

    doc = await open_two_problems(client, tmp_path / "go.mod")

    # Changes are analysed after the default debounce delay, and still published.
    since = client.mark()
    change(client, doc, (rng(2, 0, 2, 6), "require"))
    published = await client.next_diagnostics(doc.uri, since=since, min_version=2)
    assert published.version == 2
    assert codes(published.diagnostics) == ["noncanonical-version"]


async def test_a_change_after_a_quiet_spell_is_analysed_at_once(client: ModClient, tmp_path):
    """The debounce delay holds back only the changes that follow another one closely: the
    first change after a quiet spell is published at once, and the two sent right after it are
    analysed at the last (here once a setting change asks for it, as the delay is longer than
    the test waits). Nothing else should publish meanwhile: no module
    around the file to scan (a go.mod-language document not named go.mod), no go command to
    read a GODEBUG table from, and edits that leave the requirements alone (new ones would be
    published again once their version facts are gathered)."""
    await start(client, {"debounceMs": 10_000, "goCommand": str(tmp_path / "no-such-go")})
    since = client.mark()
    doc = open_doc(client, tmp_path / "tools.mod", "module example.com/m\n\ngo 1.22\n")
    assert list((await client.next_diagnostics(doc.uri, since=since)).diagnostics) == []

    since = client.mark()
    change(client, doc, (rng(2, 3, 2, 7), "1.x"))
    # Half the delay: a change that waited for it fails here.
    published = await asyncio.wait_for(
        client.next_diagnostics(doc.uri, since=since, min_version=2), timeout=5
    )
    assert (published.version, codes(published.diagnostics)) == (2, ["invalid-go-version"])

    change(client, doc, (rng(2, 3, 2, 6), "1.22"))
    change(client, doc, (rng(2, 3, 2, 7), "1.y"))
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"modlsp": {"debounceMs": 10_000, "goCommand": str(tmp_path / "no-such-go")}}
        )
    )
    published = await client.next_diagnostics(doc.uri, since=since, min_version=4)
    assert summary(published.diagnostics)[0][:3] == ((2, 3, 2, 6), ERROR, "invalid-go-version")
    # (Version 3 may be published too, if background work such as reading the go environment
    # lands while the document is at it: a re-publication, not an analysis of each change.)
    versions = [p.version for p in client.published[since:] if p.uri == doc.uri]
    assert versions == sorted(versions)


async def test_disabled_codes_are_not_reported(client: ModClient, tmp_path):
    await start(client, {"disabledCodes": ["noncanonical-version"]})
    assert client.messages == []

    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", TWO_PROBLEMS)
    published = await client.next_diagnostics(doc.uri, since=since)

    assert summary(published.diagnostics) == [
        ((2, 0, 2, 6), ERROR, "unknown-directive", "modlsp"),
    ]


async def test_did_change_configuration_republishes(client: ModClient, tmp_path):
    # A go command that does not exist keeps the built-in GODEBUG table, so the server never
    # re-publishes on its own after loading the installed one: every publication after the
    # configuration change is caused by it.
    no_go = str(tmp_path / "no-such-go")
    await start(client, {"goCommand": no_go})
    doc = await open_two_problems(client, tmp_path / "go.mod")

    since = client.mark()
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            # As VS Code sends it: the extension's own keys (server, trace) share the section.
            settings={
                "modlsp": {
                    "disabledCodes": ["unknown-directive"],
                    "goCommand": no_go,
                    "server": {"path": "", "python": ""},
                    "trace": {"server": "off"},
                }
            }
        )
    )
    published = await client.next_diagnostics(doc.uri, since=since)

    assert published.version == 1
    assert codes(published.diagnostics) == ["noncanonical-version"]
    assert client.messages == []


async def test_did_change_configuration_without_settings_pulls_them(client: ModClient, tmp_path):
    """Clients using the pull model send `settings: null`; the server then asks for the
    "modlsp" section with workspace/configuration (both editors declare support for it)."""
    no_go = str(tmp_path / "no-such-go")
    await start(client, {"goCommand": no_go})
    doc = await open_two_problems(client, tmp_path / "go.mod")

    client.set_configuration(
        {"disabledCodes": ["noncanonical-version"], "goCommand": no_go}, section="modlsp"
    )
    since = client.mark()
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    published = await client.next_diagnostics(doc.uri, since=since)

    assert published.version == 1
    assert codes(published.diagnostics) == ["unknown-directive"]


async def test_bad_requests_do_not_kill_the_server(client: ModClient, tmp_path):
    await start(client, {"debounceMs": 0})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", TWO_PROBLEMS)
    await client.next_diagnostics(doc.uri, since=since)

    # Far past the end of the file: an empty answer or a JSON-RPC error are both fine.
    try:
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc.identifier,
                range=rng(999, 0, 999, 5),
                context=types.CodeActionContext(diagnostics=[]),
            )
        )
        assert not actions
    except JsonRpcException:
        pass

    # Params that break the protocol: a negative line (lsprotocol's validators refuse to build
    # one, so it is forced in). pygls cannot even decode such a request, so it may answer with
    # an error or only report it in a window/showMessage; either way the server lives on.
    negative = pos(0, 0)
    object.__setattr__(negative, "line", -1)
    reported = asyncio.ensure_future(client.wait_for_notification(types.WINDOW_SHOW_MESSAGE))
    answered = asyncio.ensure_future(
        client.text_document_hover_async(
            types.HoverParams(text_document=doc.identifier, position=negative)
        )
    )
    done, pending = await asyncio.wait(
        {reported, answered}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED
    )
    for task in pending:
        task.cancel()
    assert done, "the server neither answered nor reported the malformed request"
    if reported in done:
        assert reported.result().type == types.MessageType.Error
    elif answered.exception() is None:
        assert answered.result() is None

    # A document that was never opened.
    unopened = types.TextDocumentIdentifier(uri=(tmp_path / "other" / "go.mod").as_uri())
    assert (
        await client.text_document_hover_async(
            types.HoverParams(text_document=unopened, position=pos(0, 0))
        )
        is None
    )

    # Still alive and answering: hover on `require` (line 3).
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.identifier, position=pos(3, 3))
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("**require** directive")
    assert hover.range == rng(3, 0, 3, 7)

    # And still analysing.
    since = client.mark()
    change(client, doc, (rng(2, 0, 2, 6), "require"))
    published = await client.next_diagnostics(doc.uri, since=since, min_version=2)
    assert (published.version, codes(published.diagnostics)) == (2, ["noncanonical-version"])


async def test_go_work_rejects_go_mod_directives(client: ModClient, tmp_path):
    await start(client)
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.work", "go 1.22\n\nuse ./a\n\nrequire x v1.0.0\n")
    published = await client.next_diagnostics(doc.uri, since=since)

    assert summary(published.diagnostics) == [
        ((4, 0, 4, 16), ERROR, "work-directive", "modlsp"),
    ]
    assert published.diagnostics[0].message == (
        "unknown directive: require (require is not allowed in a go.work file)"
    )


async def test_go_sources_get_only_import_diagnostics(client: ModClient, tmp_path):
    """Editors send .go files too (language "go"): the server judges their imports, and
    answers no go.mod request (formatting, outline, hover) about them as if they were go.mod."""
    await start(client)
    since = client.mark()
    source = open_doc(client, tmp_path / "main.go", "package main\n\nfunc main() {}\n")
    mod = open_doc(client, tmp_path / "go.mod", TWO_PROBLEMS)
    published = await client.next_diagnostics(source.uri, since=since)
    assert list(published.diagnostics) == []
    published = await client.next_diagnostics(mod.uri, since=since)
    assert codes(published.diagnostics) == ["unknown-directive", "noncanonical-version"]

    whole = rng(0, 0, 3, 0)
    formatting = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=source.identifier,
            options=types.FormattingOptions(tab_size=4, insert_spaces=False),
        )
    )
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=source.identifier)
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=source.identifier,
            range=whole,
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=source.identifier, position=pos(0, 0))
    )
    assert (formatting, symbols, hover) == (None, None, None)
    assert actions is not None and list(actions) == []  # no problem in main.go, no fix


def goroot_knowing(tmp_path: Path, known: list[str]) -> Path:
    """A GOROOT whose GODEBUG table knows only `known`."""
    goroot = tmp_path / "goroot"
    table = goroot / "src" / "internal" / "godebugs" / "table.go"
    table.parent.mkdir(parents=True)
    entries = "".join(f'\t{{Name: "{name}", Package: "x"}},\n' for name in known)
    table.write_text(f"package godebugs\n\nvar All = []Info{{\n{entries}}}\n")
    return goroot


async def test_the_installed_godebug_table_judges_the_open_godebug_directives(
    client: ModClient, tmp_path
):
    """Until `go env` answers, godebug keys are judged by the built-in table; then by
    the installed Go's, and the documents with godebug directives are analysed again."""
    goroot = goroot_knowing(tmp_path, ["modlsptestkey"])
    with held_go_command(tmp_path, goroot) as (go, holder):
        await start(client, {"debounceMs": 0, "goCommand": str(go)})
        since = client.mark()
        text = "module example.com/m\n\ngo 1.22\n\ngodebug allowmultiplevcs=1\n"
        doc = open_doc(client, tmp_path / "go.mod", text + "godebug modlsptestkey=1\n")
        builtin = await client.next_diagnostics(doc.uri, since=since)
        assert [d.message for d in builtin.diagnostics] == ['unknown godebug "modlsptestkey"']
        release(holder)

    installed = await client.until(
        doc.uri,
        lambda d: [x.message for x in d] == ['unknown godebug "allowmultiplevcs"'],
        since=since,
    )
    assert installed.version == doc.version
