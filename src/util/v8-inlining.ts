/**
 * V8's inlining budget for the executables: the CLI (and so every sweep's worker threads, which
 * share the process's V8 flags, on a laptop, in Slurm or in Kubernetes) and `npm run bench`;
 * and for a notebook that asks.
 *
 * The simulator's hot path is a handful of mid-size methods that call each other once per event:
 * Machine.mermapGet() (549 bytes of bytecode) inlines the allocator's get() with its helpers
 * (about 600), mapOwn() is 508, Tlb.fill() inlines the eviction and the masks' upkeep. V8's
 * TurboFan inlines a callee of at most 460 bytes and at most 920 bytes in all into one function
 * (the defaults of --max-inlined-bytecode-size and --max-inlined-bytecode-size-cumulative, V8
 * 11.3 of Node 20), so these calls stay calls and each boxes the page numbers it passes.
 * A larger budget inlines them.
 *
 * Measured with `npm run bench` on the project's 2-core machine (docs/performance.md), two runs each way, alternating
 * (MERMAP_LAB_V8_DEFAULTS=1 for the defaults), Node 20.20:
 *   default sweep (a shard, 2 workers)   4.08-4.16 M events/s  ->  4.66-4.71
 *   full machine, tight                  16.9-17.2 M pairs/s   ->  18.4
 *   full machine, window                 8.7-8.9 M pairs/s     ->  9.7-9.8
 *   96-point sweep, 1 worker             11.9-12.4 s           ->  10.8-10.9
 *   96-point sweep, 2 workers            7.2-7.3 s             ->  6.8-6.9
 * and the main job (default sweep and report) 90.7-93.3 s -> 85.3-85.4 s (two pairs). The cost is
 * compile time: about 1.8 s of optimizing compiles per V8 isolate instead of 1.0 s (`node
 * --trace-opt`, 48 points), which each sweep worker pays once, on the cores the workers need when
 * there are as many workers as cores. So the 1 -> 2 worker speed-up of that sweep falls (1.64-1.74x
 * -> 1.57-1.60x) while both runs get faster: the single worker gains the more. Larger budgets (2000
 * and 10000) ran the tight loop at 20.6 M pairs/s but compiled for 4 s per isolate, and the
 * 96-point sweep on 2 workers took longer than with these. Measured again in November 2026 (three
 * interleaved pairs each way): a cumulative 4000 ran the default sweep's shard on 2 workers 1.3 to
 * 4.7 % slower (10.39-10.82 s against 10.13-10.45 s) and gave each isolate's compiler threads 0.14
 * to 0.25 CPU-seconds more over 48 points; 3400 ran alike within noise (the default sweep's points
 * on one thread).
 *
 * What the budget decides in the default sweep (November 2026, `--trace-turbo-inlining`):
 * mermapGet() weighs its 549 bytes plus about 2,700 it inlines (the metrics' observer among them,
 * with the wasted-VA collector's read of the region, MermapCpuState.regionUsage()), more than the
 * cumulative 3000 on its own, yet whether drive() inlines it changed from one traced process to the
 * next (its weight is what it had inlined by then). A build without that read (not a valid change:
 * the metric needs it) ran the points 8.6 % faster on one thread, and one with the read's loop
 * emptied ran alike: what the read costs is its weight in the inlining, not its work.
 * Tried since and not kept:
 *   cumulative 3400 to 5000        the default sweep's points on one thread within noise (timed;
 *                                  3400 was taken since, on instruction counts: below)
 *   --no-turbo-loop-peeling        each isolate compiled about 9 % less (740 -> 675 ms over 48
 *                                  of the bench's points) and the 96-point sweep's speed-up
 *                                  averaged 1.79x against 1.74x (five and four bench runs, each
 *                                  inside the other's noise); but a loop-carried number that
 *                                  starts as a small integer and becomes a double or an unsigned
 *                                  32-bit value (`let sum = 0; sum += v`) is then boxed on every
 *                                  iteration: the bench's stand-in sweep ran 2 to 5.7 times slower
 *   --no-lazy-feedback-allocation  feedback from a function's first call, so that the warm-up's
 *                                  short runs record more: one deoptimization fewer over 48 of
 *                                  the bench's points, but a worker's four default points 8,748 M
 *                                  -> 8,957 M instructions (+2.4 %), its start-up and warm-up
 *                                  2,766 M -> 2,845 M, the tight loop 1,105 -> 1,168 a pair
 *                                  (bench:instructions, November 2026)
 *
 * Raised from 3000 to 3400 (November 2026) on instruction counts (`npm run bench:instructions`,
 * which a busy machine does not disturb; builds that differ in this flag only): the full
 * machine's tight loop 1,389 -> 1,263 instructions a get/put pair (refusal() and cpuEndOf(),
 * 130 instructions a pair as calls, are now inlined); a worker's default-sweep points once
 * compiled (points 5 to 12, 3 M events) 17,169 M -> 17,147 M (-0.1 %); its first 4 points,
 * warm-up and compiling included, 15,998 M -> 16,524 M (+3.3 %: about 0.5 G more compiling per
 * worker, which the main job's ~550 points a worker spread to under 0.1 %, and the bench's
 * 96-point sweep's speed-up, by this arithmetic, to under 0.5 %). Not timed: the machine was
 * too busy that day.
 *
 * Only what V8 compiles changes, never what the code computes: results are byte-identical with
 * and without (the smoke sweep of test/cli/sweep.test.ts). MERMAP_LAB_V8_DEFAULTS=1 keeps V8's
 * defaults (to compare, or on a Node whose V8 lacks these flags). Importing the library changes
 * no flag: a notebook or script that wants the budget calls widenV8Inlining() itself (the
 * package exports it), since the flags hold for the whole process, its host's code included.
 */
import { setFlagsFromString } from 'node:v8';

export const V8_INLINING_FLAGS: readonly string[] = [
  '--max-inlined-bytecode-size=1000',
  '--max-inlined-bytecode-size-cumulative=3400',
];

/** The environment variable that keeps V8's default inlining budget when set to 1. */
export const V8_DEFAULTS_ENV = 'MERMAP_LAB_V8_DEFAULTS';

let widened = false;

/**
 * Widen V8's inlining budget for the rest of the process (its worker threads included), once,
 * unless MERMAP_LAB_V8_DEFAULTS=1. Call it before the simulator runs: V8 reads the flags when
 * it optimizes a function, so code optimized before keeps the budget it had. Returns whether
 * the flags are set.
 */
export function widenV8Inlining(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[V8_DEFAULTS_ENV] === '1') return false;
  if (!widened) {
    for (const flag of V8_INLINING_FLAGS) setFlagsFromString(flag);
    widened = true;
  }
  return true;
}
