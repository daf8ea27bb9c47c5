/**
 * The bounds of every size a run config or the CLI accepts, in one place: the schema's fields and
 * the CLI's flag parsers both read them, so `--cpus 300000` and `machine.possibleCpus: 300000`
 * fail the same way, with the same allowed range.
 */
import { MAX_CPUS, MAX_REGION_PAGES } from '../core/defaults.js';

export interface SizeLimit {
  min: number;
  max: number;
  /** What the number counts, for messages: "pages", "CPUs". */
  unit: string;
}

export { MAX_REGION_PAGES };

/** Most slots per CPU per mm (mermap slots, kmap_local slots): per-CPU state is sized by it. */
export const MAX_SLOTS = 1024;

/**
 * Most worker threads a sweep runs (--workers, a spec's `workers`): each is an isolate of its own,
 * about 11 MiB before its first point (64 idle ones took 717 MiB). Beyond the machine's cores a
 * thread only adds memory; 1024 leaves room for the largest machines.
 */
export const MAX_WORKERS = 1024;

/** Most processes per CPU or threads per process a generator creates: a simulator bound (each mm carries page tables). */
export const MAX_TASKS_PER_LEVEL = 1024;

/** PID_MAX_LIMIT on 64-bit (include/linux/threads.h: 4 * 1024 * 1024): no kernel runs more tasks. */
export const PID_MAX_LIMIT = 4 * 1024 * 1024;

/**
 * Most pages a workload touches per mm for TLB pressure (tlbPressure.userPagesPerMm): 2^20
 * pages, 4 GiB, far beyond any TLB's reach (an STLB holds 1,000 to 2,000 entries). The touches
 * demand-map what they reach, a PTE table per 512 pages, so the bound is also the page tables'
 * (at most 2,048 tables, 8 MiB, per mm); and the pages stay in the user half at either paging
 * depth (2^35 pages with 4 levels).
 */
export const MAX_USER_PAGES_PER_MM = 2 ** 20;

/**
 * Most direct-map pages the global touches spread over (tlbPressure.globalPages): 2^24 pages,
 * 64 GiB, inside the direct map at either depth (2^34 pages with 4 levels); with 4 KiB direct-map
 * leaves (machine.directMapPageSize) at most 2^15 PTE tables, 128 MiB.
 */
export const MAX_GLOBAL_PAGES = 2 ** 24;

/**
 * Most live allocations per CPU in the microbench's window mode: MAX_SLOTS, the most mappings a
 * CPU's mermap can hold at once (a get beyond its slots fails).
 */
export const MAX_WINDOW = MAX_SLOTS;

export const LIMITS = {
  cpus: { min: 1, max: MAX_CPUS, unit: 'CPUs' },
  workers: { min: 1, max: MAX_WORKERS, unit: 'workers' },
  regionPages: { min: 2, max: MAX_REGION_PAGES, unit: 'pages' },
  slots: { min: 1, max: MAX_SLOTS, unit: 'slots' },
  mmsPerCpu: { min: 1, max: MAX_TASKS_PER_LEVEL, unit: 'processes' },
  threadsPerMm: { min: 1, max: MAX_TASKS_PER_LEVEL, unit: 'threads' },
  events: { min: 1, max: Number.MAX_SAFE_INTEGER, unit: 'events' },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER, unit: '' },
  /** pages of one get (a workload's sizes, an op script's get): at most the largest region */
  pagesPerGet: { min: 1, max: MAX_REGION_PAGES, unit: 'pages' },
  window: { min: 1, max: MAX_WINDOW, unit: 'allocations' },
  userPagesPerMm: { min: 0, max: MAX_USER_PAGES_PER_MM, unit: 'pages' },
  globalPages: { min: 0, max: MAX_GLOBAL_PAGES, unit: 'pages' },
  /**
   * pages of mermap.vmapBlockPages, vmapLazyPages and flushCeilingPages (and the cost model's
   * flushCeilingPages): no range a CPU's region holds is larger than the largest region, so a
   * block fits in it (rules.ts holds it to the run's own region), every lazily freed page of a
   * CPU counts at most that many, and every range flush of at most that many pages is INVLPGed
   * page by page: a larger threshold would act the same.
   */
  regionRangePages: { min: 0, max: MAX_REGION_PAGES, unit: 'pages' },
} as const satisfies Record<string, SizeLimit>;

/**
 * The most zeroing an unmapped-alloc workload may offer a CPU, as a multiple of what it can do
 * (src/config/rules.ts, arrivals()). Past 1 the CPU never catches up and every allocation
 * waits behind a backlog that only grows. The generator still draws every arrival, and a
 * zeroing's end is an event, so an event costs up to about this many draws: at a load of
 * 5.6 x 10^4 (zeroCyclesPerPage 10^9) with time slices of 1,000 s, so that nothing else
 * happened between two ends, a 20,000-event run took 20 s (0.14 s with the default slices).
 * 100 leaves overload to study.
 */
export const MAX_OFFERED_LOAD = 100;

/**
 * The bounds of the workloads' real-valued parameters. None is a fact of the kernel: each keeps
 * the simulation meaningful and its cost bounded, far beyond any real machine.
 *
 *   touchesPerOp      an op and its touches go into one event chunk (src/workloads/
 *                     tlb-pressure.ts; a run's chunk holds 4,096): above about 4,000 the run
 *                     stopped with a stack trace
 *   ratePerCpuHz      10^8 allocations per second per CPU, one per 10 ns: no page allocator
 *                     path is that fast. The generator draws each arrival, so the bound holds
 *                     for the rate while a burst is on too (src/config/rules.ts): a 20,000-event
 *                     run did not end in a minute at 10^12 Hz, nor with bursts of 1 us every 10 s
 *                     (2 x 10^11 Hz while on); MAX_OFFERED_LOAD bounds it with the zeroing time
 *   durations         at most 1,000 s each (a hold, a burst, a time slice, a gap between ops)
 *   length.seconds    at most 10^6 s (11.6 days): event times are whole nanoseconds in doubles,
 *                     exact up to 2^53 ns (104 days), with room for the durations after the end
 *   zeroCyclesPerPage at most 10^6 cycles per 4 KiB page (about 10^3 is real)
 *   cpuGhz            0.1 to 100 GHz
 *   costCycles        a cost model's cycles for one operation (cost.overrides): at most 10^6,
 *                     a third of a millisecond at 3 GHz, 100 times the presets' dearest figure
 *                     (a full flush, about 10^4 cycles: src/analysis/costs)
 *   fraction          a share, 0 to 1
 *   guestGiB          at most 65,536 GiB, the direct map of 4-level paging (64 TiB)
 */
export const REAL_LIMITS = {
  touchesPerOp: { min: 0, max: 1024, unit: 'touches' },
  ratePerCpuHz: { min: 0, max: 1e8, unit: 'Hz' },
  durationSeconds: { min: 0, max: 1000, unit: 's' },
  lengthSeconds: { min: 0, max: 1e6, unit: 's' },
  zeroCyclesPerPage: { min: 0, max: 1e6, unit: 'cycles' },
  cpuGhz: { min: 0.1, max: 100, unit: 'GHz' },
  costCycles: { min: 0, max: 1e6, unit: 'cycles' },
  fraction: { min: 0, max: 1, unit: '' },
  guestGiB: { min: 0, max: 65536, unit: 'GiB' },
} as const satisfies Record<string, SizeLimit>;

/**
 * "a whole number of CPUs in 1..8192": the allowed range of a size, in words (a bound of
 * 2^53 - 1, where doubles stop counting exactly, in digits too: "must be >= 1" would not tell
 * why 99999999999999999999 is refused).
 */
export function sizeAllowed(limit: SizeLimit): string {
  const unit = limit.unit === '' ? '' : ` of ${limit.unit}`;
  return `a whole number${unit} in ${limit.min}..${limit.max}`;
}

/**
 * "a rate in Hz in [0, 100000000]": the allowed range of a real-valued parameter, in words (the
 * noun says what it is), with "(" for an exclusive minimum.
 */
export function realAllowed(noun: string, limit: SizeLimit, exclusiveMin = false): string {
  return `${noun} in ${exclusiveMin ? '(' : '['}${limit.min}, ${limit.max}]`;
}

/**
 * A size from the command line: decimal digits only (no `0x40`, `1e9`, signs or spaces), within
 * the limit. Returns the number, or what is wrong with it in the words of the flag parsers.
 */
export function parseDecimalSize(text: string, limit: SizeLimit): number | string {
  if (!/^[0-9]+$/.test(text)) return `must be ${sizeAllowed(limit)}, in decimal digits`;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < limit.min || n > limit.max) return `must be ${sizeAllowed(limit)}`;
  return n;
}
