"""The web page, server side: `/`, `/static`, `GET /v1/catalog/summary`; the page's texts in every language."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from matcher.vocab import ACTOR_TYPES, SDG_NAMES
from service.routes.web import STATIC_DIR, shorten

I18N = STATIC_DIR / "i18n"


def test_index_is_the_page_with_a_same_origin_only_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert '<main id="main"' in response.text
    assert client.head("/").status_code == 200


def test_the_page_refers_only_to_files_of_the_service() -> None:
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    css = (STATIC_DIR / "css" / "app.css").read_text(encoding="utf-8")
    urls = re.findall(r'(?:src|href)="([^"#]+)"', html) + re.findall(r"url\((?!#)([^)]+)\)", css)
    assert urls, "index.html should load its stylesheet and script"
    assert all(url.startswith("/static/") for url in urls), urls
    assert "@import" not in css and "@font-face" not in css


def test_static_files_are_served(client: TestClient) -> None:
    script = client.get("/static/js/app.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert client.get("/static/i18n/fr.json").json()["nav.find"] == "Trouver des partenaires"
    assert client.get("/static/nope.js").status_code == 404


def test_catalog_summary_lists_groups_and_vocabularies(client: TestClient) -> None:
    body = client.get("/v1/catalog/summary").json()  # partners and projects: tests/service/test_catalog_search.py
    assert [g["id"] for g in body["action_groups"]] == ["teachers-for-the-planet", "youth-empowerment"]
    assert body["actor_types"] == ACTOR_TYPES
    assert body["sdgs"] == {str(k): v for k, v in SDG_NAMES.items()}


def test_shorten_cuts_at_a_word_and_says_so() -> None:
    assert shorten("  short   text ") == "short text"
    long = "word " * 100
    cut = shorten(long, 23)
    assert cut == "word word word word…"
    assert len(cut) <= 24


def _messages(code: str) -> dict[str, str]:
    return json.loads((I18N / f"{code}.json").read_text(encoding="utf-8"))


def test_every_text_the_scripts_use_exists() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(STATIC_DIR / "js").rglob("*.js"))
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    keys = set(re.findall(r'\bt\("([\w.]+)"', source)) | set(re.findall(r'data-i18n="([\w.]+)"', html))
    keys |= set(re.findall(r':([\w.]+)"', " ".join(re.findall(r'data-i18n-attr="[^"]+"', html))))
    plural = {f"{k}.other" for k in re.findall(r'\btn\("([\w.]+)"', source)}
    messages = _messages("en")
    assert len(keys) > 50
    assert not (keys | plural) - set(messages), sorted((keys | plural) - set(messages))
    kinds = {f"kind.{k}" for k in ACTOR_TYPES} | {f"sdg.{g}" for g in SDG_NAMES}
    assert kinds <= set(messages)
