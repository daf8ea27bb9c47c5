/**
 * Warm-up runs for a sweep's worker threads: short runs, two per allocator version and workload
 * kind among the sweep's points (the first point, then a busy run: below), that each thread
 * makes once before its first point, their results discarded (src/sweep/pool.ts,
 * RunSweepOptions.warmUp).
 *
 * Why: each worker thread is a V8 isolate that compiles the simulator for itself. V8 optimizes a
 * function for the classes its call sites have seen so far; a sweep of two versions starts on
 * the first, and the first point of the second (a second allocator class at every call into the
 * mermap) throws away the optimized machine, drive loop included, which V8 compiles again. A
 * thousand events of each version, run before V8 optimizes anything, give those sites both
 * classes from the start. Measured on the project's 2-core machine (docs/performance.md), the sweep benchmark's points
 * (bench/sweep.ts, 48 points on one isolate): V8's compiler threads spent 1.23 to 1.42
 * CPU-seconds over the first pass without a warm-up (two runs) and 0.77 to 1.00 with one of 500,
 * 1,000 or 2,000 events (twelve runs, alike); the first pass's CPU beyond a warm pass fell from
 * 1.52-1.56 s to 0.8-1.3 s, the warm-up included. The default preset's two first-point runs took
 * about 50 ms of a fresh worker's time on a quiet machine; with the two busy runs, the warm-up
 * took 0.36 to 0.53 s against 0.25 to 0.31 s without them on a machine busy enough to run
 * everything several times slower (two runs each, November 2026). Only V8's work changes:
 * results are the same bytes (test/sweep/twins.test.ts).
 *
 * A sweep of one version and one workload kind gets both runs too: nothing changes class there,
 * but its rare paths gain as much (below).
 * Traces and op scripts are left out (a file read, not a code path of its own).
 */

/**
 * Events of one warm-up run: enough to reach every call into the allocator and the TLBs.
 *
 * Since the default sweep runs 16 online CPUs instead of 12 (December 2026), a thousand events
 * give each CPU fewer, and the bench's 96-point sweep (16 CPUs online) met six deoptimizations
 * after the warm-up instead of four (an order-10 allocation's second pageblock, the slow path,
 * a TLB drop path). Runs of 84 events per online CPU (1,344 at 16: each CPU's share of 1,000
 * at 12) left one, but on the default sweep (`npm run bench:instructions`) they cost more: a
 * worker's four points 11,166 M -> 11,309 M instructions, its start-up and warm-up 2,993 M ->
 * 3,134 M. Not kept.
 */
export const WARM_UP_EVENTS = 1000;
/**
 * Points looked at for their versions and workload kinds: the first this many of the sweep (the
 * scan runs before the workers start: about 23 microseconds a point, the default preset's 3,600
 * took 82 ms). A version or kind first seen further on than this gets no warm-up run.
 */
export const WARM_UP_SCAN = 1024;

type Json = Record<string, unknown>;

function field(config: Json, section: string, name: string): unknown {
  const s = config[section];
  return s !== null && typeof s === 'object' ? (s as Json)[name] : undefined;
}

/**
 * What the busy warm-up run of an unmapped-alloc pair changes: time slices short enough that the
 * scheduler's ticks (SWITCH, MIGRATE) come inside WARM_UP_EVENTS events, and migrations common.
 * At the defaults (4 ms slices, 1 % migrations) a thousand events see none, and the first tick
 * of a real point deoptimized drive(). Other kinds have no scheduler: their busy run is the
 * widest point alone, left out when that is the first point.
 *
 * (Busy runs on the `tiny` TLB preset as well, 16 STLB entries, so that both levels evicted
 * inside the thousand events, took the deoptimizations of the 16 points below from 5 or 6 to 4
 * or 5, and cost more than they saved: 34,591 M instructions against 33,408 M without; the
 * tiny TLB is not used. November 2026.)
 */
const BUSY_WORKLOAD: Readonly<Record<string, Json>> = {
  'unmapped-alloc': { timeSliceUs: 20, migrateProbability: 0.5 },
};

/** The possible CPUs a point asks for (absent: 0, below any value it could name). */
function possibleCpus(config: Json): number {
  const n = field(config, 'machine', 'possibleCpus');
  return typeof n === 'number' ? n : 0;
}

/** `config` cut to WARM_UP_EVENTS events, with BUSY_WORKLOAD's changes when `busy`. */
function warmUpRun(config: Json, busy: boolean): Json {
  const out: Json = { ...config, length: { events: WARM_UP_EVENTS } };
  const workload = config.workload;
  if (busy && workload !== null && typeof workload === 'object') {
    const extra = BUSY_WORKLOAD[String((workload as Json).kind)];
    if (extra !== undefined) out.workload = { ...workload, ...extra };
  }
  return out;
}

/**
 * The warm-up configs for a sweep whose point configs are `configs` (plain JSON, as the worker
 * gets them): for each (mermap.variant, workload.kind) pair, in the order first seen, its first
 * point cut to WARM_UP_EVENTS events; then, for each pair, a busy run: its point with the most
 * possible CPUs (the first such), cut alike and with BUSY_WORKLOAD's changes. The configs are
 * read as given (an absent field is its own value), so nothing is parsed per point.
 *
 * Why the busy run: V8 compiles a function for the paths it has seen run, and the first run of
 * any other path in compiled code (a MIGRATE event, a context switch that flushes a PCID)
 * throws the code away, the drive loop's included, and compiles it again. A sweep's first
 * points are often its 1-CPU ones, whose thousand events never migrate or switch. The busy
 * runs, with the rare branches written without a branch elsewhere (docs/design.md, Habits),
 * took a worker's first 16 points of the default sweep from 23 to 27 deoptimizations to 5 to 7,
 * `Tlb.fill()` once among them (three runs each, `node --trace-deopt`), and its instructions,
 * start-up, warm-up and compiling included, from 35,334 M to 33,408 M (-5.5 %; November 2026).
 * A sweep of one pair gains as much (16 rfc-v1 points of the default sweep's first round, 1 and
 * 4 possible CPUs, on one isolate): 32,145 M instructions without a warm-up, 31,546 M with the
 * busy run alone, 30,749 M with the first point's run and the busy run (-4.3 %; until then a
 * single pair got none).
 */
export function warmUpConfigs(configs: Iterable<Json>): Json[] {
  const firsts = new Map<string, Json>();
  const widest = new Map<string, Json>();
  let scanned = 0;
  for (const config of configs) {
    if (scanned++ === WARM_UP_SCAN) break;
    if (field(config, 'workload', 'path') !== undefined) continue;
    const key = JSON.stringify([field(config, 'mermap', 'variant'), field(config, 'workload', 'kind')]);
    if (!firsts.has(key)) firsts.set(key, config);
    const w = widest.get(key);
    if (w === undefined || possibleCpus(config) > possibleCpus(w)) widest.set(key, config);
  }
  const busy: Json[] = [];
  for (const [key, config] of widest) {
    const run = warmUpRun(config, true);
    // (a kind without BUSY_WORKLOAD whose first point is its widest: the first run again)
    if (config !== firsts.get(key) || run.workload !== config.workload) busy.push(run);
  }
  return [...[...firsts.values()].map((c) => warmUpRun(c, false)), ...busy];
}
