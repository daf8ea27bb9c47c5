#!/usr/bin/env bash
# Every test, set-up included: npm packages, Jupyter and Slurm (Debian packages), the mermap-lab kernel,
# Chromium for the browser test. Then: lint (Biome), type check, build, the notebooks executed headlessly into
# notebooks/out (executed copies, HTML, charts, facts), and vitest, whose test/notebooks checks
# those outputs (so the notebooks run first). Exit status 0 only if everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-notebooks --with-browser --with-slurm
echo "== lint (biome: formatter and linter)"
npm run --silent lint
echo "== type check"
npm run --silent typecheck
echo "== build"
npm run --silent build
node -e "require('./dist/index.js')" # notebooks require() the build: no top-level await may creep in
echo "== notebooks"
rm -rf notebooks/out # no stale executed copies, charts or facts from an earlier run
notebooks_status=0
/usr/bin/python3 scripts/run-notebooks.py notebooks notebooks/out --timeout 600 || notebooks_status=$?
# the template again with parameters from outside (test/notebooks checks it states 1,000 events)
/usr/bin/python3 scripts/run-notebooks.py notebooks/00-template.ipynb notebooks/out/injected --timeout 600 \
  -p EVENTS 1000 -p OUT_DIR out/injected || notebooks_status=$?
echo "== vitest"
npx vitest run
if [ "$notebooks_status" -ne 0 ]; then
  echo "test: the notebooks failed (see '== notebooks' above)" >&2
  exit 1
fi
