"""Hand-written news texts for the tajik-kazakh topic, beyond the fixtures: (title, text,
language). POSITIVE are about relations between the two countries; NEGATIVE name both (some of
them often) but are about something else."""

from __future__ import annotations

POSITIVE = {
    "ru-water-commission": (
        "Казахстан и Таджикистан договорились о поставках электроэнергии в зимний период",
        "В Душанбе состоялось заседание казахстанско-таджикской межправительственной "
        "комиссии по торгово-экономическому сотрудничеству.\n"
        "Стороны обсудили поставки электроэнергии из Таджикистана в южные регионы Казахстана "
        "летом и встречные поставки угля и нефтепродуктов зимой. Отдельно рассмотрены вопросы "
        "рационального использования водных ресурсов в бассейне Сырдарьи.\n"
        "По итогам заседания подписан протокол и план мероприятий на 2026 год. Товарооборот "
        "между странами за девять месяцев вырос на 14 процентов.",
        "ru",
    ),
    "ru-transit-migrants": (
        "Таджикистан получит доступ к казахстанским портам на Каспии",
        "Министры транспорта Таджикистана и Казахстана подписали в Астане соглашение о "
        "транзите таджикских грузов через порты Актау и Курык.\n"
        "Документ упрощает перевозки по Транскаспийскому маршруту и снижает тарифы для "
        "таджикских экспортеров. Кроме того, стороны договорились упростить регистрацию "
        "трудовых мигрантов из Таджикистана, работающих в Казахстане, и открыть в Душанбе "
        "центр предвыездной подготовки. Посол Казахстана в Таджикистане назвал соглашение "
        "важным шагом в развитии союзнических отношений двух стран.",
        "ru",
    ),
    "kk-phone-call": (
        "Қасым-Жомарт Тоқаев Эмомали Рахмонмен телефон арқылы сөйлесті",
        "Мемлекет басшысы Тәжікстан Президенті Эмомали Рахмонмен телефон арқылы сөйлесті.\n"
        "Тараптар Қазақстан мен Тәжікстан арасындағы одақтастық қатынастарды нығайту, "
        "сауда-экономикалық және су-энергетикалық ынтымақтастықты дамыту мәселелерін "
        "талқылады. Президенттер екі ел арасындағы тауар айналымын 2 млрд долларға жеткізу "
        "жөніндегі уағдаластықтарды іске асыруға ерекше мән берді.\n"
        "Қасым-Жомарт Тоқаев Эмомали Рахмонды Астанаға ресми сапармен келуге шақырды.",
        "kk",
    ),
    "tg-visit-astana": (
        "Эмомалӣ Раҳмон бо Қосим-Ҷомарт Тоқаев мулоқот кард",
        "Асосгузори сулҳу ваҳдати миллӣ – Пешвои миллат, Президенти Ҷумҳурии Тоҷикистон "
        "Эмомалӣ Раҳмон дар доираи сафари давлатӣ ба Ҷумҳурии Қазоқистон бо Президенти "
        "Қазоқистон Қосим-Ҷомарт Тоқаев мулоқот ва гуфтушунид анҷом доданд.\n"
        "Ҷонибҳо вазъ ва дурнамои ҳамкориҳои Тоҷикистону Қазоқистонро дар соҳаҳои савдо, "
        "энергетика, нақлиёт ва муҳоҷирати меҳнатӣ баррасӣ намуданд. Дар хотимаи мулоқот як "
        "қатор санадҳои нави ҳамкорӣ, аз ҷумла созишнома дар бораи ҳамкорӣ дар соҳаи "
        "захираҳои об, ба имзо расиданд.",
        "tg",
    ),
    "en-business-forum": (
        "Kazakhstan and Tajikistan aim to double trade at Dushanbe business forum",
        "DUSHANBE — More than 200 companies from Kazakhstan and Tajikistan took part in a "
        "bilateral business forum held on the sidelines of the intergovernmental commission.\n"
        "The two countries signed 34 commercial agreements worth 520 million US dollars, "
        "covering grain and flour supplies, cement, textiles and logistics. Kazakh Deputy "
        "Prime Minister said trade turnover between the two countries should reach 2 billion "
        "dollars, and the sides agreed to launch a joint transport and logistics centre for "
        "transit cargo from Tajikistan to Kazakh ports on the Caspian Sea.",
        "en",
    ),
    "en-security-talks": (
        "Tajik and Kazakh defence ministers discuss border security in Central Asia",
        "ASTANA — Kazakhstan’s Minister of Defence met his Tajik counterpart in Astana to "
        "discuss military-technical cooperation.\n"
        "The ministers reviewed joint exercises and training of Tajik officers at Kazakh "
        "military academies and exchanged views on the security situation in Afghanistan. "
        "They signed a plan of bilateral military cooperation for 2026 and agreed that "
        "Tajikistan and Kazakhstan would hold joint counter-terrorism drills next spring.",
        "en",
    ),
}

NEGATIVE = {
    "ru-cis-summit": (
        "В Душанбе прошел саммит глав государств СНГ",
        "В Душанбе завершилось заседание Совета глав государств СНГ.\n"
        "В саммите приняли участие президент Казахстана Касым-Жомарт Токаев, президент "
        "России Владимир Путин, президент Узбекистана Шавкат Мирзиёев, президент Кыргызстана "
        "Садыр Жапаров, президент Беларуси Александр Лукашенко, премьер-министр Армении и "
        "председательствовавший на встрече президент Таджикистана Эмомали Рахмон. "
        "Туркменистан представлял заместитель председателя кабинета министров.\n"
        "Участники саммита подписали 12 документов, в том числе заявление о сотрудничестве "
        "в сфере информационной безопасности. Следующий саммит СНГ пройдет в Казахстане.",
        "ru",
    ),
    "ru-third-country-treaty": (
        "Казахстан и Узбекистан подписали договор о союзнических отношениях",
        "Президенты Казахстана и Узбекистана Касым-Жомарт Токаев и Шавкат Мирзиёев подписали "
        "в Ташкенте договор о союзнических отношениях.\n"
        "Стороны также обсудили совместное использование водных ресурсов трансграничных рек, "
        "энергетические проекты и транзит грузов. Товарооборот между Казахстаном и "
        "Узбекистаном превысил 4 миллиарда долларов. Ранее аналогичный договор Казахстан "
        "заключил с Таджикистаном, а Узбекистан и Таджикистан в прошлом году подписали "
        "соглашение о сотрудничестве в водной сфере. Эксперты считают, что Таджикистан "
        "также заинтересован в развитии транзитных маршрутов.",
        "ru",
    ),
    "ru-currency": (
        "Курсы валют стран Центральной Азии на 5 марта",
        "Национальный банк Таджикистана установил официальные курсы валют на 5 марта.\n"
        "Курс доллара составил 10,95 сомони, евро – 11,84 сомони. За 100 казахстанских тенге "
        "дают 2,18 сомони, за 100 российских рублей – 12,3 сомони. В обменных пунктах "
        "Душанбе тенге Казахстана продают по 2,20 сомони. Национальный банк Казахстана "
        "установил курс 501 тенге за доллар, курс таджикского сомони составил 45,7 тенге. "
        "Эксперты ожидают стабильности валют Таджикистана и Казахстана до конца квартала.",
        "ru",
    ),
    "kk-medals": (
        "Азия чемпионаты: Қазақстан құрамасы 12 медаль жеңіп алды",
        "Душанбеде өткен жастар арасындағы Азия чемпионатында Қазақстан құрамасы 12 медаль "
        "жеңіп алды.\n"
        "Медальдар кестесінде Қазақстан үшінші орынға тұрақтады. Бірінші орында Өзбекстан, "
        "екінші орында Иран құрамасы. Тәжікстан спортшылары төрт медаль жеңіп алып, жетінші "
        "орынды иеленді. Қырғызстан мен Түрікменстан құрамалары да медальсыз қалған жоқ. "
        "Келесі чемпионат Астанада өтеді.",
        "kk",
    ),
    "tg-currency": (
        "Қурби асъор барои 12 март муқаррар шуд",
        "Бонки миллии Тоҷикистон қурби расмии асъорро барои 12 март муқаррар кард.\n"
        "Қурби доллари ИМА 10,94 сомонӣ, евро 11,90 сомонӣ ва рубли Русия 0,12 сомонӣ "
        "муайян шуд. Қурби 100 тангаи Қазоқистон 2,17 сомониро ташкил медиҳад. Ба гуфтаи "
        "коршиносон, қурби сомонӣ дар Тоҷикистон то охири моҳ устувор мемонад.",
        "tg",
    ),
    "en-weather": (
        "Heatwave grips Central Asia: temperatures up to 45 degrees",
        "An intense heatwave is sweeping across Central Asia, forecasters say.\n"
        "Temperatures in southern Kazakhstan reached 43 degrees on Monday, while parts of "
        "Tajikistan and Uzbekistan recorded 45 degrees. In Dushanbe and Astana authorities "
        "advised residents to stay indoors during the afternoon. The weather service of "
        "Kazakhstan expects the heat to ease by the weekend, and Tajikistan's hydrometeorology "
        "agency warned of mudflow risks in the mountains.",
        "en",
    ),
    "en-medal-table": (
        "Tajik boxers win three golds at Asian Championships in Astana",
        "ASTANA — Tajikistan's national boxing team won three gold medals at the Asian "
        "Championships in Astana.\n"
        "Kazakhstan topped the medal table with seven golds, followed by Uzbekistan. Tajik "
        "boxers also took two bronze medals. Kazakhstan's coach praised the tournament "
        "organisers, and the Tajik team will return to Dushanbe on Sunday.",
        "en",
    ),
}
