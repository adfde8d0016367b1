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


@pytest.fixture(scope="session")
def gomodcache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("editor-modcache")
    return populate_cache(write_proxy(base / "proxy", PROXY), base / "home", PROXY)
