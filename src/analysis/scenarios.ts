/**
 * Workload scenarios in sweep results: a sweep spec's `scenarios` (sweep/spec.ts) runs named
 * variations of the workload on a reduced grid beside the main grid, and every row says which
 * it belongs to in the `workloadScenario` column, `base` for the main grid. A sweep without
 * scenarios has no such column: all its rows are the main grid's.
 */
type Row = Record<string, unknown>;

/** The results column (a grid column of the sweep) naming a row's scenario. */
export const SCENARIO_COLUMN = 'workloadScenario';
/** The main grid's scenario name. */
export const BASE_SCENARIO = 'base';

/** A row's scenario: its column, or `base` when the sweep has none. */
export function scenarioOf(row: Row): string {
  const v = row[SCENARIO_COLUMN];
  return v === undefined || v === null ? BASE_SCENARIO : String(v);
}

/** The main grid's rows (every row of a sweep without scenarios). */
export function mainRows<R extends Row>(rows: readonly R[]): R[] {
  return rows.filter((r) => scenarioOf(r) === BASE_SCENARIO);
}

/** The other scenarios' rows by name, in the order first seen. */
export function scenarioRows<R extends Row>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const name = scenarioOf(r);
    if (name === BASE_SCENARIO) continue;
    const list = out.get(name);
    if (list === undefined) out.set(name, [r]);
    else list.push(r);
  }
  return out;
}

/** The workload assumption a config path stands for, in the words of the reports. */
const ASSUMPTION_OF_PATH: Readonly<Record<string, string>> = {
  'workload.ratePerCpuHz': 'allocation rate',
  'workload.orders': 'order mix',
  'workload.mmsPerCpu': 'number of threads of an mm per CPU',
  'workload.threadsPerMm': 'number of threads of an mm per CPU',
};

/** What a scenario varies, from the config paths it sets: `allocation rate`, or the paths. */
export function assumptionOf(paths: readonly string[]): string {
  return [...new Set(paths.map((p) => ASSUMPTION_OF_PATH[p] ?? p))].join(' and ');
}
