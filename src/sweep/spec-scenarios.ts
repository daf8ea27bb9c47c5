/**
 * A sweep spec's workload scenarios: named variations of the run config, each run over the grid
 * with some paths held at one value (the reduced grid). The plan (plan.ts) numbers their points
 * after the main grid's; the results tell them apart by the `workloadScenario` column.
 *
 *   scenarios:
 *     fix: { machine.possibleCpus: 4 }            # grid paths held at one of their values
 *     set:                                        # scenario name -> config path -> value
 *       rate x2: { workload.ratePerCpuHz: 40000 }
 */
import { BASE_SCENARIO, SCENARIO_COLUMN } from '../analysis/scenarios.js';
import { canonicalJson, firstNonJson } from '../config/canonical.js';
import { gridCombinations, JSON_DATA, pathIssue } from './grid-paths.js';

export interface SweepScenarios {
  /** Grid path -> the one value of its list every scenario runs at. */
  fix: Record<string, unknown>;
  /** Scenario name -> dotted config path -> value, set over base (and over the grid values). */
  set: Record<string, Record<string, unknown>>;
}

/** The grid with each `fix` path held at its one value: the scenarios' reduced grid. */
export function scenarioGrid(grid: Record<string, unknown[]>, fix: Record<string, unknown>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(grid).map(([path, values]) => [path, path in fix ? [fix[path]] : values]));
}

/** Combinations the scenarios add: each scenario runs every combination of the reduced grid. */
export function scenarioCombinations(grid: Record<string, unknown[]>, scenarios: SweepScenarios): number {
  return Object.keys(scenarios.set).length * gridCombinations(scenarioGrid(grid, scenarios.fix));
}

/** Every issue of the scenarios, each naming its field. */
export function scenarioIssues(scenarios: SweepScenarios, grid: Record<string, unknown[]>, sampled: boolean): string[] {
  const issues: string[] = [];
  const paths = Object.keys(grid);
  if (paths.includes(SCENARIO_COLUMN)) issues.push(`grid.${SCENARIO_COLUMN}: is the scenarios' own column`);
  if (sampled) issues.push('scenarios: cannot be combined with sample (the scenarios run on a fixed reduced grid)');
  for (const [path, value] of Object.entries(scenarios.fix)) {
    const values = grid[path];
    if (values === undefined) {
      issues.push(`scenarios.fix.${path}: not a grid path (grid: ${paths.join(', ')})`);
    } else if (!values.some((v) => canonicalJson(v) === canonicalJson(value ?? null))) {
      issues.push(
        `scenarios.fix.${path}: must be one of the grid's values (${values.map((v) => canonicalJson(v)).join(', ')})`,
      );
    }
  }
  const names = Object.keys(scenarios.set);
  if (names.length === 0) issues.push('scenarios.set: must name at least one scenario');
  for (const name of names) {
    const at = `scenarios.set.${name}`;
    if (name.trim() === '' || name === BASE_SCENARIO) {
      issues.push(`${at}: a scenario name must be non-empty and not '${BASE_SCENARIO}' (the main grid's name)`);
    }
    for (const [path, value] of Object.entries(scenarios.set[name]!)) {
      const bad = pathIssue(path);
      if (bad !== null) issues.push(`${at}.${path}: ${bad}`);
      else if (path.split('.')[0] === 'seed') issues.push(`${at}.${path}: the seed is derived for each point`);
      else if (paths.some((g) => g === path || g.startsWith(`${path}.`) || path.startsWith(`${g}.`))) {
        issues.push(`${at}.${path}: overlaps a grid path; a scenario sets what the grid does not`);
      } else if (firstNonJson(value) !== null) issues.push(`${at}.${path}: ${JSON_DATA}`);
    }
  }
  return issues;
}
