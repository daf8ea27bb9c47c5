/** Recomputes the facts notebooks/05-flush-policies.ipynb states: each policy's run, and their ranking. */
import * as ml from '../../../src/index.js';
import type { FactValue, Params } from './shared.js';

export async function flushPolicies(p: Params): Promise<Record<string, FactValue>> {
  const points = ml.gridPoints(p.base as ml.RunConfigInput, p.grid as Record<string, ml.GridValue[]>).map((pt) => ({
    ...pt,
    config: ml.parseRunConfig({
      ...pt.config,
      mermap: { ...pt.config.mermap, slots: ml.defaultSlots(pt.config.mermap.variant) },
    }),
  }));
  const runs = await ml.runGrid(points);
  const by = new Map(runs.map((r) => [String(r.row.variant), r.summary]));
  const out: Record<string, FactValue> = {};
  const s1 = by.get('rfc-v1');
  if (s1) {
    Object.assign(out, {
      'rfc-v1.flushesPer1000Gets': s1.flushesPer1000Gets,
      'rfc-v1.invlpgsPer1000Gets': s1.invlpgsPer1000Gets,
      'rfc-v1.collateralPerFlush': s1.tlb.collateralPerFlush,
      'rfc-v1.mermapPerFlush': s1.tlb.perFlush.mermap,
      'rfc-v1.cyclesPerGet': s1.cost.perGetCycles,
      'rfc-v1.exposureMean': s1.exposure.meanNs,
    });
  }
  const a = by.get('rfc-later');
  const b = by.get('mermap-invpcid');
  if (a && b) {
    Object.assign(out, {
      'mermap-invpcid.flushesPer1000Gets': b.flushesPer1000Gets,
      'rfc-later.flushesPer1000Gets': a.flushesPer1000Gets,
      'mermap-invpcid.collateralPerFlush': b.tlb.collateralPerFlush,
      'rfc-later.collateralPerFlush': a.tlb.collateralPerFlush,
      'rfc-later.cyclesPerGet': a.cost.perGetCycles,
      'mermap-invpcid.cyclesPerGet': b.cost.perGetCycles,
      'mermap-invpcid.exposureVsRfcLater': b.exposure.meanNs > a.exposure.meanNs ? 'longer' : 'not longer',
      'mermap-invpcid.exposureMean': b.exposure.meanNs,
      'rfc-later.exposureMean': a.exposure.meanNs,
    });
  }
  const f = by.get('flush-on-put');
  if (f) {
    Object.assign(out, {
      'flush-on-put.invlpgsPer1000Gets': f.invlpgsPer1000Gets,
      'flush-on-put.flushesPer1000Gets': f.flushesPer1000Gets,
      'flush-on-put.cyclesPerGet': f.cost.perGetCycles,
      'flush-on-put.exposureMean': f.exposure.meanNs,
    });
  }
  const k = by.get('kmap-local');
  if (k) {
    Object.assign(out, {
      'kmap-local.tooLarge': k.failures.too_large,
      'kmap-local.fallbackRate': k.fastPathFailuresPerAllocation,
      'kmap-local.fallbackPages': k.fallbackPages,
      'kmap-local.flushes': k.flushes,
      'kmap-local.invlpgsPer1000Gets': k.invlpgsPer1000Gets,
    });
  }
  const v = by.get('vmap-block');
  if (v) {
    Object.assign(out, {
      'vmap-block.shootdowns': v.machine.shootdowns,
      'vmap-block.ipis': v.machine.ipis,
      'vmap-block.cyclesPerGet': v.cost.perGetCycles,
    });
  }
  const sorted = [...by.entries()].sort((x, y) => x[1].cost.perGetCycles - y[1].cost.perGetCycles);
  out['rank.cheapest'] = sorted[0][0];
  out['rank.cheapestCycles'] = sorted[0][1].cost.perGetCycles;
  out['rank.dearest'] = sorted[sorted.length - 1][0];
  out['rank.dearestCycles'] = sorted[sorted.length - 1][1].cost.perGetCycles;
  return out;
}
