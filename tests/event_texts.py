"""Short reports written for the event-linking tests (one happening per group, several
languages). Invented wording about plausible happenings; no third-party text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Report:
    key: str
    source: str
    url: str
    language: str
    published: datetime
    title: str
    text: str


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


CALL = [
    Report(
        "call-ru",
        "akorda",
        "https://www.akorda.kz/ru/call-2025-03-10",
        "ru",
        _at("2025-03-10"),
        "Касым-Жомарт Токаев провёл телефонный разговор с Эмомали Рахмоном",
        "Президент Казахстана Касым-Жомарт Токаев провёл телефонный разговор с Президентом "
        "Таджикистана Эмомали Рахмоном. Главы государств обсудили сотрудничество в "
        "водно-энергетической сфере и поставки 450 тысяч тонн зерна.",
    ),
    Report(
        "call-kk",
        "baq-kz",
        "https://baq.kz/call-2025-03-10",
        "kk",
        _at("2025-03-10", 12),
        "Қасым-Жомарт Тоқаев Эмомали Рахмонмен телефон арқылы сөйлесті",
        "Қазақстан Президенті Қасым-Жомарт Тоқаев Тәжікстан Президенті Эмомали Рахмонмен "
        "телефон арқылы сөйлесті. Мемлекет басшылары су-энергетика саласындағы ынтымақтастықты "
        "және 450 мың тонна астық жеткізуді талқылады.",
    ),
    Report(
        "call-tg",
        "khovar-tj",
        "https://khovar.tj/call-2025-03-10",
        "tg",
        _at("2025-03-10", 14),
        "Эмомалӣ Раҳмон бо Қосим-Ҷомарт Тоқаев суҳбати телефонӣ анҷом дод",
        "Президенти Ҷумҳурии Тоҷикистон Эмомалӣ Раҳмон бо Президенти Ҷумҳурии Қазоқистон "
        "Қосим-Ҷомарт Тоқаев суҳбати телефонӣ анҷом дод. Ҷонибҳо ҳамкорӣ дар соҳаи энергетика "
        "ва интиқоли 450 ҳазор тонна ғалладонаро муҳокима карданд.",
    ),
]

VISIT = [
    Report(
        "visit-en-day1",
        "khovar-en",
        "https://khovar.tj/eng/visit-2025-05-20",
        "en",
        _at("2025-05-20", 16),
        "President of Kazakhstan arrives in Dushanbe on a state visit",
        "President of Kazakhstan Kassym-Jomart Tokayev arrived in Dushanbe on May 20 on a state "
        "visit to Tajikistan at the invitation of President Emomali Rahmon. He was met at the "
        "airport by Prime Minister Kokhir Rasulzoda.",
    ),
    Report(
        "visit-ru-day2",
        "kazpravda",
        "https://kazpravda.kz/visit-2025-05-21",
        "ru",
        _at("2025-05-21", 9),
        "Токаев и Рахмон подписали Договор о стратегическом партнёрстве",
        "В Душанбе 21 мая в рамках государственного визита Президента Казахстана Касым-Жомарта "
        "Токаева в Таджикистан главы государств провели переговоры и подписали 12 документов. "
        "Эмомали Рахмон назвал визит историческим.",
    ),
    Report(
        "visit-kk-day2",
        "baq-kz",
        "https://baq.kz/visit-2025-05-21-senate",
        "kk",
        _at("2025-05-21", 15),
        "Тоқаев Душанбеде Рустам Эмомалимен кездесті",
        "Мемлекеттік сапар аясында Қазақстан Президенті Қасым-Жомарт Тоқаев Душанбеде "
        "Мәжілісі Миллидің Төрағасы Рустам Эмомалимен кездесті. Тараптар парламентаралық "
        "байланыстарды талқылады.",
    ),
]

# Two summits a day apart in one city, the same leaders at both.
SUMMITS = [
    Report(
        "csto-en",
        "akorda",
        "https://www.akorda.kz/en/csto-2025-11-27",
        "en",
        _at("2025-11-27"),
        "Tokayev takes part in the CSTO summit in Astana",
        "Kassym-Jomart Tokayev took part in the session of the CSTO Collective Security Council "
        "in Astana on November 27. President of Tajikistan Emomali Rahmon also attended the "
        "summit.",
    ),
    Report(
        "csto-ru",
        "kazpravda",
        "https://kazpravda.kz/csto-2025-11-27",
        "ru",
        _at("2025-11-27", 13),
        "Токаев принял участие в саммите ОДКБ в Астане",
        "Касым-Жомарт Токаев принял участие в заседании Совета коллективной безопасности ОДКБ "
        "в Астане 27 ноября. В саммите участвовал и Эмомали Рахмон.",
    ),
    Report(
        "cis-ru",
        "kazpravda",
        "https://kazpravda.kz/cis-2025-11-28",
        "ru",
        _at("2025-11-28"),
        "Токаев и Рахмон приняли участие в саммите СНГ в Астане",
        "Касым-Жомарт Токаев и Эмомали Рахмон приняли участие в заседании Совета глав "
        "государств СНГ в Астане 28 ноября.",
    ),
]

# One summit named by its format in one report and by its sides in the other.
SUMMIT_BY_SIDES = [
    Report(
        "sides-en",
        "khovar-en",
        "https://khovar.tj/eng/ca-russia-2026-10-15",
        "en",
        _at("2026-10-15"),
        "Central Asia – Russia summit held in Dushanbe",
        "The second Central Asia – Russia summit was held in Dushanbe on October 15. Emomali "
        "Rahmon, Vladimir Putin and Kassym-Jomart Tokayev discussed transport corridors.",
    ),
    Report(
        "sides-ru",
        "kazpravda",
        "https://kazpravda.kz/ca-russia-2026-10-17",
        "ru",
        _at("2026-10-17"),
        "Итоги недели",
        "15 октября в Душанбе прошёл второй саммит с участием лидеров России и стран "
        "Центральной Азии. Главы государств обсудили транспортные коридоры.",
    ),
]

# A summit whose reports open like a meeting or an arrival, and one written up ten days later.
SUMMIT_AS_MEETING = [
    Report(
        "arrived-ru",
        "kazpravda",
        "https://kazpravda.kz/sco-arrival-2027-06-10",
        "ru",
        _at("2027-06-10", 8),
        "Эмомали Рахмон прибыл в Астану",
        "Президент Таджикистана Эмомали Рахмон прибыл в Астану, где примет участие в "
        "заседании Совета глав государств ШОС. В аэропорту его встретил Касым-Жомарт Токаев. "
        "В саммите ШОС участвуют Владимир Путин и Си Цзиньпин.",
    ),
    Report(
        "meeting-en",
        "khovar-en",
        "https://khovar.tj/eng/sco-meeting-2027-06-10",
        "en",
        _at("2027-06-10", 14),
        "Meeting of the heads of state in Astana",
        "On June 10, the leaders of the SCO member states met in Astana. Emomali Rahmon, "
        "Vladimir Putin and Xi Jinping took part in the meeting of the SCO Heads of State "
        "Council chaired by Kassym-Jomart Tokayev.",
    ),
    Report(
        "late-en",
        "akorda",
        "https://www.akorda.kz/en/sco-review-2027-06-20",
        "en",
        _at("2027-06-20"),
        "What the SCO summit in Astana agreed",
        "On June 10, the SCO Heads of State Council met in Astana under the chairmanship of "
        "Kassym-Jomart Tokayev. Emomali Rahmon, Vladimir Putin and Xi Jinping signed the "
        "Astana Declaration of the SCO summit.",
    ),
    Report(
        "greeted-ru",
        "baq-kz",
        "https://baq.kz/sco-arrival-2027-06-09",
        "ru",
        _at("2027-06-09", 20),
        "Эмомали Рахмон прибыл в Астану на саммит ШОС",
        "Президент Таджикистана прибыл в Астану на саммит ШОС. В аэропорту его встретил "
        "Касым-Жомарт Токаев.",
    ),
    Report(
        "leaders-ru",
        "tengrinews",
        "https://tengrinews.kz/leaders-2027-06-10",
        "ru",
        _at("2027-06-10", 18),
        "Токаев, Рахмон, Путин и Си Цзиньпин встретились в Астане",
        "Главы государств провели встречу в узком составе в Астане. Эмомали Рахмон, Владимир "
        "Путин, Си Цзиньпин и Касым-Жомарт Токаев обсудили безопасность в регионе.",
    ),
]

# A bilateral meeting on the sidelines of a summit, and the summit itself.
SIDELINE = [
    Report(
        "sideline-ru",
        "akorda",
        "https://www.akorda.kz/ru/sco-bilateral-2026-07-04",
        "ru",
        _at("2026-07-04", 8),
        "Токаев встретился с Рахмоном на полях саммита ШОС",
        "В Астане 4 июля Президент Казахстана Касым-Жомарт Токаев провёл двустороннюю встречу с "
        "Президентом Таджикистана Эмомали Рахмоном на полях саммита ШОС. Стороны обсудили "
        "торговлю и транспорт.",
    ),
    Report(
        "summit-en",
        "khovar-en",
        "https://khovar.tj/eng/sco-summit-2026-07-04",
        "en",
        _at("2026-07-04", 12),
        "Emomali Rahmon takes part in the SCO summit in Astana",
        "President Emomali Rahmon took part in the summit of the Shanghai Cooperation "
        "Organisation in Astana on July 4, chaired by Kassym-Jomart Tokayev. The leaders "
        "adopted the Astana Declaration.",
    ),
    Report(
        "sideline-en",
        "khovar-en",
        "https://khovar.tj/eng/sco-bilateral-2026-07-04",
        "en",
        _at("2026-07-04", 15),
        "Emomali Rahmon meets Kassym-Jomart Tokayev on the sidelines of the SCO summit",
        "On July 4 in Astana, Emomali Rahmon met Kassym-Jomart Tokayev on the sidelines of the "
        "SCO summit, attended by Vladimir Putin and Xi Jinping. They discussed trade.",
    ),
]

# The same visitor, the same city, a year apart.
YEAR_LATER = [
    Report(
        "visit-2024",
        "kazpravda",
        "https://kazpravda.kz/visit-2024-05-20",
        "ru",
        _at("2024-05-20"),
        "Токаев прибыл в Душанбе с государственным визитом",
        "Президент Казахстана Касым-Жомарт Токаев прибыл в Душанбе с государственным визитом. "
        "В аэропорту его встретил Эмомали Рахмон.",
    ),
    Report(
        "visit-2025",
        "kazpravda",
        "https://kazpravda.kz/visit-2025-05-20",
        "ru",
        _at("2025-05-20", 17),
        "Токаев прибыл в Душанбе с государственным визитом",
        "Президент Казахстана Касым-Жомарт Токаев 20 мая прибыл в Душанбе с государственным "
        "визитом. В аэропорту его встретил Эмомали Рахмон.",
    ),
]

# Looks back on the visit two days later: the treaty it signed is ratified.
RETROSPECTIVE = Report(
    "ratified",
    "tengrinews",
    "https://tengrinews.kz/ratified-2025-05-23",
    "ru",
    _at("2025-05-23"),
    "Мажилис ратифицировал договор с Таджикистаном",
    "Депутаты Мажилиса ратифицировали Договор о стратегическом партнёрстве, который Касым-Жомарт "
    "Токаев и Эмомали Рахмон подписали в Душанбе 21 мая в ходе государственного визита.",
)


def page(report: Report) -> str:
    """The report as a publisher's page, for `newswatch ingest`."""
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in report.text.split(". "))
    return (
        f'<!DOCTYPE html><html lang="{report.language}"><head><meta charset="utf-8">'
        f"<title>{report.title}</title>"
        f'<meta property="article:published_time" content="{report.published.isoformat()}">'
        f'<link rel="canonical" href="{report.url}"></head><body><article>'
        f"<h1>{report.title}</h1>{paragraphs}</article></body></html>"
    )
