/** Recomputes the facts notebooks/02-region-size-tuning.ipynb states: slot pressure and the recommendations. */
import * as ml from '../../../src/index.js';
import { type FactValue, gridRows, mean, type Params } from './shared.js';

export async function regionSize(p: Params): Promise<Record<string, FactValue>> {
  const rows = await gridRows(p.base, p.grid);
  const grid = p.grid as Record<string, Array<string | number>>;
  const targets = p.targets as ml.Targets;
  const out: Record<string, FactValue> = {};
  const fewest = Math.min(...(grid['mermap.slots'] as number[]));
  const largest = Math.max(...(grid['mermap.regionPages'] as number[]));
  const at = (v: string) => rows.filter((r) => r.variant === v && r.regionPages === largest && r.slots === fewest);
  const v1 = at('rfc-v1');
  const later = at('rfc-later');
  if (v1.length > 0 && later.length > 0) {
    Object.assign(out, {
      'slots.fewest': fewest,
      'slots.regionPages': largest,
      'slots.v1FailedGets': mean(v1, 'failureRate'),
      'slots.laterFailedGets': mean(later, 'failureRate'),
      'slots.v1NoSlot': mean(v1, 'failuresNoSlot'),
      'slots.laterNoSlot': mean(later, 'failuresNoSlot'),
      'slots.v1FallbackRate': mean(v1, 'fastPathFailuresPerAllocation'),
      'slots.laterFallbackRate': mean(later, 'fastPathFailuresPerAllocation'),
    });
  }
  const cpus = (p.base as { machine: { possibleCpus: number } }).machine.possibleCpus;
  // half the 95 % interval (0 without one: n = 1)
  const half = (e: ml.Estimate): number => (e.ci95 === null ? 0 : (e.ci95[1] - e.ci95[0]) / 2);
  for (const r of ml.recommendWithIntervals(rows, targets)) {
    const v = r.variant;
    out[`rec.${v}.variant`] = v;
    out[`rec.${v}.fallbackTarget`] = targets.maxFallbackRate;
    out[`rec.${v}.flushTarget`] = targets.maxFlushCostFraction;
    out[`rec.${v}.verdict`] = r.verdict;
    if (r.regionPages !== null) {
      out[`rec.${v}.regionPages`] = r.regionPages;
      out[`rec.${v}.size`] = ml.pagesToSize(r.regionPages);
      out[`rec.${v}.slots`] = r.slots!;
      out[`rec.${v}.fallbackRate`] = r.fallbackRate!.mean;
      out[`rec.${v}.fallbackHalf`] = half(r.fallbackRate!);
      out[`rec.${v}.flushCost`] = r.flushCostFraction!.mean;
      out[`rec.${v}.flushHalf`] = half(r.flushCostFraction!);
      out[`rec.${v}.n`] = r.fallbackRate!.n;
      out[`rec.${v}.pageTablesKiB`] = r.pageTableBytesPerMm! / 1024;
      out[`rec.${v}.cpus`] = cpus;
    } else {
      out[`rec.${v}.reason`] = r.reason;
    }
  }
  return out;
}
