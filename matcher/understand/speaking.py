"""Words that ask for partners speaking a language: "French-speaking", "francophone", "lusófono",
"hispanohablante", "de langue française", "de habla hispana". Language names come from CLDR (Babel); the
"-phone" words and the feminine adjectives of French, Spanish and Portuguese phrases are listed here."""

from __future__ import annotations

from functools import lru_cache

#: Languages that can be asked for (ISO 639-1): the alliance's working languages and the largest others.
ASKABLE: tuple[str, ...] = ("en", "fr", "es", "pt", "ar", "de", "it", "nl", "ru", "zh", "sw", "hi")

# "franco-" + "phone" / "fono" / "fona"...: francophone, lusófono, anglófonas
_PHONE_STEMS: dict[str, tuple[str, ...]] = {
    "fr": ("franco",), "en": ("anglo",), "pt": ("luso",), "es": ("hispano", "castellano"), "ar": ("arabo",),
    "de": ("germano",), "it": ("italo",), "nl": ("neerlando",), "ru": ("russo",), "zh": ("sino",),
    "sw": ("swahili",),
}  # fmt: skip
_PHONE_ENDINGS = ("phone", "phones", "phonie", "fono", "fona", "fonos", "fonas", "fonia", "hablante", "hablantes",
                  "falante", "falantes", "parlante", "parlantes")  # fmt: skip

# feminine adjectives: "de langue française", "de habla francesa", "de língua francesa"
_ADJECTIVES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {"fr": ("française",), "es": ("francesa",), "pt": ("francesa",)},
    "en": {"fr": ("anglaise",), "es": ("inglesa",), "pt": ("inglesa",)},
    "es": {"fr": ("espagnole",), "es": ("hispana", "española", "castellana"), "pt": ("espanhola",)},
    "pt": {"fr": ("portugaise",), "es": ("portuguesa",), "pt": ("portuguesa",)},
    "ar": {"fr": ("arabe",), "es": ("árabe",), "pt": ("árabe",)},
    "de": {"fr": ("allemande",), "es": ("alemana",), "pt": ("alemã",)},
}  # fmt: skip
_ADJECTIVE_FRAMES = {"fr": ("de langue {}",), "es": ("de habla {}", "de lengua {}"), "pt": ("de língua {}",)}
_NAME_FRAMES = {
    "en": ("{}-speaking", "{} speaking", "{}-speaker", "{}-speakers", "{} speakers", "who speak {}", "speaks {}",
           "{}-language", "{} language partners", "speaking {}"),
    "fr": ("parlant {}", "qui parlent {}", "qui parle {}", "locuteurs du {}", "locuteurs de {}"),
    "es": ("que hablen {}", "que hablan {}", "que habla {}", "hablantes de {}", "hablantes del {}"),
    "pt": ("que falem {}", "que falam {}", "que fala {}", "falantes de {}"),
    # CLDR's Arabic names carry the article ("الفرنسية"), which matching strips as it strips "بال" in "ناطقة بالفرنسية"
    "ar": ("ناطق {}", "ناطقة {}", "ناطقين {}", "ناطقون {}", "يتحدث {}", "تتحدث {}", "يتحدثون {}", "يتكلم {}",
           "تتكلم {}", "يتكلمون {}", "يجيد {}", "تجيد {}", "يجيدون {}"),
}  # fmt: skip


@lru_cache(maxsize=1)
def speaking_phrases() -> dict[str, dict[str, tuple[str, ...]]]:
    """language code -> locale -> phrases that ask for its speakers."""
    from babel import Locale

    out: dict[str, dict[str, list[str]]] = {lang: {} for lang in ASKABLE}
    for locale, frames in _NAME_FRAMES.items():
        names = Locale.parse(locale).languages
        for lang in ASKABLE:
            name = names.get(lang)
            if name:
                out[lang].setdefault(locale, []).extend(frame.format(name) for frame in frames)
    for lang, stems in _PHONE_STEMS.items():
        for stem in stems:
            out[lang].setdefault("any", []).extend(stem + ending for ending in _PHONE_ENDINGS)
    for lang, by_locale in _ADJECTIVES.items():
        for locale, adjectives in by_locale.items():
            out[lang].setdefault(locale, []).extend(f.format(a) for f in _ADJECTIVE_FRAMES[locale] for a in adjectives)
    out["fr"].setdefault("any", []).append("Francophonie")
    return {lang: {loc: tuple(ps) for loc, ps in by.items()} for lang, by in out.items()}
