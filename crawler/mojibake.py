"""Text that is UTF-8 read as a single-byte charset ("РљР°Р·" for "Каз", "Ã©" for "é").

It reaches us when a server double-encodes its pages or a decoder guessed wrong. Such text is
re-decoded when every mojibake run reverses cleanly, and refused otherwise: storing it would
make the article unsearchable and its alerts unreadable.
"""

from __future__ import annotations

import re

# The codecs that UTF-8 gets misread as, and what their misreading looks like: a lead byte
# followed by as many continuation bytes (0x80-0xBF) as it announces, each byte shown as
# that codec's character.
_CODECS = ("cp1251", "cp1252", "latin-1")
# Share of the letters that sit in mojibake runs above which the text is called mojibake.
MOJIBAKE_SHARE = 0.3


# Residue of mojibake once the reversible runs are re-decoded: above it the text is refused.
RESIDUE_SHARE = 0.05


def _run_pattern(codec: str, lost: str = "") -> re.Pattern[str]:
    """One misread UTF-8 sequence; `lost` adds the marks a lossy step left for a byte."""

    def chars(first: int, last: int) -> str:
        text = bytes(range(first, last + 1)).decode(codec, errors="ignore")
        return re.escape(text)

    tail = f"[{chars(0x80, 0xBF)}{lost}]"
    two, three, four = chars(0xC2, 0xDF), chars(0xE0, 0xEF), chars(0xF0, 0xF4)
    return re.compile(f"[{two}]{tail}|[{three}]{tail}{{2}}|[{four}]{tail}{{3}}")


_RUNS = {codec: _run_pattern(codec) for codec in _CODECS}
# Runs whose bytes were partly lost ("?" or U+FFFD for a byte the codec lacks) count as
# mojibake but cannot be re-decoded.
_SUSPECT = {codec: _run_pattern(codec, lost="?\ufffd") for codec in _CODECS}
_LETTERS = re.compile(r"[^\W\d_]")


class MojibakeError(ValueError):
    """The text is mostly mojibake and cannot be re-decoded."""


def mojibake_share(text: str, codec: str) -> float:
    suspect = sum(len(m.group()) for m in _SUSPECT[codec].finditer(text))
    if not suspect:  # the common case: no need to count letters
        return 0.0
    return suspect / max(1, len(_LETTERS.findall(text)))


def _redecode_runs(text: str, codec: str) -> str | None:
    """Each mojibake run back to the characters it stood for; None if one does not reverse."""
    failed = False

    def back(match: re.Match[str]) -> str:
        nonlocal failed
        try:
            return match.group().encode(codec).decode("utf-8")
        except UnicodeError:
            failed = True
            return match.group()

    repaired = _RUNS[codec].sub(back, text)
    return None if failed else repaired


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """(text, None) when the text is fine; (re-decoded text, codec) when it was UTF-8 read as
    `codec`. Raises MojibakeError when it is mostly mojibake that does not reverse."""
    for codec in _CODECS:
        share = mojibake_share(text, codec)
        if share < MOJIBAKE_SHARE:
            continue
        repaired = _redecode_runs(text, codec)
        if repaired is not None and mojibake_share(repaired, codec) < RESIDUE_SHARE:
            return repaired, codec
        raise MojibakeError(
            f"text is mojibake ({share:.0%} of its letters look like UTF-8 read as {codec}) "
            "and does not re-decode"
        )
    return text, None
