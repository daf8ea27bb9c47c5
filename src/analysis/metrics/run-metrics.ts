/**
 * RunMetrics: every metric of one run, streamed from inside the simulation loop.
 *
 *   driver loop:   metrics.tick(t, op)  ->  apply event to the Machine  ->  observer callbacks
 *   end:           metrics.finish(t, op) -> RunSummary (plain JSON)
 *
 * Per event the collector does O(1) work on typed arrays and plain numbers (a get or put also
 * reads one region with regionUsage(), O(slots)) and allocates nothing; the only storage that
 * grows is per mm (when the Machine gets a new mm). Everything that needs more than a counter is
 * bounded: the gets-between-flushes histogram is fixed-size (histogram.ts), the time series has
 * at most maxSeriesRows rows (time-series.ts), the region timeline at most maxSteps steps.
 *
 * What counts as what (docs/metrics.md has every field):
 *   get           a mermapGet() call, successful or not (reserved gets included)
 *   flush         a full local flush the machine reports: __flush_tlb_all (FLUSH_ALL) or an
 *                 INVPCID single-context flush; INVLPGs are counted apart
 *   gets between  per CPU, the gets since that CPU's previous flush (or since the start), recorded
 *   flushes       at each flush; the get that triggers a flush counts in the next interval, so a
 *                 1-page get/put loop on R = 512 records 511 for every flush. The open interval at
 *                 the end is not recorded.
 *   wasted VA     see wasted-va.ts
 *
 * Counters are taken relative to the moment the collector was built (a warm-up before it does not
 * count), except the TLBs' maximum exposures, which cover each TLB's whole life.
 */
import { VIOLATION_KINDS } from '../../core/checker.js';
import type { Machine, MachineObserver } from '../../core/machine.js';
import { REASON_COUNT, REASON_NAMES, reasonName } from '../../core/mermap/reasons.js';
import { mermapPrepareCostClosedForm } from '../../core/paging/cost.js';
import { costOf, type Cost, type CostModel } from '../cost-models.js';
import { LogHistogram } from './histogram.js';
import { RegionTimeline, type RegionTimelineRow } from './region-timeline.js';
import { FixedStepSeries } from './time-series.js';
import {
  CAT_GLOBAL,
  CAT_MERMAP,
  CAT_OTHER,
  CAT_OTHER_PCID,
  FLUSH_ALL,
  FLUSH_CR3,
  FLUSH_INVLPG,
  FLUSH_INVPCID_SINGLE,
} from '../../core/tlb/index.js';
import {
  addTlbCounters,
  discardsOfKind,
  fullFlushCount,
  fullFlushDiscards,
  T_EVICTIONS,
  T_EXPOSURE_NS,
  T_EXPOSURE_OPS,
  T_FIELDS,
  T_FILLS,
  T_FLUSHES,
  T_L1_HITS,
  T_MISSES,
  T_REFILLS,
  T_STALE_DROPPED,
  T_STALE_HITS,
  T_STLB_HITS,
} from './tlb-counters.js';
import { WastedVaCollector } from './wasted-va.js';

export interface MetricsOptions {
  costModel: CostModel;
  /** time-series step in simulated ns (takes precedence over sampleEveryOps) */
  sampleEveryNs?: number | undefined;
  /** time-series step in ops; default 1 (the step doubles as the series fills) */
  sampleEveryOps?: number | undefined;
  /** record the page states of one (mm, CPU) region at every event that touches it */
  regionTimeline?: { mm: number; cpu: number; maxSteps?: number; maxBands?: number } | undefined;
  /** time-series row limit (even, >= 4); default 2000 */
  maxSeriesRows?: number | undefined;
}

export interface GetsBetweenFlushes {
  /** recorded intervals (= flushes on online CPUs) */
  count: number;
  mean: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
}

export interface WastedVaSummary {
  /** mean over active regions of the time- (or op-) weighted wasted fraction of R */
  meanFraction: number;
  /** largest wasted fraction any region reached */
  peakFraction: number;
  /** the part of meanFraction a wrap flush would get back (flush-pending above the highest live allocation) */
  meanReclaimableFraction: number;
  /** the part of meanFraction pinned below a live allocation */
  meanPinnedFraction: number;
  /** mean fraction of R held by live allocations */
  meanLiveFraction: number;
  /** 'time' when simulated time advanced, else 'ops' */
  weighting: 'time' | 'ops';
  /** (mm, CPU) regions with at least one get */
  activeRegions: number;
  regionPages: number;
}

/**
 * One failed get and the state of its region at that moment (pages by state, as
 * MermapAllocator.regionUsage() counts them): the first `maxFailureSamples` failures of a run.
 */
export interface FailureSample {
  op: number;
  timeNs: number;
  cpu: number;
  mm: number;
  /** failure reason (the replay contract's names) */
  reason: string;
  requestPages: number;
  live: number;
  reclaimable: number;
  pinned: number;
  free: number;
  /** next_addr as an offset from the CPU's region base */
  nextOffset: number;
}

export interface FailureStates {
  /** failed gets */
  count: number;
  /** mean pages of the failing region in each state at the failure (they sum to R) */
  meanLive: number;
  meanPending: number;
  meanPinned: number;
  meanFree: number;
  /** mean pages asked for by the failed gets */
  meanRequestPages: number;
}

export interface TlbCategories {
  mermap: number;
  global: number;
  otherPcid: number;
  user: number;
}

export interface TlbSummary {
  hits: number;
  l1Hits: number;
  stlbHits: number;
  misses: number;
  /** page walks after a miss in both levels (Machine.pageWalks) */
  walks: number;
  fills: number;
  evictions: number;
  /** misses / (hits + misses) */
  missRate: number;
  /** full flushes (FLUSH_ALL + INVPCID single context) counted by the TLBs */
  fullFlushes: number;
  /** translations full flushes discarded, by category */
  discarded: TlbCategories;
  /** all categories / fullFlushes */
  discardedPerFlush: number;
  /** each category / fullFlushes */
  perFlush: TlbCategories;
  /** collateral (global + otherPcid + user) / fullFlushes */
  collateralPerFlush: number;
  /** translations INVLPGs discarded */
  invlpgDiscarded: number;
  /** translations flushing CR3 writes (no PCID) discarded */
  cr3Discarded: number;
  /** fills of a translation a full flush had discarded (non-mermap only): the flush's refill misses */
  refillsAfterFlush: number;
  refillsPerFlush: number;
}

/** The cost model's numbers, as used for the run (the presets' fields without name and source). */
export type CostParams = Omit<CostModel, 'name' | 'source'>;

export interface CostSummary extends Cost {
  /** preset name */
  model: string;
  /** where the preset's numbers come from */
  source: string;
  /** the numbers used (preset plus any overrides) */
  params: CostParams;
  /** the walks charged: refill walks after full flushes (tlb.refillsAfterFlush) */
  refillWalks: number;
}

export interface PageTableSummary {
  bytesPerMm: number;
  tablePagesPerMm: number;
  pteTables: number;
  pmdTables: number;
  pudTables: number;
  p4dTables: number;
  /** PTEs written by one mm's mermap_mm_prepare() */
  setupPteWrites: number;
  possibleCpus: number;
  regionPages: number;
  pagingLevels: number;
  /** mms whose mermap was prepared */
  preparedMms: number;
  /** bytes over all prepared mms */
  totalBytes: number;
}

export interface ExposureSummary {
  /** stale translations (to a put mermap page) that left a TLB during the run */
  staleDropped: number;
  meanOps: number;
  maxOps: number;
  meanNs: number;
  maxNs: number;
  /** stale translations still cached at the end (their exposure is not in the means) */
  staleLive: number;
  /** TLB hits on a stale translation */
  staleHits: number;
}

export interface MachineSummary {
  accesses: number;
  pageWalks: number;
  walkReads: number;
  pageFaults: number;
  mermapFaults: number;
  cr3Writes: number;
  /** CR3 writes that flushed: a dynamic ASID reused for another mm, or no PCID */
  cr3Flushes: number;
  migrations: number;
  migrationsRefused: number;
  shootdowns: number;
  ipis: number;
  remoteInvlpgs: number;
  pteWrites: number;
  ptesSkipped: number;
}

export interface RunSummary {
  /** tick() calls: events the driver applied */
  events: number;
  /** op span: finish's op - the op at construction */
  ops: number;
  simulatedSeconds: number;
  gets: number;
  getsOk: number;
  reservedGets: number;
  puts: number;
  getFailures: number;
  /** getFailures / gets */
  failureRate: number;
  /** noteAllocation() calls */
  allocations: number;
  /** noteWork() cycles */
  workCycles: number;
  flushes: number;
  /** flushes the allocators asked for (sum of MermapAllocator.flushes: KUnit's tlb_flushes) */
  allocatorFlushes: number;
  invlpgs: number;
  flushesPer1000Gets: number;
  invlpgsPer1000Gets: number;
  flushesPerSecond: number;
  getsBetweenFlushes: GetsBetweenFlushes;
  /** by reason name (every reason present, 'ok' excluded); put failures (not_in_use) included */
  failures: Record<string, number>;
  fastPathFailures: number;
  fallbackPages: number;
  /** fastPathFailures / allocations (0 without allocations) */
  fastPathFailuresPerAllocation: number;
  wastedVa: WastedVaSummary;
  failureStates: FailureStates;
  tlb: TlbSummary;
  cost: CostSummary;
  pageTables: PageTableSummary;
  exposure: ExposureSummary;
  /** by checker kind (every kind present) */
  violations: Record<string, number>;
  violationsTotal: number;
  machine: MachineSummary;
}

const SERIES_COLUMNS = [
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
const S = Object.fromEntries(SERIES_COLUMNS.map((c, i) => [c, i])) as Record<(typeof SERIES_COLUMNS)[number], number>;

const M_FIELDS = [
  'accesses',
  'pageWalks',
  'walkReads',
  'pageFaults',
  'mermapFaults',
  'cr3Writes',
  'cr3Flushes',
  'migrations',
  'migrationsRefused',
  'shootdowns',
  'ipis',
  'remoteInvlpgs',
  'pteWrites',
  'ptesSkipped',
] as const;

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

export class RunMetrics {
  readonly machine: Machine;
  /** how many failures keep their region state (failureSamples()); the aggregate covers all */
  maxFailureSamples = 64;
  private readonly failSamples: FailureSample[] = [];
  private readonly failScratch = new Float64Array(4);
  readonly options: MetricsOptions;
  /** online CPUs: the CPUs events run on */
  readonly cpus: number;
  readonly regionPages: number;

  private readonly startNs: number;
  private readonly startOp: number;
  private nowNs: number;
  private nowOp: number;
  private events = 0;
  private summary: RunSummary | null = null;

  // per CPU
  private readonly cGets: Float64Array;
  private readonly cGetsOk: Float64Array;
  private readonly cReserved: Float64Array;
  private readonly cPuts: Float64Array;
  private readonly cFails: Float64Array;
  private readonly cFlushes: Float64Array;
  private readonly cInvlpgs: Float64Array;
  private readonly cSince: Float64Array;
  private readonly cIntervals: Float64Array;
  private readonly cIntervalSum: Float64Array;
  private readonly cIntervalMax: Float64Array;
  private readonly cFastFail: Float64Array;
  private readonly cFallback: Float64Array;
  private readonly hist = new LogHistogram();

  // per mm (grown with the wasted-VA collector's capacity)
  private mGets = new Float64Array(0);
  private mGetsOk = new Float64Array(0);
  private mPuts = new Float64Array(0);
  private mFails = new Float64Array(0);

  private readonly waste: WastedVaCollector;
  private readonly series: FixedStepSeries;
  private readonly seriesByTime: boolean;
  private readonly scratch: Float64Array;
  private readonly timeline: RegionTimeline | null;

  // run totals
  private totalGets = 0;
  private totalFails = 0;
  private totalFlushes = 0;
  private totalInvlpgs = 0;
  private fastPathFailures = 0;
  private fallbackPages = 0;
  private workCycles = 0;
  private allocations = 0;
  private lastFailCpu = -1;

  // baselines at construction
  private readonly tlbBase: Float64Array;
  private readonly machineBase: Float64Array;
  private readonly failureBase: Float64Array;
  private readonly violationBase: Float64Array;
  private readonly allocatorFlushBase: number;
  private readonly tlbScratch = new Float64Array(T_FIELDS);

  private readonly observer: MachineObserver;

  constructor(machine: Machine, opts: MetricsOptions) {
    this.machine = machine;
    this.options = opts;
    this.cpus = machine.onlineCpus;
    this.regionPages = machine.geometry.regionPages;
    this.startNs = this.nowNs = machine.clock.ns;
    this.startOp = this.nowOp = machine.clock.op;
    const n = this.cpus;
    const f = () => new Float64Array(n);
    this.cGets = f();
    this.cGetsOk = f();
    this.cReserved = f();
    this.cPuts = f();
    this.cFails = f();
    this.cFlushes = f();
    this.cInvlpgs = f();
    this.cSince = f();
    this.cIntervals = f();
    this.cIntervalSum = f();
    this.cIntervalMax = f();
    this.cFastFail = f();
    this.cFallback = f();

    this.waste = new WastedVaCollector(this.regionPages, n, machine.mmCount(), this.startNs, this.startOp);
    this.growMm();

    this.seriesByTime = opts.sampleEveryNs !== undefined;
    const step = this.seriesByTime ? opts.sampleEveryNs! : (opts.sampleEveryOps ?? 1);
    this.series = new FixedStepSeries(
      SERIES_COLUMNS,
      this.seriesByTime ? this.startNs : this.startOp,
      step,
      opts.maxSeriesRows ?? 2000,
    );
    this.scratch = new Float64Array(SERIES_COLUMNS.length);

    const tl = opts.regionTimeline;
    if (tl !== undefined) {
      if (!Number.isInteger(tl.cpu) || tl.cpu < 0 || tl.cpu >= n)
        throw new RangeError(`regionTimeline.cpu ${tl.cpu} is not an online CPU (0..${n - 1})`);
      if (!Number.isInteger(tl.mm) || tl.mm < 0)
        throw new RangeError(`regionTimeline.mm must be a whole number >= 0, got ${tl.mm}`);
    }
    this.timeline = tl === undefined ? null : new RegionTimeline(this.regionPages, tl);

    // baselines
    this.tlbBase = new Float64Array(n * T_FIELDS);
    for (let c = 0; c < n; c++) addTlbCounters(machine.tlbs[c], this.tlbBase, c * T_FIELDS, 1);
    this.machineBase = new Float64Array(M_FIELDS.map((k) => machine[k]));
    this.failureBase = Float64Array.from(machine.failures);
    this.violationBase = Float64Array.from(machine.checker.counts);
    this.allocatorFlushBase = this.allocatorFlushTotal();

    this.observer = {
      onGet: (cpu, mm, _task, _h, _base, _pages, reserved) => this.onGet(cpu, mm, reserved),
      onGetFail: (cpu, mm, _task, reason, pages) => this.onGetFail(cpu, mm, reason, pages),
      onPut: (cpu, mm) => this.onPut(cpu, mm),
      onFlush: (cpu, kind) => this.onFlush(cpu, kind),
    };
    machine.addObserver(this.observer);
  }

  /** Stop observing the machine (finish() does not do it, so a driver may keep reading). */
  detach(): void {
    this.machine.removeObserver(this.observer);
  }

  // ------------------------------------------------------------------ the driver's calls

  tick(nowNs: number, op: number): void {
    const tl = this.timeline;
    if (tl?.dirty) tl.capture(this.machine.allocator(tl.mm), this.nowOp, this.nowNs);
    this.sampleUpTo(nowNs, op);
    this.waste.advance(nowNs, op);
    if (nowNs > this.nowNs) this.nowNs = nowNs;
    if (op > this.nowOp) this.nowOp = op;
    this.events++;
  }

  noteFallback(pages: number): void {
    this.fastPathFailures++;
    this.fallbackPages += pages;
    const c = this.lastFailCpu;
    if (c >= 0 && c < this.cpus) {
      this.cFastFail[c]++;
      this.cFallback[c] += pages;
    }
  }

  noteWork(cycles: number): void {
    this.workCycles += cycles;
  }

  noteAllocation(): void {
    this.allocations++;
  }

  finish(nowNs: number, op: number): RunSummary {
    if (this.summary !== null) return this.summary;
    const tl = this.timeline;
    if (tl?.dirty) tl.capture(this.machine.allocator(tl.mm), this.nowOp, this.nowNs);
    this.sampleUpTo(nowNs, op);
    if (nowNs > this.nowNs) this.nowNs = nowNs;
    if (op > this.nowOp) this.nowOp = op;
    this.waste.closeAll(this.nowNs, this.nowOp);
    this.summary = this.buildSummary();
    return this.summary;
  }

  // ------------------------------------------------------------------ observer

  private onGet(cpu: number, mm: number, reserved: boolean): void {
    this.totalGets++;
    if (cpu < this.cpus) {
      this.cGets[cpu]++;
      this.cGetsOk[cpu]++;
      if (reserved) this.cReserved[cpu]++;
      this.cSince[cpu]++;
    }
    if (mm >= this.mGets.length) this.growMm(mm);
    this.mGets[mm]++;
    this.mGetsOk[mm]++;
    this.waste.update(this.machine.allocator(mm), mm, cpu, this.nowNs, this.nowOp);
    this.touch(mm, cpu);
  }

  private onGetFail(cpu: number, mm: number, reason: number, pages: number): void {
    if (this.failSamples.length < this.maxFailureSamples) {
      const alloc = this.machine.allocator(mm);
      const u = this.failScratch;
      alloc.regionUsage(cpu, u);
      this.failSamples.push({
        op: this.nowOp,
        timeNs: this.nowNs,
        cpu,
        mm,
        reason: reasonName(reason),
        requestPages: pages,
        live: u[0],
        reclaimable: u[1],
        pinned: u[2],
        free: u[3],
        nextOffset: alloc.nextOffset(cpu),
      });
    }
    this.totalGets++;
    this.totalFails++;
    this.lastFailCpu = cpu;
    if (cpu < this.cpus) {
      this.cGets[cpu]++;
      this.cFails[cpu]++;
      this.cSince[cpu]++;
    }
    if (mm >= this.mGets.length) this.growMm(mm);
    this.mGets[mm]++;
    this.mFails[mm]++;
    if (this.waste.update(this.machine.allocator(mm), mm, cpu, this.nowNs, this.nowOp)) this.waste.noteFailure(pages);
    this.touch(mm, cpu);
  }

  private onPut(cpu: number, mm: number): void {
    if (cpu < this.cpus) this.cPuts[cpu]++;
    if (mm >= this.mGets.length) this.growMm(mm);
    this.mPuts[mm]++;
    this.waste.update(this.machine.allocator(mm), mm, cpu, this.nowNs, this.nowOp);
    this.touch(mm, cpu);
  }

  private onFlush(cpu: number, kind: number): void {
    if (cpu >= this.cpus) return;
    if (kind === FLUSH_ALL || kind === FLUSH_INVPCID_SINGLE) {
      this.totalFlushes++;
      this.cFlushes[cpu]++;
      const g = this.cSince[cpu];
      this.hist.record(g);
      this.cIntervals[cpu]++;
      this.cIntervalSum[cpu] += g;
      if (g > this.cIntervalMax[cpu]) this.cIntervalMax[cpu] = g;
      this.cSince[cpu] = 0;
    } else if (kind === FLUSH_INVLPG) {
      this.totalInvlpgs++;
      this.cInvlpgs[cpu]++;
    }
    const tl = this.timeline;
    if (tl !== null && tl.cpu === cpu) tl.dirty = true;
  }

  private touch(mm: number, cpu: number): void {
    const tl = this.timeline;
    if (tl !== null && tl.mm === mm && tl.cpu === cpu) tl.dirty = true;
  }

  private growMm(mm = 0): void {
    this.waste.ensureMm(mm);
    const cap = this.waste.mmCapacity;
    if (cap <= this.mGets.length) return;
    const g = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.mGets = g(this.mGets);
    this.mGetsOk = g(this.mGetsOk);
    this.mPuts = g(this.mPuts);
    this.mFails = g(this.mFails);
  }

  // ------------------------------------------------------------------ time series

  private sampleUpTo(nowNs: number, op: number): void {
    const s = this.series;
    const limit = this.seriesByTime ? nowNs : op;
    while (s.next <= limit) {
      const at = s.next;
      this.fillSample(this.seriesByTime ? op : at, this.seriesByTime ? at : nowNs);
      s.push(this.scratch);
    }
  }

  private fillSample(op: number, timeNs: number): void {
    const v = this.scratch;
    const w = this.waste;
    const integ = w.wastedIntegralAt(timeNs, op);
    v[S.op] = op;
    v[S.timeNs] = timeNs;
    v[S.gets] = this.totalGets;
    v[S.getFailures] = this.totalFails;
    v[S.flushes] = this.totalFlushes;
    v[S.invlpgs] = this.totalInvlpgs;
    v[S.fastPathFailures] = this.fastPathFailures;
    v[S.fallbackPages] = this.fallbackPages;
    v[S.wastedPages] = w.totalWasted;
    v[S.pinnedPages] = w.totalPinned;
    v[S.livePages] = w.totalLive;
    v[S.activeRegions] = w.activeRegions;
    v[S.wastedIntNs] = integ.ns;
    v[S.wastedIntOps] = integ.ops;
    const t = this.tlbTotals();
    v[S.tlbHits] = t[T_L1_HITS] + t[T_STLB_HITS];
    v[S.tlbMisses] = t[T_MISSES];
    v[S.refillsAfterFlush] = t[T_REFILLS];
    v[S.staleDropped] = t[T_STALE_DROPPED];
    let viol = 0;
    const counts = this.machine.checker.counts;
    for (let i = 0; i < counts.length; i++) viol += counts[i] - this.violationBase[i];
    v[S.violations] = viol;
  }

  /** TLB counters summed over online CPUs, minus the baseline (into a reused array). */
  private tlbTotals(): Float64Array {
    const t = this.tlbScratch;
    t.fill(0);
    for (let c = 0; c < this.cpus; c++) addTlbCounters(this.machine.tlbs[c], t, 0, 1);
    for (let c = 0; c < this.cpus; c++) {
      const off = c * T_FIELDS;
      for (let i = 0; i < T_FIELDS; i++) t[i] -= this.tlbBase[off + i];
    }
    return t;
  }

  /** One CPU's TLB counters minus the baseline (allocates: rows only). */
  private tlbOf(cpu: number): Float64Array {
    const t = new Float64Array(T_FIELDS);
    addTlbCounters(this.machine.tlbs[cpu], t, 0, 1);
    for (let i = 0; i < T_FIELDS; i++) t[i] -= this.tlbBase[cpu * T_FIELDS + i];
    return t;
  }

  // ------------------------------------------------------------------ results

  private allocatorFlushTotal(): number {
    let n = 0;
    for (let mm = 0; mm < this.machine.mmCount(); mm++) {
      const fl = this.machine.allocator(mm).flushes;
      for (let c = 0; c < fl.length; c++) n += fl[c];
    }
    return n;
  }

  private endNs(): number {
    return this.nowNs;
  }

  /** 'time' if simulated time advanced, else 'ops' */
  private weighting(): 'time' | 'ops' {
    return this.nowNs > this.startNs ? 'time' : 'ops';
  }

  private span(): number {
    return this.weighting() === 'time' ? this.nowNs - this.startNs : this.nowOp - this.startOp;
  }

  private buildSummary(): RunSummary {
    const m = this.machine;
    const R = this.regionPages;
    const w = this.waste;
    const t = this.tlbTotals();
    const seconds = (this.endNs() - this.startNs) / 1e9;
    const gets = this.totalGets;

    const failures: Record<string, number> = {};
    for (let r = 1; r < REASON_COUNT; r++) failures[REASON_NAMES[r]] = m.failures[r] - this.failureBase[r];
    const violations: Record<string, number> = {};
    let violationsTotal = 0;
    VIOLATION_KINDS.forEach((k, i) => {
      const v = m.checker.counts[i] - this.violationBase[i];
      violations[k] = v;
      violationsTotal += v;
    });

    // wasted VA
    const byTime = this.weighting() === 'time';
    const span = this.span();
    const denom = R * span * w.activeRegions;
    const wasted = byTime ? w.gWastedNs : w.gWastedOps;
    const pinned = byTime ? w.gPinnedNs : w.gPinnedOps;
    const live = byTime ? w.gLiveNs : w.gLiveOps;
    let peak = 0;
    for (let r = 0; r < w.peak.length; r++) if (w.peak[r] > peak) peak = w.peak[r];

    // TLB
    const disc: TlbCategories = {
      mermap: fullFlushDiscards(t, 0, CAT_MERMAP),
      global: fullFlushDiscards(t, 0, CAT_GLOBAL),
      otherPcid: fullFlushDiscards(t, 0, CAT_OTHER_PCID),
      user: fullFlushDiscards(t, 0, CAT_OTHER),
    };
    const fullFlushes = fullFlushCount(t, 0);
    const discTotal = disc.mermap + disc.global + disc.otherPcid + disc.user;
    const hits = t[T_L1_HITS] + t[T_STLB_HITS];
    const mc = this.machineDelta();
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
      invlpgDiscarded: discardsOfKind(t, 0, FLUSH_INVLPG),
      cr3Discarded: discardsOfKind(t, 0, FLUSH_CR3),
      refillsAfterFlush: t[T_REFILLS],
      refillsPerFlush: ratio(t[T_REFILLS], fullFlushes),
    };

    // cost
    const model = this.options.costModel;
    const cost = costOf(
      {
        gets,
        invlpgs: t[T_FLUSHES + FLUSH_INVLPG],
        flushAlls: t[T_FLUSHES + FLUSH_ALL],
        cr3Flushes: t[T_FLUSHES + FLUSH_CR3],
        invpcids: t[T_FLUSHES + FLUSH_INVPCID_SINGLE],
        walks: t[T_REFILLS],
        shootdowns: mc.shootdowns,
        ipis: mc.ipis,
        workCycles: this.workCycles,
      },
      model,
    );

    // exposure
    let maxOps = 0;
    let maxNs = 0;
    let staleLive = 0;
    for (let c = 0; c < this.cpus; c++) {
      const tl = m.tlbs[c];
      if (tl.maxExposureOps > maxOps) maxOps = tl.maxExposureOps;
      if (tl.maxExposureNs > maxNs) maxNs = tl.maxExposureNs;
      staleLive += tl.staleLive();
    }

    const flushes = this.totalFlushes;
    return {
      events: this.events,
      ops: this.nowOp - this.startOp,
      simulatedSeconds: seconds,
      gets,
      getsOk: gets - this.totalFails,
      reservedGets: sum(this.cReserved),
      puts: sum(this.cPuts),
      getFailures: this.totalFails,
      failureRate: ratio(this.totalFails, gets),
      allocations: this.allocations,
      workCycles: this.workCycles,
      flushes,
      allocatorFlushes: this.allocatorFlushTotal() - this.allocatorFlushBase,
      invlpgs: this.totalInvlpgs,
      flushesPer1000Gets: ratio(1000 * flushes, gets),
      invlpgsPer1000Gets: ratio(1000 * this.totalInvlpgs, gets),
      flushesPerSecond: ratio(flushes, seconds),
      getsBetweenFlushes: {
        count: this.hist.count,
        mean: this.hist.mean(),
        p50: this.hist.quantile(0.5),
        p99: this.hist.quantile(0.99),
        min: this.hist.count > 0 ? this.hist.min : 0,
        max: this.hist.max,
      },
      failures,
      fastPathFailures: this.fastPathFailures,
      fallbackPages: this.fallbackPages,
      fastPathFailuresPerAllocation: ratio(this.fastPathFailures, this.allocations),
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
        },
        refillWalks: t[T_REFILLS],
        ...cost,
      },
      pageTables: this.pageTableSummary(),
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

  private machineDelta(): MachineSummary {
    const out = {} as MachineSummary;
    M_FIELDS.forEach((k, i) => (out[k] = this.machine[k] - this.machineBase[i]));
    return out;
  }

  private pageTableSummary(): PageTableSummary {
    const m = this.machine;
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

  /** The summary, or null before finish(). */
  result(): RunSummary | null {
    return this.summary;
  }

  /** Wasted fraction of one (mm, CPU) region right now (after the latest event). */
  wastedFractionNow(mm: number, cpu: number): number {
    return this.waste.fractionNow(mm, cpu);
  }

  /** One row per online CPU (call after finish(); before it, the numbers run up to the latest tick). */
  /** The first maxFailureSamples failed gets with their region's state (bounded). */
  failureSamples(): FailureSample[] {
    return this.failSamples.map((f) => ({ ...f }));
  }

  perCpuRows(): Array<Record<string, number>> {
    const w = this.waste;
    w.closeAll(this.nowNs, this.nowOp);
    const byTime = this.weighting() === 'time';
    const span = this.span();
    const R = this.regionPages;
    const rows: Array<Record<string, number>> = [];
    for (let c = 0; c < this.cpus; c++) {
      let integral = 0;
      let peak = 0;
      let active = 0;
      for (let mm = 0; mm < w.mmCapacity; mm++) {
        const r = mm * this.cpus + c;
        integral += byTime ? w.intNs[r] : w.intOps[r];
        if (w.peak[r] > peak) peak = w.peak[r];
        active += w.active[r];
      }
      const t = this.tlbOf(c);
      const ff = fullFlushCount(t, 0);
      const d = [CAT_MERMAP, CAT_GLOBAL, CAT_OTHER_PCID, CAT_OTHER].map((cat) => fullFlushDiscards(t, 0, cat));
      const tl = this.machine.tlbs[c];
      rows.push({
        cpu: c,
        gets: this.cGets[c],
        getsOk: this.cGetsOk[c],
        reservedGets: this.cReserved[c],
        puts: this.cPuts[c],
        getFailures: this.cFails[c],
        failureRate: ratio(this.cFails[c], this.cGets[c]),
        flushes: this.cFlushes[c],
        invlpgs: this.cInvlpgs[c],
        flushesPer1000Gets: ratio(1000 * this.cFlushes[c], this.cGets[c]),
        getsBetweenFlushesCount: this.cIntervals[c],
        getsBetweenFlushesMean: ratio(this.cIntervalSum[c], this.cIntervals[c]),
        getsBetweenFlushesMax: this.cIntervalMax[c],
        fastPathFailures: this.cFastFail[c],
        fallbackPages: this.cFallback[c],
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
  perMmRows(): Array<Record<string, number>> {
    const w = this.waste;
    w.closeAll(this.nowNs, this.nowOp);
    const byTime = this.weighting() === 'time';
    const span = this.span();
    const R = this.regionPages;
    const m = this.machine;
    const rows: Array<Record<string, number>> = [];
    for (let mm = 0; mm < m.mmCount(); mm++) {
      if (mm >= this.mGets.length) this.growMm(mm);
      let integral = 0;
      let peak = 0;
      let active = 0;
      for (let c = 0; c < this.cpus; c++) {
        const r = mm * this.cpus + c;
        integral += byTime ? w.intNs[r] : w.intOps[r];
        if (w.peak[r] > peak) peak = w.peak[r];
        active += w.active[r];
      }
      const alloc = m.allocator(mm);
      let flushes = 0;
      let live = 0;
      for (let c = 0; c < alloc.flushes.length; c++) flushes += alloc.flushes[c];
      for (let c = 0; c < this.cpus; c++) live += alloc.liveAllocations(c).length;
      const pc = m.prepareCost(mm);
      rows.push({
        mm,
        gets: this.mGets[mm],
        getsOk: this.mGetsOk[mm],
        puts: this.mPuts[mm],
        getFailures: this.mFails[mm],
        failureRate: ratio(this.mFails[mm], this.mGets[mm]),
        allocatorFlushes: flushes,
        flushesPer1000Gets: ratio(1000 * flushes, this.mGets[mm]),
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
  timeSeriesRows(): Array<Record<string, number>> {
    const s = this.series;
    const R = this.regionPages;
    const out: Array<Record<string, number>> = [];
    const byTime = this.weighting() === 'time';
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
        op: this.startOp,
        timeNs: this.startNs,
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

  /** Step size of the time series now (ns or ops) and which. */
  seriesStep(): { step: number; unit: 'ns' | 'ops'; halvings: number } {
    return { step: this.series.step, unit: this.seriesByTime ? 'ns' : 'ops', halvings: this.series.halvings };
  }

  regionTimelineRows(): RegionTimelineRow[] {
    return this.timeline === null ? [] : this.timeline.result();
  }

  /** Steps not recorded because the timeline was full. */
  regionTimelineDroppedSteps(): number {
    return this.timeline === null ? 0 : this.timeline.droppedSteps;
  }
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
