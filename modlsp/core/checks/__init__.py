"""Single-file checks beyond what the go command's parser rejects: one module per theme.

Each check reads the typed model and yields Problems; none touches the disk or the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from modlsp.core.checks import directives, paths, versions
from modlsp.core.godebug import BUILTIN, GodebugTable
from modlsp.core.modfile import ModFile
from modlsp.core.problems import Problem


@dataclass(frozen=True, slots=True)
class CheckOptions:
    godebug: GodebugTable = field(default=BUILTIN)


Check = Callable[[ModFile, CheckOptions], Iterable[Problem]]

CHECKS: tuple[Check, ...] = (
    lambda model, _: paths.check(model),
    lambda model, _: versions.check(model),
    lambda model, options: directives.check(model, options.godebug),
)


def run_checks(model: ModFile, options: CheckOptions) -> list[Problem]:
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(model, options))
    return problems
