"""Hypothesis strategies for go.mod / go.work text, shared by the property tests.

`module_files(kind, bad=..., noise=...)` builds a file from directives, blocks, comments and
blank lines, in the go command's own vocabulary: module paths, versions (canonical,
non-canonical, pseudo, +incompatible), go and toolchain versions, godebug settings, replace
targets, retract intervals, quoted tokens, odd whitespace and CRLF line endings. Two knobs, in
percent:

* `bad`: how often a value is one the go command rejects or rewrites (a malformed path, a
  version that is not semver, a wrong major version, a back-quoted token, a quoted go version,
  a repeated module/go/toolchain line, a go/toolchain block, ...);
* `noise`: how often a line or file is damaged the way files are while being typed or after a
  bad merge: misspelt and misplaced directives, missing or extra arguments, stray punctuation,
  unterminated strings and blocks, `/* */` comments, a byte-order mark, control characters,
  non-UTF-8 bytes, lone carriage returns and huge tokens.

Every random choice shrinks towards the plain valid form (the first entry of a pool, knobs
off), so a failing example shrinks to a readable file.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

from hypothesis import strategies as st

from modlsp.core.modfile import FileKind

DrawFn = st.DrawFn


class Pool(NamedTuple):
    good: tuple[str, ...]
    bad: tuple[str, ...] = ()
    quotable: bool = True  # the go command unquotes the token ("a.com/x" is a.com/x)


MODULE_PATHS = Pool(
    (
        "example.com/a",
        "example.com/b",
        "example.com/a/v2",
        "example.com/c/v3",
        "golang.org/x/mod",
        "github.com/Foo/bar",
        "gopkg.in/yaml.v2",
        "gopkg.in/check.v1",
        "a.com/x",
        "a.com/x/sub",
        "Example.com/Up",  # parses; only loading the module graph rejects it
        "ex\u00e4mple.com/a",
        "a.com/\udcff",  # bytes that are not UTF-8 (written with surrogateescape)
        "ex\udce2\udc82ample.com/a",
        "a.com/x y",
        "a.com/x.",
        "a.com//x",
        "-x.com/a",
        "x",
    ),
    ("a.com/x/v1", "a.com/x/v0", "gopkg.in/yaml.v0", "a.com/x@v1.0.0", "go", "./local"),
)
VERSIONS = Pool(
    (
        "v1.2.3",
        "v1.0.0",
        "v0.1.0",
        "v1.0.0-rc.1",
        "v0.0.0-20240101120000-0123456789ab",
        "v1.2.4-0.20240101120000-0123456789ab",
        "v1.0.0+incompatible",
        "v1.2.3+meta",
        "v1.2",
        "v1",
        "v0.0.0-2024010112-0123456789ab",
    ),
    (
        "v2.0.0",
        "v3.1.4+incompatible",
        "1.2.3",
        "V1.2.3",
        "latest",
        "master",
        "v1.2.3.4",
        "v01.2.3",
        "v1.2.3-",
    ),
)
GO_VERSIONS = Pool(
    ("1.21", "1.21.0", "1.22.5", "1.17", "1.16", "1.23rc1", "1.27"),
    ("1", "1.x", "go1.21", "1.21.", "1.021", "v1.21"),
    quotable=False,
)
TOOLCHAINS = Pool(
    ("go1.21.0", "go1.22.5", "default", "go1.23rc1", "go1.16", "go1"),
    ("1.21", "gox", "local"),
    quotable=False,
)
GODEBUGS = Pool(
    ("panicnil=1", "asynctimerchan=0", "default=go1.21", "http2client=0", "nosuchsetting=1"),
    ("key", "k=v=w", "=x", "a,b=1"),
    quotable=False,
)
DIRECTORIES = Pool(
    ("./x", "../y", "./a/b", ".", "..", "/abs/z", "../x/v2", "./x y", "./\udcfe"),
    ("C:\\win\\dir", ".\\w", "x", "a.com/x@v1.2.0"),
)
TOOLS = Pool(("example.com/a/cmd/t", "golang.org/x/tools/cmd/stringer", "Bad.com/t", "./t"))
IGNORES = Pool(("./vendor", "node_modules", "./x/y", "/abs"), ("",))
COMMENTS = (
    "// c",
    "//",
    "// indirect",
    "//indirect",
    "// indirect; because",
    "// Deprecated: use example.com/b",
    "// caf\u00e9 \u2603 \U0001d11e",
    "//\t spaced  ",
    "// retracted: broken",
)
BAD_COMMENTS = (b"// \xff\xfe caf\xe9", b"/* c */", b"// \x00 nul", b"/* open", b"//\xef\xbb\xbf")
NOISE_WORDS = (
    "(",
    ")",
    "[",
    "]",
    ",",
    "=>",
    "{",
    "}",
    "requre",
    "modul",
    "replce",
    "go",
    '"',
    "`",
    "/*",
    "*/",
    "v1.2.3",
    "a.com/x",
    "1.21",
)
TYPOS = ("requre", "modul", "replce", "retrat", "usee", "foo", "Require")
# Characters and byte sequences the go command's lexer rejects, or reads in surprising ways.
NOISE_BYTES = (
    b"\x00",
    b"\x0b",
    b"\x0c",
    b"\x7f",
    b"\xc2\xa0",  # NBSP
    b"\xef\xbb\xbf",  # BOM
    b"\xe2\x80\xa8",  # LINE SEPARATOR
    b"\xff",
    b"\xfe\xfe",
    b"\xe2\x82",  # truncated UTF-8
    b"\xed\xa0\x80",  # a surrogate, as surrogatepass writes it
    b"\xcc\x81",  # a combining mark
    b"\xf0\x9d\x84\x9e",  # an astral character
    b"\r",
)
SEPARATORS = (" ", "\t", "  ", " \t ")
INDENTS = ("\t", "    ", "", " \t")

GOMOD_VERBS = ("require", "exclude", "replace", "retract", "godebug", "tool", "ignore")
GOWORK_VERBS = ("use", "replace", "godebug")
SINGLETONS = ("go", "toolchain", "module")


# Strategies are built once: building one per draw costs more than the draw.
@functools.cache
def _ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@functools.cache
def _choice(pool: tuple[object, ...]) -> st.SearchStrategy[object]:
    return st.sampled_from(pool)


def integer(draw: DrawFn, low: int, high: int) -> int:
    return draw(_ints(low, high))


def chance(draw: DrawFn, percent: int) -> bool:
    """True `percent` percent of the time; shrinks to False."""
    return percent > 0 and integer(draw, 0, 99) >= 100 - percent


def flip(draw: DrawFn) -> bool:
    return integer(draw, 0, 1) == 1


def pick(draw: DrawFn, pool: Sequence[str]) -> str:
    value = draw(_choice(tuple(pool)))
    assert isinstance(value, str)
    return value


def pick_bytes(draw: DrawFn, pool: Sequence[bytes]) -> bytes:
    value = draw(_choice(tuple(pool)))
    assert isinstance(value, bytes)
    return value


def go_quote(text: str) -> str:
    """A Go double-quoted string for `text` (strconv.Quote for the characters used here)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\t", "\\t") + '"'


def word(draw: DrawFn, pool: Pool, bad: int) -> str:
    """One argument from the pool, perhaps quoted; `bad` percent of the time, a bad one."""
    text = pick(draw, pool.bad) if pool.bad and chance(draw, bad) else pick(draw, pool.good)
    if " " in text:
        return go_quote(text)
    if chance(draw, 15) and text:
        if not pool.quotable or chance(draw, bad):
            # The go command reads neither: a quoted go version, a back-quoted token.
            return "`" + text + "`" if flip(draw) else go_quote(text)
        return go_quote(text)
    return text


def _major(path: str) -> str:
    """The major version a module path asks for: "v2" for example.com/a/v2 and
    gopkg.in/yaml.v2, "v1" for gopkg.in/check.v1, "" when any v0 or v1 version will do."""
    last = path.strip('"`').rsplit("/", 1)[-1]
    if path.strip('"`').startswith("gopkg.in/"):
        _, dot, major = last.rpartition(".v")
        return "v" + major if dot and major.isdigit() else ""
    if last[:1] == "v" and last[1:].isdigit() and int(last[1:]) >= 2:
        return last
    return ""


_MAJOR_TEMPLATES = ("{}.0.0", "{}.1.2", "{}.0.0-rc.1", "{}.0.0-20240101120000-0123456789ab", "{}.1")


def _version(draw: DrawFn, path: str, bad: int) -> str:
    """A version for `path`: one its major version suffix allows, `bad` percent of the time
    one the go command rejects (not semver, or the wrong major)."""
    if chance(draw, bad):
        return word(draw, Pool(VERSIONS.bad), bad)
    major = _major(path)
    if not major:
        return word(draw, VERSIONS, bad)
    return word(draw, Pool(tuple(t.format(major) for t in _MAJOR_TEMPLATES)), bad)


def damage(draw: DrawFn, text: str) -> str:
    """One argument as it looks while being typed, or broken."""
    how = integer(draw, 0, 6)
    if how == 0:
        return pick(draw, NOISE_WORDS)
    if how == 1:
        return go_quote(text)[:-1]  # unterminated string
    if how == 2:
        return '"' + text + '\\q"'  # invalid escape
    if how == 3:
        return text + '"x'  # a quote inside an identifier
    if how == 4:
        # A huge token: analysis stays linear and keeps its spans.
        return "a.com/" + pick_bytes(draw, (b"x" * 300, b"x" * 5000, b"x" * 40000)).decode()
    if how == 5:
        return text + "/*c*/"
    return "\ue000" + text  # a private-use character, which the lexer rejects


def arguments(draw: DrawFn, verb: str, bad: int, noise: int) -> list[str]:
    """The arguments of one directive line; `noise` percent of lines are damaged."""
    if verb == "module":
        args = [word(draw, MODULE_PATHS, bad)]
    elif verb == "go":
        args = [word(draw, GO_VERSIONS, bad)]
    elif verb == "toolchain":
        args = [word(draw, TOOLCHAINS, bad)]
    elif verb == "godebug":
        args = [word(draw, GODEBUGS, bad)]
    elif verb in ("require", "exclude"):
        path = word(draw, MODULE_PATHS, bad)
        args = [path, _version(draw, path, bad)]
    elif verb == "replace":
        path = word(draw, MODULE_PATHS, bad)
        args = [path]
        if flip(draw):
            args.append(_version(draw, path, bad))
        args.append("=>")
        if flip(draw):
            args.append(word(draw, DIRECTORIES, bad))
        else:
            target = word(draw, MODULE_PATHS, bad)
            args += [target, _version(draw, target, bad)]
    elif verb == "retract":
        if flip(draw):
            args = [word(draw, VERSIONS, bad)]
        else:
            args = ["[", word(draw, VERSIONS, bad), ",", word(draw, VERSIONS, bad), "]"]
    elif verb == "tool":
        args = [word(draw, TOOLS, bad)]
    elif verb == "ignore":
        args = [word(draw, IGNORES, bad)]
    elif verb == "use":
        args = [word(draw, DIRECTORIES, bad)]
    else:
        anything = Pool(NOISE_WORDS + MODULE_PATHS.good + VERSIONS.good)
        args = [word(draw, anything, bad) for _ in range(integer(draw, 0, 3))]
    if noise and chance(draw, noise):
        how = integer(draw, 0, 2)
        if how == 0 and args:
            i = integer(draw, 0, len(args) - 1)
            args[i] = damage(draw, args[i])
        elif how == 1 and args:
            del args[integer(draw, 0, len(args) - 1)]
        else:
            args.insert(integer(draw, 0, len(args)), pick(draw, NOISE_WORDS))
    return [a for a in args if a]


def comment(draw: DrawFn, noise: int) -> bytes:
    if noise and chance(draw, noise):
        return pick_bytes(draw, BAD_COMMENTS)
    return pick(draw, COMMENTS).encode()


def _join(draw: DrawFn, tokens: list[str]) -> str:
    """Tokens with the same whitespace between each two (one draw per line, not per token)."""
    return pick(draw, SEPARATORS).join(tokens)


@st.composite
def module_files(draw: DrawFn, kind: FileKind, bad: int = 30, noise: int = 10) -> bytes:
    """A whole go.mod (kind GOMOD) or go.work (GOWORK) file."""
    eol = "\r\n" if chance(draw, 20) else "\n"
    lines: list[bytes] = []
    used: set[str] = set()

    def end_line(text: str) -> None:
        data = text.encode("utf-8", "surrogateescape")
        if chance(draw, 15):
            data += pick(draw, SEPARATORS).encode() + comment(draw, noise)
        if noise and chance(draw, noise // 2):
            data += pick(draw, SEPARATORS).encode()  # trailing whitespace
        lines.append(data)

    def verb(block: bool) -> str:
        if noise and chance(draw, noise):
            return pick(draw, (*TYPOS, "module", "go", "toolchain", *GOMOD_VERBS))
        choices = GOMOD_VERBS if kind is FileKind.GOMOD else GOWORK_VERBS
        if not block:
            # module, go and toolchain once each (a second one is an error).
            free = tuple(v for v in SINGLETONS if v not in used or chance(draw, bad))
            if kind is FileKind.GOWORK:
                free = tuple(v for v in free if v != "module")
            choices = free + choices
        elif chance(draw, bad):
            choices = SINGLETONS + choices  # a go or toolchain block is an error
        name = pick(draw, choices)
        used.add(name)
        return name

    # A go.mod almost always starts with its module line; shrinking keeps it.
    if kind is FileKind.GOMOD and not chance(draw, 10):
        used.add("module")
        end_line(_join(draw, ["module", *arguments(draw, "module", bad, noise)]))
    for _ in range(integer(draw, 0, 10)):
        shape = integer(draw, 0, 9)
        if shape <= 4:  # a directive line
            name = verb(block=False)
            end_line(_join(draw, [name, *arguments(draw, name, bad, noise)]))
        elif shape <= 7:  # a block
            name = verb(block=True)
            end_line(name + pick(draw, (" ", "")) + "(")
            for _ in range(integer(draw, 0, 4)):
                if chance(draw, 15):
                    lines.append(pick(draw, INDENTS).encode() + comment(draw, noise))
                if chance(draw, 10):
                    lines.append(b"")
                end_line(pick(draw, INDENTS) + _join(draw, arguments(draw, name, bad, noise)))
            if noise and chance(draw, noise):
                continue  # unterminated block
            close = ")"
            if noise and chance(draw, noise):
                close += " " + pick(draw, NOISE_WORDS)
            end_line(close)
        elif shape == 8:
            lines.append(comment(draw, noise))
        else:
            lines.append(b"")
    if noise:
        # Bytes the lexer rejects or reads oddly, anywhere on a line.
        for _ in range(integer(draw, 0, 2)):
            if not chance(draw, noise) or not lines:
                continue
            i = integer(draw, 0, len(lines) - 1)
            at = integer(draw, 0, len(lines[i]))
            lines[i] = lines[i][:at] + pick_bytes(draw, NOISE_BYTES) + lines[i][at:]
    data = b""
    ending = ""
    for line in lines:
        ending = eol
        if noise and chance(draw, noise // 2):
            ending = pick(draw, ("\n", "\r\n", "\r", "\n\n"))
        data += line + ending.encode()
    if ending and chance(draw, 20):
        data = data[: -len(ending)]  # no newline at the end of the file
    if noise and chance(draw, noise // 2):
        data = b"\xef\xbb\xbf" + data
    return data


def kinds() -> st.SearchStrategy[FileKind]:
    return st.sampled_from((FileKind.GOMOD, FileKind.GOWORK))


@st.composite
def kinded_files(draw: DrawFn, bad: int = 30, noise: int = 10) -> tuple[FileKind, bytes]:
    kind = draw(kinds())
    return kind, draw(module_files(kind, bad, noise))


@st.composite
def singleton_files(draw: DrawFn, kind: FileKind) -> bytes:
    """Files of module, go and toolchain lines only, each perhaps repeated, with zero, one or
    two arguments, good or bad: the go command's rules for a directive given twice."""
    verbs = ("module", "go", "toolchain") if kind is FileKind.GOMOD else ("go", "toolchain")
    pools = {"module": MODULE_PATHS, "go": GO_VERSIONS, "toolchain": TOOLCHAINS}
    lines = []
    for _ in range(integer(draw, 1, 5)):
        name = pick(draw, verbs)
        count = (1, 1, 1, 0, 2)[integer(draw, 0, 4)]
        args = [word(draw, pools[name], 50) for _ in range(count)]
        lines.append(" ".join([name, *args]))
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
