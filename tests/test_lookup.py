"""matcher.lookup: names found by what is typed, ranked, a page at a time, on names whose right order is known."""

from __future__ import annotations

import pytest

from matcher.domain import Partner, Project
from matcher.lookup import (
    CONTAINS,
    STARTS,
    WORD_STARTS,
    Cursor,
    CursorError,
    NameIndex,
    PartnerWhere,
    ProjectWhere,
    fold,
)

NAMES = {
    "u1": "Université de Lomé",
    "u2": "University of Lisbon",
    "n1": "Uni-Net Youth",
    "c1": "Community Unity Centre",
    "s1": "São Tomé Schools",
    "e1": "École Normale Supérieure",
}


@pytest.fixture
def index() -> NameIndex:
    return NameIndex(list(NAMES), list(NAMES.values()))


def names(index: NameIndex, text: str, **kwargs: object) -> list[str]:
    return [NAMES[index.ids[i]] for i in index.search(text, **kwargs).positions]  # type: ignore[arg-type]


def test_fold_drops_accents_case_and_extra_spaces() -> None:
    assert fold("  École   Normale SUPÉRIEURE ") == "ecole normale superieure"
    assert fold("São Tomé") == "sao tome"
    assert fold("Straße") == "strasse"


def test_names_that_start_with_the_text_come_first_then_word_starts_then_the_rest(index: NameIndex) -> None:
    # "uni": three names start with it, one has a word that does (Unity), none only contains it
    assert names(index, "uni") == [
        "Uni-Net Youth",
        "Université de Lomé",
        "University of Lisbon",
        "Community Unity Centre",
    ]
    assert names(index, "unit") == ["Community Unity Centre"]  # the only one with "unit"
    assert names(index, "mun") == ["Community Unity Centre"]  # inside a word only


def test_accents_and_case_do_not_matter_and_every_word_must_match(index: NameIndex) -> None:
    assert names(index, "universite") == ["Université de Lomé"]
    assert names(index, "ECOLE sup") == ["École Normale Supérieure"]
    assert names(index, "sup ecole") == ["École Normale Supérieure"]  # words in any order
    assert names(index, "lome") == ["Université de Lomé"]
    assert names(index, "lome lisbon") == []


def test_the_cursor_carries_the_rank_of_the_last_entry_of_the_page() -> None:
    index = NameIndex(["a", "b", "c"], ["Reef School", "Blue Reef School", "Coralreef Club"])
    ranks = []
    cursor = None
    for _ in range(2):
        found = index.search("reef", limit=1, after=cursor)
        cursor = found.next_cursor
        assert cursor is not None
        ranks.append((index.ids[found.positions[0]], cursor.rank))
    last = index.search("reef", limit=1, after=cursor)
    assert ranks == [("a", STARTS), ("b", WORD_STARTS)]
    assert [index.ids[i] for i in last.positions] == ["c"] and last.next_cursor is None  # "coralreef": CONTAINS
    assert index.search("reef school").total == 2
    assert CONTAINS > WORD_STARTS > STARTS


def test_pages_cover_every_match_once_in_order(index: NameIndex) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        found = index.search("", limit=2, after=cursor)
        assert found.total == 6
        seen += [index.ids[i] for i in found.positions]
        pages += 1
        cursor = found.next_cursor
        if cursor is None:
            break
    assert pages == 3
    assert [NAMES[i] for i in seen] == [
        "Community Unity Centre",
        "École Normale Supérieure",  # folded: "ecole"
        "São Tomé Schools",
        "Uni-Net Youth",
        "Université de Lomé",
        "University of Lisbon",
    ]


def test_a_page_is_cut_after_the_cursor_even_when_the_listing_changed(index: NameIndex) -> None:
    first = index.search("uni", limit=2)
    assert [index.ids[i] for i in first.positions] == ["n1", "u1"]
    grown = NameIndex([*NAMES, "u0"], [*NAMES.values(), "Unicef Lomé"])  # sorts before the cursor: not repeated
    rest = grown.search("uni", limit=10, after=first.next_cursor)
    assert [grown.ids[i] for i in rest.positions] == ["u2", "c1"]
    assert rest.total == 5 and rest.next_cursor is None


def test_allowed_flags_filter_before_counting(index: NameIndex) -> None:
    allowed = [i != "u1" for i in index.ids]
    found = index.search("uni", allowed=allowed)
    assert [index.ids[i] for i in found.positions] == ["n1", "u2", "c1"] and found.total == 3
    assert index.search("", allowed=allowed).total == 5
    with pytest.raises(ValueError, match="allowed has 2 flags for 6 entries; give one per entry"):
        index.search("uni", allowed=[True, False])


def test_pages_of_every_rank_without_and_with_text_cover_a_large_listing_once() -> None:
    """Pages cut inside each rank, on 2,000 names of three ranks for "ab" (and 1,000 that do not match)."""
    names = [f"Ab {i:04d}" for i in range(500)] + [f"Xy ab{i:04d}" for i in range(700)]
    names += [f"Cab {i:04d}" for i in range(800)] + [f"Zz {i:04d}" for i in range(1000)]
    ids = [f"id{i:04d}" for i in range(len(names))]
    index = NameIndex(ids, names)
    allowed = [i % 7 != 3 for i in range(len(names))]
    for text, expected in [("ab", 2000), ("", 3000)]:
        seen: list[int] = []
        cursor = None
        while True:
            found = index.search(text, limit=37, after=cursor, allowed=allowed)
            seen += found.positions
            cursor = found.next_cursor
            if cursor is None:
                break
        kept = [i for i in range(expected if text else len(names)) if allowed[i]]
        assert len(seen) == len(set(seen)) == found.total == len(kept)
        if text:  # the three ranks in order, each by name
            assert seen == sorted(kept, key=lambda i: (0 if i < 500 else 1 if i < 1200 else 2, index.names[i]))
        else:
            assert seen == sorted(kept, key=lambda i: index.names[i])


def test_a_cursor_round_trips_any_string_of_its_form_is_a_place_and_others_are_refused() -> None:
    cursor = Cursor(WORD_STARTS, "universite de lome", "u.1")
    assert cursor.encode() == "1.3.u.1universite de lome"
    assert Cursor.decode(cursor.encode()) == cursor
    assert Cursor.decode("0.99.ab") == Cursor(STARTS, "", "ab")  # a length past the end: the rest is the id
    for bad in ["", "nonsense", "3.1.ab", "0.a.b", "0.1", Cursor(7, "x", "y").encode()]:
        with pytest.raises(CursorError, match="is not one this listing gave out"):
            Cursor.decode(bad)


def test_bad_arguments_say_what_is_allowed(index: NameIndex) -> None:
    with pytest.raises(ValueError, match="limit 0 is not allowed; give 1 or more"):
        index.search("x", limit=0)
    with pytest.raises(ValueError, match="2 ids but 1 names"):
        NameIndex(["a", "b"], ["A"])


def test_partner_and_project_filters() -> None:
    lab = Partner("lab", "Lab", "", type="research_centre", country="PT", languages=("en", "pt"), sdgs=(14,))
    assert PartnerWhere()(lab)
    assert PartnerWhere(type="research_centre", country="pt", language="PT", sdg=14)(lab)
    assert not PartnerWhere(type="ngo")(lab)
    assert not PartnerWhere(country="FR")(lab)
    assert not PartnerWhere(language="fr")(lab)
    assert not PartnerWhere(sdg=4)(lab)
    kit = Project("kit", "Kit", "", sdgs=(4,), status="running")
    assert ProjectWhere(status="running", sdg=4)(kit)
    assert not ProjectWhere(status="idea")(kit) and not ProjectWhere(sdg=5)(kit)
