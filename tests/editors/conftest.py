"""A warm module cache for the editor tests: the modules their go.mod requires, as the go
command downloaded them (from a file:// proxy), so the requirement checks have nothing to
say about a project whose main.go imports them, on any machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle.goproxy import populate_cache, write_proxy
from oracle.tidy_fixtures import go_file, lib, merge

PROXY = merge(
    lib("golang.org/x/text@v0.14.0", files={"language/language.go": go_file("language")}),
    lib("golang.org/x/mod@v0.17.0", files={"modfile/modfile.go": go_file("modfile")}),
)
# The editor projects' main.go: it uses both requirements of their go.mod.
MAIN_GO = (
    "package main\n\nimport (\n"
    '\t_ "golang.org/x/mod/modfile"\n\t_ "golang.org/x/text/language"\n'
    ")\n\nfunc main() {}\n"
)

# A module to move to its next major version (modlsp.server.bumpMajor): main.go imports its
# package greet, which imports its package words. File names are relative to the module.
BUMPME = {
    "go.mod": "module example.com/bumpme\n\ngo 1.22\n",
    "main.go": 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/bumpme/greet"\n)\n\n'
    "func main() {\n\tfmt.Println(greet.Hello())\n}\n",
    "greet/greet.go": 'package greet\n\nimport "example.com/bumpme/words"\n\n'
    "// Hello says hello.\nfunc Hello() string {\n\treturn words.Hello\n}\n",
    "words/words.go": 'package words\n\n// Hello is the greeting.\nconst Hello = "hello"\n',
}


def bumped(files: dict[str, str], major: int) -> dict[str, str]:
    """BUMPME's files moved to /v<major>: the module line and every import of its packages."""
    path = "example.com/bumpme"
    return {
        name: text.replace(f"module {path}\n", f"module {path}/v{major}\n").replace(
            f'"{path}/', f'"{path}/v{major}/'
        )
        for name, text in files.items()
    }


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        root.joinpath(name).parent.mkdir(parents=True, exist_ok=True)
        root.joinpath(name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def gomodcache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("editor-modcache")
    return populate_cache(write_proxy(base / "proxy", PROXY), base / "home", PROXY)
