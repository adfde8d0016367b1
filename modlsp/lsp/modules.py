"""The workspace side of the server: scanning the folders (in the background, with progress),
keeping the session current from open documents, watched files and saves, and the problems a
module's judgement puts on its go.mod and Go files."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.uris import from_fs_path

from modlsp.core import modcache
from modlsp.core.analysis import kind_for_document
from modlsp.core.files import read_head
from modlsp.core.modcache import ModuleCache
from modlsp.core.modfile import ModFile
from modlsp.core.problems import Problem
from modlsp.core.project import Judgement
from modlsp.core.session import ModuleState, rescan_module, scan_folder
from modlsp.core.workcheck import work_problems
from modlsp.lsp.positions import PositionMapper
from modlsp.lsp.progress import Progress
from modlsp.lsp.server import ModlspServer

log = logging.getLogger(__name__)

WATCHED = ("**/*.go", "**/go.mod", "**/go.work")
# How far above an opened file to look for its module when no workspace folder holds it.
_MAX_MODULE_DEPTH = 32


def register(server: ModlspServer) -> None:
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_workspace_folders)


def uri_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def path_uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def is_go_source(uri: str, language_id: str) -> bool:
    return language_id == "go" or uri.endswith(".go")


# --- scanning ----------------------------------------------------------------------------


def initialized(ls: ModlspServer, params: types.InitializedParams) -> None:
    """Synchronous, so that the folders are claimed before the next message is handled: a
    go.mod opened right after `initialized` (as editors do) then waits for the folder's scan
    instead of starting a scan of its own module, which the folder's scan would repeat."""
    from modlsp.lsp.versions import service

    # Resolving GOPROXY & co. runs `go env` (0.1 s): do it now, not when a go.mod opens.
    ls.start_background(service(ls))
    folders = [uri_path(f.uri) for f in ls.workspace.folders.values()]
    if not folders and ls.workspace.root_path:
        folders = [Path(ls.workspace.root_path)]
    start_scan(ls, [f for f in folders if f is not None])
    ls.start_background(_watch_files(ls))


async def _watch_files(ls: ModlspServer) -> None:
    caps = ls.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if not (watched and watched.dynamic_registration):
        log.info("the client cannot watch files for us: Go files are re-read when saved")
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED]
    )
    registration = types.Registration(
        id=str(uuid.uuid4()),
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
        ls.watching = True
    except Exception as err:  # a client may refuse; saves still keep us current
        log.warning("could not register file watchers: %s", err)


def start_scan(ls: ModlspServer, folders: list[Path]) -> None:
    """Claim the folders now, so that a document opened before the scan lands waits for it
    instead of starting a scan of its own module, and scan them in the background."""
    for folder in folders:
        ls.session.claim(folder)
    task = ls.start_background(scan(ls, folders))
    ls.scans.add(task)
    task.add_done_callback(ls.scans.discard)


async def scans_done(ls: ModlspServer) -> None:
    """Until every scan started so far has finished (failed ones too)."""
    while ls.scans:
        await asyncio.wait(set(ls.scans))


async def scan(ls: ModlspServer, folders: list[Path]) -> None:
    """Scan folders off the event loop, reporting progress; open documents keep their
    syntax diagnostics meanwhile and gain the module ones when the scan lands."""
    loop = asyncio.get_running_loop()
    if ls.session.cache is None:
        root = await loop.run_in_executor(None, modcache.locate, ls.settings.go_command)
        if root is not None and root.is_dir():
            ls.session.cache = ModuleCache(root)
            log.info("module cache: %s", root)
    progress = await Progress.start(ls, "Scanning Go modules")
    try:
        for number, folder in enumerate(folders, 1):
            progress.message(f"{folder.name} ({number}/{len(folders)})")
            result = await loop.run_in_executor(None, scan_folder, folder)
            states = ls.session.install(result)
            files = sum(len(s.index.sources) for s in states)
            log.info("scanned %s: %d modules, %d package dirs", folder, len(states), files)
    finally:
        progress.end()
    from modlsp.lsp.diagnostics import republish_all

    republish_all(ls)


def ensure_module(ls: ModlspServer, path: Path) -> None:
    """A document outside every workspace folder: scan the module it is in, once."""
    if ls.session.covers(path):
        return
    for depth, directory in enumerate(path.parents):
        if depth > _MAX_MODULE_DEPTH:
            return
        if (directory / "go.mod").is_file():
            start_scan(ls, [directory])
            return


async def did_change_workspace_folders(
    ls: ModlspServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    for removed in params.event.removed:
        path = uri_path(removed.uri)
        if path is not None:
            ls.session.remove_folder(path)
    added = [uri_path(f.uri) for f in params.event.added]
    start_scan(ls, [p for p in added if p is not None])


# --- keeping current ----------------------------------------------------------------------


def document_changed(ls: ModlspServer, uri: str) -> None:
    """An open document's new text goes into the session; its module is judged again."""
    document = ls.document(uri)
    path = uri_path(uri)
    if document is None or path is None:
        return
    data = document.source.encode("utf-8", "surrogatepass")
    if is_go_source(uri, document.language_id or ""):
        state = ls.session.set_go_file(path, data, is_open=True)
    elif path.name == "go.mod":
        state = ls.session.set_gomod(path, data)
    else:
        return
    if state is None:
        ensure_module(ls, path)
        return
    republish_module(ls, state, except_uri=uri)


def document_closed(ls: ModlspServer, uri: str) -> None:
    """The disk's content counts again (pygls has forgotten the document and its language)."""
    path = uri_path(uri)
    if path is None:
        return
    if path.suffix == ".go":
        state = ls.session.set_go_file(path, None, is_open=False)
    elif path.name == "go.mod":
        state = ls.session.set_gomod(path, None)
    else:
        return
    if state is not None:
        republish_module(ls, state)


def did_save(ls: ModlspServer, params: types.DidSaveTextDocumentParams) -> None:
    """Without file watchers, a save is when closed files may have changed too (a formatter,
    a generator, a checkout): re-read the saved file's module from disk, in the background."""
    path = uri_path(params.text_document.uri)
    state = ls.session.module_of(path) if path is not None and not ls.watching else None
    if state is not None:
        ls.start_background(_reread(ls, state))


async def _reread(ls: ModlspServer, state: ModuleState) -> None:
    loop = asyncio.get_running_loop()
    index = await loop.run_in_executor(None, rescan_module, state.dir)
    if index is not None and ls.session.modules.get(state.dir) is state:
        ls.session.reindex(state, index)
        republish_module(ls, state)


def did_change_watched_files(ls: ModlspServer, params: types.DidChangeWatchedFilesParams) -> None:
    rescan: set[Path] = set()
    touched: dict[Path, ModuleState] = {}
    for change in params.changes:
        path = uri_path(change.uri)
        if path is None:
            continue
        if path.suffix == ".go":
            if path in ls.session.open_go:
                continue  # the editor's text wins while the file is open
            state = ls.session.set_go_file(path, None, is_open=False)
            if state is not None:
                touched[state.dir] = state
        elif path.name in ("go.mod", "go.work"):
            # A module appeared, vanished or changed its path or ignores: rescan its folder.
            folder = next((f for f in ls.session.folders if path.is_relative_to(f)), None)
            if folder is not None:
                rescan.add(folder)
    if rescan:
        ls.session.invalidate_all()  # a replacement directory's go.mod may be among them
        start_scan(ls, sorted(rescan))
    for state in touched.values():
        republish_module(ls, state)


def republish_module(ls: ModlspServer, state: ModuleState, except_uri: str | None = None) -> None:
    """Schedule every open document of the module: one change can move problems anywhere
    in it."""
    from modlsp.lsp.diagnostics import schedule

    for document in ls.documents():
        uri = document.uri
        if uri == except_uri:
            continue
        path = uri_path(uri)
        if path is not None and ls.session.module_of(path) is state:
            schedule(ls, uri)


# --- problems ----------------------------------------------------------------------------


def judged(ls: ModlspServer, uri: str) -> tuple[Path, ModuleState, Judgement] | None:
    """The file, its module and the module's judgement; None before the scan found it."""
    path = uri_path(uri)
    if path is None:
        return None
    state = ls.session.module_of(path)
    if state is None:
        return None
    judgement = ls.session.judge(state)
    if judgement is None:
        return None
    return path, state, judgement


def module_problems(ls: ModlspServer, uri: str, language_id: str) -> list[Problem]:
    """The module judgement's problems for a go.mod or Go file; none before the scan."""
    found_module = judged(ls, uri)
    if found_module is None:
        return []
    path, state, judgement = found_module
    if is_go_source(uri, language_id):
        found = judgement.problems_in(path)
    elif path == state.gomod and kind_for_document(path.name, language_id) is not None:
        found = judgement.gomod_problems
    else:
        found = []
    disabled = ls.settings.disabled_codes
    return [p for p in found if p.code not in disabled]


def workspace_file_problems(ls: ModlspServer, uri: str, model: ModFile) -> list[Problem]:
    """A go.work's problems that need the disk: its `use` directories and their go.mods."""
    path = uri_path(uri)
    if path is None:
        return []
    disabled = ls.settings.disabled_codes
    return [p for p in work_problems(model, path) if p.code not in disabled]


def file_view(ls: ModlspServer, path: Path) -> tuple[str, int | None, PositionMapper] | None:
    """A file's uri, version and positions: the editor's text when it is open (what edits
    and spans were computed on), else the disk's."""
    uri = path_uri(path)
    document = ls.document(uri)
    if document is not None:  # under the client's spelling of its URI
        text = document.source.encode("utf-8", "surrogatepass")
        return document.uri, document.version, PositionMapper(text, ls.encoding)
    data = read_head(path)
    if data is None:
        return None
    return uri, None, PositionMapper(data, ls.encoding)
