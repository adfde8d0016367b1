"""modlsp against the real go command on generated go.mod / go.work mutants.

* go rejects a mutant: modlsp reports at least one ERROR on every line go blames (an error on a
  line means an ERROR problem whose span touches that line; for go's "unterminated block"
  message, which points at the end of the file, the block's first line counts as well); when go
  names no line, at least one ERROR somewhere.
* go accepts a mutant: modlsp reports no ERROR at all, and ``format_source`` prints exactly what
  ``go mod edit -fmt -print`` / ``go work edit -fmt -print`` prints.

How go's verdict is obtained, and which of its messages are environment noise, is described in
gocmd.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from modlsp.core.analysis import FileKind, analyze
from modlsp.core.formatter import format_source
from modlsp.core.problems import Problem, Severity
from modlsp.core.text import LineIndex

from .gocmd import GO_MISSING_MESSAGE, GoOracle, GoVerdict, find_go
from .mutants import Mutant, all_mutants, generate

MIN_MUTANTS = 200
MIN_SHARE = 0.30


KINDS = {"gomod": FileKind.GOMOD, "gowork": FileKind.GOWORK}


def _show(data: bytes, lines: Sequence[int] = (), context: int = 1) -> str:
    """The numbered source lines around `lines` (1-based), or the first lines of the file."""
    rows = data.split(b"\n")
    wanted: set[int] = set()
    for ln in lines or [1, 2, 3]:
        wanted.update(range(max(1, ln - context), min(len(rows), ln + context) + 1))
    return "\n".join(f"{n:5}| {rows[n - 1]!r}" for n in sorted(wanted))


def _error_lines(data: bytes, problems: Sequence[Problem]) -> tuple[set[int], list[str]]:
    """1-based lines touched by modlsp's ERROR problems, and a description of every problem."""
    index = LineIndex(data)
    lines: set[int] = set()
    described: list[str] = []
    for p in problems:
        first = index.line_of(p.span.start)
        last = index.line_of(max(p.span.start, p.span.end - 1))
        described.append(f"  {p.severity.name} line {first + 1}: [{p.code}] {p.message}")
        if p.severity is Severity.ERROR:
            lines.update(range(first + 1, last + 2))
    return lines, described


@pytest.mark.parametrize("mutant", all_mutants(), ids=lambda m: m.id)
def test_modlsp_agrees_with_go(mutant: Mutant, verdicts: dict[str, GoVerdict]) -> None:
    verdict = verdicts[mutant.id]
    kind = KINDS[mutant.kind]
    result = analyze(mutant.data, kind)
    error_lines, described = _error_lines(mutant.data, result.problems)
    report = "\n".join(
        [
            verdict.describe(),
            "modlsp reported:",
            *(described or ["  nothing"]),
        ]
    )

    if not verdict.accepted:
        missed = [b for b in verdict.blames if not (b.accept & error_lines)]
        assert not missed, (
            f"go blames line(s) {[b.line for b in missed]} but modlsp reports no ERROR there\n"
            f"{report}\n{_show(mutant.data, [b.line for b in missed])}"
        )
        if not verdict.blames:
            assert error_lines, (
                f"go rejects the file but modlsp reports no ERROR\n{report}\n{_show(mutant.data)}"
            )
        return

    assert not error_lines, (
        f"go accepts the file but modlsp reports ERROR(s)\n{report}\n"
        f"{_show(mutant.data, sorted(error_lines))}"
    )
    formatted = format_source(mutant.data, kind)
    assert formatted == verdict.formatted, (
        "format_source differs from go's -fmt -print output\n"
        f"go:     {verdict.formatted!r}\nmodlsp: {formatted!r}"
    )


def test_go_command_is_installed() -> None:
    """Fails (never skips) without the real go command; the other tests then error likewise."""
    try:
        find_go()
    except RuntimeError:
        pytest.fail(GO_MISSING_MESSAGE, pytrace=False)


def test_generator_is_deterministic_and_ids_unique() -> None:
    first = list(generate())
    assert first == list(generate())
    ids = [m.id for m in first]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_mutants_do_not_degenerate(
    mutants: tuple[Mutant, ...], verdicts: dict[str, GoVerdict]
) -> None:
    total = len(mutants)
    assert total >= MIN_MUTANTS, f"only {total} mutants"
    rejected = sum(not verdicts[m.id].accepted for m in mutants)
    accepted = total - rejected
    assert rejected >= MIN_SHARE * total, f"go rejects only {rejected} of {total} mutants"
    assert accepted >= MIN_SHARE * total, f"go accepts only {accepted} of {total} mutants"
    kinds = Counter(m.kind for m in mutants)
    assert kinds["gowork"] >= 20, kinds
    per_category = Counter(m.category for m in mutants)
    assert all(n >= 20 for n in per_category.values()), per_category


REAL = Path(__file__).resolve().parents[1] / "data" / "real"
REAL_FILES = sorted(p for p in REAL.iterdir() if p.name.endswith((".mod", ".work")))


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_files_format_like_go(path: Path, go_oracle: GoOracle) -> None:
    """Every real file: go accepts it, modlsp reports no error and formats it like go."""
    kind = "gowork" if path.name.endswith(".work") else "gomod"
    data = path.read_bytes()
    verdict = go_oracle.verdict(data, kind)
    assert verdict.accepted, verdict.describe()
    assert _error_lines(data, analyze(data, KINDS[kind]).problems)[0] == set()
    assert format_source(data, KINDS[kind]) == verdict.formatted
