"""Quick fixes shared by the directive reader: likely directive names and version repairs."""

from __future__ import annotations

from modlsp.core import gostring, modpath, semver
from modlsp.core.lexer import Token
from modlsp.core.modfile import delete_line_edit
from modlsp.core.problems import Edit, Fix
from modlsp.core.syntax import FileSyntax, Line


def closest_verb(word: str, verbs: frozenset[str]) -> str | None:
    """The known directive a misspelt one most likely means (edit distance <= 2)."""
    best: tuple[int, str] | None = None
    for verb in sorted(verbs):
        distance = _edit_distance(word.lower(), verb)
        if distance <= 2 and distance < len(verb) // 2 + 1 and (best is None or distance < best[0]):
            best = (distance, verb)
    return best[1] if best else None


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def version_fixes(token: Token, text: str) -> tuple[Fix, ...]:
    """`1.2.3` -> `v1.2.3`, `V1.2.3` -> `v1.2.3`."""
    for candidate in ("v" + text, "v" + text[1:] if text[:1] == "V" else ""):
        canonical = modpath.canonical_version(candidate) if candidate else ""
        if canonical:
            return (Fix(f"Change to {canonical}", (Edit(token.span, canonical),), preferred=True),)
    return ()


def major_mismatch_fixes(
    path: str, prefix: str, major: str, version: str, path_token: Token, version_token: Token
) -> tuple[Fix, ...]:
    """Both repairs of a path/version major mismatch: fix the path, or mark +incompatible."""

    version_major = semver.major(version)
    fixes: list[Fix] = []
    if major.startswith(".") or not version_major:
        return ()
    if version_major in ("v0", "v1"):
        if major:
            fixes.append(
                Fix(
                    f"Change the path to {prefix}",
                    (Edit(path_token.span, gostring.auto_quote(prefix)),),
                    True,
                )
            )
        return tuple(fixes)
    new_path = f"{prefix}/{version_major}"
    fixes.append(
        Fix(
            f"Change the path to {new_path}",
            (Edit(path_token.span, gostring.auto_quote(new_path)),),
            True,
        )
    )
    if not major and not version.endswith("+incompatible") and not semver.build(version):
        fixes.append(
            Fix(
                f"Change to {version}+incompatible",
                (Edit(version_token.span, version + "+incompatible"),),
            )
        )
    return tuple(fixes)


def delete_line_fix(syntax: FileSyntax, line: Line) -> Fix:
    return Fix("Remove this line", (delete_line_edit(syntax, line),))
