#!/bin/bash
# Submit a sharded sweep to Slurm: the array of sweep.sbatch (task i runs shard i of SHARDS),
# then merge.sbatch, which Slurm starts once every task has succeeded (--dependency=afterok).
#
#   SPEC=default SHARDS=8 RESULTS=results deploy/slurm/submit.sh [sbatch options for both jobs]
#
# SPEC, SHARDS and RESULTS are described at the top of sweep.sbatch. Options after the script
# name go to both sbatch calls (e.g. --partition=long --account=mm --cpus-per-task=8).
# The logs go to RESULTS/logs. Prints the two job ids.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export SPEC="${SPEC:-default}" SHARDS="${SHARDS:-8}"
RESULTS="$(realpath -m "${RESULTS:-results}")"
export RESULTS
case "$SHARDS" in
  '' | *[!0-9]* | 0*) echo "submit: SHARDS must be a positive integer, got '${SHARDS}'" >&2; exit 2 ;;
esac
case "$SPEC" in
  *.yaml | *.yml | *.json) SPEC="$(realpath "$SPEC")" || exit 2 ;;
esac
mkdir -p "${RESULTS}/logs"
# The jobs' submit directory is the checkout: they run its bin/mermap-lab.js.
cd "${here}/../.."
array="$(sbatch --parsable --array="0-$((SHARDS - 1))" --output="${RESULTS}/logs/sweep-%A_%a.out" "$@" \
  "${here}/sweep.sbatch")"
array="${array%%;*}"
merge="$(sbatch --parsable --dependency="afterok:${array}" --output="${RESULTS}/logs/merge-%j.out" "$@" \
  "${here}/merge.sbatch")"
echo "sweep array ${array}, merge ${merge%%;*}"
