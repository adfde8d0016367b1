"""modules_beside: the modules next to a module, on real directories, and its stat cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from modlsp.core import localmodules
from modlsp.core.files import read_head
from modlsp.core.localmodules import module_path, modules_beside, read_gomod


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# (id, files below tmp_path, extra modules (path -> dir below tmp_path), expected result)
CASES = [
    (
        "siblings",
        {
            "m/go.mod": "module example.com/m\n",
            "x/go.mod": "module example.com/x\n\ngo 1.22\n",
            "y/go.mod": 'module "example.com/y" // quoted\n',
        },
        {},
        {"example.com/m": ["m"], "example.com/x": ["x"], "example.com/y": ["y"]},
    ),
    (
        "skipped",
        {
            "m/go.mod": "module example.com/m\n",
            ".hidden/go.mod": "module example.com/hidden\n",
            "deep/x/go.mod": "module example.com/deep\n",  # two levels down
            "nomodule/go.mod": "go 1.22\n",
            "empty/README": "",
            "file.txt": "module example.com/file\n",
            "gomoddir/go.mod/x": "",  # go.mod is a directory
        },
        {},
        {"example.com/m": ["m"]},
    ),
    (
        "same-path-twice",
        {
            "m/go.mod": "module example.com/m\n",
            "x-fork/go.mod": "module example.com/x\n",
            "x/go.mod": "module example.com/x\n",
        },
        {},
        {"example.com/m": ["m"], "example.com/x": ["x", "x-fork"]},
    ),
    (
        "extra",
        {
            "m/go.mod": "module example.com/m\n",
            "x/go.mod": "module example.com/x\n",
            "far/away/z/go.mod": "module example.com/z\n",
        },
        {"example.com/z": "far/away/z", "example.com/x": "x"},  # x is a sibling already
        {"example.com/m": ["m"], "example.com/x": ["x"], "example.com/z": ["far/away/z"]},
    ),
]


@pytest.mark.parametrize(
    ("files", "extra", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_modules_beside(
    tmp_path: Path,
    files: dict[str, str],
    extra: dict[str, str],
    expected: dict[str, list[str]],
) -> None:
    write(tmp_path, files)
    found = modules_beside(tmp_path / "m", {p: tmp_path / d for p, d in extra.items()})
    assert found == {p: [tmp_path / d for d in dirs] for p, dirs in expected.items()}


def test_relative_module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"m/go.mod": "module example.com/m\n", "x/go.mod": "module example.com/x\n"})
    monkeypatch.chdir(tmp_path / "m")
    assert modules_beside(Path()) == {
        "example.com/m": [tmp_path / "m"],
        "example.com/x": [tmp_path / "x"],
    }


def test_entries_are_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(localmodules, "MAX_ENTRIES", 3)
    write(tmp_path, {f"d{i}/go.mod": f"module example.com/d{i}\n" for i in range(6)})
    # A new parent directory: the listing is not cached yet.
    assert len(modules_beside(tmp_path / "d0")) <= 3


def test_missing_parent(tmp_path: Path) -> None:
    assert modules_beside(tmp_path / "gone" / "m") == {}


def _age(path: Path, seconds: int = 3600) -> None:
    """Give a file or directory an old modification time (no sleeping)."""
    stat = path.stat()
    old = stat.st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(old, old))


def test_cache_follows_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"m/go.mod": "module example.com/m\n", "x/go.mod": "module example.com/x\n"})
    for path in (tmp_path, tmp_path / "m" / "go.mod", tmp_path / "x" / "go.mod"):
        _age(path)
    reads: list[Path] = []

    def counting(path: Path) -> bytes | None:
        reads.append(path)
        return read_head(path)

    monkeypatch.setattr(localmodules, "read_head", counting)
    first = modules_beside(tmp_path / "m")
    assert sorted(first) == ["example.com/m", "example.com/x"]
    assert len(reads) == 2
    assert modules_beside(tmp_path / "m") == first
    assert len(reads) == 2, "an unchanged tree is served from the cache"

    (tmp_path / "x" / "go.mod").write_text("module example.com/renamed\n")
    (tmp_path / "y").mkdir()
    (tmp_path / "y" / "go.mod").write_text("module example.com/y\n")
    assert sorted(modules_beside(tmp_path / "m")) == [
        "example.com/m",
        "example.com/renamed",
        "example.com/y",
    ]

    (tmp_path / "y" / "go.mod").unlink()
    assert module_path(tmp_path / "y") is None
    assert read_gomod(tmp_path / "y") is None
