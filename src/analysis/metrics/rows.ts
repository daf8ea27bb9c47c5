/**
 * Row building: one row per online CPU, per mm, and per time-series sample, from the collector's
 * counters (state.ts) and the warm-up baseline (baseline.ts). Pure: reads, changes nothing.
 * The column names are documented in docs/metrics.md.
 */
import type { Machine } from '../../core/machine.js';
import { Cat } from '../../core/tlb/index.js';
import { CPU_SET, MM_SET, TIME_SERIES_SAMPLED_SET, TIME_SERIES_SET } from '../columns/index.js';
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

/** The time series' sampled columns, in storage order (the vocabulary's; the rows add derived ones). */
export type SeriesKey = keyof typeof TIME_SERIES_SAMPLED_SET.field;
export const SERIES_COLUMNS = TIME_SERIES_SAMPLED_SET.names as readonly SeriesKey[];
export const SERIES_INDEX = Object.fromEntries(SERIES_COLUMNS.map((c, i) => [c, i])) as Record<SeriesKey, number>;

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

/**
 * The wasted-VA integral, the peak and the active count over `count` regions (index mm x cpus +
 * CPU) from `first`, `stride` apart: one CPU's regions of every mm, or one mm's of every CPU.
 */
function regionsOf(
  w: WastedVaCollector,
  byTime: boolean,
  first: number,
  count: number,
  stride: number,
): { integral: number; peak: number; active: number } {
  let integral = 0;
  let peak = 0;
  let active = 0;
  for (let i = 0, r = first; i < count; i++, r += stride) {
    integral += w.integralOf(r, byTime);
    if (w.peakOf(r) > peak) peak = w.peakOf(r);
    active += w.active[r];
  }
  return { integral, peak, active };
}

/** What both the per-CPU and the per-mm rows start from. */
function rowBasis(s: RowsInput): { w: WastedVaCollector; byTime: boolean; span: number; R: number } {
  return { w: s.waste, byTime: weightingOf(s.span) === 'time', span: spanLength(s.span), R: s.regionPages };
}

/** One row per online CPU. */
export function perCpuRows(s: RowsInput): Array<Record<string, number>> {
  const { w, byTime, span, R } = rowBasis(s);
  const k = s.cpu;
  const C = CPU_SET.field;
  const rows: Array<Record<string, number>> = [];
  for (let c = 0; c < s.cpus; c++) {
    const { integral, peak, active } = regionsOf(w, byTime, c, w.mmCapacity, s.cpus);
    const t = s.baseline.tlbOf(c);
    const ff = fullFlushCount(t, 0);
    const d = [Cat.MERMAP, Cat.GLOBAL, Cat.OTHER_PCID, Cat.OTHER].map((cat) => fullFlushDiscards(t, 0, cat));
    const tl = s.machine.tlbs[c];
    rows.push({
      [C.cpu]: c,
      [C.gets]: k.gets[c],
      [C.getsOk]: k.getsOk[c],
      [C.reservedGets]: k.reserved[c],
      [C.puts]: k.puts[c],
      [C.getFailures]: k.fails[c],
      [C.failureRate]: ratio(k.fails[c], k.gets[c]),
      [C.flushes]: k.flushes[c],
      [C.invlpgs]: k.invlpgs[c],
      [C.flushesPer1000Gets]: ratio(1000 * k.flushes[c], k.gets[c]),
      [C.getsBetweenFlushesCount]: k.intervals[c],
      [C.getsBetweenFlushesMean]: ratio(k.intervalSum[c], k.intervals[c]),
      [C.getsBetweenFlushesMax]: k.intervalMax[c],
      [C.fastPathFailures]: k.fastFail[c],
      [C.fallbackPages]: k.fallback[c],
      [C.activeRegions]: active,
      [C.wastedVaMeanFraction]: ratio(integral, R * span * active),
      [C.wastedVaPeakFraction]: peak / R,
      [C.tlbHits]: t[T_L1_HITS] + t[T_STLB_HITS],
      [C.tlbMisses]: t[T_MISSES],
      [C.tlbWalks]: t[T_MISSES],
      [C.tlbFullFlushes]: ff,
      [C.tlbDiscardedMermap]: d[0],
      [C.tlbDiscardedGlobal]: d[1],
      [C.tlbDiscardedOtherPcid]: d[2],
      [C.tlbDiscardedUser]: d[3],
      [C.tlbPerFlushMermap]: ratio(d[0], ff),
      [C.tlbPerFlushGlobal]: ratio(d[1], ff),
      [C.tlbPerFlushOtherPcid]: ratio(d[2], ff),
      [C.tlbPerFlushUser]: ratio(d[3], ff),
      [C.tlbRefillsAfterFlush]: t[T_REFILLS],
      [C.exposureStaleDropped]: t[T_STALE_DROPPED],
      [C.exposureMeanOps]: ratio(t[T_EXPOSURE_OPS], t[T_STALE_DROPPED]),
      [C.exposureMaxOps]: tl.maxExposureOps,
      [C.exposureMeanNs]: ratio(t[T_EXPOSURE_NS], t[T_STALE_DROPPED]),
      [C.exposureMaxNs]: tl.maxExposureNs,
      [C.exposureStaleHits]: t[T_STALE_HITS],
    });
  }
  return rows;
}

/** One row per mm of the machine. */
export function perMmRows(s: RowsInput): Array<Record<string, number>> {
  const { w, byTime, span, R } = rowBasis(s);
  const m = s.machine;
  const k = s.mm;
  const M = MM_SET.field;
  const rows: Array<Record<string, number>> = [];
  for (let mm = 0; mm < m.mmCount(); mm++) {
    const { integral, peak, active } = regionsOf(w, byTime, mm * s.cpus, s.cpus, 1);
    const alloc = m.allocator(mm);
    let flushes = 0;
    let live = 0;
    for (let c = 0; c < alloc.flushes.length; c++) flushes += alloc.flushes[c];
    for (let c = 0; c < s.cpus; c++) live += alloc.liveAllocations(c).length;
    const pc = m.prepareCost(mm);
    rows.push({
      [M.mm]: mm,
      [M.gets]: k.gets[mm],
      [M.getsOk]: k.getsOk[mm],
      [M.puts]: k.puts[mm],
      [M.getFailures]: k.fails[mm],
      [M.failureRate]: ratio(k.fails[mm], k.gets[mm]),
      [M.allocatorFlushes]: flushes,
      [M.flushesPer1000Gets]: ratio(1000 * flushes, k.gets[mm]),
      [M.activeRegions]: active,
      [M.wastedVaMeanFraction]: ratio(integral, R * span * active),
      [M.wastedVaPeakFraction]: peak / R,
      [M.liveAllocationsAtEnd]: live,
      [M.prepared]: alloc.prepared ? 1 : 0,
      [M.pageTableBytes]: pc.bytes,
      [M.pageTablePages]: pc.tablePages,
      [M.preparePteWrites]: pc.pteWrites,
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
  const T = TIME_SERIES_SET.field;
  const out: Array<Record<string, number>> = [];
  const byTime = weightingOf(run) === 'time';
  // the previous row's cumulative values (before the first row: the start)
  let p = { op: run.startOp, timeNs: run.startNs, gets: 0, getFailures: 0, flushes: 0 };
  let q = { wastedIntNs: 0, wastedIntOps: 0, tlbHits: 0, tlbMisses: 0 };
  for (let i = 0; i < s.rows; i++) {
    const at = (k: SeriesKey): number => s.value(i, SERIES_INDEX[k]);
    const row: Record<string, number> = {};
    SERIES_COLUMNS.forEach((k, j) => (row[T[k]] = s.value(i, j)));
    const regions = at('activeRegions') * R;
    const wastedFraction = ratio(at('wastedPages'), regions);
    row[T.timeMs] = at('timeNs') / 1e6;
    row[T.wastedFraction] = wastedFraction;
    row[T.pinnedFraction] = ratio(at('pinnedPages'), regions);
    row[T.liveFraction] = ratio(at('livePages'), regions);
    const dGets = at('gets') - p.gets;
    const intervalFlushes = at('flushes') - p.flushes;
    row[T.intervalGets] = dGets;
    row[T.intervalFlushes] = intervalFlushes;
    row[T.flushesPer1000Gets] = ratio(1000 * intervalFlushes, dGets);
    row[T.failureRate] = ratio(at('getFailures') - p.getFailures, dGets);
    const dHits = at('tlbHits') - q.tlbHits;
    const dMiss = at('tlbMisses') - q.tlbMisses;
    row[T.tlbMissRate] = ratio(dMiss, dHits + dMiss);
    const dt = byTime ? at('timeNs') - p.timeNs : at('op') - p.op;
    const dInt = byTime ? at('wastedIntNs') - q.wastedIntNs : at('wastedIntOps') - q.wastedIntOps;
    row[T.wastedMeanFraction] = dt > 0 ? ratio(dInt, dt * regions) : wastedFraction;
    row[T.sampleStep] = s.step;
    out.push(row);
    p = {
      op: at('op'),
      timeNs: at('timeNs'),
      gets: at('gets'),
      getFailures: at('getFailures'),
      flushes: at('flushes'),
    };
    q = {
      wastedIntNs: at('wastedIntNs'),
      wastedIntOps: at('wastedIntOps'),
      tlbHits: at('tlbHits'),
      tlbMisses: at('tlbMisses'),
    };
  }
  return out;
}
