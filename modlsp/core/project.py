"""One module judged as a whole: its go.mod against what its Go files import. The CLI and the
server both call `judge`; they differ only in where the bytes come from (disk, or the editor's
open documents) and in when they call it."""

from __future__ import annotations

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
    model: ModFile
    plan: TidyPlan | None  # None when the go.mod has errors or no module path
    gomod_problems: list[Problem] = field(default_factory=list)
    file_problems: dict[Path, list[Problem]] = field(default_factory=dict)


def judge(
    index: ModuleIndex,
    gomod_data: bytes,
    cache: ModuleCache | None,
    reader: DirectoryReader | None = None,
    model: ModFile | None = None,
) -> Judgement:
    module = index.module
    model = model or read(gomod_data, FileKind.GOMOD, str(module.gomod))
    if model.module is None or model.has_errors:
        return Judgement(model, None)
    tidy = plan(model.module.path, module.dir, model, index.packages(), cache, reader)
    result = Judgement(model, tidy, tidy_problems(model, tidy))
    for file, source in index.files():
        found = import_problems(source, tidy, model, module.gomod)
        if found:
            result.file_problems[file] = found
    return result
