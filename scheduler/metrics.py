"""Prometheus metrics of the daemon, in a registry of its own; served only when asked for
(`daemon.metrics_port`), on a thread of prometheus_client's HTTP server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from newswatch.storage.repository import SourceRunCounts

if TYPE_CHECKING:
    from newswatch.scheduler.alerting import AlertReport


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.crawls = Counter(
            "newswatch_crawls", "Crawls of a source by result", ["source", "status"], registry=r
        )
        self.articles = Counter(
            "newswatch_articles_new", "New articles stored", ["source"], registry=r
        )
        self.bytes = Counter("newswatch_downloaded_bytes", "Bytes received", ["source"], registry=r)
        self.not_modified = Counter(
            "newswatch_not_modified", "Discovery pages answered 304", ["source"], registry=r
        )
        self.duration = Histogram(
            "newswatch_crawl_duration_seconds",
            "Time of one crawl of a source",
            ["source"],
            buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600),
            registry=r,
        )
        self.failures_in_a_row = Gauge(
            "newswatch_source_failures_in_a_row", "Failed crawls in a row", ["source"], registry=r
        )
        self.last_success = Gauge(
            "newswatch_source_last_success_timestamp_seconds",
            "When a crawl of the source last succeeded",
            ["source"],
            registry=r,
        )
        self.emails = Counter(
            "newswatch_alert_emails", "Alert emails by result", ["result"], registry=r
        )
        self.posts = Counter(
            "newswatch_alert_posts", "Alert posts to channels by result", ["result"], registry=r
        )
        self.pending = Gauge(
            "newswatch_outbox_pending", "Alert deliveries waiting to be sent", registry=r
        )

    def serve(self, host: str, port: int) -> int:
        """Start the endpoint; returns its port (port 0 picks a free one)."""
        server, _thread = start_http_server(port, addr=host, registry=self.registry)
        return server.server_address[1]

    def crawl_finished(
        self, source: str, counts: SourceRunCounts, seconds: float, failures_in_a_row: int
    ) -> None:
        self.crawls.labels(source, counts.status).inc()
        self.articles.labels(source).inc(counts.new)
        self.bytes.labels(source).inc(counts.bytes_downloaded)
        self.not_modified.labels(source).inc(counts.not_modified)
        self.duration.labels(source).observe(seconds)
        self.failures_in_a_row.labels(source).set(failures_in_a_row)
        if counts.status != "failed":
            self.last_success.labels(source).set_to_current_time()

    def alerts(self, report: AlertReport) -> None:
        self.emails.labels("sent").inc(report.sent_messages)
        self.emails.labels("failed").inc(report.failed_messages)
        self.posts.labels("sent").inc(report.sent_posts)
        self.posts.labels("failed").inc(report.failed_posts)

    def outbox_pending(self, count: int) -> None:
        self.pending.set(count)
