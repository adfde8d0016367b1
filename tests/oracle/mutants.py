"""A deterministic generator of go.mod / go.work mutants for the oracle tests.

Every mutant starts from a file of the repository's corpus (``tests/data/real`` and the x/mod
``modfile/testdata`` under ``tests/data/xmod/testdata``) and applies one edit drawn from a
category.  Randomness only picks *where* (which file, which line) and comes from
``random.Random`` seeded with a fixed value per category and operation, so the same mutants,
with the same ids, come out on every run and every machine.

Ids read ``category/base-file/operation`` (``-2``, ``-3``, ... when an operation is applied
more than once to the same base), e.g. ``bad-version/etcd-io__etcd__go.mod/no-v-prefix``.

Whether a mutant is valid is *not* decided here: the real go command decides (see gocmd.py).
"""

from __future__ import annotations

import csv
import random
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

Kind = Literal["gomod", "gowork"]

DATA = Path(__file__).resolve().parent.parent / "data"
REAL = DATA / "real"
XMOD = DATA / "xmod" / "testdata"

# x/mod testdata files used as bases: the ones go accepts as a main module's go.mod (block.in,
# comment.in and rule1.golden are deliberately broken parser tests; goline.in has no module
# directive, which the go command refuses in a main module).
XMOD_GOMOD = (
    "gopkg.in.golden",
    "issue70632.in",
    "module.in",
    "replace.in",
    "replace2.in",
    "retract.in",
)
XMOD_GOWORK = ("comment.in", "goline.in", "replace.in", "replace2.in", "use.in")


class Mutant(NamedTuple):
    id: str
    kind: Kind
    data: bytes

    @property
    def category(self) -> str:
        return self.id.split("/", 1)[0]


@dataclass(frozen=True)
class Base:
    name: str
    kind: Kind
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@cache
def corpus() -> tuple[Base, ...]:
    bases: list[Base] = []
    with (REAL / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            kind: Kind = "gowork" if row["kind"] == "go.work" else "gomod"
            bases.append(Base(row["file"], kind, (REAL / row["file"]).read_bytes()))
    for name in XMOD_GOMOD:
        bases.append(Base(f"xmod__{name}", "gomod", (XMOD / name).read_bytes()))
    for name in XMOD_GOWORK:
        bases.append(Base(f"xmod__work__{name}", "gowork", (XMOD / "work" / name).read_bytes()))
    return tuple(sorted(bases, key=lambda b: b.name))


# ---------------------------------------------------------------------------------------------
# A light model of a (valid) file: lines, the directive each line belongs to, blocks.


@dataclass(frozen=True)
class Entry:
    index: int  # 0-based line index
    verb: str
    in_block: bool
    toks: tuple[str, ...]  # arguments (the verb excluded), quotes kept


@dataclass(frozen=True)
class Block:
    verb: str
    open: int
    close: int


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|[()\[\]{},]|(?:(?!//)[^\s()\[\]{},"`])+')


def tokens(line: str) -> list[str]:
    code = _strip_comment(line)
    return _TOKEN.findall(code)


def _strip_comment(line: str) -> str:
    in_str: str | None = None
    i = 0
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\" and in_str == '"':
                i += 2
                continue
            if c == in_str:
                in_str = None
        elif c in '"`':
            in_str = c
        elif line.startswith("//", i):
            return line[:i]
        i += 1
    return line


def unquote(tok: str) -> str:
    return tok[1:-1] if len(tok) >= 2 and tok[0] == tok[-1] and tok[0] in '"`' else tok


class Model:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.entries: list[Entry] = []
        self.blocks: list[Block] = []
        open_verb: str | None = None
        open_at = -1
        for i, line in enumerate(self.lines):
            toks = tokens(line)
            if not toks:
                continue
            if open_verb is not None:
                if toks == [")"]:
                    self.blocks.append(Block(open_verb, open_at, i))
                    open_verb = None
                else:
                    self.entries.append(Entry(i, open_verb, True, tuple(toks)))
                continue
            if toks[1:] == ["("]:
                open_verb, open_at = toks[0], i
                continue
            self.entries.append(Entry(i, toks[0], False, tuple(toks[1:])))

    def text(self) -> str:
        return "\n".join(self.lines)

    def of(self, *verbs: str) -> list[Entry]:
        return [e for e in self.entries if e.verb in verbs]

    def requires(self) -> list[Entry]:
        return [e for e in self.of("require") if len(e.toks) >= 2]

    def top_level(self, verb: str) -> list[Entry]:
        return [e for e in self.of(verb) if not e.in_block]

    def replace_token(self, entry: Entry, which: int, new: str) -> str:
        """The text with argument `which` of `entry` replaced by `new`."""
        line = self.lines[entry.index]
        code = _strip_comment(line)
        pos = 0
        toks = _TOKEN.finditer(code)
        if not entry.in_block:
            next(toks)  # the verb
        for n, m in enumerate(toks):
            if n == which:
                pos = m.start()
                return self.with_line(entry.index, line[:pos] + new + line[pos + len(m.group()) :])
        raise IndexError(which)

    def with_line(self, index: int, new: str) -> str:
        lines = list(self.lines)
        lines[index] = new
        return "\n".join(lines)

    def with_lines(self, index: int, new: list[str], remove: int = 0) -> str:
        lines = list(self.lines)
        lines[index : index + remove] = new
        return "\n".join(lines)

    def insert_after_header(self, new: list[str]) -> str:
        """Insert lines after the module/go header (or at the top)."""
        idx = 0
        for e in self.entries:
            if e.verb in ("module", "go") and not e.in_block:
                idx = e.index + 1
        return self.with_lines(idx, new)

    def append(self, new: list[str]) -> str:
        text = self.text()
        if text and not text.endswith("\n"):
            text += "\n"
        return text + "\n".join(new) + "\n"


Op = Callable[[random.Random, Base], "str | bytes | None"]


T = TypeVar("T")


def _choice(rng: random.Random, seq: list[T]) -> T | None:
    return rng.choice(seq) if seq else None


# ---------------------------------------------------------------------------------------------
# Version helpers.

_SEMVER = re.compile(r"^v(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
_MAJOR_SUFFIX = re.compile(r"/v(\d+)$")
_GOPKG = re.compile(r"^gopkg\.in/.*\.v(\d+)$")
_PSEUDO = re.compile(r"^(v\d+\.\d+\.\d+-(?:.*\.)?)(\d{14})-([0-9a-f]{12})(\+incompatible)?$")


def _plain_requires(m: Model) -> list[Entry]:
    """Requirements with a plain release version vX.Y.Z."""
    out = []
    for e in m.requires():
        mm = _SEMVER.match(unquote(e.toks[1]))
        if mm and not mm.group(4) and not mm.group(5):
            out.append(e)
    return out


def _edit_version(
    rng: random.Random, base: Base, fn: Callable[[str, str], str | None]
) -> str | None:
    m = Model(base.text)
    cands = _plain_requires(m)
    rng.shuffle(cands)
    for e in cands:
        new = fn(unquote(e.toks[0]), unquote(e.toks[1]))
        if new is not None:
            return m.replace_token(e, 1, new)
    return None


def _ver_op(fn: Callable[[str, str], str | None]) -> Op:
    return lambda rng, base: _edit_version(rng, base, fn)


def _parts(ver: str) -> tuple[int, int, int]:
    mm = _SEMVER.match(ver)
    assert mm is not None
    return int(mm.group(1)), int(mm.group(2)), int(mm.group(3))


def _has_suffix(path: str) -> bool:
    return bool(_MAJOR_SUFFIX.search(path) or _GOPKG.match(path))


def _v_leading_zero(path: str, ver: str) -> str:
    a, b, c = _parts(ver)
    return f"v{a}.0{b}.{c}"


def _v_shorthand(path: str, ver: str) -> str:
    a, b, _ = _parts(ver)
    return f"v{a}.{b}"


def _v_major_only(path: str, ver: str) -> str:
    return f"v{_parts(ver)[0]}"


def _v_suffix_with_v1(path: str, ver: str) -> str | None:
    return "v1.4.2" if _MAJOR_SUFFIX.search(path) else None


def _v_no_suffix_v2(path: str, ver: str) -> str | None:
    if _has_suffix(path):
        return None
    a, b, c = _parts(ver)
    return f"v{max(a, 1) + 1}.{b}.{c}"


def _v_gopkg_mismatch(path: str, ver: str) -> str | None:
    g = _GOPKG.match(path)
    return f"v{int(g.group(1)) + 1}.0.0" if g else None


def _v_incompatible_v2(path: str, ver: str) -> str | None:
    if _has_suffix(path):
        return None
    a, b, c = _parts(ver)
    return f"v{max(a, 1) + 1}.{b}.{c}+incompatible"


def _v_incompatible_on_suffix(path: str, ver: str) -> str | None:
    return f"{ver}+incompatible" if _MAJOR_SUFFIX.search(path) else None


def _v_incompatible_v1(path: str, ver: str) -> str | None:
    return None if _has_suffix(path) else f"v1.{_parts(ver)[1]}.0+incompatible"


def _pseudo_op(fn: Callable[[str, str, str, str], str]) -> Op:
    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        cands = [e for e in m.requires() if _PSEUDO.match(unquote(e.toks[1]))]
        e = _choice(rng, cands)
        if e is None:
            return None
        pm = _PSEUDO.match(unquote(e.toks[1]))
        assert pm is not None
        return m.replace_token(e, 1, fn(pm.group(1), pm.group(2), pm.group(3), pm.group(4) or ""))

    return op


def _other_version_op(verb: str, new: str, which: int = 1) -> Op:
    """Replace argument `which` of a `verb` line by `new`; add a line when there is none."""

    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        cands = [e for e in m.of(verb) if len(e.toks) > which and e.toks[which] != "=>"]
        e = _choice(rng, cands)
        if e is not None:
            return m.replace_token(e, which, new)
        req = _choice(rng, m.requires())
        if req is None:
            return None
        path = unquote(req.toks[0])
        line = {
            "exclude": f"exclude {path} {new}",
            "replace": f"replace {path} {new} => ../fork",
            "retract": f"retract {new}",
        }[verb]
        return m.append([line])

    return op


BAD_VERSION: dict[str, Op] = {
    "no-v-prefix": _ver_op(lambda p, v: v[1:]),
    "trailing-dash": _ver_op(lambda p, v: v + "-"),
    "upper-v": _ver_op(lambda p, v: "V" + v[1:]),
    "branch-name": _ver_op(lambda p, v: "master"),
    "commit-hash": _ver_op(lambda p, v: "3d80eb74bc5b"),
    "leading-zero": _ver_op(_v_leading_zero),
    "leading-zero-major": _ver_op(lambda p, v: "v0" + v[1:]),
    "shorthand-minor": _ver_op(_v_shorthand),
    "shorthand-major": _ver_op(_v_major_only),
    "four-parts": _ver_op(lambda p, v: v + ".1"),
    "build-metadata": _ver_op(lambda p, v: v + "+meta.1"),
    "prerelease-leading-zero": _ver_op(lambda p, v: v + "-rc.01"),
    "prerelease-ok": _ver_op(lambda p, v: v + "-rc.1"),
    "empty-quoted": _ver_op(lambda p, v: '""'),
    "quoted-ok": _ver_op(lambda p, v: f'"{v}"'),
    "suffix-with-v1": _ver_op(_v_suffix_with_v1),
    "no-suffix-with-v2": _ver_op(_v_no_suffix_v2),
    "gopkg-mismatch": _ver_op(_v_gopkg_mismatch),
    "incompatible-v2": _ver_op(_v_incompatible_v2),
    "incompatible-on-suffix": _ver_op(_v_incompatible_on_suffix),
    "incompatible-v1": _ver_op(_v_incompatible_v1),
    "pseudo-13-digit-time": _pseudo_op(lambda pre, t, h, inc: f"{pre}{t[:13]}-{h}{inc}"),
    "pseudo-short-hash": _pseudo_op(lambda pre, t, h, inc: f"{pre}{t}-{h[:11]}{inc}"),
    "pseudo-upper-hash": _pseudo_op(lambda pre, t, h, inc: f"{pre}{t}-{h.upper()}{inc}"),
    "pseudo-no-dash": _pseudo_op(lambda pre, t, h, inc: f"{pre}{t}{h}{inc}"),
    "exclude-no-v": _other_version_op("exclude", "1.0.0"),
    "replace-old-branch": _other_version_op("replace", "main"),
    "retract-bad": _other_version_op("retract", "1.0.0", which=0),
    "retract-shorthand": _other_version_op("retract", "v1.2", which=0),
}


# ---------------------------------------------------------------------------------------------
# Paths.


def _edit_path(
    rng: random.Random,
    base: Base,
    fn: Callable[[str], str | None],
    verbs: tuple[str, ...] = ("require",),
) -> str | None:
    m = Model(base.text)
    cands = [e for e in m.of(*verbs) if e.toks and e.toks[0] not in ("(", ")")]
    rng.shuffle(cands)
    for e in cands:
        path = unquote(e.toks[0])
        if "/" not in path or not re.match(r"^[a-z0-9.-]+\.[a-z]+/", path):
            continue
        new = fn(path)
        if new is not None:
            return m.replace_token(e, 0, new)
    return None


def _path_op(fn: Callable[[str], str | None], verbs: tuple[str, ...] = ("require",)) -> Op:
    return lambda rng, base: _edit_path(rng, base, fn, verbs)


def _first_upper(p: str) -> str:
    return p[0].upper() + p[1:]


def _nodot(p: str) -> str:
    first, rest = p.split("/", 1)
    return first.replace(".", "") + "/" + rest


def _insert_elem(p: str, elem: str) -> str:
    first, rest = p.split("/", 1)
    return f"{first}/{elem}/{rest}"


def _main_module_op(fn: Callable[[str], str]) -> Op:
    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        e = _choice(rng, [e for e in m.top_level("module") if e.toks])
        if e is None or "." not in unquote(e.toks[0]):
            return None
        return m.replace_token(e, 0, fn(unquote(e.toks[0])))

    return op


def _add_replace_to(target: str) -> Op:
    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        e = _choice(rng, _plain_requires(m))
        if e is None:
            return None
        return m.append([f"replace {unquote(e.toks[0])} => {target}"])

    return op


def _add_line(line: str) -> Op:
    return lambda rng, base: Model(base.text).append([line])


BAD_PATH: dict[str, Op] = {
    "upper-first-element": _path_op(_first_upper),
    "upper-later-element": _path_op(
        lambda p: p.split("/", 1)[0] + "/" + _first_upper(p.split("/", 1)[1])
    ),
    "missing-dot": _path_op(_nodot),
    "leading-dash": _path_op(lambda p: "-" + p),
    "trailing-slash": _path_op(lambda p: p + "/"),
    "double-slash-quoted": _path_op(lambda p: '"' + p.replace("/", "//", 1) + '"'),
    "double-slash-bare": _path_op(lambda p: p.replace("/", "//", 1)),
    "bad-char-dollar": _path_op(lambda p: p + "$x"),
    "bad-char-colon": _path_op(lambda p: p.replace("/", ":", 1)),
    "bad-char-plus": _path_op(lambda p: p + "+x"),
    "space-quoted": _path_op(lambda p: f'"{p} x"'),
    "windows-con": _path_op(lambda p: _insert_elem(p, "con")),
    "windows-com1-ext": _path_op(lambda p: _insert_elem(p, "COM1.go")),
    "windows-lpt-prefix-ok": _path_op(lambda p: _insert_elem(p, "lpt10")),
    "tilde-digit": _path_op(lambda p: p + "~1"),
    "tilde-ok": _path_op(lambda p: p + "~x"),
    "dot-element": _path_op(lambda p: _insert_elem(p, "..")),
    "leading-dot-element": _path_op(lambda p: _insert_elem(p, ".hidden")),
    "trailing-dot-element": _path_op(lambda p: _insert_elem(p, "x.")),
    "non-ascii": _path_op(lambda p: p + "/caf\u00e9"),
    "exclude-upper": _add_line("exclude Example.com/x v1.0.0"),
    "replace-old-upper": _path_op(_first_upper, ("replace",)),
    "module-leading-dash": _main_module_op(lambda p: "-" + p),
    "module-trailing-slash": _main_module_op(lambda p: p + "/"),
    "module-upper": _main_module_op(_first_upper),
    "module-v1-suffix": _main_module_op(lambda p: p + "/v1"),
    "module-bad-char": _main_module_op(lambda p: p + "$"),
    "module-quoted-space": _main_module_op(lambda p: f'"{p} x"'),
    "replace-target-upper": _add_replace_to("Example.com/fork v1.0.0"),
    "replace-target-nodot": _add_replace_to("example/fork v1.0.0"),
    "replace-target-dash": _add_replace_to("-example.com/fork v1.0.0"),
    "replace-target-ok": _add_replace_to("example.com/fork v1.0.0"),
    "tool-leading-dash": _add_line("tool -example.com/cmd/x"),
    "tool-upper-ok": _add_line("tool Example/cmd/x"),
    "exclude-nodot": _add_line("exclude example/x v1.0.0"),
}


# ---------------------------------------------------------------------------------------------
# Blocks.


def _block_op(fn: Callable[[random.Random, Model, Block], str | None]) -> Op:
    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        b = _choice(rng, m.blocks)
        return None if b is None else fn(rng, m, b)

    return op


def _drop_close(rng: random.Random, m: Model, b: Block) -> str:
    return m.with_lines(b.close, [], remove=1)


def _drop_last_close(rng: random.Random, m: Model, b: Block) -> str:
    last = max(m.blocks, key=lambda x: x.close)
    lines = m.lines[: last.close] + m.lines[last.close + 1 :]
    return "\n".join(lines)


def _nested_open(rng: random.Random, m: Model, b: Block) -> str:
    at = rng.randint(b.open + 1, b.close)
    return m.with_lines(at, ["\t("])


def _one_line_block(rng: random.Random, m: Model, b: Block) -> str | None:
    entries = [e for e in m.entries if b.open < e.index < b.close]
    if not entries:
        return None
    first = m.lines[entries[0].index].strip()
    return m.with_lines(b.open, [f"{b.verb} ( {first} )"], remove=b.close - b.open + 1)


def _entry_on_open_line(rng: random.Random, m: Model, b: Block) -> str | None:
    entries = [e for e in m.entries if b.open < e.index < b.close]
    if not entries:
        return None
    first = m.lines[entries[0].index].strip()
    lines = list(m.lines)
    lines[b.open] = f"{b.verb} ( {first}"
    del lines[entries[0].index]
    return "\n".join(lines)


def _close_on_entry_line(rng: random.Random, m: Model, b: Block) -> str | None:
    entries = [e for e in m.entries if b.open < e.index < b.close]
    if not entries:
        return None
    last = entries[-1]
    lines = list(m.lines)
    lines[last.index] = _strip_comment(lines[last.index]).rstrip() + " )"
    del lines[b.close]
    return "\n".join(lines)


def _empty_block_op(verb: str, inline: bool) -> Op:
    def op(rng: random.Random, base: Base) -> str:
        m = Model(base.text)
        return m.insert_after_header([f"{verb} ()" if inline else f"{verb} (\n)"])

    return op


BLOCKS: dict[str, Op] = {
    "missing-close": _block_op(_drop_close),
    "missing-last-close": _block_op(_drop_last_close),
    "close-then-token": _block_op(lambda r, m, b: m.with_line(b.close, ") extra")),
    "close-then-comment": _block_op(lambda r, m, b: m.with_line(b.close, ") // end of block")),
    "close-twice": _block_op(lambda r, m, b: m.with_lines(b.close, [")"])),
    "stray-close": lambda rng, base: Model(base.text).insert_after_header([")"]),
    "nested-open": _block_op(_nested_open),
    "one-line-block": _block_op(_one_line_block),
    "entry-on-open-line": _block_op(_entry_on_open_line),
    "close-on-entry-line": _block_op(_close_on_entry_line),
    "open-without-verb": _block_op(lambda r, m, b: m.with_line(b.open, "(")),
    "unknown-block-verb": _block_op(lambda r, m, b: m.with_line(b.open, "requirements (")),
    "open-paren-spaced": _block_op(lambda r, m, b: m.with_line(b.open, f"{b.verb}   (   ")),
    "comment-after-open": _block_op(lambda r, m, b: m.with_line(b.open, f"{b.verb} ( // deps")),
    "empty-require-block": _empty_block_op("require", inline=False),
    "empty-exclude-inline": _empty_block_op("exclude", inline=True),
    "empty-replace-block": _empty_block_op("replace", inline=False),
    "comment-only-block": lambda rng, base: Model(base.text).append(
        ["require (", "\t// nothing yet", ")"]
    ),
    "single-entry-block": lambda rng, base: Model(base.text).append(
        ["exclude (", "\texample.com/old v1.0.0", ")"]
    ),
    "blank-lines-in-block": _block_op(lambda r, m, b: m.with_lines(b.open + 1, ["", "", ""])),
}


# ---------------------------------------------------------------------------------------------
# Directives.


def _first_required(m: Model) -> str:
    reqs = m.requires()
    return unquote(reqs[0].toks[0]) if reqs else "example.com/dep"


def _set_go(version: str) -> Op:
    def op(rng: random.Random, base: Base) -> str:
        m = Model(base.text)
        gos = m.top_level("go")
        if gos:
            return m.replace_token(gos[0], 0, version)
        return m.insert_after_header(["", f"go {version}"])

    return op


def _set_toolchain(name: str) -> Op:
    def op(rng: random.Random, base: Base) -> str:
        m = Model(base.text)
        tcs = m.top_level("toolchain")
        if tcs:
            return m.replace_token(tcs[0], 0, name)
        return m.insert_after_header(["", f"toolchain {name}"])

    return op


def _repeat(verb: str) -> Op:
    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        e = _choice(rng, m.top_level(verb))
        if e is None:
            return None
        return m.append([m.lines[e.index].strip()])

    return op


def _misspell(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    lines = [i for i, ln in enumerate(m.lines) if ln.startswith("require")]
    i = _choice(rng, lines)
    if i is None:
        return None
    return m.with_line(i, m.lines[i].replace("require", "requre", 1))


def _with_module_req(fmt: str) -> Op:
    """Append a line built from `fmt`, with {dep} = a required module path."""

    def op(rng: random.Random, base: Base) -> str:
        m = Model(base.text)
        reqs = m.requires()
        dep = unquote(rng.choice(reqs).toks[0]) if reqs else "example.com/dep"
        return m.append(fmt.format(dep=dep).split("\n"))

    return op


def _retract_without_module(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    mods = m.top_level("module")
    if not mods:
        return None
    text = m.with_lines(mods[0].index, [], remove=1)
    return Model(text).append(["retract v1.0.0 // oops"])


def _remove_module(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    mods = m.top_level("module")
    return None if not mods else m.with_lines(mods[0].index, [], remove=1)


def _replace_directive(verb: str, line: str) -> Op:
    """Replace the first top-level `verb` line by `line` (append it when there is none)."""

    def op(rng: random.Random, base: Base) -> str:
        m = Model(base.text)
        found = m.top_level(verb)
        return m.with_line(found[0].index, line) if found else m.append([line])

    return op


def _self_op(fmt: str) -> Op:
    """Append a line built from `fmt`, with {self} = the file's own module path."""

    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        mods = [e for e in m.top_level("module") if e.toks]
        if not mods:
            return None
        return m.append([fmt.format(self=unquote(mods[0].toks[0]))])

    return op


def _exclude_required(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    e = _choice(rng, _plain_requires(m))
    if e is None:
        return None
    return m.append([f"exclude {unquote(e.toks[0])} {unquote(e.toks[1])}"])


def _args(verb: str, args: str) -> Op:
    return _add_line(f"{verb} {args}".rstrip())


DIRECTIVES: dict[str, Op] = {
    "misspelt-require": _misspell,
    "unknown-directive": _add_line("requires example.com/x v1.0.0"),
    "repeated-module": _repeat("module"),
    "repeated-go": _repeat("go"),
    "repeated-toolchain": _repeat("toolchain"),
    "go-x-patch": _set_go("1.22.x"),
    "go-leading-zero": _set_go("1.021"),
    "go-prefixed": _set_go("go1.22"),
    "go-four-parts": _set_go("1.22.0.1"),
    "go-rc-ok": _set_go("1.22rc1"),
    "go-patch-ok": _set_go("1.21.0"),
    "go-old-ok": _set_go("1.12"),
    "go-major-only": _set_go("1"),
    "go-future": _set_go("1.99"),
    "go-no-arg": _replace_directive("go", "go"),
    "toolchain-no-go-prefix": _set_toolchain("1.21"),
    "toolchain-ok": _set_toolchain("go1.21.3"),
    "toolchain-default": _set_toolchain("default"),
    "toolchain-go1": _set_toolchain("go1"),
    "toolchain-suffix-ok": _set_toolchain("go1.22.1-custom"),
    "toolchain-garbage": _set_toolchain("gox"),
    "godebug-no-equals": _args("godebug", "foo"),
    "godebug-two-equals": _args("godebug", "panicnil=1=2"),
    "godebug-unknown-key": _args("godebug", "nosuchsetting=1"),
    "godebug-known-key": _args("godebug", "panicnil=1"),
    "godebug-block": _add_line("godebug (\n\tpanicnil=1\n\thttp2client=0\n)"),
    "godebug-block-unknown": _add_line("godebug (\n\tpanicnil=1\n\tbogus=0\n)"),
    "godebug-default-ok": _args("godebug", "default=go1.21"),
    "godebug-default-bad": _args("godebug", "default=1.21"),
    "godebug-removed-old-value": _args("godebug", "x509sha1=1"),
    "godebug-empty-value": _args("godebug", "panicnil="),
    "replace-module-no-version": _with_module_req("replace {dep} => example.com/fork"),
    "replace-dir-with-version": _with_module_req("replace {dep} => ./fork v1.0.0"),
    "replace-path-at-version": _with_module_req("replace {dep} => example.com/fork@v1.0.0"),
    "replace-no-arrow": _with_module_req("replace {dep} ../fork"),
    "replace-dir-ok": _with_module_req("replace {dep} => ../fork"),
    "replace-abs-dir-ok": _with_module_req("replace {dep} v1.0.0 => /opt/fork"),
    "replace-versioned-ok": _with_module_req("replace {dep} v1.0.0 => example.com/fork v1.0.1"),
    "require-std": _args("require", "std v1.0.0"),
    "require-self": _self_op("require {self} v1.0.0"),
    "replace-self": _self_op("replace {self} => ../self"),
    "exclude-required-version": _exclude_required,
    "toolchain-older-than-go": _set_toolchain("go1.10"),
    "replace-conflicting": _with_module_req(
        "replace {dep} => example.com/fork v1.0.0\nreplace {dep} => example.com/other v1.0.0"
    ),
    "retract-missing-comma": _args("retract", "[v1.0.0 v1.1.0]"),
    "retract-missing-bracket": _args("retract", "[v1.0.0, v1.1.0"),
    "retract-interval-v1": _args("retract", "[v1.0.0, v1.1.0] // broken builds"),
    "quote-go-version": lambda rng, base: _requote(rng, base, verbs=("go", "toolchain")),
    "retract-no-arg": _args("retract", ""),
    "retract-without-module": _retract_without_module,
    "no-module": _remove_module,
    "tool-no-arg": _args("tool", ""),
    "tool-two-args": _args("tool", "example.com/cmd/a example.com/cmd/b"),
    "tool-ok": _args("tool", "golang.org/x/tools/cmd/stringer"),
    "ignore-two-args": _args("ignore", "./a ./b"),
    "ignore-no-arg": _args("ignore", ""),
    "ignore-ok": _args("ignore", "./node_modules"),
    "use-in-gomod": _args("use", "./sub"),
    "require-one-arg": _args("require", "example.com/x"),
    "require-three-args": _args("require", "example.com/x v1.0.0 v1.1.0"),
    "module-two-args": _replace_directive("module", "module example.com/a example.com/b"),
    "module-no-arg": _replace_directive("module", "module"),
    "exclude-one-arg": _args("exclude", "example.com/x"),
}


# ---------------------------------------------------------------------------------------------
# Encodings (byte-level edits).


def _bytes_op(fn: Callable[[random.Random, bytes], bytes | None]) -> Op:
    return lambda rng, base: fn(rng, base.data)


def _insert_in_comment(payload: bytes) -> Op:
    def op(rng: random.Random, base: Base) -> bytes:
        m = Model(base.text)
        entry = _choice(rng, m.entries)
        text = m.lines
        lines = [ln.encode() for ln in text]
        idx = entry.index if entry else 0
        lines[idx] = lines[idx] + b" // note " + payload + b" end"
        return b"\n".join(lines)

    return op


def _insert_in_token(payload: bytes) -> Op:
    """Put `payload` inside a path (or other first argument) of a directive."""

    def op(rng: random.Random, base: Base) -> bytes | None:
        m = Model(base.text)
        cands = [e for e in m.entries if e.toks and e.verb in ("require", "module", "use")]
        e = _choice(rng, cands)
        if e is None:
            return None
        marker = "\u2603MARK\u2603"
        text = m.replace_token(e, 0, e.toks[0] + marker)
        return text.encode().replace(marker.encode(), payload)

    return op


def _crlf(rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def _cr_in_line(rng: random.Random, data: bytes) -> bytes | None:
    lines = data.split(b"\n")
    cands = [i for i, ln in enumerate(lines) if b" " in ln.strip()]
    i = _choice(rng, cands)
    if i is None:
        return None
    lines[i] = lines[i].replace(b" ", b" \r ", 1)
    return b"\n".join(lines)


def _unterminated(quote: str) -> Op:
    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        e = _choice(rng, [e for e in m.entries if e.toks])
        if e is None:
            return None
        return m.replace_token(e, 0, quote + unquote(e.toks[0]))

    return op


def _c_comment(rng: random.Random, base: Base) -> str:
    m = Model(base.text)
    at = rng.randint(0, max(0, len(m.lines) - 1))
    return m.with_lines(at, ["/* generated */"])


def _go_escape_in_string(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    e = _choice(rng, m.requires())
    if e is None:
        return None
    path = unquote(e.toks[0])
    return m.replace_token(e, 0, '"' + path.replace("/", "\\x2f", 1) + '"')


ENCODINGS: dict[str, Op] = {
    "utf8-bom": _bytes_op(lambda r, d: b"\xef\xbb\xbf" + d),
    "nul-in-comment": _insert_in_comment(b"\x00"),
    "nul-in-token": _insert_in_token(b"\x00"),
    "nul-at-eof": _bytes_op(lambda r, d: d + b"\x00"),
    "invalid-utf8-in-comment": _insert_in_comment(b"\xff\xfe"),
    "invalid-utf8-in-token": _insert_in_token(b"\xc3"),
    "overlong-utf8-in-comment": _insert_in_comment(b"\xc0\xaf"),
    "crlf": _bytes_op(_crlf),
    "cr-between-tokens": _bytes_op(_cr_in_line),
    "c-style-comment": _c_comment,
    "non-ascii-comment": _insert_in_comment("d\u00e9pendance \u2014 \U0001f600".encode()),
    "non-ascii-token": _insert_in_token("\u00e9".encode()),
    "unterminated-string": _unterminated('"'),
    "unterminated-raw-string": _unterminated("`"),
    "raw-string-token": lambda rng, base: _requote(rng, base, "`"),
    "go-escape-in-string": _go_escape_in_string,
    "form-feed": _insert_in_token(b"\x0c"),
    "nbsp-between-tokens": _bytes_op(
        lambda r, d: d.replace(b" v", b"\xc2\xa0v", 1) if b" v" in d else None
    ),
    "tab-separators": _bytes_op(lambda r, d: re.sub(rb"(?m)^(\S+) ", rb"\1\t", d)),
    "no-final-newline": _bytes_op(lambda r, d: d.rstrip(b"\n") if d.endswith(b"\n") else None),
}


# ---------------------------------------------------------------------------------------------
# Valid-preserving edits.


_PATH_VERBS = ("module", "require", "exclude", "replace", "use", "tool", "ignore")


def _requote(
    rng: random.Random, base: Base, quote: str = '"', verbs: tuple[str, ...] = _PATH_VERBS
) -> str | None:
    """Quote the first argument of up to three lines (paths; go and toolchain take no quotes)."""
    m = Model(base.text)
    cands = [e for e in m.of(*verbs) if e.toks and e.toks[0][0] not in '"`([])']
    if not cands:
        return None
    text = m.text()
    for e in rng.sample(cands, min(3, len(cands))):
        mm = Model(text)
        ent = next(x for x in mm.entries if x.index == e.index)
        text = mm.replace_token(ent, 0, quote + ent.toks[0] + quote)
    return text


def _reindent(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    inner = [e.index for e in m.entries if e.in_block]
    if not inner:
        return None
    lines = list(m.lines)
    for i in inner:
        lines[i] = rng.choice(["    ", "  ", "\t\t", " \t", ""]) + lines[i].lstrip()
    return "\n".join(lines)


def _extra_blank_lines(rng: random.Random, base: Base) -> str:
    lines = Model(base.text).lines
    out: list[str] = []
    for ln in lines:
        out.append(ln)
        if rng.random() < 0.3:
            out.extend([""] * rng.randint(1, 3))
    return "\n".join(out)


def _add_comments(rng: random.Random, base: Base) -> str:
    m = Model(base.text)
    lines = list(m.lines)
    for e in m.entries:
        if rng.random() < 0.3 and "//" not in lines[e.index]:
            lines[e.index] += " // keep: pinned for CVE-2024-0001"
    lines.insert(0, "// Code maintained by hand.")
    return "\n".join(lines)


def _strip_comments(rng: random.Random, base: Base) -> str | None:
    if "//" not in base.text:
        return None
    return "\n".join(_strip_comment(ln).rstrip() for ln in Model(base.text).lines)


def _shuffle_block(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    blocks = [b for b in m.blocks if b.close - b.open > 3]
    b = _choice(rng, blocks)
    if b is None:
        return None
    inner = m.lines[b.open + 1 : b.close]
    rng.shuffle(inner)
    return m.with_lines(b.open + 1, inner, remove=len(inner))


def _indirect_note(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    cands = [e for e in m.requires() if m.lines[e.index].rstrip().endswith("// indirect")]
    e = _choice(rng, cands)
    if e is None:
        return None
    return m.with_line(e.index, m.lines[e.index].rstrip() + "; used by tests only")


def _split_block(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    b = _choice(rng, m.blocks)
    if b is None:
        return None
    inner = [f"{b.verb} {ln.strip()}" for ln in m.lines[b.open + 1 : b.close] if tokens(ln)]
    return m.with_lines(b.open, inner, remove=b.close - b.open + 1)


def _join_singles(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    for verb in ("replace", "exclude", "require", "use"):
        singles = m.top_level(verb)
        if len(singles) >= 2:
            lines = list(m.lines)
            block = (
                [f"{verb} ("]
                + ["\t" + lines[e.index][len(verb) :].strip() for e in singles]
                + [")"]
            )
            for e in reversed(singles):
                del lines[e.index]
            lines[singles[0].index : singles[0].index] = block
            return "\n".join(lines)
    return None


def _duplicate(verb: str) -> Op:
    def op(rng: random.Random, base: Base) -> str | None:
        m = Model(base.text)
        e = _choice(rng, [e for e in m.of(verb) if len(e.toks) >= 2])
        if e is None:
            return None
        line = m.lines[e.index].strip()
        return m.append([line if not e.in_block else f"{verb} {line}"])

    return op


def _duplicate_require_lower(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    e = _choice(rng, _plain_requires(m))
    if e is None:
        return None
    a, _, _ = _parts(unquote(e.toks[1]))
    return m.append([f"require {unquote(e.toks[0])} v{a}.0.0"])


def _trailing_space(rng: random.Random, base: Base) -> str:
    return "\n".join(
        ln + rng.choice([" ", "\t", "  \t"]) if ln else ln for ln in base.text.split("\n")
    )


def _single_to_block(rng: random.Random, base: Base) -> str | None:
    m = Model(base.text)
    e = _choice(
        rng,
        [
            e
            for e in m.entries
            if not e.in_block and e.verb in ("require", "replace", "exclude", "use")
        ],
    )
    if e is None:
        return None
    body = m.lines[e.index].strip()[len(e.verb) :].strip()
    return m.with_lines(e.index, [f"{e.verb} (", f"\t{body}", ")"], remove=1)


def _retract_block(rng: random.Random, base: Base) -> str | None:
    """A retract block whose versions agree with the module's major version."""
    m = Model(base.text)
    mods = [e for e in m.top_level("module") if e.toks]
    if not mods:
        return None
    major = _MAJOR_SUFFIX.search(unquote(mods[0].toks[0]))
    n = int(major.group(1)) if major else 1
    return m.append(
        [
            "retract (",
            f"\tv{n}.0.0 // published by mistake",
            f"\t[v{n}.1.0, v{n}.2.0]",
            ")",
        ]
    )


VALID: dict[str, Op] = {
    "reindent": _reindent,
    "extra-blank-lines": _extra_blank_lines,
    "quote-tokens": _requote,
    "add-comments": _add_comments,
    "strip-comments": _strip_comments,
    "shuffle-block": _shuffle_block,
    "indirect-note": _indirect_note,
    "split-block": _split_block,
    "join-singles": _join_singles,
    "single-to-block": _single_to_block,
    "duplicate-exclude": _duplicate("exclude"),
    "duplicate-replace": _duplicate("replace"),
    "duplicate-require": _duplicate("require"),
    "duplicate-require-lower": _duplicate_require_lower,
    "trailing-whitespace": _trailing_space,
    "crlf": _bytes_op(_crlf),
    "add-exclude": _with_module_req("exclude {dep} v0.0.1"),
    "add-retract-block": _retract_block,
}


# ---------------------------------------------------------------------------------------------
# go.work.


def _use_op(fn: Callable[[random.Random, Model], str | None]) -> Op:
    return lambda rng, base: fn(rng, Model(base.text))


def _dup_use(rng: random.Random, m: Model) -> str | None:
    e = _choice(rng, [e for e in m.of("use") if e.toks])
    if e is None:
        return None
    path = unquote(e.toks[0])
    alias = path[2:] if path.startswith("./") and len(path) > 2 else f"./{path}"
    if path == ".":
        alias = "./"
    return m.append([f"use {alias}"])


GOWORK: dict[str, Op] = {
    "go-x-patch": _set_go("1.22.x"),
    "go-prefixed": _set_go("go1.22"),
    "go-ok": _set_go("1.23.4"),
    "go-future": _set_go("1.99"),
    "repeated-go": _repeat("go"),
    "toolchain-no-go-prefix": _set_toolchain("1.21"),
    "toolchain-ok": _set_toolchain("go1.26.1"),
    "godebug-unknown-key": _args("godebug", "nosuchsetting=1"),
    "godebug-known-key": _args("godebug", "panicnil=1"),
    "godebug-no-equals": _args("godebug", "panicnil"),
    "use-duplicate": _use_op(_dup_use),
    "use-two-args": _args("use", "./a ./b"),
    "use-no-arg": _args("use", ""),
    "use-quoted-space-ok": _args("use", '"./my dir"'),
    "use-new-ok": _args("use", "./newmod"),
    "require-in-gowork": _args("require", "example.com/x v1.0.0"),
    "module-in-gowork": _args("module", "example.com/ws"),
    "exclude-in-gowork": _args("exclude", "example.com/x v1.0.0"),
    "retract-in-gowork": _args("retract", "v1.0.0"),
    "tool-in-gowork": _args("tool", "example.com/cmd/x"),
    "replace-ok": _args("replace", "example.com/x v1.0.0 => example.com/y v1.0.1"),
    "replace-dir-ok": _args("replace", "example.com/x => ../x"),
    "replace-dir-with-version": _args("replace", "example.com/x => ./x v1.0.0"),
    "replace-module-no-version": _args("replace", "example.com/x => example.com/y"),
    "replace-bad-version": _args("replace", "example.com/x 1.0.0 => ../x"),
    "replace-upper-target": _args("replace", "example.com/x v1.0.0 => Example.com/y v1.0.0"),
    "missing-close": _block_op(_drop_close),
    "close-then-token": _block_op(lambda r, m, b: m.with_line(b.close, ") x")),
    "stray-close": _add_line(")"),
    "utf8-bom": _bytes_op(lambda r, d: b"\xef\xbb\xbf" + d),
    "nul-in-comment": _insert_in_comment(b"\x00"),
    "c-style-comment": _c_comment,
    "crlf": _bytes_op(_crlf),
    "reindent": _reindent,
    "quote-tokens": _requote,
    "add-comments": _add_comments,
    "shuffle-block": _shuffle_block,
    "split-block": _split_block,
    "extra-blank-lines": _extra_blank_lines,
    "unterminated-string": _unterminated('"'),
}


# ---------------------------------------------------------------------------------------------
# The plan: category -> (operations, how many mutants per operation, kind of base file).

CATEGORIES: dict[str, tuple[dict[str, Op], int, Kind]] = {
    "bad-version": (BAD_VERSION, 3, "gomod"),
    "bad-path": (BAD_PATH, 2, "gomod"),
    "blocks": (BLOCKS, 3, "gomod"),
    "directives": (DIRECTIVES, 2, "gomod"),
    "encodings": (ENCODINGS, 3, "gomod"),
    "valid": (VALID, 3, "gomod"),
    "gowork": (GOWORK, 2, "gowork"),
}


def _seed(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode())


def _as_bytes(out: str | bytes) -> bytes:
    return out.encode("utf-8") if isinstance(out, str) else out


def generate() -> Iterator[Mutant]:
    """Yield every mutant, in a fixed order, with unique ids and unique contents."""
    seen_ids: set[str] = set()
    seen_data: set[tuple[Kind, bytes]] = set()
    bases = corpus()
    for category, (ops, per_op, kind) in CATEGORIES.items():
        pool = [b for b in bases if b.kind == kind]
        for op_name, op in ops.items():
            rng = random.Random(_seed(category, op_name))
            made = 0
            for _ in range(40):
                if made == per_op:
                    break
                base = rng.choice(pool)
                out = op(rng, base)
                if out is None:
                    continue
                data = _as_bytes(out)
                if data == base.data or (kind, data) in seen_data:
                    continue
                mid = f"{category}/{base.name}/{op_name}"
                n = 2
                while mid in seen_ids:
                    mid = f"{category}/{base.name}/{op_name}-{n}"
                    n += 1
                seen_ids.add(mid)
                seen_data.add((kind, data))
                made += 1
                yield Mutant(mid, kind, data)


@cache
def all_mutants() -> tuple[Mutant, ...]:
    return tuple(generate())


if __name__ == "__main__":
    from collections import Counter

    ms = all_mutants()
    print(len(ms), dict(Counter(m.category for m in ms)))
