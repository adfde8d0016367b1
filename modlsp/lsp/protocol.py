"""modlsp's JSON-RPC protocol: pygls's LanguageServerProtocol, answering what a broken client
sends the way JSON-RPC 2.0 and LSP say, and applying edits without pygls's per-character cost.

`receive` takes each message body the transport framed (transport.py) and, before pygls sees it:

- a body that is not JSON gets -32700 Parse error (id null); one that is not a request,
  notification or response object gets -32600 Invalid Request (its id, when it has a usable one);
- a request before `initialize` gets -32002 ServerNotInitialized, one after `shutdown` -32600;
  notifications then are dropped, except `exit`;
- a request for a method the server does not have gets -32601 (those starting with "$/" too);
  such a notification is ignored ("$/" ones without a word in the log);
- params lsprotocol cannot structure get -32602 Invalid params, with the request's id and
  cattrs's account of what is wrong; for a notification the message is dropped;
- a response from the client that cannot be structured fails the request it answers, instead
  of leaving its handler waiting forever.

None of these is shown to the user: they are the client's faults, logged as warnings. Internal
errors (a handler raising) keep pygls's treatment: -32603 for requests, logged with a traceback.
"""

from __future__ import annotations

import contextvars
import json
import logging
import uuid
import weakref
from collections.abc import Generator, Hashable
from concurrent.futures import Future
from typing import Any

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
    LanguageServerProtocol,
    lsp_method,
)
from pygls.workspace import TextDocument

from modlsp.lsp.documents import LineCursor, apply_changes, open_document
from modlsp.lsp.transport import StdioTransport

log = logging.getLogger(__name__)

PARSE_ERROR = types.ErrorCodes.ParseError.value
INVALID_REQUEST = types.ErrorCodes.InvalidRequest.value
METHOD_NOT_FOUND = types.ErrorCodes.MethodNotFound.value
INVALID_PARAMS = types.ErrorCodes.InvalidParams.value
SERVER_NOT_INITIALIZED = types.ErrorCodes.ServerNotInitialized.value

# Errors a handler raises about what the client sent: answered, logged as warnings.
_CLIENT_FAULTS = frozenset({INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS})


def _usable_id(value: object) -> bool:
    """LSP's request ids: integers and strings (JSON-RPC's null and fractions are not)."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _describe(error: Exception) -> str:
    if isinstance(error, cattrs.ClassValidationError):
        return "; ".join(cattrs.transform_error(error))
    return f"{type(error).__name__}: {error}"


class ModlspProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_received = False
        # The latest change of each document whose didChange handler has not run yet.
        self._changed: dict[str, types.DidChangeTextDocumentParams] = {}
        # Each open document's line cursor; a document reopened is a new object, a new cursor.
        self._cursors: weakref.WeakKeyDictionary[TextDocument, LineCursor] = (
            weakref.WeakKeyDictionary()
        )

    # --- receiving ------------------------------------------------------------------------

    def receive(self, body: bytes) -> None:
        """One message body from the client."""
        try:
            data = json.loads(body)
        except ValueError as error:  # JSONDecodeError, or bytes that are no Unicode text
            log.warning("a message that is not JSON (%s): answered Parse error", error)
            self._reply_error(None, PARSE_ERROR, f"Parse error: {error}")
            return
        if not isinstance(data, dict):
            log.warning(
                "a message that is a JSON %s: answered Invalid Request", type(data).__name__
            )
            self._reply_error(None, INVALID_REQUEST, "Invalid Request: not a JSON object")
            return
        if "method" in data:
            self._receive_call(data)
        elif "id" in data and ("result" in data or "error" in data):
            self._receive_response(data)
        else:
            self._invalid(data, "neither a request, a notification nor a response")

    def oversized(self, length: int) -> None:
        """A message too large to read (the transport skipped its body)."""
        log.warning("skipped a message of %d bytes: too large", length)
        self._reply_error(None, INVALID_REQUEST, f"Invalid Request: {length} bytes is too large")

    def _invalid(self, data: dict[str, Any], why: str) -> None:
        msg_id = data.get("id")
        log.warning("an invalid message (%s): answered Invalid Request", why)
        self._reply_error(
            msg_id if _usable_id(msg_id) else None, INVALID_REQUEST, f"Invalid Request: {why}"
        )

    def _receive_call(self, data: dict[str, Any]) -> None:
        method = data["method"]
        is_request = "id" in data
        if not isinstance(method, str):
            self._invalid(data, "the method is not a string")
            return
        if data.get("jsonrpc") != self.VERSION:
            if is_request:
                self._invalid(data, '"jsonrpc" must be "2.0"')
            else:
                log.warning("dropped a %s notification without jsonrpc 2.0", method)
            return
        if is_request and not _usable_id(data["id"]):
            self._invalid(data, "the id is not an integer or a string")
            return
        if "params" in data and not isinstance(data["params"], (dict, list, type(None))):
            if is_request:
                self._reply_error(
                    data["id"], INVALID_PARAMS, "Invalid params: not an object or an array"
                )
            else:
                log.warning("dropped a %s notification: its params are not structured", method)
            return
        if is_request:
            self._receive_request(data, method)
        else:
            self._receive_notification(data, method)

    def _receive_request(self, data: dict[str, Any], method: str) -> None:
        msg_id = data["id"]
        if self._shutdown:
            log.warning("a %s request after shutdown: answered Invalid Request", method)
            self._reply_error(
                msg_id, INVALID_REQUEST, "Invalid Request: the server is shutting down"
            )
            return
        if method == types.INITIALIZE:
            if self._initialize_received:
                self._reply_error(msg_id, INVALID_REQUEST, "Invalid Request: already initialized")
                return
        elif not self._initialize_received:
            log.warning("a %s request before initialize: answered ServerNotInitialized", method)
            self._reply_error(msg_id, SERVER_NOT_INITIALIZED, "the server is not initialized")
            return
        if not self._knows(method):
            log.warning("a request for an unknown method %r: answered Method not found", method)
            self._reply_error(msg_id, METHOD_NOT_FOUND, f"Method not found: {method}")
            return
        try:
            message = self._converter.structure(
                data, self.get_message_type(method) or JsonRPCRequestMessage
            )
        except Exception as error:
            why = _describe(error)
            log.warning("a %s request with invalid params: %s", method, why)
            self._reply_error(msg_id, INVALID_PARAMS, f"Invalid params: {why}")
            return
        if method == types.INITIALIZE:
            self._initialize_received = True
        self.caught_up()
        # What pygls's handle_message does once it has told the kinds of message apart (with
        # isinstance checks against runtime protocols, a sixth of a didChange's cost).
        contextvars.copy_context().run(self._handle_request, msg_id, method, message.params)

    def _receive_notification(self, data: dict[str, Any], method: str) -> None:
        if method != types.EXIT:
            if not self._initialize_received or self._shutdown:
                when = "after shutdown" if self._shutdown else "before initialize"
                log.info("dropped a %s notification %s", method, when)
                return
            if method != types.CANCEL_REQUEST and not self._knows(method):
                if not method.startswith("$/"):  # LSP: those may be ignored silently
                    log.info("ignored a notification for an unknown method %r", method)
                return
        try:
            message = self._converter.structure(
                data, self.get_message_type(method) or JsonRPCNotification
            )
        except Exception as error:
            log.warning(
                "dropped a %s notification with invalid params: %s", method, _describe(error)
            )
            return
        if method == types.TEXT_DOCUMENT_DID_CHANGE:
            # Applied here, not through pygls's notification dispatch (a uuid4, a Future and a
            # generator step per keystroke, a third of a didChange's cost in a burst).
            self._apply_change(message.params)
            return
        self.caught_up()
        contextvars.copy_context().run(self._handle_notification, method, message.params)

    def _receive_response(self, data: dict[str, Any]) -> None:
        msg_id = data["id"]
        if not _usable_id(msg_id):
            log.warning("dropped a response with the id %r", msg_id)
            return
        result_type = self._result_types.pop(msg_id, None)
        try:
            message = self._converter.structure(
                data,
                types.ResponseErrorMessage
                if "error" in data
                else result_type or JsonRPCResponseMessage,
            )
        except Exception as error:
            why = _describe(error)
            log.warning("a response to request %r that cannot be read: %s", msg_id, why)
            error_ = types.ResponseError(code=INVALID_PARAMS, message=f"invalid response: {why}")
            self._handle_response(msg_id, None, error_)
            return
        self.caught_up()
        if isinstance(message, types.ResponseErrorMessage):
            self._handle_response(msg_id, None, message.error)
        else:
            self._handle_response(msg_id, message.result)

    def _handle_response(
        self,
        msg_id: int | str,
        result: Any | None = None,
        error: types.ResponseError | None = None,
    ) -> None:
        """pygls's, except that the answer to a request nobody awaits any longer (`shutdown`
        cancels them all) is dropped instead of failing on the cancelled future."""
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():
            del self._request_futures[msg_id]
            log.debug("dropped the response to request %r: no longer awaited", msg_id)
            return
        super()._handle_response(msg_id, result, error)

    def handle_message(self, message: Any) -> None:
        """pygls's; its own reading loops (the TCP transport) call it for each message, so
        every message is followed by caught_up there."""
        super().handle_message(message)
        self.caught_up()

    def _knows(self, method: str) -> bool:
        return method in self.fm.builtin_features or method in self.fm.features

    # --- sending --------------------------------------------------------------------------

    def _reply_error(self, msg_id: int | str | None, code: int, message: str) -> None:
        # Built by hand: lsprotocol's converter leaves out a null id, which JSON-RPC wants.
        error = {"code": code, "message": message}
        self._send_data({"jsonrpc": self.VERSION, "id": msg_id, "error": error})

    def _send_data(self, data: Any) -> None:
        """pygls's, except that the frame goes to the transport with a key saying what it
        supersedes: a publication of a document's diagnostics supersedes the one before."""
        writer = self.writer
        if not isinstance(writer, StdioTransport):
            super()._send_data(data)  # the TCP transport, for debugging
            return
        try:
            body = json.dumps(data, default=self._serialize_message).encode(self.CHARSET)
        except Exception:
            log.exception("could not serialize a message")
            return
        key: Hashable | None = None
        if isinstance(data, types.PublishDiagnosticsNotification):
            key = (data.method, data.params.uri)
        log.debug("sending %s", body)
        writer.send_frame(b"Content-Length: %d\r\n\r\n%s" % (len(body), body), key)

    def _send_handler_result(self, future: Future[Any], *, msg_id: int | str) -> None:
        """pygls's, except that a handler's complaint about the request (invalid params, say)
        is the client's fault, not an internal error to log with a traceback."""
        error = None if future.cancelled() else future.exception()
        if isinstance(error, JsonRpcException) and error.code in _CLIENT_FAULTS:
            self._request_futures.pop(msg_id, None)
            log.warning("request %r: %s", msg_id, error)
            self._send_response(msg_id, error=error.to_response_error())
            return
        super()._send_handler_result(future, msg_id=msg_id)

    # --- documents ------------------------------------------------------------------------

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """pygls's; `receive` calls `_apply_change` itself, this is for other callers."""
        self._apply_change(params)
        yield from ()

    def _apply_change(self, params: types.DidChangeTextDocumentParams) -> None:
        """pygls's didChange, except that a change for a document that is not open, or for a
        version the document already has (or an older one), is dropped (applied, it would put
        stale text over the newest and publish diagnostics for it), and that the edits are
        applied by documents.apply_changes."""
        uri = params.text_document.uri
        document = open_document(self.workspace, uri)
        if document is None:
            log.warning("ignored a change of %s: it is not open", uri)
            return
        current = document.version
        new = params.text_document.version
        if current is not None and new is not None and new <= current:
            log.warning(
                "ignored a change of %s to version %d: it is at version %d", uri, new, current
            )
            return
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        cursor = self._cursors.setdefault(document, LineCursor())
        text = apply_changes(
            document.source,
            params.content_changes,
            str(getattr(encoding, "value", encoding)),
            cursor,
        )
        document._source = text  # what pygls's own apply_change sets
        document.version = new
        # The handler (analysis, module state, scheduling a publication) runs in caught_up.
        self._changed.pop(uri, None)
        self._changed[uri] = params

    def caught_up(self) -> None:
        """Run the didChange handler, once per document, for the changes applied since the
        last call: before any other message is handled, and whenever the transport has handed
        over everything that has arrived. A burst of edits that queued up while the server was
        busy (1,000 keystrokes a second) costs one analysis, of the last state; a client that
        the server keeps up with sees no difference."""
        handler = self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)
        while self._changed:
            uri = next(iter(self._changed))
            params = self._changed.pop(uri)
            if handler is not None:
                self._execute_handler(
                    str(uuid.uuid4()), handler, self._check_handler_result, args=(params,)
                )
