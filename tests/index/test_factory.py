"""Index by scale: HNSW against exact search, tombstone deletes, the automatic choice, save/load of either kind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.embedding.base import normalize_rows
from matcher.index.base import SEARCH_DEPTH
from matcher.index.factory import AUTO_THRESHOLD, build_index, choose_kind, create_index, kind_of, load_index
from matcher.index.faiss_index import FaissIndex
from matcher.index.files import VectorsOf, fits, sync_index
from matcher.index.hnsw import EF_SEARCH_STEPS, HnswIndex
from matcher.index.recall import estimate_recall, exact_top_k, recall_at_k

DIM = 32


def clustered(n: int, seed: int, clusters: int = 40) -> np.ndarray:
    """Unit vectors around ``clusters`` fixed centres: neighbourhoods like those of text embeddings."""
    centres = normalize_rows(np.random.default_rng(1234).standard_normal((clusters, DIM)))
    rng = np.random.default_rng(seed)
    return normalize_rows(centres[rng.integers(0, clusters, n)] + 0.35 * rng.standard_normal((n, DIM)))


@pytest.fixture(scope="module")
def data() -> tuple[list[str], np.ndarray]:
    vectors = clustered(3000, seed=0)
    return [f"v{i:04d}" for i in range(len(vectors))], vectors


@pytest.fixture(scope="module")
def hnsw(data: tuple[list[str], np.ndarray]) -> HnswIndex:
    return HnswIndex(DIM).build(*data)


def exact_ids(ids: list[str], vectors: np.ndarray, queries: np.ndarray, k: int) -> list[list[str]]:
    return [[ids[r] for r in row] for row in exact_top_k(vectors, queries, k).tolist()]


def test_exact_top_k_equals_a_full_sort(data: tuple[list[str], np.ndarray]) -> None:
    _, vectors = data
    queries = clustered(7, seed=9)

    found = exact_top_k(vectors, queries, 10, chunk=256)  # several chunks: the merge across chunks is exercised

    np.testing.assert_array_equal(found, np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :10])


def test_recall_at_k_counts_shared_ids() -> None:
    assert recall_at_k([["a", "b", "c"], ["d", "x", "y"]], [["a", "b", "c"], ["d", "e", "f"]], k=3) == pytest.approx(
        (1 + 1 / 3) / 2
    )


def test_estimated_recall_counts_ties_as_hits() -> None:
    # 60 distinct vectors, each indexed 12 times (as partners who share their only project share a past-projects
    # vector): among equal vectors any is a right answer, so an exact index has recall 1 whatever its pick
    distinct = clustered(60, seed=5)
    vectors = np.repeat(distinct, 12, axis=0)
    ids = [f"d{i:03d}" for i in range(len(vectors))]
    flat = FaissIndex(DIM)
    flat.add(ids[::-1], vectors[::-1])  # inserted in reverse: its pick among ties differs from exact_top_k's

    assert estimate_recall(flat, ids, vectors) == 1.0
    queries = normalize_rows(vectors[:256:3] + vectors[37::5][:86])
    plain = recall_at_k(flat.search(queries, 10)[1], exact_ids(ids, vectors, queries, 10))
    assert plain < 0.9  # the id-matching recall charges the exact index for the ties it broke otherwise
    hnsw = HnswIndex(DIM).build(ids, vectors)  # tuned on the tie-aware estimate: the smallest beam suffices
    assert hnsw.ef_search == EF_SEARCH_STEPS[0] and hnsw.recall_at_10 is not None and hnsw.recall_at_10 >= 0.98


def in_depth(found: list[list[str]], truth: list[list[str]]) -> float:
    """Mean share of each query's true top-10 among the ids found (any order, any number)."""
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth, strict=True)]))


def test_hnsw_finds_the_exact_neighbours_among_the_ids_a_request_reads(
    hnsw: HnswIndex, data: tuple[list[str], np.ndarray]
) -> None:
    ids, vectors = data
    queries = clustered(100, seed=1)
    truth = exact_ids(ids, vectors, queries, 10)

    _, found = hnsw.search(queries, SEARCH_DEPTH)  # a request's depth: what it finds is scored again exactly

    assert hnsw.storage == "sq4" and hnsw.depth == SEARCH_DEPTH  # the defaults
    assert in_depth(found, truth) >= 0.98
    assert recall_at_k(hnsw.search(queries, 10)[1], truth) < in_depth(found, truth)  # 4 bits rank coarsely
    assert hnsw.recall_at_10 is not None and hnsw.recall_at_10 >= 0.98  # measured at the depth, tuned at build
    assert hnsw.recall_at_10 == pytest.approx(estimate_recall(hnsw, ids, vectors, depth=SEARCH_DEPTH), abs=1e-4)
    assert hnsw.describe()["ef_search"] == hnsw.ef_search and hnsw.describe()["depth"] == SEARCH_DEPTH
    assert hnsw.count() == 3000 and hnsw.kind == "faiss:HNSW32,SQ4"


def test_hnsw_with_a_fine_storage_ranks_the_exact_neighbours(data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    queries = clustered(100, seed=1)
    half = HnswIndex(DIM, storage="fp16", depth=10).build(ids, vectors)  # recall@10 measured at k = 10

    _, found = half.search(queries, 10)

    assert recall_at_k(found, exact_ids(ids, vectors, queries, 10)) >= 0.95
    assert half.recall_at_10 is not None and half.recall_at_10 >= 0.98
    assert half.recall_at_10 == pytest.approx(estimate_recall(half, ids, vectors), abs=1e-4)


def test_estimated_recall_at_a_depth_counts_the_true_top_k_among_the_returned() -> None:
    vectors = clustered(500, seed=4)
    ids = [f"r{i:03d}" for i in range(len(vectors))]
    flat = FaissIndex(DIM)
    flat.add(ids, vectors)

    class Late:  # ranks the true top-10 after the next 10: at depth 20 it returns them all, at 10 none
        def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[list[str]]]:
            scores, found = flat.search(queries, max(k, 20))
            return scores[:, :k], [(row[10:20] + row[:10] + row[20:])[:k] for row in found]

    assert estimate_recall(Late(), ids, vectors, depth=20) == 1.0  # type: ignore[arg-type]
    assert estimate_recall(Late(), ids, vectors, depth=30) == 1.0  # type: ignore[arg-type]  # never above 1
    assert estimate_recall(Late(), ids, vectors) == 0.0  # type: ignore[arg-type]


def test_with_k_vectors_or_fewer_nothing_can_be_missed() -> None:
    """An index over k vectors or fewer returns them all: recall 1.0 without a query, whatever the index answers;
    one vector more and a blind index scores 0."""
    vectors = clustered(11, seed=6)
    ids = [f"s{i:02d}" for i in range(len(vectors))]

    class Blind:  # returns nothing it was asked for
        def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[list[str]]]:
            return np.zeros((len(queries), 0), dtype=np.float32), [[] for _ in queries]

    assert estimate_recall(Blind(), ids[:10], vectors[:10]) == 1.0  # type: ignore[arg-type]
    assert estimate_recall(Blind(), ids, vectors) == 0.0  # type: ignore[arg-type]
    small = HnswIndex(DIM)
    small.add(ids[:10], vectors[:10])
    assert small.tune(ids[:10], vectors[:10]) == 1.0 and small.ef_search == EF_SEARCH_STEPS[0]


def test_hnsw_scores_are_inner_products(hnsw: HnswIndex, data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    scores, found = hnsw.search(vectors[:3], 5)

    assert [row[0] for row in found] == ids[:3]  # each vector is its own nearest neighbour
    pos = {item: i for i, item in enumerate(ids)}
    expected = [[float(vectors[q] @ vectors[pos[i]]) for i in row] for q, row in enumerate(found)]
    np.testing.assert_allclose(scores, expected, atol=0.15)  # the graph's 4-bit copies: each range in 15 steps
    half = HnswIndex(DIM, storage="fp16").build(ids[:500], vectors[:500])
    scores, found = half.search(vectors[:3], 5)
    expected = [[float(vectors[q] @ vectors[pos[i]]) for i in row] for q, row in enumerate(found)]
    np.testing.assert_allclose(scores, expected, atol=2e-3)  # float16 copies


def test_tombstoned_ids_are_never_returned_and_replacements_are(data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    index = HnswIndex(DIM, storage="fp16").build(ids[:1000], vectors[:1000])  # ranks finely: recall at k = 10
    gone = ids[:100]

    assert index.remove([*gone, "unknown"]) == 100
    assert index.remove(gone) == 0
    index.add(["v0100"], vectors[2000:2001])  # replace: the old vector of v0100 becomes a tombstone too

    assert (index.count(), index.tombstones) == (900, 101)
    assert "v0000" not in index.ids()
    _, found = index.search(vectors[:100], 10)
    assert not {i for row in found for i in row} & set(gone)
    assert all(len(row) == 10 for row in found)  # filtered inside the search: still k results
    _, found = index.search(vectors[2000:2001], 1)
    assert found == [["v0100"]]
    live_ids = [*ids[101:1000], "v0100"]
    live = np.vstack([vectors[101:1000], vectors[2000:2001]])
    _, found = index.search(vectors[500:550], 10)
    assert recall_at_k(found, exact_ids(live_ids, live, vectors[500:550], 10)) >= 0.95


def test_many_tombstones_trigger_a_rebuild(data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    index = HnswIndex(DIM).build(ids[:500], vectors[:500])

    index.remove(ids[:50])  # 10%: kept as tombstones
    assert index.tombstones == 50
    index.remove(ids[50:150])  # 30% > compact_at: the graph is rebuilt from the live vectors

    assert (index.count(), index.tombstones) == (350, 0)
    assert sorted(index.ids()) == sorted(ids[150:500])
    _, found = index.search(vectors[150:160], 1)
    assert [row[0] for row in found] == ids[150:160]
    assert index.recall_at_10 is not None and index.recall_at_10 >= 0.98


@pytest.mark.parametrize("storage", ["sq4", "sq8"])
def test_a_rebuild_keeps_the_quantized_copy_of_every_live_vector(
    storage: str, data: tuple[list[str], np.ndarray]
) -> None:
    ids, vectors = data
    index = HnswIndex(DIM, storage=storage).build(ids[:500], vectors[:500])  # type: ignore[arg-type]
    before = dict(zip(ids[:500], faiss_codes(index), strict=True))

    index.remove(ids[:150])  # 30%: rebuilt from the graph's own copies, read back

    assert index.tombstones == 0
    after = dict(zip(index.ids(), faiss_codes(index), strict=True))
    # the ranges learned from the first vectors are kept: read back, each vector encodes to its very codes
    # (learning them again from the read-back vectors moved ~60 % of 4-bit codes, at every rebuild)
    assert all(np.array_equal(after[i], before[i]) for i in ids[150:500])


def faiss_codes(index: HnswIndex) -> np.ndarray:
    """The codes of the graph's copy of the vectors, one row per slot (test helper)."""
    import faiss

    storage = faiss.downcast_index(index._index.storage)
    return faiss.vector_to_array(storage.codes).reshape(storage.ntotal, storage.code_size)


def test_hnsw_save_load_round_trip(tmp_path: Path, data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    index = HnswIndex(DIM).build(ids[:400], vectors[:400])
    index.remove(ids[:10])
    path = tmp_path / "partners.faiss"

    index.save(path)
    loaded = load_index(path)

    assert isinstance(loaded, HnswIndex)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partners.faiss", "partners.ids.json"]
    assert (loaded.count(), loaded.tombstones, loaded.ef_search) == (390, 10, index.ef_search)
    assert (loaded.recall_at_10, loaded.storage, loaded.depth) == (index.recall_at_10, "sq4", SEARCH_DEPTH)
    queries = clustered(5, seed=3)
    assert loaded.search(queries, 7)[1] == index.search(queries, 7)[1]
    loaded.add(["fresh"], vectors[:1])
    assert loaded.search(vectors[:1], 1)[1] == [["fresh"]]


def test_load_index_reads_a_flat_index_too(tmp_path: Path, data: tuple[list[str], np.ndarray]) -> None:
    flat = FaissIndex(DIM)
    flat.add(data[0][:20], data[1][:20])
    flat.save(tmp_path / "x.faiss")

    loaded = load_index(tmp_path / "x.faiss")

    assert isinstance(loaded, FaissIndex) and loaded.count() == 20 and loaded.recall_at_10 == 1.0


@pytest.mark.parametrize(
    ("setting", "n", "current", "expected"),
    [
        ("auto", 100, None, "flat"),
        ("auto", AUTO_THRESHOLD, None, "flat"),
        ("auto", AUTO_THRESHOLD + 1, None, "hnsw"),
        ("auto", AUTO_THRESHOLD + 1, "flat", "hnsw"),
        ("auto", AUTO_THRESHOLD - 1, "hnsw", "hnsw"),  # hysteresis: stays HNSW ...
        ("auto", AUTO_THRESHOLD // 2 - 1, "hnsw", "flat"),  # ... until below half the threshold
        ("flat", 10**7, None, "flat"),
        ("hnsw", 5, "flat", "hnsw"),
    ],
)
def test_choose_kind(setting: str, n: int, current: str | None, expected: str) -> None:
    assert choose_kind(setting, n, current=current) == expected  # type: ignore[arg-type]


def test_choose_kind_rejects_unknown_settings() -> None:
    with pytest.raises(ValueError, match="Unknown index setting 'ivf'; use one of: auto, flat, hnsw"):
        choose_kind("ivf", 10)  # type: ignore[arg-type]


def test_build_index_picks_by_size(data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data

    small = build_index(ids[:300], vectors[:300], threshold=500)
    big = build_index(ids[:600], vectors[:600], threshold=500)

    assert (kind_of(small), small.kind, small.count()) == ("flat", "faiss:Flat", 300)
    assert (kind_of(big), big.kind, big.count()) == ("hnsw", "faiss:HNSW32,SQ4", 600)
    assert big.recall_at_10 is not None and big.recall_at_10 >= 0.98
    assert kind_of(create_index("hnsw", DIM)) == "hnsw"


def lookup(ids: list[str], vectors: np.ndarray) -> VectorsOf:
    """What sync_index reads new vectors with: the rows of ``vectors`` for some of ``ids``."""
    pos = {item: i for i, item in enumerate(ids)}
    return lambda wanted: vectors[[pos[i] for i in wanted]]


def test_sync_index_switches_kind_when_the_catalogue_grows(data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    vectors_of = lookup(ids, vectors)
    hashes = {i: "h" for i in ids}
    flat, changed = sync_index(None, {}, dict(list(hashes.items())[:100]), vectors_of, kind="flat", dim=DIM)
    assert changed and kind_of(flat) == "flat" and flat.count() == 100

    same, changed = sync_index(
        flat, dict(list(hashes.items())[:100]), dict(list(hashes.items())[:100]), vectors_of, kind="flat", dim=DIM
    )
    assert same is flat and not changed

    grown, changed = sync_index(flat, dict(list(hashes.items())[:100]), hashes, vectors_of, kind="hnsw", dim=DIM)
    assert changed and kind_of(grown) == "hnsw" and grown.count() == 3000
    assert grown.recall_at_10 is not None and grown.recall_at_10 >= 0.98

    edited = dict(hashes, v0001="h2")
    updated, changed = sync_index(grown, hashes, edited, vectors_of, kind="hnsw", dim=DIM)
    assert updated is grown and changed and isinstance(updated, HnswIndex) and updated.tombstones == 1


def test_sync_index_rebuilds_an_hnsw_index_of_another_storage(data: tuple[list[str], np.ndarray]) -> None:
    ids, vectors = data
    vectors_of = lookup(ids, vectors)
    hashes = {i: "h" for i in ids}
    half, _ = sync_index(None, {}, hashes, vectors_of, kind="hnsw", dim=DIM)
    assert isinstance(half, HnswIndex) and half.storage == "sq4"  # the default
    same, changed = sync_index(half, hashes, hashes, vectors_of, kind="hnsw", dim=DIM, storage="sq4")
    assert same is half and not changed

    byte, changed = sync_index(half, hashes, hashes, vectors_of, kind="hnsw", dim=DIM, storage="sq8")

    assert changed and byte is not half and isinstance(byte, HnswIndex)
    assert byte.describe()["storage"] == "sq8" and byte.kind == "faiss:HNSW32,SQ8" and byte.count() == 3000
    assert byte.nbytes()["vectors"] == 3000 * DIM  # one byte a value, twice sq4's
    assert byte.recall_at_10 is not None and byte.recall_at_10 >= 0.98  # tuned like any build
    assert half.nbytes()["vectors"] == 3000 * DIM // 2
    queries = clustered(20, seed=11)
    assert in_depth(byte.search(queries, SEARCH_DEPTH)[1], exact_ids(ids, vectors, queries, 10)) >= 0.98


def test_an_index_fits_its_kind_and_for_hnsw_its_storage() -> None:
    flat, half = create_index("flat", DIM), create_index("hnsw", DIM, storage="fp16")
    assert fits(flat, "flat", "sq8")  # exact search has no storage to keep
    assert not fits(flat, "hnsw", "fp16")
    assert fits(half, "hnsw", "fp16") and not fits(half, "hnsw", "sq8") and not fits(half, "flat", "fp16")
    assert fits(create_index("hnsw", DIM), "hnsw", "sq4")  # the default storage


@pytest.mark.parametrize("storage", ["sq4", "sq8"])
def test_a_chunked_build_learns_the_ranges_and_codes_a_whole_array_gives(
    storage: str, data: tuple[list[str], np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quantizer trained on each dimension's minimum and maximum learns what FAISS learns from every vector, and
    vectors read a chunk at a time get the very codes."""
    import faiss

    from matcher.index import hnsw as hnsw_module
    from matcher.rows import RowsOf

    ids, vectors = data
    whole = faiss.IndexScalarQuantizer(DIM, getattr(faiss.ScalarQuantizer, f"QT_{storage[2:]}bit"))
    whole.train(vectors)
    expected = faiss.vector_to_array(whole.sq.trained)
    codes = whole.sa_encode(vectors)

    monkeypatch.setattr(hnsw_module, "ADD_CHUNK", 700)  # 3,000 vectors: five chunks, the last one short
    rows = RowsOf(vectors, np.arange(len(vectors)))  # rows that are not an array, read when indexed
    index = HnswIndex(DIM, storage=storage).build(ids, rows)  # type: ignore[arg-type]

    np.testing.assert_array_equal(index._trained_ranges(), expected)
    np.testing.assert_array_equal(faiss_codes(index), codes)
    assert sorted(index.ids()) == sorted(ids) and index.recall_at_10 is not None and index.recall_at_10 >= 0.95


def test_recall_is_the_same_estimated_from_rows_read_when_indexed(
    hnsw: HnswIndex, data: tuple[list[str], np.ndarray]
) -> None:
    from matcher.rows import RowsOf

    ids, vectors = data
    order = np.random.default_rng(2).permutation(len(ids))
    view = RowsOf(vectors, order)
    shuffled = [ids[i] for i in order]
    assert estimate_recall(hnsw, shuffled, view, depth=SEARCH_DEPTH) == estimate_recall(  # type: ignore[arg-type]
        hnsw, shuffled, vectors[order], depth=SEARCH_DEPTH
    )
    np.testing.assert_array_equal(np.asarray(view), vectors[order])
    np.testing.assert_array_equal(view[5:9], vectors[order[5:9]])
    np.testing.assert_array_equal(view[[3, 0]], vectors[order[[3, 0]]])
    assert view.shape == vectors.shape and len(view) == len(vectors)


def test_tuning_searches_exactly_once_whatever_the_beams_it_tries(
    data: tuple[list[str], np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.index import recall as recall_module

    ids, vectors = data
    calls: list[int] = []
    exact = recall_module.exact_top_k
    monkeypatch.setattr(recall_module, "exact_top_k", lambda *a, **kw: calls.append(1) or exact(*a, **kw))
    index = HnswIndex(DIM, depth=10)
    index.add(ids[:1000], vectors[:1000])
    recall = index.tune(ids[:1000], vectors[:1000], target_recall=1.01)  # never reached: every beam is tried
    assert index.ef_search == EF_SEARCH_STEPS[-1] and len(calls) == 1
    assert recall == estimate_recall(index, ids[:1000], vectors[:1000], depth=10)
