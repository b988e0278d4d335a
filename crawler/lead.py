"""The article's lead (standfirst): the paragraph between headline and body that many
templates put in a header block of its own ("intro", "teaser", "chapo", a subtitle <h2>).

trafilatura picks the body container and loses that block. The publisher's meta description
usually repeats the lead; when the page shows it in an element of its own, outside links and
navigation, and the extracted text lacks it, that element's text is the lead.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

# The description must say something: a short one is a slogan or the title.
MIN_LEAD_CHARS = 60
# Words of the description that the lead element must start with (a truncated description
# ends in "…", a lead may go on beyond it).
HEAD_WORDS = 8
# A longer element is the body container that opens with the lead, not the lead.
MAX_LEAD_CHARS = 1200
_ELLIPSIS = re.compile(r"(?:\.\.\.|…|\[…\])\s*$")
# Text nodes that open with the description's first words: C-side filtering over text nodes,
# far cheaper than the string value of every element.
_OPENING = etree.XPath("//body//text()[starts-with(normalize-space(.), $start)]")
START_WORDS = 3
# How far up from that text node the lead element may be (<p><strong>Lead…</strong> …</p>).
MAX_CLIMB = 4
_OFF_ARTICLE = {"a", "nav", "footer", "aside", "script", "style", "noscript", "h1", "button"}


def _norm(text: str) -> str:
    return " ".join(text.split())


def lead_paragraph(tree: lxml_html.HtmlElement, description: str | None, text: str) -> str | None:
    """The page's visible lead when the extracted ``text`` lacks it, else None."""
    if not description or len(description) < MIN_LEAD_CHARS:
        return None
    words = _norm(_ELLIPSIS.sub("", description)).split()
    flat = _norm(text)
    if " ".join(words[:HEAD_WORDS]) in flat:
        return None
    shortest: str | None = None
    for element in _lead_elements(tree, words):
        if any(node.tag in _OFF_ARTICLE for node in (element, *element.iterancestors())):
            continue
        found = _norm(element.text_content())
        if 2 * sum(len(link.text_content()) for link in element.iter("a")) > len(found):
            continue  # a teaser of another page
        if shortest is None or len(found) < len(shortest):
            shortest = found
    if shortest is None or len(shortest) > MAX_LEAD_CHARS or shortest[:80] in flat:
        return None
    return shortest


def _lead_elements(tree: lxml_html.HtmlElement, words: list[str]) -> list[lxml_html.HtmlElement]:
    """The innermost elements whose text opens with the description's first words."""
    head = " ".join(words[:HEAD_WORDS])
    found = []
    for node in _OPENING(tree, start=" ".join(words[:START_WORDS])):
        element = node.getparent()
        if node.is_tail and element is not None:
            element = element.getparent()
        for _ in range(MAX_CLIMB):
            if element is None or not isinstance(element.tag, str):
                break
            if _norm(element.text_content()).startswith(head):
                found.append(element)
                break
            element = element.getparent()
    return found
