/**
 * The state of an `unmapped-alloc` workload (unmapped-alloc.ts says what happens to it): per
 * online CPU its next times and backlog, per task its allocation in progress, and the queues,
 * streams and tables they are drawn from, all set up from the config. The layouts of the two
 * typed arrays below, with their constants, are written here once; the event logic reads them.
 */
import type { RunConfig, UnmappedAllocConfig } from '../config/types.js';
import type { WorkloadTopology } from './events.js';
import { AleaBank, AliasTable, streamKey } from './rng.js';
import { CpuHeap } from './sched/cpu-heap.js';
import { CpuWheel } from './sched/cpu-wheel.js';
import { FreeWheel } from './sched/free-wheel.js';
import { PhysAllocator } from './sched/phys.js';
import { RunQueues } from './sched/run-queues.js';

/*
 * What a step reads of its CPU and of the CPU's running task sits side by side, in one
 * Float64Array each, rather than in an array per field: a cache line or two per step instead of
 * one per field, which at 1024 CPUs (8,192 tasks) no longer stay in the L1 cache. Measured in one
 * process, the two layouts alternating (same events): at 1024 CPUs 0.99x to 1.07x the speed of
 * an array per field in seven runs, median 1.05x; at 4 and 64 CPUs within 2 % either way.
 *
 * The offsets are const enums, written out as numbers where the event logic (unmapped-alloc.ts)
 * reads them (docs/design.md, Habits): imported as plain consts they took a worker's 4 default
 * points from 8,777 M to 8,850 M instructions (`bench:instructions`, November 2026).
 */
/** times[CpuTime.FIELDS * c + ...]: CPU c's next zeroing end, tick, arrival, burst toggle. */
// biome-ignore lint/suspicious/noConstEnum: tsc writes the values out; vitest compiles file by file and makes an object
export const enum CpuTime {
  BUSY_END = 0,
  NEXT_TICK = 1,
  NEXT_ARRIVAL = 2,
  NEXT_TOGGLE = 3,
  FIELDS = 4,
}
/**
 * task[TaskField.FIELDS * k + ...]: whether task k holds a mapping (1) or not (0), the zeroing
 * time it had left when preempted, its GET's allocation id, the block's first pfn, the pages of
 * the current pageblock call, the block's order, and the calls left and done.
 */
// biome-ignore lint/suspicious/noConstEnum: as CpuTime
export const enum TaskField {
  HOLDING = 0,
  REMAIN = 1,
  ALLOC_ID = 2,
  PFN = 3,
  PAGES = 4,
  ORDER = 5,
  PHASES_LEFT = 6,
  PHASE_INDEX = 7,
  FIELDS = 8,
}

export interface GeneratorOptions {
  /** Stop before events later than this (ns). Default: never. */
  endTimeNs?: number;
}

/** An unmapped-alloc workload's state and its set-up; UnmappedAllocSource runs it. */
export abstract class UnmappedAllocState {
  readonly topology: WorkloadTopology;

  protected readonly w: UnmappedAllocConfig;
  protected readonly n: number;
  protected readonly endTimeNs: number;
  protected readonly heap: CpuHeap | CpuWheel;
  /** one alea stream per CPU (streamKey(seed, 'unmapped-alloc', 'cpu', c)) */
  protected readonly rng: AleaBank;
  protected readonly orders: AliasTable;
  protected readonly phys = new PhysAllocator();
  /** allocations waiting for their FREE (init_on_alloc), all CPUs */
  protected readonly frees: FreeWheel;

  protected readonly rq: RunQueues;
  /** rq.cur: the task each CPU runs */
  protected readonly cur: Int32Array;
  // per CPU
  protected readonly backlog: Float64Array;
  /** CpuTime: CPU c's next times, ns */
  protected readonly times: Float64Array;
  protected readonly burstOn: Uint8Array;
  protected readonly started: Uint8Array;

  // per task
  /** TaskField: task k's allocation in progress */
  protected readonly task: Float64Array;

  protected readonly nsPerPage: number;
  protected readonly sliceNs: number;
  protected readonly holdNs: number;
  /** mean inter-arrival while arrivals are on, ns (Infinity: none) */
  protected readonly arrivalMeanNs: number;
  protected readonly onMeanNs: number;
  protected readonly offMeanNs: number;
  protected readonly bursty: boolean;
  protected readonly initOnFree: boolean;
  protected readonly ticking: boolean;
  protected nextAllocId = 0;
  /** CPUs whose initial SWITCH is still to come */
  protected unstarted: number;
  protected done = false;

  constructor(config: RunConfig, opts: GeneratorOptions = {}) {
    if (config.workload.kind !== 'unmapped-alloc')
      throw new TypeError('UnmappedAllocSource needs an unmapped-alloc workload');
    const w = (this.w = config.workload);
    const n = (this.n = config.machine.onlineCpus);
    this.endTimeNs = opts.endTimeNs ?? Infinity;
    const perCpu = w.mmsPerCpu * w.threadsPerMm;
    const tasks = n * perCpu;

    const taskMm = new Int32Array(tasks);
    const taskCpu = new Int32Array(tasks);
    for (let k = 0; k < tasks; k++) {
      taskMm[k] = Math.floor(k / w.threadsPerMm);
      taskCpu[k] = Math.floor(k / perCpu);
    }
    this.topology = { taskMm, taskCpu, mms: unmappedAllocMms(n, w.mmsPerCpu) };

    this.task = new Float64Array(TaskField.FIELDS * tasks);
    this.rq = new RunQueues(n, perCpu);
    this.cur = this.rq.cur;
    this.backlog = new Float64Array(n);
    this.times = new Float64Array(CpuTime.FIELDS * n).fill(Infinity);
    this.burstOn = new Uint8Array(n);
    this.started = new Uint8Array(n);
    this.unstarted = n;

    this.orders = new AliasTable(w.orders);
    this.frees = new FreeWheel(n * w.ratePerCpuHz, w.holdAfterZeroUs * 1000);
    this.nsPerPage = w.zeroCyclesPerPage / w.cpuGhz;
    this.sliceNs = Math.max(1, Math.round(w.timeSliceUs * 1000)); // whole ns, like every event time
    this.holdNs = w.holdAfterZeroUs * 1000;
    this.bursty = w.arrival === 'bursty';
    this.onMeanNs = w.burstOnUs * 1000;
    this.offMeanNs = w.burstOffUs * 1000;
    // Bursty: the on-rate is raised by (on + off) / on so the long-run mean rate is ratePerCpuHz.
    const rate = this.bursty ? (w.ratePerCpuHz * (w.burstOnUs + w.burstOffUs)) / w.burstOnUs : w.ratePerCpuHz;
    this.arrivalMeanNs = rate > 0 ? 1e9 / rate : Infinity;
    this.initOnFree = w.initMode === 'init_on_free';
    // Ticks matter only if they can switch or migrate something.
    this.ticking = perCpu >= 2 && (w.preemptProbability > 0 || (w.migrateProbability > 0 && n > 1));

    // Up to 16 CPUs a 4-ary heap is the faster merge, above it a calendar queue (measured: 1.3x
    // at 1024 CPUs). Equal times: the heap takes the lower CPU first, the wheel the CPU queued
    // first (the lower one at the start); either way the order is fixed by the config.
    this.heap =
      n > 16 ? new CpuWheel(n, w.ratePerCpuHz > 0 ? 1e9 / (2 * w.ratePerCpuHz) : this.sliceNs) : new CpuHeap(n);
    this.rng = new AleaBank(Array.from({ length: n }, (_, c) => streamKey(config.seed, 'unmapped-alloc', 'cpu', c)));
    const rng = this.rng;
    for (let c = 0; c < n; c++) {
      const u = () => rng.next(c);
      if (this.ticking) this.times[CpuTime.FIELDS * c + CpuTime.NEXT_TICK] = 1 + Math.floor(u() * this.sliceNs);
      if (this.bursty) {
        // Start in the on state with probability on / (on + off), the stationary share.
        this.burstOn[c] = u() * (w.burstOnUs + w.burstOffUs) < w.burstOnUs ? 1 : 0;
        this.times[CpuTime.FIELDS * c + CpuTime.NEXT_TOGGLE] = Math.round(
          -Math.log(1 - u()) * (this.burstOn[c] ? this.onMeanNs : this.offMeanNs),
        );
      }
      if (!this.bursty || this.burstOn[c])
        this.times[CpuTime.FIELDS * c + CpuTime.NEXT_ARRIVAL] = this.drawArrival(c, 0);
      this.heap.key[c] = 0; // the initial SWITCH
    }
    this.heap.rebuild();
  }

  protected drawArrival(c: number, t: number): number {
    if (this.arrivalMeanNs === Infinity) return Infinity;
    return t + Math.round(-Math.log(1 - this.rng.next(c)) * this.arrivalMeanNs);
  }
}

/** The processes (mms) of an unmapped-alloc workload: mmsPerCpu on each online CPU. */
export function unmappedAllocMms(onlineCpus: number, mmsPerCpu: number): number {
  return onlineCpus * mmsPerCpu;
}
