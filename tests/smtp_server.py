"""A real SMTP server on loopback (aiosmtpd) that records what it accepts, can refuse with a
temporary error, and requires a login."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME = "newswatch"
PASSWORD = "s3cret-Pa55-w0rd"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    refuse_with: str | None = None  # e.g. "451 4.3.0 Try again later"
    lock: threading.Lock = field(default_factory=threading.Lock)
    # hold_data: answer DATA only once this is set; `holding` tells a message is waiting.
    # If the client goes away meanwhile, aiosmtpd cancels the transaction: nothing is kept,
    # as with any server that had not yet answered 250.
    hold_data: threading.Event | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    # hold_quit: after a message got its "250", answer the client's QUIT only once this is set;
    # `accepted` tells a client has its 250 and waits there, before it can record the send.
    hold_quit: threading.Event | None = None
    accepted: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse_with:
            return self.refuse_with
        if self.hold_data is not None and not self.hold_data.is_set():
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.hold_data.wait)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        # The hold applies to the session that delivered under it: a late QUIT of an earlier
        # session (a loaded machine) must neither signal `accepted` nor be held.
        session.hold_quit, session.accepted = self.hold_quit, self.accepted
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope) -> str:
        hold = getattr(session, "hold_quit", None)
        if hold is not None and not hold.is_set():
            session.accepted.set()
            await asyncio.get_running_loop().run_in_executor(None, hold.wait)
        return "221 Bye"


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USERNAME.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok)


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        self._controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=_authenticate,
            auth_required=True,
            auth_require_tls=False,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def settings(self) -> dict:
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "security": "none",
            "username": USERNAME,
            "from_address": "alerts@newswatch.example",
        }
