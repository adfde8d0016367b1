"""Inlay hints where minimal version selection selects a higher version than a require line
says, over go.mods fetched from a real file:// proxy with the go command's pruning rules."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from oracle.gocmd import offline_go_env
from oracle.goproxy import go_binary

from modlsp.core.inlayhints import (
    Hint,
    graph_gomods,
    is_pruned,
    known_summaries,
    selected_hints,
)
from modlsp.core.modfile import FileKind
from modlsp.core.modgraph import ModVer, Summaries, Summary, build_graph
from modlsp.core.reader import read
from modlsp.core.versionfacts import VersionFacts

from .versionproxy import facts, gomod, lib, merge, model, proxy

# a (pruned) requires b v1.1.0, whose go.mod requires c v1.2.0; d has no go line (unpruned)
# and requires e v1.1.0, which (unpruned too) requires f v1.1.0. The fork replaces a.
MODULES = merge(
    lib("example.com/a@v1.0.0", "require example.com/b v1.1.0"),
    lib("example.com/b@v1.0.0"),
    lib("example.com/b@v1.1.0", "require example.com/c v1.2.0"),
    lib("example.com/c@v1.0.0"),
    lib("example.com/c@v1.2.0"),
    lib("example.com/c@v1.3.0"),
    lib("example.com/d@v1.0.0", "require example.com/e v1.1.0", go=""),
    lib("example.com/e@v1.0.0", go=""),
    lib("example.com/e@v1.1.0", "require example.com/f v1.1.0", go=""),
    lib("example.com/f@v1.0.0"),
    lib("example.com/f@v1.1.0"),
    {
        "example.com/fork@v1.1.0": {
            "go.mod": gomod("example.com/a", "require example.com/c v1.3.0"),
            "a.go": "package a\n",
        }
    },
)


def main(go: str, *requires: str, extra: str = "") -> str:
    """A main module requiring `requires` ("a v1.0.0" for example.com/a v1.0.0)."""
    go_line = f"go {go}\n\n" if go else ""
    lines = "".join(f"\texample.com/{r}\n" for r in requires)
    return f"module example.com/m\n\n{go_line}require (\n{lines})\n{extra}"


ROOTS = ("a v1.0.0", "c v1.0.0", "d v1.0.0", "e v1.0.0 // indirect", "f v1.0.0 // indirect")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return proxy(tmp_path / "proxy", MODULES)


async def hints(source: VersionFacts, text: str, main_dir: Path | None = None) -> dict[str, str]:
    """module path -> label, after fetching the graph's go.mods."""
    parsed = model(text)
    await graph_gomods(source, parsed, main_dir)
    out: dict[str, str] = {}
    for hint in selected_hints(parsed, known_summaries(source), main_dir):
        require = next(r for r in parsed.requires if r.version_token.end == hint.offset)
        out[require.path] = hint.label
    return out


async def test_pruned_graph(root: Path) -> None:
    source = facts(root)
    assert await hints(source, main("1.21", *ROOTS)) == {
        "example.com/e": "selected v1.1.0",  # d is unpruned: its requirements count
        "example.com/f": "selected v1.1.0",  # ... and theirs (e v1.1.0 is expanded too)
    }
    # a is pruned: b v1.1.0 is an edge of the graph, but its go.mod is never read, so c stays.
    assert source.known_gomod("example.com/b", "v1.1.0") is None
    assert source.known_gomod("example.com/e", "v1.1.0") is not None


async def test_pruned_graph_raises_its_roots(root: Path) -> None:
    # b is a root: the go command keeps roots at their selected versions, so b v1.1.0's
    # go.mod counts, and c rises with it.
    source = facts(root)
    assert await hints(source, main("1.21", "a v1.0.0", "b v1.0.0", "c v1.0.0")) == {
        "example.com/b": "selected v1.1.0",
        "example.com/c": "selected v1.2.0",
    }


@pytest.mark.parametrize("go", ["1.16", ""])
async def test_unpruned_graph(root: Path, go: str) -> None:
    source = facts(root)
    assert await hints(source, main(go, *ROOTS)) == {
        "example.com/c": "selected v1.2.0",  # through b v1.1.0, expanded
        "example.com/e": "selected v1.1.0",
        "example.com/f": "selected v1.1.0",
    }
    assert source.known_gomod("example.com/b", "v1.1.0") is not None


async def test_hint_position_and_tooltip(root: Path) -> None:
    text = main("1.21", "a v1.0.0 // ✓ é", "b v1.0.0 // ça", "c v1.0.0").replace("\n", "\r\n")
    text = text.replace("module example.com/m", "module example.com/m // modülé")
    parsed = model(text)
    source = facts(root)
    await graph_gomods(source, parsed)
    data = text.encode()
    end_of = {
        word: data.index(word.encode()) + len(word.encode()) for word in ("b v1.0.0", "c v1.0.0")
    }
    assert selected_hints(parsed, known_summaries(source)) == [
        Hint(
            end_of["b v1.0.0"],
            "selected v1.1.0",
            "Minimal version selection selects example.com/b v1.1.0, required by example.com/a@v1.0.0",
        ),
        Hint(
            end_of["c v1.0.0"],
            "selected v1.2.0",
            "Minimal version selection selects example.com/c v1.2.0, required by example.com/b@v1.1.0",
        ),
    ]


REPLACE_FORK = "\nreplace example.com/a => example.com/fork v1.1.0\n"
REPLACE_DIR = "\nreplace example.com/a => ./local/a\n"
REPLACE_BOTH = REPLACE_DIR + "replace example.com/a v1.0.0 => example.com/fork v1.1.0\n"
EXCLUDE_B = "\nexclude example.com/b v1.1.0\n"


async def test_module_replacement_is_followed(root: Path) -> None:
    source = facts(root)
    assert await hints(source, main("1.21", *ROOTS, extra=REPLACE_FORK)) == {
        "example.com/c": "selected v1.3.0",  # the fork's requirement, not a's
        "example.com/e": "selected v1.1.0",
        "example.com/f": "selected v1.1.0",
    }
    assert source.known_gomod("example.com/a", "v1.0.0") is None
    assert source.known_gomod("example.com/fork", "v1.1.0") is not None


def local_a(main_dir: Path) -> Path:
    local = main_dir / "local" / "a"
    local.mkdir(parents=True)
    (local / "go.mod").write_text(gomod("example.com/a", "require example.com/c v1.2.0"))
    return main_dir


async def test_directory_replacement_and_precedence(root: Path, tmp_path: Path) -> None:
    main_dir = local_a(tmp_path / "main")
    text = main("1.21", *ROOTS, extra=REPLACE_DIR)
    assert (await hints(facts(root), text, main_dir))["example.com/c"] == "selected v1.2.0"
    # Without the module's directory the replacement is a hole: nothing is invented.
    assert "example.com/c" not in await hints(facts(root), text)
    # A version-specific replacement wins over the one for every version.
    both = main("1.21", *ROOTS, extra=REPLACE_BOTH)
    assert (await hints(facts(root), both, main_dir))["example.com/c"] == "selected v1.3.0"


async def test_excluded_versions_are_dropped(root: Path) -> None:
    source = facts(root)
    assert await hints(source, main("1.16", *ROOTS, extra=EXCLUDE_B)) == {
        "example.com/e": "selected v1.1.0",
        "example.com/f": "selected v1.1.0",
    }
    assert source.known_gomod("example.com/b", "v1.1.0") is None


async def test_the_fetch_is_bounded(root: Path) -> None:
    source = facts(root)
    await graph_gomods(source, model(main("1.16", *ROOTS)), limit=2)
    assert source.fetcher.requests == 2
    unbounded = facts(root)
    await graph_gomods(unbounded, model(main("1.16", *ROOTS)))
    # The five roots, b v1.1.0, c v1.2.0, e v1.1.0 and f v1.1.0: each once.
    assert unbounded.fetcher.requests == 9


async def test_unknown_go_mods_give_no_hints() -> None:
    assert await hints(facts(None), main("1.21", *ROOTS)) == {}


def test_the_lookup_is_pure() -> None:
    table = {
        ModVer("example.com/a", "v1.0.0"): Summary("1.21", (ModVer("example.com/b", "v1.2.0"),)),
    }
    text = main("1.21", "a v1.0.0", "b v1.0.0", "bad latest")
    found = selected_hints(model(text), table.get)
    assert [h.label for h in found] == ["selected v1.2.0"]
    # Summaries asks the lookup when there is no module cache.
    graph = build_graph(
        [ModVer("example.com/a", "v1.0.0")], True, Summaries(None, fetched=table.get), frozenset()
    )
    assert graph.selected["example.com/b"] == "v1.2.0"


def test_is_pruned_and_go_work() -> None:
    assert is_pruned(model("module m\ngo 1.17\n"))
    assert not is_pruned(model("module m\ngo 1.16\n"))
    assert not is_pruned(model("module m\n"))
    work = read(b"go 1.22\nuse ./a\n", FileKind.GOWORK, "go.work")
    assert selected_hints(work, lambda m: None) == []


def go_selected(root: Path, home: Path, main_dir: Path, text: str) -> dict[str, str]:
    """What `go list -m all` selects (with -mod=mod on a copy, so go.mod is not rewritten)."""
    go, goroot = go_binary()
    (main_dir / "go.mod").write_text(text)
    (main_dir / "check.mod").write_text(text)
    env = offline_go_env(home, GOPROXY=root.as_uri(), GOSUMDB="off", GOFLAGS="-mod=mod", LC_ALL="C")
    if goroot is not None:
        env["GOROOT"] = goroot
    proc = subprocess.run(
        [go, "list", "-m", "-modfile=check.mod", "all"],
        cwd=main_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    pairs = (line.split() for line in proc.stdout.splitlines())
    return {p[0]: p[1] for p in pairs if len(p) == 2}


ORACLE_CASES = {
    "pruned": main("1.21", *ROOTS),
    "pruned-roots-raised": main("1.21", "a v1.0.0", "b v1.0.0", "c v1.0.0"),
    "unpruned": main("1.16", *ROOTS),
    "no-go-line": main("", "a v1.0.0", "c v1.0.0"),
    "replace-module": main("1.21", *ROOTS, extra=REPLACE_FORK),
    "replace-directory": main("1.21", *ROOTS, extra=REPLACE_DIR),
    "replace-both": main("1.16", *ROOTS, extra=REPLACE_BOTH),
    "exclude": main("1.16", *ROOTS, extra=EXCLUDE_B),
}


@pytest.mark.parametrize("case", sorted(ORACLE_CASES))
async def test_hints_agree_with_the_go_command(root: Path, tmp_path: Path, case: str) -> None:
    text = ORACLE_CASES[case]
    main_dir = local_a(tmp_path / "main")
    selected = go_selected(root, tmp_path / "home", main_dir, text)
    parsed = model(text)
    expected = {
        r.path: f"selected {selected[r.path]}"
        for r in parsed.requires
        if selected.get(r.path, r.version) != r.version
    }
    assert await hints(facts(root), text, main_dir) == expected
