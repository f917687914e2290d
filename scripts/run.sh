#!/usr/bin/env bash
# Set up, load the shipped knowledge/ on first start, and start the app on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
if ! .venv/bin/python -m assistant.firstrun; then
  echo "首次加载知识库失败，请查看上面的提示。" >&2
  exit 1
fi
# browser.serverAddress set: Streamlit then prints that URL instead of asking an internet service for this
# machine's public address (it does so whenever it runs headless without one).
exec .venv/bin/streamlit run app.py --server.headless true --browser.gatherUsageStats false \
  --server.fileWatcherType none --browser.serverAddress localhost "$@"
