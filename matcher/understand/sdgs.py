"""The Sustainable Development Goals by name (UN short titles in English, French, Spanish, Portuguese and Arabic) and
by number ("SDG 13", "ODD 4", "ODS 6 y 14")."""

from __future__ import annotations

import re

from matcher.understand.text import fold

#: goal -> locale -> names (the UN's short titles and the usual variants)
SDG_WORDS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {"en": ("No poverty", "end poverty"), "fr": ("Pas de pauvreté", "Éradication de la pauvreté"),
        "es": ("Fin de la pobreza",), "pt": ("Erradicação da pobreza", "Fim da pobreza"),
        "ar": ("القضاء على الفقر",)},
    2: {"en": ("Zero hunger",), "fr": ("Faim zéro", "Faim « zéro »"), "es": ("Hambre cero",),
        "pt": ("Fome zero",),
        "ar": ("القضاء التام على الجوع", "القضاء على الجوع")},
    3: {"en": ("Good health and well-being", "good health and wellbeing"), "fr": ("Bonne santé et bien-être",),
        "es": ("Salud y bienestar",), "pt": ("Saúde e bem-estar",),
        "ar": ("الصحة الجيدة والرفاه",)},
    4: {"en": ("Quality education",), "fr": ("Éducation de qualité",), "es": ("Educación de calidad",),
        "pt": ("Educação de qualidade",),
        "ar": ("التعليم الجيد",)},
    5: {"en": ("Gender equality",), "fr": ("Égalité entre les sexes", "Égalité des sexes", "égalité de genre"),
        "es": ("Igualdad de género",), "pt": ("Igualdade de gênero", "Igualdade de género"),
        "ar": ("المساواة بين الجنسين",)},
    6: {"en": ("Clean water and sanitation",), "fr": ("Eau propre et assainissement",),
        "es": ("Agua limpia y saneamiento",), "pt": ("Água potável e saneamento",),
        "ar": ("المياه النظيفة والنظافة الصحية",)},
    7: {"en": ("Affordable and clean energy",), "fr": ("Énergie propre et d'un coût abordable",),
        "es": ("Energía asequible y no contaminante",), "pt": ("Energia limpa e acessível",),
        "ar": ("طاقة نظيفة وبأسعار معقولة",)},
    8: {"en": ("Decent work and economic growth",), "fr": ("Travail décent et croissance économique",),
        "es": ("Trabajo decente y crecimiento económico",), "pt": ("Trabalho decente e crescimento econômico",
        "Trabalho digno e crescimento económico"),
        "ar": ("العمل اللائق ونمو الاقتصاد",)},
    9: {"en": ("Industry, innovation and infrastructure",), "fr": ("Industrie, innovation et infrastructure",),
        "es": ("Industria, innovación e infraestructura",), "pt": ("Indústria, inovação e infraestrutura",),
        "ar": ("الصناعة والابتكار والهياكل الأساسية",)},
    10: {"en": ("Reduced inequalities", "Reduced inequality"), "fr": ("Inégalités réduites",),
         "es": ("Reducción de las desigualdades",), "pt": ("Redução das desigualdades",),
        "ar": ("الحد من أوجه عدم المساواة",)},
    11: {"en": ("Sustainable cities and communities",), "fr": ("Villes et communautés durables",),
         "es": ("Ciudades y comunidades sostenibles",), "pt": ("Cidades e comunidades sustentáveis",),
        "ar": ("مدن ومجتمعات محلية مستدامة",)},
    12: {"en": ("Responsible consumption and production",), "fr": ("Consommation et production responsables",),
         "es": ("Producción y consumo responsables",), "pt": ("Consumo e produção responsáveis",),
        "ar": ("الاستهلاك والإنتاج المسؤولان",)},
    13: {"en": ("Climate action",), "fr": ("Mesures relatives à la lutte contre les changements climatiques",
         "Lutte contre les changements climatiques", "action climatique", "action pour le climat"),
         "es": ("Acción por el clima", "acción climática"), "pt": ("Ação contra a mudança global do clima",
         "ação climática", "ação pelo clima"),
        "ar": ("العمل المناخي",)},
    14: {"en": ("Life below water",), "fr": ("Vie aquatique",), "es": ("Vida submarina",),
         "pt": ("Vida na água", "Vida debaixo d'água"),
        "ar": ("الحياة تحت الماء",)},
    15: {"en": ("Life on land",), "fr": ("Vie terrestre",), "es": ("Vida de ecosistemas terrestres",),
         "pt": ("Vida terrestre",),
        "ar": ("الحياة في البر",)},
    16: {"en": ("Peace, justice and strong institutions",), "fr": ("Paix, justice et institutions efficaces",),
         "es": ("Paz, justicia e instituciones sólidas",), "pt": ("Paz, justiça e instituições eficazes",),
        "ar": ("السلام والعدل والمؤسسات القوية",)},
    17: {"en": ("Partnerships for the goals",), "fr": ("Partenariats pour la réalisation des objectifs",),
         "es": ("Alianzas para lograr los objetivos",), "pt": ("Parcerias e meios de implementação",),
        "ar": ("عقد الشراكات لتحقيق الأهداف",)},
}  # fmt: skip

# "SDG 4", "SDGs 4 and 13", "ODD n°4", "ODS 6 y 14", "Goal 13", "objetivo de desarrollo sostenible 4" (folded text)
_NUMBERED = re.compile(
    r"\b(?:sdgs?|odds?|ods|goals?|objectifs?|objetivos?|sustainable development goals?"
    r"|objectifs? de developpement durable|objetivos? de desarrollo sostenible"
    r"|objetivos? de desenvolvimento sustentavel)"
    r"[\s\-#:]*(?:n\s*[°o.]\s*)?(\d{1,2})\b((?:\s*(?:,|&|/|and|et|y|e)\s*(?:n\s*[°o.]\s*)?\d{1,2}\b)*)"
)
_NUMBER = re.compile(r"\d{1,2}")


def numbered_goals(text: str) -> list[tuple[int, int, int]]:
    """(start, end, goal) of each goal named by number in ``text``; numbers outside 1-17 are ignored."""
    out: list[tuple[int, int, int]] = []
    for m in _NUMBERED.finditer(fold(text)):
        goals = [int(n) for n in _NUMBER.findall(m.group(1) + " " + (m.group(2) or ""))]
        out.extend((m.start(), m.end(), g) for g in goals if 1 <= g <= 17)
    return out
