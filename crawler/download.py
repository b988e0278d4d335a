"""HTTP download handler with an origin map, like curl's --resolve: requests for a mapped origin
are fetched from another origin (fixture server, mirror) while every other component keeps
seeing the publisher's real URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from newswatch.crawler.urls import map_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class OriginMapDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.mapping: dict[str, str] = crawler.settings.getdict("NEWSWATCH_ORIGIN_MAP")
        self.reverse = {target: origin for origin, target in self.mapping.items()}

    async def download_request(self, request: Request) -> Response:
        target = map_url(request.url, self.mapping)
        if target is None:
            return await super().download_request(request)
        response = await super().download_request(request.replace(url=target))
        location = response.headers.get(b"Location")
        if location:  # the target answered in its own terms: translate back
            real = map_url(location.decode("latin-1"), self.reverse)
            if real:
                response.headers[b"Location"] = real.encode()
        return response.replace(url=request.url)
