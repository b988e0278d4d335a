"""Atom feeds: one per rule, its matched stories newest first (like Google Alerts' feeds)."""

from __future__ import annotations

from collections.abc import Sequence

from feedgen.feed import FeedGenerator

from newswatch.alerts.rules import Rule
from newswatch.storage.models import AlertDelivery, Article, Story
from newswatch.storage.types import utcnow

SUMMARY_CHARS = 400


def rule_feed(rule: Rule, entries: Sequence[tuple[Story, AlertDelivery]], base_url: str) -> bytes:
    feed = FeedGenerator()
    feed.id(f"{base_url}/rules/{rule.name}/feed.atom")
    feed.title(f"newswatch: {rule.name}")
    feed.subtitle(rule.source_text or rule.name)
    feed.link(href=f"{base_url}/rules/{rule.name}/feed.atom", rel="self")
    feed.link(href=f"{base_url}/?rule={rule.name}", rel="alternate")
    feed.generator("newswatch")
    newest = None
    for story, delivery in reversed(entries):  # feedgen puts the last added entry first
        article = _original(story)
        updated = story.updated_at or delivery.created_at
        newest = max(newest, updated) if newest else updated
        entry = feed.add_entry()
        entry.id(f"{base_url}/stories/{story.id}")
        entry.title(story.title or article.title or f"story {story.id}")
        entry.link(href=article.url, rel="alternate")  # the original report, like Google Alerts
        entry.published(story.first_published or delivery.created_at)
        entry.updated(updated)
        why = (delivery.match or {}).get("explanation", "")
        text = article.description or article.text[:SUMMARY_CHARS]
        more = f"Every report and why it matched: {base_url}/stories/{story.id}"
        entry.summary(f"{text}\n\nMatched: {why}\n{more}" if why else f"{text}\n\n{more}")
    feed.updated(newest or utcnow())
    return feed.atom_str(pretty=True)


def _original(story: Story) -> Article:
    """The story's canonical copy (the one others cite), else its first."""
    by_id = {a.id: a for a in story.articles}
    return by_id.get(story.canonical_article_id or 0) or story.articles[0]
