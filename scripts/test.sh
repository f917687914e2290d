#!/usr/bin/env bash
# Set up (with test tools), check the import graph, and run the test suite (arguments go to pytest,
# e.g. -m "not slow" for the fast lane).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
.venv/bin/python scripts/import_graph.py
exec .venv/bin/python -m pytest "$@"
