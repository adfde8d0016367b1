"""The modlsp language server: state, settings and handler registration.

Handlers live in `diagnostics` and `features`; each translates a request, calls the core and
converts the result. Everything runs on pygls's event loop: analysis is fast enough to run
inline, so no thread ever touches server state.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from modlsp import __version__
from modlsp.core.analysis import CheckOptions, kind_for_document
from modlsp.core.godebug import BUILTIN, GodebugTable, load_installed
from modlsp.core.session import Session
from modlsp.lsp.documents import Snapshot, Snapshots, file_name, open_document
from modlsp.lsp.protocol import ModlspProtocol
from modlsp.lsp.settings import Settings, parse_settings
from modlsp.lsp.versionstate import VersionState

log = logging.getLogger(__name__)


class ModlspServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "modlsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=ModlspProtocol,
        )
        self.settings = Settings()
        self.godebug: GodebugTable = BUILTIN
        self.godebug_command: str | None = None  # whose table godebug is, or is being read
        self.snapshots = Snapshots()
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.session = Session(cache=None)  # the module cache is located when the scan starts
        self.watching = False  # the client watches files for us
        # What each open document was last told: (version, diagnostics).
        self.last_published: dict[str, tuple[int | None, list[types.Diagnostic]]] = {}
        self.last_change: dict[str, float] = {}  # when each document last changed (monotonic)
        self.versions = VersionState()
        self.scans: set[asyncio.Task[None]] = set()  # workspace scans under way

    @property
    def options(self) -> CheckOptions:
        return CheckOptions(godebug=self.godebug)

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return str(getattr(encoding, "value", encoding))  # "utf-16", not the enum's str()

    def supports_document_changes(self) -> bool:
        caps = self.client_capabilities.workspace
        return bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)

    def document(self, uri: str) -> TextDocument | None:
        """The open document `uri` names (documents.open_document)."""
        return open_document(self.workspace, uri)

    def documents(self) -> list[TextDocument]:
        """The open documents; each one's `uri` is the client's, the one to publish under."""
        documents: list[TextDocument] = list(self.workspace.text_documents.values())
        return documents

    def snapshot(self, uri: str) -> Snapshot | None:
        """The analysis of the document as the client has it now; None if it is not open or
        is not a module file (Go sources are opened too, for the imports features to come)."""
        document = self.document(uri)
        if document is None:
            return None
        kind = kind_for_document(file_name(uri), document.language_id or "")
        if kind is None:
            return None
        return self.snapshots.get(
            uri,
            kind,
            document.version,
            document.source,
            self.encoding,
            self.options,
            self.settings.disabled_codes,
        )

    def apply_settings(self, raw: object) -> None:
        settings, complaints = parse_settings(raw)
        self.settings = settings
        if self.session.published != settings.published:
            self.session.published = settings.published
            self.session.invalidate_all()
        from modlsp.lsp.versions import settings_changed

        settings_changed(self)
        for complaint in complaints:
            log.warning("%s", complaint)
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=complaint)
            )
        # Settings arrive twice at start (initializationOptions, then didChangeConfiguration):
        # read each go command's table once.
        if settings.go_command != self.godebug_command:
            self.godebug_command = settings.go_command
            self.start_background(self.load_godebug_table(settings.go_command))

    async def load_godebug_table(self, go: str) -> None:
        """Reading the installed Go's GODEBUG table runs `go env`: never on the typing path."""
        table = await asyncio.get_running_loop().run_in_executor(None, load_installed, go)
        if go != self.godebug_command:
            return  # another go command was configured meanwhile
        same_rules = (table.known, table.removed) == (self.godebug.known, self.godebug.removed)
        self.godebug = table
        log.info("GODEBUG table: %s", table.source)
        if same_rules:
            return
        # Only godebug directives read the table: analysing every open document again would
        # stall the loop for nothing (0.3 s for a go.mod of 20,000 requirements).
        from modlsp.lsp.diagnostics import schedule

        for uri in self.snapshots.judging_godebugs():
            self.snapshots.forget(uri)
            schedule(self, uri, immediate=True)

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        """A message for the user, marked as modlsp's."""
        self.window_show_message(types.ShowMessageParams(type=kind, message=f"modlsp: {message}"))

    def start_background(self, coro: Any) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        task.add_done_callback(_log_failure)
        return task

    def report_server_error(self, error: Exception, source: Any) -> None:
        log.error("internal error (%s)", getattr(source, "__name__", source), exc_info=error)
        super().report_server_error(error, source)


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task failed", exc_info=task.exception())


def create_server() -> ModlspServer:
    from modlsp.lsp import (
        diagnostics,
        features,
        majors,
        modules,
        navigation,
        versionfeatures,
        versions,
    )

    server = ModlspServer()
    diagnostics.register(server)
    features.register(server)
    majors.register(server)
    modules.register(server)
    navigation.register(server)
    versions.register(server)
    versionfeatures.register(server)
    return server
