"""The README documents every setting and every endpoint (datasette does the same for its settings)."""

from __future__ import annotations

import re
from pathlib import Path

from matcher.settings import Settings
from service.app import create_app

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [f"MATCHER_{name.upper()}" for name in Settings.model_fields if f"`MATCHER_{name.upper()}`" not in README]
    assert missing == [], f"document these settings in README.md: {missing}"


def test_every_endpoint_is_documented_in_the_readme() -> None:
    app = create_app(Settings())
    documented = {
        (method, re.sub(r"\{[^}]+\}", "{}", path))
        for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/v1/[^`?\s]*)", README)
    }
    missing = [
        f"{method.upper()} {path}"
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/v1")
        for method in operations
        if (method.upper(), re.sub(r"\{[^}]+\}", "{}", path)) not in documented
    ]
    assert sorted(missing) == [], f"document these endpoints in README.md: {sorted(missing)}"


def test_the_readme_test_command_is_what_ci_runs() -> None:
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    commands = [line.split("#")[0].strip() for line in ci.splitlines() if line.startswith("make ")]
    assert "make run" in README and "make test" in README
    assert commands == ["make test"]  # the README's test command, which sets itself up: nothing else
    assert "MATCHER_REQUIRE_BROWSER=1" in ci  # browser tests fail, not skip, in CI


def test_make_run_and_test_set_themselves_up_once() -> None:
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    assert re.search(r"^\$\(STAMP\): pyproject\.toml$", makefile, re.M)
    assert re.search(r"^run: \$\(STAMP\)$", makefile, re.M) and re.search(r"^test: \$\(STAMP\)$", makefile, re.M)
