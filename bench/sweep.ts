import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPoint } from '../src/run/point.js';
import { planSweep, type SweepPoint } from '../src/sweep/plan.js';
import { runSweep } from '../src/sweep/pool.js';
import type { Shard } from '../src/sweep/shard.js';
import { warmUpConfigs } from '../src/run/warm-up.js';
import { SWEEP_PRESETS } from '../src/sweep/presets.js';
import { parseSweepSpec, type SweepSpec } from '../src/sweep/spec.js';

export { benchSweep } from '../src/sweep/bench.js';

/** CPU seconds of this process (every thread) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

/** The point runner the CLI's sweeps use, from the compiled build. */
const POINT_RUNNER = { module: new URL('../src/run/point.js', import.meta.url), export: 'runPoint' };

/** The default preset's spec as data (the main job: `mermap-lab sweep --preset default`). */
const DEFAULT_SPEC = SWEEP_PRESETS.default as { base: { machine: Record<string, unknown> } } & Record<string, unknown>;

/**
 * The default sweep's speed: its first round (adaptive replicates off, 1 replicate) cut to one
 * shard of SHARDS (every SHARDS-th point), on 2 worker threads, end to end (pool start-up, the
 * workers' warm-up and the results files included), as the CLI runs it. Events simulated per
 * second of wall time, the figure the main job's 2-minute budget depends on.
 *
 * The grid's last axis is the version (rfc-v1, rfc-later), so an even shard count would deal
 * one version only to shard 0: SHARDS and the --quick count are odd, and defaultShard() checks
 * that the shard holds both. (Until this was seen the bench ran 1 shard of 4: rfc-v1 alone,
 * never paying for the second allocator class, so its figure was a little high.)
 *
 * The main job's own line ("events/s overall", the figure issue 19's 2.4 M was) reads higher
 * than this shard: 5.12 and 5.19 M events/s on two fresh clones (November 2026) against 4.37 to
 * 4.62 M here, as its 80 s spread the pool's start-up and each worker's compiling over eight
 * times the events. The shard keeps the bench inside its 3 minutes, and errs low.
 */
const SHARDS = 5;
const QUICK_SHARDS = 15;

/** The default sweep's first-round shard the bench runs, checked to hold every version. */
function defaultShard(spec: SweepSpec, quick: boolean): { shard: Shard; points: SweepPoint[] } {
  const shard = { index: 0, count: quick ? QUICK_SHARDS : SHARDS };
  const points = [...planSweep(spec).shardPoints(shard)];
  const versions = new Set(points.map((p) => (p.config.mermap as { variant: string }).variant));
  const all = (DEFAULT_SPEC.grid as Record<string, unknown[]>)['mermap.variant']!;
  if (versions.size !== all.length) {
    throw new Error(`sweep benchmark: shard ${shard.index}/${shard.count} holds ${[...versions].join(', ')} only`);
  }
  return { shard, points };
}

/** The default preset's first round: adaptive replicates off, 1 replicate, named `name`. */
export function defaultFirstRound(name: string): SweepSpec {
  const { adaptive: _adaptive, targets: _targets, ...rest } = DEFAULT_SPEC;
  return parseSweepSpec({ ...structuredClone(rest), name, replicates: 1 }, `sweep benchmark (${name})`);
}

export async function benchDefaultSweep(
  opts: { quick?: boolean } = {},
): Promise<{ points: number; events: number; seconds: number; eventsPerSecond: number; eventsPerCpuSecond: number }> {
  const spec = defaultFirstRound('bench-default');
  const { shard } = defaultShard(spec, opts.quick === true);
  const root = mkdtempSync(join(tmpdir(), 'mermap-lab-bench-'));
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const summary = await runSweep({
      spec,
      out: join(root, 'default'),
      worker: POINT_RUNNER,
      workers: 2,
      shard,
      warmUp: warmUpConfigs,
    });
    const seconds = (performance.now() - t0) / 1000;
    return {
      points: summary.ran,
      events: summary.events,
      seconds,
      eventsPerSecond: summary.events / seconds,
      // per CPU-second of this process (all threads): what a busy machine does not distort
      eventsPerCpuSecond: summary.events / cpuSeconds(cpu0),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Points of the default sweep's first round the warm figure runs (4 with --quick). */
const WARM_POINTS = 16;

/**
 * The configs of the points benchDefaultPointsWarm() runs: WARM_POINTS (4 with --quick) of the
 * shard benchDefaultSweep() runs, spread evenly over it, so they mix the grid's values (both
 * versions) as it does. (bench/instructions.ts counts a worker's instructions on them.)
 */
export function defaultWarmPoints(quick: boolean): Array<Record<string, unknown>> {
  const { points } = defaultShard(defaultFirstRound('bench-default-warm'), quick);
  const count = quick ? 4 : WARM_POINTS;
  return Array.from({ length: count }, (_, k) => points[Math.floor((k * points.length) / count)]!.config);
}

/**
 * The default sweep's first-round points on this thread, in-process, twice over: events per
 * second of the second pass, when the simulator is compiled. That is the rate a sweep worker
 * runs at once its warm-up is over; times the workers, it is the default sweep's figure with
 * nothing lost to warm-up, to the pool or to two runs side by side. The points are WARM_POINTS
 * of the shard benchDefaultSweep() runs, spread over it.
 *
 * Measured on the project's 2-core machine (docs/performance.md), back to back twice (shard 0 of 5, both versions,
 * with the workers' warm-up): the whole shard on one worker at 2.57 to 2.63 M events/s (17.1 to
 * 17.5 s; its JIT compiling on the idle second core), on 2 workers at 4.41 to 4.49 M (10.0 to
 * 10.2 s): 1.70x to 1.72x; the 16 points here at 2.46 to 2.67 M. What 2 workers lose is their
 * JIT: each worker is an isolate that compiles the simulator for itself, on the cores the
 * workers need (benchSweepRealRuns() has the figures).
 *
 * Where one thread's time goes (these 16 points, second pass, November 2026, two to six runs of
 * each, interleaved; each figure from a build with one part of drive() skipped, so the results
 * are wrong and only the time counts): all of it, 2.48 to 2.67 M events/s; without the RFC v1 slow path's page-by-page rounds (1.67 M
 * reserved 1-page get, zero, put rounds against 6 M events), 3.34 to 3.70 M; without the TLB
 * pressure's touches (4.35 M of the 6 M events; generated, not simulated), 3.52 to 3.86 M;
 * without both, 6.3 to 6.5 M. So the 6 M target on two workers needs one thread near 3.4 M:
 * as fast as if the slow path cost nothing, before what the pool and two JITs lose. Neither
 * part has a hot spot of its own: a round is a get, a lookup that misses, a walk, a fill of
 * both TLB levels, two PTE writes, the checker's stamps, a put with its stale marks and the
 * metrics' region updates (about 205 ns on one CPU alone, 83 ns of it the TLB's); of the
 * touches, 46 % miss both levels (a walk and a fill), 16 % hit the STLB and 38 % the L1. With
 * the checker off (a build made for the measurement: the runs' violation counts then read 0),
 * 2.81 to 3.09 M events/s against 2.45 to 2.50 M (three pairs): a sweep mode without it would
 * still leave two workers near 5.3 M, short of 6 M, and would change what a sweep's rows say.
 * Generating the events is no large part either: 120 of the default sweep's points, their
 * sources filled and nothing simulated, ran at 25 to 26 M events/s (about 11 % of a point's
 * time), and a cache of streams would not save it, as no two of the default sweep's
 * simulations share a stream: a point's seed differs with every grid value but the possible
 * CPUs and the workload scenario, a scenario changes the workload itself, and the points that
 * share a stream above 12 possible CPUs are already one run (twins.ts).
 * Nor does the pool take much: of a 5-shard's samples (perf, 2 workers), the workers' threads
 * had 96.7 %, the main thread 1.9 % and V8's platform threads 1.3 % (November 2026).
 *
 * The TLB model is the part a new design would have to win on. `npm run bench:tlb`
 * (./tlb-replay.ts) records every call two points' Machines make on their 12 TLBs (rfc-later
 * with 128-page regions and rfc-v1 with 512; 1.48 to 1.49 M calls per point) and replays them
 * into fresh TLBs: 72 to 80 ms, about 8 of them the replay loop's own, against 143 to 184 ms for
 * the points themselves, so the TLBs take about 40 % of a point (three runs, November 2026).
 * The smallest two-level LRU model of the same lookups, fills and flushes (4 KiB entries only,
 * no stale stamps, copies or flush accounting; written for the measurement, not kept)
 * replayed them in 25 to 28 ms. Part of that gap is what the rows need counted:
 * refill attribution about 5 to 9 ms, stale marking up to 7 (builds without them, four pairs
 * each). Three exact changes (every counter alike after the replay) did not help: LRU order as a
 * last-use stamp per entry instead of the linked lists and a flush that clears only the valid
 * entries ran as fast, and lookups that scan a set's ways instead of reading the tag buckets 10
 * to 20 % slower. For one thread to go from 2.8 M to the 3.2 M the main job's 6 M needs (3.4 M
 * for this bench's shard), the TLBs would have to run about 1.5x (1.8x) as fast, with all they
 * count.
 */
export async function benchDefaultPointsWarm(
  opts: { quick?: boolean } = {},
): Promise<{ points: number; events: number; seconds: number; eventsPerSecond: number }> {
  const configs = defaultWarmPoints(opts.quick === true);
  const pass = async () => {
    let events = 0;
    const t0 = performance.now();
    for (const c of configs) events += (await runPoint(c)).events;
    return { events, seconds: (performance.now() - t0) / 1000 };
  };
  await pass();
  const warm = await pass();
  return { points: configs.length, ...warm, eventsPerSecond: warm.events / warm.seconds };
}

/**
 * A sweep of real simulations (96 points of the default workload and machine, 250k events each;
 * 8 with --quick) on 1 and on 2 worker threads: end-to-end seconds and the speed-up (target:
 * TARGETS), and the CPU the 2-worker run spends beyond the 1-worker one.
 *
 * The speed-up grows with the sweep's length, because what a second worker costs is paid once:
 * each worker thread is a V8 isolate that compiles the simulator anew, on the cores the workers
 * need. Measured on the project's 2-core machine (docs/performance.md), per isolate, over 48 of these points (a
 * worker's share), by thread from /proc: V8's compiler threads spent 1.23 to 1.42 CPU-seconds
 * in the first pass against 0.1 to 0.2 in a warm one, and the isolate's own thread about 0.4 s
 * more (code not yet optimized); with the workers' warm-up (src/run/warm-up.ts, which the CLI
 * and this bench use) the compiler threads spent 0.87 to 0.93. Two isolates side by side once
 * warm were then no slower than one alone (48 points in 5.23 to 5.29 s as two processes, 5.23 to
 * 5.31 alone); in December 2026 they were 3 to 6 % slower (below).
 *
 * History, same machine, idle: with V8's inlining budget and the default machine at 8 online
 * CPUs, 1.50x for 32 points (what this bench ran before), 1.74x to 1.81x for 96 (12.5 s on one
 * worker), 2.06x for the main job (128 s on one worker, 62 s on two); at 12 online CPUs (the
 * default from then to December 2026, when it became 16) 1.59x to 1.86x for 96, 1.91x for the
 * main job (168 s, 88 s). With the CLI's inlining budget (this bench's since; src/util/v8-inlining.ts: each isolate compiles about
 * 1.8 s instead of 1.0 s, and runs faster), 1.57x to 1.60x for 96 (10.8-10.9 s on one worker,
 * 6.8-6.9 s on two). With the warm-up, each run paired with one without it (five pairs, same
 * minutes): 0.25 to 0.34 s less on two workers in every pair (6.55 to 7.14 s against 6.86 to
 * 7.39 s), 1.60x to 1.66x against 1.51x to 1.64x (and one 1.77x, when the 1-worker run itself
 * ran slow). The points here keep 250k events whatever the preset's length, so the figure
 * follows the simulator, not the preset.
 *
 * Why the figure stays under 1.8x on an idle machine (December 2026, the native model at 443 to
 * 466 M pairs/s; `npm run bench` read 1.65x (1.55 to 1.76) and 1.69x (1.47 to 1.91), single
 * pairs from 1.61x to 1.78x). Each thread's CPU from /proc over one sweep of these 96 points:
 *   1 worker    its thread 7.47 s, V8's four platform threads 0.96 s (the compiling, on the
 *               idle core), main thread 0.34 s: 7.78 s wall
 *   2 workers   4.39 s each (8.78 s together), platform threads 0.44 s, main 0.35 s: 4.82 s
 * The two workers' threads do 1.31 CPU-seconds more than the one: the compiling that one worker
 * leaves to the idle core (about 0.5 s, now on each worker's own thread: the other core is not
 * idle), the second isolate's own compiling (TurboFan 0.41 to 0.43 s over 48 points,
 * `--turbo-stats`, spread over 119 functions, none above 9 %), its import and warm-up (about
 * 0.15 s), and 5 % contention between the two cores: two warm isolates side by side run 64 points
 * 3 to 6 % slower than one alone, as threads of one process or as two processes, as the native
 * loop does (1.9x). For 1.8x the two workers could spend 0.6 s more than the one, not 1.3; so
 * removing every recompile after a deoptimization (about 70 ms an isolate) or the warm-up (the
 * sweep then took 0.2 s longer) cannot reach it. V8's default inlining budget
 * (widenV8Inlining() not called, the compile mode kept; the same hour, two runs at 12 online
 * CPUs) reads 1.84x and 1.85x, but only because the one worker slows more than the two: 9.24
 * to 9.44 s on one worker against 7.8 to 8.1 s, 4.98 to 5.13 s on two against 4.77 to 4.89 s;
 * the CLI keeps the wider budget, which is faster on any worker count. The main job, about 19
 * times as long, spreads the same fixed cost: at 12 online CPUs its 2 workers ran 6.75 M
 * events/s overall, start-up included, 1.91x one warm thread's 3.54 M (`npm run bench`, the
 * same hour).
 *
 * Where the second worker's CPU goes (November 2026, each thread's CPU from /proc over the whole
 * sweep): on 1 worker, its thread 10.5 s and V8's four platform threads (compiling, GC) 1.0 s;
 * on 2, the two worker threads 11.3 s together (0.8 s more: both run code not yet optimized
 * first) and V8's threads 1.8 s (0.8 s more: the second isolate's compiling). 1.8x on this
 * sweep would need that extra CPU under about 0.4 s, as the 1-worker run already spends 12.4
 * CPU-seconds in 11.5 s. What did not lower it: one version per worker (48 points of one
 * version compile as much as 48 of both, 0.9 to 1.1 CPU-s), the workers' threads at nice 19 so
 * that V8's compiler threads run first (walls within 0.25 s either way in four pairs); on the
 * default sweep's shard on 2 workers (10.2 to 10.6 s), V8's Maglev tier (`--maglev`, Node 20.20:
 * 10.8 to 10.9 s, two pairs) and an earlier tier-up (`--interrupt-budget` at half its 67584:
 * alike, at a quarter: 10.8 to 10.9 s, two pairs each). TurboFan's time over that shard on one
 * worker is about 1.9 s (`--trace-opt`, all threads), 0.4 s of it compiling drive() (9 times, 6
 * of them on-stack) and mermapGet() (6 times) again after deopts on paths the warm-up had not
 * reached. Tried since (November 2026, this sweep's 48 points of one worker, warm-up included):
 * a later tier-up (`--interrupt-budget` at 4x and 16x) compiled 0.8 to 1.2 s instead of 1.25
 * to 1.6 s, but the warm points ran 2 to 5 % slower, and the 2-worker sweep took as long (two
 * pairs); a warm-up that also ran each version's smallest- and largest-region point left the
 * deopts as many (33 against 34). Three of those deopts' sources are gone (drive()'s progress
 * read, the global bit tested first in TlbArray.findSized() and markStaleMermap()): 25 or 26
 * deopts instead of 35 to 39, with the compile time, the warm rate and the speed-up alike
 * within this machine's noise (three pairs: 1-worker runs alone ranged 10.7 to 12.1 s).
 *
 * What did lower it: with as many workers as cores, each worker compiles on its own thread
 * (src/util/v8-compile-mode.ts), so no background compiler thread takes turns with the workers;
 * 6.0 to 6.1 s on 2 workers instead of 6.3 to 6.7, 1.79x to 1.89x (three pairs). Compiled that
 * way, an isolate's TurboFan time over its 48 points is 0.75 to 0.78 s (`--trace-opt`), now on
 * the worker's own thread. A warm-up that also runs 3,000 events of each version on a 64-page
 * region, 8 mms a CPU, preempting and migrating every 2 us, cut the deopts during the points
 * from 28 to 15 and their compiling from 672 to 467 ms, but itself took 0.22 s longer: the
 * compiling moved ahead of the points (736 ms in all against 783 without it), so it was not kept.
 */
export async function benchSweepRealRuns(opts: { quick?: boolean } = {}): Promise<{
  points: number;
  oneWorkerSeconds: number;
  twoWorkerSeconds: number;
  speedup: number;
  twoWorkerExtraCpuSeconds: number;
}> {
  const replicates = opts.quick ? 1 : 12;
  const spec = parseSweepSpec(
    {
      name: 'bench-real',
      seed: 3,
      replicates,
      base: {
        machine: { ...DEFAULT_SPEC.base.machine, possibleCpus: 16 },
        workload: { kind: 'unmapped-alloc', tlbPressure: {} },
        length: { events: 250_000 },
      },
      grid: { 'mermap.regionPages': [64, 256, 512, 2048], 'mermap.variant': ['rfc-v1', 'rfc-later'] },
    },
    'sweep benchmark (real runs)',
  );
  const worker = POINT_RUNNER;
  const root = mkdtempSync(join(tmpdir(), 'mermap-lab-bench-'));
  try {
    const time = async (workers: number) => {
      const out = join(root, `w${workers}`);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await runSweep({ spec, out, worker, workers, warmUp: warmUpConfigs });
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, cpuSeconds: cpuSeconds(cpu0), csv: readFileSync(join(out, 'results.csv')) };
    };
    const one = await time(1);
    const two = await time(2);
    if (!one.csv.equals(two.csv)) throw new Error('sweep benchmark: 1 and 2 workers wrote different results');
    return {
      points: replicates * 8,
      oneWorkerSeconds: one.seconds,
      twoWorkerSeconds: two.seconds,
      speedup: one.seconds / two.seconds,
      // CPU the 2-worker sweep spends beyond the 1-worker one (the second JIT warm-up, any
      // contention): the part of a lost speed-up that is not other load on the machine
      twoWorkerExtraCpuSeconds: two.cpuSeconds - one.cpuSeconds,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
