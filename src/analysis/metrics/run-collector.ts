/**
 * RunCollector: the streaming half of RunMetrics (./run-metrics.ts), every metric of one run
 * collected from inside the simulation loop.
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
 *   flush         a full local flush the machine reports: __flush_tlb_all (Flush.ALL) or an
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
import type { Machine, MachineObserver } from '../../core/machine.js';
import { Flush } from '../../core/tlb/index.js';
import type { CostModel } from '../cost-models.js';
import { MachineBaseline } from './baseline.js';
import { FailureSamples } from './failure-samples.js';
import { LogHistogram } from './histogram.js';
import { RegionTimeline } from './region-timeline.js';
import { SeriesSampler } from './series-sampler.js';
import { SlowPathCollector, type SlowPathNote } from './slow-path.js';
import { CpuCounters, MmCounters, newRunTotals, type RunSpan, type RunTotals } from './state.js';
import { summarize } from './summarize.js';
import type { RunSummary } from './summary.js';
import { WastedVaCollector } from './wasted-va.js';

export interface MetricsOptions {
  costModel: CostModel;
  /** time-series step in simulated ns (takes precedence over sampleEveryOps) */
  sampleEveryNs?: number | undefined;
  /** time-series step in ops; default 1 (the step doubles as the series fills) */
  sampleEveryOps?: number | undefined;
  /** record the page states of one (mm, CPU) region at every event that touches it */
  regionTimeline?: { mm: number; cpu: number; maxSteps?: number; maxBands?: number } | undefined;
  /**
   * false: no time series (timeSeriesRows() is empty) and no sampling cost per event, for a run
   * whose caller reads only the summary (a sweep point); default true
   */
  timeSeries?: boolean | undefined;
  /** time-series row limit (even, >= 4); default 2000 */
  maxSeriesRows?: number | undefined;
}

export abstract class RunCollector implements MachineObserver {
  readonly machine: Machine;
  protected readonly failSamples = new FailureSamples();
  readonly options: MetricsOptions;
  /** online CPUs: the CPUs events run on */
  readonly cpus: number;
  readonly regionPages: number;

  protected readonly span: RunSpan;
  private readonly totals: RunTotals = newRunTotals();
  private readonly slow = new SlowPathCollector();
  protected summary: RunSummary | null = null;
  private lastFailCpu = -1;

  protected readonly cpu: CpuCounters;
  /** per mm (grown with the wasted-VA collector's capacity) */
  protected readonly mm = new MmCounters();
  private readonly hist = new LogHistogram();
  protected readonly waste: WastedVaCollector;
  protected readonly sampler: SeriesSampler;
  /** false: no sample is taken (opts.timeSeries false), so the series stays empty */
  private readonly sampling: boolean;
  protected readonly timeline: RegionTimeline | null;
  /** the machine's counters at construction */
  protected readonly baseline: MachineBaseline;

  constructor(machine: Machine, opts: MetricsOptions) {
    this.machine = machine;
    this.options = opts;
    this.cpus = machine.onlineCpus;
    this.regionPages = machine.geometry.regionPages;
    const startNs = machine.clock.ns;
    const startOp = machine.clock.op;
    this.span = { startNs, startOp, nowNs: startNs, nowOp: startOp };
    const n = this.cpus;
    this.cpu = new CpuCounters(n);

    this.waste = new WastedVaCollector(this.regionPages, n, machine.mmCount(), startNs, startOp);
    this.growMm();
    this.baseline = new MachineBaseline(machine, n);

    const tl = opts.regionTimeline;
    this.timeline = tl === undefined ? null : new RegionTimeline(this.regionPages, tl, n);

    this.sampling = opts.timeSeries ?? true;
    this.sampler = new SeriesSampler(
      { totals: this.totals, waste: this.waste, baseline: this.baseline },
      this.span,
      opts.sampleEveryNs,
      opts.sampleEveryOps,
      opts.maxSeriesRows ?? 2000,
    );

    // the collector is the machine's observer itself (its methods, not closures made per run: the
    // machine's call sites then see one target in every run, which V8 can inline)
    machine.addObserver(this);
  }

  /** Stop observing the machine (finish() does not do it, so a driver may keep reading). */
  detach(): void {
    this.machine.removeObserver(this);
  }

  // ------------------------------------------------------------------ the driver's calls

  tick(nowNs: number, op: number): void {
    const tl = this.timeline;
    const s = this.span;
    if (tl?.dirty) tl.capture(this.machine.allocator(tl.mm), s.nowOp, s.nowNs);
    if (this.sampling) this.sampler.sampleUpTo(nowNs, op);
    this.waste.advance(nowNs, op);
    if (nowNs > s.nowNs) s.nowNs = nowNs;
    if (op > s.nowOp) s.nowOp = op;
    this.totals.events++;
  }

  noteFallback(pages: number): void {
    this.totals.fastPathFailures++;
    this.totals.fallbackPages += pages;
    const c = this.lastFailCpu;
    if (c >= 0 && c < this.cpus) {
      this.cpu.fastFail[c]++;
      this.cpu.fallback[c] += pages;
    }
  }

  /** the slow path of one allocation done (after noteFallback): see slow-path.ts */
  noteSlowPath(...note: Parameters<SlowPathNote>): void {
    this.slow.note(...note);
  }

  /** useful work: `cycles` of zeroing over `pages` pages */
  noteWork(cycles: number, pages = 0): void {
    this.totals.workCycles += cycles;
    this.totals.zeroedPages += pages;
  }

  noteAllocation(): void {
    this.totals.allocations++;
  }

  finish(nowNs: number, op: number): RunSummary {
    if (this.summary !== null) return this.summary;
    const tl = this.timeline;
    const s = this.span;
    if (tl?.dirty) tl.capture(this.machine.allocator(tl.mm), s.nowOp, s.nowNs);
    if (this.sampling) this.sampler.sampleUpTo(nowNs, op);
    if (nowNs > s.nowNs) s.nowNs = nowNs;
    if (op > s.nowOp) s.nowOp = op;
    this.waste.closeAll(s.nowNs, s.nowOp);
    this.summary = summarize({
      machine: this.machine,
      baseline: this.baseline,
      waste: this.waste,
      hist: this.hist,
      slow: this.slow,
      cpu: this.cpu,
      totals: this.totals,
      span: this.span,
      costModel: this.options.costModel,
      cpus: this.cpus,
      regionPages: this.regionPages,
    });
    return this.summary;
  }

  // ------------------------------------------------------------------ observer

  onGet(
    cpu: number,
    mm: number,
    _task: number,
    _handle: number,
    _base: number,
    _pages: number,
    reserved: boolean,
  ): void {
    this.totals.gets++;
    if (reserved) this.totals.reservedGets++;
    const k = this.cpu;
    if (cpu < this.cpus) {
      k.gets[cpu]++;
      k.getsOk[cpu]++;
      if (reserved) k.reserved[cpu]++;
      k.since[cpu]++;
    }
    if (mm >= this.mm.length) this.growMm(mm);
    this.mm.gets[mm]++;
    this.mm.getsOk[mm]++;
    this.waste.update(this.machine.allocator(mm), mm, cpu, this.span.nowNs, this.span.nowOp);
    this.touch(mm, cpu);
  }

  onGetFail(cpu: number, mm: number, _task: number, reason: number, pages: number, reserved: boolean): void {
    const s = this.span;
    this.failSamples.take(this.machine, s, cpu, mm, reason, pages);
    this.totals.gets++;
    this.totals.fails++;
    if (reserved) {
      this.totals.reservedGets++;
      this.totals.reservedFails++;
    }
    this.lastFailCpu = cpu;
    const k = this.cpu;
    if (cpu < this.cpus) {
      k.gets[cpu]++;
      k.fails[cpu]++;
      k.since[cpu]++;
    }
    if (mm >= this.mm.length) this.growMm(mm);
    this.mm.gets[mm]++;
    this.mm.fails[mm]++;
    if (this.waste.update(this.machine.allocator(mm), mm, cpu, s.nowNs, s.nowOp)) this.waste.noteFailure(pages);
    this.touch(mm, cpu);
  }

  onPut(cpu: number, mm: number): void {
    if (cpu < this.cpus) this.cpu.puts[cpu]++;
    if (mm >= this.mm.length) this.growMm(mm);
    this.mm.puts[mm]++;
    this.waste.update(this.machine.allocator(mm), mm, cpu, this.span.nowNs, this.span.nowOp);
    this.touch(mm, cpu);
  }

  /** The put's region changed after onPut() (a purge that followed it): read it again. */
  onRegionChange(cpu: number, mm: number): void {
    this.waste.update(this.machine.allocator(mm), mm, cpu, this.span.nowNs, this.span.nowOp);
    this.touch(mm, cpu);
  }

  onFlush(cpu: number, kind: number): void {
    if (cpu >= this.cpus) return;
    const k = this.cpu;
    if (kind === Flush.ALL || kind === Flush.INVPCID_SINGLE) {
      this.totals.flushes++;
      this.hist.record(k.closeInterval(cpu));
    } else if (kind === Flush.INVLPG) {
      this.totals.invlpgs++;
      k.invlpgs[cpu]++;
    }
    const tl = this.timeline;
    if (tl !== null && tl.cpu === cpu) tl.dirty = true;
  }

  private touch(mm: number, cpu: number): void {
    const tl = this.timeline;
    if (tl !== null && tl.mm === mm && tl.cpu === cpu) tl.dirty = true;
  }

  protected growMm(mm = 0): void {
    this.waste.ensureMm(mm);
    this.mm.grow(this.waste.mmCapacity);
  }
}
