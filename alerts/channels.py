"""Chat and webhook channels through Apprise: a rule's `channels:` are Apprise URLs
(`tgram://…`, `slack://…`, `matrix://…`, `json://host/path`…) in which `${NAME}` is read from
the environment when a post is sent, so secrets stay out of the rules file, the database and
the logs. What is stored and shown is the URL as written, or its label (`label()`).

Each post carries an idempotency key. Webhooks (json, form, xml) get it as an
`Idempotency-Key` header, and json and form also as an `idempotency_key` field, so a receiver
can recognise the resend that follows a crash between its 2xx and our commit."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from urllib.parse import quote

from newswatch.alerts.email import AlertItem, _templates, _view, subject_for

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]")
WEBHOOKS = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})
_BODY_FIELD = frozenset({"json", "jsons", "form", "forms"})  # payload extras (`:key=value`)
MAX_LABEL = 300  # fits alert_deliveries.recipient (320)


class ChannelError(Exception):
    """A post that was not sent; the text holds no secret from the environment."""


def _digest(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:8]


@lru_cache(maxsize=256)  # asked for every match; Apprise parses the URL each time
def label(url: str) -> str:
    """What a channel is called in the outbox, `alerts pending`, logs and errors: Apprise's
    privacy form of its address without path or query (tokens live there), and a digest of the
    URL as written, so two channels never share a label and no secret is shown."""
    scheme = _scheme(url) or "?"
    where = "…"
    address = url.split("?", 1)[0]  # options and headers may hold `${NAME}`; not shown anyway
    if "${" not in address:
        plugin = _apprise().Apprise.instantiate(address, suppress_exceptions=True)
        if plugin is not None:
            where = plugin.url(privacy=True).split("://", 1)[1].split("/", 1)[0].split("?")[0]
    return f"{scheme}://{where} #{_digest(url)}"[:MAX_LABEL]


def _scheme(url: str) -> str | None:
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else None


def check(url: str, environ: Mapping[str, str] | None = None) -> None:
    """ValueError with a readable reason when Apprise could not use this URL. With every
    `${NAME}` it names set, the expanded URL is parsed as Apprise will; an unset variable is
    no error here (a command that sends nothing may run without the secrets) but each send
    fails, and waits, until it is set."""
    if _UNSAFE.search(url):
        raise ValueError("a channel URL cannot hold spaces or control characters")
    if "${" in _VAR.sub("", url):
        raise ValueError("write environment variables as ${NAME} (letters, digits, _)")
    scheme = _scheme(url)
    if scheme is None and not url.startswith("${"):
        raise ValueError("not an Apprise URL (scheme://…), e.g. json://host/path or tgram://…")
    manager = _apprise().apprise.N_MGR
    if scheme is not None and "${" not in scheme and scheme not in manager:
        raise ValueError(f"Apprise has no service {scheme!r} (see its wiki for the URL forms)")
    environ = os.environ if environ is None else environ
    if any(name not in environ for name in _VAR.findall(url)):
        return
    expanded, _ = expand(url, environ)
    if _apprise().Apprise.instantiate(expanded, suppress_exceptions=True) is None:
        raise ValueError(
            f"Apprise cannot read it: a part its {scheme or 'service'} URL needs is missing or "
            "malformed"
        )


def expand(url: str, environ: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """The URL with each `${NAME}` replaced, and the values put in (to mask in errors)."""
    environ = os.environ if environ is None else environ
    missing = sorted({name for name in _VAR.findall(url) if name not in environ})
    if missing:
        raise ChannelError(f"environment variable {', '.join(missing)} not set for {label(url)}")
    secrets = [environ[name] for name in _VAR.findall(url)]
    return _VAR.sub(lambda m: environ[m.group(1)], url), secrets


def with_key(url: str, key: str) -> str:
    """The URL that also sends the idempotency key, for the services that can carry it."""
    scheme = _scheme(url)
    if scheme not in WEBHOOKS:
        return url
    extra = f"+Idempotency-Key={quote(key)}"
    if scheme in _BODY_FIELD:
        extra += f"&:idempotency_key={quote(key)}"
    return f"{url}{'&' if '?' in url else '?'}{extra}"


def post_key(label: str, delivery_ids: Sequence[int]) -> str:
    """The same deliveries to the same channel always get the same key (like Message-ID)."""
    ids = ",".join(map(str, sorted(delivery_ids)))
    return "newswatch-" + hashlib.sha256(f"{label}|{ids}".encode()).hexdigest()[:32]


def compose(items: Sequence[AlertItem]) -> tuple[str, str]:
    """Title and plain-text body of one post (Apprise converts it for each service)."""
    body = _templates().get_template("post.txt.j2").render(items=[_view(i) for i in items])
    return subject_for(items), body.strip()


def send(url: str, title: str, body: str, key: str, environ=None) -> None:
    """Post once; ChannelError (secret-free) when the service did not answer with success."""
    expanded, secrets = expand(url, environ)
    apprise = _apprise()
    sender = apprise.Apprise()
    if not sender.add(with_key(expanded, key)):
        raise ChannelError(f"Apprise cannot read {label(url)}")
    try:
        result = sender.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
    except Exception as exc:  # a plugin's bug is one more failed attempt, not a crash
        raise ChannelError(_mask(f"{label(url)}: {type(exc).__name__}: {exc}", secrets)) from None
    if not result:
        reasons = "; ".join(entry.message for entry in result.logs()) or result.status.name
        raise ChannelError(_mask(f"{label(url)}: {reasons}", secrets))


def _mask(text: str, secrets: Sequence[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:  # shorter values would garble the text and hide nothing
            text = text.replace(secret, "***")
    return text


def _apprise():
    """Apprise, imported on first use (its 190 plugins take a moment), and kept quiet each
    time (a logging setup may have reset it): its lines, and urllib3's, can name tokens
    (an invalid one, a host, a path). Outcomes are logged by the alerter, masked."""
    apprise = _import_apprise()
    quiet = logging.getLogger(apprise.LOGGER_NAME)
    quiet.propagate = False
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
    pool = logging.getLogger("urllib3.connectionpool")
    if pool.getEffectiveLevel() < logging.INFO:
        pool.setLevel(logging.INFO)
    return apprise


@lru_cache(maxsize=1)
def _import_apprise():
    import apprise

    return apprise
