import { parseRunConfig } from '../config/index.js';
import { runRow, runSummary } from './run.js';
import type { RunRow } from '../analysis/run-row.js';

/**
 * One sweep point, run in a worker thread: the point's config (plain JSON, seed already derived
 * by the sweep) -> validated -> one run -> its flat, deterministic results row.
 */
export async function runPoint(config: object): Promise<{ row: RunRow; events: number }> {
  const c = parseRunConfig(config, 'sweep point');
  const r = runSummary(c);
  return { row: runRow(c, r.summary), events: r.events };
}
