"""Run by scripts/run.sh before the app starts: load the shipped knowledge/ into an empty knowledge base."""
from __future__ import annotations

import sys
from pathlib import Path

from assistant.config import Settings, get_settings


def shipped_sources(settings: Settings) -> list[Path]:
    """The FAQ table (CSV; the XLSX is the same table for Excel users) and the staff guide."""
    root = settings.knowledge_dir
    return sorted((root / "faq").glob("*.csv")) + sorted((root / "guide").glob("*.md"))


def load_shipped(settings: Settings, quiet: bool = False) -> int:
    from assistant.ingest import add_paths
    from assistant.store.kb import KnowledgeBase
    from assistant.store.lock import StoreLocked

    kb = KnowledgeBase(settings)
    if kb.documents():
        return 0
    sources = shipped_sources(settings)
    if not sources:
        print(f"提示：{settings.knowledge_dir} 下没有示例知识，知识库为空；可在“知识库管理”页上传文档。")
        return 0
    if not quiet:
        print(f"首次启动：正在把示例知识库（{settings.knowledge_dir}）载入，约需一分钟……", flush=True)
    try:
        summary = add_paths(kb, sources, user="系统（首次启动）")
    except StoreLocked as err:
        print(str(err), file=sys.stderr)
        return 1
    if not quiet:
        print(summary.line())
    for o in summary.failed:
        print(f"  失败 {Path(o.path).name}: {o.message}", file=sys.stderr)
    return 1 if summary.failed else 0


def warm_index(settings: Settings) -> None:
    """Build (or load) the lexical and FAQ-question index now, so the first page view does not wait for it."""
    from assistant.retrieval.retriever import Retriever
    from assistant.store.kb import KnowledgeBase

    Retriever(KnowledgeBase(settings), settings).state()


def warm_triage(settings: Settings) -> None:
    """Derive the risk exemplar vectors now (first start only: about a minute on two cores), not on the first
    citizen's sentence."""
    from assistant.replies.exemplars import cache_exists
    from assistant.replies.triage import warm_up

    if not cache_exists(settings.derived_dir):
        print("首次启动：正在准备风险识别用的例句向量（只需一次，约一分钟）……", flush=True)
    warm_up()


def main() -> int:
    settings = get_settings()
    status = load_shipped(settings)
    if status == 0:
        warm_index(settings)
        warm_triage(settings)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
