"""Quick fixes: ask for code actions on a diagnostic's range, apply the preferred fix's
WorkspaceEdit as the editor would, and check the diagnostic is gone."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from lsprotocol import types

from .support import ModClient, change, codes, edits_for, open_doc, rng, send_text_edits, start

# VS Code 1.65 declares workspace.workspaceEdit.documentChanges; Neovim 0.11 does not, so it
# must get the plain `changes` map.
EDIT_FORM = {"visual-studio-code": "documentChanges", "neovim": "changes"}

SIMPLE = "module example.com/m\n\ngo 1.22\n\nrequire example.com/a v1.2.0\n"
BLOCK = (
    "module example.com/m\n"
    "\n"
    "require (\n"
    "\texample.com/a v1.2.0\n"
    ")\n"
    "\n"
    "replace example.com/b => ../b\n"
)


@dataclass(frozen=True)
class Case:
    initial: str
    breakage: tuple[types.Range, str]  # the edit that introduces the problem
    code: str
    diagnostic_range: types.Range
    title: str


CASES = [
    pytest.param(
        Case(
            SIMPLE,
            (rng(4, 22, 4, 28), "v1.2"),
            "noncanonical-version",
            rng(4, 22, 4, 26),
            "Change to v1.2.0",
        ),
        id="noncanonical-version",
    ),
    pytest.param(
        Case(
            SIMPLE,
            (rng(4, 0, 4, 7), "requre"),
            "unknown-directive",
            rng(4, 0, 4, 6),
            "Change to 'require'",
        ),
        id="requre-typo",
    ),
    pytest.param(
        # Deleting the `)` line leaves the block unterminated; the error is on `require (`.
        Case(BLOCK, (rng(4, 0, 5, 0), ""), "syntax", rng(2, 0, 2, 9), "Add the missing ')'"),
        id="missing-paren",
    ),
]


@pytest.mark.parametrize("case", CASES)
async def test_preferred_quick_fix_removes_the_diagnostic(client: ModClient, tmp_path, case: Case):
    await start(client, {"debounceMs": 0})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", case.initial)
    published = await client.next_diagnostics(doc.uri, since=since)
    assert codes(published.diagnostics) == []

    since = client.mark()
    change(client, doc, case.breakage)
    published = await client.next_diagnostics(doc.uri, since=since, min_version=2)
    assert codes(published.diagnostics) == [case.code]
    (diagnostic,) = published.diagnostics
    assert diagnostic.range == case.diagnostic_range

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.identifier,
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    preferred = [a for a in actions if isinstance(a, types.CodeAction) and a.is_preferred]
    assert [a.title for a in preferred] == [case.title]
    (action,) = preferred
    assert action.kind == types.CodeActionKind.QuickFix
    assert codes(action.diagnostics or []) == [case.code]

    edits, version, form = edits_for(action.edit, doc.uri)
    assert form == EDIT_FORM[client.editor]
    if form == "documentChanges":
        # Versioned, so the editor refuses the fix if the document moved on meanwhile.
        assert version == doc.version == 2

    since = client.mark()
    send_text_edits(client, doc, edits)
    published = await client.next_diagnostics(doc.uri, since=since, min_version=3)
    assert published.version == 3
    assert codes(published.diagnostics) == []
    assert doc.text == case.initial


@pytest.mark.parametrize(
    ("only", "titles"),
    [
        (
            [types.CodeActionKind.QuickFix],
            ["Change to v1.2.0"],
        ),  # Neovim's filter, VS Code's Quick Fix...
        ([types.CodeActionKind.Refactor], []),
        (None, ["Change to v1.2.0"]),
    ],
    ids=["only-quickfix", "only-refactor", "no-filter"],
)
async def test_code_action_kind_filter(client: ModClient, tmp_path, only, titles) -> None:
    await start(client, {"debounceMs": 0})
    since = client.mark()
    doc = open_doc(client, tmp_path / "go.mod", "module example.com/m\n\nrequire a.com/x v1.2\n")
    published = await client.next_diagnostics(doc.uri, since=since)
    (diagnostic,) = published.diagnostics
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.identifier,
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic], only=only),
        )
    )
    assert [a.title for a in actions or []] == titles
