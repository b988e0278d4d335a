"""Failures an operator can fix, told in one or two lines instead of a traceback."""

from __future__ import annotations

from sqlalchemy import exc

from newswatch.storage.db import DatabaseUnavailable, explain


class SmtpNotConfigured(Exception):
    """Mail was asked for and no SMTP server is configured."""

    def __str__(self) -> str:
        return (
            "no SMTP server is configured, so no email can be sent\n"
            "set smtp.host (and port, security, username) in the settings file, "
            "or NEWSWATCH_SMTP__HOST"
        )


def known_failure(error: BaseException, database_url: str | None) -> str | None:
    """The message for a failure the operator can fix; None for a bug (keep the traceback)."""
    if isinstance(error, DatabaseUnavailable | SmtpNotConfigured):
        return str(error)
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        return str(explain(error, database_url))
    return None
