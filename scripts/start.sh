#!/usr/bin/env bash
# `npm start`: on a fresh clone installs what is missing, builds, brings up the databases, and runs the
# gateway and every service as separate processes until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/infra.sh
ensure_node_modules "$PWD"
ensure_infra
echo "[start] building" >&2
npx tsc -b
ensure_node_modules "$PWD/apps/mobile"
node apps/mobile/scripts/build-web.mjs
exec node scripts/dev-stack.mjs "$@"
