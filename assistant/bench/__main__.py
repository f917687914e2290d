"""`python -m assistant.bench NAME [options]`: each benchmark is a module here with ``main(argv)``."""
from __future__ import annotations

import importlib
import sys

BENCHES = {
    "ingest": "assistant.bench.ingest",
    "retrieval": "assistant.bench.retrieval",
    "faq": "assistant.bench.faq",
    "scale": "assistant.bench.scale",
    "replies": "assistant.bench.replies",
    "dialogues": "assistant.bench.dialogues",
    "said": "assistant.bench.said",
    "hostile": "assistant.bench.hostile",
    "practice": "assistant.bench.practice",
    "twowriters": "assistant.bench.two_writers",
    "load": "assistant.bench.load",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in BENCHES:
        print("用法: python -m assistant.bench {" + "|".join(BENCHES) + "} [选项]  (各项 --help 查看选项)")
        return 2
    module = importlib.import_module(BENCHES[argv[0]])
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
