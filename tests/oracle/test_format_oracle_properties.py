"""Property: formatting is `go mod edit -fmt`, on generated go.mod and go.work files.

Hypothesis generates a few hundred structured files (tests/core/strategies.py, with a little
noise), derandomized so that every run checks the same files. For each one, the real go
command's `go mod edit -fmt -print` / `go work edit -fmt -print` is the oracle:

* go prints the file (exit 0): `format_source` prints the same bytes, and formatting those
  bytes again gives what go gives for them;
* go rejects it: modlsp's formatter refuses it too (`format_source` is None), and modlsp reports
  an ERROR on every line go blames, as test_oracle.py asks of the mutants (for go's
  "unterminated block" message, which points at the end of the file, an error on the line where
  the block starts counts as well); when go names no line, an ERROR somewhere.

`go mod edit -fmt` only parses (x/mod's modfile.Parse); what the go command checks when it loads
the module graph (module path syntax, godebug keys, ...) is test_oracle.py's subject.

The go command runs once per file, concurrently, before any comparison: the property is run a
first time to collect the files, go's verdicts are computed in two batches (the files, then what
go printed), and the property then runs again over the same (derandomized) examples, reading the
verdicts. Should it fail, hypothesis shrinks the file, running go on each smaller candidate.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

# tests/ is on sys.path: pytest imports the test packages `core` and `oracle` from there.
from core.strategies import kinded_files, kinds, singleton_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modlsp.core.analysis import FileKind, analyze
from modlsp.core.formatter import format_source
from modlsp.core.problems import Severity
from modlsp.core.text import LineIndex

from .gocmd import GO_MISSING_MESSAGE, offline_go_env, split_messages
from .goproxy import TIMEOUT, go_binary, telemetry_off

EXAMPLES = 400
SINGLETON_EXAMPLES = 100
# Percentages of bad values and damaged lines (tests/core/strategies.py): low, so that go prints
# a good share of the files and the formatter is compared on them.
BAD = 4
NOISE = 2
WORKERS = 4
MIN_SHARE = 0.25
MIN_DISTINCT = 200  # hypothesis draws some small files more than once

FILE_NAMES = {FileKind.GOMOD: "go.mod", FileKind.GOWORK: "go.work"}
# A positioned message of `go mod/work edit`: FILE:LINE[:COL]: msg.
_POSITIONED = re.compile(r"^(?:go: )?\S*?(?:go\.mod|go\.work):(?P<line>\d+)(?::\d+)?: (?P<msg>.*)$")
_UNTERMINATED = re.compile(r"unterminated block started at \S*?:(?P<line>\d+):\d+")

Case = tuple[FileKind, bytes]


@dataclass(frozen=True)
class Verdict:
    printed: bytes | None
    """What `go mod/work edit -fmt -print` printed when it exited 0, else None."""
    blames: tuple[frozenset[int], ...]
    """For each positioned message: the 1-based lines where a modlsp ERROR answers it."""
    messages: tuple[str, ...]


class GoFmt:
    """`go mod edit -fmt -print` / `go work edit -fmt -print`, offline, with a verdict cache."""

    def __init__(self, root: Path) -> None:
        try:
            self.go, goroot = go_binary()
        except RuntimeError:
            pytest.fail(GO_MISSING_MESSAGE, pytrace=False)
        home = root / "home"
        home.mkdir()
        extra = {"XDG_CONFIG_HOME": str(telemetry_off(home)), "GOTELEMETRY": "off"}
        if goroot:
            extra["GOROOT"] = goroot
        self.env = offline_go_env(home, **extra)
        self.scratch = root / "files"
        self.scratch.mkdir()
        self.cache: dict[Case, Verdict] = {}
        self.lock = threading.Lock()

    def verdict(self, case: Case) -> Verdict:
        with self.lock:
            cached = self.cache.get(case)
        if cached is not None:
            return cached
        kind, data = case
        with tempfile.TemporaryDirectory(dir=self.scratch) as tmp:
            path = Path(tmp, FILE_NAMES[kind])
            path.write_bytes(data)
            verb = "mod" if kind is FileKind.GOMOD else "work"
            proc = subprocess.run(
                [self.go, verb, "edit", "-fmt", "-print", path.name],
                cwd=tmp,
                env=self.env,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
            )
        messages = split_messages(proc.stderr.decode("utf-8", "replace"))
        blames: list[frozenset[int]] = []
        for message in messages:
            m = _POSITIONED.match(message)
            if m:
                lines = {int(m.group("line"))}
                u = _UNTERMINATED.search(m.group("msg"))
                if u:
                    lines.add(int(u.group("line")))
                blames.append(frozenset(lines))
        printed = proc.stdout if proc.returncode == 0 else None
        result = Verdict(printed, tuple(blames), tuple(messages))
        with self.lock:
            self.cache[case] = result
        return result

    def prefetch(self, cases: Iterable[Case]) -> None:
        """Verdicts for many files at once, on a few threads."""
        todo = list(dict.fromkeys(cases))
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(self.verdict, todo))


def _error_lines(data: bytes, kind: FileKind) -> set[int]:
    """1-based lines touched by modlsp's ERROR problems (as test_oracle.py counts them)."""
    index = LineIndex(data)
    lines: set[int] = set()
    for p in analyze(data, kind).problems:
        if p.severity is Severity.ERROR:
            first = index.line_of(p.span.start)
            last = index.line_of(max(p.span.start, p.span.end - 1))
            lines.update(range(first + 1, last + 2))
    return lines


def check_against_go(case: Case, verdict: Verdict) -> None:
    kind, data = case
    formatted = format_source(data, kind)
    if verdict.printed is not None:
        assert formatted == verdict.printed, (
            f"go accepts {data!r}\ngo:     {verdict.printed!r}\nmodlsp: {formatted!r}"
        )
        return
    go_said = "\n".join(f"  {m}" for m in verdict.messages) or "  (nothing)"
    assert formatted is None, f"go rejects {data!r}, modlsp formats it:\n{go_said}"
    errors = _error_lines(data, kind)
    missed = [sorted(lines) for lines in verdict.blames if not lines & errors]
    assert not missed, (
        f"go blames line(s) {missed} of {data!r}, modlsp reports no ERROR there "
        f"(ERRORs on {sorted(errors)})\n{go_said}"
    )
    assert verdict.blames or errors, f"go rejects {data!r}, modlsp reports no ERROR\n{go_said}"


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def check_property(root: Path, cases: st.SearchStrategy[Case], examples: int) -> list[Verdict]:
    """Run the property over `examples` generated cases, go's verdicts computed in batches;
    return the verdicts of the distinct cases.

    The property: modlsp agrees with go on the file and, when go prints it, on what go printed
    (so that formatting the formatted file is go's too: `go mod edit -fmt` is not idempotent
    in every case, see test_properties.py)."""
    go = GoFmt(root)
    seen: list[Case] = []
    collecting = True

    @_settings(examples)
    @given(cases)
    def prop(case: Case) -> None:
        if collecting:
            seen.append(case)
            return
        verdict = go.verdict(case)
        check_against_go(case, verdict)
        if verdict.printed is not None:
            again = (case[0], verdict.printed)
            check_against_go(again, go.verdict(again))

    prop()  # collect the examples (derandomized: the same on every run and in both passes)
    go.prefetch(seen)
    printed = [(kind, go.cache[(kind, data)].printed) for kind, data in seen]
    go.prefetch((kind, data) for kind, data in printed if data is not None)
    collecting = False
    prop()  # the property itself: the same examples, go's verdicts read from the cache
    return [go.cache[c] for c in dict.fromkeys(seen)]


def test_format_agrees_with_go_mod_edit_fmt(tmp_path: Path) -> None:
    verdicts = check_property(tmp_path, kinded_files(bad=BAD, noise=NOISE), EXAMPLES)
    # The generator must not degenerate: go both accepts and rejects a fair share of the
    # files, so that both halves of the property are exercised.
    assert len(verdicts) >= MIN_DISTINCT, f"only {len(verdicts)} distinct files"
    accepted = sum(v.printed is not None for v in verdicts)
    assert accepted >= MIN_SHARE * len(verdicts), f"go accepts only {accepted}/{len(verdicts)}"
    rejected = len(verdicts) - accepted
    assert rejected >= MIN_SHARE * len(verdicts), f"go rejects only {rejected}/{len(verdicts)}"


def test_repeated_directives_agree_with_go(tmp_path: Path) -> None:
    """module, go and toolchain lines given twice, the first one good or bad."""
    cases = kinds().flatmap(lambda kind: singleton_files(kind).map(lambda data: (kind, data)))
    verdicts = check_property(tmp_path, cases, SINGLETON_EXAMPLES)
    accepted = sum(v.printed is not None for v in verdicts)
    assert 0 < accepted < len(verdicts), (accepted, len(verdicts))
