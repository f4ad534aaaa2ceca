"""The team builder against the documented contract of POST /v1/recommendations/consortium, stubbed with page.route
(tests/team/test_http.py checks the stub against the endpoint's response schema): the request the form sends, the
proposed team with what each member brings, its coverage and binding constraints, a swap for an alternative, and
infeasible constraints in words."""

from __future__ import annotations

import copy
from typing import Any

import pytest

pytestmark = pytest.mark.browser

TEXT = "Ocean literacy for schools in the Pacific and Portuguese-speaking countries, with a research partner"


def member(pid: str, name: str, kind: str, country: str, brings: list[dict[str, Any]], alternatives: Any = ()) -> dict:
    return {
        "partner_id": pid, "name": name, "type": kind, "country": country, "role": "proposed", "score": 0.5,
        "reasons": [], "explanations": [], "brings": brings, "alternatives": list(alternatives),
    }  # fmt: skip


LAB_ALT = {"partner_id": "garden-ngo", "name": "Seeds of Learning", "type": "ngo", "country": "BR", "score": 0.3,
           "objective_change": -0.2}  # fmt: skip
TEAM = {
    "members": [
        member("ocean-lab", "Coastal Research Lab", "research_centre", "PT", [
            {"code": "only_kind", "text": "the only research centre", "params": {"type": "research_centre"}},
            {"code": "covers_language", "text": "covers Portuguese", "params": {"language": "pt"}},
        ], [LAB_ALT]),
        member("ocean-school", "Blue Reef School", "school", "FJ", [
            {"code": "only_in_region", "text": "the only member in Melanesia", "params": {"region": "054"}},
            {"code": "covers_sdg", "text": "covers SDG 14", "params": {"sdgs": [14]}},
        ]),
        member("ocean-ngo", "Marine Classroom Trust", "ngo", "AU", [
            {"code": "a_newer_code", "text": "worded by the service", "params": {}},
        ]),
    ],
    "coverage": {"kinds": {"research_centre": 1, "school": 1, "ngo": 1}, "countries": ["PT", "FJ", "AU"],
                 "regions": ["039", "054", "053"], "languages": ["en", "pt"], "sdgs": [4, 14]},
    "binding": [
        {"constraint": "constraints.kinds[0].min", "text": "at least 1 research centre", "value": 1, "bound": 1},
        {"constraint": "constraints.min_distinct_countries", "text": "at least 3 distinct countries", "value": 3,
         "bound": 3},
    ],
    "objective": 1.5,
    "optimal": True,
    "candidates": 100,
}  # fmt: skip


def swapped_team() -> dict[str, Any]:
    team = copy.deepcopy(TEAM)
    team["members"][0] = member("garden-ngo", "Seeds of Learning", "ngo", "BR", [])
    team["coverage"]["countries"] = ["BR", "FJ", "AU"]
    team["binding"] = []
    team["optimal"] = False
    return team


def open_team(page: Any, base: str) -> None:
    page.goto(f"{base}/#/team")
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("#team-title")


def submit(page: Any) -> None:
    page.get_by_role("button", name="Propose a team").click()


def test_propose_a_team_see_what_each_member_brings_and_swap_one(page: Any, live_server: str, screenshot: Any) -> None:
    sent: list[dict[str, Any]] = []

    def handle(route: Any) -> None:
        body = route.request.post_data_json
        sent.append(body)
        route.fulfill(json=swapped_team() if body["exclude"] else TEAM)

    page.route("**/v1/recommendations/consortium", handle)
    open_team(page, live_server)
    assert page.title() == "Build a team — Partner matcher"
    assert page.locator("nav a[aria-current='page']").inner_text() == "Build a team"
    page.get_by_label("Describe your project").fill(TEXT)
    page.get_by_role("button", name="Add a kind of actor").click()
    page.select_option("#team-kind-0", "research_centre")
    page.fill("#team-kind-max-0", "1")
    page.get_by_role("button", name="Add a region").click()
    page.select_option("#team-region-0", "054")
    page.fill("#team-min-distinct", "3")
    page.select_option("#team-languages", ["pt", "en"])
    page.select_option("#team-sdgs", ["14"])
    submit(page)
    page.wait_for_selector("#team-results[aria-busy='false'] .results-heading")
    assert sent[0] == {
        "text": TEXT,
        "size": {"min": 3, "max": 5},
        "constraints": {
            "kinds": [{"kind": "research_centre", "min": 1, "max": 1}],
            "regions": [{"region": "054", "min": 1}],
            "min_distinct_countries": 3,
            "languages": ["en", "pt"],
            "sdgs": [14],
        },
        "include": [],
        "exclude": [],
    }
    assert page.locator(".results-heading").inner_text() == "A team of 3 members"
    assert (
        page.locator(".objective").inner_text() == "The best team possible under these constraints (total score 1.50)."
    )
    cards = page.locator("#team-results li.member")
    assert cards.nth(0).locator(".reasons").first.locator("li").all_inner_texts() == [
        "the only research centre",
        "covers Portuguese",
    ]
    assert cards.nth(1).locator(".reasons").first.locator("li").all_inner_texts() == [
        "the only member in Melanesia",
        "covers SDG 14 — Life below water",
    ]
    assert cards.nth(2).locator(".reasons li[lang='en']").inner_text() == "worded by the service"
    coverage = {
        key: page.locator(f"[data-coverage='{key}']").inner_text()
        for key in ["kinds", "countries", "regions", "languages", "sdgs"]
    }
    assert coverage == {
        "kinds": "research centre × 1 · school × 1 · NGO × 1",
        "countries": "Portugal · Fiji · Australia",
        "regions": "Southern Europe · Melanesia · Australasia",
        "languages": "English · Portuguese",
        "sdgs": "SDG 4 — Quality education · SDG 14 — Life below water",
    }
    assert page.locator(".binding li").all_inner_texts() == [
        "at least 1 × research centre",
        "at least 3 different countries",
    ]
    assert page.locator("#team-results .marker").count() == 3  # the members on the map
    screenshot(page, "30-team", docs=True)

    cards.nth(0).locator(".alternatives summary").click()
    page.get_by_role("button", name="Swap Coastal Research Lab for Seeds of Learning").click()
    page.wait_for_selector("#team-results[aria-busy='false'] li.member[data-partner-id='garden-ngo']")
    assert sent[1]["include"] == ["ocean-school", "ocean-ngo", "garden-ngo"]
    assert sent[1]["exclude"] == ["ocean-lab"]
    assert sent[1]["constraints"] == sent[0]["constraints"]
    page.wait_for_selector(
        "#announcer:has-text('Coastal Research Lab swapped for Seeds of Learning.')", state="attached"
    )
    assert page.locator(".objective").inner_text().startswith("A good team found in the time allowed")
    assert page.locator(".binding").inner_text().endswith("this is the best team by score alone.")


def test_infeasible_constraints_are_explained_and_bad_forms_never_sent(
    page: Any, live_server: str, screenshot: Any
) -> None:
    sent: list[dict[str, Any]] = []
    detail = "at least 2 research centres are required but only 1 candidate matches the filters"

    def handle(route: Any) -> None:
        sent.append(route.request.post_data_json)
        route.fulfill(status=422, json={"detail": detail})

    page.route("**/v1/recommendations/consortium", handle)
    open_team(page, live_server)
    submit(page)  # nothing described
    assert page.locator("#team-text").get_attribute("aria-invalid") == "true"
    page.get_by_label("Describe your project").fill(TEXT)
    page.fill("#team-size-min", "6")  # larger than the largest size (5)
    submit(page)
    assert page.locator("#team-size-min-error").inner_text() == "The smallest size must not be larger than the largest."
    page.fill("#team-size-min", "2")
    page.fill("#team-size-max", "2")
    page.get_by_role("button", name="Add a kind of actor").click()
    page.select_option("#team-kind-0", "research_centre")
    page.fill("#team-kind-min-0", "3")
    submit(page)
    assert page.locator("#team-size-max-error").inner_text() == (
        "The kinds of actor need at least 3 members, but the team has at most 2."
    )
    assert sent == []

    page.fill("#team-size-max", "4")
    page.fill("#team-kind-min-0", "2")
    submit(page)
    alert = page.locator("#team-results [role='alert']")
    alert.wait_for()
    assert alert.locator(".state-title").inner_text() == "These constraints cannot all be met"
    assert alert.locator(".detail").inner_text() == detail
    assert alert.locator(".detail").get_attribute("lang") == "en"
    assert sent[0]["constraints"]["kinds"] == [{"kind": "research_centre", "min": 2}]
    screenshot(page, "31-team-infeasible")

    page.unroute("**/v1/recommendations/consortium")
    page.route(
        "**/v1/recommendations/consortium",
        lambda route: route.fulfill(status=422, json={"detail": [{"loc": ["body", "size", "max"], "msg": "too big"}]}),
    )
    submit(page)
    page.wait_for_selector("#team-results [role='alert']:has-text('This request was not accepted')")
    assert "size.max: too big" in page.locator("#team-results [role='alert']").inner_text()


def test_the_team_in_arabic(page: Any, live_server: str) -> None:
    page.route("**/v1/recommendations/consortium", lambda route: route.fulfill(json=TEAM))
    page.goto(f"{live_server}/?lang=ar#/team")
    page.wait_for_selector("body[data-ready='true']")
    page.locator("#team-text").fill(TEXT)
    page.get_by_role("button", name="أضف نوع جهة").click()
    page.select_option("#team-kind-0", "research_centre")
    page.locator("form.query-form button[type='submit']").click()
    page.wait_for_selector("#team-results[aria-busy='false'] .results-heading")
    assert page.locator(".results-heading").inner_text() == "فريق من 3 أعضاء"
    first = page.locator("#team-results li.member").first.locator(".reasons").first.locator("li")
    assert first.all_inner_texts() == ["الجهة الوحيدة من نوع مركز بحثي", "يغطي البرتغالية"]
    assert page.locator(".binding li").first.inner_text() == "1 × مركز بحثي على الأقل"
