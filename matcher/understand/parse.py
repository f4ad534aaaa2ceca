"""``understand(text)``: the regions, countries, kinds of partner, languages and SDGs a text asks for.

Matching is on folded words (case and accents do not matter), longest phrase first ("West Africa" does not also yield
"Africa"), never across a sentence break. A phrase counts only in the language the text is written in or in English
(all four when the language is unknown), so a Portuguese country name cannot be read in a Spanish word ("Irã"/"ira").
Words inside a proper name ("University of the West Moors", "Pacific Islands Ocean Schools Network",
"Universidad de Chile") name a partner, not what is asked: a run of capitalised words holding a capitalised word that
is no phrase (and not the first of a sentence), or a kind word followed by "of"/"de" and a capitalised word, is a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from matcher.understand.language import detect_language, written_language
from matcher.understand.lexicon import LOCALES, Entry, Field, lexicon
from matcher.understand.places import groupings
from matcher.understand.sdgs import numbered_goals
from matcher.understand.stopwords import all_stop_words
from matcher.understand.text import Token, fold_words, joined, tokens

MatchField = Literal["region", "country", "group", "kind", "language", "sdg"]

# words that may join the capitalised words of one name ("University of the West Moors", "Universidad de Chile")
_CONNECTORS = frozenset("of the and for de du des la le l d del da do dos das et y e para pour".split())
_NAME_LINKS = frozenset("of de du des d del da do dos das".split())
# "South or Southeast Asia", "West and Central Africa", "Afrique de l'Ouest et centrale": the first region is elided
_DIRECTIONS = frozenset(
    "north south east west central northern southern eastern western southeast southeastern northeast northwest "
    "southwest nord sud est ouest centrale central norte sur sul este oeste leste centro".split()
)
_AND_OR = frozenset("and or et ou y o e u".split())


@dataclass(frozen=True, slots=True)
class Match:
    """A span of the text and what it named: ``field`` and ``value`` (M49 code, ISO code, kind token, language code,
    goal number as text, or grouping key of :func:`~matcher.understand.places.groupings`)."""

    start: int
    end: int
    text: str
    field: MatchField
    value: str


@dataclass(frozen=True)
class Understood:
    """What a text asks for. Codes: ``regions`` UN M49 ("011"), ``countries`` ISO 3166-1 alpha-2, ``kinds`` actor-kind
    tokens (:data:`matcher.vocab.ACTOR_TYPES`), ``languages`` ISO 639-1 (partners must speak one), ``sdgs`` goal
    numbers, ``groups`` the named groupings ("sahel", whose countries are in ``countries``); ``matches`` the spans
    that named them; ``language`` the language the text is written in (ISO 639-1, None when unknown)."""

    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    sdgs: tuple[int, ...] = ()
    groups: tuple[str, ...] = ()
    matches: tuple[Match, ...] = ()
    language: str | None = None

    @property
    def spans(self) -> tuple[str, ...]:
        """The texts of the matches ("West Africa", "a research partner")."""
        return tuple(dict.fromkeys(m.text for m in self.matches))

    @property
    def asks(self) -> bool:
        """True when the text asks for any place, kind, language or SDG."""
        return bool(self.regions or self.countries or self.kinds or self.languages or self.sdgs)

    @cached_property
    def words(self) -> frozenset[str]:
        """Folded words of the matched spans ("west", "africa", "research", "partner"): never key terms."""
        return frozenset(w for m in self.matches for w in fold_words(m.text))


def _allowed_locales(language: str | None) -> frozenset[str]:
    if language in LOCALES and language != "en":
        return frozenset({"any", "en", language})
    if language == "en":
        return frozenset({"any", "en"})
    return frozenset({"any", *LOCALES})


def _fits(entry: Entry, text: str, first: Token, last: Token, locales: frozenset[str], cased: bool) -> bool:
    if entry.locale not in locales:
        return False
    if not cased or entry.case == "any":
        return True
    span = text[first.start : last.end]
    return span.isupper() if entry.case == "upper" else first.capitalised


def _phrase_matches(text: str, toks: list[Token], locales: frozenset[str], cased: bool) -> list[tuple[int, int, Entry]]:
    """(first token, end token, entry) of the longest phrases, left to right."""
    out: list[tuple[int, int, Entry]] = []
    i = 0
    while i < len(toks):
        j, fitting = _longest_at(text, toks, i, locales, cased)
        # "the Pacific Islands": a longer phrase starting inside this one ("Pacific Islands") wins
        if fitting and any(_longest_at(text, toks, k, locales, cased)[0] > j for k in range(i + 1, j)):
            fitting = []
        if fitting:
            out.extend((i, j, e) for e in fitting)
            i = j
        else:
            i += 1
    return out


def _longest_at(text: str, toks: list[Token], i: int, locales: frozenset[str], cased: bool) -> tuple[int, list[Entry]]:
    """End token and entries of the longest phrase starting at token ``i`` (``i``, [] when none)."""
    table = lexicon()
    for n in range(min(table.longest.get(toks[i].word, 0), len(toks) - i), 0, -1):
        j = i + n
        if any(not joined(text, toks[k], toks[k + 1]) for k in range(i, j - 1)):
            continue
        entries = table.phrases.get(tuple(t.word for t in toks[i:j]))
        if entries:
            fitting = [e for e in entries if _fits(e, text, toks[i], toks[j - 1], locales, cased)]
            if fitting:
                return j, fitting
    return i, []


def _elided(
    toks: list[Token], found: list[tuple[int, int, Entry]], locales: frozenset[str]
) -> list[tuple[int, int, Entry]]:
    """Regions whose shared word is written once: "South or Southeast Asia" also names South Asia, "Afrique de
    l'Ouest et centrale" also Afrique centrale."""
    table = lexicon()

    def region(words: tuple[str, ...]) -> Entry | None:
        return next((e for e in table.phrases.get(words, ()) if e.field == "region" and e.locale in locales), None)

    out: list[tuple[int, int, Entry]] = []
    for i, j, entry in found:
        if entry.field != "region" or j - i < 2:
            continue
        words = tuple(t.word for t in toks[i:j])
        if i >= 2 and toks[i - 1].word in _AND_OR and toks[i - 2].word in _DIRECTIONS and words[0] in _DIRECTIONS:
            alt = region((toks[i - 2].word, *words[1:]))  # "south" + "asia"
            if alt is not None:
                out.append((i - 2, i - 1, alt))
        after = j + 1 < len(toks) and toks[j].word in _AND_OR and toks[j + 1].word in _DIRECTIONS
        if after and words[-1] in _DIRECTIONS:  # "afrique de l'ouest et centrale": "afrique" + "centrale"
            alt = region((*words[:-1], toks[j + 1].word)) or region((words[0], toks[j + 1].word))
            if alt is not None:
                out.append((j + 1, j + 2, alt))
    return out


def _in_names(text: str, toks: list[Token], found: list[tuple[int, int, Entry]]) -> set[int]:
    """Indices of the tokens that belong to a proper name (see the module's docstring)."""
    covered = {k for i, j, _ in found for k in range(i, j)}
    kind_ends = {j for _, j, e in found if e.field == "kind"}
    stop = all_stop_words()
    out: set[int] = set()
    i = 0
    while i < len(toks):
        if not toks[i].capitalised:
            i += 1
            continue
        run, j = [i], i + 1
        while j < len(toks) and joined(text, toks[j - 1], toks[j]):
            if toks[j].capitalised:
                run.append(j)
                j += 1
                continue
            k = j  # connectors count only when a capitalised word follows them
            while k < len(toks) and toks[k].word in _CONNECTORS and not toks[k].capitalised:
                k += 1
            if k > j and k < len(toks) and toks[k].capitalised and joined(text, toks[k - 1], toks[k]):
                run.extend(range(j, k + 1))
                j = k + 1
                continue
            break
        capitals = [k for k in run if toks[k].capitalised]
        named = any(
            k not in covered and not toks[k].sentence_start and toks[k].word not in stop and not toks[k].upper
            for k in capitals
        )
        linked = any(k in kind_ends and toks[k].word in _NAME_LINKS for k in run)
        if named or linked:
            out.update(run)
        i = j
    return out


def prepare() -> None:
    """Build the phrase table and stop-word lists now (about a second) rather than on the first call: for a service's
    start-up."""
    lexicon()
    all_stop_words()
    detect_language("")


def understand(text: str) -> Understood:
    """What ``text`` asks for: regions, countries, kinds of partner, languages and SDGs, with the spans that named
    them and the text's language. Pure; the phrase table is built on the first call (about a second)."""
    language = written_language(text)
    toks = tokens(text)
    cased = any(c.islower() for c in text)  # in a text in capitals, case says nothing
    locales = _allowed_locales(language)
    found = _phrase_matches(text, toks, locales, cased)
    found += _elided(toks, found, locales)
    names: set[int] = set()
    if cased and any(t.capitalised and not t.sentence_start for t in toks):  # a proper name is possible
        every = found if len(locales) > len(LOCALES) else _phrase_matches(text, toks, _allowed_locales(None), cased)
        names = _in_names(text, toks, every)
    matches = [
        Match(toks[i].start, toks[j - 1].end, text[toks[i].start : toks[j - 1].end], e.field, e.value)
        for i, j, e in found
        if not names.intersection(range(i, j))
    ]
    taken = [(m.start, m.end) for m in matches]
    for start, end, goal in numbered_goals(text):
        if not any(s < end and start < e for s, e in taken):
            matches.append(Match(start, end, text[start:end], "sdg", str(goal)))
    matches.sort(key=lambda m: m.start)
    return _collect(matches, language)


def _collect(matches: list[Match], language: str | None) -> Understood:
    fields: dict[Field, dict[str, None]] = {f: {} for f in ("region", "country", "group", "kind", "language", "sdg")}
    by_key = {g.key: g for g in groupings()}
    for m in matches:
        fields[m.field][m.value] = None
        if m.field == "group":
            group = by_key[m.value]
            fields["region"].update(dict.fromkeys(group.regions))
            fields["country"].update(dict.fromkeys(group.countries))
            fields["language"].update(dict.fromkeys(group.languages))
    unique = tuple(dict.fromkeys(matches))
    return Understood(
        regions=tuple(fields["region"]),
        countries=tuple(fields["country"]),
        kinds=tuple(fields["kind"]),
        languages=tuple(fields["language"]),
        sdgs=tuple(int(g) for g in fields["sdg"]),
        groups=tuple(fields["group"]),
        matches=unique,
        language=language,
    )
