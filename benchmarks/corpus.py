"""The benchmark input: a realistic 600-line, ~41 KB go.mod assembled from the real corpus.

The largest go.mod files in the wild have about 600 lines and 41 KB (long paths, many
pseudo-versions); the corpus in tests/data/real tops out at 317 lines and 16 KB. So this file
takes the longest requirement lines of all corpus files (deduplicated by path, kept in corpus
order) into one direct and one indirect block, plus replace, exclude and retract blocks, to
reach 600 lines.
"""

from __future__ import annotations

from pathlib import Path

from modlsp.core.analysis import FileKind
from modlsp.core.reader import read

REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "real"
TARGET_LINES = 600


def big_go_mod() -> bytes:
    direct: dict[str, str] = {}
    indirect: dict[str, str] = {}
    replaces: list[str] = []
    for path in sorted(REAL.glob("*go.mod")):
        model = read(path.read_bytes(), FileKind.GOMOD)
        for req in model.requires:
            if req.path not in direct and req.path not in indirect:
                (indirect if req.indirect else direct)[req.path] = req.version
        replaces += [
            f"\t{r.old_path} => {r.new_path} {r.new_version}".rstrip()
            for r in model.replaces
            if not r.is_directory
        ]
    header = [
        "// A large module file assembled from real go.mod files for benchmarks.",
        "module github.com/example/large-application",
        "",
        "go 1.23.0",
        "",
        "toolchain go1.23.4",
        "",
    ]
    footer = [
        "",
        "replace (",
        *sorted(set(replaces))[:20],
        ")",
        "",
        "exclude (",
        "\tgithub.com/example/broken v1.0.0",
        "\tgithub.com/example/broken v1.0.1",
        ")",
        "",
        "retract (",
        "\t// Published from the wrong branch.",
        "\tv1.4.0",
        "\t[v1.2.0, v1.2.3] // Security issue in the parser.",
        ")",
    ]
    room = TARGET_LINES - len(header) - len(footer) - 5
    candidates = [(f"\t{p} {v}", False) for p, v in direct.items()]
    candidates += [(f"\t{p} {v} // indirect", True) for p, v in indirect.items()]
    longest = set(sorted(range(len(candidates)), key=lambda i: -len(candidates[i][0]))[:room])
    chosen = [candidates[i] for i in sorted(longest)]
    direct_lines = [line for line, is_indirect in chosen if not is_indirect]
    indirect_lines = [line for line, is_indirect in chosen if is_indirect]
    lines = [
        *header,
        "require (",
        *direct_lines,
        ")",
        "",
        "require (",
        *indirect_lines,
        ")",
        *footer,
    ]
    return ("\n".join(lines) + "\n").encode()


if __name__ == "__main__":
    data = big_go_mod()
    print(f"{len(data.splitlines())} lines, {len(data)} bytes")
