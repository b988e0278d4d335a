"""Alert emails can't be turned against their readers: article titles cannot add headers, and
article text arrives escaped in the HTML part."""

from __future__ import annotations

from email import message_from_bytes, policy

from newswatch.alerts.email import AlertItem, OtherCopy, build_message, one_line, subject_for


def _item(title: str, text: str) -> AlertItem:
    start = text.index("Таджикистан")
    return AlertItem(
        rules=["tajik-kazakh"],
        title=title,
        text=text,
        source="Karavan Info",
        url="https://karavaninfo.tj/a/1",
        published="2025-08-27 11:40 +05:00",
        language="ru",
        score=12.5,
        matched="Таджикистан",
        terms=[
            {
                "term": "@tajikistan",
                "field": "body",
                "start": start,
                "end": start + len("Таджикистан"),
                "text": "Таджикистан",
            }
        ],
        others=[OtherCopy("ru24.pro", "https://ru24.pro/world/1/")],
    )


def _roundtrip(item: AlertItem):
    message = build_message([item], "analyst@example.org", "alerts@newswatch.example", [7])
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def test_a_title_with_cr_lf_cannot_add_headers() -> None:
    title = "Визит\r\nBcc: attacker@evil.example\r\nX-Injected: 1\nСaмит"
    parsed = _roundtrip(_item(title, "Таджикистан и Казахстан подписали договор."))
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert parsed["Subject"] == (
        "[newswatch] tajik-kazakh: Визит Bcc: attacker@evil.example X-Injected: 1 Сaмит"
    )
    assert parsed.get_all("To") == ["analyst@example.org"]


def test_article_html_is_escaped_and_only_matches_are_marked() -> None:
    text = 'Таджикистан <script>alert("x")</script> & <b>Казахстан</b> обсудили транзит.'
    parsed = _roundtrip(_item("<i>Заголовок</i>", text))
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "<b>Казахстан" not in html and "<i>Заголовок" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html or "&lt;script&gt;" in html
    assert "&lt;i&gt;Заголовок&lt;/i&gt;" in html
    assert "<mark>Таджикистан</mark>" in html
    plain = parsed.get_body(preferencelist=("plain",)).get_content()
    assert "*Таджикистан*" in plain and "<script>" in plain  # plain text shows text as is


def test_long_and_multiple_subjects_stay_one_line() -> None:
    items = [_item("Т" * 400, "Таджикистан."), _item("second", "Таджикистан.")]
    subject = subject_for(items)
    assert len(subject) <= 180 and subject.endswith("(+1 more)") and "\n" not in subject
    assert one_line("a\u2028b\x00c\td") == "a b c d"


def test_a_long_kazakh_subject_keeps_its_spaces() -> None:
    title = "Қазақстан мен Тәжікстан стратегиялық әріптестікті тереңдетуге уағдаласты"
    item = _item(title, "Қазақстан мен Тәжікстан (Таджикистан).")
    parsed = _roundtrip(item)
    assert parsed["Subject"] == f"[newswatch] tajik-kazakh: {title}"
    raw = build_message([item], "a@example.org", "b@example.org", [1]).as_bytes()
    assert max(len(line) for line in raw.splitlines()) <= 998
