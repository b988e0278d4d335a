"""Lines that are page chrome even when they sit inside an article body.

trafilatura keeps short lines it cannot tell from text: photo credits, "read also" headers,
messenger plugs. The filter is conservative: a line goes only when it is short AND is
nothing but chrome. Naming a messenger is not enough ("The minister wrote on Telegram that…"
is news); a plug pairs it with a call to subscribe or follow, or lists networks and nothing else.
"""

from __future__ import annotations

import re

MAX_CHROME_LINE = 160

_NETWORKS = (
    r"(?:whatsapp|telegram|телеграм\w*|instagram|инстаграм\w*|youtube|tiktok|facebook|vk|x|"
    r"twitter|ok)"
)
# A call to action; "subscribe" must not match "unsubscribe"/"subscribed to the theory".
_CALL = (
    r"(?<![\w])(?:подписывайтесь|подпишитесь|subscribe(?!d)|follow us|join us|"
    r"присоединяйтесь|читайте нас|следите за нами|наш(?:ем|его)? (?:канал\w*|аккаунт\w*)|"
    r"our (?:channel|page|account|newsletter)|(?:unseren?|unserem|notre|nuestro) newsletter|"
    r"sign up (?:here|now|today)|signing up to our|download (?:the|our) [\w ]{0,30}apps?\b|"
    r"жазылыңыз|обуна шавед)"
)

_PATTERNS = [
    # photo and video credits: "Фото: пресс-служба Сената", "Photo: ...", "Сурет: ...", or a
    # few words without a full stop: "Фото Тимура Батыршина"
    r"^(фото|photo|сурет|акс|видео|video|foto|fot\.|bild|titelbild|image|crédits? photos?|"
    r"photo credits?)(\s*/\s*\w+)?(\s*:.{0,120}|(\s+[^\s.!?]+){1,5})$",
    # a copyright notice, alone or closing a caption: "© Oli Scarff/Getty Images",
    # "Copyright: Gisele Wender", "Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO"
    r"^(©|\(c\)\s|copyright\s*:).{1,100}$",
    r"^.{0,120}[.!?|]\s*©\s*[^.!?©]{0,50}$",
    # "read also" headers and labels, and the headers of related-stories blocks whose links
    # trafilatura dropped
    r"^(read also|see also|related( news| articles| stories| posts)?|more stories|"
    r"you may also like|recommended( for you| stories| articles)?|most read|"
    r"читайте также|читайте еще|смотрите также|по теме|"
    r"оқи отырыңыз|оқыңыз|тақырыпқа қатысты|хонед инчунин|инчунин хонед|"
    r"lesen sie auch( die folgenden beiträge)?|auch interessant|schon gelesen|mehr zum thema|"
    r"das könnte sie auch interessieren|empfohlene beiträge|ähnliche (artikel|beiträge)|"
    r"weitere (artikel|beiträge|themen|nachrichten)( [\w-]+){0,4}|top-themen( [\w-]+){0,3}|"
    r"lea también|lee también|te puede interesar|noticias relacionadas|temas|"
    r"más sobre( [\w-]+){0,4}|à lire aussi|lire aussi|sur le même sujet)\s*[:?]?$",
    # widget labels left without their widget: share buttons, loaders, ad slots, comment
    # counters ("Teilen mit:", "Wird geladen …", "Реклама", "12 Kommentare", "View Comments")
    r"^(share( this( article)?)?( on| via)?|teilen( mit)?|поделиться|compartir|partager|"
    r"loading|wird geladen|загрузка|advertisement|anzeige|реклама|publicité|publicidad|"
    r"view comments|(kommentare|comments|комментари\w*)( insgesamt)?:?\s*\d*|"
    r"\d+ (kommentare|comments|комментари\w*))\s*[:.…]*$",
    # advertising disclosures: "*Werbung. Dieser Beitrag enthält Werbung für …", "… handelt es
    # sich um Affiliate Links …"
    r"^\W{0,3}(werbung|anzeige|sponsored|advertorial)\s*([.:–-].{0,120})?$",
    r"^.{0,100}\baffiliate[- ]links?\b.{0,100}$",
    # a call to subscribe or follow, short, usually naming a messenger
    r"^.{0,60}" + _CALL + r".{0,100}$",
    # a bare list of networks: "Telegram | Instagram | YouTube"
    r"^(?:" + _NETWORKS + r"[\s|•·,/-]*)+$",
]
_CHROME = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def is_chrome_line(line: str) -> bool:
    line = line.strip()
    return len(line) <= MAX_CHROME_LINE and bool(_CHROME.match(line))


def strip_chrome_lines(text: str) -> str:
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line and not is_chrome_line(line))


# A line that is nothing but the text of one link, maybe after a short label ("Read more:",
# "MIRA:", "Читайте также:"), is a teaser for another page. Short link texts ("Telegram",
# a name) are left alone: they are also ordinary words of a sentence.
MIN_LINK_WORDS = 4
MAX_LABEL_WORDS = 4
_WORD = re.compile(r"\w+")


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def teaser_links(link_texts: list[str]) -> set[str]:
    """Link texts that read like a headline; a bare address ("http://www.x.de") is a source
    the article cites, not a teaser."""
    return {
        _key(t)
        for t in link_texts
        if len(_WORD.findall(t)) >= MIN_LINK_WORDS and "://" not in t and "www." not in t
    }


def strip_link_lines(text: str, teasers: set[str]) -> str:
    if not teasers:
        return text
    kept = []
    for line in text.splitlines():
        key = _key(line)
        label, colon, rest = key.partition(":")
        is_teaser = key in teasers or (
            colon and len(_WORD.findall(label)) <= MAX_LABEL_WORDS and rest.strip() in teasers
        )
        if not is_teaser:
            kept.append(line)
    return "\n".join(kept)
