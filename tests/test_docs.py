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
    assert "make test" in README and "make test" in ci
    assert "make setup" in README and "make setup" in ci
