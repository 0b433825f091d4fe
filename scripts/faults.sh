#!/usr/bin/env bash
# `npm run faults`: the fault suite at full size (test/faults/run-faults.ts). One JSON line per scenario
# and one of totals on stdout; each run's figures on stderr.
#   FAULTS_RUNS=3  FAULTS_CASES=100  FAULTS_AFTER_MS=4 (kill_after_smtp_accept)  FAULTS_SCENARIO_SECONDS (no new run of a scenario after)  FAULTS_ONLY=imap_outage,repeated_cuts,bot_sigkill,two_instances,kill_after_smtp_accept,smtp_outage,store_wiped,store_rebuilt,redis_sigkill,redis_power_loss,redis_failover,cluster_failover
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export SERVICES_DIR="${SERVICES_DIR:-$(bash scripts/services-dir.sh)}"
bash scripts/services.sh up >&2
# The bot runs as deployed, `node <build>/cli/main.js run`: the rig builds the sources once into
# .faults-build/<hash of the sources>/ (test/faults/bot-build.ts).
exec npx tsx test/faults/run-faults.ts
