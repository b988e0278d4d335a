"""The ASGI application: HTML pages, the JSON API and Atom feeds, all read-only (GET)."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from newswatch.alerts.document import Document
from newswatch.alerts.engine import Matcher
from newswatch.alerts.rules import Rule
from newswatch.alerts.textsearch import SearchQueryError, search
from newswatch.cli.alerts import _delivery_json as delivery_json
from newswatch.cli.articles import article_json
from newswatch.cli.state import AppState
from newswatch.cli.status import _report as source_report
from newswatch.cli.stories import story_json
from newswatch.storage import health, jobstate, outbox, repository
from newswatch.storage.db import open_database
from newswatch.storage.models import Article, Story
from newswatch.web import feeds, highlight, queries
from newswatch.web.security import Guard, RateLimit
from newswatch.web.trial import definitions, try_query

HERE = Path(__file__).resolve().parent
API_LIMIT = 500


class Site:
    """What every request needs, built once: settings, sessions, rules, time zones."""

    def __init__(self, app_state: AppState, rules: list[Rule]) -> None:
        settings = app_state.settings
        self.sources = app_state.sources
        self.source_names = {s.id: s.name for s in self.sources}
        self.zones: dict[str, tzinfo] = {s.id: s.tz for s in self.sources}
        self.sessions: sessionmaker[Session] = open_database(settings.database_url)
        self.rules = rules
        self.matcher = Matcher.from_rules(rules)
        self.defined = definitions(settings.rules_file)
        self.limit = RateLimit()
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=True, auto_reload=False
        )
        self.templates.filters["when"] = self.when
        self.templates.filters["replace_page"] = _with_page

    def when(self, value: datetime | None, source_id: str | None = None) -> str:
        """A time in the publisher's zone, with the zone: the date the publisher printed."""
        if value is None:
            return "—"
        local = value.astimezone(self.zones.get(source_id or "", UTC))
        return local.strftime("%Y-%m-%d %H:%M %Z")

    def page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        template = self.templates.get_template(name)
        body = template.render(request=request, site=self, **context)
        return HTMLResponse(body, status_code=status)

    def throttle(self, request: Request) -> None:
        if not self.limit.allow(request.client.host if request.client else "?"):
            raise HTTPException(429, "too many searches; wait a few seconds")


def _with_page(params: Any, page: int) -> str:
    return urlencode([(k, v) for k, v in params.multi_items() if k != "page"] + [("page", page)])


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: not a date (YYYY-MM-DD): {value[:20]!r}") from None


def _filter(request: Request) -> queries.StreamFilter:
    params = request.query_params
    page = params.get("page", "0")
    return queries.StreamFilter(
        rule=params.get("rule") or None,
        source=params.get("source") or None,
        language=params.get("language") or None,
        since=_date(params.get("since"), "since"),
        until=_date(params.get("until"), "until"),
        page=min(int(page), 1000) if page.isdigit() else 0,
    )


def _canonical(story: Story) -> Article | None:
    return next((a for a in story.articles if a.id == story.canonical_article_id), None)


# --- pages ---------------------------------------------------------------------------------


def stream_page(request: Request) -> Response:
    site: Site = request.app.state.site
    chosen = _filter(request)
    with site.sessions() as session:
        stories = queries.stream(session, chosen)
        langs = queries.languages(session)
        return site.page(
            request,
            "stream.html",
            stories=stories,
            chosen=chosen,
            languages=langs,
            canonical=_canonical,
            page_size=queries.PAGE,
        )


def _search_hits(site: Site, session: Session, q: str) -> tuple[list, str | None]:
    try:
        return search(session, q), None
    except SearchQueryError as exc:
        return [], str(exc)


def search_page(request: Request) -> Response:
    site: Site = request.app.state.site
    q = request.query_params.get("q", "").strip()
    hits, error = [], None
    if q:
        site.throttle(request)
        with site.sessions() as session:
            hits, error = _search_hits(site, session, q)
    results = [
        {
            "article": h.article,
            "title": highlight.pieces(
                h.article.title or "", [(s.start, s.end) for s in h.title_spans]
            ),
            "snippet": highlight.snippet(h.article.text, [(s.start, s.end) for s in h.text_spans]),
            "matched": h.matched,
        }
        for h in hits
    ]
    return site.page(
        request, "search.html", q=q, results=results, error=error, status=400 if error else 200
    )


def _article_view(site: Site, article: Article, q: str) -> dict[str, Any]:
    """An article with the words of the rules that match it (and of a search) marked."""
    document = Document(article.title or "", article.text, article.language, article.source_id)
    matches = site.matcher.match(document)
    title_spans = [(t.start, t.end) for m in matches for t in m.terms if t.field == "title"]
    text_spans = [(t.start, t.end) for m in matches for t in m.terms if t.field != "title"]
    if q:
        from newswatch.alerts.textsearch import check, query_words

        try:
            hit = check(article, query_words(q))
        except SearchQueryError:
            hit = None
        if hit:
            title_spans += [(s.start, s.end) for s in hit.title_spans]
            text_spans += [(s.start, s.end) for s in hit.text_spans]
    return {
        "article": article,
        "title": highlight.pieces(article.title or "", title_spans),
        "text": highlight.pieces(article.text, text_spans),
        "matches": matches,
    }


def story_page(request: Request) -> Response:
    site: Site = request.app.state.site
    q = request.query_params.get("q", "")[:200]
    with site.sessions() as session:
        story = repository.get_story(session, request.path_params["story_id"])
        if story is None:
            raise HTTPException(404, "no such story")
        ordered = sorted(
            story.articles,
            key=lambda a: (a.id != story.canonical_article_id, a.published or a.fetched_at),
        )
        views = [_article_view(site, a, q) for a in ordered]
        deliveries = queries.story_deliveries(session, story.id)
        return site.page(request, "story.html", story=story, views=views, deliveries=deliveries)


def sources_page(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        per_day = queries.new_per_day(session)
    return site.page(request, "sources.html", reports=_source_reports(site), per_day=per_day)


def _source_reports(site: Site) -> list[dict[str, Any]]:
    """The data of `newswatch status --json`, one dict per source."""
    with site.sessions() as session:
        runs = repository.latest_source_runs(session, [s.id for s in site.sources])
        jobs = jobstate.load_states(session)
        problems: dict[str, list[str]] = {}
        for notice in health.open_notices(session):
            problems.setdefault(notice.source_id, []).append(notice.kind)
    reports = []
    for source in site.sources:
        report = source_report(source.id, runs.get(source.id))
        job = jobs.get(f"crawl:{source.id}")
        next_run = job.next_run_at if job and source.enabled else None
        report["next_run"] = next_run.isoformat() if next_run else None
        report["failures_in_a_row"] = job.consecutive_failures if job else 0
        report["problems"] = problems.get(source.id, [])
        reports.append(report)
    return reports


def alerts_page(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        counts = queries.alert_counts(session)
        pending = outbox.listing(session, "pending", 50)
        sent = outbox.listing(session, "sent", 50)
        return site.page(request, "alerts.html", counts=counts, pending=pending, sent=sent)


def rules_page(request: Request) -> Response:
    site: Site = request.app.state.site
    q = request.query_params.get("q", "")
    trial = None
    if q.strip():
        site.throttle(request)
        with site.sessions() as session:
            trial = try_query(session, q, site.defined)
            return site.page(
                request,
                "rules.html",
                trial=trial,
                query=q,  # a trial that finds an error is an answer, not a failed request
            )
    return site.page(request, "rules.html", trial=trial, query=q)


def rule_feed(request: Request) -> Response:
    site: Site = request.app.state.site
    name = request.path_params["rule"]
    rule = next((r for r in site.rules if r.name == name), None)
    if rule is None:
        raise HTTPException(404, "no such rule")
    with site.sessions() as session:
        deliveries = queries.rule_deliveries(session, name)
        body = feeds.rule_feed(rule, deliveries, str(request.base_url).rstrip("/"))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


# --- JSON API: the same objects as the command line's --json --------------------------------


def _limit(request: Request) -> int:
    value = request.query_params.get("limit", "50")
    return max(1, min(int(value), API_LIMIT)) if value.isdigit() else 50


def api_stories(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        stories = queries.stream(session, _filter(request))
        return JSONResponse([story_json(s, site.zones) for s in stories])


def api_story(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        story = repository.get_story(session, request.path_params["story_id"])
        if story is None:
            return JSONResponse({"error": "no such story"}, status_code=404)
        return JSONResponse(story_json(story, site.zones))


def api_articles(request: Request) -> Response:
    site: Site = request.app.state.site
    params = request.query_params
    with site.sessions() as session:
        articles = repository.list_articles(
            session,
            source_ids=params.getlist("source"),
            language=params.get("language") or None,
            limit=_limit(request),
        )
        return JSONResponse([article_json(a, site.zones.get(a.source_id, UTC)) for a in articles])


def api_article(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        article = session.get(Article, request.path_params["article_id"])
        if article is None:
            return JSONResponse({"error": "no such article"}, status_code=404)
        return JSONResponse(article_json(article, site.zones.get(article.source_id, UTC)))


def api_sources(request: Request) -> Response:
    return JSONResponse(_source_reports(request.app.state.site))


def api_alerts(request: Request) -> Response:
    site: Site = request.app.state.site
    status = request.query_params.get("status", "pending")
    if status not in ("pending", "sent"):
        return JSONResponse({"error": "status is pending or sent"}, status_code=400)
    with site.sessions() as session:
        rows = outbox.listing(session, status, _limit(request))
        return JSONResponse([delivery_json(d) for d in rows])


def api_search(request: Request) -> Response:
    site: Site = request.app.state.site
    site.throttle(request)
    with site.sessions() as session:
        try:
            hits = search(session, request.query_params.get("q", ""), limit=_limit(request))
        except SearchQueryError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse([search_json(h, site.zones) for h in hits])


def search_json(hit: Any, zones: dict[str, tzinfo]) -> dict[str, Any]:
    """One search result: the article as `articles list --json` gives it, without its text,
    plus the words that matched and a plain snippet."""
    data = article_json(hit.article, zones.get(hit.article.source_id, UTC), with_text=False)
    spans = [(s.start, s.end) for s in hit.text_spans]
    data["matched"] = hit.matched
    data["snippet"] = "".join(text for text, _ in highlight.snippet(hit.article.text, spans))
    return data


async def error_page(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "error")
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": detail}, status_code=status)
    site: Site = request.app.state.site
    return site.page(request, "error.html", status=status, code=status, detail=detail)


def create_app(app_state: AppState, rules: list[Rule]) -> Guard:
    site = Site(app_state, rules)
    routes = [
        Route("/", stream_page),
        Route("/search", search_page),
        Route("/stories/{story_id:int}", story_page),
        Route("/sources", sources_page),
        Route("/alerts", alerts_page),
        Route("/rules", rules_page),
        Route("/rules/{rule}/feed.atom", rule_feed),
        Route("/api/stories", api_stories),
        Route("/api/stories/{story_id:int}", api_story),
        Route("/api/articles", api_articles),
        Route("/api/articles/{article_id:int}", api_article),
        Route("/api/sources", api_sources),
        Route("/api/alerts", api_alerts),
        Route("/api/search", api_search),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error_page})
    app.state.site = site
    token = app_state.settings.web.auth
    return Guard(app, token.get_secret_value() if token else None)
