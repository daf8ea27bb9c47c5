#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, run the default sweep
# (region size x slots x CPUs x variant under the default workload), print the summary table and
# write out/ (results, charts as SVG and PNG, report.html).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
node bin/mermap-lab.js sweep --preset default --out out --resume "$@"
