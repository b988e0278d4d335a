"""The HTML pages and the Atom feed (GET only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from newswatch.alerts.document import Document
from newswatch.alerts.textsearch import SearchQueryError, check, query_words, search
from newswatch.storage import outbox, repository
from newswatch.storage.models import Article, Story
from newswatch.web import feeds, highlight, queries
from newswatch.web.site import Site, source_reports, stream_filter
from newswatch.web.trial import try_query


def _canonical(story: Story) -> Article | None:
    return next((a for a in story.articles if a.id == story.canonical_article_id), None)


def stream_page(request: Request) -> Response:
    site: Site = request.app.state.site
    chosen = stream_filter(request)
    with site.sessions() as session:
        entries = queries.stream_events(session, chosen)
        return site.page(
            request,
            "stream.html",
            entries=entries,
            chosen=chosen,
            languages=site.languages,
            canonical=_canonical,
            page_size=queries.PAGE,
        )


def _search_hits(session: Session, q: str) -> tuple[list, str | None]:
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
            hits, error = _search_hits(session, q)
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
    return site.page(request, "sources.html", reports=source_reports(site), per_day=per_day)


def alerts_page(request: Request) -> Response:
    site: Site = request.app.state.site
    with site.sessions() as session:
        counts = queries.alert_counts(session)
        pending = outbox.listing(session, "pending", 50)
        sent = outbox.listing(session, "sent", 50)
        muted = outbox.muted_rules(session)
        return site.page(
            request, "alerts.html", counts=counts, pending=pending, sent=sent, muted=muted
        )


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
        entries = queries.rule_entries(session, name)
        body = feeds.rule_feed(rule, entries, str(request.base_url).rstrip("/"))
    return Response(body, media_type="application/atom+xml; charset=utf-8")
