"""Stop words per language, and which languages a set of texts is written in.

Theme labels come from the words of the members' texts; partners write in their own languages, so the function words of
every language present have to go, not only English ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, strip_accents_unicode

_WORDS: dict[str, str] = {
    "fr": """
        a afin ai ainsi alors au aucun aussi autre aux avec avoir bien c ca ce cela celle celles celui ces cet cette
        chaque chez comme comment d dans de des deux donc dont du elle elles en encore entre est et etaient etait ete
        etre eux fait faire il ils j je l la le les leur leurs lors lui m ma mais me meme mes moi mon n ne ni nos notre
        nous on ont ou par parmi pas peu peut plus pour pourquoi qu quand que quel quelle quels qui s sa sans se selon
        ses si son sont sous sur t ta tandis te tes toi ton tous tout toute toutes tres tu un une vers via vos votre
        vous y
    """,
    "es": """
        a al algo algunos ante antes como con contra cual cuando de del desde donde durante e el ella ellas ellos en
        entre era eran es esa esas ese eso esos esta estan estas este esto estos fue fueron ha han hasta hay la las le
        les lo los mas me mi mis mucho muy nada ni no nos nosotros nuestra nuestras nuestro nuestros o otra otras otro
        otros para pero poco por porque que quien se ser si sin sobre son su sus tambien tanto te tiene tienen todo
        todos tu un una uno unos y ya
    """,
    "pt": """
        a ao aos as com como da das de do dos e ela elas ele eles em entre era essa esse esta este eu foi for ha isso
        ja mais mas me muito na nas nao no nos nossa nosso num numa o os ou para pela pelas pelo pelos por quando que
        se sem ser seu seus sua suas tambem tem uma um umas uns
    """,
    "de": """
        aber als am an auch auf aus bei bin bis das dass dem den der des die doch du durch ein eine einem einen einer
        eines er es fur hat hatte ich ihr im in ist ja kann mit nach nicht noch nur oder sich sie sind so uber um und
        uns unser unsere von vor war was wir wird zu zum zur
    """,
    "it": """
        a ad al alla alle anche che chi ci come con da dal dalla dei del della delle di e ed gli ha hanno i il in la
        le lo ma mi nei nel nella non o per piu quale quando questa questo se si sono su sua sue suo tra un una uno
    """,
}

#: Stop words per ISO 639-1 code, accent-stripped and lower-case as the vectorizer sees tokens.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(strip_accents_unicode(w) for w in ENGLISH_STOP_WORDS),
    **{lang: frozenset(words.split()) for lang, words in _WORDS.items()},
}

# Words that say which language a text is in: frequent, and not function words of another language.
_MARKERS: dict[str, frozenset[str]] = {
    lang: words - frozenset().union(*(other for o, other in STOP_WORDS.items() if o != lang))
    for lang, words in STOP_WORDS.items()
}
_TOKEN = re.compile(r"[^\W\d_]+")


def detect_language(text: str, *, min_hits: int = 2) -> str | None:
    """The language whose own function words occur most in ``text`` (ISO 639-1), or None below ``min_hits``."""
    tokens = _TOKEN.findall(strip_accents_unicode(text.lower()))
    hits = Counter({lang: sum(t in markers for t in tokens) for lang, markers in _MARKERS.items()})
    if not hits:
        return None
    lang, count = hits.most_common(1)[0]
    return lang if count >= min_hits else None


def languages_present(texts: Sequence[str], *, min_share: float = 0.0) -> list[str]:
    """Languages detected in at least ``min_share`` of the texts (and at least one), English first."""
    found = Counter(lang for lang in (detect_language(t) for t in texts) if lang)
    needed = max(1, int(min_share * len(texts)))
    langs = sorted(lang for lang, n in found.items() if n >= needed)
    return sorted(set(langs) | {"en"}, key=lambda lang: (lang != "en", lang))


def stop_words_for(languages: Iterable[str]) -> list[str]:
    """Union of the stop words of ``languages``; an unknown code raises with the supported ones."""
    words: set[str] = set()
    for lang in languages:
        if lang not in STOP_WORDS:
            raise ValueError(f"no stop words for language {lang!r}; supported: {', '.join(sorted(STOP_WORDS))}")
        words |= STOP_WORDS[lang]
    return sorted(words)
