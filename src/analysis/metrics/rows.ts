/**
 * Row building: one row per online CPU, per mm, and per time-series sample, from the collector's
 * counters (state.ts) and the warm-up baseline (baseline.ts). Pure: reads, changes nothing.
 * The column names are documented in docs/metrics.md.
 */
import type { Machine } from '../../core/machine.js';
import { CAT_GLOBAL, CAT_MERMAP, CAT_OTHER, CAT_OTHER_PCID } from '../../core/tlb/index.js';
import type { MachineBaseline } from './baseline.js';
import { type CpuCounters, type MmCounters, ratio, type RunSpan, spanLength, weightingOf } from './state.js';
import type { FixedStepSeries } from './time-series.js';
import {
  fullFlushCount,
  fullFlushDiscards,
  T_EXPOSURE_NS,
  T_EXPOSURE_OPS,
  T_L1_HITS,
  T_MISSES,
  T_REFILLS,
  T_STALE_DROPPED,
  T_STALE_HITS,
  T_STLB_HITS,
} from './tlb-counters.js';
import type { WastedVaCollector } from './wasted-va.js';

/** The time series' sampled columns, in storage order (the rows add derived ones). */
export const SERIES_COLUMNS = [
  'op',
  'timeNs',
  'gets',
  'getFailures',
  'flushes',
  'invlpgs',
  'fastPathFailures',
  'fallbackPages',
  'wastedPages',
  'pinnedPages',
  'livePages',
  'activeRegions',
  'wastedIntNs',
  'wastedIntOps',
  'tlbHits',
  'tlbMisses',
  'refillsAfterFlush',
  'staleDropped',
  'violations',
] as const;
export const SERIES_INDEX = Object.fromEntries(SERIES_COLUMNS.map((c, i) => [c, i])) as Record<
  (typeof SERIES_COLUMNS)[number],
  number
>;

/** What the per-CPU and per-mm rows read (the wasted-VA integrals closed up to the end). */
export interface RowsInput {
  machine: Machine;
  baseline: MachineBaseline;
  waste: WastedVaCollector;
  cpu: CpuCounters;
  mm: MmCounters;
  span: RunSpan;
  /** online CPUs */
  cpus: number;
  regionPages: number;
}

/** One row per online CPU. */
export function perCpuRows(s: RowsInput): Array<Record<string, number>> {
  const w = s.waste;
  const byTime = weightingOf(s.span) === 'time';
  const span = spanLength(s.span);
  const R = s.regionPages;
  const k = s.cpu;
  const rows: Array<Record<string, number>> = [];
  for (let c = 0; c < s.cpus; c++) {
    let integral = 0;
    let peak = 0;
    let active = 0;
    for (let mm = 0; mm < w.mmCapacity; mm++) {
      const r = mm * s.cpus + c;
      integral += byTime ? w.intNs[r] : w.intOps[r];
      if (w.peak[r] > peak) peak = w.peak[r];
      active += w.active[r];
    }
    const t = s.baseline.tlbOf(c);
    const ff = fullFlushCount(t, 0);
    const d = [CAT_MERMAP, CAT_GLOBAL, CAT_OTHER_PCID, CAT_OTHER].map((cat) => fullFlushDiscards(t, 0, cat));
    const tl = s.machine.tlbs[c];
    rows.push({
      cpu: c,
      gets: k.gets[c],
      getsOk: k.getsOk[c],
      reservedGets: k.reserved[c],
      puts: k.puts[c],
      getFailures: k.fails[c],
      failureRate: ratio(k.fails[c], k.gets[c]),
      flushes: k.flushes[c],
      invlpgs: k.invlpgs[c],
      flushesPer1000Gets: ratio(1000 * k.flushes[c], k.gets[c]),
      getsBetweenFlushesCount: k.intervals[c],
      getsBetweenFlushesMean: ratio(k.intervalSum[c], k.intervals[c]),
      getsBetweenFlushesMax: k.intervalMax[c],
      fastPathFailures: k.fastFail[c],
      fallbackPages: k.fallback[c],
      activeRegions: active,
      wastedVaMeanFraction: ratio(integral, R * span * active),
      wastedVaPeakFraction: peak / R,
      tlbHits: t[T_L1_HITS] + t[T_STLB_HITS],
      tlbMisses: t[T_MISSES],
      tlbWalks: t[T_MISSES],
      tlbFullFlushes: ff,
      tlbDiscardedMermap: d[0],
      tlbDiscardedGlobal: d[1],
      tlbDiscardedOtherPcid: d[2],
      tlbDiscardedUser: d[3],
      tlbPerFlushMermap: ratio(d[0], ff),
      tlbPerFlushGlobal: ratio(d[1], ff),
      tlbPerFlushOtherPcid: ratio(d[2], ff),
      tlbPerFlushUser: ratio(d[3], ff),
      tlbRefillsAfterFlush: t[T_REFILLS],
      exposureStaleDropped: t[T_STALE_DROPPED],
      exposureMeanOps: ratio(t[T_EXPOSURE_OPS], t[T_STALE_DROPPED]),
      exposureMaxOps: tl.maxExposureOps,
      exposureMeanNs: ratio(t[T_EXPOSURE_NS], t[T_STALE_DROPPED]),
      exposureMaxNs: tl.maxExposureNs,
      exposureStaleHits: t[T_STALE_HITS],
    });
  }
  return rows;
}

/** One row per mm of the machine. */
export function perMmRows(s: RowsInput): Array<Record<string, number>> {
  const w = s.waste;
  const byTime = weightingOf(s.span) === 'time';
  const span = spanLength(s.span);
  const R = s.regionPages;
  const m = s.machine;
  const k = s.mm;
  const rows: Array<Record<string, number>> = [];
  for (let mm = 0; mm < m.mmCount(); mm++) {
    let integral = 0;
    let peak = 0;
    let active = 0;
    for (let c = 0; c < s.cpus; c++) {
      const r = mm * s.cpus + c;
      integral += byTime ? w.intNs[r] : w.intOps[r];
      if (w.peak[r] > peak) peak = w.peak[r];
      active += w.active[r];
    }
    const alloc = m.allocator(mm);
    let flushes = 0;
    let live = 0;
    for (let c = 0; c < alloc.flushes.length; c++) flushes += alloc.flushes[c];
    for (let c = 0; c < s.cpus; c++) live += alloc.liveAllocations(c).length;
    const pc = m.prepareCost(mm);
    rows.push({
      mm,
      gets: k.gets[mm],
      getsOk: k.getsOk[mm],
      puts: k.puts[mm],
      getFailures: k.fails[mm],
      failureRate: ratio(k.fails[mm], k.gets[mm]),
      allocatorFlushes: flushes,
      flushesPer1000Gets: ratio(1000 * flushes, k.gets[mm]),
      activeRegions: active,
      wastedVaMeanFraction: ratio(integral, R * span * active),
      wastedVaPeakFraction: peak / R,
      liveAllocationsAtEnd: live,
      prepared: alloc.prepared ? 1 : 0,
      pageTableBytes: pc.bytes,
      pageTablePages: pc.tablePages,
      preparePteWrites: pc.pteWrites,
    });
  }
  return rows;
}

/**
 * The time series: one row per sample at a fixed step (at most maxSeriesRows rows). Cumulative
 * counters as sampled, the state at the sample point, and per-interval values against the
 * previous row (the first row against the start).
 */
export function timeSeriesRows(s: FixedStepSeries, regionPages: number, run: RunSpan): Array<Record<string, number>> {
  const R = regionPages;
  const out: Array<Record<string, number>> = [];
  const byTime = weightingOf(run) === 'time';
  let prev: Record<string, number> | null = null;
  for (let i = 0; i < s.rows; i++) {
    const row: Record<string, number> = {};
    SERIES_COLUMNS.forEach((c, j) => (row[c] = s.value(i, j)));
    const regions = row.activeRegions * R;
    row.timeMs = row.timeNs / 1e6;
    row.wastedFraction = ratio(row.wastedPages, regions);
    row.pinnedFraction = ratio(row.pinnedPages, regions);
    row.liveFraction = ratio(row.livePages, regions);
    const p = prev ?? {
      op: run.startOp,
      timeNs: run.startNs,
      gets: 0,
      getFailures: 0,
      flushes: 0,
      invlpgs: 0,
      wastedIntNs: 0,
      wastedIntOps: 0,
      tlbHits: 0,
      tlbMisses: 0,
    };
    const dGets = row.gets - p.gets;
    row.intervalGets = dGets;
    row.intervalFlushes = row.flushes - p.flushes;
    row.flushesPer1000Gets = ratio(1000 * row.intervalFlushes, dGets);
    row.failureRate = ratio(row.getFailures - p.getFailures, dGets);
    const dHits = row.tlbHits - p.tlbHits;
    const dMiss = row.tlbMisses - p.tlbMisses;
    row.tlbMissRate = ratio(dMiss, dHits + dMiss);
    const dt = byTime ? row.timeNs - p.timeNs : row.op - p.op;
    const dInt = byTime ? row.wastedIntNs - p.wastedIntNs : row.wastedIntOps - p.wastedIntOps;
    row.wastedMeanFraction = dt > 0 ? ratio(dInt, dt * regions) : row.wastedFraction;
    row.sampleStep = s.step;
    out.push(row);
    prev = row;
  }
  return out;
}
