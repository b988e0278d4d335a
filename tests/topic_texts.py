"""Hand-written news texts for the tajik-kazakh topic, beyond the fixtures: (title, text,
language). POSITIVE are about relations between the two countries; NEGATIVE name both (some of
them often) but are about something else."""

from __future__ import annotations

POSITIVE = {
    "tg-delegation-in-province": (
        "Рӯзҳои фарҳанги Қазоқистон дар Хуҷанд оғоз шуданд",
        "Ҳайати фарҳангии Қазоқистон ба шаҳри Хуҷанд ворид шуд ва дар вилояти Суғд "
        "консертҳо ва намоишгоҳ баргузор мекунад.\n"
        "Раиси шаҳри Хуҷанд меҳмононро истиқбол гирифт. Ҳунармандони Қазоқистон дар театри "
        "вилоятии Суғд суруд хонданд, филмҳои қазоқӣ намоиш дода шуданд. Рӯзҳои фарҳанг то "
        "охири ҳафта дар Хуҷанд ва Истаравшан идома меёбанд.",
        "tg",
    ),
    "kk-latin-demonym-migration": (
        "",
        "Qazaqstanda kóshi-qon erejesin búzghan tәjik azamattary elden shygharyldy.\n"
        "Polisiya mәlimetinshe, Qazaqstanda zansyz júrgen 30 tәjik ústalyp, deportasiyalandy. "
        "Tәjikstan eltshiligi óz azamattaryna kómek kórsetetinin aitty. Qazaq tarapy "
        "Tәjikstanmen eńbek migrasiyasy boiynsha kelisimdi oryndaudy jalghastyrady.",
        "kk",
    ),
    "tg-diplomatic-relations": (
        "",
        "Аз барқарории муносибатҳои дипломатӣ байни Тоҷикистон ва Қазоқистон 30 сол гузашт.\n"
        "Тоҷикистон ва Қазоқистон ҳамсояҳои нек ва шарикони стратегӣ мебошанд. Сафири "
        "Қазоқистон дар Тоҷикистон гуфт, ки ҳамкории ду кишвар дар соҳаҳои гуногун рушд "
        "мекунад. Тоҷикистон ба Қазоқистон барқ ва меваю сабзавот содир мекунад.",
        "tg",
    ),
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
    "en-flight-route": (
        "",
        "ALMATY, March 3. A Kazakh carrier will open a route from Shymkent to Dushanbe in May, "
        "the transport ministry of Kazakhstan said.\n"
        "Three flights a week are planned between the two countries. Today only Almaty has "
        "direct flights to Tajikistan; the Tajik airline Somon Air also plans a second route.",
        "en",
    ),
    # A lead that frames the pair, with other countries listed below it; a migration story
    # told from Almaty, with Russia as the other destination.
    "kk-framed-tourist-statistics": (
        "",
        "Өткен жылы Тәжікстанға 40 мыңға жуық қазақстандық турист барды.\n"
        "Тәжікстанның туризм комитетінің мәліметінше, елге барлығы бір жарым миллион шетелдік "
        "келген. Ең көп турист Өзбекстаннан, Ресейден және Қырғызстаннан келді, Қытайдан 30 мың "
        "адам барған. Қазақстаннан келетін туристер саны бір жылда 20 пайызға өсті.",
        "kk",
    ),
    "ru-framed-export-statistics": (
        "",
        "Казахстан в прошлом году стал главным покупателем таджикских овощей, фруктов и дынь.\n"
        "По данным агентства по статистике, в прошлом году Таджикистан экспортировал 150 тысяч "
        "тонн овощей и фруктов, почти три четверти экспорта ушли в Казахстан. Небольшие партии "
        "отправлены в Россию, Китай, Турцию, Узбекистан, Кыргызстан, Иран и Афганистан.",
        "ru",
    ),
    "en-framed-export-statistics": (
        "",
        "Kazakhstan bought most of the fruit and vegetables exported by Tajikistan last year, "
        "three quarters of the total.\n"
        "Smaller lots went to Russia, China, Turkey, Uzbekistan, Kyrgyzstan, Iran, Belarus and "
        "Afghanistan, the Tajik statistics agency said. Onions and dried apricots, mostly sold to "
        "Kazakh traders, made up the bulk of the exports.",
        "en",
    ),
    "tg-migration-russia-almaty": (
        "",
        "Муҳоҷирони тоҷик дар Алмаато мегӯянд, ки ёфтани кор душвор шудааст.\n"
        "Ба гуфтаи узви Маркази фарҳангии тоҷикони Алмаато ва савдогарони тоҷик, пас аз "
        "бӯҳрон дар Қазоқистон музди кор кам шуд ва бисёре аз мардикорон "
        "ба Русия мераванд. Як сокини Алмаато гуфт, ки ҳар ҳафта даҳҳо нафар аз Тоҷикистон ба "
        "Русия мераванд, зеро дар Русия кор бештар аст. Дар бозорҳои Алмаато тоҷикон камтар "
        "шудаанд, вале бархе аз Русия баргашта, боз ба Алмаато меоянд.",
        "tg",
    ),
}

NEGATIVE = {
    "ru-kz-province-domestic": (
        "В Шымкенте открыли новый хлопкоперерабатывающий завод",
        "В Шымкенте начал работу хлопкоперерабатывающий завод мощностью 50 тысяч тонн в год.\n"
        "Аким Шымкента отметил, что предприятие создаст 400 рабочих мест. Сырье поступит от "
        "фермеров Туркестанской области; оборудование закуплено в Турции, часть специалистов "
        "прошла обучение в Узбекистане. Раньше хлопок региона вывозили на переработку, в том "
        "числе в Таджикистан.",
        "ru",
    ),
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

# --- one per kind of miss of issue 10, in each language; most are title-less leads ----------
# (a plain-text input has no title, and feeds often give only the first paragraphs)

POSITIVE |= {
    # 1. the relation written with a preposition or postposition
    "ru-lead-preposition-culture-days": (
        "",
        "В Астане открылись Дни культуры Таджикистана в Казахстане. Гостей из Душанбе "
        "приветствовал министр культуры Казахстана.\n"
        "Таджикские артисты дадут три концерта, в музее пройдет выставка таджикских "
        "художников, а в кинотеатрах покажут новые фильмы студии «Таджикфильм».",
        "ru",
    ),
    "tg-lead-preposition-dar": (
        "",
        "Ҳафтаи фарҳанги Қазоқистон дар Тоҷикистон оғоз шуд. Ҳунармандони Қазоқистон дар "
        "театри опера ва балети Душанбе консерт доданд.\n"
        "Дар намоишгоҳ асарҳои рассомони қазоқ ба тамошо гузошта шуданд. Вазири фарҳанги "
        "Тоҷикистон гуфт, ки ин чорабинӣ дӯстии ду халқро таҳким мебахшад.",
        "tg",
    ),
    "tg-lead-preposition-bo": (
        "",
        "Тоҷикистон бо Қазоқистон ҳаҷми интиқоли борҳоро зиёд мекунад. Дар Душанбе вазирони "
        "нақлиёти Тоҷикистон ва Қазоқистон мулоқот карданд.\n"
        "Ҷонибҳо ҳамкориҳои тарафайнро дар соҳаи роҳи оҳан баррасӣ намуданд.",
        "tg",
    ),
    "en-lead-preposition-artists": (
        "",
        "Tajik artists in Kazakhstan: a week of concerts opens in Almaty. Singers and dancers "
        "from Dushanbe will perform in three Kazakh cities.\n"
        "An exhibition of Tajik painters opens at the Kasteyev museum, and Kazakhstan's "
        "culture ministry says a return tour of Kazakh musicians to Tajikistan is planned.",
        "en",
    ),
    "kk-lead-postposition": (
        "",
        "Тәжік әртістері Қазақстанда өнер көрсетеді. Алматыда Тәжікстан мәдениеті күндері "
        "ашылды.\n"
        "Тәжікстандық әншілер үш концерт береді, ал Қазақстанның ұлттық музейінде тәжік "
        "суретшілерінің көрмесі ашылады.",
        "kk",
    ),
    # 2. one-subject relations stories: labour migration, defence, a phone call
    "ru-lead-labour-migration": (
        "",
        "Казахстан упростит выдачу разрешений на работу для граждан Таджикистана. Трудовые "
        "мигранты из Таджикистана смогут получать патент онлайн.\n"
        "По данным министерства труда Казахстана, в стране работают более 40 тысяч "
        "таджикистанцев, а денежные переводы в Таджикистан выросли на треть.",
        "ru",
    ),
    "en-lead-military-aid": (
        "",
        "Kazakhstan hands military aid to Tajikistan's border guards. Kazakhstan's defence "
        "minister met his Tajik counterpart in Dushanbe.\n"
        "The equipment will help Tajik border troops on the Afghan frontier, the Kazakh "
        "defence ministry said.",
        "en",
    ),
    "kk-lead-ministers-phone-call": (
        "",
        "Қазақстан Сыртқы істер министрі Тәжікстан Сыртқы істер министрі Сироҷиддин "
        "Муҳриддинмен телефон арқылы сөйлесті.\n"
        "Министрлер Қазақстан мен Тәжікстан арасындағы ынтымақтастығының күн тәртібін "
        "талқылады.",
        "kk",
    ),
    "tg-lead-defence-ministers": (
        "",
        "Вазирони мудофиаи Тоҷикистон ва Қазоқистон дар Остона мулоқот карданд. Ҷонибҳо "
        "ҳамкориҳои низомиро баррасӣ намуданд.\n"
        "Қазоқистон ба сарҳадбонони Тоҷикистон кумаки низомӣ мерасонад.",
        "tg",
    ),
    # 3. word forms and demonyms
    "tg-lead-demonyms-plural-ezafe": (
        "",
        "Тоҷикистониён ва қазоқҳо дар Душанбе ҳамкориҳои фарҳангиро ҷашн гирифтанд. "
        "Сафорати Қазоқистон дар Тоҷикистон ин чорабиниро ташкил кард.\n"
        "Қазоқистониёни муқими Тоҷикистон низ иштирок карданд.",
        "tg",
    ),
    "kk-lead-demonyms-migrants": (
        "",
        "Тәжік еңбек мигранттары Қазақстанда жұмыс рұқсатын оңай алады. Қазақстандықтар мен "
        "тәжікстандықтар арасындағы еңбек көші-қоны туралы келісім күшіне енді.\n"
        "Келісім Тәжікстан азаматтарына Қазақстанның еңбек нарығына шығуды жеңілдетеді.",
        "kk",
    ),
    # 4. a third country named often in a story about the two
    "ru-lead-third-country-migrants": (
        "",
        "Таджикские мигранты выбирают Казахстан вместо России. После ужесточения правил в "
        "России число граждан Таджикистана, приехавших на заработки в Казахстан, выросло.\n"
        "В России остаются сотни тысяч таджиков, но из России всё больше уезжают. "
        "Посольство Таджикистана в Казахстане открыло центр помощи трудовым мигрантам, а "
        "Россия и Казахстан обсуждают общие правила.",
        "ru",
    ),
    # 5. Kazakh in Arabic script (as in China): Kazakh-Tajik cooperation agreement
    "kk-arab-lead-agreement": (
        "",
        "قازاقستان مەن تاجىكستان ەكى ەل اراسىنداعى ىنتىماقتاستىق تۋرالى كەلىسىمگە قول قويدى. "
        "تاجىكستان پرەزيدەنتى ەمومالى راحمون استاناعا ساپارمەن كەلدى.\n"
        "قازاقستان پرەزيدەنتى توقاەۆ ەكى ەلدىڭ ساۋدا ىنتىماقتاستىعىن ارتتىرۋعا شاقىردى.",
        "kk-arab",
    ),
    # 6. a short title-less lead
    "en-short-lead": (
        "",
        "Kazakhstan and Tajikistan signed a water-sharing agreement in Dushanbe on Monday; "
        "Kazakh and Tajik ministers agreed to meet again in Astana.",
        "en",
    ),
}

NEGATIVE |= {
    "ru-lead-kyrgyz-tajik-border": (
        "",
        "Кыргызстан и Таджикистан подписали договор о границе. Президенты Кыргызстана и "
        "Таджикистана встретились в Бишкеке.\n"
        "Эксперты из Казахстана назвали договор важным для региона.",
        "ru",
    ),
    "tg-lead-uzbek-tajik": (
        "",
        "Тоҷикистон ва Ӯзбекистон созишномаи ҳамкорӣ имзо карданд. Президенти Ӯзбекистон "
        "ба Душанбе сафар кард ва бо Президенти Тоҷикистон мулоқот намуд.\n"
        "Ҳаҷми савдои Тоҷикистону Ӯзбекистон афзуд. Қазоқистон низ дар ин минтақа "
        "шарики муҳим аст.",
        "tg",
    ),
    "en-lead-participants-list": (
        "",
        "Ministers of culture from Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and "
        "Uzbekistan attended a festival of Central Asian cinema in Tashkent.\n"
        "Films from China, Russia and Iran were also shown at the festival.",
        "en",
    ),
    "kk-lead-passing-mention": (
        "",
        "Қазақстан мен Қырғызстан шекарадағы өткізу пункттерін жаңартады. Екі ел үкіметтері "
        "көлік және сауда туралы келісімге қол қойды.\n"
        "Бұған дейін ұқсас жоба Тәжікстанда іске асқан еді.",
        "kk",
    ),
    "kk-arab-lead-kyrgyz-tajik": (
        "",
        "قىرعىزستان مەن تاجىكستان شەكارا تۋرالى كەلىسىمگە قول قويدى. قىرعىزستان پرەزيدەنتى "
        "جاپاروۆ دۋشانبەگە ساپارمەن باردى.\n"
        "قىرعىز جانە تاجىك ۇكىمەتتەرى شەكارا ماسەلەسىن شەشتى.",
        "kk-arab",
    ),
    "ru-lead-migrants-russia-only": (
        "",
        "Мигранты из Таджикистана в России: новые правила въезда. Россия ужесточила "
        "требования к трудовым мигрантам.\n"
        "Граждане Таджикистана должны сдать экзамен по русскому языку. Казахстан пока "
        "правил не менял.",
        "ru",
    ),
}

# Second round (issue 10, the real corpus): each a kind the topic used to miss or to take.
POSITIVE |= {
    # a side named once: Tajik aid received in a Kazakh region, no third country named
    "kk-side-named-once-aid": (
        "",
        "Тәжікстаннан жіберілген гуманитарлық жүк Түркістан облысына жетті.\n"
        "Су тасқынынан зардап шеккен ауылдарға Тәжікстан Республикасы 40 вагон азық-түлік "
        "жіберді. Жүкті облыс әкімінің орынбасары мен Тәжікстан өкілдері қабылдады. "
        "Қазақстан тарапы тәжік халқына алғыс айтты, көмек ауыл тұрғындарына таратылады.",
        "kk",
    ),
    # site furniture (a counter, a weather widget) before the first sentence of a saved page
    "tg-furniture-before-lead": (
        "",
        "4.1 C\nДушанбе\n\n1287\n\n"
        "Қазоқистон содироти гандумро ба Тоҷикистон зиёд мекунад\n\n"
        "Вазорати кишоварзии Қазоқистон хабар дод, ки имсол ба Тоҷикистон 600 ҳазор тонна "
        "гандум ва орд содир мешавад. Тоҷикистон аз Қазоқистон бештари гандумашро ворид "
        "мекунад.",
        "tg",
    ),
    # a menu of country names saved with the page, then the story
    "ru-menu-before-story": (
        "",
        "Россия Узбекистан Казахстан Кыргызстан Таджикистан Туркменистан Китай Турция Иран "
        "Азербайджан Армения Беларусь Грузия Монголия\n"
        "Казахстан продлил безвизовое пребывание для граждан Таджикистана\n"
        "Граждане Таджикистана теперь могут находиться в Казахстане без регистрации до 30 "
        "дней, сообщила миграционная служба Казахстана. Раньше таджикистанцы должны были "
        "встать на учёт через пять дней после въезда.",
        "ru",
    ),
    # another story (regional sport results) printed below a short lead about the two
    "tg-another-story-below": (
        "",
        "Тоҷикистон ва Қазоқистон 30-солагии муносибатҳои дипломатиро ҷашн гирифтанд. "
        "Сафирони Тоҷикистон дар Қазоқистон ва Қазоқистон дар Тоҷикистон аз шарикии "
        "стратегии ду кишвар ёдовар шуданд.\n"
        "Варзишгарони вилояти Суғд дар мусобиқаҳои ҷумҳуриявӣ 120 медали тилло ва 90 "
        "медали нуқра ба даст оварданд.",
        "tg",
    ),
    # a telephone talk with a counterpart
    "en-telephone-talk": (
        "",
        "President Tokayev held a telephone talk with his Tajik counterpart Emomali Rahmon.\n"
        "The two leaders discussed trade between Kazakhstan and Tajikistan.",
        "en",
    ),
    # education quotas
    "kk-education-quotas": (
        "",
        "Биыл Қазақстанның жоғары оқу орындарына Тәжікстаннан 90 студент квота бойынша "
        "қабылданады.\nТәжікстан азаматтарына білім беру гранттары үкіметаралық келісім "
        "бойынша бөлінеді, Қазақстан университеттері тәжік студенттерін күтеді.",
        "kk",
    ),
    # a monument of one country's poet unveiled in the other's capital
    "ru-monument-poet": (
        "",
        "В Душанбе открыли бюст казахского поэта Абая.\n"
        "На церемонии в парке Фирдоуси выступили министры культуры Таджикистана и "
        "Казахстана, прозвучали стихи поэта на таджикском и казахском языках.",
        "ru",
    ),
}

NEGATIVE |= {
    # a consultative meeting of the heads of Central Asia: a summit of many
    "ru-consultative-meeting": (
        "",
        "Консультативная встреча глав государств Центральной Азии пройдёт в Душанбе. "
        "В ней примут участие президенты Казахстана, Кыргызстана, Таджикистана, "
        "Туркменистана и Узбекистана.\n"
        "Президент Таджикистана Эмомали Рахмон и президент Казахстана Касым-Жомарт Токаев "
        "обсудят региональное сотрудничество, торговлю и транзит, сообщили в МИД.",
        "ru",
    ),
    # Tajik news naming Kazakhstan once beside another neighbour: the one-mention path needs
    # no third country at all
    "kk-once-with-a-third-country": (
        "",
        "Тәжікстан мен Өзбекстан арасындағы тауар айналымы өсті. Тәжікстан президенті "
        "Ташкентке сапармен барып, келісімдерге қол қойды.\n"
        "Тәжікстан Өзбекстаннан астық пен газ сатып алады. Бұған дейін Қазақстан да ұқсас "
        "келісім жасаған еді.",
        "kk",
    ),
    # a head-to-head record of the two national football teams
    "ru-head-to-head": (
        "SPORTS.KZ",
        "12 августа\n\nКазахстан — Таджикистан\n\n"
        "Сборные Казахстана и Таджикистана ранее встречались трижды: дважды побеждали "
        "казахстанцы, одна встреча завершилась вничью. Первый матч команды провели в 1994 "
        "году, последний — со счётом 2:1 в Алматы.",
        "ru",
    ),
    # A summit of many in the lead; a Kazakh side that is only a weather widget's cities.
    "ru-summit-announcement": (
        "",
        "Очередная консультативная встреча глав государств Центральной Азии пройдет в Душанбе.\n"
        "Об этом сообщили в министерстве иностранных дел Таджикистана. На прошлой встрече "
        "президенты обсудили региональное сотрудничество, торговлю, водные ресурсы и "
        "энергетику, а Касым-Жомарт Токаев и другие лидеры подписали договор о дружбе. Первая "
        "встреча прошла в Астане, столице Казахстана. Президент Таджикистана Эмомали Рахмон "
        "примет гостей во Дворце нации.",
        "ru",
    ),
    "kk-widget-city-only": (
        "",
        "Сейсенбі, 3 Ақпан\n\nАлматы\n+2°C\nАстана\n-12°C\n\n"
        "Тәжік-ауған шекарасында қақтығыс болды\n\n"
        "Тәжікстанның шекара қызметі Ауғанстанмен шекарада қарулы қақтығыс болғанын хабарлады. "
        "Ресми Душанбе шекараны заңсыз кесіп өткен қарулы топты айыптады. Тәжік шекарашылары "
        "екі лаңкесті ұстады, әскери бөлімдер күшейтілді. Тәжікстан әскері шекара қауіпсіздігін "
        "қамтамасыз ету үшін қосымша күш жіберді, терроршылар ізделуде.",
        "kk",
    ),
}
