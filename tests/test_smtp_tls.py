"""SMTP over STARTTLS and implicit TLS, with a login, against a real aiosmtpd server whose
certificate comes from a test CA (trustme)."""

from __future__ import annotations

import ssl
from email.message import EmailMessage

import pytest
import trustme
from aiosmtpd.controller import Controller

from newswatch.alerts.smtp import SendError, send
from newswatch.config.settings import SmtpSettings
from tests.smtp_server import PASSWORD, USERNAME, RecordingHandler, _authenticate, free_port


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> tuple[trustme.CA, str]:
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, str(path)


def _server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


def _message() -> EmailMessage:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = "t", "a@x.example", "b@x.example"
    message.set_content("body")
    return message


def _settings(port: int, security: str, ca_file: str | None) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        security=security,
        username=USERNAME,
        password=PASSWORD,
        ca_file=ca_file,
        timeout=10,
    )


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_login_and_send_over_tls(ca, security: str) -> None:
    authority, ca_file = ca
    handler, port = RecordingHandler(), free_port()
    options = (
        {"tls_context": _server_context(authority), "require_starttls": True}
        if security == "starttls"
        # aiosmtpd does not count an implicit-TLS transport as TLS for AUTH; it is one
        else {"ssl_context": _server_context(authority), "auth_require_tls": False}
    )
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_required=True,
        **options,
    )
    controller.start()
    try:
        send(_message(), _settings(port, security, ca_file))
        with pytest.raises(SendError) as untrusted:  # the system CAs do not know the test CA
            send(_message(), _settings(port, security, None))
        assert PASSWORD not in str(untrusted.value)
    finally:
        controller.stop()
    assert [r.recipients for r in handler.received] == [["b@x.example"]]
