"""The ask in the text: a place, a kind of partner or a language named in the query lifts the partners that fit it
(soft preferences), says why (``as_asked``), and is echoed as ``understood`` over HTTP."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from matcher.recommender import Recommender

URL = "/v1/recommendations/collaborators"


def test_a_region_in_the_text_ranks_the_partner_there_first(recommender: Recommender) -> None:
    matches = recommender.collaborators(text="We are looking for partners in West Africa for our project.", k=5)

    assert matches[0].partner_id == "stem-company"  # CodeHer Labs, Nigeria: the only West African partner
    asked = [e for e in matches[0].explanations if e.code == "as_asked"]
    assert [(e.params, e.text) for e in asked] == [
        ({"what": "region", "value": "011"}, "in Western Africa, as you asked")
    ]
    assert all(e.code != "as_asked" for m in matches[1:] for e in m.explanations)


def test_a_kind_of_partner_in_the_text_ranks_that_kind_first(recommender: Recommender) -> None:
    matches = recommender.collaborators(text="We need a research partner for our project.", k=5)

    assert matches[0].partner_id == "ocean-lab"  # the only research centre (ocean-hidden opted out)
    assert matches[0].explanations[0].params == {"what": "kind", "value": "research_centre"}
    assert matches[0].score_breakdown["asked_kind"] > 0
    assert all(m.score_breakdown["asked_kind"] == 0 for m in matches[1:])


def test_the_same_ask_in_french_spanish_and_portuguese(recommender: Recommender) -> None:
    for text in (
        "Nous cherchons un partenaire en Afrique de l'Ouest pour notre projet.",
        "Buscamos un socio en África Occidental para nuestro proyecto.",
        "Procuramos um parceiro na África Ocidental para o nosso projeto.",
        "نبحث عن شريك في غرب أفريقيا لمشروعنا.",
    ):
        assert recommender.collaborators(text=text, k=3)[0].partner_id == "stem-company", text


def test_a_kind_of_partner_asked_in_arabic_ranks_that_kind_first(recommender: Recommender) -> None:
    matches = recommender.collaborators(text="نحتاج إلى شريك بحثي لمشروعنا.", k=5)

    assert matches[0].partner_id == "ocean-lab"  # the only research centre, as in English
    assert matches[0].score_breakdown["asked_kind"] > 0


def test_understood_is_echoed_and_asked_words_are_not_key_terms(client: TestClient) -> None:
    r = client.post(URL, json={"text": "We need a research partner in West Africa for ocean education", "k": 5})

    assert r.status_code == 200, r.text
    understood = r.json()["understood"]
    assert understood["regions"] == ["011"] and understood["kinds"] == ["research_centre"]
    assert understood["labels"] == ["Western Africa", "research centre"]
    for match in r.json()["data"]:
        for e in match["explanations"]:
            if e["code"] == "key_terms":
                assert not {"west", "africa", "research", "partner"} & set(e["params"]["terms"])


def test_the_regions_filter_is_hard_and_unknown_codes_are_named(client: TestClient) -> None:
    r = client.post(URL, json={"text": "ocean education", "k": 10, "filters": {"regions": ["002"]}})  # Africa
    assert r.status_code == 200, r.text
    assert {m["partner_id"] for m in r.json()["data"]} == {"garden-school", "stem-company"}  # KE, NG

    bad = client.post(URL, json={"text": "ocean education", "filters": {"regions": ["999"], "countries": ["XX"]}})
    assert bad.status_code == 422
    assert "999" in bad.text and "M49" in bad.text


def test_a_stored_project_asks_for_what_its_seeking_names(recommender: Recommender) -> None:
    reef = recommender.collaborator_query(project_id="reef-kit")  # seeking: "a research centre on marine ecosystems"
    code = recommender.collaborator_query(project_id="girls-code")  # no seeking: "mentors from ... universities"

    assert reef.understood is not None and reef.understood.kinds == ("research_centre",)
    assert code.understood is not None and not code.understood.asks  # a description describes, it does not ask
    top = recommender.rank(reef, 3)[0]
    assert top.partner_id == "ocean-lab" and top.explanations[0].code == "as_asked"


def test_asked_masks_over_the_candidates_equal_the_full_masks_at_those_rows(recommender: Recommender) -> None:
    from matcher.ranking.asked import asked_features
    from matcher.understand import understand

    catalog = recommender.catalog
    a = catalog.attributes
    rows = np.array([5, 0, 3, 3, 1, len(a) - 1], dtype=np.int64)  # any order, repeats allowed
    asked = understand("We need a university or a research partner in West Africa or Kenya, French-speaking.")

    place, kind, language = asked_features(catalog, asked, rows)

    assert asked.regions and asked.countries and asked.kinds and asked.languages  # the text asks for all three
    full_place = a.place_mask(asked.regions, asked.countries)
    full_kind = a.code_mask(a.kind, a.kind_codes, asked.kinds)
    np.testing.assert_array_equal(place, full_place[rows].astype(np.float32))
    np.testing.assert_array_equal(kind, full_kind[rows].astype(np.float32))
    np.testing.assert_array_equal(language, a.language_mask(asked.languages)[rows].astype(np.float32))
    assert full_place.any() and full_kind.any()  # the fixture has partners that fit
