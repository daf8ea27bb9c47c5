/**
 * Warm-up runs for a sweep's worker threads: short runs, one per allocator version and workload
 * kind among the sweep's points, that each thread makes once before its first point, their
 * results discarded (src/sweep/pool.ts, RunSweepOptions.warmUp).
 *
 * Why: each worker thread is a V8 isolate that compiles the simulator for itself. V8 optimizes a
 * function for the classes its call sites have seen so far; a sweep of two versions starts on
 * the first, and the first point of the second (a second allocator class at every call into the
 * mermap) throws away the optimized machine, drive loop included, which V8 compiles again. A
 * thousand events of each version, run before V8 optimizes anything, give those sites both
 * classes from the start. Measured on the README's 2-core machine, the sweep benchmark's points
 * (bench/sweep.ts, 48 points on one isolate): V8's compiler threads spent 1.23 to 1.42
 * CPU-seconds over the first pass without a warm-up (two runs) and 0.77 to 1.00 with one of 500,
 * 1,000 or 2,000 events (twelve runs, alike); the first pass's CPU beyond a warm pass fell from
 * 1.52-1.56 s to 0.8-1.3 s, the warm-up included. The default preset's two warm-ups take about
 * 50 ms of a fresh worker's time. Only V8's work changes: results are the same bytes
 * (test/sweep/twins.test.ts).
 *
 * A sweep of one version and one workload kind gets no warm-up: nothing would change class.
 * Traces and op scripts are left out (a file read, not a code path of its own).
 */

/** Events of one warm-up run: enough to reach every call into the allocator and the TLBs. */
export const WARM_UP_EVENTS = 1000;
/**
 * Points looked at for their versions and workload kinds: the first this many of the sweep (the
 * scan runs before the workers start: about 23 microseconds a point, the default preset's 3,600
 * took 82 ms). A sweep whose versions lie further apart than this gets no warm-up.
 */
export const WARM_UP_SCAN = 1024;

type Json = Record<string, unknown>;

function field(config: Json, section: string, name: string): unknown {
  const s = config[section];
  return s !== null && typeof s === 'object' ? (s as Json)[name] : undefined;
}

/**
 * The warm-up configs for a sweep whose point configs are `configs` (plain JSON, as the worker
 * gets them): the first point of each (mermap.variant, workload.kind) pair, cut to
 * WARM_UP_EVENTS events, in the order first seen; none when there is a single pair. The configs
 * are read as given (an absent field is its own value), so nothing is parsed per point.
 */
export function warmUpConfigs(configs: Iterable<Json>): Json[] {
  const firsts = new Map<string, Json>();
  let scanned = 0;
  for (const config of configs) {
    if (scanned++ === WARM_UP_SCAN) break;
    if (field(config, 'workload', 'path') !== undefined) continue;
    const key = JSON.stringify([field(config, 'mermap', 'variant'), field(config, 'workload', 'kind')]);
    if (!firsts.has(key)) firsts.set(key, { ...config, length: { events: WARM_UP_EVENTS } });
  }
  return firsts.size < 2 ? [] : [...firsts.values()];
}
