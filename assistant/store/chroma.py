"""The chromadb side: client factory (embedded or server), our offline embedding function, reopen on staleness."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.store.embedding import Embedder, get_embedder


@register_embedding_function
class OfflineEmbeddingFunction(EmbeddingFunction[Documents]):
    """Hands chromadb our own embedder so it never falls back to its downloading default."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "chuangkou-offline"

    def default_space(self) -> str:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "OfflineEmbeddingFunction":
        from assistant.config import get_settings

        settings = replace(get_settings(), embedding_model=config.get("model", "m3e-small"))
        return OfflineEmbeddingFunction(get_embedder(settings))


def collection_name(base: str, model: str) -> str:
    """One collection per embedding model, so switching models never mixes vector spaces."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(model).name or model).strip("-_") or "model"
    return f"{base}-{slug}"[:60]


def open_client(settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def forget_embedded_system(path: Path) -> None:
    """Drop chromadb's per-process cached system for ``path`` so the next client re-reads the folder.

    An embedded client keeps serving what it loaded; after another process wrote the folder we must reopen.
    """
    key = str(path)
    system = SharedSystemClient._identifier_to_system.pop(key, None)
    SharedSystemClient._identifier_to_refcount.pop(key, None)
    if system is not None:
        try:
            system.stop()
        except Exception:  # noqa: BLE001 - a failed stop of a stale system must not block reopening
            pass
