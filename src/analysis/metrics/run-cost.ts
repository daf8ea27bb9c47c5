/**
 * The run's cost: the TLB maintenance and refills (costOf) plus clear_page_mermap()'s slow path
 * beyond its zeroing (slowPathCost's overheadCycles: IRQ pairs, PTE writes, PTE locks), under the
 * run's model, and the same counts under every preset for the band a report prints.
 */
import {
  bandOf,
  type Cost,
  type CostCounters,
  type CostModel,
  costOf,
  type SlowPathCounters,
  slowPathCost,
} from '../costs/index.js';
import type { CostBandEnd, CostSummary } from './summary.js';

export type RunCost = Cost & { slowPathCycles: number };

/** costOf with the slow path's overhead cycles added to the total and the overhead fraction. */
export function runCostOf(c: CostCounters, slow: SlowPathCounters, m: CostModel): RunCost {
  const base = costOf(c, m);
  const slowPathCycles = slowPathCost(slow, m).overheadCycles;
  const totalCycles = base.totalCycles + slowPathCycles;
  return {
    flushCycles: base.flushCycles,
    invlpgCycles: base.invlpgCycles,
    walkCycles: base.walkCycles,
    shootdownCycles: base.shootdownCycles,
    slowPathCycles,
    totalCycles,
    perGetCycles: c.gets > 0 ? totalCycles / c.gets : 0,
    overheadFraction: totalCycles + c.workCycles > 0 ? totalCycles / (totalCycles + c.workCycles) : 0,
    totalNs: totalCycles / m.cpuGhz,
  };
}

const BAND_FIELDS = ['totalCycles', 'slowPathCycles', 'perGetCycles', 'overheadFraction'] as const;

/** The least and the most of each band field over every preset (the run's flush ceiling kept). */
export function runCostBand(
  c: CostCounters,
  slow: SlowPathCounters,
  overrides: Partial<CostModel> = {},
): CostSummary['band'] {
  const costs = bandOf((m) => runCostOf(c, slow, m), overrides).map((e) => e.value);
  const end = (pick: (a: number, b: number) => number): CostBandEnd => {
    const out = {} as CostBandEnd;
    for (const f of BAND_FIELDS) out[f] = costs.map((x) => x[f]).reduce((a, b) => pick(a, b));
    return out;
  };
  return { low: end(Math.min), high: end(Math.max) };
}
