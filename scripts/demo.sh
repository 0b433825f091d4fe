#!/usr/bin/env bash
# The product's main job on local defaults: a local Dovecot and Redis on loopback (installed where
# missing), one case played through the whole process by a network manager, a contractor and an
# installer, the thread printed as it happens. `npm run demo` runs this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -L node_modules ] && { [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci
fi
# Where the private Dovecot lives; exported so the tests, demo and bench find it too.
export SERVICES_DIR="${SERVICES_DIR:-$(bash scripts/services-dir.sh)}"
bash scripts/services.sh up
[ -f dist/cli/main.js ] && [ -z "$(find src -newer dist/cli/main.js -name '*.ts' | head -1)" ] || npx tsc -p tsconfig.build.json
exec node dist/cli/main.js demo "$@"
