#!/usr/bin/env bash
# The model-export test suite (hermetic: tiny random models built in-process, no hub, no GPU).
# Sets up model-export/.venv first if needed. Usage: model-export/run-tests.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@" tests
