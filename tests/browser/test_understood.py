""" "What we understood": the chips of the collaborators response turn into hard filters and back; the region filter.

The service's ``understood`` field and ``regions`` filter are stubbed with ``page.route`` (the contract of the quality
issue): the test checks what the page sends and shows, whatever the server has landed.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

TEXT = "Research centres in West Africa, French-speaking, for school gardens and nutrition (SDG 2)"
UNDERSTOOD = {"regions": ["011"], "countries": ["SN"], "kinds": ["research_centre"], "languages": ["fr"], "sdgs": [2]}
SIMILARITY = {"code": "text_similarity", "text": "text similarity 0.40 with your description", "params": {"value": 0.4}}
MATCH = {
    "partner_id": "garden-ngo", "name": "Seeds of Learning", "type": "ngo", "country": "KE", "score": 0.4,
    "reasons": [SIMILARITY["text"]], "score_breakdown": {"dense": 0.4}, "explanations": [SIMILARITY],
}  # fmt: skip


def stub(page: Any) -> list[dict[str, Any]]:
    """Answer every search with MATCH and UNDERSTOOD; return the list of request bodies the page sends."""
    sent: list[dict[str, Any]] = []

    def handle(route: Any) -> None:
        sent.append(route.request.post_data_json)
        route.fulfill(json={"data": [MATCH], "count": 1, "understood": UNDERSTOOD})

    page.route("**/v1/recommendations/collaborators", handle)
    return sent


def search(page: Any) -> None:
    page.locator("form.query-form button[type='submit']").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")


def chip(page: Any, group: str, value: str) -> Any:
    return page.locator(f".understood button[data-group='{group}'][data-value='{value}']")


def test_chips_become_filters_and_go_away(page: Any, live_server: str, screenshot: Any) -> None:
    sent = stub(page)
    page.goto(live_server)
    page.wait_for_selector("body[data-ready='true']")
    page.get_by_label("Describe your project").fill(TEXT)
    search(page)
    assert sent[-1]["filters"] == {}
    assert page.locator(".understood .chip-label").all_inner_texts() == [
        "Western Africa",
        "Senegal",
        "research centre",
        "speaks French",
        "SDG 2 — Zero hunger",
    ]
    assert page.locator(".understood .chip-mark").all_inner_texts() == ["+"] * 5
    assert page.locator(".understood button[aria-pressed='true']").count() == 0
    # a screen reader hears the group too: "Region: Western Africa", "Kind of actor: research centre"
    assert page.get_by_role("button", name="Region: Western Africa").count() == 1
    assert page.get_by_role("button", name="Kind of actor: research centre").count() == 1

    chip(page, "regions", "011").click()  # one click: a hard filter, searched again at once
    page.wait_for_selector(".understood button[data-group='regions'][aria-pressed='true']")
    assert sent[-1]["filters"] == {"regions": ["011"]}
    assert chip(page, "regions", "011").locator(".chip-mark").inner_text() == "✓"  # not colour alone
    assert page.evaluate("() => document.activeElement.dataset.value") == "011"  # the keyboard stays on the chip
    page.wait_for_selector("#announcer:has-text('Filter added: Western Africa')", state="attached")

    chip(page, "kinds", "research_centre").click()
    page.wait_for_selector(".understood button[data-group='kinds'][aria-pressed='true']")
    chip(page, "sdgs", "2").click()
    page.wait_for_selector(".understood button[data-group='sdgs'][aria-pressed='true']")
    assert sent[-1]["filters"] == {"regions": ["011"], "types": ["research_centre"], "sdgs": [2]}
    screenshot(page, "20-understood-chips")

    chip(page, "regions", "011").click()  # another click removes it
    page.wait_for_selector(".understood button[data-group='regions'][aria-pressed='false']")
    assert sent[-1]["filters"] == {"types": ["research_centre"], "sdgs": [2]}
    page.wait_for_selector("#announcer:has-text('Filter removed: Western Africa')", state="attached")


def test_the_region_filter_and_a_chip_agree(page: Any, live_server: str) -> None:
    sent = stub(page)
    page.goto(f"{live_server}/?lang=fr")
    page.wait_for_selector("body[data-ready='true']")
    options = page.locator("#filter-region option").all_inner_texts()
    assert options[:3] == ["Tous", "Afrique", "\u00a0\u00a0Afrique septentrionale"]
    page.locator("textarea[name='text']").fill(TEXT)
    page.select_option("#filter-region", "011")
    search(page)
    assert sent[-1]["filters"] == {"regions": ["011"]}
    region = chip(page, "regions", "011")
    assert region.get_attribute("aria-pressed") == "true"  # the select's filter shows as a pressed chip
    assert region.locator(".chip-label").inner_text() == "Afrique occidentale"
    assert chip(page, "languages", "fr").locator(".chip-label").inner_text() == "parle français"
    region.click()  # removing it clears the select too
    page.wait_for_selector(".understood button[data-group='regions'][aria-pressed='false']")
    assert sent[-1]["filters"] == {}
    assert page.locator("#filter-region").input_value() == ""


def test_a_filter_that_empties_the_list_can_still_be_removed(page: Any, live_server: str) -> None:
    def handle(route: Any) -> None:
        filters = route.request.post_data_json["filters"]
        data = [] if filters.get("countries") else [MATCH]
        route.fulfill(json={"data": data, "count": len(data), "understood": UNDERSTOOD})

    page.route("**/v1/recommendations/collaborators", handle)
    page.goto(live_server)
    page.wait_for_selector("body[data-ready='true']")
    page.get_by_label("Describe your project").fill(TEXT)
    search(page)
    chip(page, "countries", "SN").click()
    page.wait_for_selector("#find-results .state-empty")
    chip(page, "countries", "SN").click()
    page.wait_for_selector("#find-results .results-heading")
    assert page.locator("#find-results .card-title").all_inner_texts() == ["Seeds of Learning"]


def test_as_asked_reasons_are_worded_in_the_pages_language(page: Any, live_server: str) -> None:
    explanations = [
        {"code": "as_asked", "text": "-", "params": {"what": "region", "value": "011"}},
        {"code": "as_asked", "text": "-", "params": {"what": "country", "value": "SN"}},
        {"code": "as_asked", "text": "-", "params": {"what": "kind", "value": "research_centre"}},
        {"code": "as_asked", "text": "-", "params": {"what": "language", "value": "fr"}},
        {"code": "network_proximity", "text": "-", "params": {}},
        {"code": "group_type_complement", "text": "-", "params": {"type": "university"}},
    ]
    match = {**MATCH, "explanations": explanations, "reasons": ["-"] * len(explanations)}
    page.route("**/v1/recommendations/collaborators", lambda route: route.fulfill(json={"data": [match], "count": 1}))
    page.goto(f"{live_server}/?lang=fr")
    page.wait_for_selector("body[data-ready='true']")
    page.locator("textarea[name='text']").fill(TEXT)
    search(page)
    assert page.locator("#find-results .reasons li").all_inner_texts() == [
        "région demandée : Afrique occidentale",
        "pays demandé : Sénégal",
        "centre de recherche, comme demandé",
        "parle français, comme demandé",
        "proche de votre réseau de collaborations",
        "université : un type d’acteur absent de votre groupe",
    ]
