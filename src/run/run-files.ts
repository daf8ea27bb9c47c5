/**
 * The files `mermap-lab run --out DIR` writes (src/cli/run.ts): the run's full results as JSON,
 * then two tables of them as CSV. `report` knows a run folder by RUN_FILE, and `sweep` and
 * `report` refuse to write into one.
 */
export const RUN_FILE = 'run.json';
export const PER_CPU_FILE = 'per-cpu.csv';
export const TIME_SERIES_FILE = 'time-series.csv';
