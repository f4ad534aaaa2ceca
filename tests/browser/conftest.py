"""Browser fixtures: the service on a free port (uvicorn in a thread) and headless Chromium driven by Playwright.

Chromium is Debian's ``chromium`` package at /usr/bin/chromium (``apt-get install -y chromium chromium-driver``);
Playwright only drives it (``playwright install`` is never used). Without it, every browser test is skipped with that
reason, unless ``MATCHER_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then a missing browser fails them. Each test's
page fails on an uncaught JavaScript error or a request that leaves the service (the page must work offline).
Screenshots go to ``artifacts/screenshots/`` (gitignored).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from matcher.embedding.base import Embedder
from matcher.engine import Matcher
from tests.conftest import make_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DOC_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"  # kept in git, shown by the README
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
API_KEY = "browser-test-key"
LOCAL = "http://127.0.0.1:"  # every service of these tests; the page must request nothing else


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium, or a skip that says how to get it (checked before anything expensive is loaded); a failure
    instead of the skip with ``MATCHER_REQUIRE_BROWSER=1`` (CI)."""
    missing = pytest.fail if os.environ.get("MATCHER_REQUIRE_BROWSER") == "1" else pytest.skip
    if not CHROMIUM.exists():
        missing(
            f"headless Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium chromium-driver` "
            "(Playwright drives the system browser; `playwright install` is never used)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("the `playwright` Python package is missing: `pip install -e '.[dev]'`")
    return CHROMIUM


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve(tiny_home: Path, home: Path, embedder: Embedder, *, themes: bool = False, **settings: Any) -> Iterator[str]:
    """Serve a private copy of the tiny alliance (``settings`` override the defaults; ``themes`` fits them first) with
    uvicorn in a background thread; yields the base URL once /v1/health answers."""
    import uvicorn

    from service.app import create_app

    shutil.copytree(tiny_home, home)
    matcher = Matcher(make_settings(home).model_copy(update=settings), embedder=embedder).open()
    if themes:
        from matcher.themes_fit import ensure_themes

        ensure_themes(matcher)
    app = create_app(matcher.settings, matcher=matcher)
    sock = _free_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"the service did not answer {base}/v1/health within 60 s")
            time.sleep(0.1)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        matcher.close()


@pytest.fixture(scope="session")
def live_server(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory, tiny_home: Path, embedder: Embedder
) -> Iterator[str]:
    """The service over the tiny alliance, shared by the read-only tests (writes need a key, which they lack)."""
    with serve(tiny_home, tmp_path_factory.mktemp("browser") / "home", embedder) as base:
        yield base


@pytest.fixture
def own_server(
    chromium_path: Path, tmp_path: Path, tiny_home: Path, embedder: Embedder
) -> Iterator[Callable[..., str]]:
    """``own_server(read_requires_key=False, themes=False)`` starts a service of its own over the tiny alliance, which
    takes writes with ``API_KEY``; it stops at the end of the test."""
    with ExitStack() as stack:
        homes = itertools.count()

        def start(*, read_requires_key: bool = False, themes: bool = False) -> str:
            home = tmp_path / f"home-{next(homes)}"
            keys = {"api_keys": [SecretStr(API_KEY)], "read_requires_key": read_requires_key}
            return stack.enter_context(serve(tiny_home, home, embedder, themes=themes, **keys))

        yield start


@dataclass(frozen=True)
class KeyedServer:
    """A service that takes writes with ``API_KEY`` and knows partner keys: ``keys[partner_id]`` is that partner's."""

    base: str
    keys: dict[str, str]


@pytest.fixture
def keyed_server(chromium_path: Path, tmp_path: Path, tiny_home: Path, embedder: Embedder) -> Iterator[KeyedServer]:
    """A service of its own over the tiny alliance with partner keys for ocean-lab and the hidden ocean-hidden (made
    in the store before it starts, as ``matcher keys create --partner`` does) and the admin key ``API_KEY``."""
    from matcher.store.keys import KeyRing
    from matcher.store.repository import Store

    template = tmp_path / "template"
    shutil.copytree(tiny_home, template)
    store = Store(make_settings(template).store_url)
    try:
        ring = KeyRing(store.sessions)
        keys = {partner: ring.create("partner", partner).token for partner in ("ocean-lab", "ocean-hidden")}
    finally:
        store.close()
    with serve(template, tmp_path / "home", embedder, api_keys=[SecretStr(API_KEY)]) as base:
        yield KeyedServer(base, keys)


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageProbe:
    """What a page did that a test must not allow: uncaught errors and requests leaving the service."""

    def __init__(self, base: str = LOCAL) -> None:
        self.base = base
        self.errors: list[str] = []
        self.external: list[str] = []

    def on_request(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:")):
            self.external.append(url)


def _open_page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, locale="en-GB", device_scale_factor=1)
    context.set_default_timeout(30_000)  # a loaded 2-core CI machine can take over 15 s to answer
    page = context.new_page()
    probe = PageProbe()
    page.on("pageerror", lambda error: probe.errors.append(str(error)))
    page.on("request", probe.on_request)
    page.probe = probe
    yield page
    context.close()
    assert not probe.errors, f"uncaught JavaScript errors: {probe.errors}"
    assert not probe.external, f"the page requested files outside the service (must work offline): {probe.external}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized page (own cookies and storage)."""
    yield from _open_page(browser, DESKTOP)


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A fresh phone-sized page (390 x 844 CSS pixels)."""
    yield from _open_page(browser, PHONE)


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, "name")`` keeps ``artifacts/screenshots/name.png``: the whole page, or only what is in view
    with ``full_page=False`` (for an open dialog, whose backdrop covers only the viewport); ``docs=True`` keeps it in
    ``docs/screenshots/`` instead, for the README."""

    def take(page: Any, name: str, *, full_page: bool = True, docs: bool = False) -> Path:
        folder = DOC_SCREENSHOTS if docs else SCREENSHOTS
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def choose(page: Any, picker: str, text: str, option: str) -> None:
    """Choose ``option`` in the search-as-you-type picker whose input is ``#picker``, by keyboard: type ``text``, wait
    for the option, move to it with the arrow keys and press Enter. The field is focused, not clicked: a click opens
    the unfiltered first page, whose options the answer for ``text`` then replaces while the arrows are pressed (on a
    loaded machine the Enter then chose nothing)."""
    field = page.locator(f"#{picker}")
    field.focus()
    field.fill(text)
    listbox = page.locator(f"#{picker}-listbox")
    listbox.locator("[role='option']", has_text=option).first.wait_for()
    names = listbox.locator("[role='option'] .combo-label").all_inner_texts()
    for _ in range(names.index(option) + 1):
        field.press("ArrowDown")
    field.press("Enter")


def expect(target: Any) -> Any:
    """Playwright's ``expect`` (it waits until the assertion holds), imported when used: without Playwright, the
    browser tests are skipped by ``chromium_path`` rather than failing to import."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)
