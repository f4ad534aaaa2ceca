"""The page in the alliance's seven languages: the browser's language by default, switchable and remembered; Arabic
right to left with the layout mirrored; plurals, numbers, countries and reason codes worded in each language."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

I18N = Path(__file__).resolve().parents[2] / "service" / "static" / "i18n"
ENGLISH_KEYS = set(json.loads((I18N / "en.json").read_text(encoding="utf-8")))
OCEAN = "Ocean literacy kits so that schools can study coral reefs, with a marine research partner"


def ready(page: Any) -> None:
    page.wait_for_selector("body[data-ready='true']")


def switch(page: Any, code: str) -> None:
    page.select_option("#lang-select", code)
    page.wait_for_selector(f"html[lang='{code}']", state="attached")


def search_ngos(page: Any) -> None:
    page.locator("textarea[name='text']").fill(OCEAN)
    page.select_option("#filter-type", "ngo")
    page.locator("form.query-form button[type='submit']").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")


def test_arabic_is_right_to_left_mirrored_and_worded_in_arabic(page: Any, live_server: str, screenshot: Any) -> None:
    page.goto(live_server)
    ready(page)
    english = page.locator(".lang-switch").bounding_box()
    english_brand = page.locator(".brand").bounding_box()
    switch(page, "ar")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.locator("h1").inner_text() == "البحث عن متعاونين"
    assert page.title() == "البحث عن متعاونين — Partner matcher"
    # mirrored: the brand and the language switch change sides (the switch right of the brand in English, left of it
    # in Arabic)
    arabic = page.locator(".lang-switch").bounding_box()
    brand = page.locator(".brand").bounding_box()
    assert english["x"] > english_brand["x"] and arabic["x"] < brand["x"]
    assert arabic["x"] + arabic["width"] < 640 < brand["x"] + brand["width"]  # each in its own half
    label = page.locator("label[for='filter-type']").bounding_box()
    select = page.locator("#filter-type").bounding_box()
    assert abs((label["x"] + label["width"]) - (select["x"] + select["width"])) < 2  # right-aligned, like the select

    search_ngos(page)
    assert page.locator(".results-heading").inner_text() == "اقتراحان"  # the dual: two suggestions
    assert page.locator("#find-results .card .meta").first.inner_text() == "منظمة غير حكومية · أستراليا"
    reasons = page.locator("#find-results .card").first.locator(".reasons li").all_inner_texts()
    assert reasons[0].startswith("كلمات مفتاحية مشتركة: ")
    assert re.fullmatch(r"تشابه نصي \S+ مع وصفك", reasons[1])
    assert page.locator("#find-results .reasons li[lang='en']").count() == 0
    screenshot(page, "ar-rtl-find", docs=True)

    page.reload()  # remembered
    ready(page)
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    switch(page, "en")
    assert page.evaluate("() => document.documentElement.dir") == "ltr"


@pytest.mark.parametrize(
    ("locale", "code", "title"), [("zh-CN", "zh", "寻找合作者"), ("pt-BR", "pt", "Encontrar colaboradores")]
)
def test_the_browsers_language_is_the_default(
    browser: Any, live_server: str, locale: str, code: str, title: str
) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(live_server)
        ready(page)
        assert page.evaluate("() => document.documentElement.lang") == code
        assert page.locator("h1").inner_text() == title
        assert page.locator("#lang-select").input_value() == code
    finally:
        context.close()


def test_every_language_words_every_view_with_no_key_left(page: Any, live_server: str) -> None:
    """Each language on each view: no message key shows through, plurals and numbers follow the language."""
    key_pattern = re.compile(r"\b[a-z]+(?:\.[a-zA-Z_0-9]+)+\b")
    counts = {}
    for code in ["ar", "zh", "en", "fr", "ru", "es", "pt"]:
        for view in ["#/find", "#/groups", "#/team", "#/assign", "#/explore", "#/signin"]:
            page.goto(f"{live_server}/?lang={code}{view}")
            ready(page)
            page.wait_for_selector("#view h1")
            text = page.locator("body").inner_text()
            leaked = [word for word in key_pattern.findall(text) if word in ENGLISH_KEYS]
            assert not leaked, f"{code} {view}: message keys shown as text: {leaked}"
        page.goto(f"{live_server}/?lang={code}#/find")
        ready(page)
        search_ngos(page)
        counts[code] = page.locator(".results-heading").inner_text()
    assert counts == {
        "ar": "اقتراحان",
        "zh": "2 条推荐",
        "en": "2 suggestions",
        "fr": "2 suggestions",
        "ru": "2 рекомендации",
        "es": "2 sugerencias",
        "pt": "2 sugestões",
    }


def test_reason_codes_plurals_and_numbers_in_russian(page: Any, live_server: str) -> None:
    explanations = [
        {"code": "similar_projects", "text": "-", "params": {"count": 5}},
        {"code": "worked_with_partner", "text": "-", "params": {"partner": "Kelp Lab", "project": "Reef", "more": 3}},
        {"code": "same_country", "text": "-", "params": {"country": "FJ"}},
        {"code": "text_similarity", "text": "-", "params": {"value": 0.5}},
        {"code": "shared_sdgs", "text": "-", "params": {"sdgs": [14]}},
    ]
    match = {
        "partner_id": "ocean-ngo", "name": "Marine Classroom Trust", "type": "research_centre", "country": "AU",
        "score": 1234.5, "reasons": ["-"] * 5, "score_breakdown": {"dense": 0.5}, "explanations": explanations,
    }  # fmt: skip
    page.route("**/v1/recommendations/collaborators", lambda route: route.fulfill(json={"data": [match], "count": 1}))
    page.goto(f"{live_server}/?lang=ru")
    ready(page)
    page.locator("textarea[name='text']").fill(OCEAN)
    page.locator("form.query-form button[type='submit']").click()
    page.wait_for_selector("#find-results[aria-busy='false'] .results-heading")
    assert page.locator(".results-heading").inner_text() == "1 рекомендация"
    assert page.locator(".score strong").inner_text().replace("\u00a0", " ") == "1 234,50"
    assert page.locator("#find-results .reasons li").all_inner_texts() == [
        "работал(а) над похожими проектами (5 проектов в альянсе)",
        "работал(а) с Kelp Lab над проектом Reef (и ещё 3)",
        "тоже в стране: Фиджи",
        "сходство текста с вашим описанием: 0,50",
        "общие цели: ЦУР 14 — Сохранение морских экосистем",
    ]
    assert page.locator("#find-results .card .meta").inner_text() == "исследовательский центр · Австралия"
