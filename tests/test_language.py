"""Language identification on realistic ru/kk/tg/en news text."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.crawler.language import LANGUAGES, _identifier, detect_language

RU = [
    "Президент Казахстана Касым-Жомарт Токаев провёл переговоры с Президентом Таджикистана "
    "Эмомали Рахмоном. Стороны обсудили водно-энергетическое сотрудничество и транзит грузов.",
    # Kazakh names with қ/ғ (shared letters) and decisive letters inside capitalised names.
    "По итогам переговоров Глава государства вручил Рустами Эмомали орден «Достық» II степени "
    "за значительный вклад в укрепление стратегического партнерства между странами.",
    "Грузы будут доставляться по линиям АО «Қазақстан темір жолы» через станцию Сарыагаш.",
    # Short texts whose only Kazakh letters are in names: neither the letter count nor
    # py3langid (kk 0.95 / 0.98 on the raw text) may take them for Kazakh.
    "Холдинг «Бәйтерек» и фонд «Самұрық-Қазына» подписали меморандум.",
    "«Бәйтерек», «Самұрық-Қазына» и «Өскемен-Су» подписали меморандум.",
    # One Kazakh letter in a lower-case word of a short Russian text.
    "Стартовал проект «Ұлы дала елі» для школьников.",
    "Аким Шымкента принял делегацию из Худжанда; встреча прошла в здании «Ғимарат-Сарай».",
    # A Tajik spelling of a name (ӣ) in a Russian sentence.
    "Председатель Маджлиси милли Рустами Эмомалӣ встретился с послом Казахстана в Душанбе.",
    # A Kazakh proverb quoted in a Russian paragraph: lowercase Kazakh words, but a small share.
    "Как отметил министр, двусторонняя торговля за семь месяцев выросла на 12 процентов, "
    "а новые логистические маршруты через Сарыагаш и Турсунзаде сократят сроки доставки. "
    "«Не зря говорят: бірлік бар жерде тірлік бар», — напомнил он, добавив, что "
    "межправительственная комиссия соберётся в Астане осенью, а рабочие группы подготовят "
    "дорожную карту по энергетике, транспорту, сельскому хозяйству и культурному обмену "
    "между регионами.",
]

KK = [
    "Қазақстан мен Тәжікстан стратегиялық әріптестікті тереңдетуге уағдаласты.",
    "Мемлекет басшысы Қасым-Жомарт Тоқаев Тәжікстан Президенті Эмомали Рахмонмен телефон "
    "арқылы сөйлесті.",
    "Екі ел арасындағы тауар айналымы 2025 жылы 1,2 миллиард доллардан асты.",
    # Older sites type a Latin "i" for "і".
    "Сыртқы iстер министрi Душанбеге ресми сапармен барды.",
    "Министрлер кеңесi өттi",
    # A Tajik spelling of a name (ҳ, ӣ) inside a Kazakh text.
    "Тараптар Эмомалӣ Раҳмонның Астанаға сапарын талқылады және екі ел арасындағы "
    "ынтымақтастықты кеңейту мәселелерін қарастырды.",
    "ҚАЗАҚСТАН МЕН ТӘЖІКСТАН СТРАТЕГИЯЛЫҚ ӘРІПТЕСТІКТІ ТЕРЕҢДЕТЕДІ",
]

TG = [
    "Президенти Ҷумҳурии Тоҷикистон, Пешвои миллат муҳтарам Эмомалӣ Раҳмон бо Президенти "
    "Ҷумҳурии Қазоқистон Қасым-Жомарт Тоқаев мулоқот карданд.",
    "Дар доираи сафари расмӣ вазири корҳои хориҷии Тоҷикистон бо ҳамтои қазоқистонии худ "
    "дар бораи ҳамкориҳои иқтисодӣ ва тиҷоратӣ гуфтугӯ кард.",
    "Ҳаҷми гардиши мол байни ду кишвар дар соли 2025 ба 1,2 миллиард доллар расид.",
    "ВАЗИРИ КОРҲОИ ХОРИҶИИ ТОҶИКИСТОН БА ОСТОНА РАФТ",
    # Typed without Tajik letters (х for ҳ, ч for ҷ, и for ӣ, у for ӯ): py3langid decides.
    "Дар шахри Душанбе мулокоти рохбарони ду кишвар баргузор гардид.",
    "Сарвазири Точикистон бо хайати хукумати Казокистон вохурд.",
]

EN = [
    "Speaker of the National Assembly Rustam Emomali met with the Speaker of the Senate of "
    "the Parliament of Kazakhstan.",
    "The order «Достық» (Dostyk) was awarded to Rustami Emomali in Astana, Kazakhstan.",
    "President Tokayev (Тоқаев) and President Rahmon (Раҳмон) signed a treaty in Dushanbe.",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *((t, "ru") for t in RU),
        *((t, "kk") for t in KK),
        *((t, "tg") for t in TG),
        *((t, "en") for t in EN),
    ],
)
def test_detects_language_without_declaration(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        # Tajik without decisive letters: the detector leans ru (0.84), the [tg] prior wins.
        ("Мулокоти Президенти Точикистон ва Президенти Казокистон", ["tg"], "tg"),
        ("Маджлиси милли Маджлиси Оли Республики Точикистон", ["tg"], "tg"),
        ("Эмомали Рахмон дар Остона", ["tg"], "tg"),
        # Tajik with decisive letters is Tajik whatever the source declares.
        ("Ҳамкориҳои иқтисодӣ байни Тоҷикистон ва Қазоқистон густариш меёбанд.", ["ru"], "tg"),
        # ... and a clearly Russian text stays Russian on a [tg] source.
        ("Председатель Маджлиси милли встретился с послом Казахстана в Душанбе.", ["tg"], "ru"),
        (KK[0], ["ru"], "kk"),
        (RU[0], ["kk", "tg"], "ru"),
        # A single ambiguous word follows the declaration.
        ("Душанбе", ["tg"], "tg"),
        ("Душанбе", ["ru"], "ru"),
        ("Душанбе", ["kk"], "kk"),
        ("Душанбе", ["ru", "kk"], "kk"),
        # Latin text is English even on a Cyrillic-only source.
        ("Tajikistan and Kazakhstan signed a roadmap.", ["ru"], "en"),
        # Unknown or English-only declarations do not disturb Cyrillic detection.
        (TG[0], ["en", "uz"], "tg"),
        (RU[0], ["en"], "ru"),
    ],
)
def test_declared_languages_are_a_prior(text: str, declared: list[str], expected: str) -> None:
    assert detect_language(text, declared) == expected


@pytest.mark.parametrize("text", ["", "   ", "12:40 27.08.2025", "— 1,2 %", "ТВ", "№ 5"])
def test_no_language_for_texts_without_letters(text: str) -> None:
    assert detect_language(text) is None
    assert detect_language(text, ["ru"]) is None


def test_decomposed_tajik_letters_are_recognised() -> None:
    # и + U+0304 (combining macron) is ӣ once NFC-normalised.
    text = "Сафари расми\u0304 ва мулоқоти давлати\u0304 бо ҳамтои худ баргузор гардид."
    assert detect_language(text) == "tg"


def test_only_the_head_of_a_long_text_is_read() -> None:
    text = KK[0] * 80 + " " + RU[0] * 200
    assert detect_language(text) == "kk"


def test_model_is_loaded_once_and_restricted() -> None:
    assert _identifier() is _identifier()
    assert sorted(_identifier().labels) == sorted(LANGUAGES)


def test_restricted_model_scores_as_py3langid_restricted_by_set_languages() -> None:
    """Built from the model's arrays (not kept whole for a reset): the very same floats."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    reference.set_languages(list(LANGUAGES))
    assert _identifier()._full_model[0].shape[1] == len(LANGUAGES)
    for text in [*RU, *KK, *TG, *EN, "Тоқаев", "млрд", "", "漢字 ٴۋە", RU[0][:9]]:
        assert _identifier().rank(text) == reference.rank(text), text


def test_result_is_always_one_of_the_languages() -> None:
    for text in [*RU, *KK, *TG, *EN, "Тоқаев", "млрд", "Сессия"]:
        assert detect_language(text) in LANGUAGES


# Excerpts of the five seed documents (/work/shared/seeds), copied so that CI, which clones
# only the repository, runs them too.
SEED_EXCERPTS = {
    "000_905165e3e42a9b02.txt": (
        "ru",
        "Душанбе, 27 августа, — ИА «Караван Инфо». 26 августа 2025 года в Астане состоялась "
        "встреча Председателя Маджлиси милли Маджлиси Оли Республики Таджикистан, "
        "Председателя города Душанбе Рустами Эмомали с Президентом Республики Казахстан "
        "Касым-Жомартом Токаевым.\n"
        "Участники встречи с удовлетворением отметили, что двусторонние отношения "
        "развиваются в духе дружбы и взаимной поддержки. По итогам переговоров Глава "
        "государства вручил Рустами Эмомали орден «Достық» II степени.",
    ),
    "001_240bb52ddc645617.txt": (
        "ru",
        " date 2025-08-26 Спикер Сената встретился с главой Маджлиси милли Маджлиси Оли "
        "Таджикистана\n\nФото: пресс-служба Сената\n\n"
        "Председатель Сената Парламента Республики Казахстан Маулен Ашимбаев встретился с "
        "Председателем Маджлиси милли Маджлиси Оли Республики Таджикистан Рустами Эмомали, "
        "прибывшим в Казахстан с официальным визитом, сообщает Kazpravda.kz со ссылкой на "
        "пресс-службу Сената",
    ),
    "002_4420776f6327f677.txt": (
        "kk",
        "Қазақстан мен Тәжікстан стратегиялық әріптестікті тереңдетуге уағдаласты\n"
        "2025 жылы екі ел арасындағы өзара сауда көлемі 1,2 млрд АҚШ долларынан асты.\n"
        "Душанбе қаласына ресми сапары аясында Қазақстан Республикасының Сыртқы істер "
        "министрі Ермек Көшербаев Тәжікстан Республикасының Сыртқы істер министрі "
        "Сироджиддин Мухриддинмен келіссөздер жүргізді, деп хабарлайды BAQ.KZ.",
    ),
    "003_23ab8e4eef31dfde.txt": (
        "ru",
        "ru24.pro\nWorld News\nАвгуст\n2024\n\n"
        "“Исторический документ“. Токаев и Рахмон подписали договор о союзничестве\n\n0\n"
        "Касым-Жомарт Токаев и Эмомали Рахмон провели переговоры в расширенном формате, "
        "передает Tengrinews.kz со ссылкой на сообщение Акорды.",
    ),
    "004_94c42a71bb532e76.txt": (
        "en",
        "Speaker of the National Assembly Rustam Emomali Meets with Speaker of the Senate of "
        "the Parliament of Kazakhstan\nRead also\n"
        "DUSHANBE, 23.09.2021 (NIAT Khovar) – Within the framework of his official visit to "
        "Nursultan, Speaker of the National Assembly Rustam Emomali met with the Speaker of "
        "the Senate of the Kazakh Parliament.",
    ),
}


@pytest.mark.parametrize("name", sorted(SEED_EXCERPTS))
def test_seed_excerpts(name: str) -> None:
    expected, text = SEED_EXCERPTS[name]
    assert detect_language(text) == expected


SEEDS_DIR = Path("/work/shared/seeds")


@pytest.mark.skipif(
    not SEEDS_DIR.is_dir(),
    reason="full seed texts live outside the repository (/work/shared/seeds); "
    "test_seed_excerpts covers them in CI",
)
@pytest.mark.parametrize("name", sorted(SEED_EXCERPTS))
def test_full_seed_documents(name: str) -> None:
    expected, _ = SEED_EXCERPTS[name]
    assert detect_language((SEEDS_DIR / name).read_text(encoding="utf-8")) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Kazakh in Arabic script, as written in China: a visit, and a trade report
        "تاجىكستان پرەزيدەنتى ەمومالي راحمون استاناعا رەسمي ساپارمەن كەلدى.",
        "قازاقستان مەن تاجىكستان اراسىنداعى ساۋدا كولەمى ءوستى، دەپ حابارلادى مينيسترلىك.",
    ],
)
def test_kazakh_in_arabic_script_is_kk_arab(text: str) -> None:
    assert detect_language(text) == "kk-arab"
    assert detect_language(text, ["kk"]) == "kk-arab"


@pytest.mark.parametrize(
    "text",
    [
        "روز فرهنگی تاجیکستان در آنکارا برگزار شد و دانشجویان تاجیک شعر خواندند.",  # Persian
        "حضور وزير الدفاع الطاجيكى في اجتماع مجلس وزراء الدفاع في أستانا.",  # Arabic
    ],
)
def test_other_arabic_script_languages_are_not_ours(text: str) -> None:
    assert detect_language(text) is None
