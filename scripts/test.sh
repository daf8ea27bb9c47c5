#!/usr/bin/env bash
# Every test, set-up included: npm packages, Jupyter (Debian packages), the tslab kernel,
# Chromium for the browser test. Then: type check, build, vitest, and the notebooks executed
# headlessly. Exit status 0 only if everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-notebooks --with-browser
echo "== type check"
npm run --silent typecheck
echo "== build"
npm run --silent build
node -e "require('./dist/index.js')" # notebooks require() the build: no top-level await may creep in
echo "== vitest"
npx vitest run
echo "== notebooks"
/usr/bin/python3 scripts/run-notebooks.py notebooks notebooks/out --timeout 600
