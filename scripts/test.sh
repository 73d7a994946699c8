#!/usr/bin/env bash
# `npm test`: everything the tests need, then lint, type-check and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/infra.sh
ensure_node_modules "$PWD"
ensure_infra
echo "== lint"
npx eslint . --max-warnings=0
echo "== type-check"
npx tsc -b
echo "== tests"
node scripts/run-tests.mjs "$@"
