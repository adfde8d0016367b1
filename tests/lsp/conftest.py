"""The `client` fixture: the real modlsp server over stdio, once per editor's capabilities.

Each test initializes the session itself (its initialization options and position encodings
differ); the fixture only picks the editor and shuts the server down afterwards.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig

from .rawclient import SERVER, server_env, stop_or_kill
from .support import EDITORS, TIMEOUT, ModClient, make_client


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=SERVER,
        client_factory=make_client,
        # No module cache: what a go.mod is judged against must not depend on the machine.
        # Tests that need one run their own server (test_lsp_modules.py).
        server_env=server_env(),
    ),
    params=EDITORS,
)
async def client(lsp_client: ModClient, request: pytest.FixtureRequest):
    lsp_client.editor = request.param
    yield
    # A server that does not shut down is killed (pytest-lsp would leave it running) and
    # fails the teardown.
    await stop_or_kill(lsp_client, TIMEOUT)
