"""Between a module's Go files and its go.mod: hover on an import string, go to definition on a
require path (the required module's go.mod), references of a require line (the imports it
serves)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from modlsp.core.gosource import Import
from modlsp.core.modfile import Require
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
    document = ls.document(uri)
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


def _require_at(judgement: Judgement, offset: int) -> Require | None:
    for r in judgement.model.requires:
        if r.path_token.span.start <= offset <= r.path_token.span.end:
            return r
    return None


def definition(ls: ModlspServer, params: types.DefinitionParams) -> list[types.Location] | None:
    """On a require path: the required module's go.mod, as the build uses it."""
    found = _judged(ls, params.text_document.uri)
    mapper = _mapper(ls, params.text_document.uri)
    if found is None or mapper is None or found[0] != found[1].gomod:
        return None
    judgement = found[2]
    required = _require_at(judgement, mapper.offset(params.position))
    if required is None or judgement.plan is None:
        return None
    target = require_definition(judgement.plan, required)
    if target is None:
        return None
    start = types.Position(line=0, character=0)
    return [types.Location(uri=modules.path_uri(target), range=types.Range(start=start, end=start))]


def references(ls: ModlspServer, params: types.ReferenceParams) -> list[types.Location] | None:
    """On a require line: every import of the module's Go files that it serves."""
    found = _judged(ls, params.text_document.uri)
    mapper = _mapper(ls, params.text_document.uri)
    if found is None or mapper is None or found[0] != found[1].gomod:
        return None
    _, state, judgement = found
    required = _require_at(judgement, mapper.offset(params.position))
    if required is None or judgement.plan is None:
        return None
    locations = []
    views: dict[Path, tuple[str, int | None, PositionMapper] | None] = {}
    for file, span in require_references(judgement.plan, state.index.files(), required.path):
        if file not in views:
            views[file] = modules.file_view(ls, file)
        view = views[file]
        if view is not None:
            locations.append(types.Location(uri=view[0], range=view[2].range(span)))
    return locations
