"""One module judged as a whole: its go.mod against what its Go files import. The CLI and the
server both call `judge`; they differ only in where the bytes come from (disk, or the editor's
open documents) and in when they call it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from modlsp.core.importcheck import import_problems
from modlsp.core.index import ModuleIndex
from modlsp.core.loader import DirectoryReader
from modlsp.core.modcache import ModuleCache
from modlsp.core.modfile import FileKind, ModFile
from modlsp.core.problems import Problem
from modlsp.core.reader import read
from modlsp.core.tidy import TidyPlan, plan
from modlsp.core.tidycheck import problems as tidy_problems


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
) -> Judgement:
    module = index.module
    model = model or read(gomod_data, FileKind.GOMOD, str(module.gomod))
    if model.module is None or model.has_errors:
        return Judgement(index, model, None)
    tidy = plan(model.module.path, module.dir, model, index.packages(), cache, reader)
    return Judgement(index, model, tidy, tidy_problems(model, tidy), dict(workspace or {}))
