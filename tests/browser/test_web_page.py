"""The web page in headless Chromium, over the tiny alliance (ocean, gardens, girls in STEM, teachers).

Each test keeps screenshots in artifacts/screenshots/. Optional endpoints (feedback, themes) are stubbed with
``page.route`` so the page's handling of every answer is tested whether or not the server has them yet.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.browser.conftest import API_KEY, choose, expect

pytestmark = pytest.mark.browser

OCEAN = "Ocean literacy kits so that schools can study coral reefs, with a marine research partner"


def open_app(page: Any, base: str, view: str = "") -> None:
    page.goto(f"{base}/{view}")
    page.wait_for_selector("body[data-ready='true']")


def result_names(page: Any, scope: str = "#find-results") -> list[str]:
    return [name.strip() for name in page.locator(f"{scope} .card-title").all_inner_texts()]


def find(page: Any, text: str = OCEAN) -> list[str]:
    page.get_by_label("Describe your project").fill(text)
    page.get_by_role("button", name="Find partners").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading, #find-results[aria-busy='false'] .state")
    return result_names(page)


def active(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName, text: document.activeElement.textContent.trim(),"
        " cls: document.activeElement.className, id: document.activeElement.id})"
    )


def with_openapi_path(page: Any, path: str) -> None:
    """Make the page believe the server documents ``path`` (for endpoints other engineers are still building)."""

    def handle(route: Any) -> None:
        response = route.fetch()
        doc = response.json()
        doc["paths"].setdefault(path, {"post": {}, "get": {}})
        route.fulfill(response=response, json=doc)

    page.route("**/openapi.json", handle)


def test_find_collaborators_filter_and_partner_card(page: Any, live_server: str, screenshot: Any) -> None:
    open_app(page, live_server)
    assert page.title() == "Find collaborators — Partner matcher"
    screenshot(page, "01-find-initial")

    names = find(page)
    assert set(names[:2]) == {"Blue Reef School", "Marine Classroom Trust"}
    assert "Secret Reef Foundation" not in names  # opted out of discovery
    assert page.locator(".results-heading").inner_text() == f"{len(names)} suggestions"
    assert active(page)["cls"] == "results-heading"  # focus moves to the results
    first = page.locator("#find-results li.card").first
    assert "Fiji" in first.inner_text() or "Australia" in first.inner_text()
    assert first.locator(".reasons li").count() >= 1
    first.locator(".breakdown summary").click()
    signals = first.locator(".breakdown tbody th").all_inner_texts()
    assert signals[0] in {"Text similarity", "Shared key terms"}
    page.wait_for_selector("#announcer:has-text('suggestions')", state="attached")
    screenshot(page, "02-find-results")

    page.select_option("#filter-type", "ngo")
    page.get_by_role("button", name="Find partners").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")
    names = result_names(page)
    assert names == ["Marine Classroom Trust", "Seeds of Learning"]
    metas = page.locator("#find-results .card .meta").all_inner_texts()
    assert all(meta.startswith("NGO · ") for meta in metas)
    screenshot(page, "03-find-filtered")

    opener = page.get_by_role("button", name="Open the card of Marine Classroom Trust")
    opener.click()
    dialog = page.locator("#partner-dialog")
    dialog.locator(".description").wait_for()
    assert dialog.locator("#card-title").inner_text() == "Marine Classroom Trust"
    assert "coral reef conservation" in dialog.locator(".description").inner_text()
    card = dialog.inner_text()
    assert "Reef in a Box" in card and "Caring for Teachers" in card
    assert "Teachers for the Planet" in card
    assert "SDG 14 · Life below water" in card
    assert active(page)["id"] == "card-title"
    screenshot(page, "04-partner-card", full_page=False)
    page.keyboard.press("Escape")
    assert not dialog.evaluate("d => d.open")
    assert active(page)["text"] == "Marine Classroom Trust"  # focus is back on the opener


def test_language_switch_to_french_and_back(page: Any, live_server: str, screenshot: Any) -> None:
    open_app(page, live_server)
    page.get_by_label("Describe your project").fill(OCEAN)
    page.select_option("#lang-select", "fr")
    page.wait_for_selector("html[lang='fr']", state="attached")
    assert page.get_by_label("Décrivez votre projet").input_value() == OCEAN  # nothing typed is lost
    assert page.locator("nav a[aria-current='page']").inner_text() == "Trouver des partenaires"
    assert page.locator("h1").inner_text() == "Trouver des partenaires"
    assert page.title() == "Trouver des partenaires — Partner matcher"

    page.select_option("#filter-type", "ngo")
    page.get_by_role("button", name="Trouver des partenaires").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")
    assert page.locator(".results-heading").inner_text() == "2 suggestions"
    assert page.locator("#find-results .card .meta").first.inner_text() == "ONG · Australie"
    assert page.locator(".breakdown summary").first.inner_text() == "Détail du score"
    assert page.locator(".score strong").first.inner_text().count(",") == 1  # 0,58: French decimal comma
    reasons = page.locator("#find-results .card").first.locator(".reasons li").all_inner_texts()
    assert reasons[0].startswith("mots-clés communs : ")  # worded by the page from the reason codes
    assert re.fullmatch(r"similarité de texte 0,\d\d avec votre description", reasons[1])
    assert page.locator("#find-results .reasons li[lang='en']").count() == 0  # nothing left in English
    screenshot(page, "05-find-french")

    page.reload()  # the choice is remembered
    page.wait_for_selector("body[data-ready='true']")
    assert page.locator("h1").inner_text() == "Trouver des partenaires"
    page.select_option("#lang-select", "en")
    page.wait_for_selector("html[lang='en']", state="attached")
    assert page.locator("h1").inner_text() == "Find collaborators"


def test_french_page_words_every_reason_code_and_keeps_unknown_codes_in_english(page: Any, live_server: str) -> None:
    explanations = [
        {"code": "worked_with_partner", "text": "-", "params": {"partner": "Kelp Lab", "project": "Reef", "more": 2}},
        {"code": "shared_sdgs", "text": "-", "params": {"sdgs": [4, 14]}},
        {"code": "similar_projects", "text": "-", "params": {"count": 1}},
        {"code": "same_country", "text": "-", "params": {"country": "FJ"}},
        {"code": "type_complement", "text": "-", "params": {"type": "research_centre"}},
        {"code": "a_code_from_a_newer_service", "text": "worded by the service", "params": {}},
    ]
    match = {
        "partner_id": "ocean-ngo", "name": "Marine Classroom Trust", "type": "ngo", "country": "AU", "score": 0.5,
        "reasons": [e["text"] for e in explanations], "score_breakdown": {"dense": 0.5}, "explanations": explanations,
    }  # fmt: skip
    page.route("**/v1/recommendations/collaborators", lambda route: route.fulfill(json={"data": [match], "count": 1}))
    open_app(page, live_server)
    page.select_option("#lang-select", "fr")
    page.wait_for_selector("html[lang='fr']", state="attached")
    page.get_by_label("Décrivez votre projet").fill(OCEAN)
    page.get_by_role("button", name="Trouver des partenaires").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")

    items = page.locator("#find-results .reasons li")
    assert items.all_inner_texts() == [
        "a travaillé avec Kelp Lab sur Reef (et 2 autres)",
        "partage ODD 4 — Éducation de qualité, ODD 14 — Vie aquatique",
        "a travaillé sur des projets semblables (1 projet dans l’alliance)",
        "même pays que vous : Fidji",
        "centre de recherche : un type d’acteur absent de votre projet",
        "worded by the service",
    ]
    assert [items.nth(i).get_attribute("lang") for i in range(6)] == [None] * 5 + ["en"]


def test_invalid_empty_and_error_states(page: Any, live_server: str, screenshot: Any) -> None:
    open_app(page, live_server)
    page.get_by_role("button", name="Find partners").click()
    textarea = page.get_by_label("Describe your project")
    assert textarea.get_attribute("aria-invalid") == "true"
    assert page.locator("#find-results .state-initial").is_visible()  # nothing was sent
    error = page.locator(".field-error:visible")
    assert error.inner_text() == "Describe the project, or choose an existing project."
    assert active(page)["tag"] == "TEXTAREA"
    screenshot(page, "06-state-invalid")

    page.select_option("#filter-type", "media")  # the tiny alliance has no media
    names = find(page)
    assert names == []
    assert textarea.get_attribute("aria-invalid") is None
    assert page.locator("#find-results .state-empty").inner_text().startswith("No partners found")
    screenshot(page, "07-state-empty")

    page.route(
        "**/v1/recommendations/collaborators",
        lambda route: route.fulfill(status=500, content_type="text/plain", body="Traceback (most recent call last):"),
    )
    page.get_by_role("button", name="Find partners").click()
    alert = page.locator("#find-results [role='alert']")
    alert.wait_for()
    assert alert.inner_text().startswith("Something went wrong")
    assert "error 500" in alert.inner_text()
    assert "Traceback" not in page.content()
    screenshot(page, "08-state-error")

    page.unroute("**/v1/recommendations/collaborators")
    page.route("**/v1/recommendations/collaborators", lambda route: route.abort())
    alert.get_by_role("button", name="Try again").click()
    page.wait_for_selector("#find-results [role='alert']:has-text('cannot be reached')")

    page.unroute("**/v1/recommendations/collaborators")
    detail = [{"loc": ["body", "text"], "msg": "String should have at most 20000 characters"}]
    page.route(
        "**/v1/recommendations/collaborators",
        lambda route: route.fulfill(status=422, json={"detail": detail}),
    )
    page.get_by_role("button", name="Find partners").click()
    page.wait_for_selector("#find-results [role='alert']:has-text('This request was not accepted')")
    assert "text: String should have at most 20000 characters" in alert.inner_text()

    page.unroute("**/v1/recommendations/collaborators")
    page.locator("#find-results [role='alert']").wait_for()
    page.get_by_role("button", name="Find partners").click()
    page.wait_for_selector("#find-results .state-empty")  # the real service again


def test_action_groups_for_leads_and_partners(page: Any, live_server: str, screenshot: Any) -> None:
    open_app(page, live_server, "#/groups")
    assert page.locator("h1").inner_text() == "Action groups"
    page.get_by_role("button", name="Show candidates").click()
    assert page.locator("#group-select-error").inner_text() == "Choose one from the list."

    page.select_option("#group-select", "teachers-for-the-planet")
    page.get_by_role("button", name="Show candidates").click()
    page.wait_for_selector("#group-results .results-heading")
    candidates = result_names(page, "#group-results")
    assert candidates
    assert not {"Institute for Teacher Education", "Marine Classroom Trust"} & set(candidates)  # already members
    assert "Secret Reef Foundation" not in candidates
    assert page.locator("#group-results .reasons li").count() >= len(candidates)

    choose(page, "partner-select", "blue", "Blue Reef School")
    page.get_by_role("button", name="Show groups").click()
    page.wait_for_selector("#partner-results .results-heading")
    groups = result_names(page, "#partner-results")
    assert groups[0] == "Teachers for the Planet"
    assert "Marine Classroom Trust" in page.locator("#partner-results .card").first.inner_text()  # a past partner
    screenshot(page, "09-action-groups")

    # from a partner card straight to its groups
    open_app(page, live_server, "#/explore")
    page.get_by_role("button", name="Green Roots Primary").click()
    page.get_by_role("link", name="Groups to join").click()
    page.wait_for_selector("#partner-results .results-heading")
    assert page.locator("#partner-select-value").input_value() == "garden-school"
    page.wait_for_function("() => document.getElementById('partner-select').value === 'Green Roots Primary'")


def test_explore_lists_with_search_and_filters_when_themes_are_missing(
    page: Any, live_server: str, screenshot: Any
) -> None:
    page.route("**/v1/themes", lambda route: route.fulfill(status=404, json={"detail": "Not Found"}))
    open_app(page, live_server, "#/explore")
    page.wait_for_selector(".themes .notice")
    assert "not available on this server yet" in page.locator(".themes").inner_text()
    expect(page.locator("#partners-title .count")).to_have_text("(11)")
    expect(page.locator("#projects-title .count")).to_have_text("(4)")

    page.get_by_label("Search by name").fill("reef")  # asked of the service (by name), a page at a time
    expect(page.locator("#partners-title .count")).to_have_text("(1)")
    assert page.locator("[data-partner-id] .entry-title").all_inner_texts() == ["Blue Reef School"]
    expect(page.locator("[data-project-id] .entry-title")).to_have_text(["Reef in a Box"])
    page.get_by_label("Search by name").fill("")
    page.select_option("#explore-type", "school")
    expect(page.locator("[data-partner-id] .entry-title")).to_have_text(["Blue Reef School", "Green Roots Primary"])
    screenshot(page, "10-explore-fallback")

    page.select_option("#explore-type", "media")
    expect(page.locator(".lists .state-empty").first).to_contain_text("Nothing matches")
    page.get_by_role("button", name="Clear search and filters").click()
    expect(page.locator("#partners-title .count")).to_have_text("(11)")

    page.get_by_role("link", name="Find collaborators for Girls Code the Future").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")
    assert page.locator("#project-value").input_value() == "girls-code"
    page.wait_for_function("() => document.getElementById('project').value === 'Girls Code the Future'")
    names = result_names(page)
    assert not {"CodeHer Labs", "Women in STEM University Alliance"} & set(names)  # the project's members
    assert names[0] == "Girls Who Build"


def test_explore_draws_the_themes_map_and_find_filters_by_theme(page: Any, own_server: Any, screenshot: Any) -> None:
    base = own_server(themes=True)
    themes = httpx.get(f"{base}/v1/themes").json()["data"]
    assert len(themes) >= 2
    open_app(page, base, "#/explore")
    page.wait_for_selector(".theme-map")
    assert page.locator(".theme-text strong").all_inner_texts() == [t["label"] for t in themes]  # largest first
    first = page.locator(".theme").first.inner_text()
    assert f"{themes[0]['partners']} partners" in first or f"{themes[0]['partners']} partner" in first
    expect(page.locator("#partners-title .count")).to_have_text("(11)")  # the lists are still there
    screenshot(page, "11-explore-themes")

    ocean = next(t for t in themes if "marine" in t["terms"] or "ocean literacy" in t["terms"])
    page.get_by_role("navigation").get_by_role("link", name="Find collaborators").click()
    page.select_option("#filter-theme", str(ocean["id"]))
    names = find(page)
    assert names
    assert set(names) <= {"Blue Reef School", "Marine Classroom Trust", "Coastal Research Lab"}


def test_explore_marks_the_least_covered_themes(page: Any, live_server: str) -> None:
    sizes = [("ocean", 9), ("gardens", 8), ("coding", 7), ("teachers", 6), ("radio", 2)]
    body = {
        "data": [
            {"id": i, "label": label, "terms": [label, "learning"], "size": n + 1, "partners": n, "projects": 1}
            for i, (label, n) in enumerate(sizes)
        ],
        "count": len(sizes),
        "outlier_rate": 0.125,
    }
    with_openapi_path(page, "/v1/themes")
    page.route("**/v1/themes", lambda route: route.fulfill(status=200, json=body))
    open_app(page, live_server, "#/explore")
    page.wait_for_selector(".theme-map")
    assert page.locator(".bubble.is-gap").count() == 1  # 2 partners, at most half the median (7)
    assert page.locator(".gaps li").all_inner_texts() == ["radio — 2 partners · 1 project"]
    assert "13% of partners and projects are close to no theme." in page.locator(".themes").inner_text()

    page.unroute("**/v1/themes")
    page.route("**/v1/themes", lambda route: route.fulfill(status=503, body="upstream down"))
    page.reload()
    page.wait_for_selector(".themes [role='alert']")
    assert "error 503" in page.locator(".themes").inner_text()
    expect(page.locator("#partners-title .count")).to_have_text("(11)")  # the lists still work


def test_accept_and_dismiss_with_an_api_key(page: Any, own_server: Any, screenshot: Any) -> None:
    base = own_server()
    open_app(page, base)
    find(page)
    assert page.locator(".feedback").count() == 0  # no requester: nobody to record the decision for

    choose(page, "requester", "blue r", "Blue Reef School")
    names = find(page)
    assert "Blue Reef School" not in names  # never suggested to yourself
    cards = page.locator("#find-results li.card")
    accepted, dismissed = (cards.nth(i).get_attribute("data-partner-id") for i in range(2))

    cards.nth(0).get_by_role("button", name="Accept").click()  # no key yet: 401, the card asks for one
    key = cards.nth(0).get_by_label("API key")
    key.wait_for()
    assert active(page)["tag"] == "INPUT"
    assert cards.nth(0).locator(".feedback-status").inner_text() == "Recording decisions needs a valid API key."
    key.fill("not-the-key")
    cards.nth(0).get_by_role("button", name="Use this key").click()
    cards.nth(0).locator(".feedback-status:has-text('The API key is not valid')").wait_for()
    cards.nth(0).get_by_label("API key").fill(API_KEY)
    cards.nth(0).get_by_role("button", name="Use this key").click()
    cards.nth(0).locator(".feedback-status:has-text('Accepted — saved.')").wait_for()
    assert cards.nth(0).locator("button[data-action]").count() == 0
    cards.nth(1).get_by_role("button", name="Dismiss").click()  # the key is kept for this tab
    cards.nth(1).locator(".feedback-status:has-text('Dismissed')").wait_for()
    screenshot(page, "12-feedback")

    stored = httpx.get(f"{base}/v1/feedback", headers={"Authorization": f"Bearer {API_KEY}"}).json()["data"]
    assert [(f["requester_id"], f["partner_id"], f["project_id"], f["action"]) for f in stored] == [
        ("ocean-school", accepted, None, "accept"),
        ("ocean-school", dismissed, None, "dismiss"),
    ]
    names = find(page)
    assert accepted in [cards.nth(i).get_attribute("data-partner-id") for i in range(len(names))]
    assert dismissed not in [cards.nth(i).get_attribute("data-partner-id") for i in range(len(names))]


def test_feedback_buttons_go_away_when_the_server_has_no_feedback_endpoint(page: Any, live_server: str) -> None:
    page.route("**/v1/feedback", lambda route: route.fulfill(status=404, json={"detail": "Not Found"}))
    with_openapi_path(page, "/v1/feedback")
    open_app(page, live_server)
    choose(page, "requester", "blue r", "Blue Reef School")
    find(page)
    page.locator("#find-results li.card").first.get_by_role("button", name="Accept").click()
    page.wait_for_selector("#find-results .notice:has-text('not available on this server yet')")
    assert page.locator(".feedback button").count() == 0  # no longer offered


def test_a_service_that_needs_a_key_to_read_asks_for_it(page: Any, own_server: Any, screenshot: Any) -> None:
    base = own_server(read_requires_key=True)
    open_app(page, base)
    alert = page.locator("#view [role='alert']").first
    assert alert.locator(".state-title").inner_text() == "This service needs an API key"
    screenshot(page, "15-read-key")
    alert.get_by_label("API key").fill(API_KEY)
    alert.get_by_role("button", name="Use this key").click()
    # the view keeps its heading while the catalogue reloads behind the key: wait for the alert to go, not the heading
    page.wait_for_selector("#view [role='alert']", state="detached")
    assert page.locator("#view h1").count() == 1
    assert page.locator("#view [role='alert']").count() == 0
    choose(page, "project", "reef", "Reef in a Box")  # the pickers search behind the key too
    assert page.locator("#project-value").input_value() == "reef-kit"
    page.locator("#project").press("Escape")  # clears the choice again
    assert page.locator("#project-value").input_value() == ""
    assert find(page)[0] in {"Blue Reef School", "Marine Classroom Trust"}


def test_keyboard_only(page: Any, live_server: str) -> None:
    open_app(page, live_server)
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert active(page)["tag"] == "TEXTAREA"
    page.keyboard.type("Coding clubs for girls with mentors from industry")
    for _ in range(15):
        page.keyboard.press("Tab")
        if active(page)["text"] == "Find partners":
            break
    assert active(page)["text"] == "Find partners"
    page.keyboard.press("Enter")
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")
    assert active(page)["cls"] == "results-heading"
    page.keyboard.press("Tab")
    first = active(page)["text"]
    assert first == result_names(page)[0]
    page.keyboard.press("Enter")
    page.locator("#partner-dialog .description").wait_for()
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.getElementById('partner-dialog').contains(document.activeElement)")
    assert inside
    page.keyboard.press("Escape")
    assert active(page)["text"] == first
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible


def test_phone_layout(phone_page: Any, live_server: str, screenshot: Any) -> None:
    page = phone_page
    open_app(page, live_server)
    names = find(page, "Coding clubs for girls with mentors from industry")
    assert names[0] in {"CodeHer Labs", "Girls Who Build", "Women in STEM University Alliance"}
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"
    submit = page.get_by_role("button", name="Find partners").bounding_box()
    assert submit["height"] >= 44  # a finger-sized target
    screenshot(page, "13-phone-find")
    page.locator(".link-button").first.click()
    page.locator("#partner-dialog .description").wait_for()
    box = page.locator("#partner-dialog").bounding_box()
    assert box["width"] <= 390
    screenshot(page, "14-phone-card", full_page=False)


def test_the_page_loads_only_from_the_service(page: Any, live_server: str) -> None:
    response = page.goto(f"{live_server}/")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert re.search(r"default-src 'self'", policy)
    page.wait_for_selector("body[data-ready='true']")
    fonts = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert fonts.startswith("system-ui")
    # the `page` fixture fails the test if anything was requested from elsewhere
