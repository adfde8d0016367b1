"""Session fixtures of the oracle suite: the sandboxed go command and its verdicts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .gocmd import GO_MISSING_MESSAGE, GoOracle, GoVerdict, find_go
from .mutants import Mutant, all_mutants

# The go command is mostly waiting on the file system and on its own start-up; a few workers
# keep the whole session's verdicts well under half a minute on two cores.
WORKERS = 4


@pytest.fixture(scope="session")
def go_oracle(tmp_path_factory: pytest.TempPathFactory) -> GoOracle:
    try:
        go = find_go()
    except RuntimeError:
        pytest.fail(GO_MISSING_MESSAGE, pytrace=False)
    root: Path = tmp_path_factory.mktemp("go-oracle")
    oracle = GoOracle(root, go)
    version = oracle.version()
    if not version.startswith("go version go1."):
        pytest.fail(f"`{go} version` printed {version!r}; {GO_MISSING_MESSAGE}", pytrace=False)
    return oracle


@pytest.fixture(scope="session")
def mutants() -> tuple[Mutant, ...]:
    return all_mutants()


@pytest.fixture(scope="session")
def verdicts(go_oracle: GoOracle, mutants: tuple[Mutant, ...]) -> dict[str, GoVerdict]:
    """go's verdict on every mutant, computed once per session, concurrently."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda m: go_oracle.verdict(m.data, m.kind), mutants))
    return {m.id: v for m, v in zip(mutants, results, strict=True)}
