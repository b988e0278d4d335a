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


# A summit numbered in its report ("the VII Consultative Meeting") and written up twelve days
# later; a look back at the VI meeting the next day is another happening.
NUMBERED = [
    Report(
        "vii-ru",
        "kazpravda",
        "https://kazpravda.kz/vii-consultative-2025",
        "ru",
        _at("2025-11-16"),
        "В Ташкенте прошла VII Консультативная встреча глав государств Центральной Азии",
        "Президенты Казахстана, Кыргызстана, Таджикистана, Туркменистана и Узбекистана приняли "
        "участие в седьмой Консультативной встрече. Касым-Жомарт Токаев и Эмомали Рахмон "
        "выступили с речами, главы государств приняли совместное заявление.",
    ),
    Report(
        "vii-en-late",
        "khovar-en",
        "https://khovar.tj/en/vii-consultative-address",
        "en",
        _at("2025-11-28"),
        "Tokayev's address at the VII Consultative Meeting of Central Asian leaders",
        "President Kassym-Jomart Tokayev spoke at the seventh Consultative Meeting of the heads "
        "of state of Central Asia, thanking the host for the organisation and calling for closer "
        "cooperation on transport and water.",
    ),
    Report(
        "vi-en-recalled",
        "khovar-en",
        "https://khovar.tj/en/vi-consultative-recalled",
        "en",
        _at("2025-11-29"),
        "The VI Consultative Meeting a year on",
        "A year after the sixth Consultative Meeting of the heads of state of Central Asia, "
        "Kassym-Jomart Tokayev recalled the regional concept adopted there and the work done "
        "on it since.",
    ),
]

# One summit: a report that names the next venue ("the next meeting will be in Tashkent")
# and one that names the host city.
NEXT_VENUE = [
    Report(
        "host-en",
        "khovar-en",
        "https://khovar.tj/en/consultative-astana-2024",
        "en",
        _at("2024-08-09"),
        "Central Asian leaders meet in Astana",
        "The Consultative Meeting of the heads of state of Central Asia opened in Astana on "
        "Friday under the chairmanship of Kassym-Jomart Tokayev. Emomali Rahmon attended.",
    ),
    Report(
        "next-ru",
        "kazpravda",
        "https://kazpravda.kz/consultative-next-venue",
        "ru",
        _at("2024-08-09", 16),
        "Лидеры Центральной Азии договорились о новых встречах",
        "Консультативная встреча глав государств Центральной Азии завершилась принятием "
        "совместного заявления. Следующая встреча пройдёт в 2025 году в Ташкенте.",
    ),
]

# A ratification reported in three languages, none naming a person: the parliament and the
# treaty's date are what they share; the English one only looks back on the signing.
RATIFICATION = [
    Report(
        "ratify-kk",
        "baq-kz",
        "https://baq.kz/ratify-allied-treaty",
        "kk",
        _at("2025-03-12"),
        "Мәжіліс Тәжікстанмен одақтастық туралы шартты ратификациялады",
        "Мәжіліс депутаттары Қазақстан мен Тәжікстан арасындағы одақтастық қатынастар туралы "
        "шартты ратификациялады. Құжатқа 2024 жылғы 22 тамызда Душанбеде қол қойылған.",
    ),
    Report(
        "ratify-ru",
        "kazpravda",
        "https://kazpravda.kz/ratify-allied-treaty",
        "ru",
        _at("2025-03-12", 15),
        "Мажилис ратифицировал договор о союзнических отношениях с Таджикистаном",
        "Депутаты Мажилиса ратифицировали Договор о союзнических отношениях между Казахстаном и "
        "Таджикистаном, подписанный 22 августа 2024 года в Душанбе.",
    ),
    Report(
        "treaty-en",
        "khovar-en",
        "https://khovar.tj/en/allied-treaty-moves-forward",
        "en",
        _at("2025-03-12", 18),
        "Kazakh-Tajik treaty moves forward",
        "The treaty on allied relations was signed in Dushanbe on August 22, 2024. It commits "
        "Kazakhstan and Tajikistan to consult on regional security and to expand trade.",
    ),
]

# A summit of Central Asia with a partner: named by its sides and the partner's leader, or by
# its format.
PARTNER = [
    Report(
        "sides-ru",
        "kazpravda",
        "https://kazpravda.kz/ca-germany-2024",
        "ru",
        _at("2024-09-17"),
        "В Астане прошёл саммит глав государств Центральной Азии и канцлера Германии",
        "Касым-Жомарт Токаев принял в Астане глав государств Центральной Азии и федерального "
        "канцлера Германии Олафа Шольца. Стороны обсудили энергетику и транспорт.",
    ),
    Report(
        "format-en",
        "khovar-en",
        "https://khovar.tj/en/ca-germany-2024",
        "en",
        _at("2024-09-17", 14),
        "Second Central Asia – Germany summit held in Astana",
        "Emomali Rahmon took part in the second Central Asia – Germany summit hosted by "
        "Kassym-Jomart Tokayev, with Chancellor Olaf Scholz. The leaders adopted a joint "
        "statement.",
    ),
]
