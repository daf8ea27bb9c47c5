/**
 * RunMetrics: every metric of one run. The streaming half, what runs inside the simulation loop
 * (the driver's calls and the Machine's observer callbacks), is RunCollector (./run-collector.ts,
 * which says what counts as what); this class adds what is read out of it: the summary, the rows
 * per CPU and per mm, the time series, the region timeline and the failure samples.
 */
import type { RegionTimelineRow } from './region-timeline.js';
import { RunCollector } from './run-collector.js';
import { perCpuRows, perMmRows, type RowsInput } from './rows.js';
import type { FailureSample, RunSummary } from './summary.js';

/** Re-exported for the modules that import these types from here. */
export type { MetricsOptions } from './run-collector.js';
export type { FailureSample, RunSummary };

export class RunMetrics extends RunCollector {
  // ------------------------------------------------------------------ results

  /** The summary, or null before finish(). */
  result(): RunSummary | null {
    return this.summary;
  }

  /** Wasted fraction of one (mm, CPU) region right now (after the latest event). */
  wastedFractionNow(mm: number, cpu: number): number {
    return this.waste.fractionNow(mm, cpu);
  }

  /** How many failures keep their region state (failureSamples()); the aggregate covers all. */
  get maxFailureSamples(): number {
    return this.failSamples.max;
  }
  set maxFailureSamples(n: number) {
    this.failSamples.max = n;
  }

  /** The first maxFailureSamples failed gets with their region's state (bounded). */
  failureSamples(): FailureSample[] {
    return this.failSamples.list();
  }

  /** What the rows read, the wasted-VA integrals closed up to the latest tick. */
  private rowsInput(): RowsInput {
    this.waste.closeAll(this.span.nowNs, this.span.nowOp);
    return {
      machine: this.machine,
      baseline: this.baseline,
      waste: this.waste,
      cpu: this.cpu,
      mm: this.mm,
      span: this.span,
      cpus: this.cpus,
      regionPages: this.regionPages,
    };
  }

  /** One row per online CPU (call after finish(); before it, the numbers run up to the latest tick). */
  perCpuRows(): Array<Record<string, number>> {
    return perCpuRows(this.rowsInput());
  }

  /** One row per mm of the machine. */
  perMmRows(): Array<Record<string, number>> {
    const input = this.rowsInput();
    const mms = this.machine.mmCount();
    if (mms > this.mm.length) this.growMm(mms - 1);
    return perMmRows(input);
  }

  /**
   * The time series: one row per sample at a fixed step (at most maxSeriesRows rows). Cumulative
   * counters as sampled, the state at the sample point, and per-interval values against the
   * previous row (the first row against the start).
   */
  timeSeriesRows(): Array<Record<string, number>> {
    return this.sampler.rows(this.regionPages, this.span);
  }

  /** Step size of the time series now (ns or ops) and which. */
  seriesStep(): { step: number; unit: 'ns' | 'ops'; halvings: number } {
    return this.sampler.step();
  }

  regionTimelineRows(): RegionTimelineRow[] {
    return this.timeline === null ? [] : this.timeline.result();
  }

  /** Steps not recorded because the timeline was full. */
  regionTimelineDroppedSteps(): number {
    return this.timeline === null ? 0 : this.timeline.droppedSteps;
  }
}
