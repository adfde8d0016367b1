"""Document links: pkg.go.dev for public modules (never for private ones or invalid lines),
the go.mod of local replacement and go.work `use` directories when it exists."""

from __future__ import annotations

from pathlib import Path

from modlsp.core.links import Link, document_links
from modlsp.core.modfile import FileKind
from modlsp.core.reader import read

from .versionproxy import config, model

GOMOD = """module example.com/m // modülé ✓

go 1.21

require (
	example.com/a v1.2.0
	"example.com/Quoted" v1.0.0 // indirect
	private.corp/secret v1.0.0
	example.com/bad v1.x
)

require example.com/b/v2 v2.0.0

replace example.com/a => ../a

replace example.com/b/v2 v2.0.0 => example.com/fork/v2 v2.1.0

replace example.com/c => ./missing

replace private.corp/secret => private.corp/fork v1.0.0

replace example.com/d => /abs/nowhere
"""


def spans(text: str, links: list[Link]) -> list[tuple[str, str, str]]:
    data = text.encode()
    return [
        (data[link.span.start : link.span.end].decode(), link.target, link.tooltip)
        for link in links
    ]


def test_go_mod_links(tmp_path: Path) -> None:
    main = tmp_path / "main"
    main.mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "go.mod").write_text("module example.com/a\n")
    links = document_links(model(GOMOD), main, config(None, private="private.corp"))
    assert spans(GOMOD, links) == [
        (
            "example.com/a",
            "https://pkg.go.dev/example.com/a@v1.2.0",
            "Open example.com/a@v1.2.0 on pkg.go.dev",
        ),
        (
            '"example.com/Quoted"',
            "https://pkg.go.dev/example.com/Quoted@v1.0.0",
            "Open example.com/Quoted@v1.0.0 on pkg.go.dev",
        ),
        (
            "example.com/b/v2",
            "https://pkg.go.dev/example.com/b/v2@v2.0.0",
            "Open example.com/b/v2@v2.0.0 on pkg.go.dev",
        ),
        ("../a", (tmp_path / "a" / "go.mod").as_uri(), "Open ../a/go.mod"),
        (
            "example.com/fork/v2",
            "https://pkg.go.dev/example.com/fork/v2@v2.1.0",
            "Open example.com/fork/v2@v2.1.0 on pkg.go.dev",
        ),
    ]


def test_without_goprivate_every_module_is_public(tmp_path: Path) -> None:
    targets = [link.target for link in document_links(model(GOMOD), tmp_path, config(None))]
    assert "https://pkg.go.dev/private.corp/secret@v1.0.0" in targets
    assert "https://pkg.go.dev/private.corp/fork@v1.0.0" in targets


def test_crlf_offsets(tmp_path: Path) -> None:
    text = "module example.com/m\r\n\r\n// ça\r\nrequire example.com/a v1.0.0\r\n"
    links = document_links(model(text), tmp_path, config(None))
    assert spans(text, links)[0][0] == "example.com/a"


def test_go_work_uses_and_replaces(tmp_path: Path) -> None:
    work = tmp_path / "work"
    for name in ("app", "lib"):
        (work / name).mkdir(parents=True)
        (work / name / "go.mod").write_text(f"module example.com/{name}\n")
    (work / "nomod").mkdir()
    (tmp_path / "fork").mkdir()
    (tmp_path / "fork" / "go.mod").write_text("module example.com/x\n")
    text = (
        "go 1.22\n\nuse (\n\t./app\n\t./lib/\n\t./nomod\n\t./absent\n)\n\n"
        "replace example.com/x => ../fork\n"
        "replace example.com/y v1.0.0 => example.com/z v1.1.0\n"
    )
    parsed = read(text.encode(), FileKind.GOWORK, "go.work")
    assert spans(text, document_links(parsed, work, config(None))) == [
        ("./app", (work / "app" / "go.mod").as_uri(), "Open ./app/go.mod"),
        ("./lib/", (work / "lib" / "go.mod").as_uri(), "Open ./lib/go.mod"),
        ("../fork", (tmp_path / "fork" / "go.mod").as_uri(), "Open ../fork/go.mod"),
        (
            "example.com/z",
            "https://pkg.go.dev/example.com/z@v1.1.0",
            "Open example.com/z@v1.1.0 on pkg.go.dev",
        ),
    ]


def test_relative_directory_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "m" / "sub").mkdir(parents=True)
    (tmp_path / "m" / "sub" / "go.mod").write_text("module example.com/sub\n")
    text = "module example.com/m\n\nreplace example.com/sub => ./sub\n"
    links = document_links(model(text), tmp_path / "m" / "." / "sub" / "..", config(None))
    assert [link.target for link in links] == [(tmp_path / "m" / "sub" / "go.mod").as_uri()]
