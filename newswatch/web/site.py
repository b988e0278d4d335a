"""What every request needs, built once (settings, sessions, rules, templates), and what
pages and API share: the stream filter of a request, the source reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from newswatch.alerts.channels import label as channel_label
from newswatch.alerts.engine import Matcher
from newswatch.alerts.rules import Rule
from newswatch.cli.state import AppState
from newswatch.cli.status import status_reports
from newswatch.config.settings import WebUser
from newswatch.storage.db import open_database
from newswatch.web import queries
from newswatch.web.security import Login, RateLimit
from newswatch.web.trial import definitions

HERE = Path(__file__).resolve().parent


class Site:
    """What every request needs, built once: settings, sessions, rules, time zones."""

    def __init__(self, app_state: AppState, rules: list[Rule]) -> None:
        settings = app_state.settings
        self.settings = settings
        self.sources = app_state.sources
        self.source_names = {s.id: s.name for s in self.sources}
        # the filter's choices come from the configuration: no scan of 100,000 articles
        self.languages = sorted({lang for s in self.sources for lang in s.languages})
        self.zones: dict[str, tzinfo] = {s.id: s.tz for s in self.sources}
        self.database_url = settings.database_url
        self.sessions: sessionmaker[Session] = open_database(settings.database_url)
        self.rules = rules
        self.matcher = Matcher.from_rules(rules)
        self.defined = definitions(settings.rules_file)
        self.limit = RateLimit()
        self.logins = RateLimit(per_window=10, window_seconds=60.0)  # password guesses
        self.actions = settings.web.actions
        auth = settings.web.auth
        self.login = (
            Login(auth.user, auth.password_hash.get_secret_value())
            if isinstance(auth, WebUser)
            else None
        )
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=True, auto_reload=False
        )
        self.templates.filters["when"] = self.when
        self.templates.filters["replace_page"] = with_page
        self.templates.filters["channel_label"] = channel_label  # never a channel's URL

    def when(self, value: datetime | None, source_id: str | None = None) -> str:
        """A time in the publisher's zone, with the zone: the date the publisher printed."""
        if value is None:
            return "—"
        local = value.astimezone(self.zones.get(source_id or "", UTC))
        return local.strftime("%Y-%m-%d %H:%M %Z")

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        template = self.templates.get_template(name)
        # the form's CSRF token (asgi-csrf); asking for it sets its cookie
        csrf = request.scope.get("csrftoken", lambda: "")
        body = template.render(request=request, site=self, csrf=csrf, **context)
        return HTMLResponse(body, status_code=status)

    def throttle(self, request: Request) -> None:
        if not self.limit.allow(request.client.host if request.client else "?"):
            raise HTTPException(429, "too many searches; wait a few seconds")


def with_page(params: Any, page: int) -> str:
    return urlencode([(k, v) for k, v in params.multi_items() if k != "page"] + [("page", page)])


def parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: not a date (YYYY-MM-DD): {value[:20]!r}") from None


def stream_filter(request: Request) -> queries.StreamFilter:
    params = request.query_params
    page = params.get("page", "0")
    return queries.StreamFilter(
        rule=params.get("rule") or None,
        source=params.get("source") or None,
        language=params.get("language") or None,
        since=parse_date(params.get("since"), "since"),
        until=parse_date(params.get("until"), "until"),
        page=min(int(page), 1000) if page.isdigit() else 0,
    )


def source_reports(site: Site) -> list[dict[str, Any]]:
    """The data of `newswatch status --json`, one dict per source."""
    with site.sessions() as session:
        reports, _ = status_reports(session, site.sources, site.database_url)
    return reports
