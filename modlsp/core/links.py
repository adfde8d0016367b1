"""Document links in go.mod and go.work: a requirement's module to its pkg.go.dev page, a
replacement to its pkg.go.dev page or its directory's go.mod, a go.work `use` to its go.mod.

Private modules (GOPRIVATE) get no public link: their paths must not leak to pkg.go.dev.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from modlsp.core.lexer import Token
from modlsp.core.modfile import ModFile
from modlsp.core.modpath import check_path
from modlsp.core.sources.config import SourceConfig
from modlsp.core.text import Span
from modlsp.core.versionhover import pkg_go_dev


@dataclass(frozen=True, slots=True)
class Link:
    span: Span
    target: str  # an https:// or file:// URI
    tooltip: str


def document_links(model: ModFile, gomod_dir: Path, config: SourceConfig) -> list[Link]:
    """The links of a go.mod or go.work in `gomod_dir` (the directory relative paths start
    from), in file order. Directory links only name go.mod files that exist."""
    links: list[Link] = []
    for require in model.requires:
        if require.valid and not config.is_private(require.path):
            links.append(_public(require.path_token, require.path, require.version))
    for replace in model.replaces:
        if replace.is_directory:
            found = _local(replace.new_path_token, replace.new_path, gomod_dir)
            if found is not None:
                links.append(found)
        elif check_path(replace.new_path) is None and not config.is_private(replace.new_path):
            links.append(_public(replace.new_path_token, replace.new_path, replace.new_version))
    for use in model.uses:
        found = _local(use.token, use.path, gomod_dir)
        if found is not None:
            links.append(found)
    links.sort(key=lambda link: link.span.start)
    return links


def _public(token: Token, path: str, version: str) -> Link:
    where = f"{path}@{version}" if version else path
    return Link(token.span, pkg_go_dev(path, version), f"Open {where} on pkg.go.dev")


def _local(token: Token, directory: str, base: Path) -> Link | None:
    """`directory`'s go.mod, joined to `base` and cleaned lexically as the go command does
    (filepath.Join), so a symbolic link in the path stays as written."""
    gomod = Path(os.path.normpath(base.absolute() / directory)) / "go.mod"
    if not gomod.is_file():
        return None
    return Link(token.span, gomod.as_uri(), f"Open {directory.rstrip('/')}/go.mod")
