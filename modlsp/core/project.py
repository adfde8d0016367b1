"""One module judged as a whole: its go.mod against what its Go files import. The CLI and the
server both call `judge`; they differ only in where the bytes come from (disk, or the editor's
open documents) and in when they call it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from modlsp.core.files import read_head
from modlsp.core.gittags import release_tags, tag_problems
from modlsp.core.gowork import find_gowork
from modlsp.core.importcheck import import_problems
from modlsp.core.index import ModuleIndex
from modlsp.core.loader import DirectoryReader
from modlsp.core.localmodules import modules_beside
from modlsp.core.modcache import ModuleCache
from modlsp.core.modfile import FileKind, ModFile, delete_line_edit
from modlsp.core.problems import Fix, Problem, Severity
from modlsp.core.reader import read
from modlsp.core.replacecheck import replace_problems
from modlsp.core.tidy import TidyPlan, plan
from modlsp.core.tidycheck import problems as tidy_problems
from modlsp.core.workcheck import overridden_replaces


@dataclass(slots=True)
class Judgement:
    index: ModuleIndex
    model: ModFile
    plan: TidyPlan | None  # None when the go.mod has errors or no module path
    gomod_problems: list[Problem] = field(default_factory=list)
    # The modules of the go.work governing this one: their packages need no requirement to build.
    workspace: Mapping[str, Path] = field(default_factory=dict)
    _files: dict[Path, list[Problem]] = field(default_factory=dict)

    def problems_in(self, file: Path) -> list[Problem]:
        """The import problems of one Go file of the module (computed when first asked: the
        server needs them for open files only)."""
        if self.plan is None:
            return []
        found = self._files.get(file)
        if found is None:
            source = self.index.source(file)
            found = (
                []
                if source is None
                else import_problems(
                    source, self.plan, self.model, self.index.module.gomod, self.workspace
                )
            )
            self._files[file] = found
        return found

    def file_problems(self) -> dict[Path, list[Problem]]:
        """Every Go file of the module that has import problems, with them."""
        out = {}
        for file, _ in self.index.files():
            found = self.problems_in(file)
            if found:
                out[file] = found
        return out


def judge(
    index: ModuleIndex,
    gomod_data: bytes,
    cache: ModuleCache | None,
    reader: DirectoryReader | None = None,
    model: ModFile | None = None,
    workspace: Mapping[str, Path] | None = None,
    *,
    published: bool = False,
) -> Judgement:
    """`published`: the module is meant for others, whose builds ignore its replaces."""
    module = index.module
    model = model or read(gomod_data, FileKind.GOMOD, str(module.gomod))
    if model.module is None or model.has_errors:
        return Judgement(index, model, None)
    tidy = plan(model.module.path, module.dir, model, index.packages(), cache, reader)
    workspace = dict(workspace or {})
    found = tidy_problems(model, tidy)
    found += _replace_problems(model, module.dir, tidy, workspace, published)
    tags = release_tags(module.dir, model.module.path)
    if tags is not None:
        found += tag_problems(model, tags)
    return Judgement(index, model, tidy, found, workspace)


def _replace_problems(
    model: ModFile,
    module_dir: Path,
    tidy: TidyPlan,
    workspace: Mapping[str, Path],
    published: bool,
) -> list[Problem]:
    local = _Beside(module_dir, workspace)
    found = replace_problems(model, module_dir, local, published=published)
    found += unused_replaces(model, tidy, in_workspace=bool(workspace))
    gowork = find_gowork(module_dir) if workspace else None
    data = read_head(gowork) if gowork is not None else None
    if gowork is not None and data is not None:
        work = read(data, FileKind.GOWORK, str(gowork))
        found += overridden_replaces(model, module_dir, work, gowork)
    return found


class _Beside(Mapping[str, Sequence[Path]]):
    """The modules beside this one, looked for only when a fix needs a place to point a replace
    at (most judgements have no broken replace)."""

    def __init__(self, module_dir: Path, workspace: Mapping[str, Path]) -> None:
        self._args = (module_dir, workspace)
        self._found: dict[str, list[Path]] | None = None

    def _modules(self) -> dict[str, list[Path]]:
        if self._found is None:
            self._found = modules_beside(*self._args)
        return self._found

    def __getitem__(self, path: str) -> Sequence[Path]:
        return self._modules()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules())

    def __len__(self) -> int:
        return len(self._modules())


def unused_replaces(model: ModFile, tidy: TidyPlan, *, in_workspace: bool) -> list[Problem]:
    """Replaces of modules no requirement graph of this module reaches: they change nothing.
    Said only when the whole graph is known (and outside a go.work, whose other modules'
    graphs the replaces of every workspace go.mod also apply to)."""
    if in_workspace or not tidy.complete:
        return []
    graph = tidy.resolver.graph
    reached = set(graph.selected) | {m.path for m in graph.edges}
    reached |= {r.path for r in model.requires} | set(tidy.requires)
    out = []
    for rep in model.replaces:
        if rep.old_path in reached or rep.old_path == tidy.main.path:
            continue
        message = (
            f"{rep.old_path} is in no requirement graph of this module: this replace has no effect"
        )
        span = rep.old_path_token.span
        fix = Fix("Remove this replace", (delete_line_edit(model.syntax, rep.line),), True)
        out.append(Problem(span, Severity.WARNING, "unused-replace", message, (fix,)))
    return out
