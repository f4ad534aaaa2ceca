"""``auto``'s measured choice between OpenVINO bf16 and ONNX Runtime: the faster one, kept for the export's life, the
first recorded choice standing for every process, a home embedded before the measurement keeping its backend."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from matcher.embedding.base import Embedder
from matcher.embedding.choice import (
    CHOICE_DIRECTORY,
    CHOICE_FILE,
    calibration_texts,
    choose_backend,
    keep_choice,
    read_choice,
    workload_seconds,
)

CANDIDATES = ("openvino", "onnx")


class Named:
    """An embedder that only records its calls; ``seconds`` is what a measure of it reports."""

    def __init__(self, backend: str, seconds: float) -> None:
        self.name, self.dim, self.seconds = f"model:{backend}", 4, seconds
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        return np.ones((len(texts), self.dim), dtype=np.float32) / 2


def builder(seconds: dict[str, float]) -> tuple[dict[str, Named], object]:
    made: dict[str, Named] = {}

    def make(backend: str) -> Embedder:
        made[backend] = Named(backend, seconds[backend])
        return made[backend]

    return made, make


def measured(embedder: Embedder) -> float:
    assert isinstance(embedder, Named)
    return embedder.seconds


def never(backend: str) -> Embedder:
    raise AssertionError(f"{backend} built although a choice is kept")


@pytest.mark.parametrize(
    ("seconds", "faster"), [({"openvino": 0.9, "onnx": 0.8}, "onnx"), ({"openvino": 0.4, "onnx": 0.8}, "openvino")]
)
def test_the_faster_backend_is_chosen_kept_and_read_back_without_measuring(
    tmp_path: Path, seconds: dict[str, float], faster: str
) -> None:
    made, make = builder(seconds)

    backend, embedder = choose_backend(tmp_path, CANDIDATES, make, measure=measured)  # type: ignore[arg-type]

    assert backend == faster and embedder is made[faster]
    assert sorted(made) == ["onnx", "openvino"]
    assert all(e.calls == [1] for e in made.values())  # one warm-up call each before the timed rounds
    assert json.loads((tmp_path / CHOICE_DIRECTORY / CHOICE_FILE).read_text()) == {
        "backend": faster,
        "seconds": seconds,
    }
    assert choose_backend(tmp_path, CANDIDATES, never) == (faster, None)


def test_a_home_embedded_before_the_measurement_keeps_its_backend(tmp_path: Path) -> None:
    assert choose_backend(tmp_path, CANDIDATES, never, used_before="openvino") == ("openvino", None)
    assert read_choice(tmp_path, CANDIDATES) == "openvino"
    assert json.loads((tmp_path / CHOICE_DIRECTORY / CHOICE_FILE).read_text()) == {
        "backend": "openvino",
        "seconds": None,
    }


def test_the_first_recorded_choice_stands_for_every_process(tmp_path: Path) -> None:
    assert keep_choice(tmp_path, "onnx", CANDIDATES, {"openvino": 2.0, "onnx": 1.0}) == "onnx"
    assert keep_choice(tmp_path, "openvino", CANDIDATES, {"openvino": 1.0, "onnx": 2.0}) == "onnx"
    assert read_choice(tmp_path, CANDIDATES) == "onnx"
    assert [p.name for p in tmp_path.iterdir()] == [CHOICE_DIRECTORY]  # no temporary directory left
    assert [p.name for p in (tmp_path / CHOICE_DIRECTORY).iterdir()] == [CHOICE_FILE]


@pytest.mark.parametrize("content", ["{not json", '{"backend": "torch"}', '["onnx"]', '{"other": 1}'])
def test_an_unreadable_choice_is_measured_again_and_replaced(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / CHOICE_DIRECTORY).mkdir()
    (tmp_path / CHOICE_DIRECTORY / CHOICE_FILE).write_text(content)
    _, make = builder({"openvino": 0.4, "onnx": 0.8})

    with caplog.at_level(logging.WARNING, logger="matcher.embedding.choice"):
        backend, _ = choose_backend(tmp_path, CANDIDATES, make, measure=measured)  # type: ignore[arg-type]

    assert backend == "openvino"
    assert f"Ignoring {tmp_path / CHOICE_DIRECTORY / CHOICE_FILE}" in caplog.text
    assert read_choice(tmp_path, CANDIDATES) == "openvino"


def test_the_workload_embeds_documents_in_one_batch_then_each_query_alone() -> None:
    documents, queries = calibration_texts()
    embedder = Named("onnx", 0.0)

    assert workload_seconds(embedder, documents, queries) >= 0
    assert embedder.calls == [16, *([1] * 8)]
    assert {len(d.split()) for d in documents} == {120} and {len(q.split()) for q in queries} == {25}
    assert calibration_texts() == (documents, queries)  # the same texts on every machine
