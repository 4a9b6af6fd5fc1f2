#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and
# runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
hub_install_deps
hub_build build
ctest --test-dir build --output-on-failure -j2 --timeout 900
