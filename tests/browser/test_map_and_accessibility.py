"""The world map of suggestions (offline geometry, keyboard and screen reader), and an axe-core scan of every view.

axe-core is vendored in tests/browser/vendor/ (``npm pack axe-core``: axe.min.js and its MPL-2.0 LICENSE); it is
evaluated in the page by Playwright (the page's Content-Security-Policy allows no injected script tag).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_team import TEAM
from tests.browser.test_understood import MATCH, UNDERSTOOD

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
OCEAN = "Ocean literacy kits so that schools can study coral reefs, with a marine research partner"


def ready(page: Any, base: str, path: str = "") -> None:
    page.goto(f"{base}/{path}")
    page.wait_for_selector("body[data-ready='true']")


def search(page: Any, text: str = OCEAN) -> None:
    page.locator("textarea[name='text']").fill(text)
    page.locator("form.query-form button[type='submit']").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A and AA rules)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}}))"
        ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)"
    )
    return list(result)


def test_suggestions_on_the_world_map(page: Any, live_server: str, screenshot: Any) -> None:
    ready(page, live_server)
    search(page)
    countries = page.locator("#find-results li.card").evaluate_all(
        "cards => cards.map(c => c.dataset.partnerId)"
    )  # one card per partner; the map groups them by country
    page.wait_for_selector(".world-map .marker")
    markers = page.locator(".world-map .marker")
    assert markers.count() == page.locator(".world-map .country.has-items").count() >= 2
    fiji = page.locator(".world-map .marker[data-country='FJ']")
    assert fiji.get_attribute("aria-label") == "Fiji: 1 suggestion (Blue Reef School)"
    assert fiji.get_attribute("role") == "button" and fiji.get_attribute("tabindex") == "0"
    assert fiji.locator("text").text_content() == "1"  # the number, not colour alone
    box, frame = fiji.bounding_box(), page.locator(".world-map svg").bounding_box()
    assert box["x"] > frame["x"] + 0.9 * frame["width"]  # Fiji is east, next to the antimeridian
    assert page.locator(".world-map svg").get_attribute("aria-label") == "World map of the suggestions by country"
    assert len(countries) >= markers.count()
    screenshot(page, "21-find-map", docs=True)

    fiji.focus()
    page.keyboard.press("Enter")  # from the map to the list
    focused = page.evaluate("() => document.activeElement.closest('li.card')?.dataset.partnerId")
    assert focused == "ocean-school"


def test_no_serious_accessibility_violation_on_any_view(page: Any, live_server: str) -> None:
    page.route(
        "**/v1/recommendations/collaborators",
        lambda route: route.fulfill(json={"data": [MATCH], "count": 1, "understood": UNDERSTOOD}),
    )
    page.route("**/v1/recommendations/consortium", lambda route: route.fulfill(json=TEAM))
    found: dict[str, list[str]] = {}
    ready(page, live_server)
    found["find"] = serious_violations(page)
    search(page)
    page.locator(".understood button").first.click()
    page.wait_for_selector(".understood button[aria-pressed='true']")
    page.wait_for_selector(".world-map .marker")
    found["find results, chips and map"] = serious_violations(page)
    page.locator("#find-results .link-button").first.click()
    page.locator("#partner-dialog .description").wait_for()
    found["partner card"] = serious_violations(page)
    page.keyboard.press("Escape")

    ready(page, live_server, "#/team")
    found["team"] = serious_violations(page)
    page.locator("#team-text").fill(OCEAN)
    page.get_by_role("button", name="Propose a team").click()
    page.wait_for_selector("#team-results[aria-busy='false'] .world-map .marker")
    page.locator(".alternatives summary").first.click()
    found["team result"] = serious_violations(page)

    ready(page, live_server, "#/groups")
    page.select_option("#group-select", "teachers-for-the-planet")
    page.get_by_role("button", name="Show candidates").click()
    page.wait_for_selector("#group-results .results-heading")
    found["groups"] = serious_violations(page)

    ready(page, live_server, "#/explore")
    page.wait_for_selector(".themes .notice, .themes .theme-map, .themes [role='alert']")
    found["explore"] = serious_violations(page)

    ready(page, live_server, "?lang=ar#/find")
    search(page)
    found["find in Arabic"] = serious_violations(page)
    assert found == {name: [] for name in found}, found
