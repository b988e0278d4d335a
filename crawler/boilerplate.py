"""Lines that are page chrome even when they sit inside an article body.

trafilatura keeps short lines it cannot tell from text: photo credits, "read also" headers,
messenger plugs. These patterns apply only to short lines, so real paragraphs are never cut.
"""

from __future__ import annotations

import re

MAX_CHROME_LINE = 160

_PATTERNS = [
    # photo and video credits: "Фото: пресс-служба Сената", "ФОТО: ...", "Photo: ...", "Сурет: ..."
    r"^(фото|photo|сурет|акс|видео|video)(\s*/\s*\w+)?\b.{0,120}$",
    # "read also" headers and labels
    r"^(read also|see also|related( news)?|читайте также|читайте еще|смотрите также|"
    r"оқи отырыңыз|оқыңыз|тақырыпқа қатысты|хонед инчунин|инчунин хонед)\s*:?$",
    # messenger / social subscription plugs
    r"^.{0,80}\b(whatsapp|telegram|телеграм\w*|instagram|youtube|tiktok)\b.{0,100}$",
    r"^.{0,60}(подписывайтесь|подпишитесь|subscribe|жазылыңыз|обуна шавед).{0,100}$",
]
_CHROME = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def is_chrome_line(line: str) -> bool:
    line = line.strip()
    return len(line) <= MAX_CHROME_LINE and bool(_CHROME.match(line))


def strip_chrome_lines(text: str) -> str:
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line and not is_chrome_line(line))
