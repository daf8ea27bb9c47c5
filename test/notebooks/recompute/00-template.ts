/** Recomputes the facts notebooks/00-template.ipynb states: one run and a small sweep. */
import * as ml from '../../../src/index.js';
import { type FactValue, gridRows, type Params } from './shared.js';

export async function template(p: Params): Promise<Record<string, FactValue>> {
  const base = { ...ml.presetConfig(p.preset as string), length: { events: p.events as number } };
  const run = ml.runConfig(ml.parseRunConfig(base)).summary;
  const rows = await gridRows(base, p.grid);
  let most = rows[0];
  for (const r of rows) if (Number(r.flushesPer1000Gets) > Number(most.flushesPer1000Gets)) most = r;
  return {
    'run.events': p.events as number,
    'run.gets': run.gets,
    'run.flushes': run.flushes,
    'run.fallbackRate': run.fastPathFailuresPerAllocation,
    'sweep.points': rows.length,
    'sweep.variant': most.variant as string,
    'sweep.regionPages': most.regionPages as number,
    'sweep.flushes': most.flushesPer1000Gets as number,
  };
}
