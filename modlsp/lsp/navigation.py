"""Between a module's Go files and its go.mod: hover on an import string, go to definition on a
require path (the required module's go.mod), references of a require line (the imports it
serves)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from modlsp.core.gosource import Import
from modlsp.core.navigation import import_hover, require_definition, require_references
from modlsp.core.project import Judgement
from modlsp.core.session import ModuleState
from modlsp.lsp import modules
from modlsp.lsp.positions import PositionMapper
from modlsp.lsp.server import ModlspServer


def register(server: ModlspServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(definition)
    server.feature(types.TEXT_DOCUMENT_REFERENCES)(references)


def _judged(ls: ModlspServer, uri: str) -> tuple[Path, ModuleState, Judgement] | None:
    found = modules.judged(ls, uri)
    if found is None or found[2].plan is None:
        return None
    return found


def _mapper(ls: ModlspServer, uri: str) -> PositionMapper | None:
    document = ls.workspace.text_documents.get(uri)
    if document is None:
        return None
    return PositionMapper(document.source.encode("utf-8", "surrogatepass"), ls.encoding)


def go_hover(ls: ModlspServer, params: types.HoverParams) -> types.Hover | None:
    """Hover on an import string of a Go file: the module that provides the package."""
    found = _judged(ls, params.text_document.uri)
    mapper = _mapper(ls, params.text_document.uri)
    if found is None or mapper is None:
        return None
    path, state, judgement = found
    source = state.index.source(path)
    if source is None or judgement.plan is None:
        return None
    offset = mapper.offset(params.position)
    imported: Import | None = next(
        (i for i in source.imports if i.span.start <= offset <= i.span.end), None
    )
    if imported is None:
        return None
    text = import_hover(judgement.plan, imported, judgement.model.requires)
    if text is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text.markdown),
        range=mapper.range(text.span),
    )


def _require_at(judgement: Judgement, offset: int) -> str | None:
    for r in judgement.model.requires:
        if r.path_token.span.start <= offset <= r.path_token.span.end:
            return r.path
    return None


def definition(ls: ModlspServer, params: types.DefinitionParams) -> list[types.Location] | None:
    """On a require path: the required module's go.mod, as the build uses it."""
    found = _judged(ls, params.text_document.uri)
    mapper = _mapper(ls, params.text_document.uri)
    if found is None or mapper is None or found[0] != found[1].gomod:
        return None
    judgement = found[2]
    offset = mapper.offset(params.position)
    for r in judgement.model.requires:
        span = r.path_token.span
        if span.start <= offset <= span.end and judgement.plan is not None:
            target = require_definition(judgement.plan, r)
            if target is None:
                return None
            start = types.Position(line=0, character=0)
            return [
                types.Location(
                    uri=modules.path_uri(target), range=types.Range(start=start, end=start)
                )
            ]
    return None


def references(ls: ModlspServer, params: types.ReferenceParams) -> list[types.Location] | None:
    """On a require line: every import of the module's Go files that it serves."""
    found = _judged(ls, params.text_document.uri)
    mapper = _mapper(ls, params.text_document.uri)
    if found is None or mapper is None or found[0] != found[1].gomod:
        return None
    _, state, judgement = found
    module_path = _require_at(judgement, mapper.offset(params.position))
    if module_path is None or judgement.plan is None:
        return None
    locations = []
    mappers: dict[Path, PositionMapper | None] = {}
    for file, span in require_references(judgement.plan, state.index.files(), module_path):
        if file not in mappers:
            mappers[file] = _file_mapper(ls, file)
        file_mapper = mappers[file]
        if file_mapper is not None:
            locations.append(
                types.Location(uri=modules.path_uri(file), range=file_mapper.range(span))
            )
    return locations


def _file_mapper(ls: ModlspServer, file: Path) -> PositionMapper | None:
    """Positions in a Go file as the index scanned it: the editor's text when open."""
    data = ls.session.open_go.get(file)
    if data is None:
        try:
            data = file.read_bytes()
        except OSError:
            return None
    return PositionMapper(data, ls.encoding)
