/**
 * The time series of one run: RunMetrics' counters and the wasted-VA state sampled at a fixed
 * step of simulated ns or of ops into a FixedStepSeries (bounded: its step doubles as it fills).
 *
 *   driver tick at (nowNs, op)  ->  every sample point up to it not yet taken gets one row
 *
 * A sample point reads the state before the first event at or after it (nothing changes between
 * events): by time, the row's op is that event's; by ops, its time is.
 */
import type { MachineBaseline } from './baseline.js';
import { SERIES_COLUMNS, SERIES_INDEX as S, type SeriesKey, timeSeriesRows } from './rows.js';
import type { RunSpan, RunTotals } from './state.js';
import { FixedStepSeries } from './time-series.js';
import { T_L1_HITS, T_MISSES, T_REFILLS, T_STALE_DROPPED, T_STLB_HITS } from './tlb-counters.js';
import type { WastedVaCollector } from './wasted-va.js';

/** The time series' columns sampled from the run totals and from the wasted-VA collector as they are. */
const FROM_TOTALS = [
  ['gets', 'gets'],
  ['getFailures', 'fails'],
  ['flushes', 'flushes'],
  ['invlpgs', 'invlpgs'],
  ['fastPathFailures', 'fastPathFailures'],
  ['fallbackPages', 'fallbackPages'],
] as const satisfies ReadonlyArray<readonly [SeriesKey, keyof RunTotals]>;
const FROM_WASTE = [
  ['wastedPages', 'totalWasted'],
  ['pinnedPages', 'totalPinned'],
  ['livePages', 'totalLive'],
  ['activeRegions', 'activeRegions'],
] as const satisfies ReadonlyArray<readonly [SeriesKey, keyof WastedVaCollector]>;

/** What a sample reads: RunMetrics' own state, shared (not copied). */
export interface SampleSources {
  totals: RunTotals;
  waste: WastedVaCollector;
  baseline: MachineBaseline;
}

export class SeriesSampler {
  private readonly series: FixedStepSeries;
  private readonly byTime: boolean;
  private readonly scratch = new Float64Array(SERIES_COLUMNS.length);

  /**
   * @param stepNs the step in simulated ns, or undefined for a step in ops
   * @param stepOps the step in ops when stepNs is undefined (default 1)
   * @param maxRows the row limit (even, >= 4)
   */
  constructor(
    private readonly from: SampleSources,
    span: RunSpan,
    stepNs: number | undefined,
    stepOps: number | undefined,
    maxRows: number,
  ) {
    this.byTime = stepNs !== undefined;
    this.series = new FixedStepSeries(
      SERIES_COLUMNS,
      this.byTime ? span.startNs : span.startOp,
      stepNs ?? stepOps ?? 1,
      maxRows,
    );
  }

  /** Take every sample point up to the tick at (nowNs, op). */
  sampleUpTo(nowNs: number, op: number): void {
    const s = this.series;
    const limit = this.byTime ? nowNs : op;
    while (s.next <= limit) {
      const at = s.next;
      this.fill(this.byTime ? op : at, this.byTime ? at : nowNs);
      s.push(this.scratch);
    }
  }

  private fill(op: number, timeNs: number): void {
    const v = this.scratch;
    const { totals, waste: w, baseline } = this.from;
    const integ = w.wastedIntegralAt(timeNs, op);
    v[S.op] = op;
    v[S.timeNs] = timeNs;
    for (const [column, key] of FROM_TOTALS) v[S[column]] = totals[key];
    for (const [column, key] of FROM_WASTE) v[S[column]] = w[key];
    v[S.wastedIntNs] = integ.ns;
    v[S.wastedIntOps] = integ.ops;
    const t = baseline.tlbTotals();
    v[S.tlbHits] = t[T_L1_HITS] + t[T_STLB_HITS];
    v[S.tlbMisses] = t[T_MISSES];
    v[S.refillsAfterFlush] = t[T_REFILLS];
    v[S.staleDropped] = t[T_STALE_DROPPED];
    v[S.violations] = baseline.violationsTotal();
  }

  /** The rows: cumulative counters, the state at each sample and per-interval values (rows.ts). */
  rows(regionPages: number, span: RunSpan): Array<Record<string, number>> {
    return timeSeriesRows(this.series, regionPages, span);
  }

  /** The step now (ns or ops), which, and how often it doubled. */
  step(): { step: number; unit: 'ns' | 'ops'; halvings: number } {
    return { step: this.series.step, unit: this.byTime ? 'ns' : 'ops', halvings: this.series.halvings };
  }
}
