#!/usr/bin/env bash
# Prints where the private Dovecot lives: <repo>/.test-services/dovecot (for a git worktree, the
# clone's first checkout), unless Dovecot's users cannot
# reach the repository (a clone under /root or in a mktemp -d folder, mode 700): then a folder of this
# clone's own under /var/tmp. test.sh, demo.sh and bench.sh export it as SERVICES_DIR, so services.sh
# and the Node side (src/demo/local-mail.ts) agree.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The git worktrees of one clone share its first checkout's Dovecot: one port, so one server.
COMMON="$(git -C "$REPO" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
if [ -n "$COMMON" ] && [ "$(basename "$COMMON")" = .git ] && [ -d "$(dirname "$COMMON")/scripts" ]; then
  REPO="$(dirname "$COMMON")"
fi
if [ "$(id -u)" = 0 ] && id mail >/dev/null 2>&1 && ! runuser -u mail -- test -x "$REPO" 2>/dev/null; then
  echo "/var/tmp/activation-bot-services/$(printf '%s' "$REPO" | sha1sum | cut -c1-12)/dovecot"
else
  echo "$REPO/.test-services/dovecot"
fi
