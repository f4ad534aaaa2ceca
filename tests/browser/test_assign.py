"""Assigning partners to action groups, for leads, against the real POST /v1/action-groups/assignments on the tiny
alliance: a dry run under a group's bounds and a quota (each assignment with its reasons, the group's composition,
the bounds that decided it), then applying it with an admin key (a partner key is refused); quotas that cannot be met
explained in words; an axe-core scan of each state."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import API_KEY, KeyedServer, expect
from tests.browser.test_map_and_accessibility import serious_violations

pytestmark = pytest.mark.browser

ASSIGN = "/v1/action-groups/assignments"


def open_assign(page: Any, base: str, query: str = "") -> None:
    page.goto(f"{base}/{query}#/assign")
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_selector("#assign-title")


def record(page: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith(ASSIGN) else None)
    return sent


def youth_group_with_a_university(page: Any, university_min: str = "1") -> None:
    page.get_by_role("button", name="Add a group").click()
    page.select_option("#assign-group-0", "youth-empowerment")
    page.fill("#assign-group-min-0", "2")
    page.fill("#assign-group-max-0", "2")
    page.get_by_role("button", name="Add a quota of a kind").click()
    page.select_option("#assign-quota-0-0", "university")
    page.fill("#assign-quota-min-0-0", university_min)


def test_a_dry_run_then_apply_with_an_admin_key(page: Any, keyed_server: KeyedServer, screenshot: Any) -> None:
    base = keyed_server.base
    sent = record(page)
    open_assign(page, base)
    assert page.title() == "Assign to action groups — Partner matcher"
    assert page.locator("nav a[aria-current='page']").inner_text() == "Assign to groups"
    assert serious_violations(page) == []

    youth_group_with_a_university(page)
    page.get_by_role("button", name="Propose an assignment").click()
    page.wait_for_selector("#assign-results[aria-busy='false'] .results-heading")
    assert sent[0] == {
        "partners": [],
        "groups": [{"group_id": "youth-empowerment", "min": 2, "max": 2, "kinds": [{"kind": "university", "min": 1}]}],
        "min_groups_per_partner": 0,
        "max_groups_per_partner": 1,
        "apply": False,
    }
    assert page.locator(".results-heading").inner_text() == "2 assignments proposed"
    assert page.evaluate("() => document.activeElement.className") == "results-heading"
    group = page.locator(".composition[data-group-id='youth-empowerment']")
    assert group.locator("h3").inner_text() == "Youth Empowerment (2 joining)"
    facts = {key: group.locator(f"[data-composition='{key}']").inner_text() for key in ["existing", "size", "kinds"]}
    assert facts == {"existing": "1", "size": "3", "kinds": "company × 1 · university × 1 · youth movement × 1"}
    assert group.locator("[data-composition='regions']").inner_text() == (
        "Northern America · Southern Asia · Sub-Saharan Africa"
    )
    cards = group.locator("li.assignment")
    assert sorted(cards.locator(".card-title").all_inner_texts()) == [
        "CodeHer Labs",
        "Women in STEM University Alliance",
    ]
    university = group.locator("li.assignment[data-partner-id='stem-uni'] .reasons li").all_inner_texts()
    assert "university: your group has none yet" in university  # worded by the page from the reason code
    assert page.locator(".binding li").all_inner_texts() == [
        "new members of Youth Empowerment: at most 2",
        "new members of Youth Empowerment: at least 2",
        "university in Youth Empowerment: at least 1",
    ]
    expect(page.locator(".unassigned h3")).to_have_text("6 partners not placed")
    expect(page.locator(".unassigned p")).to_contain_text("City of Lyon Food Council")  # named, not ids
    assert page.locator(".apply").inner_text().startswith("A dry run: nothing is written yet.")
    assert httpx.get(f"{base}/v1/action-groups/youth-empowerment/members").json()["count"] == 1
    assert serious_violations(page) == []
    screenshot(page, "40-assign", docs=True)

    page.get_by_role("button", name="Apply this assignment").click()  # nobody signed in: a key is asked for
    key = page.get_by_label("Admin API key")
    expect(key).to_be_focused()
    assert page.locator(".apply-status").inner_text() == "Applying writes the memberships: it needs an admin API key."
    assert serious_violations(page) == []
    key.fill(keyed_server.keys["ocean-lab"])
    page.get_by_role("button", name="Apply with this key").click()
    expect(page.locator("#apply-key-error")).to_have_text(
        "This key acts as partner Coastal Research Lab: applying needs an admin API key."
    )
    assert page.locator("#account").inner_text() == "Sign in"  # a partner key is not kept for this
    assert len(sent) == 1
    key.fill(API_KEY)
    page.get_by_role("button", name="Apply with this key").click()
    status = page.locator(".apply-status")
    expect(status).to_have_text("Applied: 2 memberships written.")
    expect(status).to_be_focused()
    assert sent[1] == {**sent[0], "apply": True}
    members = httpx.get(f"{base}/v1/action-groups/youth-empowerment/members").json()["data"]
    assert {m["partner_id"] for m in members} == {"stem-youth", "stem-company", "stem-uni"}
    expect(page.locator("#account .account-who")).to_have_text("Signed in: admin key")
    page.wait_for_selector("#announcer:has-text('Applied: 2 memberships written.')", state="attached")
    screenshot(page, "41-assign-applied")


def test_quotas_that_cannot_be_met_are_explained_in_words(page: Any, live_server: str, screenshot: Any) -> None:
    sent = record(page)
    open_assign(page, live_server)
    youth_group_with_a_university(page, university_min="3")
    page.fill("#assign-group-max-0", "1")  # fewer than the minimum: refused before anything is sent
    page.get_by_role("button", name="Propose an assignment").click()
    assert page.locator("#assign-group-min-0-error").inner_text() == "The minimum must not be larger than the maximum."
    assert sent == []

    page.fill("#assign-group-min-0", "0")
    page.fill("#assign-group-max-0", "")
    page.get_by_role("button", name="Propose an assignment").click()
    alert = page.locator("#assign-results [role='alert']")
    alert.wait_for()
    assert alert.locator(".state-title").inner_text() == "These bounds and quotas cannot all be met"
    assert alert.locator(".which").inner_text() == (
        "The one that cannot be met: university in Youth Empowerment: at least 3."
    )
    detail = alert.locator(".detail")
    assert detail.inner_text().startswith("groups[0].kinds[0].min: at least 3 universities in Youth Empowerment")
    assert detail.get_attribute("lang") == "en"
    assert serious_violations(page) == []
    screenshot(page, "42-assign-infeasible")


def test_every_group_is_sent_with_the_default_bounds_and_worded_in_french(page: Any, live_server: str) -> None:
    sent = record(page)
    open_assign(page, live_server, "?lang=fr")
    page.fill("#assign-default-max", "1")
    page.fill("#assign-max-groups", "1")
    page.locator("form.query-form button[type='submit']").click()
    page.wait_for_selector("#assign-results[aria-busy='false'] .results-heading")
    assert sent[0]["groups"] == [
        {"group_id": "teachers-for-the-planet", "min": 0, "max": 1},
        {"group_id": "youth-empowerment", "min": 0, "max": 1},
    ]
    assert page.locator(".results-heading").inner_text() == "2 affectations proposées"
    assert page.locator(".binding li").all_inner_texts() == [
        "nouveaux membres de Teachers for the Planet : au plus 1",
        "nouveaux membres de Youth Empowerment : au plus 1",
    ]
    assert page.locator(".assignment .reasons li[lang='en']").count() == 0  # every reason in French
