"""The web page's message files (service/static/i18n/*.json): every language has every key of the English file, with
the same ``{placeholders}``, and every plural category its language needs (CLDR, read through Babel); every reason code
the README documents, every actor kind and every SDG has a message. No browser needed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel import Locale

from matcher.vocab import ACTOR_TYPES, SDG_NAMES

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "service" / "static" / "i18n"
MANIFEST = json.loads((I18N / "index.json").read_text(encoding="utf-8"))
LANGUAGES = sorted(MANIFEST["languages"])
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLURAL_SUFFIX = re.compile(r"\.(zero|one|two|few|many|other)$")


def messages(code: str) -> dict[str, str]:
    return json.loads((I18N / f"{code}.json").read_text(encoding="utf-8"))


ENGLISH = messages(MANIFEST["default"])
#: plural messages are ``base.one``, ``base.other``...: bases have both forms in English (``kind.other`` is a kind)
PLURAL_BASES = {
    key.removesuffix(".other") for key in ENGLISH if key.endswith(".other") and key[:-6] + ".one" in ENGLISH
}
SINGULAR = [key for key in ENGLISH if PLURAL_SUFFIX.sub("", key) not in PLURAL_BASES]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def plural_categories(code: str) -> set[str]:
    """The CLDR plural categories of a language (Intl.PluralRules in the browser picks among the same)."""
    return set(Locale.parse(code).plural_form.tags) | {"other"}


def test_the_manifest_lists_the_six_un_languages_and_portuguese_each_with_a_file() -> None:
    assert set(LANGUAGES) == {"ar", "zh", "en", "fr", "ru", "es", "pt"}
    assert {path.stem for path in I18N.glob("*.json")} - {"index"} == set(LANGUAGES)
    assert MANIFEST["default"] == "en"
    assert MANIFEST["rtl"] == ["ar"]


def test_plural_categories_come_from_cldr() -> None:
    assert plural_categories("ar") == {"zero", "one", "two", "few", "many", "other"}
    assert plural_categories("ru") == {"one", "few", "many", "other"}
    assert plural_categories("zh") == {"other"}


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_key_is_there_with_the_same_placeholders_as_english(code: str) -> None:
    words = messages(code)
    missing = [key for key in SINGULAR if key not in words]
    assert not missing, f"{code}.json lacks {missing}"
    different = {
        key: (sorted(placeholders(words[key])), sorted(placeholders(ENGLISH[key])))
        for key in SINGULAR
        if placeholders(words[key]) != placeholders(ENGLISH[key])
    }
    assert not different, f"{code}.json: placeholders differ from English (theirs, English's): {different}"
    empty = [key for key, text in words.items() if not isinstance(text, str) or not text.strip()]
    assert not empty, f"{code}.json has empty messages: {empty}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_plural_has_the_categories_of_its_language(code: str) -> None:
    words = messages(code)
    needed = plural_categories(code)
    for base in sorted(PLURAL_BASES):
        forms = {m.group(1) for key in words if (m := PLURAL_SUFFIX.search(key)) and key[: m.start()] == base}
        assert needed <= forms, f"{code}.json: {base} lacks the plural forms {sorted(needed - forms)}"
        english = placeholders(ENGLISH[f"{base}.other"])
        assert placeholders(words[f"{base}.other"]) == english, f"{code}.json: {base}.other placeholders"
        for form in forms:  # a form may leave the number out ("اقتراحان", two suggestions), never add one
            extra = placeholders(words[f"{base}.{form}"]) - english
            assert not extra, f"{code}.json: {base}.{form} has placeholders English lacks: {extra}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_stale_keys_and_the_text_is_translated(code: str) -> None:
    words = messages(code)
    stale = [key for key in words if key not in ENGLISH and PLURAL_SUFFIX.sub("", key) not in PLURAL_BASES]
    assert not stale, f"{code}.json has keys English does not: {stale}"
    if code == "en":
        return
    # names (the app's, "SDG {n}"), codes and a few words may be equal; most of a translation is not
    same = [key for key in SINGULAR if words[key] == ENGLISH[key]]
    assert len(same) <= 0.05 * len(SINGULAR), f"{code}.json: {len(same)} messages are still in English: {same}"


def test_every_documented_reason_code_every_kind_and_every_sdg_has_a_message() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("`worked_with_you {") :].split("\n\n", 1)[0]
    codes = re.findall(r"`(\w+) \{[\w,\s]*\}`", paragraph)
    assert {"worked_with_you", "shared_sdgs", "same_country", "past_partners_in_group", "as_asked"} <= set(codes)
    missing = [code for code in codes if f"reason.{code}" not in ENGLISH and f"reason.{code}" not in PLURAL_BASES]
    assert not missing, f"reason codes documented in the README without a message: {missing}"
    assert [key for key in ACTOR_TYPES if f"kind.{key}" not in ENGLISH] == []
    assert [goal for goal in SDG_NAMES if f"sdg.{goal}" not in ENGLISH] == [] and len(SDG_NAMES) == 17


def test_every_m49_region_of_the_service_has_a_name_in_every_language() -> None:
    m49 = pytest.importorskip("matcher.m49", reason="the service's M49 table (matcher.m49) is absent")
    missing = [code for code in m49.codes() if f"region.{code}" not in ENGLISH]
    assert not missing, f"M49 regions without a name in en.json: {missing}"
    assert ENGLISH["region.011"] == "Western Africa"
    assert messages("fr")["region.011"] == "Afrique occidentale"
    assert messages("ar")["region.011"] == "غرب أفريقيا"
