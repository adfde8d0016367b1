"""x/mod's formatter golden files, and the real corpus, through modlsp's parser and printer.

x/mod's own test prints each parsed `.in` file: with the tokens the parser rewrites (unquoted
paths, canonical versions) when the file parses strictly, as written otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modlsp.core.analysis import FileKind, analyze, kind_for_name
from modlsp.core.formatter import format_model, format_syntax
from modlsp.core.problems import Severity
from modlsp.core.reader import read

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TESTDATA = DATA_DIR / "xmod" / "testdata"
REAL = DATA_DIR / "real"
GOLDEN_INPUTS = sorted(TESTDATA.glob("*.in")) + sorted((TESTDATA / "work").glob("*.in"))
FACTS = {fact["file"]: fact for fact in json.loads((REAL / "xmod_facts.json").read_text())}


def _kind(path: Path) -> FileKind:
    return FileKind.GOWORK if path.parent.name == "work" else FileKind.GOMOD


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=lambda p: str(p.relative_to(TESTDATA)))
def test_golden_files(path: Path) -> None:
    model = read(path.read_bytes(), _kind(path))
    printed = format_syntax(model.syntax, None if model.has_errors else model.normalized)
    assert printed == path.with_suffix(".golden").read_bytes()


@pytest.mark.parametrize("path", sorted(TESTDATA.glob("*.golden")), ids=lambda p: p.name)
def test_golden_files_are_stable(path: Path) -> None:
    model = read(path.read_bytes(), _kind(path))
    printed = format_syntax(model.syntax, None if model.has_errors else model.normalized)
    assert printed == path.read_bytes()


def test_every_golden_input_is_covered() -> None:
    assert len(GOLDEN_INPUTS) == 15


REAL_FILES = sorted(FACTS)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_has_no_errors(name: str) -> None:
    analysis = analyze((REAL / name).read_bytes(), kind_for_name(name), name)
    errors = [p.message for p in analysis.problems if p.severity is Severity.ERROR]
    assert errors == []


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_has_no_version_warnings(name: str) -> None:
    """Real, published files use real versions: nothing to say about any of them."""
    analysis = analyze((REAL / name).read_bytes(), kind_for_name(name), name)
    version_codes = {"noncanonical-version", "pseudo-version", "incompatible-suffix"}
    assert [p.message for p in analysis.problems if p.code in version_codes] == []


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_prints_to_itself(name: str) -> None:
    """x/mod's Parse+Format leaves these files as they are, where its facts say so."""
    data = (REAL / name).read_bytes()
    model = read(data, kind_for_name(name), name)
    printed = format_syntax(model.syntax, model.normalized)
    assert (printed == data) is FACTS[name]["format_roundtrip_identical"]


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_file_formatting_is_idempotent(name: str) -> None:
    data = (REAL / name).read_bytes()
    once = format_model(read(data, kind_for_name(name), name))
    assert once is not None
    assert format_model(read(once, kind_for_name(name), name)) == once


def test_real_corpus_is_complete() -> None:
    assert len(REAL_FILES) == 54
    assert all((REAL / name).is_file() for name in REAL_FILES)
