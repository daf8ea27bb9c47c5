/**
 * The flush cost of a finished run under another cost-model preset, without simulating again:
 * costOf() is pure and linear in the counters, and a results row carries them. The row does
 * not carry Flush.ALL and INVPCID-single flushes apart (tlbFullFlushes is their sum); the split
 * is recovered from the row's own costFlushCycles under its own preset, and the recomputation
 * under the row's preset must give back the row's costOverheadFraction, or the row is refused.
 * The slow path's overhead (IRQ pairs, PTE writes, PTE locks of clear_page_mermap()) is part of
 * that cost (metrics/run-cost.ts) and is recomputed from the row's slow-path counts the same way.
 */
import { RUN_SET } from './columns/index.js';
import { type CostCounters, costPresetNames, resolveCostModel, type SlowPathCounters } from './costs/index.js';
import { runCostOf } from './metrics/run-cost.js';

type Row = Record<string, unknown>;

const C = RUN_SET.fields([
  'costModel',
  'gets',
  'invlpgs',
  'tlbFullFlushes',
  'machineCr3Flushes',
  'costRefillWalks',
  'machineShootdowns',
  'machineIpis',
  'workCycles',
  'costFlushCycles',
  'costOverheadFraction',
  'fastPathFailures',
  'fallbackPages',
  'slowPathPteWrites',
  'slowPathLockAcquisitions',
]);

function num(r: Row, name: string): number {
  const v = r[name];
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw new RangeError(`results row has no number in '${name}'`);
  return n;
}

/** The cost counters of a results row (see the module comment for the flush split). */
export function costCountersOfRow(r: Row): CostCounters {
  const own = resolveCostModel(String(r[C.costModel]));
  const fullFlushes = num(r, C.tlbFullFlushes);
  const cr3Flushes = num(r, C.machineCr3Flushes);
  // costFlushCycles = fa·flushAll + cr3·cr3Cycles + inv·invpcid, fa + inv = fullFlushes
  const rest = num(r, C.costFlushCycles) - cr3Flushes * own.cr3Cycles - fullFlushes * own.flushAllCycles;
  const diff = own.invpcidCycles - own.flushAllCycles;
  const invpcids = diff === 0 ? 0 : Math.min(fullFlushes, Math.max(0, Math.round(rest / diff)));
  return {
    gets: num(r, C.gets),
    invlpgs: num(r, C.invlpgs),
    flushAlls: fullFlushes - invpcids,
    cr3Flushes,
    invpcids,
    walks: num(r, C.costRefillWalks),
    shootdowns: num(r, C.machineShootdowns),
    ipis: num(r, C.machineIpis),
    workCycles: num(r, C.workCycles),
  };
}

/** The slow-path counts of a results row. */
export function slowPathCountersOfRow(r: Row): SlowPathCounters {
  return {
    allocations: num(r, C.fastPathFailures),
    pages: num(r, C.fallbackPages),
    pteWrites: num(r, C.slowPathPteWrites),
    lockAcquisitions: num(r, C.slowPathLockAcquisitions),
  };
}

/**
 * The row's flush cost (costOverheadFraction) under every preset, by preset name. Throws when
 * the row's own preset does not give back its own figure (cost overrides in the run's config).
 */
export function flushCostByPreset(r: Row): Record<string, number> {
  const counters = costCountersOfRow(r);
  const slow = slowPathCountersOfRow(r);
  const own = String(r[C.costModel]);
  const costOf = (c: CostCounters, model: string) => runCostOf(c, slow, resolveCostModel(model));
  const mine = costOf(counters, own).overheadFraction;
  const recorded = num(r, C.costOverheadFraction);
  if (Math.abs(mine - recorded) > 1e-9 * Math.max(1e-12, Math.abs(recorded))) {
    throw new RangeError(
      `results row: its flush cost ${recorded} is not what preset '${own}' gives for its counters (${mine}); cost overrides cannot be recomputed`,
    );
  }
  return Object.fromEntries(
    costPresetNames().map((p) => [p, p === own ? recorded : costOf(counters, p).overheadFraction]),
  );
}
