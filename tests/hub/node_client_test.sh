#!/usr/bin/env bash
# Runs node_client_test.js with @grpc/grpc-js and @grpc/proto-loader from the
# npm registry, installed into a scratch folder of the build tree.
# Usage: node_client_test.sh PROTO_DIR HUBD HUB_SAMPLE SCRATCH_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scratch="$4"
mkdir -p "$scratch"
if [ ! -d "$scratch/node_modules/@grpc/grpc-js" ]; then
  (cd "$scratch" && npm install --silent --no-audit --no-fund --no-save \
      @grpc/grpc-js@1 @grpc/proto-loader@0.7 >/dev/null)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
NODE_PATH="$scratch/node_modules" node "$here/node_client_test.js" "$1" "$2" "$3" "$work"
