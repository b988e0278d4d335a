"""How an article is read before rules see it: where the lead is, what is left out, which
language's rules each word follows."""

from __future__ import annotations

from newswatch.alerts.document import Document, analyse, is_menu, lead_end
from newswatch.alerts.engine import Matcher
from newswatch.alerts.query import parse_query
from newswatch.alerts.rules import Rule


def _fields(text: str) -> dict[str, str]:
    return {w.norm: w.field for w in analyse(Document("", text, "ru"))}


def test_the_lead_is_the_first_paragraph_of_prose() -> None:
    text = "Министры обсудили транзит грузов через Казахстан и Таджикистан.\nВторой абзац."
    assert lead_end(text) == text.index("\n")
    assert _fields(text)["абзац"] == "body"


def test_short_lines_before_the_prose_join_the_lead() -> None:
    # a view counter, a weather widget and a headline saved with the page
    text = "948\n2.9 C\nДушанбе\n\nЗерно из Казахстана\n\nКазахстан поставит в Таджикистан "
    text += "двести тысяч тонн зерна до конца года.\nПотом второй абзац текста."
    fields = _fields(text)
    assert fields["душанбе"] == fields["зерно"] == fields["поставит"] == "lead"
    assert fields["абзац"] == "body"


def test_a_long_prelude_is_not_a_lead() -> None:
    # prose far down: the first paragraph alone, as before
    lines = "\n".join(f"Раздел номер {i} сайта" for i in range(20))
    text = f"{lines}\nКазахстан и Таджикистан подписали соглашение о транзите грузов."
    assert lead_end(text) == text.index("\n")


def test_a_menu_saved_with_the_page_is_left_out() -> None:
    menu = "Россия Южная Корея Украина Армения Казахстан Молдавия Грузия Белоруссия Турция"
    menu += " Бразилия Киргизия Таджикистан"
    assert is_menu(menu)
    assert not is_menu("Kazakh-Tajik Presidents Outline Priorities To Strengthen Ties")
    assert not is_menu(
        "Россия, Китай, Турция, Иран, Индия, Казахстан, Таджикистан, Армения, "
        "Грузия, Монголия, Беларусь и Узбекистан подписали декларацию."
    )
    words = analyse(Document("", f"{menu}\nКазахстан отменил регистрацию для граждан.", "ru"))
    assert [w.norm for w in words][:2] == ["казахстан", "отменил"]
    assert words[0].field == "lead" and words[0].breaks


def test_arabic_script_kazakh_articles_meet_rules_for_kazakh() -> None:
    rule = Rule(name="kk-only", query=parse_query("@tajikistan"), languages=frozenset({"kk"}))
    matcher = Matcher.from_rules([rule])
    assert matcher.match(Document("", "تاجىكستان پرەزيدەنتى استاناعا كەلدى.", "kk-arab"))
    assert not matcher.match(Document("", "Таджикистан и соседи.", "ru"))
    # Cyrillic words of such an article follow Kazakh morphology
    (word,) = [w for w in analyse(Document("", "Тәжікстанның", "kk-arab"))]
    assert word.language == "kk"
