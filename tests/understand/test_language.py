"""Language detection from function words: known sentences, and accuracy on Tatoeba (skipped without the data)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from matcher.understand import detect_language, stop_words, stop_words_for

TATOEBA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "tatoeba"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Nous accompagnons les enseignants dans les écoles rurales avec des formations.", "fr"),
        ("Colectivo de jóvenes: hacemos talleres en colegios sobre el cuidado del agua y los glaciares.", "es"),
        ("Formamos professores em escolas públicas para a educação ambiental.", "pt"),
        ("Wir bilden Lehrkräfte in den Schulen der Region aus.", "de"),
        ("Formiamo gli insegnanti nelle scuole della regione.", "it"),
        ("We run ocean literacy clubs for the schools of our island and the teachers.", "en"),
        ("Ocean literacy", None),
        ("مدارس في غرب أفريقيا", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_stop_words_per_language() -> None:
    assert {"the", "and", "run"} <= stop_words("en")
    assert {"les", "de", "dans"} <= stop_words("fr") and "ecoles" not in stop_words("fr")
    assert {"de", "la", "y"} <= stop_words("es")
    assert "nao" in stop_words("pt")  # folded: "não"
    assert {"research", "ocean", "school"}.isdisjoint(stop_words_for(["en", "fr", "es", "pt", "de", "it", "nl"]))
    with pytest.raises(ValueError, match="no stop words for language 'xx'; supported: de, en, es, fr, it, nl, pt"):
        stop_words("xx")


# Measured 2026-11-30 (1,000 sentences each; None = "cannot tell", not counted as right):
#   fra 0.951, spa 0.876, por 0.808, deu 0.981, eng 0.929 right; wrong language at most 0.035 (por read as spa).
#   For comparison, py3langid 0.4 restricted to the same 7 languages: 0.979-1.000 right, 0.5 ms a sentence and a 3 s
#   load; this detector needs no model and abstains rather than errs on short sentences.
EXPECTED = {"fra": ("fr", 0.93), "spa": ("es", 0.85), "por": ("pt", 0.78), "deu": ("de", 0.96), "eng": ("en", 0.9)}


@pytest.mark.skipif(not TATOEBA.is_dir(), reason="needs ../shared/datasets/tatoeba (not in a fresh clone)")
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_tatoeba_accuracy(code: str) -> None:
    language, floor = EXPECTED[code]
    path = TATOEBA / ("fra-eng.eng" if code == "eng" else f"{code}-eng.{code}")
    lines = path.read_text(encoding="utf-8").splitlines()
    got = Counter(detect_language(line) for line in lines)
    right = got[language] / len(lines)
    wrong = (len(lines) - got[language] - got[None]) / len(lines)
    assert right >= floor and wrong <= 0.04, (right, wrong, got.most_common(4))
