"""Helpers for the end-to-end tests: a recording client, open documents, and text edits applied
the way an editor applies them, in the position encoding the session negotiated.

Nothing here calls modlsp: positions and edits are computed independently, so a test fails when
the server's conversions are wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Union

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

EDITORS = ("visual-studio-code", "neovim")

# Generous: a healthy server answers in milliseconds; this only stops a broken one hanging CI.
TIMEOUT = 15.0

# Leave the editor's own `general.positionEncodings` as its capability file has them.
KEEP: Any = object()

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ModClient(LanguageClient):
    """pytest-lsp's client, also keeping every publishDiagnostics in arrival order.

    pytest-lsp keeps only the latest diagnostics per uri (without their version), and one
    future per method for `wait_for_notification`; two publications read from the stream in
    one chunk would be seen as one. The log here lets a test wait for "the first publication
    for this uri after that point" without ever missing one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editor = ""
        self.encoding: str = types.PositionEncodingKind.Utf16
        self.published: list[types.PublishDiagnosticsParams] = []
        self._publication = asyncio.Event()
        self.registrations: list[types.Registration] = []
        self.refreshes: list[str] = []  # workspace/*/refresh requests, by method
        self._refreshed = asyncio.Event()
        self.applied: list[types.ApplyWorkspaceEditParams] = []  # workspace/applyEdit
        self._applied = asyncio.Event()
        self._message = asyncio.Event()

    def record_message(self, params: types.ShowMessageParams) -> None:
        self.messages.append(params)
        self._message.set()

    async def messages_containing(self, text: str) -> list[str]:
        """The window/showMessage texts containing `text`, once there is at least one."""

        async def wait() -> list[str]:
            while True:
                found = [m.message for m in self.messages if text in m.message]
                if found:
                    return found
                self._message.clear()
                await self._message.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)

    async def wait_for_refresh(self, method: str) -> None:
        """Until the server has sent a `method` refresh request (at any time so far)."""

        async def wait() -> None:
            while method not in self.refreshes:
                self._refreshed.clear()
                await self._refreshed.wait()

        await asyncio.wait_for(wait(), TIMEOUT)

    async def next_applied_edit(self, since: int) -> types.ApplyWorkspaceEditParams:
        """The first workspace/applyEdit request after `since` (an index into `applied`)."""

        async def wait() -> types.ApplyWorkspaceEditParams:
            while len(self.applied) <= since:
                self._applied.clear()
                await self._applied.wait()
            return self.applied[since]

        return await asyncio.wait_for(wait(), TIMEOUT)

    def record(self, params: types.PublishDiagnosticsParams) -> None:
        self.diagnostics[params.uri] = params.diagnostics
        self.published.append(params)
        self._publication.set()

    def mark(self) -> int:
        """A point in the publication log; see `next_diagnostics`."""
        return len(self.published)

    async def next_diagnostics(
        self, uri: str, *, since: int, min_version: int | None = None
    ) -> types.PublishDiagnosticsParams:
        """The first publication for `uri` after `since`, skipping ones for a version older
        than `min_version`: those describe text the server had before it read our last change
        (e.g. a re-publication after it loaded the installed Go's GODEBUG table), not stale
        results."""

        async def scan() -> types.PublishDiagnosticsParams:
            index = since
            while True:
                while index < len(self.published):
                    params = self.published[index]
                    index += 1
                    if params.uri != uri:
                        continue
                    if min_version is None or params.version is None:
                        return params
                    if params.version >= min_version:
                        return params
                self._publication.clear()
                await self._publication.wait()

        try:
            return await asyncio.wait_for(scan(), TIMEOUT)
        except asyncio.TimeoutError:
            seen = [(p.version, len(p.diagnostics)) for p in self.published[since:] if p.uri == uri]
            raise AssertionError(
                f"no publishDiagnostics for {uri} (version >= {min_version}) within {TIMEOUT}s; "
                f"(version, count) published since: {seen}"
            ) from None

    async def until(
        self,
        uri: str,
        wanted: Callable[[Sequence[types.Diagnostic]], bool],
        *,
        since: int,
    ) -> types.PublishDiagnosticsParams:
        """The first publication for `uri` after `since` whose diagnostics are `wanted`: for
        results that arrive when background work (the workspace scan) lands."""
        index = since
        while True:
            params = await self.next_diagnostics(uri, since=index)
            index = self.published.index(params, index) + 1
            if wanted(params.diagnostics):
                return params


def _record(client: ModClient, params: types.PublishDiagnosticsParams) -> None:
    client.record(params)


def _record_message(client: ModClient, params: types.ShowMessageParams) -> None:
    client.record_message(params)


def _register_capability(client: ModClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def _refresh(method: str) -> Callable[[ModClient, None], None]:
    def handler(client: ModClient, params: None) -> None:
        client.refreshes.append(method)
        client._refreshed.set()

    return handler


def _apply_edit(
    client: ModClient, params: types.ApplyWorkspaceEditParams
) -> types.ApplyWorkspaceEditResult:
    client.applied.append(params)
    client._applied.set()
    return types.ApplyWorkspaceEditResult(applied=True)


def _converter() -> Any:
    """lsprotocol's converter, except that a code action carrying a command stays a CodeAction:
    lsprotocol structures every object with a "command" key as a Command, turning the action's
    command object into a string (real editors look at the key's type)."""
    converter = default_converter()

    def command_or_action(obj: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)  # type: ignore[no-any-return]
        return converter.structure(obj, types.CodeAction)  # type: ignore[no-any-return]

    converter.register_structure_hook(Union[types.Command, types.CodeAction], command_or_action)  # noqa: UP007
    return converter


def make_client() -> ModClient:
    client = ModClient(converter_factory=_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record
    features[types.CLIENT_REGISTER_CAPABILITY] = _register_capability
    features[types.WORKSPACE_APPLY_EDIT] = _apply_edit
    features[types.WINDOW_SHOW_MESSAGE] = _record_message
    for method in (types.WORKSPACE_CODE_LENS_REFRESH, types.WORKSPACE_INLAY_HINT_REFRESH):
        features[method] = _refresh(method)
    register_lsp_features(client, features)
    return client


def capabilities(
    editor: str, position_encodings: Any = KEEP, file_watching: bool = True
) -> types.ClientCapabilities:
    caps = client_capabilities(editor)
    if position_encodings is not KEEP:
        general = caps.general or types.GeneralClientCapabilities()
        general.position_encodings = position_encodings
        caps.general = general
    if not file_watching and caps.workspace and caps.workspace.did_change_watched_files:
        caps.workspace.did_change_watched_files.dynamic_registration = False
    return caps


# The requirement checks judge a go.mod against its module's Go files once the background
# scan of the workspace lands. Tests of one file's checks turn them off, so that the scan
# finishing mid-test cannot add diagnostics; test_lsp_modules.py tests them.
MODULE_CODES = [
    "unused-requirement",
    "should-be-direct",
    "should-be-indirect",
    "missing-requirement",
    "requirement-below-selected",
    "tidy-incomplete",
    # What the disk says about replace targets, go.work `use` directories and release tags.
    "replace-directory",
    "replace-module-path",
    "replace-version-mismatch",
    "self-replace",
    "unused-replace",
    "replace-overridden-by-work",
    "major-tag-mismatch",
    "use-directory",
    "duplicate-workspace-module",
    "work-go-too-old",
    "conflicting-workspace-replace",
    "work-replaces-workspace-module",
]


async def start(
    client: ModClient,
    options: Any = None,
    *,
    position_encodings: Any = KEEP,
    module_checks: bool = False,
    root: Path | None = None,
    file_watching: bool = True,
) -> types.InitializeResult:
    """initialize + initialized with the editor's capabilities; remembers the encoding."""
    if not module_checks:
        options = dict(options or {})
        options["disabledCodes"] = [*options.get("disabledCodes", []), *MODULE_CODES]
    folders = [types.WorkspaceFolder(uri=root.as_uri(), name=root.name)] if root else None
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities(client.editor, position_encodings, file_watching),
            initialization_options=options,
            workspace_folders=folders,
        )
    )
    client.encoding = str(result.capabilities.position_encoding or types.PositionEncodingKind.Utf16)
    return result


# --- documents -------------------------------------------------------------------------------


@dataclass
class Doc:
    uri: str
    text: str
    version: int

    @property
    def identifier(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)


def open_doc(client: ModClient, path: Path, text: str, version: int = 1) -> Doc:
    """Write `text` to `path` (so the uri names a real file) and send didOpen."""
    path.write_bytes(text.encode("utf-8"))
    doc = Doc(path.as_uri(), text, version)
    language = {".work": "go.work", ".go": "go"}.get(path.suffix, "go.mod")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=doc.uri, language_id=language, version=version, text=text
            )
        )
    )
    return doc


def change(client: ModClient, doc: Doc, *edits: tuple[types.Range, str]) -> None:
    """One didChange carrying range edits, applied in order (each range refers to the text
    after the previous edit, as LSP says); `doc` follows along and gets the next version."""
    text = doc.text
    events = []
    for range_, new_text in edits:
        text = _replace(text, range_, new_text, client.encoding)
        events.append(types.TextDocumentContentChangePartial(range=range_, text=new_text))
    doc.text = text
    doc.version += 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            content_changes=events,
        )
    )


def send_text_edits(client: ModClient, doc: Doc, edits: Sequence[types.TextEdit]) -> None:
    """What an editor does with a server's TextEdits (which all refer to the text before any
    of them): apply them, and tell the server as one didChange, last edit first so the earlier
    ranges stay valid."""
    expected = apply_text_edits(doc.text, edits, client.encoding)
    ordered = sorted(
        edits, key=lambda e: offset_of(doc.text, e.range.start, client.encoding), reverse=True
    )
    change(client, doc, *[(e.range, e.new_text) for e in ordered])
    assert doc.text == expected


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def rng(start_line: int, start_char: int, end_line: int, end_char: int) -> types.Range:
    return types.Range(start=pos(start_line, start_char), end=pos(end_line, end_char))


def summary(diagnostics: Sequence[types.Diagnostic]) -> list[tuple[Any, ...]]:
    """Diagnostics as ((start line, start char, end line, end char), severity, code, source)."""
    return [
        (
            (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character),
            d.severity,
            d.code,
            d.source,
        )
        for d in diagnostics
    ]


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[Any]:
    return [d.code for d in diagnostics]


# --- positions and edits, in the negotiated encoding ----------------------------------------


def _width(ch: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(ch.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf16:
        return 2 if ord(ch) > 0xFFFF else 1
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    raise AssertionError(f"unknown position encoding {encoding!r}")


def offset_of(text: str, position: types.Position, encoding: str) -> int:
    """The index into `text` of an LSP position. Strict: a position past the end of its line,
    past the last line, or inside a character is an error (a server bug), not clamped."""
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    if position.line >= len(starts):
        raise AssertionError(f"{position} is past the last line ({len(starts) - 1})")
    start = starts[position.line]
    end = starts[position.line + 1] if position.line + 1 < len(starts) else len(text)
    line = text[start:end].rstrip("\r\n")
    units = 0
    for i, ch in enumerate(line):
        if units == position.character:
            return start + i
        units += _width(ch, encoding)
        if units > position.character:
            raise AssertionError(f"{position} is inside {ch!r} ({encoding})")
    if units == position.character:
        return start + len(line)
    raise AssertionError(f"{position} is past the end of line {line!r} ({units} {encoding} units)")


def _replace(text: str, range_: types.Range, new_text: str, encoding: str) -> str:
    start = offset_of(text, range_.start, encoding)
    end = offset_of(text, range_.end, encoding)
    assert start <= end, f"inverted range {range_}"
    return text[:start] + new_text + text[end:]


def apply_text_edits(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    """Apply TextEdits that all refer to `text`; they must not overlap."""
    spans = sorted(
        (
            offset_of(text, e.range.start, encoding),
            offset_of(text, e.range.end, encoding),
            e.new_text,
        )
        for e in edits
    )
    out = []
    at = 0
    for start, end, new_text in spans:
        assert at <= start <= end, f"overlapping or inverted edits: {edits}"
        out.append(text[at:start])
        out.append(new_text)
        at = end
    out.append(text[at:])
    return "".join(out)


def edits_for(
    edit: types.WorkspaceEdit | None, uri: str
) -> tuple[list[types.TextEdit], int | None, str]:
    """The TextEdits a WorkspaceEdit makes to `uri`, the document version it was computed for
    (documentChanges only) and which form carried them: "documentChanges" or "changes"."""
    assert edit is not None, "the code action has no edit"
    if edit.document_changes is not None:
        assert edit.changes is None, "a WorkspaceEdit should use one form, not both"
        found = []
        version = None
        for entry in edit.document_changes:
            assert isinstance(entry, types.TextDocumentEdit), f"unexpected {entry!r}"
            assert entry.text_document.uri == uri
            version = entry.text_document.version
            found.extend(e for e in entry.edits if isinstance(e, types.TextEdit))
        return found, version, "documentChanges"
    assert edit.changes is not None, "the WorkspaceEdit is empty"
    assert list(edit.changes) == [uri]
    return list(edit.changes[uri]), None, "changes"


# --- a go command that waits ------------------------------------------------------------------


@contextlib.contextmanager
def held_go_command(tmp_path: Path, goroot: Path | None = None) -> Iterator[tuple[Path, IO[bytes]]]:
    """An executable that stands in for the go command: it waits for a shared lock on a
    file, which the caller holds exclusively until it `release`s the yielded file. Then, with
    `goroot`, it answers `go env -json` (that GOROOT, the environment's values of the other
    keys); without, it fails (exit status 1) as a broken go command would."""
    lock = tmp_path / "go.lock"
    lock.write_bytes(b"")
    script = tmp_path / "held-go"
    answer = "sys.exit(1)\n"
    if goroot is not None:
        answer = (
            "import json, os\n"
            "if sys.argv[1:3] != ['env', '-json']:\n"
            "    sys.exit(1)\n"
            "values = {key: os.environ.get(key, '') for key in sys.argv[3:]}\n"
            f"print(json.dumps({{**values, 'GOROOT': {str(goroot)!r}}}))\n"
        )
    script.write_text(
        f"#!{sys.executable}\n"
        "import fcntl, sys\n"
        f"with open({str(lock)!r}, 'rb') as held:\n"
        "    fcntl.flock(held, fcntl.LOCK_SH)\n" + answer
    )
    script.chmod(0o755)
    with lock.open("rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        try:
            yield script, holder
        finally:
            fcntl.flock(holder, fcntl.LOCK_UN)


def release(holder: IO[bytes]) -> None:
    fcntl.flock(holder, fcntl.LOCK_UN)
