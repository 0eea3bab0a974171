"""Fine-tuning the local sentence model into a feedback-kind classifier (part of the `ml` extra).

The workspace's logistic regression (``core.text.classify``) reads the frozen model's sentence vectors. Once a
workspace has a few hundred labelled examples, teaching the transformer itself what the workspace means by each
kind does better: low-rank adapters (LoRA, Hu et al. 2021) on every linear layer of all-MiniLM-L6-v2, its layer
norms and a classification head on the mean-pooled tokens are trained with cross-entropy (label smoothing 0.1),
while the 22 M pretrained weights stay as shipped. A tuned model is ``members`` such adapters trained from
different seeds; its class probabilities are their mean. Each member is about 0.7 M numbers, so a tuned model
fits in the database (a few MB) instead of being a copy of the transformer.

LoRA is written out here (a dozen lines) rather than taken from ``peft``, which would bring ``accelerate`` and
more for the same arithmetic. Training runs in bfloat16 autocast where the CPU multiplies it natively.
"""

from __future__ import annotations

import copy
import io
import json
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tradeoff.embeddings import ModelEmbedder
from tradeoff.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]

# linear layers of a BERT block that get adapters: attention q/k/v and output, feed-forward in and out
_TARGETS = (("attention.self", "query"), ("attention.self", "key"), ("attention.self", "value"),
            ("attention.output", "dense"), ("intermediate", "dense"), ("output", "dense"))


@dataclass(frozen=True)
class TuneSettings:
    """How a tuned kind model is trained. Rates are per step of AdamW; lengths are in tokens."""

    members: int = 3  # adapters trained from different seeds; predictions average them
    rank: int = 16  # LoRA rank
    alpha: float = 32.0  # LoRA scale numerator (update = alpha / rank * B @ A)
    epochs: int = 5
    learning_rate: float = 1e-3  # adapters and layer norms
    head_learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.1  # share of steps with a linearly rising rate, then linear decay to 0
    label_smoothing: float = 0.1
    batch_size: int = 16
    max_length: int = 96
    seed: int = 1  # member i uses seed + i

    def __post_init__(self) -> None:
        for name in ("members", "rank", "epochs", "batch_size", "max_length"):
            if getattr(self, name) < 1:
                raise InvalidInput(f"{name} must be at least 1, got {getattr(self, name)}")


def _lora_class() -> Any:
    import torch

    class LoRALinear(torch.nn.Module):
        """y = W x + b + (alpha / r) · B A x, with W and b frozen; B starts at zero so training starts at W."""

        def __init__(self, base: Any, rank: int, alpha: float) -> None:
            super().__init__()
            self.base = base
            self.scale = alpha / rank
            self.lora_a = torch.nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
            self.lora_b = torch.nn.Parameter(torch.zeros(base.out_features, rank))

        def forward(self, x: Any) -> Any:
            return self.base(x) + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale

    return LoRALinear


def _adapted(base: Any, rank: int, alpha: float) -> Any:
    """A float32 copy of the transformer with adapters on every target layer; only adapters and norms train."""
    model = copy.deepcopy(base).float()
    for p in model.parameters():
        p.requires_grad_(False)
    lora = _lora_class()
    for layer in model.encoder.layer:
        for path, name in _TARGETS:
            parent = layer.get_submodule(path)
            setattr(parent, name, lora(getattr(parent, name), rank, alpha))
    for n, p in model.named_parameters():
        if "LayerNorm" in n or "lora_" in n:
            p.requires_grad_(True)
    model.train()
    return model


def _trainable(model: Any) -> dict[str, Any]:
    return {n: p for n, p in model.named_parameters() if p.requires_grad}


class _Batches:
    """Token ids of texts, padded per batch to the longest member (batches of similar length pad little)."""

    def __init__(self, tokenizer: Any, texts: Sequence[str], max_length: int) -> None:
        cap = max_length * 64  # characters: a token is rarely longer, and tokenising 1 MB for 96 tokens is waste
        cleaned = [t[:cap] if t.strip() else "." for t in texts]
        self.ids: list[list[int]] = tokenizer(cleaned, truncation=True, max_length=max_length)["input_ids"]
        self.pad = int(tokenizer.pad_token_id or 0)
        self.lengths = np.fromiter((len(x) for x in self.ids), dtype=np.int64, count=len(self.ids))

    def tensors(self, rows: Sequence[int] | npt.NDArray[np.int64]) -> tuple[Any, Any]:
        import torch

        width = int(self.lengths[np.asarray(rows)].max())
        batch = np.full((len(rows), width), self.pad, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, row in enumerate(rows):
            n = int(self.lengths[row])
            batch[r, :n] = self.ids[row]
            mask[r, :n] = 1
        return torch.from_numpy(batch), torch.from_numpy(mask)

    def training_order(self, rng: np.random.Generator, batch_size: int) -> list[npt.NDArray[np.int64]]:
        """Shuffled batches of similar length: shuffle, sort within chunks of 8 batches, shuffle the batches."""
        perm = rng.permutation(len(self.ids))
        batches: list[npt.NDArray[np.int64]] = []
        for start in range(0, len(perm), batch_size * 8):
            chunk = perm[start : start + batch_size * 8]
            chunk = chunk[np.argsort(self.lengths[chunk], kind="stable")]
            batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
        return [batches[int(i)] for i in rng.permutation(len(batches))]


def _pooled_logits(model: Any, head: Any, ids: Any, mask: Any, bf16: bool) -> Any:
    import torch

    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
    hidden = hidden.float()
    weights = mask.unsqueeze(-1).float()
    return head((hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0))


@dataclass
class TunedKindModel:
    """A fine-tuned kind classifier: class names and, per member, its adapter, norm and head arrays."""

    classes: tuple[str, ...]
    members: tuple[dict[str, npt.NDArray[np.float32]], ...]
    settings: TuneSettings
    base: str = ModelEmbedder.name
    _modules: list[tuple[Any, Any]] | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def to_bytes(self) -> bytes:
        """A portable file (NumPy .npz, no pickled objects): float16 arrays plus a JSON header."""
        arrays: dict[str, Any] = {}
        for i, member in enumerate(self.members):
            for name, value in member.items():
                arrays[f"m{i}/{name}"] = value.astype(np.float16)
        header = {"classes": list(self.classes), "settings": asdict(self.settings), "base": self.base,
                  "members": len(self.members), "format": 1}
        arrays["header"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> TunedKindModel:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            header = json.loads(bytes(z["header"]).decode("utf-8"))
            if header.get("format") != 1:
                raise InvalidInput(f"unknown tuned kind model format {header.get('format')!r}")
            members: list[dict[str, npt.NDArray[np.float32]]] = [{} for _ in range(int(header["members"]))]
            for key in z.files:
                if key != "header":
                    i, name = key.split("/", 1)
                    members[int(i[1:])][name] = z[key].astype(np.float32)
        return cls(tuple(header["classes"]), tuple(members), TuneSettings(**header["settings"]), header["base"])

    def _built(self) -> list[tuple[Any, Any]]:
        """Each member as (transformer with its adapters, head), built once and kept for later predictions."""
        import torch

        with self._lock:
            if self._modules is None:
                base, _ = ModelEmbedder(precision="float32").load()
                built = []
                for member in self.members:
                    model = _adapted(base, self.settings.rank, self.settings.alpha)
                    params = _trainable(model)
                    with torch.no_grad():
                        for name, p in params.items():
                            p.copy_(torch.from_numpy(member[name]))
                    head = torch.nn.Linear(member["head.weight"].shape[1], len(self.classes))
                    with torch.no_grad():
                        head.weight.copy_(torch.from_numpy(member["head.weight"]))
                        head.bias.copy_(torch.from_numpy(member["head.bias"]))
                    model.eval()
                    built.append((model, head))
                self._modules = built
            return self._modules

    def predict_proba(self, texts: Sequence[str], *, batch_size: int = 64) -> FloatArray:
        """Class probabilities (len(texts) × len(classes)), the mean over members; rows sum to 1."""
        import torch

        if not texts:
            return np.zeros((0, len(self.classes)))
        built = self._built()
        _, tokenizer = ModelEmbedder(precision="float32").load()
        batches = _Batches(tokenizer, texts, self.settings.max_length)
        order = np.argsort(batches.lengths, kind="stable")
        bf16 = ModelEmbedder.native_bfloat16()
        out = np.zeros((len(texts), len(self.classes)))
        with torch.inference_mode():
            for model, head in built:
                for start in range(0, len(texts), batch_size):
                    rows = order[start : start + batch_size]
                    ids, mask = batches.tensors(rows)
                    out[rows] += torch.softmax(_pooled_logits(model, head, ids, mask, bf16), dim=1).double().numpy()
        return out / len(built)


def _warmup_then_decay(steps: int, warmup: float) -> Callable[[int], float]:
    """Learning-rate factor at step k: rises linearly over the first `warmup` share of steps, then falls to 0."""
    warm = max(1.0, warmup * steps)

    def factor(k: int) -> float:
        return min(1.0, (k + 1) / warm) * max(0.0, (steps - k) / steps)

    return factor


def fine_tune_kind_model(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    settings: TuneSettings | None = None,
    progress: Progress | None = None,
) -> TunedKindModel:
    """Train a tuned kind model on labelled texts (at least two classes). Deterministic for a given input and
    settings on one machine. ``progress(done, total)`` is called after every training step."""
    import torch

    s = settings or TuneSettings()
    if len(texts) != len(labels):
        raise InvalidInput(f"{len(texts)} texts but {len(labels)} labels")
    classes = tuple(sorted(set(labels)))
    if len(classes) < 2:
        raise InvalidInput("fine-tuning needs examples of at least two kinds")
    base, tokenizer = ModelEmbedder(precision="float32").load()
    batches = _Batches(tokenizer, texts, s.max_length)
    y = torch.tensor([classes.index(label) for label in labels], dtype=torch.long)
    bf16 = ModelEmbedder.native_bfloat16()
    steps_per_epoch = math.ceil(len(texts) / s.batch_size)
    total = s.members * s.epochs * steps_per_epoch
    done = 0
    members = []
    for m in range(s.members):
        seed = s.seed + m
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        model = _adapted(base, s.rank, s.alpha)
        head = torch.nn.Linear(int(base.config.hidden_size), len(classes))
        params = _trainable(model)
        opt = torch.optim.AdamW(
            [{"params": list(params.values()), "lr": s.learning_rate},
             {"params": list(head.parameters()), "lr": s.head_learning_rate}],
            weight_decay=s.weight_decay,
        )
        sched = torch.optim.lr_scheduler.LambdaLR(opt, _warmup_then_decay(s.epochs * steps_per_epoch, s.warmup))
        for _ in range(s.epochs):
            for rows in batches.training_order(rng, s.batch_size):
                ids, mask = batches.tensors(rows)
                logits = _pooled_logits(model, head, ids, mask, bf16)
                loss: Any = torch.nn.functional.cross_entropy(logits, y[torch.from_numpy(rows)],
                                                         label_smoothing=s.label_smoothing)
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                done += 1
                if progress is not None:
                    progress(done, total)
        member = {name: p.detach().numpy().astype(np.float32) for name, p in params.items()}
        member["head.weight"] = head.weight.detach().numpy().astype(np.float32)
        member["head.bias"] = head.bias.detach().numpy().astype(np.float32)
        members.append(member)
    return TunedKindModel(classes, tuple(members), s)
