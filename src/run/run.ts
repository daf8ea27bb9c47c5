import { Machine, type MachineConfig } from '../core/machine.js';
import { renderAllocatorRegion } from '../core/region-text.js';
import type { RunConfig } from '../config/index.js';
import { drive, setUpTopology } from './drive.js';
import { checkStateSize, processesOf, watchStateGrowth } from './state-size.js';
import type { RunReport, RunResult } from '../analysis/run-result.js';
import { createEventSource } from '../workloads/index.js';
import { createUniform } from '../workloads/rng.js';
import { SWEEP_RESERVED_NAMES } from '../analysis/columns/index.js';
import { resolveCostModel, type CostModel } from '../analysis/cost-models.js';
import { RunMetrics } from '../analysis/metrics/run-metrics.js';
import type { RunSummary } from '../analysis/metrics/index.js';
import { labelFromRunConfig, summaryToRow, type RunRow } from '../analysis/run-row.js';

/**
 * One run: a validated config -> a Machine, the workload's event stream through the driver,
 * the streaming metrics -> a summary (plain data) and the bounded tables behind the charts.
 */
export interface RunOptions {
  /** called every ~65k events */
  onProgress?: ((events: number, totalEvents: number | null, nowNs: number) => void) | undefined;
  /** traces: the share of the trace read, 0..1 */
  onTraceProgress?: ((fraction: number) => void) | undefined;
  /** region timeline of (mm 0, CPU 0) for the chart; bounded */
  regionTimeline?: boolean | undefined;
  /**
   * Called with the machine once it is built, before the first event: for tools that watch it
   * (`npm run bench:tlb` records the calls on its TLBs). Nothing in a run calls it per event.
   */
  onMachine?: ((machine: Machine) => void) | undefined;
}

export function machineConfigOf(config: RunConfig): MachineConfig {
  const m = config.mermap;
  return {
    possibleCpus: config.machine.possibleCpus,
    onlineCpus: config.machine.onlineCpus,
    pagingLevels: config.machine.pagingLevels,
    regionPages: m.regionPages,
    variant: m.variant,
    allocatorOptions: {
      slots: m.slots,
      kmapSlots: m.kmapSlots,
      vmapBlockPages: m.vmapBlockPages,
      vmapLazyPages: m.vmapLazyPages,
      flushCeilingPages: m.flushCeilingPages,
    },
    tlb: config.machine.tlb,
    directMapPageSize: config.machine.directMapPageSize,
    shadowTlb: config.machine.shadowTlb,
    checker: true,
    preemptRt: config.machine.preemptRt ?? false,
  };
}

export function costModelOf(config: RunConfig): CostModel {
  return resolveCostModel(config.cost?.preset, {
    flushCeilingPages: config.mermap.flushCeilingPages,
    ...(config.cost?.overrides as Partial<CostModel> | undefined),
  });
}

function zeroCyclesOf(config: RunConfig): number {
  const w = config.workload as { zeroCyclesPerPage?: number };
  return w.zeroCyclesPerPage ?? 0;
}

function cpuGhzOf(config: RunConfig): number | undefined {
  return (config.workload as { cpuGhz?: number }).cpuGhz;
}

/** A run simulated to its end: what the result is built from. */
interface Simulation {
  source: ReturnType<typeof createEventSource>;
  machine: Machine;
  metrics: RunMetrics;
  stats: ReturnType<typeof drive>;
  summary: RunSummary;
  wallSeconds: number;
}

/**
 * Config -> machine, workload and metrics, driven to the end. `lean`: the caller reads only the
 * summary (a sweep point), so no time series is sampled and the checker keeps only the first
 * violation of each kind (counts are complete either way); the summary is the same.
 */
function simulate(config: RunConfig, opts: RunOptions, lean: boolean): Simulation {
  const t0 = performance.now();
  const source = createEventSource(config, { onTraceProgress: opts.onTraceProgress });
  const mc = machineConfigOf(config);
  const size = checkStateSize(mc, source.topology.mms, processesOf(config, source.topology.mms));
  const machine = new Machine(mc);
  watchStateGrowth(machine, size.bytes);
  opts.onMachine?.(machine);
  if (lean) machine.checker.maxKept = 0;
  const p = config.faults.pteWriteFailProbability;
  if (p > 0) {
    const u = createUniform(config.seed, 'faults', 'pte-write');
    machine.pteWriteFault = () => u() < p;
  }
  setUpTopology(machine, source);
  const metrics = new RunMetrics(machine, {
    costModel: costModelOf(config),
    regionTimeline: opts.regionTimeline ? { mm: 0, cpu: 0 } : undefined,
    timeSeries: !lean,
  });
  const totalEvents = config.length.events ?? null;
  const stats = drive(machine, source, metrics, {
    zeroCyclesPerPage: zeroCyclesOf(config),
    cpuGhz: cpuGhzOf(config),
    slowPathProt: config.faults.slowPathGlobalProt ? 'kernel' : 'noglobal',
    onProgress: opts.onProgress === undefined ? undefined : (n, ns) => opts.onProgress!(n, totalEvents, ns),
  });
  const summary = metrics.finish(stats.lastNs, stats.events);
  return { source, machine, metrics, stats, summary, wallSeconds: (performance.now() - t0) / 1000 };
}

/** One run for a sweep point: its summary and event count, without the tables runConfig() builds. */
export function runSummary(config: RunConfig, opts: RunOptions = {}): { summary: RunSummary; events: number } {
  const { summary, stats } = simulate(config, opts, true);
  return { summary, events: stats.events };
}

export function runConfig(config: RunConfig, opts: RunOptions = {}): RunResult {
  const { source, machine, metrics, stats, summary, wallSeconds } = simulate(config, opts, false);
  const ft = source.info.ftrace;
  const skippedLines = ft === undefined ? 0 : ft.skippedHeader + ft.skippedOther + ft.malformed;
  const report: RunReport = {
    ...summary,
    allocations: summary.allocations,
    skippedLines,
    ...(ft === undefined ? {} : { trace: ft }),
    eventsPerSecond: wallSeconds > 0 ? stats.events / wallSeconds : 0,
    wallSeconds,
    failureSamples: metrics.failureSamples(),
    config,
  };
  const alloc = machine.mmCount() > 0 ? machine.allocator(0) : null;
  const R = config.mermap.regionPages;
  const regionText = alloc === null ? '' : renderAllocatorRegion(alloc, 0, R > 128 ? { scale: Math.ceil(R / 64) } : {});
  return {
    report,
    summary,
    drive: stats,
    perCpu: metrics.perCpuRows(),
    perMm: metrics.perMmRows(),
    timeSeries: metrics.timeSeriesRows(),
    regionTimeline: metrics.regionTimelineRows(),
    regionText,
    machine,
  };
}

/** Column names the sweep store owns (provenance); a point's row must not use them. */
const RESERVED_COLUMNS = new Set(SWEEP_RESERVED_NAMES);

/** The flat, deterministic row of one run for sweep results (no wall-clock figures). */
export function runRow(config: RunConfig, summary: RunSummary): RunRow {
  const label = labelFromRunConfig(config);
  const row = summaryToRow(summary, { ...label, seed: undefined });
  const out: RunRow = {};
  for (const [k, v] of Object.entries(row)) if (!RESERVED_COLUMNS.has(k)) out[k] = v;
  return out;
}

export type { RunReport, RunResult };
