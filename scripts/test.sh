#!/usr/bin/env bash
# The project test command (npm test, .ci/run). Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*"; }

# npm writes node_modules/.package-lock.json on every install; the directory's own mtime
# does not change when only nested packages do.
if [ ! -L node_modules ] && { [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  step "npm ci"
  npm ci
fi

# Where the private Dovecot lives; exported so the tests, demo and bench find it too.
export SERVICES_DIR="${SERVICES_DIR:-$(bash scripts/services-dir.sh)}"
step "services"
bash scripts/services.sh up

# Debian's Chromium, for the review UI's headless-browser test. Without root it cannot be installed:
# that test then skips (and says so), unless REQUIRE_BROWSER=1 makes it fail instead.
step "browser"
if [ -x /usr/bin/chromium ]; then
  echo "Chromium: $(/usr/bin/chromium --version 2>/dev/null)"
  export REQUIRE_BROWSER=1
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing chromium via apt"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  export REQUIRE_BROWSER=1
else
  echo "no Chromium and no root to install it: the headless-browser test will be skipped"
fi

# promtool (Debian's prometheus package) checks the shipped alert rules; without it that test skips.
step "promtool"
if command -v promtool >/dev/null; then
  promtool --version 2>&1 | head -1
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing prometheus (for promtool) via apt"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
else
  echo "no promtool and no root to install it: the alert-rules check will be skipped"
fi

# Go and Debian's sprig build test/deploy/helm-render, the Helm chart test's stand-in for `helm template`
# (helm itself is in no registry here); without go that test skips.
step "go"
if command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] && [ -d /usr/share/gocode/src/sigs.k8s.io/yaml ]; then
  go version
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing golang-go, sprig and sigs.k8s.io/yaml (for the Helm chart test) via apt"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev >/dev/null
else
  echo "no go (or no Debian sprig and yaml Go packages) and no root to install them: the Helm chart test will be skipped (or fail naming the packages)"
fi

step "typecheck"
npx tsc -p tsconfig.json --noEmit

step "eslint"
npx eslint .

step "dependency-cruiser"
if [ -f .dependency-cruiser.cjs ]; then
  npx depcruise src --config .dependency-cruiser.cjs
else
  echo "skipped: .dependency-cruiser.cjs does not exist yet"
fi

step "vitest"
# The JSON report gives CI its plain closing line ("N passed, N failed").
results="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$results" || true
rm -f "$results"
exit "$status"
