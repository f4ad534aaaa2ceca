"""The table test of issue 14: phrases in English, French, Spanish, Portuguese and Arabic and exactly what each one
asks for.

Each row: the text, then the M49 regions, ISO countries, actor kinds, languages to speak and SDGs it names (as
sets; a grouping's countries are written as "@key" and expanded from its table). Rows that name nothing are as
important as the others: a word inside a partner's name is not an ask.
"""

from __future__ import annotations

import pytest

from matcher.understand import understand
from matcher.understand.places import groupings

R, C, K, L, S = "regions", "countries", "kinds", "languages", "sdgs"

PHRASES: list[tuple[str, dict[str, object]]] = [
    # --- English -------------------------------------------------------------------------------------------------
    (
        "Ocean literacy and climate education in primary schools in West Africa, with teacher training",
        {R: {"011"}, K: {"school"}},
    ),
    ("University of the West Moors works on ocean literacy", {}),
    ("early-years partners in South or Southeast Asia", {R: {"034", "035"}}),
    ("we need a research partner", {K: {"research_centre"}}),
    (
        "Looking for universities and research institutes in Sub-Saharan Africa",
        {R: {"202"}, K: {"university", "research_centre"}},
    ),
    ("NGOs in Kenya, Uganda and Tanzania", {C: {"KE", "UG", "TZ"}, K: {"ngo"}}),
    ("youth organisations in Latin America", {R: {"419"}, K: {"youth_movement"}}),
    ("city councils and municipalities in Europe", {R: {"150"}, K: {"city"}}),
    ("French-speaking partners for a teacher exchange", {L: {"fr"}}),
    ("francophone or lusophone schools", {L: {"fr", "pt"}, K: {"school"}}),
    ("Anglophone partners in East Africa", {L: {"en"}, R: {"014"}}),
    ("projects on SDG 13 and SDG 4", {S: {13, 4}}),
    ("SDGs 6, 14 and 15", {S: {6, 14, 15}}),
    ("climate action and quality education", {S: {13, 4}}),
    ("Life below water: protecting reefs", {S: {14}}),
    ("partners in the Sahel", {C: {"@sahel"}}),
    ("schools in Francophone Africa", {C: {"@francophone_africa"}, L: {"fr"}, K: {"school"}}),
    ("social enterprises in the MENA region", {C: {"@mena"}, K: {"social_enterprise"}}),
    ("a foundation in the Balkans", {C: {"@balkans"}, K: {"foundation"}}),
    ("community work across the Pacific Islands", {R: {"054", "057", "061"}}),
    ("West African and East African universities", {R: {"011", "014"}, K: {"university"}}),
    ("partners in the Caribbean and Central America", {R: {"029", "013"}}),
    ("a company in the United States or Canada", {C: {"US", "CA"}, K: {"company"}}),
    ("schools in the UK", {C: {"GB"}, K: {"school"}}),
    ("Spanish-speaking NGOs", {L: {"es"}, K: {"ngo"}}),
    ("a think tank in Southern Africa", {R: {"018"}, K: {"research_centre"}}),
    ("museums and libraries that teach coding", {}),
    ("We run coding clubs for girls", {}),
    ("Pacific Islands Ocean Schools Network shares its curriculum", {}),
    ("The European Commission funds this project", {}),
    ("partners in Côte d'Ivoire and Ivory Coast", {C: {"CI"}}),
    ("municipalities in the Global South", {C: {"@global_south"}, K: {"city"}}),
    ("West and Central Africa", {R: {"011", "017"}}),
    ("a media partner in Brazil", {C: {"BR"}, K: {"media"}}),
    ("learning cities in Asia-Pacific", {R: {"030", "034", "035", "143", "009"}, K: {"city"}}),
    ("international organisations working on gender equality", {K: {"international_organisation"}, S: {5}}),
    ("a ministry of education in Senegal", {C: {"SN"}, K: {"public_actor"}}),
    ("turkey sandwiches for the school fair", {K: {"school"}}),
    ("schools in Turkey and Georgia", {C: {"TR", "GE"}, K: {"school"}}),
    ("Arabic-speaking partners in North Africa", {L: {"ar"}, R: {"015"}}),
    ("partners in the Horn of Africa", {C: {"@horn_of_africa"}}),
    # --- French --------------------------------------------------------------------------------------------------
    ("Nous cherchons des écoles en Afrique de l'Ouest", {R: {"011"}, K: {"school"}}),
    ("des partenaires francophones en Afrique de l’Ouest et centrale", {L: {"fr"}, R: {"011", "017"}}),
    ("une ONG au Sénégal ou au Mali", {C: {"SN", "ML"}, K: {"ngo"}}),
    ("projet lié à l'ODD 4 et à l'ODD 13", {S: {4, 13}}),
    ("éducation de qualité et action climatique", {S: {4, 13}}),
    (
        "des universités et des centres de recherche en Amérique latine",
        {R: {"419"}, K: {"university", "research_centre"}},
    ),
    ("des collectivités territoriales en Europe de l'Est", {R: {"151"}, K: {"city"}}),
    ("un partenaire de recherche au Maroc", {C: {"MA"}, K: {"research_centre"}}),
    ("des mouvements de jeunesse en Afrique subsaharienne", {R: {"202"}, K: {"youth_movement"}}),
    ("des entreprises sociales dans les pays du Sahel", {C: {"@sahel"}, K: {"social_enterprise"}}),
    ("une réunion avec les enseignants", {}),
    ("des partenaires à La Réunion et à Madagascar", {C: {"RE", "MG"}}),
    ("partenaires lusophones ou hispanophones", {L: {"pt", "es"}}),
    ("associations de langue française au Canada", {L: {"fr"}, C: {"CA"}, K: {"ngo"}}),
    ("une fondation en Asie du Sud-Est", {R: {"035"}, K: {"foundation"}}),
    ("des villes apprenantes au Moyen-Orient", {C: {"@middle_east"}, K: {"city"}}),
    ("Nous formons les enseignants à la mer et au littoral", {}),
    ("des lycées en Côte d’Ivoire", {C: {"CI"}, K: {"school"}}),
    ("un réseau d'écoles dans le Pacifique", {K: {"network", "school"}, R: {"054", "057", "061"}}),
    ("des partenaires africains pour l'ODD n°6", {R: {"002"}, S: {6}}),
    ("Université de Montréal", {}),
    # --- Spanish -------------------------------------------------------------------------------------------------
    ("Buscamos una ONG en América Latina", {R: {"419"}, K: {"ngo"}}),
    ("escuelas en África Occidental", {R: {"011"}, K: {"school"}}),
    ("socios hispanohablantes para ODS 6", {L: {"es"}, S: {6}}),
    ("universidades latinoamericanas que trabajan en educación de calidad", {R: {"419"}, K: {"university"}, S: {4}}),
    ("municipios de México y Colombia", {C: {"MX", "CO"}, K: {"city"}}),
    ("una fundación en el Caribe", {R: {"029"}, K: {"foundation"}}),
    ("centros de investigación en Sudamérica", {R: {"005"}, K: {"research_centre"}}),
    ("organizaciones juveniles en Centroamérica", {R: {"013"}, K: {"youth_movement"}}),
    ("acción por el clima y vida submarina", {S: {13, 14}}),
    ("empresas sociales de habla francesa", {L: {"fr"}, K: {"social_enterprise"}}),
    ("el proyecto gana apoyo de la comunidad", {}),
    ("Universidad de Chile trabaja en ciencias del mar", {}),
    ("colegios en el sudeste asiático", {R: {"035"}, K: {"school"}}),
    ("una red de ciudades en Europa", {R: {"150"}, K: {"network", "city"}}),
    ("socios en el Sahel y el Magreb", {C: {"@sahel", "@maghreb"}}),
    ("huertos escolares con una organización india invitada", {}),
    ("escuelas de India y Bangladesh", {C: {"IN", "BD"}, K: {"school"}}),
    # --- Portuguese ----------------------------------------------------------------------------------------------
    ("Procuramos uma universidade lusófona em Moçambique ou Angola", {L: {"pt"}, C: {"MZ", "AO"}, K: {"university"}}),
    ("escolas na África Ocidental", {R: {"011"}, K: {"school"}}),
    ("ONGs no Brasil que trabalham com educação de qualidade", {C: {"BR"}, K: {"ngo"}, S: {4}}),
    ("parceiros na África Lusófona", {C: {"@lusophone_africa"}, L: {"pt"}}),
    ("centros de pesquisa na América do Sul", {R: {"005"}, K: {"research_centre"}}),
    ("prefeituras e governos locais em Portugal", {C: {"PT"}, K: {"city"}}),
    ("movimentos juvenis no Sudeste Asiático", {R: {"035"}, K: {"youth_movement"}}),
    ("empresas sociais para o ODS 13", {K: {"social_enterprise"}, S: {13}}),
    ("parceiros de língua francesa no Sul global", {L: {"fr"}, C: {"@global_south"}}),
    ("uma fundação na Ásia do Sul", {R: {"034"}, K: {"foundation"}}),
    ("o projeto irá formar professores", {}),
    ("escolas no Irã e no Iraque", {C: {"IR", "IQ"}, K: {"school"}}),
    ("ação climática e igualdade de gênero", {S: {13, 5}}),
    ("redes de escolas africanas", {R: {"002"}, K: {"network", "school"}}),
    ("parceiros na União Europeia", {C: {"@eu"}}),
    # --- Arabic (the article and a joined "and" are stripped: "والمدارس" is "مدارس") ------------------------------
    (
        "نبحث عن شريك بحثي في غرب أفريقيا لمشروع حول التعليم المناخي في المدارس الابتدائية",
        {R: {"011"}, K: {"research_centre", "school"}},
    ),
    (
        "نحتاج إلى جامعات ومنظمات غير حكومية ناطقة بالفرنسية في منطقة الساحل",
        {K: {"university", "ngo"}, L: {"fr"}, C: {"@sahel"}},
    ),
    ("مدارس في البرازيل وعُمان، الهدف: التعليم الجيد والعمل المناخي", {K: {"school"}, C: {"BR", "OM"}, S: {4, 13}}),
    ("شركاء من القطاع الخاص في العالم العربي أو أمريكا اللاتينية", {K: {"company"}, C: {"@arab_world"}, R: {"419"}}),
    ("بلديات ومدن التعلم في شمال أفريقيا", {K: {"city"}, R: {"015"}}),
    ("مشروع لتدريب المعلمين على محو الأمية الرقمية", {}),
    ("شركاء يتحدثون البرتغالية في أفريقيا جنوب الصحراء", {L: {"pt"}, R: {"202"}}),
    ("حركات شبابية في الشرق الأوسط", {K: {"youth_movement"}, C: {"@middle_east"}}),
]


def _expand(countries: set[object]) -> set[str]:
    by_key = {g.key: g for g in groupings()}
    out: set[str] = set()
    for c in countries:
        out |= set(by_key[str(c)[1:]].countries) if str(c).startswith("@") else {str(c)}
    return out


def test_the_table_has_80_phrases_or_more_in_four_languages_and_arabic() -> None:
    assert len(PHRASES) >= 80
    assert len({text for text, _ in PHRASES}) == len(PHRASES)


@pytest.mark.parametrize(("text", "expected"), PHRASES, ids=[t[:40] for t, _ in PHRASES])
def test_phrase(text: str, expected: dict[str, set[object]]) -> None:
    u = understand(text)
    got = {
        R: set(u.regions),
        C: set(u.countries),
        K: set(u.kinds),
        L: set(u.languages),
        S: set(u.sdgs),
    }
    want = {field: set(expected.get(field, set())) for field in (R, C, K, L, S)}  # type: ignore[call-overload]
    want[C] = _expand(want[C])
    assert got == want
