/**
 * Adaptive replicates: more runs only at grid points whose interval straddles a target.
 *
 * Every combination first gets the spec's `replicates`. Then, in rounds of that many more, up
 * to adaptive.maxReplicates: a combination gets another round while, over the runs it has,
 *   - both metrics' means are under their targets (the point is a candidate: only the noise
 *     keeps it from meeting them, recommend-verdict.ts's within-noise),
 *   - and some metric's interval straddles its target (lo < target <= hi) with half its width
 *     over ciWidth x the target.
 * Points whose mean is over a target are left alone: more runs would confirm that they fail.
 * The decision reads the combination's own runs 0..n-1 and nothing else, and each replicate's
 * seed derives from the point and the replicate index (plan.ts), so the runs made are the same
 * for any worker count, shard (shards deal whole combinations) or interruption: a resumed sweep
 * replays the same decisions from its journal.
 */
import { RUN } from '../analysis/columns/index.js';
import { DEFAULT_TARGETS } from '../analysis/recommend-verdict.js';
import { interval } from '../analysis/stats.js';
import type { SweepPlan } from './plan.js';
import type { JournalEntry } from './results.js';
import type { Shard } from './shard.js';
import type { SweepSpec, SweepTargets } from './spec.js';

/** The targets of a spec (the recommendation's defaults when it names none). */
export function specTargets(spec: SweepSpec): SweepTargets {
  return spec.targets ?? DEFAULT_TARGETS;
}

/** The run columns the adaptive mode watches, with their targets. */
function watched(t: SweepTargets): Array<[column: string, target: number]> {
  return [
    [RUN.fastPathFailuresPerAllocation, t.maxFallbackRate],
    [RUN.costOverheadFraction, t.maxFlushCostFraction],
  ];
}

/** Whether a combination with these runs' rows needs more replicates (see the module comment). */
export function needsMoreReplicates(
  rows: ReadonlyArray<Record<string, unknown>>,
  targets: SweepTargets,
  ciWidth: number,
): boolean {
  if (rows.length < 2) return rows.length > 0;
  let doubt = false;
  for (const [column, target] of watched(targets)) {
    const values = rows.map((r) => r[column]);
    if (!values.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) return false;
    const { mean, ci95 } = interval(values);
    const [lo, hi] = ci95!;
    if (mean >= target) return false;
    if (hi >= target && (hi - lo) / 2 > ciWidth * target) doubt = true;
  }
  return doubt;
}

/**
 * For one combination (its dense number in the plan), the replicate count its runs settle on and
 * the point indices still missing below it: replicates 0..n-1 must all be in before the next
 * decision is taken.
 */
export function combinationNeeds(
  plan: SweepPlan,
  combination: number,
  have: (index: number) => JournalEntry | undefined,
): { replicates: number; missing: number[] } {
  const spec = plan.spec;
  const first = combination * plan.replicatesPerCombination;
  const cap = spec.adaptive?.maxReplicates ?? spec.replicates;
  const step = spec.replicates;
  let n = spec.replicates;
  for (;;) {
    const missing: number[] = [];
    const rows: Array<Record<string, unknown>> = [];
    for (let r = 0; r < n; r++) {
      const e = have(first + r);
      if (e === undefined) missing.push(first + r);
      else rows.push(e.row);
    }
    if (missing.length > 0 || n >= cap || spec.adaptive === undefined) return { replicates: n, missing };
    if (!needsMoreReplicates(rows, specTargets(spec), spec.adaptive.ciWidth)) return { replicates: n, missing };
    n = Math.min(cap, n + step);
  }
}

/** The combinations (dense numbers) of `shard`, in order. */
export function* shardCombinations(plan: SweepPlan, shard: Shard | null): Generator<number> {
  const count = plan.size / plan.replicatesPerCombination;
  const units = plan.replicatesPerCombination / plan.shardUnit;
  if (units !== 1) throw new Error('internal: combinations are dealt whole only in adaptive sweeps');
  for (let c = shard === null ? 0 : shard.index; c < count; c += shard === null ? 1 : shard.count) yield c;
}

/** The points of `shard` an adaptive sweep still has to run, given the runs it has. */
export function adaptiveMissing(
  plan: SweepPlan,
  shard: Shard | null,
  have: (index: number) => JournalEntry | undefined,
): { missing: number[]; settled: number } {
  const missing: number[] = [];
  let settled = 0;
  for (const c of shardCombinations(plan, shard)) {
    const need = combinationNeeds(plan, c, have);
    if (need.missing.length === 0) settled += need.replicates;
    else missing.push(...need.missing);
  }
  return { missing, settled };
}
