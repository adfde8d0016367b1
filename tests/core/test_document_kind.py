"""Which editor documents are module files: the language id first, then the file name."""

from __future__ import annotations

import pytest

from modlsp.core.analysis import FileKind, kind_for_document

GOMOD, GOWORK = FileKind.GOMOD, FileKind.GOWORK


@pytest.mark.parametrize(
    ("name", "language_id", "kind"),
    [
        ("go.mod", "go.mod", GOMOD),  # VS Code (the Go extension's ids)
        ("go.work", "go.work", GOWORK),
        ("go.mod", "gomod", GOMOD),  # Neovim's filetypes
        ("go.work", "gowork", GOWORK),
        ("vendor.mod", "gomod", GOMOD),
        ("tools.work", "", GOWORK),  # no id: the name decides
        ("go.mod", "plaintext", GOMOD),
        ("main.go", "go", None),  # Go sources are not module files
        ("main.go", "", None),
        ("go.mod", "go", None),  # the editor says it is Go source: believe it
    ],
)
def test_kind_for_document(name: str, language_id: str, kind: FileKind | None) -> None:
    assert kind_for_document(name, language_id) is kind
