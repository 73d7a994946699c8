#!/usr/bin/env bash
# `npm test`: everything the tests need, then lint, type-check and every test: the backend's, the app's component
# tests (Jest) and the app's journey in Chromium against the real stack.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/infra.sh
ensure_node_modules "$PWD"
ensure_node_modules "$PWD/apps/mobile"
ensure_chromium
ensure_infra
echo "== lint and format"
npx eslint . --max-warnings=0
npx prettier --check . --log-level warn || { echo 'run "npm run format" to format the tree'; exit 1; }
echo "== type-check"
npx tsc -b
(cd apps/mobile && npx tsc --noEmit)
npx tsc -p apps/mobile/e2e
echo "== app: component tests"
(cd apps/mobile && npx jest --ci)
echo "== tests (services, gateway, tools; then the load tests and the app in Chromium, alone)"
node scripts/run-tests.mjs "$@"
