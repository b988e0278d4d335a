"""Sending through an SMTP server: STARTTLS, implicit TLS or plain; login when configured."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage

from newswatch.config.settings import SmtpSettings


class SendError(Exception):
    """The server did not take the message; the reason never includes credentials."""


def send(message: EmailMessage, smtp: SmtpSettings) -> None:
    _session(smtp, lambda client: client.send_message(message))


def send_stored(content: bytes, sender: str, recipient: str, smtp: SmtpSettings) -> None:
    """Send an email composed earlier, byte for byte (a resend keeps its Message-ID and
    content)."""
    _session(smtp, lambda client: client.sendmail(sender, [recipient], content))


def _session(smtp: SmtpSettings, transfer: Callable[[smtplib.SMTP], object]) -> None:
    if not smtp.host:
        raise SendError("no SMTP host configured (smtp.host / NEWSWATCH_SMTP__HOST)")
    context = ssl.create_default_context(cafile=str(smtp.ca_file) if smtp.ca_file else None)
    try:
        if smtp.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=context
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=context)
            if smtp.username:
                password = smtp.password.get_secret_value() if smtp.password else ""
                client.login(smtp.username, password)
            transfer(client)
    except smtplib.SMTPResponseException as exc:
        detail = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else exc.smtp_error
        )
        raise SendError(f"SMTP {exc.smtp_code}: {detail}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"{type(exc).__name__}: {exc}") from None
