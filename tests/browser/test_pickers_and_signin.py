"""Search-as-you-type pickers (the ARIA combobox over GET /v1/catalog/partners, by keyboard, a page at a time) and the
partner sign-in (a partner key kept in sessionStorage only, acting as requester and for feedback, then signing out),
each with an axe-core scan."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.browser.conftest import API_KEY, KeyedServer, choose, expect
from tests.browser.test_map_and_accessibility import serious_violations
from tests.browser.test_team import TEAM

pytestmark = pytest.mark.browser

OCEAN = "Ocean literacy kits so that schools can study coral reefs, with a marine research partner"


def open_app(page: Any, base: str, view: str = "") -> None:
    page.goto(f"{base}/{view}")
    page.wait_for_selector("body[data-ready='true']")


def option_names(page: Any, picker: str) -> list[str]:
    return page.locator(f"#{picker}-listbox [role='option'] .combo-label").all_inner_texts()


def searches(page: Any) -> list[dict[str, list[str]]]:
    """The query strings of the partner searches the page sent, in order (filled by ``record_searches``)."""
    return page.searches  # type: ignore[no-any-return]


def record_searches(page: Any) -> None:
    page.searches = []
    page.on(
        "request",
        lambda request: (
            page.searches.append(parse_qs(urlparse(request.url).query))
            if "/v1/catalog/partners" in request.url
            else None
        ),
    )


def test_a_picker_searches_as_you_type_and_chooses_by_keyboard(page: Any, live_server: str, screenshot: Any) -> None:
    record_searches(page)
    open_app(page, live_server)
    assert not searches(page)  # nothing is loaded until someone types: no partner list at start
    picker = page.locator("#requester")
    assert picker.get_attribute("role") == "combobox"
    assert picker.get_attribute("aria-autocomplete") == "list"
    assert picker.get_attribute("aria-controls") == "requester-listbox"
    assert picker.get_attribute("aria-expanded") == "false"
    picker.focus()
    page.keyboard.type("re", delay=40)
    listbox = page.locator("#requester-listbox")
    listbox.locator("[role='option']").first.wait_for()
    # ranked by the service: a word starting with "re" first, "Green" (inside a word) last; never every partner
    assert option_names(page, "requester") == ["Blue Reef School", "Coastal Research Lab", "Green Roots Primary"]
    assert [s["q"] for s in searches(page)] == [["re"]]  # one request for the two keys (debounced)
    assert picker.get_attribute("aria-expanded") == "true"
    expect(page.locator("#requester-message")).to_have_text("3 matches: use the up and down arrows to choose")

    picker.press("ArrowDown")
    picker.press("ArrowDown")
    second = listbox.locator("[role='option']").nth(1)
    assert picker.get_attribute("aria-activedescendant") == second.get_attribute("id")
    assert second.get_attribute("aria-selected") == "true"
    assert listbox.locator("[aria-selected='true']").count() == 1
    assert serious_violations(page) == []  # with the list open
    screenshot(page, "22-picker", docs=True, full_page=False)

    picker.press("Enter")
    assert picker.input_value() == "Coastal Research Lab"
    assert page.locator("#requester-value").input_value() == "ocean-lab"
    assert picker.get_attribute("aria-expanded") == "false" and listbox.is_hidden()
    expect(page.locator("#requester-message")).to_have_text("Coastal Research Lab chosen.")

    sent: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.url.endswith("/v1/recommendations/collaborators") else None,
    )
    page.get_by_label("Describe your project").fill(OCEAN)
    page.get_by_role("button", name="Find partners").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")
    assert sent[-1]["requester_id"] == "ocean-lab"
    assert "Coastal Research Lab" not in page.locator("#find-results .card-title").all_inner_texts()

    picker.focus()
    picker.press("Escape")  # the list is closed: Escape clears the choice
    assert picker.input_value() == "" and page.locator("#requester-value").input_value() == ""
    page.keyboard.type("zzz")
    expect(page.locator("#requester-message")).to_have_text("Nothing matches “zzz”.")
    picker.press("Tab")  # leaving without a choice keeps nothing half-typed
    assert picker.input_value() == ""


def test_a_picker_loads_the_next_page_when_the_arrows_pass_the_last_option(page: Any, live_server: str) -> None:
    """At 100,000 partners a picker shows 20 at a time; moving past the 20th asks for the next page with the cursor."""
    cursors: list[str | None] = []

    def handle(route: Any) -> None:
        query = parse_qs(urlparse(route.request.url).query)
        cursor = query.get("cursor", [None])[0]
        cursors.append(cursor)
        first, count = (21, 5) if cursor else (1, 20)
        data = [
            {"id": f"p{i:06d}", "name": f"School {i:06d}", "type": "school", "country": "KE", "languages": ["en"],
             "sdgs": [4], "summary": "A school."}
            for i in range(first, first + count)
        ]  # fmt: skip
        route.fulfill(json={"data": data, "count": count, "total": 100_000, "next_cursor": None if cursor else "0.7.x"})

    page.route(lambda url: "/v1/catalog/partners" in url, handle)
    open_app(page, live_server, "#/team")
    picker = page.locator("#team-include")
    picker.fill("school")
    page.locator("#team-include-listbox [role='option']").first.wait_for()
    expect(page.locator("#team-include-message")).to_have_text("100,000 matches: use the up and down arrows to choose")
    for _ in range(20):
        picker.press("ArrowDown")
    assert page.locator("#team-include-listbox [aria-selected='true'] .combo-label").inner_text() == "School 000020"
    picker.press("ArrowDown")  # past the last: the next page
    expect(page.locator("#team-include-listbox [aria-selected='true'] .combo-label")).to_have_text("School 000021")
    assert page.locator("#team-include-listbox [role='option']").count() == 25
    assert cursors == [None, "0.7.x"]


def test_include_and_exclude_are_chosen_by_keyboard_in_the_team_builder(page: Any, live_server: str) -> None:
    sent: list[dict[str, Any]] = []

    def handle(route: Any) -> None:
        sent.append(route.request.post_data_json)
        route.fulfill(json=TEAM)

    page.route("**/v1/recommendations/consortium", handle)
    open_app(page, live_server, "#/team")
    page.get_by_label("Describe your project").fill(OCEAN)
    choose(page, "team-include", "coastal", "Coastal Research Lab")
    choose(page, "team-include", "marine", "Marine Classroom Trust")
    choose(page, "team-exclude", "green", "Green Roots Primary")
    chips = page.locator("[data-combo='include'] .chip.chosen")
    assert chips.evaluate_all("chips => chips.map(c => c.dataset.value)") == ["ocean-lab", "ocean-ngo"]
    assert page.locator("[data-combo='exclude'] .chip.chosen").evaluate_all("c => c.map(e => e.dataset.value)") == [
        "garden-school"
    ]
    page.get_by_role("button", name="Remove Marine Classroom Trust").click()
    assert page.evaluate("() => document.activeElement.id") == "team-include"  # focus back in the picker
    choose(page, "team-project", "reef", "Reef in a Box")
    page.get_by_role("button", name="Propose a team").click()
    page.wait_for_selector("#team-results[aria-busy='false'] .results-heading")
    assert (sent[0]["include"], sent[0]["exclude"], sent[0]["project_id"]) == (
        ["ocean-lab"],
        ["garden-school"],
        "reef-kit",
    )


def test_sign_in_act_as_the_partner_and_sign_out(page: Any, keyed_server: KeyedServer, screenshot: Any) -> None:
    base, token = keyed_server.base, keyed_server.keys["ocean-lab"]
    open_app(page, base)
    account = page.locator("#account")
    assert account.inner_text() == "Sign in"
    account.get_by_role("link", name="Sign in").click()
    page.wait_for_selector("#signin-title")
    assert page.title() == "Partner sign-in — Partner matcher"
    assert serious_violations(page) == []

    form = page.locator("form.signin-form")
    form.get_by_role("button", name="Sign in").click()
    assert page.locator("#signin-key-error").inner_text() == "Enter the key first."
    page.get_by_label("Partner API key").fill("mk_0123456789ab_not-the-secret")
    form.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-key-error")).to_have_text(
        "This key is not valid: check that it was copied whole, or ask the alliance secretariat for a new one."
    )
    assert page.locator("#signin-key").get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => sessionStorage.getItem('matcher.apiKey')") is None
    assert account.inner_text() == "Sign in"

    page.get_by_label("Partner API key").fill(token)
    form.get_by_role("button", name="Sign in").click()
    heading = page.locator(".signed-in .state-title")
    expect(heading).to_have_text("Signed in as Coastal Research Lab")
    assert page.evaluate("() => document.activeElement.id") == "signed-in-title"
    expect(account.locator(".account-who")).to_have_text("Signed in: Coastal Research Lab")
    stored = page.evaluate(
        "() => ({session: sessionStorage.getItem('matcher.apiKey'), local: JSON.stringify(localStorage)})"
    )
    assert stored["session"] == token and token not in stored["local"]  # this tab only, never localStorage
    assert serious_violations(page) == []
    screenshot(page, "50-signin", docs=True)

    # acting as the partner: the requester is fixed, the key goes with every request, feedback is its own
    authorised: list[str | None] = []
    page.on(
        "request",
        lambda r: (
            authorised.append(r.headers.get("authorization"))
            if r.url.endswith("/v1/recommendations/collaborators")
            else None
        ),
    )
    page.get_by_role("link", name="Find collaborators").first.click()
    page.wait_for_selector("#find-title")
    assert page.locator("[data-combo='requester'] .signed-as-name").inner_text() == "Coastal Research Lab (signed in)"
    assert page.locator("#requester").count() == 0  # no picker: a partner key asks as its own partner only
    page.get_by_label("Describe your project").fill(OCEAN)
    page.get_by_role("button", name="Find partners").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")
    assert authorised == [f"Bearer {token}"]
    first = page.locator("#find-results li.card").first
    accepted = first.get_attribute("data-partner-id")
    first.get_by_role("button", name="Accept").click()
    first.locator(".feedback-status:has-text('Accepted — saved.')").wait_for()
    stored_feedback = httpx.get(f"{base}/v1/feedback", headers={"Authorization": f"Bearer {API_KEY}"}).json()["data"]
    assert [(f["requester_id"], f["partner_id"], f["action"]) for f in stored_feedback] == [
        ("ocean-lab", accepted, "accept")
    ]

    page.reload()  # the same tab keeps the key
    page.wait_for_selector("body[data-ready='true']")
    expect(account.locator(".account-who")).to_have_text("Signed in: Coastal Research Lab")
    other_tab = page.context.new_page()  # another tab does not
    other_tab.goto(f"{base}/")
    other_tab.wait_for_selector("body[data-ready='true']")
    assert other_tab.locator("#account").inner_text() == "Sign in"
    other_tab.close()

    account.get_by_role("button", name="Sign out").click()
    expect(account).to_have_text("Sign in")
    assert page.evaluate("() => sessionStorage.getItem('matcher.apiKey')") is None
    page.wait_for_selector("#requester[role='combobox']")  # the requester is a picker again
    page.wait_for_selector("#announcer:has-text('Signed out: the key is forgotten.')", state="attached")


def test_a_hidden_partner_is_found_only_by_its_own_key(page: Any, keyed_server: KeyedServer) -> None:
    open_app(page, keyed_server.base, "#/groups")
    picker = page.locator("#partner-select")
    picker.fill("secret reef")
    expect(page.locator("#partner-select-message")).to_have_text("Nothing matches “secret reef”.")
    page.evaluate("key => sessionStorage.setItem('matcher.apiKey', key)", keyed_server.keys["ocean-hidden"])
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    expect(page.locator("#account .account-who")).to_have_text("Signed in: Secret Reef Foundation")
    choose(page, "partner-select", "secret reef", "Secret Reef Foundation")
    assert page.locator("#partner-select-value").input_value() == "ocean-hidden"


def test_sign_in_in_arabic_is_right_to_left(page: Any, keyed_server: KeyedServer) -> None:
    open_app(page, keyed_server.base, "?lang=ar#/signin")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    page.locator("#signin-key").fill("not-a-key")
    page.locator("form.signin-form button[type='submit']").click()
    expect(page.locator("#signin-key-error")).to_contain_text("هذا المفتاح غير صالح")
    page.locator("#signin-key").fill(keyed_server.keys["ocean-lab"])
    page.locator("form.signin-form button[type='submit']").click()
    expect(page.locator(".signed-in .state-title")).to_have_text("سجّلت الدخول باسم Coastal Research Lab")
    expect(page.locator("#account .account-who")).to_have_text("مسجّل الدخول: Coastal Research Lab")
    assert page.locator("#account .account-out").inner_text() == "تسجيل الخروج"


def test_explore_shows_more_partners_a_page_at_a_time(page: Any, live_server: str) -> None:
    asked: list[dict[str, list[str]]] = []

    def handle(route: Any) -> None:
        query = parse_qs(urlparse(route.request.url).query)
        asked.append(query)
        first, count = (31, 5) if "cursor" in query else (1, 30)
        data = [
            {"id": f"p{i:06d}", "name": f"Network {i:06d}", "type": "network", "country": "BR", "languages": ["pt"],
             "sdgs": [4], "summary": "A network."}
            for i in range(first, first + count)
        ]  # fmt: skip
        route.fulfill(json={"data": data, "count": count, "total": 35, "next_cursor": None if first > 1 else "0.7.y"})

    page.route(lambda url: "/v1/catalog/partners" in url, handle)
    open_app(page, live_server, "#/explore")
    expect(page.locator("#partners-title .count")).to_have_text("(35)")
    entries = page.locator("[data-list='partners'] .entries > li")
    assert entries.count() == 30
    assert page.locator("[data-list='partners'] .more .hint").inner_text() == "Showing 30 of 35"
    page.locator("[data-more='partners']").click()
    expect(entries).to_have_count(35)
    assert page.evaluate("() => document.activeElement.textContent") == "Network 000031"  # focus on the first new one
    assert page.locator("[data-more='partners']").count() == 0  # the last page
    assert asked[-1]["cursor"] == ["0.7.y"] and asked[-1]["limit"] == ["30"]
