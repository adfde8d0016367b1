"""What a broken or hostile client does to the server, through its real stdio.

Raw frames (rawclient.py): malformed JSON, bad or missing Content-Length headers, wrong
params, unknown methods and notifications, the shutdown/exit life cycle, $/cancelRequest.
Through pytest-lsp's client: requests for documents never opened, versions out of order, a
10 MB go.mod, binary documents. The server must answer each with the JSON-RPC error the
specification names (or an empty answer), and go on serving.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from versions.proxyserver import Fault, ProxyServer

from .rawclient import RawServer, frame, rss_kib
from .support import TIMEOUT, ModClient, codes, open_doc, pos, rng, start

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_NOT_INITIALIZED = -32002
REQUEST_CANCELLED = -32800

FORMAT = types.FormattingOptions(tab_size=4, insert_spaces=False)

GO_MOD = "module example.com/m\n\ngo 1.22\n\nrequire example.com/a v1.2.0\n"


@pytest.fixture
async def raw() -> AsyncIterator[RawServer]:
    server = await RawServer.start()
    try:
        yield server
    finally:
        await server.close()


async def assert_alive(raw: RawServer) -> None:
    """A well-formed request after the abuse is answered (a hover on a document that is not
    open: null)."""
    answer = await raw.call(
        "textDocument/hover",
        {
            "textDocument": {"uri": "file:///nowhere/go.mod"},
            "position": {"line": 0, "character": 0},
        },
    )
    assert answer.get("result", "missing") is None, answer
    assert raw.process.returncode is None


def error_code(answer: dict[str, Any]) -> int | None:
    error = answer.get("error")
    return error.get("code") if isinstance(error, dict) else None


def error_messages(raw: RawServer) -> list[str]:
    """What the server showed the user as errors (pygls's "Error in server: ..." windows)."""
    return [
        n["params"]["message"]
        for n in raw.notifications
        if n["method"] == "window/showMessage" and n["params"]["type"] == 1
    ]


# --- raw frames ------------------------------------------------------------------------------


async def test_malformed_json_is_a_parse_error_and_the_server_lives_on(raw: RawServer):
    await raw.initialize()

    await raw.send_bytes(frame(b'{"jsonrpc": "2.0", "id": 7, "method": "textDocument/hov'))
    # JSON-RPC 2.0: "Parse error", with id null (the id could not be read).
    answer = await raw.response(None)
    assert error_code(answer) == PARSE_ERROR, answer
    raw.responses.pop(None)
    # Bytes that are not UTF-8 are no JSON text either.
    await raw.send_bytes(frame(b'{"jsonrpc": "2.0", "id": 8, "method": "\xff\xfe"}'))
    answer = await raw.response(None)
    assert error_code(answer) == PARSE_ERROR, answer

    await assert_alive(raw)
    assert error_messages(raw) == []


async def test_bodies_that_are_not_objects_are_invalid_requests(raw: RawServer):
    await raw.initialize()
    for body in (b"[]", b"42", b'"hover"', b"null", b"[{}]"):
        raw.responses.pop(None, None)
        await raw.send_bytes(frame(body))
        answer = await raw.response(None)
        assert error_code(answer) == INVALID_REQUEST, (body, answer)
    await assert_alive(raw)
    assert error_messages(raw) == []


async def test_objects_that_are_not_requests_are_invalid_requests(raw: RawServer):
    """Each answered -32600 with its id, or null when the id itself is unusable."""
    await raw.initialize()
    cases = [
        (b'{"id": 31, "method": "shutdown"}', 31),  # no "jsonrpc"
        (b'{"jsonrpc": "1.0", "id": 32, "method": "shutdown"}', 32),
        (b'{"jsonrpc": "2.0", "id": 33, "method": 7}', 33),
        (b'{"jsonrpc": "2.0", "id": 34}', 34),  # no method, no result
        (b'{"jsonrpc": "2.0", "id": 1.5, "method": "shutdown"}', None),
        (b'{"jsonrpc": "2.0", "id": [35], "method": "shutdown"}', None),
        (b'{"jsonrpc": "2.0", "id": true, "method": "shutdown"}', None),
        (b'{"foo": "boo"}', None),
    ]
    failures = []
    for body, message_id in cases:
        raw.responses.pop(None, None)
        await raw.send_bytes(frame(body))
        answer = await raw.response(message_id)
        if error_code(answer) != INVALID_REQUEST:
            failures.append(f"{body!r}: {answer}")
    # None of them was taken for the shutdown request it resembles.
    await assert_alive(raw)
    assert not failures, "\n".join(failures)
    assert error_messages(raw) == []


async def test_bad_and_missing_content_length_headers_are_survived(raw: RawServer):
    """Each bad frame ends with a line break, where a reader can find its feet again; the
    well-formed request after it must be answered, and the bad frame's request not run."""
    await raw.initialize()
    hover = (
        b'{"jsonrpc": "2.0", "id": %d, "method": "textDocument/hover", "params": '
        b'{"textDocument": {"uri": "file:///x/go.mod"}, "position": {"line": 0, "character": 0}}}'
    )

    # A Content-Length that is not a number, then the body.
    await raw.send_bytes(b"Content-Length: abc\r\n\r\n" + hover % 901 + b"\r\n")
    await assert_alive(raw)
    # No Content-Length at all: a header block with another header only, then a body.
    await raw.send_bytes(b"Content-Type: application/json\r\n\r\n" + hover % 902 + b"\r\n")
    await assert_alive(raw)
    # No header block at all: a bare JSON line.
    await raw.send_bytes(hover % 903 + b"\r\n")
    await assert_alive(raw)
    # A Content-Length shorter than the body: a truncated body (a parse error), then the rest
    # as junk.
    body = hover % 904
    await raw.send_bytes(b"Content-Length: 20\r\n\r\n" + body + b"\r\n")
    await assert_alive(raw)
    # A negative Content-Length.
    await raw.send_bytes(b"Content-Length: -5\r\n\r\n" + hover % 905 + b"\r\n")
    await assert_alive(raw)
    # Junk without a line break, longer than any header line, then a good frame.
    await raw.send_bytes(b"\x00junk" * 2000)
    await raw.send_bytes(b"\r\n")
    await assert_alive(raw)

    # None of the requests without a valid frame was executed as if it had one.
    assert not {901, 902, 903, 904, 905} & set(raw.responses), raw.responses
    assert error_code(raw.responses[None]) == PARSE_ERROR  # the truncated body
    assert error_messages(raw) == []


async def test_wrong_params_are_invalid_params_not_a_crash(raw: RawServer):
    await raw.initialize()
    uri = "file:///x/go.mod"
    await raw.open(uri, GO_MOD)
    cases: list[tuple[str, Any]] = [
        ("params as a list", [uri, 0, 0]),
        ("params without textDocument", {"position": {"line": 0, "character": 0}}),
        ("a position that is a string", {"textDocument": {"uri": uri}, "position": "0:0"}),
        ("a uri that is a number", {"textDocument": {"uri": 42}, "position": {"line": 0}}),
        (
            "a negative line",
            {"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}},
        ),
        ("params as a string", "hover please"),
        ("params null", None),
    ]
    sent = {await raw.request("textDocument/hover", params): name for name, params in cases}
    # Without params at all (hover requires them).
    sent[await raw.request("textDocument/hover", omit_params=True)] = "no params"
    # An unknown command is the client's mistake too.
    command = {"command": "modlsp.noSuchCommand", "arguments": []}
    sent[await raw.request("workspace/executeCommand", command)] = "unknown command"
    # Notifications with wrong params have no answer; they must not stop the server, nor be
    # shown to the user as the server's errors.
    await raw.notify("textDocument/didChange", [uri, "text"])
    await raw.notify("textDocument/didOpen", {"textDocument": {"uri": uri}})
    await raw.notify("textDocument/didClose", None)
    await raw.notify("$/cancelRequest", {"id": {"not": "an id"}})
    # A change of a document that is not open.
    change = {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}}
    await raw.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": "file:///elsewhere/go.mod", "version": 2},
            "contentChanges": [{**change, "text": "x"}],
        },
    )
    failures = []
    for message_id, answer in (await raw.answers(list(sent))).items():
        if answer is None:
            failures.append(f"{sent[message_id]}: no response to request {message_id}")
        elif error_code(answer) != INVALID_PARAMS:
            failures.append(f"{sent[message_id]}: {answer}")
    await assert_alive(raw)
    failures += [f"shown to the user: {m}" for m in error_messages(raw)]
    assert not failures, "\n".join(failures) + "\n--- server stderr:\n" + raw.stderr_text()


async def test_unknown_method_is_method_not_found(raw: RawServer):
    await raw.initialize()
    answer = await raw.call("textDocument/noSuchThing", {"x": 1})
    assert error_code(answer) == METHOD_NOT_FOUND, answer
    answer = await raw.call("$/noSuchRequest", {})
    assert error_code(answer) == METHOD_NOT_FOUND, answer
    await assert_alive(raw)
    assert error_messages(raw) == []


async def test_unknown_notifications_are_ignored(raw: RawServer):
    await raw.initialize()
    await raw.notify("workspace/noSuchNotification", {"x": 1})
    await raw.notify("$/noSuchNotification", {"x": 1})
    await raw.notify("$/setTrace", {"value": "verbose"})
    await assert_alive(raw)
    # Ignored: no response (a notification has none), no error shown to the user.
    assert None not in raw.responses
    assert error_messages(raw) == []


async def test_messages_before_initialize(raw: RawServer):
    """LSP: a request before initialize gets ServerNotInitialized, a notification is dropped."""
    hover = {"textDocument": {"uri": "file:///x/go.mod"}, "position": {"line": 0, "character": 0}}
    answer = await raw.call("textDocument/hover", hover)
    assert error_code(answer) == SERVER_NOT_INITIALIZED, answer
    answer = await raw.call("shutdown")
    assert error_code(answer) == SERVER_NOT_INITIALIZED, answer
    early = "file:///early/go.mod"
    await raw.open(early, GO_MOD)

    await raw.initialize()
    symbols = {"textDocument": {"uri": early}}
    answer = await raw.call("textDocument/documentSymbol", symbols)
    assert answer.get("result", "missing") in (None, []), f"the document was opened: {answer}"
    await raw.open(early, GO_MOD)
    answer = await raw.call("textDocument/documentSymbol", symbols)
    assert answer.get("result"), answer  # opened now
    # initialize is not repeated.
    answer = await raw.call("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert error_code(answer) == INVALID_REQUEST, answer
    await assert_alive(raw)
    assert error_messages(raw) == []


async def test_shutdown_then_exit_exits_with_0(raw: RawServer):
    await raw.initialize()
    answer = await raw.call("shutdown")
    assert "result" in answer and answer["result"] is None, answer
    await raw.notify("exit")
    assert await raw.exit_code() == 0


async def test_exit_without_shutdown_exits_with_1(raw: RawServer):
    await raw.initialize()
    await raw.notify("exit")
    assert await raw.exit_code() == 1


async def test_exit_before_initialize_exits_with_1(raw: RawServer):
    await raw.notify("exit")
    assert await raw.exit_code() == 1


async def test_requests_after_shutdown_are_invalid_requests(raw: RawServer):
    await raw.initialize()
    await raw.call("shutdown")
    answer = await raw.call(
        "textDocument/hover",
        {"textDocument": {"uri": "file:///x/go.mod"}, "position": {"line": 0, "character": 0}},
    )
    assert error_code(answer) == INVALID_REQUEST, answer
    answer = await raw.call("shutdown")
    assert error_code(answer) == INVALID_REQUEST, answer
    await raw.notify("exit")
    assert await raw.exit_code() == 0


async def test_end_of_input_ends_the_server(raw: RawServer):
    """The client goes away without exit: stdin closes, and the server must not linger."""
    await raw.initialize()
    assert raw.process.stdin is not None
    raw.process.stdin.close()
    assert await raw.exit_code() == 1  # LSP: an end without shutdown and exit is an error


# --- $/cancelRequest -------------------------------------------------------------------------


@pytest.fixture
def hanging_proxy(tmp_path: Path) -> Any:
    with ProxyServer(tmp_path / "proxy-root", faults=[Fault("hang")]) as proxy:
        yield proxy


async def _open_with_hanging_facts(raw: RawServer, proxy: ProxyServer, tmp_path: Path) -> str:
    await raw.initialize({"debounceMs": 0, "goproxy": proxy.url, "proxyTimeout": 60})
    path = tmp_path / "go.mod"
    path.write_text(GO_MOD)
    await raw.open(path.as_uri(), GO_MOD)
    await raw.until(lambda: raw.publications(path.as_uri()))
    # The facts about example.com/a are asked of the proxy, which never answers.
    ready = await asyncio.get_running_loop().run_in_executor(
        None, proxy.wait_for_requests, 1, TIMEOUT
    )
    assert ready, "the server never asked the proxy"
    return path.as_uri()


async def _cancelled(raw: RawServer, method: str, params: Any) -> None:
    """The request is answered RequestCancelled: not with the result it would have had once
    it stopped waiting for the proxy."""
    message_id = await raw.request(method, params)
    await raw.notify("$/cancelRequest", {"id": message_id})
    answer = await raw.response(message_id)
    assert error_code(answer) == REQUEST_CANCELLED, answer
    await assert_alive(raw)


async def test_cancel_request_cancels_a_completion_waiting_for_facts(
    raw: RawServer, hanging_proxy: ProxyServer, tmp_path: Path
):
    uri = await _open_with_hanging_facts(raw, hanging_proxy, tmp_path)
    # On the version of `require example.com/a v1.2.0` (line 4): completion waits up to 2 s
    # for the version list.
    await _cancelled(
        raw,
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 24}},
    )


async def test_cancel_request_cancels_check_for_upgrades(
    raw: RawServer, hanging_proxy: ProxyServer, tmp_path: Path
):
    uri = await _open_with_hanging_facts(raw, hanging_proxy, tmp_path)
    # Asks the proxy again, skipping caches: it would wait for proxyTimeout (60 s).
    await _cancelled(
        raw,
        "workspace/executeCommand",
        {"command": "modlsp.server.checkUpgrades", "arguments": [{"uri": uri}]},
    )


# --- through pytest-lsp's client ------------------------------------------------------------


def _no_error_messages(client: ModClient) -> list[str]:
    return [m.message for m in client.messages if m.type == types.MessageType.Error]


async def test_requests_for_unopened_documents(client: ModClient, tmp_path: Path):
    await start(client, {"debounceMs": 0})
    (tmp_path / "open").mkdir()
    since = client.mark()
    opened = open_doc(client, tmp_path / "open" / "go.mod", GO_MOD)
    await client.next_diagnostics(opened.uri, since=since)

    # One never opened and absent from the disk, one on the disk but never opened.
    on_disk = tmp_path / "disk" / "go.mod"
    on_disk.parent.mkdir()
    on_disk.write_text(GO_MOD)
    uris = [(tmp_path / "nowhere" / "go.mod").as_uri(), on_disk.as_uri()]

    def requests(uri: str) -> list[tuple[str, Callable[[], Awaitable[Any]]]]:
        doc = types.TextDocumentIdentifier(uri=uri)
        whole = rng(0, 0, 4, 0)
        at = pos(4, 24)
        return [
            (
                "hover",
                lambda: client.text_document_hover_async(
                    types.HoverParams(text_document=doc, position=at)
                ),
            ),
            (
                "codeAction",
                lambda: client.text_document_code_action_async(
                    types.CodeActionParams(
                        text_document=doc,
                        range=whole,
                        context=types.CodeActionContext(diagnostics=[]),
                    )
                ),
            ),
            (
                "formatting",
                lambda: client.text_document_formatting_async(
                    types.DocumentFormattingParams(text_document=doc, options=FORMAT)
                ),
            ),
            (
                "documentSymbol",
                lambda: client.text_document_document_symbol_async(
                    types.DocumentSymbolParams(text_document=doc)
                ),
            ),
            (
                "completion",
                lambda: client.text_document_completion_async(
                    types.CompletionParams(text_document=doc, position=at)
                ),
            ),
            (
                "documentLink",
                lambda: client.text_document_document_link_async(
                    types.DocumentLinkParams(text_document=doc)
                ),
            ),
            (
                "inlayHint",
                lambda: client.text_document_inlay_hint_async(
                    types.InlayHintParams(text_document=doc, range=whole)
                ),
            ),
            (
                "foldingRange",
                lambda: client.text_document_folding_range_async(
                    types.FoldingRangeParams(text_document=doc)
                ),
            ),
            (
                "definition",
                lambda: client.text_document_definition_async(
                    types.DefinitionParams(text_document=doc, position=at)
                ),
            ),
            (
                "references",
                lambda: client.text_document_references_async(
                    types.ReferenceParams(
                        text_document=doc,
                        position=at,
                        context=types.ReferenceContext(include_declaration=True),
                    )
                ),
            ),
            (
                "codeLens",
                lambda: client.text_document_code_lens_async(
                    types.CodeLensParams(text_document=doc)
                ),
            ),
        ]

    failures = []
    for uri in uris:
        for name, send in requests(uri):
            try:
                result = await asyncio.wait_for(send(), TIMEOUT)
            except JsonRpcException as error:
                if error.code == INTERNAL_ERROR:
                    failures.append(f"{name} {uri}: internal error {error}")
                continue
            except asyncio.TimeoutError:
                failures.append(f"{name} {uri}: no answer within {TIMEOUT}s")
                continue
            items = getattr(result, "items", result)
            if uri == uris[0] and items not in (None, []):
                failures.append(f"{name} {uri}: {result!r}")
    assert not failures, "\n".join(failures)
    assert _no_error_messages(client) == []

    # Still serving the open document.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=opened.identifier, position=pos(4, 3))
    )
    assert hover is not None


async def test_out_of_order_versions_keep_the_newest_text(client: ModClient, tmp_path: Path):
    await start(client, {"debounceMs": 0})
    bad = "module example.com/m\n\nrequre example.com/b v1.0.0\n"
    good = "module example.com/m\n\ngo 1.22\n"
    newest = "module example.com/m\n\ngo 1.23\n"
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", bad)
    first = await client.next_diagnostics(doc.uri, since=since)
    assert codes(first.diagnostics) == ["unknown-directive"]

    def whole(version: int, text: str) -> None:
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    since = client.mark()
    whole(3, good)
    whole(2, bad)  # older than what the server has: must not replace version 3

    # The server's idea of the text is version 3's: its outline has the go line.
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc.identifier)
    )
    names = [s.name for s in symbols or []]

    whole(4, newest)
    final = await client.next_diagnostics(doc.uri, since=since, min_version=4)
    seen = [(p.version, codes(p.diagnostics)) for p in client.published[since:] if p.uri == doc.uri]
    problems = []
    if [n for n in names if "requre" in n]:
        problems.append(f"after versions 3 then 2, the outline is version 2's: {names}")
    if [v for v, _ in seen if v == 2] or [c for _, c in seen if c]:
        problems.append(f"stale publications (version, codes): {seen}")
    if (final.version, list(final.diagnostics)) != (4, []):
        problems.append(f"final publication: {final.version} {codes(final.diagnostics)}")
    assert not problems, "\n".join(problems)


def _big_go_mod(size: int) -> str:
    lines = ["module example.com/big", "", "go 1.22", "", "require ("]
    total = sum(len(line) + 1 for line in lines)
    n = 0
    while total < size:
        line = f"\texample.com/dep{n:07d} v1.{n % 97}.{n % 13}"
        lines.append(line)
        total += len(line) + 1
        n += 1
    lines.append(")")
    return "\n".join(lines) + "\n"


async def test_a_10_mb_go_mod(client: ModClient, tmp_path: Path):
    """Ten times the size modlsp analyses: the server says so on the first line, answers
    requests, and its memory grows by a few copies of the text at most."""
    await start(client, {"debounceMs": 0})
    pid = client._server.pid  # type: ignore[union-attr]
    before = rss_kib(pid)
    text = _big_go_mod(10 * 1024 * 1024)  # 311,000 requirements
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", text)
    published = await client.next_diagnostics(doc.uri, since=since)
    peak = rss_kib(pid, "VmHWM")
    assert published.version == 1
    assert codes(published.diagnostics) == ["file-too-large"]
    assert published.diagnostics[0].range.start.line == 0
    assert peak - before < 256 * 1024, f"RSS {before // 1024} MB -> peak {peak // 1024} MB"

    # Requests are answered (with nothing to say about a file that was not analysed).
    for request in (
        client.text_document_hover_async(
            types.HoverParams(text_document=doc.identifier, position=pos(4, 2))
        ),
        client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=doc.identifier)
        ),
    ):
        await asyncio.wait_for(request, TIMEOUT)
    # An edit at its end is applied: the last line is the one typed.
    since = client.mark()
    last = text.count("\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=rng(last, 0, last, 0), text="// end")
            ],
        )
    )
    published = await client.next_diagnostics(doc.uri, since=since)
    assert published.version == 2
    assert codes(published.diagnostics) == ["file-too-large"]
    assert _no_error_messages(client) == []


async def test_binary_documents(client: ModClient, tmp_path: Path):
    await start(client, {"debounceMs": 0})
    noise = random.Random(42).randbytes(64 * 1024)
    texts = {
        "latin1.mod": noise.decode("latin-1"),
        "nuls.mod": "module example.com/m\n\x00\x00go 1.22\x00\nrequire \x00 v1\n",
        # JSON can carry lone surrogates ("\ud800"); a client sends them for broken files.
        "surrogates.mod": "module example.com/m\n// \ud800 \udfff\nrequire example.com/\udc80 v1.0.0\n",
    }
    failures = []
    for name, text in texts.items():
        directory = tmp_path / name
        directory.mkdir()
        uri = (directory / "go.mod").as_uri()
        since = client.mark()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="go.mod", version=1, text=text
                )
            )
        )
        try:
            await client.next_diagnostics(uri, since=since)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
        doc = types.TextDocumentIdentifier(uri=uri)
        for request, send in (
            (
                "hover",
                client.text_document_hover_async(
                    types.HoverParams(text_document=doc, position=pos(1, 1))
                ),
            ),
            (
                "formatting",
                client.text_document_formatting_async(
                    types.DocumentFormattingParams(text_document=doc, options=FORMAT)
                ),
            ),
            (
                "documentSymbol",
                client.text_document_document_symbol_async(
                    types.DocumentSymbolParams(text_document=doc)
                ),
            ),
            (
                "foldingRange",
                client.text_document_folding_range_async(
                    types.FoldingRangeParams(text_document=doc)
                ),
            ),
        ):
            try:
                await asyncio.wait_for(send, TIMEOUT)
            except JsonRpcException as error:
                failures.append(f"{name}: {request}: {error}")
            except asyncio.TimeoutError:
                failures.append(f"{name}: {request}: no answer within {TIMEOUT}s")
    failures += [f"showMessage: {m}" for m in _no_error_messages(client)]
    assert not failures, "\n".join(failures)
