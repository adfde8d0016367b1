"""Import path rewriting, with the real gofmt as the oracle: for a gofmt-clean file, applying
the edits must give exactly what gofmt makes of the plain textual replacement, and a file
`gofmt -l` does not list.

The files of a test (inputs, plain replacements, rewrites) go into one directory and gofmt runs
over it as a whole (`gofmt -l`, then `gofmt -w`), so the oracle costs a few processes per test.
"""

from __future__ import annotations

import random
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from oracle.gocmd import offline_go_env
from oracle.goproxy import go_binary, telemetry_off

from modlsp.core.gosource import GoSource, scan
from modlsp.core.gostring import go_quote
from modlsp.core.importrewrite import rewrite_imports
from modlsp.core.problems import Edit, apply_edits

Rename = Callable[[str], "str | None"]


def bump(path: str) -> str | None:
    """example.com/m/... -> example.com/m/v2/...: the rename of a major version bump."""
    if path == "example.com/m" or path.startswith("example.com/m/"):
        return "example.com/m/v2" + path[len("example.com/m") :]
    return None


def mapping(renames: Mapping[str, str]) -> Rename:
    return renames.get


# ---------------------------------------------------------------------------------------------
# gofmt


@dataclass(frozen=True)
class Gofmt:
    unclean: frozenset[str]  # the files `gofmt -l` lists
    fixed: dict[str, bytes]  # each file after `gofmt -w`, twice (see below)


def gofmt_all(root: Path, files: Mapping[str, bytes]) -> Gofmt:
    """gofmt's verdict on every file, in three runs over one directory.

    The second `gofmt -w` is for go/ast's dedup: it merges the lines of the specs it drops
    before printing, which can put a kept spec's comment on "the same line" as the next spec,
    and go/printer then separates that comment with a blank instead of aligning it. That
    output is not gofmt-clean; the rewrite aims at the file gofmt settles on."""
    _, goroot = go_binary()
    assert goroot is not None, "the go command did not say where its GOROOT is"
    gofmt = Path(goroot, "bin", "gofmt")
    assert gofmt.is_file(), f"no gofmt in {goroot}"
    folder = root / "gofmt"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / f"{name}.go").write_bytes(data)
    home = root / "home"
    home.mkdir()
    env = offline_go_env(home, GOTELEMETRY="off", XDG_CONFIG_HOME=str(telemetry_off(home)))

    def run(flag: str) -> str:
        result = subprocess.run(
            [str(gofmt), flag, str(folder)], capture_output=True, env=env, timeout=120, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    listed = run("-l").split()
    run("-w")
    run("-w")
    return Gofmt(
        frozenset(Path(line).stem for line in listed),
        {name: (folder / f"{name}.go").read_bytes() for name in files},
    )


def naive(data: bytes, source: GoSource, rename: Rename) -> bytes:
    """The plain textual replacement: each renamed literal in its own quotes."""
    out = data
    spans = [(i.span, i.path) for i in source.imports]
    if source.import_comment is not None:
        spans.append((source.import_comment.span, source.import_comment.path))
    for span, path in sorted(spans, reverse=True):
        new = rename(path)
        if new is None:
            continue
        backquoted = data[span.start : span.start + 1] == b"`"
        literal = f"`{new}`" if backquoted else go_quote(new)
        out = out[: span.start] + literal.encode() + out[span.end :]
    return out


def rewritten(data: bytes, rename: Rename) -> tuple[bytes, list[Edit]]:
    edits = rewrite_imports(data, scan(data), rename)
    return apply_edits(data, edits), edits


# ---------------------------------------------------------------------------------------------
# The table: gofmt-clean files, checked against gofmt


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    rename: Rename = bump
    want: str | None = None  # spelled out where it helps reading; gofmt checks it anyway


CLEAN_CASES = [
    Case(
        "plain",
        'package p\n\nimport (\n\t"example.com/m/a"\n\t"fmt"\n)\n',
        want='package p\n\nimport (\n\t"example.com/m/v2/a"\n\t"fmt"\n)\n',
    ),
    Case(
        "aliases, blank and dot imports",
        'package p\n\nimport (\n\t. "example.com/m/dot"\n\t_ "example.com/m/embed"\n'
        '\tx "example.com/m/x"\n\t"example.com/n"\n)\n',
    ),
    Case(
        "a path moves within its run",
        'package p\n\nimport (\n\t"example.com/a"\n\t"example.com/b"\n\t"example.com/c"\n)\n',
        mapping({"example.com/a": "example.com/d"}),
        want='package p\n\nimport (\n\t"example.com/b"\n\t"example.com/c"\n\t"example.com/d"\n)\n',
    ),
    Case(
        "moving keeps the line's alias and comment",
        'package p\n\nimport (\n\tz "example.com/m/zz" // zed\n\t"example.com/mm"\n'
        '\t"golang.org/x/mod"\n)\n',
        mapping({"example.com/m/zz": "x.org/zz"}),
        want='package p\n\nimport (\n\t"example.com/mm"\n\t"golang.org/x/mod"\n'
        '\tz "x.org/zz" // zed\n)\n',
    ),
    Case(
        "groups separated by a blank line stay apart",
        'package p\n\nimport (\n\t"fmt"\n\t"os"\n\n\t"example.com/b"\n\t"example.com/m/z"\n)\n',
        mapping({"example.com/m/z": "example.com/a"}),
        want='package p\n\nimport (\n\t"fmt"\n\t"os"\n\n\t"example.com/a"\n\t"example.com/b"\n)\n',
    ),
    Case(
        "a doc comment splits runs",
        'package p\n\nimport (\n\t"b.org/x"\n\t// c is special\n\t"c.org/x"\n\t"d.org/x"\n)\n',
        mapping({"d.org/x": "a.org/x"}),
        want='package p\n\nimport (\n\t"b.org/x"\n\t// c is special\n\t"a.org/x"\n\t"c.org/x"\n)\n',
    ),
    Case(
        "trailing comments realigned",
        'package p\n\nimport (\n\t"example.com/m/a" // a\n\t"example.com/mm"  // mm\n'
        '\t"fmt"             // fmt\n\t"os"\n\t"strings" // s\n)\n',
        want='package p\n\nimport (\n\t"example.com/m/v2/a" // a\n\t"example.com/mm"     // mm\n'
        '\t"fmt"                // fmt\n\t"os"\n\t"strings" // s\n)\n',
    ),
    Case(
        "a shorter path narrows the column",
        'package p\n\nimport (\n\t"a.org/x"                 // a\n\t"example.com/long/path/x" // b\n)\n',
        mapping({"example.com/long/path/x": "b.org/x"}),
        want='package p\n\nimport (\n\t"a.org/x" // a\n\t"b.org/x" // b\n)\n',
    ),
    Case(
        "a move splits one comment block and joins another",
        'package p\n\nimport (\n\t"a.org/x" // a\n\t"b.org/x" // b\n\t"c.org/x"\n'
        '\t"d.org/long/x" // d\n\t"e.org/x"      // e\n)\n',
        mapping({"b.org/x": "f.org/b"}),
    ),
    Case(
        "non-ASCII alias and comments: widths in runes",
        'package p\n\nimport (\n\t"example.com/m/bb"  // 日本\n\tä "example.com/m/ä" // ünïcödé\n'
        '\t"fmt"               // x\n)\n',
    ),
    Case(
        "several import declarations",
        'package p\n\nimport (\n\t"example.com/m/b"\n\t"fmt"\n)\n\nimport "example.com/m/c"\n\n'
        'import (\n\t"example.com/m/a" // a\n\t"os"              // os\n)\n',
    ),
    Case(
        "single declarations are never sorted but share a comment column",
        'package p\n\nimport "example.com/m/z" // z\nimport "a.org/x"         // x\n'
        'import "b.org/x"\n',
        want='package p\n\nimport "example.com/m/v2/z" // z\nimport "a.org/x"            // x\n'
        'import "b.org/x"\n',
    ),
    Case(
        "the package clause's comment shares that column",
        'package p                // import "example.com/m"\nimport "example.com/m/a" // a\n',
        want='package p                   // import "example.com/m/v2"\n'
        'import "example.com/m/v2/a" // a\n',
    ),
    Case(
        "import comment",
        'package m // import "example.com/m"\n\nimport "fmt"\n',
        want='package m // import "example.com/m/v2"\n\nimport "fmt"\n',
    ),
    Case(
        "import comment in backquotes",
        "package m // import `example.com/m/sub`\n",
        want="package m // import `example.com/m/v2/sub`\n",
    ),
    Case(
        "cgo preamble",
        'package p\n\n/*\n#include <stdio.h>\nimport "example.com/m/fake"\n*/\nimport "C"\n\n'
        'import (\n\t"example.com/m/a"\n\t"unsafe"\n)\n',
    ),
    Case(
        "build constraints and a license header",
        "// Copyright 2024 The Authors.\n\n//go:build linux && !cgo\n\n// Package p does things.\n"
        'package p\n\nimport (\n\t"example.com/m/x" // x\n\t"os"\n)\n',
    ),
    Case(
        "nothing matches",
        'package p\n\nimport (\n\t"example.com/mm" // c\n\t"fmt"\n)\n',
        want='package p\n\nimport (\n\t"example.com/mm" // c\n\t"fmt"\n)\n',
    ),
    Case(
        "a rename that makes a duplicate: gofmt drops the uncommented copy",
        'package p\n\nimport (\n\t"example.com/m/v2/a"\n\t"example.com/m/x" // x\n'
        '\t"example.com/other"\n)\n',
        mapping({"example.com/m/v2/a": "example.com/m/x"}),
        want='package p\n\nimport (\n\t"example.com/m/x" // x\n\t"example.com/other"\n)\n',
    ),
    Case(
        "a duplicate dropped above a comment line leaves a blank line (go/ast's MergeLine)",
        'package p\n\nimport (\n\t"example.com/m/a"\n\t"example.com/m/v2/a"\n\t"fmt"\n'
        '\t// doc\n\t"os"\n)\n',
        mapping({"example.com/m/a": "example.com/m/v2/a"}),
        want='package p\n\nimport (\n\t"example.com/m/v2/a"\n\t"fmt"\n\n\t// doc\n\t"os"\n)\n',
    ),
    Case(
        "but not when the run ends the group",
        'package p\n\nimport (\n\t"example.com/m/a"\n\t"example.com/m/v2/a"\n\t"fmt"\n'
        "\t// the end\n)\n",
        mapping({"example.com/m/a": "example.com/m/v2/a"}),
        want='package p\n\nimport (\n\t"example.com/m/v2/a"\n\t"fmt"\n\t// the end\n)\n',
    ),
    Case(
        "equal paths sort by name, then comment",
        'package p\n\nimport (\n\ta "a.org/x" // 2\n\tb "a.org/y"\n\tc "a.org/z" // 1\n)\n',
        mapping({"a.org/z": "a.org/x", "a.org/y": "a.org/x"}),
    ),
    Case(
        "backquotes kept around a path gofmt does not canonicalize",
        'package p\n\nimport (\n\t`example.com/m/a b`\n\t"fmt"\n)\n',
        want='package p\n\nimport (\n\t`example.com/m/v2/a b`\n\t"fmt"\n)\n',
    ),
    Case(
        "a path that needs escapes",
        'package p\n\nimport (\n\t"example.com/m/a"\n\t"fmt"\n)\n',
        mapping({"example.com/m/a": "example.com/\u00a0tab\t"}),
    ),
    Case(
        "a path that is not valid UTF-8 keeps its escapes",
        'package p\n\nimport (\n\t"example.com/m/\\xff" // ff\n\t"example.com/mm"     // mm\n)\n',
        want='package p\n\nimport (\n\t"example.com/m/v2/\\xff" // ff\n\t"example.com/mm"        // mm\n)\n',
    ),
    Case(
        "a block comment in a group leaves the column above the group alone",
        'package p\n\nimport "example.com/m/a" // a\nimport (                 // group\n'
        '\t"b.org/x" /* b */\n)\n',
        want='package p\n\nimport "example.com/m/v2/a" // a\nimport (                    // group\n'
        '\t"b.org/x" /* b */\n)\n',
    ),
    Case(
        "an empty group has no formfeeds: its lines share the column",
        "package p\n\nimport (                 // group\n)                        // end\n"
        'import "example.com/m/a" // a\n',
    ),
    Case(
        "an empty group",
        'package p\n\nimport ()\n\nimport (\n\t"example.com/m/a"\n)\n',
    ),
    Case(
        "comment lines, blank lines and a comment after the group",
        'package p\n\nimport (\n\t// first\n\t"example.com/m/a" // a\n\n\t// second\n'
        '\t"example.com/m/b" // b\n\t"z.org/x"         // z\n) // group\n\nvar _ = 1 // one\n',
    ),
    Case(
        "a long run, beyond Go's insertion sort",
        "package p\n\nimport (\n"
        + "".join(f'\t"example.com/m/p{i:02d}"\n' for i in range(20))
        + ")\n",
        lambda path: "a.org/" + path[-3:] if path.endswith(("07", "13")) else bump(path),
    ),
]


@pytest.fixture(scope="module")
def clean_results(tmp_path_factory: pytest.TempPathFactory) -> Gofmt:
    files: dict[str, bytes] = {}
    for n, case in enumerate(CLEAN_CASES):
        data = case.source.encode()
        files[f"in{n}"] = data
        files[f"naive{n}"] = naive(data, scan(data), case.rename)
        files[f"out{n}"] = rewritten(data, case.rename)[0]
    return gofmt_all(tmp_path_factory.mktemp("clean"), files)


@pytest.mark.parametrize("n", range(len(CLEAN_CASES)), ids=[c.id for c in CLEAN_CASES])
def test_clean_files_stay_as_gofmt_prints_them(n: int, clean_results: Gofmt) -> None:
    case = CLEAN_CASES[n]
    out, _ = rewritten(case.source.encode(), case.rename)
    assert f"in{n}" not in clean_results.unclean, "the case itself is not gofmt-clean"
    assert out == clean_results.fixed[f"naive{n}"]
    assert f"out{n}" not in clean_results.unclean
    if case.want is not None:
        assert out.decode() == case.want


# ---------------------------------------------------------------------------------------------
# Files gofmt would not leave as they are: the literals change in place, nothing else


def test_nothing_to_rename_gives_no_edits() -> None:
    data = b'package p // import "example.com/q"\n\nimport (\n\t"example.com/mm"\n\t"fmt"\n)\n'
    assert rewrite_imports(data, scan(data), bump) == []
    assert rewrite_imports(data, scan(data), lambda path: path) == []
    assert rewrite_imports(b"", scan(b""), bump) == []


def test_edits_are_small_and_in_order() -> None:
    data = b'package p // import "example.com/m"\n\nimport (\n\t"example.com/m/a"\n\t"fmt"\n)\n'
    edits = rewrite_imports(data, scan(data), bump)
    assert [e.new_text for e in edits] == ['"example.com/m/v2"', "v2/"]
    assert [e.span.start for e in edits] == sorted(e.span.start for e in edits)


def test_crlf_files_are_rewritten_in_place() -> None:
    data = b'package p\r\n\r\nimport (\r\n\t"z.org/x" // z\r\n\t"a.org/x" // a\r\n)\r\n'
    out, _ = rewritten(data, mapping({"z.org/x": "b.org/long/x"}))
    assert out == b'package p\r\n\r\nimport (\r\n\t"b.org/long/x" // z\r\n\t"a.org/x" // a\r\n)\r\n'


def test_a_run_with_a_block_comment_keeps_its_order_but_others_are_sorted() -> None:
    data = (
        b'package p\n\nimport (\n\t"z.org/x" /* z */\n\t"m.org/x"\n\n\t"y.org/x"\n\t"n.org/x"\n)\n'
    )
    rename = mapping({"z.org/x": "a.org/x", "y.org/x": "b.org/x"})
    out, _ = rewritten(data, rename)
    assert out == (
        b'package p\n\nimport (\n\t"a.org/x" /* z */\n\t"m.org/x"\n\n\t"b.org/x"\n\t"n.org/x"\n)\n'
    )


def test_two_specs_on_one_line_are_rewritten_in_place() -> None:
    data = b'package p\n\nimport ("z.org/x"; "m.org/x")\n'
    out, _ = rewritten(data, mapping({"z.org/x": "a.org/x"}))
    assert out == b'package p\n\nimport ("a.org/x"; "m.org/x")\n'


def test_a_run_that_was_not_sorted_keeps_its_order() -> None:
    data = b'package p\n\nimport (\n\t"os"\n\t"example.com/m/a" // a\n\t"fmt"\n)\n'
    out, _ = rewritten(data, bump)
    assert out == b'package p\n\nimport (\n\t"os"\n\t"example.com/m/v2/a" // a\n\t"fmt"\n)\n'


def test_a_file_that_does_not_parse_is_rewritten_in_place() -> None:
    # scan skips the bad literal; the tokens between the spans no longer match it
    data = b'package p\n\nimport (\n\t"z.org/x"\n\t"bad\\q"\n\t"a.org/x"\n)\n'
    out, _ = rewritten(data, mapping({"z.org/x": "b.org/x"}))
    assert out == b'package p\n\nimport (\n\t"b.org/x"\n\t"bad\\q"\n\t"a.org/x"\n)\n'
    broken = b'package p\n\nimport (\n\t"z.org/x"\n\tfoo\n\t"a.org/x"\n)\n'
    out, _ = rewritten(broken, mapping({"z.org/x": "b.org/x"}))
    assert out == broken.replace(b"z.org", b"b.org")
    unterminated = b'package p\n\nimport (\n\t"z.org/x"\n\t"a.org/x"\n'
    out, _ = rewritten(unterminated, mapping({"z.org/x": "b.org/x"}))
    assert out == unterminated.replace(b"z.org", b"b.org")


def test_backquotes_stay_where_gofmt_would_not_have_them() -> None:
    data = b"package p\n\nimport `example.com/m/a`\n"
    out, _ = rewritten(data, bump)
    assert out == b"package p\n\nimport `example.com/m/v2/a`\n"
    out, _ = rewritten(data, mapping({"example.com/m/a": "x.org/`q`"}))
    assert out == b'package p\n\nimport "x.org/`q`"\n'


def test_the_line_after_the_imports_is_not_measured() -> None:
    # `var x = 1 // c` would share the column; its width is not known here, so no realigning.
    data = b'package p\n\nimport "example.com/m/a" // a\nvar x = 1                // c\n'
    out, _ = rewritten(data, bump)
    assert out == b'package p\n\nimport "example.com/m/v2/a" // a\nvar x = 1                // c\n'


# ---------------------------------------------------------------------------------------------
# Generated files, checked against gofmt in one batch

PATHS = [
    "example.com/m",
    "example.com/m/a",
    "example.com/m/b/c",
    "example.com/m/zz",
    "example.com/m/ü",
    "example.com/mm",
    "example.com/m-x",
    "fmt",
    "os",
    "golang.org/x/mod/semver",
    "z.org/x",
    "a.org/x",
]
NAMES = ["", "", "", "_ ", ". ", "x ", "zz ", "ä "]
COMMENTS = ["", "", "", " // c", " // a longer comment", " // ünï", " //go:embed", " //", " //\tt"]
TARGETS = ["example.com/m/v2", "a.org/y", "zzz.org/very/long/path", "example.com/m", "fmt"]


def random_spec(rng: random.Random) -> str:
    path = rng.choice(PATHS)
    literal = f"`{path} x`" if rng.random() < 0.05 else f'"{path}"'
    return rng.choice(NAMES) + literal + rng.choice(COMMENTS)


def random_group(rng: random.Random) -> str:
    out = ["import (" + rng.choice(["", "", " // group"]) + "\n"]
    for _ in range(rng.randint(1, 8)):
        gap = rng.random()
        if gap < 0.15:
            out.append("\n")
        elif gap < 0.22:
            out.append("\t// doc\n")
        elif gap < 0.25:
            out.append("\t/* block */\n")
        out.append(f"\t{random_spec(rng)}\n")
    out.append(")" + rng.choice(["", "", " // end"]) + "\n")
    return "".join(out)


def random_file(rng: random.Random) -> str:
    """A package clause and one to three import declarations, in many of gofmt's layouts."""
    out = [rng.choice(["package p\n", 'package p // import "example.com/m"\n', "package p // p\n"])]
    out.append("\n" if rng.random() < 0.5 else "")
    if rng.random() < 0.1:
        out.append('/*\n#include <stdio.h>\n*/\nimport "C"' + rng.choice(["", " // c"]) + "\n")
    for _ in range(rng.randint(1, 3)):
        out.append(f"import {random_spec(rng)}\n" if rng.random() < 0.3 else random_group(rng))
        out.append("\n" if rng.random() < 0.3 else "")
    if rng.random() < 0.3:
        out.append("\nfunc f() {}\n")
    return "".join(out)


def random_rename(rng: random.Random) -> Rename:
    chosen = {p: rng.choice(TARGETS) + "/" + p.rsplit("/", 1)[-1] for p in rng.sample(PATHS, 3)}
    if rng.random() < 0.3:  # onto a path the file may import already: gofmt drops duplicates
        chosen[rng.choice(PATHS)] = rng.choice(PATHS)
    if rng.random() < 0.5:
        return lambda path: chosen.get(path) or bump(path)
    return chosen.get


def test_generated_files_stay_as_gofmt_prints_them(tmp_path: Path) -> None:
    check_generated_files(tmp_path, seed=20240611, count=400)


def check_generated_files(tmp_path: Path, *, seed: int, count: int) -> None:
    """`count` files from `seed`: rewritten, they must be what gofmt makes of the plain
    replacement (a longer run: call this with other seeds and counts)."""
    rng = random.Random(seed)
    raw = {f"in{n}": random_file(rng).encode() for n in range(count)}
    renames = [random_rename(rng) for _ in range(count)]
    files = gofmt_all(tmp_path / "raw", raw).fixed
    moved = 0
    for n in range(count):
        data = files[f"in{n}"]
        files[f"naive{n}"] = naive(data, scan(data), renames[n])
        files[f"out{n}"] = out = rewritten(data, renames[n])[0]
        renamed_in_place = [renames[n](i.path) or i.path for i in scan(data).imports]
        moved += [i.path for i in scan(out).imports] != renamed_in_place
    verdict = gofmt_all(tmp_path / "rewritten", files)
    assert not verdict.unclean & {f"in{n}" for n in range(count)}
    wrong = [n for n in range(count) if files[f"out{n}"] != verdict.fixed[f"naive{n}"]]
    wrong += [n for n in range(count) if f"out{n}" in verdict.unclean]
    assert wrong == [], "\n".join(
        [
            files[f"in{wrong[0]}"].decode(),
            "--- gofmt:",
            verdict.fixed[f"naive{wrong[0]}"].decode(),
            "--- rewritten:",
            files[f"out{wrong[0]}"].decode(),
        ]
    )
    assert moved > count // 10  # the generator does exercise reordering
