"""A tidy plan as changes to the go.mod, problems with fixes, and one tidy edit.

When the plan is incomplete (something tidy reads is not on this machine), only the changes
that hold whatever the missing modules contain are made: a missing requirement for an import
of the main module, dropping the `// indirect` of a module the main module imports from, and
the removal of a requirement that provably provides none of the loaded packages. Everything
else waits, and one information on the module line says what is missing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from modlsp.core.formatter import format_source
from modlsp.core.loader import Resolution
from modlsp.core.modfile import FileKind, ModFile, Require, delete_line_edit, is_indirect
from modlsp.core.problems import Edit, Fix, Problem, Severity, apply_edits
from modlsp.core.syntax import Block, Line
from modlsp.core.text import Span
from modlsp.core.tidy import TidyPlan

_SHOWN_MISSING = 5  # module versions named in the "not on this machine" message


class ChangeKind(enum.Enum):
    DROP = "drop"
    ADD = "add"
    RAISE = "raise"
    MAKE_DIRECT = "direct"
    MAKE_INDIRECT = "indirect"


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    path: str
    version: str
    indirect: bool
    require: Require | None  # the line changed; None for additions


def changes(model: ModFile, plan: TidyPlan) -> list[Change]:
    """What `go mod tidy` would change in the requirements; only the sure part when the plan
    is incomplete."""
    if model.has_errors:
        return []
    complete = plan.complete
    out: list[Change] = []
    listed: dict[str, Require] = {}
    for r in model.requires:
        if r.valid:
            listed.setdefault(r.path, r)
    for path, r in listed.items():
        wanted = plan.requires.get(path)
        if wanted is None:
            if complete or _surely_unused(plan, path):
                out.append(Change(ChangeKind.DROP, path, r.version, r.indirect, r))
            continue
        if complete and r.version != wanted.version:
            out.append(Change(ChangeKind.RAISE, path, wanted.version, r.indirect, r))
        if r.indirect and not wanted.indirect:
            out.append(Change(ChangeKind.MAKE_DIRECT, path, r.version, False, r))
        elif not r.indirect and wanted.indirect and complete:
            out.append(Change(ChangeKind.MAKE_INDIRECT, path, r.version, True, r))
    for path, wanted in plan.requires.items():
        if path in listed or (wanted.indirect and not complete):
            continue
        out.append(Change(ChangeKind.ADD, path, wanted.version, wanted.indirect, None))
    return out


def _surely_unused(plan: TidyPlan, path: str) -> bool:
    """No package tidy loads can come from `path`: every loaded package's imports were read,
    and each import path that lies in `path` is provided by another module (so `path`, whose
    source was searched, has no such package)."""
    prefix = path + "/"
    for package in plan.loaded.packages.values():
        kind = package.resolved.kind
        if kind is Resolution.UNKNOWN:
            return False
        if package.path != path and not package.path.startswith(prefix):
            continue
        module = package.resolved.module
        if kind is not Resolution.MODULE or module is None or module.path == path:
            return False
    return True


def problems(model: ModFile, plan: TidyPlan) -> list[Problem]:
    """go.mod problems: one per change, on the line it changes (additions and what is not
    known locally on the module line)."""
    if model.module is None or model.has_errors:
        return []
    module_span = model.module.token.span
    out: list[Problem] = []
    for change in changes(model, plan):
        out.append(_problem(model, change, module_span))
    summary = _incomplete_summary(plan)
    if summary:
        out.append(Problem(module_span, Severity.INFORMATION, "tidy-incomplete", summary))
    return out


def _problem(model: ModFile, change: Change, module_span: Span) -> Problem:
    fix = Fix(_fix_title(change), tuple(change_edits(model, [change])), preferred=True)
    r = change.require
    if change.kind is ChangeKind.ADD or r is None:
        return Problem(
            module_span,
            Severity.ERROR if not change.indirect else Severity.WARNING,
            "missing-requirement",
            f"{change.path} is not in your go.mod file",
            (fix,),
        )
    if change.kind is ChangeKind.DROP:
        return Problem(
            r.path_token.span,
            Severity.WARNING,
            "unused-requirement",
            f"{change.path} is not used in this module",
            (fix,),
        )
    if change.kind is ChangeKind.RAISE:
        return Problem(
            r.version_token.span,
            Severity.INFORMATION,
            "requirement-below-selected",
            f"{change.path} is selected at {change.version}, not {r.version}: other "
            "requirements need that version, and go mod tidy writes it here",
            (fix,),
        )
    direct = change.kind is ChangeKind.MAKE_DIRECT
    return Problem(
        r.path_token.span,
        Severity.WARNING,
        "should-be-direct" if direct else "should-be-indirect",
        f"{change.path} should be {'direct' if direct else 'indirect'}",
        (fix,),
    )


def _fix_title(change: Change) -> str:
    match change.kind:
        case ChangeKind.DROP:
            return f"Remove dependency: {change.path}"
        case ChangeKind.ADD:
            return f"Add requirement {change.path} {change.version}"
        case ChangeKind.RAISE:
            return f"Raise to {change.version}"
        case ChangeKind.MAKE_DIRECT:
            return "Remove // indirect"
        case ChangeKind.MAKE_INDIRECT:
            return "Mark // indirect"


def _incomplete_summary(plan: TidyPlan) -> str:
    parts: list[str] = []
    if plan.unavailable:
        names = sorted(str(m) for m in plan.unavailable)
        shown = ", ".join(names[:_SHOWN_MISSING])
        more = f" and {len(names) - _SHOWN_MISSING} more" if len(names) > _SHOWN_MISSING else ""
        parts.append(
            f"{len(names)} module version{'s are' if len(names) != 1 else ' is'} not in the "
            f"module cache ({shown}{more}); `go mod download` fetches them"
        )
    if plan.unresolved:
        shown = ", ".join(plan.unresolved[:_SHOWN_MISSING])
        parts.append(f"no module in the module cache provides {shown}")
    if plan.ambiguous:
        parts.append(f"ambiguous imports: {', '.join(sorted(plan.ambiguous))}")
    if not parts:
        return ""
    return "requirements checked only in part: " + "; ".join(parts)


# --- edits ---


def change_edits(model: ModFile, selected: list[Change]) -> list[Edit]:
    """Edits making the changes; additions go into a require block of their kind (direct or
    indirect), at their sorted place, or into a new block at the end."""
    edits: list[Edit] = []
    additions: list[Change] = []
    for change in selected:
        r = change.require
        if change.kind is ChangeKind.ADD or r is None:
            additions.append(change)
        elif change.kind is ChangeKind.DROP:
            edits.append(delete_line_edit(model.syntax, r.line))
        elif change.kind is ChangeKind.RAISE:
            edits.append(Edit(r.version_token.span, change.version))
        else:
            edits.append(_indirect_edit(r.line, change.kind is ChangeKind.MAKE_INDIRECT))
    edits.extend(_addition_edits(model, additions))
    return edits


def _indirect_edit(line: Line, indirect: bool) -> Edit:
    """x/mod's setIndirect, as an edit of the line's suffix comment."""
    suffix = line.comments.suffix
    if indirect:
        if not suffix:
            return Edit(Span(line.end, line.end), " // indirect")
        text = suffix[0].text.removeprefix("//").strip()
        return Edit(suffix[0].span, f"// indirect; {text}" if text else "// indirect")
    comment = suffix[0]
    if comment.text.removeprefix("//").strip() == "indirect":
        return Edit(Span(line.end, comment.end), "")
    rest = comment.text[comment.text.index("indirect;") + len("indirect;") :]
    return Edit(comment.span, "//" + rest)


def _addition_edits(model: ModFile, additions: list[Change]) -> list[Edit]:
    if not additions:
        return []
    data = model.syntax.data
    blocks = [b for b in model.syntax.stmts if isinstance(b, Block) and _is_require_block(b)]
    edits: list[Edit] = []
    new_blocks: dict[bool, list[Change]] = {}
    for change in sorted(additions, key=lambda c: c.path):
        block = _block_for(blocks, change.indirect)
        if block is None or block.rparen is None:
            new_blocks.setdefault(change.indirect, []).append(change)
            continue
        at = next(
            (ln.start for ln in block.lines if ln.tokens[0].text.strip('"') > change.path),
            None,
        )
        if at is None:
            at = block.rparen.start
            line_start = data.rfind(b"\n", 0, at) + 1
            at = line_start if not data[line_start:at].strip() else at
        else:
            at = data.rfind(b"\n", 0, at) + 1
        edits.append(Edit(Span(at, at), f"\t{_requirement_text(change)}\n"))
    tail = b""
    for indirect in (False, True):
        group = new_blocks.get(indirect)
        if group:
            body = "".join(f"\t{_requirement_text(c)}\n" for c in group)
            tail += f"\nrequire (\n{body})\n".encode()
    if tail:
        end = len(data)
        prefix = b"" if data.endswith(b"\n") or not data else b"\n"
        edits.append(Edit(Span(end, end), (prefix + tail).decode()))
    return edits


def _is_require_block(block: Block) -> bool:
    return [t.text for t in block.verb] == ["require"]


def _block_for(blocks: list[Block], indirect: bool) -> Block | None:
    """The last require block whose lines are all of this kind (direct or indirect)."""
    for block in reversed(blocks):
        kinds = {is_indirect(line) for line in block.lines}
        if kinds == {indirect}:
            return block
    return None


def _requirement_text(change: Change) -> str:
    return f"{change.path} {change.version}" + (" // indirect" if change.indirect else "")


def tidied(model: ModFile, plan: TidyPlan) -> bytes:
    """The go.mod after every change (formatted like go mod tidy leaves it)."""
    selected = changes(model, plan)
    data = model.syntax.data
    if not selected:
        return data
    edited = apply_edits(data, change_edits(model, selected))
    return format_source(edited, FileKind.GOMOD, model.syntax.name) or edited
