"""Moving packages from one module path to another across a module's files: the shared half of
the two major-version refactorings (the module's own `/vN` bump and a dependency's cross-major
upgrade).

An import path belongs to the longest module path that is a prefix of it; `claimed` paths (the
module's other requirements, nested modules, workspace modules) win over the moved path, so
`example.com/m/tools/x` stays put when `example.com/m/tools` is a module of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from modlsp.core.doclinks import doc_link_edits
from modlsp.core.gosource import scan
from modlsp.core.gostring import auto_quote
from modlsp.core.importrewrite import rewrite_imports
from modlsp.core.modfile import ModFile, Replace
from modlsp.core.modpath import prefixes
from modlsp.core.problems import Edit
from modlsp.core.text import Span

# How often (in files) a long rewrite reports progress.
PROGRESS_EVERY = 250


@dataclass(frozen=True, slots=True)
class FileEdits:
    path: Path
    before: bytes  # the content the edits were planned on
    edits: tuple[Edit, ...]
    moved: int = 0  # import paths (and // import comments) that change


@dataclass(frozen=True, slots=True)
class ModuleSnapshot:
    """One module as a refactoring sees it: its go.mod and where its Go files are."""

    dir: Path
    gomod: bytes
    model: ModFile
    go_files: Sequence[Path]

    @property
    def gomod_path(self) -> Path:
        return self.dir / "go.mod"


@dataclass(frozen=True, slots=True)
class RenamePlan:
    old_path: str
    new_path: str
    files: tuple[FileEdits, ...]  # each go.mod / go.work first, then Go files
    notes: tuple[str, ...] = ()

    @property
    def go_files(self) -> list[FileEdits]:
        return [f for f in self.files if f.path.suffix == ".go"]

    @property
    def import_count(self) -> int:
        return sum(f.moved for f in self.go_files)

    def imports_phrase(self, verb: str) -> str:
        count = self.import_count
        return f"{count} import{'s' if count != 1 else ''} {verb}"

    def summary(self) -> str:
        mods = [f.path.name for f in self.files if f.path.suffix != ".go"]
        parts = [", ".join(sorted(set(mods)))] if mods else []
        count = len(self.go_files)
        if count:
            parts.append(f"{count} Go file{'s' if count != 1 else ''}")
        return f"{self.old_path} -> {self.new_path}: " + (" and ".join(parts) or "nothing")


Reader = Callable[[Path], "bytes | None"]
Progress = Callable[[int, int], None]


def mover(old: str, new: str, claimed: Collection[str]) -> Callable[[str], str | None]:
    """The new path of an import path that lies in module `old`, None for every other path."""
    longer = frozenset(c for c in claimed if c != old and c.startswith(old + "/"))

    def rename(path: str) -> str | None:
        if path != old and not path.startswith(old + "/"):
            return None
        if longer and any(p in longer for p in prefixes(path)):
            return None
        return new + path[len(old) :]

    return rename


def rewrite_go_files(
    files: Sequence[Path],
    read: Reader,
    old: str,
    rename: Callable[[str], str | None],
    progress: Progress | None = None,
) -> list[FileEdits]:
    """Edits for every Go file that imports a package of `old` (or names one in its `// import`
    comment). A file whose bytes do not mention `old` at all is not parsed."""
    needle = old.encode()
    out: list[FileEdits] = []
    total = len(files)
    for number, file in enumerate(files, 1):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, total)
        data = read(file)
        if data is None or needle not in data:
            continue
        source = scan(data)
        edits = rewrite_imports(data, source, rename)
        edits += doc_link_edits(data, old, rename)
        if edits:
            moved = sum(1 for i in source.imports if rename(i.path) not in (None, i.path))
            comment = source.import_comment
            moved += comment is not None and rename(comment.path) not in (None, comment.path)
            edits.sort(key=lambda e: e.span.start)
            out.append(FileEdits(file, data, tuple(edits), moved))
    if progress is not None:
        progress(total, total)
    return out


def path_edit(token_span: Span, path: str) -> Edit:
    return Edit(token_span, auto_quote(path))


def tool_edits(model: ModFile, rename: Callable[[str], str | None]) -> list[Edit]:
    out = []
    for tool in model.tools:
        moved = rename(tool.path)
        if moved is not None:
            out.append(path_edit(tool.token.span, moved))
    return out


def replace_edits(replaces: Iterable[Replace], old: str, new: str) -> list[Edit]:
    """Replaces of module `old` made replaces of `new`, for every version (the versions of the
    old path mean nothing under the new one)."""
    out = []
    for rep in replaces:
        if rep.old_path != old:
            continue
        end = rep.old_path_token.span.end
        if rep.old_version_token is not None:
            end = rep.old_version_token.span.end
        out.append(Edit(Span(rep.old_path_token.span.start, end), auto_quote(new)))
    return out


def file_edits(path: Path, before: bytes, edits: list[Edit]) -> list[FileEdits]:
    return (
        [FileEdits(path, before, tuple(sorted(edits, key=lambda e: e.span.start)))] if edits else []
    )
