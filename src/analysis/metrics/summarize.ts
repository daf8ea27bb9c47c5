/**
 * Pure summarizing: the collector's counters (state.ts), the warm-up baseline (baseline.ts) and
 * the wasted-VA collector's integrals in, one RunSummary (summary.ts) out. Reads the Machine,
 * changes nothing.
 */
import type { Machine } from '../../core/machine.js';
import { mermapPrepareCostClosedForm } from '../../core/paging/cost.js';
import { Cat, Flush } from '../../core/tlb/index.js';
import type { CostCounters, CostModel, SlowPathCounters } from '../costs/index.js';
import type { MachineBaseline } from './baseline.js';
import type { LogHistogram } from './histogram.js';
import { runCostBand, runCostOf } from './run-cost.js';
import type { SlowPathCollector } from './slow-path.js';
import { type CpuCounters, ratio, type RunSpan, type RunTotals, spanLength, sum, weightingOf } from './state.js';
import type { PageTableSummary, RunSummary, TlbCategories, TlbSummary } from './summary.js';
import {
  discardsOfKind,
  fullFlushCount,
  fullFlushDiscards,
  T_EVICTIONS,
  T_EXPOSURE_NS,
  T_EXPOSURE_OPS,
  T_FILLS,
  T_FLUSHES,
  T_L1_HITS,
  T_MISSES,
  T_REFILLS,
  T_SHADOW_MISSES,
  T_STALE_DROPPED,
  T_STALE_HITS,
  T_STLB_HITS,
} from './tlb-counters.js';
import type { WastedVaCollector } from './wasted-va.js';

/** What summarize() reads. */
export interface SummaryInput {
  machine: Machine;
  baseline: MachineBaseline;
  waste: WastedVaCollector;
  hist: LogHistogram;
  slow: SlowPathCollector;
  cpu: CpuCounters;
  totals: RunTotals;
  span: RunSpan;
  costModel: CostModel;
  /** online CPUs */
  cpus: number;
  regionPages: number;
}

export function summarize(s: SummaryInput): RunSummary {
  const m = s.machine;
  const R = s.regionPages;
  const w = s.waste;
  const base = s.baseline;
  const tot = s.totals;
  const t = base.tlbTotals();
  const seconds = (s.span.nowNs - s.span.startNs) / 1e9;
  const gets = tot.gets;

  const failures = base.failuresByReason();
  const { byKind: violations, total: violationsTotal } = base.violationsByKind();

  // wasted VA
  const byTime = weightingOf(s.span) === 'time';
  const span = spanLength(s.span);
  const denom = R * span * w.activeRegions;
  const wasted = w.totalIntegral('wasted', byTime);
  const pinned = w.totalIntegral('pinned', byTime);
  const live = w.totalIntegral('live', byTime);
  let peak = 0;
  for (let r = 0; r < w.regions; r++) if (w.peakOf(r) > peak) peak = w.peakOf(r);

  // TLB
  const disc: TlbCategories = {
    mermap: fullFlushDiscards(t, 0, Cat.MERMAP),
    global: fullFlushDiscards(t, 0, Cat.GLOBAL),
    otherPcid: fullFlushDiscards(t, 0, Cat.OTHER_PCID),
    user: fullFlushDiscards(t, 0, Cat.OTHER),
  };
  const fullFlushes = fullFlushCount(t, 0);
  const discTotal = disc.mermap + disc.global + disc.otherPcid + disc.user;
  const hits = t[T_L1_HITS] + t[T_STLB_HITS];
  const mc = base.machineDelta();
  const collateral = base.collateralRefills();
  const tlb: TlbSummary = {
    hits,
    l1Hits: t[T_L1_HITS],
    stlbHits: t[T_STLB_HITS],
    misses: t[T_MISSES],
    walks: mc.pageWalks,
    fills: t[T_FILLS],
    evictions: t[T_EVICTIONS],
    missRate: ratio(t[T_MISSES], hits + t[T_MISSES]),
    fullFlushes,
    discarded: disc,
    discardedPerFlush: ratio(discTotal, fullFlushes),
    perFlush: {
      mermap: ratio(disc.mermap, fullFlushes),
      global: ratio(disc.global, fullFlushes),
      otherPcid: ratio(disc.otherPcid, fullFlushes),
      user: ratio(disc.user, fullFlushes),
    },
    collateralPerFlush: ratio(disc.global + disc.otherPcid + disc.user, fullFlushes),
    invlpgDiscarded: discardsOfKind(t, 0, Flush.INVLPG),
    cr3Discarded: discardsOfKind(t, 0, Flush.CR3),
    refillsAfterFlush: t[T_REFILLS],
    refillsPerFlush: ratio(t[T_REFILLS], fullFlushes),
    shadowMisses: base.shadowed ? t[T_SHADOW_MISSES] : null,
    collateralRefills: collateral,
    collateralRefillsPerFlush: collateral === null ? null : ratio(collateral, fullFlushes),
  };

  // cost
  const model = s.costModel;
  const counters: CostCounters = {
    gets,
    invlpgs: t[T_FLUSHES + Flush.INVLPG],
    flushAlls: t[T_FLUSHES + Flush.ALL],
    cr3Flushes: t[T_FLUSHES + Flush.CR3],
    invpcids: t[T_FLUSHES + Flush.INVPCID_SINGLE],
    walks: t[T_REFILLS],
    shootdowns: mc.shootdowns,
    ipis: mc.ipis,
    workCycles: tot.workCycles,
  };
  const sp = s.slow;
  const slowCounters: SlowPathCounters = {
    allocations: sp.allocations,
    pages: sp.pages,
    pteWrites: sp.pteWrites,
    lockAcquisitions: sp.lockAcquisitions,
  };
  const cost = runCostOf(counters, slowCounters, model);
  const band = runCostBand(counters, slowCounters, { flushCeilingPages: model.flushCeilingPages });

  // exposure
  let maxOps = 0;
  let maxNs = 0;
  let staleLive = 0;
  for (let c = 0; c < s.cpus; c++) {
    const tl = m.tlbs[c];
    if (tl.maxExposureOps > maxOps) maxOps = tl.maxExposureOps;
    if (tl.maxExposureNs > maxNs) maxNs = tl.maxExposureNs;
    staleLive += tl.staleLive();
  }

  const flushes = tot.flushes;
  return {
    events: tot.events,
    ops: s.span.nowOp - s.span.startOp,
    simulatedSeconds: seconds,
    gets,
    getsOk: gets - tot.fails,
    reservedGets: tot.reservedGets - tot.reservedFails,
    reservedGetFailures: tot.reservedFails,
    fastPathGets: gets - tot.reservedGets,
    reservedGetFraction: ratio(tot.reservedGets, gets),
    puts: sum(s.cpu.puts),
    getFailures: tot.fails,
    failureRate: ratio(tot.fails, gets),
    allocations: tot.allocations,
    workCycles: tot.workCycles,
    zeroedPages: tot.zeroedPages,
    flushes,
    allocatorFlushes: base.allocatorFlushesDelta(),
    invlpgs: tot.invlpgs,
    flushesPer1000Gets: ratio(1000 * flushes, gets),
    invlpgsPer1000Gets: ratio(1000 * tot.invlpgs, gets),
    flushesPerSecond: ratio(flushes, seconds),
    flushesPerAllocation: ratio(flushes, tot.allocations),
    flushesPerZeroedPage: ratio(flushes, tot.zeroedPages),
    flushesPer1000FastPathGets: ratio(1000 * flushes, gets - tot.reservedGets),
    getsBetweenFlushes: {
      count: s.hist.count,
      mean: s.hist.mean(),
      p50: s.hist.quantile(0.5),
      p99: s.hist.quantile(0.99),
      min: s.hist.count > 0 ? s.hist.min : 0,
      max: s.hist.max,
    },
    failures,
    fastPathFailures: tot.fastPathFailures,
    fallbackPages: tot.fallbackPages,
    fastPathFailuresPerAllocation: ratio(tot.fastPathFailures, tot.allocations),
    slowPath: sp.summary(),
    wastedVa: {
      meanFraction: ratio(wasted, denom),
      peakFraction: peak / R,
      meanReclaimableFraction: ratio(wasted - pinned, denom),
      meanPinnedFraction: ratio(pinned, denom),
      meanLiveFraction: ratio(live, denom),
      weighting: byTime ? 'time' : 'ops',
      activeRegions: w.activeRegions,
      regionPages: R,
    },
    failureStates: {
      count: w.failCount,
      meanLive: ratio(w.failLive, w.failCount),
      meanPending: ratio(w.failReclaimable, w.failCount),
      meanPinned: ratio(w.failPinned, w.failCount),
      meanFree: ratio(w.failFree, w.failCount),
      meanRequestPages: ratio(w.failRequestPages, w.failCount),
    },
    tlb,
    cost: {
      model: model.name,
      source: model.source,
      params: {
        invlpgCycles: model.invlpgCycles,
        flushAllCycles: model.flushAllCycles,
        cr3Cycles: model.cr3Cycles,
        invpcidCycles: model.invpcidCycles,
        walkCycles: model.walkCycles,
        shootdownBaseCycles: model.shootdownBaseCycles,
        ipiCycles: model.ipiCycles,
        cpuGhz: model.cpuGhz,
        flushCeilingPages: model.flushCeilingPages,
        pteWriteCycles: model.pteWriteCycles,
        lockCycles: model.lockCycles,
        irqSaveRestoreCycles: model.irqSaveRestoreCycles,
      },
      refillWalks: t[T_REFILLS],
      ...cost,
      band,
    },
    pageTables: pageTableSummary(m),
    exposure: {
      staleDropped: t[T_STALE_DROPPED],
      meanOps: ratio(t[T_EXPOSURE_OPS], t[T_STALE_DROPPED]),
      maxOps,
      meanNs: ratio(t[T_EXPOSURE_NS], t[T_STALE_DROPPED]),
      maxNs,
      staleLive,
      staleHits: t[T_STALE_HITS],
    },
    violations,
    violationsTotal,
    machine: mc,
  };
}

export function pageTableSummary(m: Machine): PageTableSummary {
  const g = m.geometry;
  const c = mermapPrepareCostClosedForm(g.levels, g.regionPages, g.possibleCpus);
  let prepared = 0;
  let total = 0;
  let first = -1;
  for (let mm = 0; mm < m.mmCount(); mm++) {
    if (!m.allocator(mm).prepared) continue;
    const pc = m.prepareCost(mm);
    prepared++;
    total += pc.bytes;
    if (first < 0 && pc.tablePages > 0) first = mm;
  }
  // the tables the first prepared mm really got (the same as the closed form when it was
  // prepared on a fresh mm); the closed form when none was prepared
  const measured = first >= 0 ? m.prepareCost(first) : null;
  return {
    bytesPerMm: measured?.bytes ?? c.bytes,
    tablePagesPerMm: measured?.tablePages ?? c.tablePages,
    pteTables: c.pteTables,
    pmdTables: c.pmdTables,
    pudTables: c.pudTables,
    p4dTables: c.p4dTables,
    setupPteWrites: measured?.pteWrites ?? c.pteWrites,
    possibleCpus: g.possibleCpus,
    regionPages: g.regionPages,
    pagingLevels: g.levels,
    preparedMms: prepared,
    totalBytes: total,
  };
}
