// not src/config's barrel: it loads the YAML parser, which no worker needs (test/house/worker-imports)
import { parseRunConfig } from '../config/parse.js';
import { runRow, runSummary } from './run.js';
import { twinRows } from './twins.js';
import type { RunRow } from '../analysis/run-row.js';

export { twinKey } from './twins.js';

/**
 * One sweep point, run in a worker thread: the point's config (plain JSON, seed already derived
 * by the sweep) -> validated -> one run -> its flat, deterministic results row. `twins`: configs
 * with the same twinKey() (./twins.ts), whose rows come from the same run (`twinRows`, in order).
 */
export async function runPoint(
  config: object,
  twins: readonly object[] = [],
): Promise<{ row: RunRow; events: number; twinRows?: RunRow[] }> {
  const c = parseRunConfig(config, 'sweep point');
  const r = runSummary(c);
  const row = runRow(c, r.summary);
  return twins.length === 0
    ? { row, events: r.events }
    : { row, events: r.events, twinRows: twinRows(r.summary, twins) };
}
