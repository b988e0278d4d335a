"""The web view in a real browser (Chromium from the distribution, driven by Playwright): what
an analyst does, with no console error on the way. Screenshots go to the test's tmp folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from tests.conftest import REQUIRE_SERVICES
from tests.web_site import Site

BROWSERS = ("chromium-headless-shell", "chromium")


def _browser_binary() -> str:
    found = os.environ.get("NEWSWATCH_CHROMIUM") or next(
        (path for name in BROWSERS if (path := shutil.which(name))), None
    )
    if found:
        return found
    why = "no Chromium binary (apt-get install chromium-headless-shell; .ci/run installs it)"
    if REQUIRE_SERVICES:
        pytest.fail(f"NEWSWATCH_REQUIRE_SERVICES=1 but {why}")
    pytest.skip(why)


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator:
    binary = _browser_binary()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.errors = errors
        try:
            yield page
        finally:
            browser.close()


def test_an_analyst_session(web_site: Site, browser_page, tmp_path: Path) -> None:
    page, base = browser_page, web_site.server.base

    def shot(name: str) -> None:
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)

    page.goto(base + "/")
    assert page.locator(".story-title").count() == 3  # 4 stories, 3 events
    shot("1-stream")

    page.select_option("select[name=language]", "kk")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**language=kk**")
    assert page.locator(".story-title").all_inner_texts() == ["Тоқаев пен Рахмон Астанада кездесті"]
    shot("2-kazakh")

    page.fill("input[name=q]", "Тәжікстанға")  # the text says Тәжікстанның
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=**")
    assert page.locator(".result mark").first.inner_text() == "Тәжікстанның"
    shot("3-search")

    page.click(".result-title")
    page.wait_for_url("**/stories/**")
    marked = page.locator(".text mark").all_inner_texts()
    assert {"Тәжікстанның", "Тоқаев", "Рахмонмен"} <= set(marked)  # rule + search words
    assert page.locator(".text mark").first.is_visible()
    assert "leaders" in page.locator(".why").inner_text()
    shot("4-story")

    page.goto(base + "/rules")
    page.fill("textarea[name=q]", "Токаев AND (Рахмон OR")
    page.click(".trial button")
    page.wait_for_url("**/rules?q=**")
    assert page.locator(".error .column").inner_text() == "22"
    assert page.locator(".caret .at").is_visible()
    shot("5-query-error")

    response = page.goto(base + "/rules/leaders/feed.atom")
    assert response is not None and response.ok
    feed = feedparser.parse(response.body())
    assert len(feed.entries) == 2 and not feed.bozo

    assert page.errors == []
    assert len(list(tmp_path.glob("*.png"))) == 5
