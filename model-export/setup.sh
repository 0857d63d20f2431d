#!/usr/bin/env bash
# Creates model-export/.venv with the pinned Python dependencies (torch 2.13.0 CPU comes from the wheel
# on disk on these machines). Re-installs only when pyproject.toml changed. Usage: model-export/setup.sh
set -euo pipefail
cd "$(dirname "$0")"
stamp=.venv/.installed
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "model-export: installing Python dependencies into model-export/.venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
