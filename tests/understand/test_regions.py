"""M49 membership (one table), CLDR names, and the labels a client shows."""

from __future__ import annotations

import pycountry
import pytest

from matcher import m49
from matcher.understand import (
    UnknownRegionError,
    describe,
    describe_value,
    region_members,
    region_name,
    regions_of,
    understand,
)
from matcher.vocab import continent_of, region_of


def test_members_at_every_level() -> None:
    west = region_members("011")
    assert {"SN", "NG", "GH", "CI", "BF"} <= west and "KE" not in west and len(west) == 17
    assert west < region_members("202") < region_members("002")
    assert region_members("419") == region_members("029") | region_members("013") | region_members("005")
    assert {"BR", "MX", "JM"} <= region_members("419") and "US" not in region_members("419")
    assert region_members("035") == frozenset("BN KH ID LA MY MM PH SG TH TL VN".split())
    assert region_members("001") >= {c.alpha_2 for c in pycountry.countries} - {"AQ"}


def test_every_country_lies_in_exactly_one_lowest_region() -> None:
    every = m49.members()
    leaves = [code for code in every if not any(every[other] < every[code] for other in every)]  # contain no region
    for country in region_members("001"):
        assert sum(country in region_members(code) for code in leaves) == 1, country


def test_unknown_code_says_what_is_allowed() -> None:
    with pytest.raises(UnknownRegionError, match=r"unknown UN M49 region code '999'; allowed: 001, 002, 003"):
        region_members("999")


def test_regions_of_and_vocab_region_of_are_one_definition() -> None:
    assert regions_of("SN") == ("011", "202", "002", "001")
    assert regions_of("sn") == regions_of("SN") and regions_of("ZZ") == ()
    assert region_of("SN") == "Sub-Saharan Africa" and continent_of("SN") == "Africa"
    assert region_of("BR") == "Latin America and the Caribbean" and region_of("FJ") == "Oceania"
    for country in region_members("001"):
        name = region_of(country)
        assert name is not None
        assert any(m49.english_name(code) == name for code in regions_of(country)), country


def test_names_in_every_language() -> None:
    assert region_name("011") == "Western Africa"
    assert region_name("011", "fr") == "Afrique occidentale"
    assert region_name("011", "es") == "África occidental"
    assert region_name("011", "pt") == "África Ocidental"
    assert region_name("419", "en") == "Latin America"
    with pytest.raises(UnknownRegionError):
        region_name("12")


def test_describe_gives_labels_a_person_reads() -> None:
    u = understand("a research partner in West Africa, French-speaking, working on SDG 4")
    assert describe(u) == ["Western Africa", "research centre", "French-speaking", "SDG 4 — Quality education"]
    assert describe(u, "fr")[0] == "Afrique occidentale"
    assert describe(understand("partners in the Sahel")) == ["the Sahel"]
    assert describe_value("country", "CI") == "Côte d’Ivoire"
    assert describe_value("language", "pt") == "Portuguese"
    with pytest.raises(ValueError, match="unknown field 'town'; allowed: region, country"):
        describe_value("town", "x")


def test_matches_are_spans_of_the_text() -> None:
    text = "Nous cherchons des écoles en Afrique de l'Ouest"
    u = understand(text)
    assert [(m.text, m.field, m.value) for m in u.matches] == [("écoles", "kind", "school"),
                                                               ("Afrique de l'Ouest", "region", "011")]  # fmt: skip
    assert all(text[m.start : m.end] == m.text for m in u.matches)
    assert u.words == {"ecoles", "afrique", "de", "l", "ouest"}
    assert u.language == "fr" and u.asks
    assert not understand("ocean literacy").asks


def test_grouping_table_is_well_formed() -> None:
    from matcher.understand.places import REGION_ADJECTIVES, REGION_ALIASES, groupings

    known = set(m49.codes())
    assert set(REGION_ALIASES) <= known and set(REGION_ADJECTIVES) <= known
    for group in groupings():
        assert group.source and group.names["en"]
        assert set(group.regions) <= known
        assert set(group.countries) <= region_members("001"), group.key
        assert group.regions or group.countries
    francophone = next(g for g in groupings() if g.key == "francophone_africa")
    assert {"SN", "CI", "CD", "CM"} <= set(francophone.countries) and "NG" not in francophone.countries
