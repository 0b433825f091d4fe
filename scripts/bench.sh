#!/usr/bin/env bash
# `npm run bench`: the local services, then the benchmark (bench/run.ts). Prints ONE JSON line of
# figures on stdout; progress and diagnostics go to stderr.
#   BENCH_QUICK=1                         small counts, for a smoke run (about two minutes)
#   BENCH_ONLY=latency,backlog,photos,big-mail,pickup   a subset of the phases
#   BENCH_ONLY=scale (or `npm run bench -- scale`)  the store-size figures alone; SCALE_SIZES=1000,10000
#   INGEST_CONCURRENCY, INGEST_BUDGET_MB, OUTBOX_CONCURRENCY, WORKER_PROCESSES, SMTP_POOL_SIZE,
#   IMAP_IDLE_DELAY_MS, MAX_ATTACHMENT_BYTES   passed to the bot; BOT_NODE_OPTIONS replaces its NODE_OPTIONS
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -L node_modules ] && { [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci >&2
fi
# Where the private Dovecot lives; exported so the tests, demo and bench find it too.
export SERVICES_DIR="${SERVICES_DIR:-$(bash scripts/services-dir.sh)}"
bash scripts/services.sh up >&2
# The second Dovecot (no IDLE) for the pickup figure; stopped again when the bench ends, unless it was
# already up (a test run or another bench may be using it).
if timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/${OTHER_IMAP_PORT:-31144}" 2>/dev/null; then
  bash scripts/services.sh up-other >&2
else
  bash scripts/services.sh up-other >&2
  trap 'bash scripts/services.sh down-other >&2' EXIT
fi
# The 30 MB-mail figure runs `node dist/cli/main.js run`, the deployed form; build it when stale.
# (Should the build fail, bench/run.ts runs the CLI from the sources with tsx and says so.)
if [ ! -f dist/cli/main.js ] || [ -n "$(find src -newer dist/cli/main.js -name '*.ts' | head -1)" ]; then
  echo "[bench] building dist/" >&2
  npx tsc -p tsconfig.build.json >&2 || echo "[bench] build failed" >&2
fi
export LOG_LEVEL=silent
# `npm run bench -- scale` or BENCH_ONLY=scale: list and search costs against the store's size (bench/scale.ts).
if [ "${1:-}" = scale ] || [ "${BENCH_ONLY:-}" = scale ]; then
  npx tsx bench/scale.ts
else
  npx tsx bench/run.ts
fi
