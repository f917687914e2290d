"""Trainer CLI: `python ingest.py add|list|remove|replace|status|--config` (see README)."""
from assistant.ingest_cli import main

if __name__ == "__main__":
    raise SystemExit(main())
