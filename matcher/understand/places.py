"""Place words that CLDR's names do not cover: common groupings, short names and adjectives ("West Africa", "the Sahel",
"Francophone Africa", "latinoamericano"). Each maps to M49 region codes or to a list of countries, with its source.

The names of countries and M49 regions themselves come from CLDR (Babel) in :mod:`matcher.understand.lexicon`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from matcher import m49


@dataclass(frozen=True)
class Grouping:
    """A named group of places; ``regions`` (M49) and ``countries`` (ISO alpha-2) are what it stands for."""

    key: str
    label: str  # English label for :func:`~matcher.understand.describe`
    names: dict[str, tuple[str, ...]]  # locale -> names
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # "Francophone Africa" also asks for French speakers
    source: str = ""


def _official(language: str, within: str) -> tuple[str, ...]:
    """Countries of M49 region ``within`` where CLDR lists ``language`` as official (or de facto official)."""
    from babel.core import get_global

    spoken = get_global("territory_languages")
    statuses = ("official", "de_facto_official")
    return tuple(
        sorted(
            c for c in m49.members()[within] if spoken.get(c, {}).get(language, {}).get("official_status") in statuses
        )
    )


def _developing() -> tuple[str, ...]:
    every = m49.members()
    south = every["002"] | every["419"] | every["142"] | every["009"]
    return tuple(sorted(south - {"IL", "JP", "KR", "AU", "NZ", "CY"}))


EU27 = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"


#: Arabic names of the groupings (written without the article, which matching strips: "الساحل" is "ساحل")
ARABIC_GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "sahel": ("منطقة الساحل", "الساحل الأفريقي", "الساحل الإفريقي", "دول الساحل", "بلدان الساحل"),
    "francophone_africa": ("أفريقيا الفرنكوفونية", "أفريقيا الناطقة بالفرنسية", "إفريقيا الناطقة بالفرنسية"),
    "lusophone_africa": ("أفريقيا الناطقة بالبرتغالية", "إفريقيا الناطقة بالبرتغالية"),
    "anglophone_africa": ("أفريقيا الناطقة بالإنجليزية", "إفريقيا الناطقة بالإنجليزية"),
    "mena": ("الشرق الأوسط وشمال أفريقيا", "الشرق الأوسط وشمال إفريقيا"),
    "middle_east": ("الشرق الأوسط",),
    "arab_world": ("العالم العربي", "الدول العربية", "البلدان العربية", "المنطقة العربية"),
    "maghreb": ("المغرب العربي", "دول المغرب العربي", "المغرب الكبير"),
    "horn_of_africa": ("القرن الأفريقي", "القرن الإفريقي"),
    "balkans": ("البلقان", "دول البلقان", "منطقة البلقان"),
    "western_balkans": ("غرب البلقان",),
    "nordic": ("دول الشمال الأوروبي", "بلدان الشمال الأوروبي", "الدول الإسكندنافية"),
    "pacific_islands": ("جزر المحيط الهادئ", "منطقة المحيط الهادئ", "دول جزر المحيط الهادئ"),
    "asia_pacific": ("آسيا والمحيط الهادئ", "منطقة آسيا والمحيط الهادئ"),
    "global_south": ("الجنوب العالمي", "دول الجنوب", "بلدان الجنوب", "الدول النامية", "البلدان النامية"),
    "eu": ("الاتحاد الأوروبي", "دول الاتحاد الأوروبي"),
}  # fmt: skip


@lru_cache(maxsize=1)
def groupings() -> tuple[Grouping, ...]:
    """The groupings table (built on first use: some read CLDR's official languages), with their Arabic names."""
    return tuple(
        replace(group, names={**group.names, "ar": ARABIC_GROUP_NAMES[group.key]})
        if group.key in ARABIC_GROUP_NAMES
        else group
        for group in _groupings()
    )


def _groupings() -> tuple[Grouping, ...]:
    return (
        Grouping(
            "sahel",
            "the Sahel",
            {"en": ("Sahel", "the Sahel", "Sahel region"), "fr": ("Sahel",), "es": ("Sahel",), "pt": ("Sahel",)},
            countries=tuple("BF CM TD GM GN ML MR NE NG SN".split()),
            source="the ten countries of the UN Integrated Strategy for the Sahel (UNISS)",
        ),
        Grouping(
            "francophone_africa",
            "Francophone Africa",
            {
                "en": ("Francophone Africa", "French-speaking Africa"),
                "fr": ("Afrique francophone",),
                "es": ("África francófona", "África francoparlante"),
                "pt": ("África francófona", "África francofona"),
            },
            countries=_official("fr", "002"),
            languages=("fr",),
            source="African countries where CLDR lists French as an official language",
        ),
        Grouping(
            "lusophone_africa",
            "Lusophone Africa",
            {
                "en": ("Lusophone Africa", "Portuguese-speaking Africa"),
                "fr": ("Afrique lusophone",),
                "es": ("África lusófona",),
                "pt": ("África lusófona", "PALOP"),
            },
            countries=_official("pt", "002"),
            languages=("pt",),
            source="African countries where CLDR lists Portuguese as an official language",
        ),
        Grouping(
            "anglophone_africa",
            "Anglophone Africa",
            {
                "en": ("Anglophone Africa", "English-speaking Africa"),
                "fr": ("Afrique anglophone",),
                "es": ("África anglófona",),
                "pt": ("África anglófona",),
            },
            countries=_official("en", "002"),
            languages=("en",),
            source="African countries where CLDR lists English as an official language",
        ),
        Grouping(
            "mena",
            "the Middle East and North Africa",
            {
                "en": ("MENA", "Middle East and North Africa", "MENA region"),
                "fr": ("Moyen-Orient et Afrique du Nord", "ANMO"),
                "es": ("Oriente Medio y Norte de África", "Medio Oriente y Norte de África"),
                "pt": ("Oriente Médio e Norte da África", "Médio Oriente e Norte de África"),
            },
            countries=tuple("DZ BH DJ EG IR IQ IL JO KW LB LY MT MA OM QA SA SY TN AE PS YE".split()),
            source="World Bank region 'Middle East and North Africa'",
        ),
        Grouping(
            "middle_east",
            "the Middle East",
            {
                "en": ("Middle East", "the Middle East", "Middle Eastern"),
                "fr": ("Moyen-Orient", "Proche-Orient"),
                "es": ("Oriente Medio", "Medio Oriente", "Oriente Próximo"),
                "pt": ("Oriente Médio", "Médio Oriente"),
            },
            countries=tuple("BH CY EG IR IQ IL JO KW LB OM PS QA SA SY TR AE YE".split()),
            source="Western Asia (M49 145) without the Caucasus, with Egypt and Iran, as commonly used",
        ),
        Grouping(
            "arab_world",
            "the Arab world",
            {
                "en": ("Arab world", "Arab states", "Arab countries", "Arab region"),
                "fr": ("monde arabe", "pays arabes", "États arabes"),
                "es": ("mundo árabe", "países árabes", "Estados árabes"),
                "pt": ("mundo árabe", "países árabes", "Estados árabes"),
            },
            countries=tuple("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split()),
            source="members of the League of Arab States",
        ),
        Grouping(
            "maghreb",
            "the Maghreb",
            {"en": ("Maghreb",), "fr": ("Maghreb",), "es": ("Magreb",), "pt": ("Magrebe", "Magreb")},
            countries=tuple("DZ LY MA MR TN".split()),
            source="the five states of the Arab Maghreb Union",
        ),
        Grouping(
            "horn_of_africa",
            "the Horn of Africa",
            {
                "en": ("Horn of Africa",),
                "fr": ("Corne de l'Afrique",),
                "es": ("Cuerno de África",),
                "pt": ("Chifre da África", "Corno de África"),
            },
            countries=tuple("DJ ER ET SO".split()),
            source="the four states of the Horn of Africa peninsula",
        ),
        Grouping(
            "balkans",
            "the Balkans",
            {
                "en": ("Balkans", "the Balkans", "Balkan countries", "Balkan region"),
                "fr": ("Balkans",),
                "es": ("Balcanes",),
                "pt": ("Balcãs", "Bálcãs"),
            },
            countries=tuple("AL BA BG GR HR XK ME MK RO RS SI".split()),
            source="the states of the Balkan peninsula, as commonly listed",
        ),
        Grouping(
            "western_balkans",
            "the Western Balkans",
            {
                "en": ("Western Balkans",),
                "fr": ("Balkans occidentaux",),
                "es": ("Balcanes Occidentales",),
                "pt": ("Balcãs Ocidentais",),
            },
            countries=tuple("AL BA XK ME MK RS".split()),
            source="the European Union's 'Western Balkans'",
        ),
        Grouping(
            "nordic",
            "the Nordic countries",
            {
                "en": ("Nordic countries", "Nordic region", "Nordics"),
                "fr": ("pays nordiques",),
                "es": ("países nórdicos",),
                "pt": ("países nórdicos",),
            },
            countries=tuple("DK FI IS NO SE".split()),
            source="members of the Nordic Council",
        ),
        Grouping(
            "pacific_islands",
            "the Pacific Islands",
            {
                "en": (
                    "the Pacific",
                    "Pacific Islands",
                    "Pacific island countries",
                    "Pacific island states",
                    "South Pacific",
                    "Pacific region",
                ),
                "fr": ("le Pacifique", "îles du Pacifique", "Pacifique Sud"),
                "es": ("el Pacífico", "islas del Pacífico", "Pacífico Sur"),
                "pt": ("o Pacífico", "ilhas do Pacífico", "Pacífico Sul"),
            },
            regions=("054", "057", "061"),
            source="M49 Melanesia, Micronesia and Polynesia",
        ),
        Grouping(
            "asia_pacific",
            "Asia-Pacific",
            {
                "en": ("Asia-Pacific", "Asia Pacific"),
                "fr": ("Asie-Pacifique",),
                "es": ("Asia-Pacífico",),
                "pt": ("Ásia-Pacífico",),
            },
            regions=("030", "034", "035", "143", "009"),
            source="UN ESCAP's Asia and the Pacific without Western Asia",
        ),
        Grouping(
            "global_south",
            "the Global South",
            {
                "en": ("Global South", "the Global South", "developing countries"),
                "fr": ("Sud global", "pays du Sud", "pays en développement"),
                "es": ("Sur global", "países en desarrollo", "países del Sur"),
                "pt": ("Sul global", "países em desenvolvimento"),
            },
            countries=_developing(),
            source="UNCTAD's developing economies: Africa, Latin America and the Caribbean, Asia and Oceania "
            "without Israel, Japan, the Republic of Korea, Australia, New Zealand and Cyprus",
        ),
        Grouping(
            "eu",
            "the European Union",
            {
                "en": ("European Union", "EU countries", "EU member states"),
                "fr": ("Union européenne",),
                "es": ("Unión Europea",),
                "pt": ("União Europeia",),
            },
            countries=tuple(EU27.split()),
            source="the 27 member states of the European Union (2020-)",
        ),
    )


#: Short or common names of M49 regions that CLDR words otherwise ("Western Africa" is CLDR's, "West Africa" is not).
REGION_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "011": {"en": ("West Africa",), "fr": ("Afrique de l'Ouest",), "es": ("África del Oeste", "Oeste de África"),
            "pt": ("África do Oeste", "Oeste da África", "Oeste africano")},
    "014": {"en": ("East Africa",), "fr": ("Afrique de l'Est",), "es": ("África del Este", "Este de África"),
            "pt": ("África do Leste", "Leste da África", "África Leste")},
    "015": {"en": ("North Africa",), "fr": ("Afrique du Nord",), "es": ("África del Norte", "Norte de África"),
            "pt": ("África do Norte", "Norte da África", "Norte de África")},
    "017": {"en": ("Central Africa",), "fr": (), "es": (), "pt": ()},
    "018": {"en": (), "fr": (), "es": ("África austral",), "pt": ("África Austral",)},
    "202": {"en": ("Subsaharan Africa", "Sub Saharan Africa"), "fr": ("Afrique sub-saharienne",),
            "es": ("África Sub-sahariana",), "pt": ("África Sub-saariana",),
            "ar": ("أفريقيا جنوب الصحراء", "إفريقيا جنوب الصحراء", "جنوب الصحراء الكبرى")},
    "419": {"en": ("Latin America and the Caribbean", "LAC region"), "fr": ("Amérique latine et Caraïbes",
            "Amérique latine et les Caraïbes"), "es": ("América Latina", "América Latina y el Caribe"),
            "pt": ("América Latina e Caribe", "América Latina e o Caribe"),
            "ar": ("أمريكا اللاتينية والكاريبي", "أمريكا اللاتينية ومنطقة البحر الكاريبي")},
    "029": {"en": ("the Caribbean",), "fr": ("les Caraïbes", "Antilles"), "es": (), "pt": ("Caraíbas",)},
    "005": {"en": (), "fr": (), "es": ("América del Sur", "Suramérica"), "pt": ()},
    "013": {"en": (), "fr": (), "es": ("América Central",), "pt": ()},
    "034": {"en": ("South Asia",), "fr": ("Asie méridionale",), "es": ("Asia del Sur", "Sur de Asia"),
            "pt": ("Ásia do Sul", "Sul da Ásia")},
    "035": {"en": ("South-East Asia", "South East Asia", "Southeastern Asia", "South-eastern Asia"),
            "fr": ("Asie du Sud-Est",), "es": ("Sureste asiático", "Sudeste de Asia", "Asia sudoriental"),
            "pt": ("Sudeste da Ásia",)},
    "030": {"en": ("East Asia",), "fr": ("Asie orientale",), "es": ("Asia del Este", "Este de Asia"),
            "pt": ("Leste Asiático", "Ásia do Leste")},
    "145": {"en": ("West Asia",), "fr": ("Asie occidentale",), "es": (), "pt": ()},
    "151": {"en": (), "fr": ("Europe orientale",), "es": ("Europa del Este",), "pt": ("Leste Europeu",
            "Europa do Leste")},
    "155": {"en": (), "fr": ("Europe occidentale",), "es": (), "pt": ()},
    "154": {"en": ("North Europe",), "fr": ("Europe septentrionale",), "es": ("Norte de Europa",),
            "pt": ("Norte da Europa",)},
    "039": {"en": ("South Europe",), "fr": ("Europe méridionale",), "es": ("Sur de Europa",),
            "pt": ("Sul da Europa",)},
    "057": {"en": ("Micronesia region",), "fr": (), "es": (), "pt": ()},
}  # fmt: skip

#: Adjectives that name a region ("West African partners", "des partenaires africains").
REGION_ADJECTIVES: dict[str, dict[str, tuple[str, ...]]] = {
    "002": {"en": ("African",), "fr": ("africain", "africaine", "africains", "africaines"),
            "es": ("africano", "africana", "africanos", "africanas"),
            "pt": ("africano", "africana", "africanos", "africanas")},
    "011": {"en": ("West African",), "fr": ("ouest-africain", "ouest-africaine", "ouest-africains",
            "ouest-africaines"), "es": (), "pt": ()},
    "014": {"en": ("East African",), "fr": ("est-africain", "est-africaine", "est-africains", "est-africaines"),
            "es": (), "pt": ()},
    "015": {"en": ("North African",), "fr": ("nord-africain", "nord-africaine", "nord-africains",
            "nord-africaines"), "es": ("norteafricano", "norteafricana", "norteafricanos", "norteafricanas"),
            "pt": ("norte-africano", "norte-africana", "norte-africanos", "norte-africanas")},
    "202": {"en": ("Sub-Saharan African", "Subsaharan African"), "fr": ("subsaharien", "subsaharienne",
            "subsahariens", "subsahariennes"), "es": ("subsahariano", "subsahariana", "subsaharianos",
            "subsaharianas"), "pt": ("subsaariano", "subsaariana", "subsaarianos", "subsaarianas")},
    "419": {"en": ("Latin American",), "fr": ("latino-américain", "latino-américaine", "latino-américains",
            "latino-américaines"), "es": ("latinoamericano", "latinoamericana", "latinoamericanos",
            "latinoamericanas"), "pt": ("latino-americano", "latino-americana", "latino-americanos",
            "latino-americanas")},
    "005": {"en": ("South American",), "fr": ("sud-américain", "sud-américaine", "sud-américains",
            "sud-américaines"), "es": ("sudamericano", "sudamericana", "sudamericanos", "sudamericanas",
            "suramericano", "suramericana", "suramericanos", "suramericanas"), "pt": ("sul-americano",
            "sul-americana", "sul-americanos", "sul-americanas")},
    "013": {"en": ("Central American",), "fr": ("centraméricain", "centraméricaine", "centraméricains",
            "centraméricaines"), "es": ("centroamericano", "centroamericana", "centroamericanos",
            "centroamericanas"), "pt": ("centro-americano", "centro-americana", "centro-americanos",
            "centro-americanas")},
    "029": {"en": (), "fr": ("caribéen", "caribéenne", "caribéens", "caribéennes"),
            "es": ("caribeño", "caribeña", "caribeños", "caribeñas"),
            "pt": ("caribenho", "caribenha", "caribenhos", "caribenhas")},
    "150": {"en": ("European",), "fr": ("européen", "européenne", "européens", "européennes"),
            "es": ("europeo", "europea", "europeos", "europeas"),
            "pt": ("europeu", "europeia", "europeus", "europeias")},
    "142": {"en": ("Asian",), "fr": ("asiatique", "asiatiques"), "es": ("asiático", "asiática", "asiáticos",
            "asiáticas"), "pt": ("asiático", "asiática", "asiáticos", "asiáticas")},
    "035": {"en": ("Southeast Asian", "South-East Asian", "South East Asian"), "fr": (), "es": (), "pt": ()},
    "034": {"en": ("South Asian",), "fr": ("sud-asiatique", "sud-asiatiques"), "es": (), "pt": ()},
    "030": {"en": ("East Asian",), "fr": (), "es": (), "pt": ()},
    "143": {"en": ("Central Asian",), "fr": (), "es": (), "pt": ()},
    "009": {"en": ("Oceanian",), "fr": ("océanien", "océanienne", "océaniens", "océaniennes"), "es": (), "pt": ()},
}  # fmt: skip

#: Other names of countries (CLDR gives one per language): former, short and acronyms. ``!`` marks an acronym that
#: must be written in capitals ("US", not "us").
COUNTRY_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "US": {"en": ("USA", "!US", "United States of America", "the States"), "fr": ("USA",), "es": ("EE.UU.", "EEUU"),
           "pt": ("!EUA",)},
    "GB": {"en": ("!UK", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"),
           "fr": ("Angleterre", "Grande-Bretagne", "Écosse"), "es": ("Inglaterra", "Gran Bretaña"),
           "pt": ("Inglaterra", "Grã-Bretanha")},
    "CD": {"en": ("!DRC", "DR Congo", "Democratic Republic of the Congo", "Democratic Republic of Congo"),
           "fr": ("!RDC", "République démocratique du Congo"), "es": ("!RDC",),
           "pt": ("!RDC", "República Democrática do Congo")},
    "CG": {"en": ("Republic of the Congo", "Republic of Congo", "Congo-Brazzaville"), "fr": ("République du Congo",),
           "es": ("República del Congo",), "pt": ("República do Congo",)},
    "CI": {"en": ("Ivory Coast", "Cote d'Ivoire"), "fr": (), "es": ("Costa de Marfil",), "pt": ("Costa do Marfim",)},
    "AE": {"en": ("!UAE",), "fr": ("!EAU",), "es": ("!EAU",), "pt": ("!EAU",)},
    "TR": {"en": ("Turkey",), "fr": (), "es": (), "pt": ()},
    "CZ": {"en": ("Czech Republic",), "fr": ("République tchèque",), "es": ("República Checa",),
           "pt": ("República Checa", "República Tcheca")},
    "NL": {"en": ("Holland",), "fr": ("Hollande",), "es": ("Holanda",), "pt": ("Holanda",)},
    "SZ": {"en": ("Swaziland",), "fr": ("Swaziland",), "es": ("Suazilandia",), "pt": ("Suazilândia",)},
    "MK": {"en": ("Macedonia",), "fr": ("Macédoine",), "es": ("Macedonia",), "pt": ("Macedônia", "Macedónia")},
    "CV": {"en": ("Cape Verde",), "fr": (), "es": (), "pt": ()},
    "TL": {"en": ("East Timor",), "fr": ("Timor oriental",), "es": ("Timor Oriental",), "pt": ()},
    "VA": {"en": ("Vatican", "Holy See"), "fr": ("Vatican",), "es": ("Vaticano",), "pt": ("Vaticano",)},
    "PS": {"en": ("Palestine",), "fr": ("Palestine",), "es": ("Palestina",), "pt": ("Palestina",)},
    "MM": {"en": ("Burma",), "fr": ("Birmanie",), "es": ("Birmania",), "pt": ("Birmânia",)},
    "HK": {"en": ("Hong Kong",), "fr": ("Hong Kong",), "es": ("Hong Kong",), "pt": ("Hong Kong",)},
    "MO": {"en": ("Macau", "Macao"), "fr": ("Macao",), "es": ("Macao",), "pt": ("Macau",)},
    "KR": {"en": ("Republic of Korea",), "fr": (), "es": (), "pt": ()},
    "BR": {"en": (), "fr": (), "es": (), "pt": ("Brasil",)},
}  # fmt: skip

#: Folded one-word names that are also common words ("suede", "chili", "reunion", Portuguese "Irã" = Spanish "ira"):
#: they name a place only when written with a capital.
NEEDS_CAPITAL: frozenset[str] = frozenset(
    "chad chili georgia jordan jersey granada gana ira maurice reunion salvador suede turkey malte dominique "
    "guinea chile india".split()
)

#: M49 codes whose CLDR names are not asked for ("world": everyone).
SKIPPED_REGIONS: frozenset[str] = frozenset({"001"})
