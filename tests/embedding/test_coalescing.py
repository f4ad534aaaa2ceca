"""CoalescingEmbedder: concurrent small calls share one inference, each caller gets its own vectors back."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from matcher.embedding.base import Embedder
from matcher.embedding.coalescing import CoalescingEmbedder, alone, alone_in_this_thread
from tests.embedding.contract import EmbedderContract
from tests.store.support import HashEmbedder


class GatedEmbedder:
    """Vector of a text = one-hot of its number (texts are "t<number>"); the first call waits for ``gate``."""

    name = "gated"
    dim = 64

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls: list[list[str]] = []
        self.fail_on: str | None = None

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            assert self.gate.wait(10), "the test never opened the gate"
        if self.fail_on in texts:
            raise RuntimeError(f"cannot embed {self.fail_on}")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, int(text[1:])] = 1.0
        return out


def wait_until(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_calls_arriving_during_an_inference_run_as_one_batch_and_get_their_own_vectors() -> None:
    inner = GatedEmbedder()
    embedder = CoalescingEmbedder(inner)
    with ThreadPoolExecutor(8) as pool:
        first = pool.submit(embedder.encode, ["t0"])
        wait_until(lambda: len(inner.calls) == 1)  # t0 is running (held at the gate)
        rest = [pool.submit(embedder.encode, [f"t{i}", f"t{i + 20}"]) for i in range(1, 8)]
        wait_until(lambda: embedder.waiting == 7)  # all seven wait behind it
        inner.gate.set()
        results = [first.result(10)] + [f.result(10) for f in rest]

    assert len(inner.calls) == 2, inner.calls  # t0 alone, then the seven others merged
    assert sorted(inner.calls[1]) == sorted(f"t{i}" for k in range(1, 8) for i in (k, k + 20))
    assert embedder.batches_run == 2 and embedder.calls_served == 8
    assert np.argmax(results[0], axis=1).tolist() == [0]
    for k, vectors in enumerate(results[1:], start=1):
        assert vectors.shape == (2, 64)
        assert np.argmax(vectors, axis=1).tolist() == [k, k + 20]


def test_a_lone_call_runs_at_once_and_large_calls_bypass_the_queue() -> None:
    inner = GatedEmbedder()
    inner.gate.set()
    embedder = CoalescingEmbedder(inner, max_texts=4)
    assert np.argmax(embedder.encode(["t3"]), axis=1).tolist() == [3]
    big = [f"t{i}" for i in range(10)]
    assert np.argmax(embedder.encode(big), axis=1).tolist() == list(range(10))
    assert inner.calls == [["t3"], big]
    assert embedder.batches_run == 1  # the big call did not go through the queue
    assert embedder.encode([]).shape == (0, 64)


def test_a_thread_marked_alone_neither_waits_behind_nor_joins_the_queue() -> None:
    inner = GatedEmbedder()
    embedder = CoalescingEmbedder(inner)

    def background(texts: list[str]) -> np.ndarray:
        alone_in_this_thread()
        assert alone()
        return embedder.encode(texts)

    with ThreadPoolExecutor(3) as pool, ThreadPoolExecutor(1) as writer:
        first = pool.submit(embedder.encode, ["t0"])
        wait_until(lambda: len(inner.calls) == 1)  # t0 is running (held at the gate)
        queued = pool.submit(embedder.encode, ["t1"])
        wait_until(lambda: embedder.waiting == 1)
        # the marked thread runs its own call at once, while t0 runs and t1 waits, and t1 does not join it
        assert np.argmax(writer.submit(background, ["t7"]).result(10), axis=1).tolist() == [7]
        assert inner.calls == [["t0"], ["t7"]] and embedder.waiting == 1
        inner.gate.set()
        assert [int(np.argmax(f.result(10))) for f in (first, queued)] == [0, 1]
        assert writer.submit(alone).result(10)  # the mark stays with the thread
    assert inner.calls == [["t0"], ["t7"], ["t1"]]
    assert embedder.batches_run == 2 and not alone()  # the marked call was not a batch; this thread is unmarked


def test_merged_batches_respect_max_texts() -> None:
    inner = GatedEmbedder()
    embedder = CoalescingEmbedder(inner, max_texts=4)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(embedder.encode, ["t0"])
        wait_until(lambda: len(inner.calls) == 1)
        rest = [pool.submit(embedder.encode, [f"t{i}"]) for i in range(1, 6)]
        wait_until(lambda: embedder.waiting == 5)
        inner.gate.set()
        assert [int(np.argmax(f.result(10))) for f in [first, *rest]] == [0, 1, 2, 3, 4, 5]
    assert [len(c) for c in inner.calls] == [1, 4, 1]


def test_an_error_reaches_every_caller_of_the_batch_and_the_next_call_works() -> None:
    inner = GatedEmbedder()
    inner.fail_on = "t2"
    embedder = CoalescingEmbedder(inner)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(embedder.encode, ["t0"])
        wait_until(lambda: len(inner.calls) == 1)
        failing = [pool.submit(embedder.encode, [f"t{i}"]) for i in (1, 2)]
        wait_until(lambda: embedder.waiting == 2)
        inner.gate.set()
        assert int(np.argmax(first.result(10))) == 0
        for future in failing:
            with pytest.raises(RuntimeError, match="cannot embed t2"):
                future.result(10)
    assert int(np.argmax(embedder.encode(["t5"]))) == 5


class GatedModel:
    """The real model; its first call waits for ``gate`` (so the next calls queue up and run merged)."""

    def __init__(self, model: Embedder) -> None:
        self.model, self.name, self.dim = model, model.name, model.dim
        self.gate = threading.Event()
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            assert self.gate.wait(10)
        return self.model.encode(texts, batch_size=batch_size)


def test_same_vectors_as_the_real_model_alone(embedder: Embedder) -> None:
    """Merged texts of different lengths are padded together; the model masks padding, so vectors do not move."""
    texts = ["ocean literacy", "a much longer description of a school garden network in rural Senegal and Peru"]
    alone = np.stack([embedder.encode([t])[0] for t in texts])
    inner = GatedModel(embedder)
    wrapper = CoalescingEmbedder(inner)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(wrapper.encode, ["warm-up"])
        wait_until(lambda: len(inner.calls) == 1)
        merged = [pool.submit(wrapper.encode, [t]) for t in texts]
        wait_until(lambda: wrapper.waiting == 2)
        inner.gate.set()
        first.result(10)
        together = np.concatenate([f.result(10) for f in merged])

    assert sorted(inner.calls[1]) == sorted(texts)  # the two calls ran as one batch
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert wrapper.name == embedder.name and wrapper.dim == embedder.dim


class TestCoalescingEmbedder(EmbedderContract):
    @pytest.fixture
    def subject(self) -> CoalescingEmbedder:
        return CoalescingEmbedder(HashEmbedder(), max_texts=2)


def test_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError, match="wrap it"):
        CoalescingEmbedder(GatedEmbedder()).encode("t1")
