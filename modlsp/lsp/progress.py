"""Work-done progress ($/progress) for long work: the workspace scan and the refactorings. A
client that cannot show progress gets none and the work goes on."""

from __future__ import annotations

import asyncio
import logging
import uuid

from lsprotocol import types

from modlsp.lsp.server import ModlspServer

log = logging.getLogger(__name__)


class Progress:
    def __init__(self, ls: ModlspServer, token: str | None) -> None:
        self._ls = ls
        self._token = token
        self._loop = asyncio.get_running_loop()
        self._last_percentage = -1

    @classmethod
    async def start(cls, ls: ModlspServer, title: str) -> Progress:
        window = ls.client_capabilities.window
        if not (window and window.work_done_progress):
            return cls(ls, None)
        token = f"modlsp-{uuid.uuid4()}"
        try:
            await ls.work_done_progress.create_async(token)
        except Exception as err:  # the client may refuse; the work does not depend on it
            log.info("no progress reporting: %s", err)
            return cls(ls, None)
        ls.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title=title, cancellable=False, percentage=0)
        )
        return cls(ls, token)

    def message(self, text: str) -> None:
        """From the event loop."""
        if self._token is not None:
            self._ls.work_done_progress.report(
                self._token, types.WorkDoneProgressReport(message=text)
            )

    def report(self, done: int, total: int) -> None:
        """From any thread: `done` of `total` files; sent when the percentage moves."""
        if self._token is None or total <= 0:
            return
        percentage = done * 100 // total
        if percentage == self._last_percentage:
            return
        self._last_percentage = percentage
        report = types.WorkDoneProgressReport(
            message=f"{done}/{total} files", percentage=percentage
        )
        self._loop.call_soon_threadsafe(self._ls.work_done_progress.report, self._token, report)

    def end(self) -> None:
        if self._token is not None:
            self._ls.work_done_progress.end(self._token, types.WorkDoneProgressEnd(message="done"))
            self._token = None
