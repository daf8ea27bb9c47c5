/**
 * Where the worker threads of a sweep compile their optimized code: on V8's background compiler
 * threads (its default, --concurrent-recompilation) or each on its own thread.
 *
 * Each worker thread is a V8 isolate that compiles the simulator for itself, most of it in its
 * first seconds: over 48 points of the bench's sweep, 1.2 to 1.4 CPU-seconds of V8's background
 * compiler threads, or 0.75 to 0.78 s of TurboFan on the worker's own thread (`--trace-opt`;
 * bench/sweep.ts). By default that work goes to a background thread while the worker runs on
 * in slower code. With a core to spare (one worker on the project's 2-core machine) it is free. With as
 * many workers as cores, the sweep's default, the background threads take turns with the
 * workers on the same cores: each worker waits longer for its optimized code, runs the slower
 * code meanwhile, and the sweep spends more CPU in all. Compiled on the worker's own thread, a
 * function's optimized code is there as soon as it is asked for.
 *
 * Measured on the project's 2-core machine (docs/performance.md) (Node 20.20, November 2026, runs interleaved):
 *   bench's 96-point sweep, 2 workers     background 6.33-6.94 s, 12.3-13.5 CPU-s (four runs)
 *                                         own thread 6.13-6.69 s, 11.7-12.8 CPU-s
 *   the same, the flag set at run time    6.37-6.68 s against 6.01-6.54 s (three pairs)
 *   default sweep's shard, 2 workers      4.62-4.71 M events/s against 4.82-4.88 (three pairs)
 *   bench's 96-point sweep, 1 worker      background 11.04-11.43 s, own thread 10.80-11.78 s
 * so a pool with a spare core keeps V8's default. Only where V8 compiles changes, never what
 * the code computes: results are the same bytes either way.
 *
 * The flag is the process's, and V8 reads it when an isolate starts: set before a pool starts
 * its threads, it holds for them (the main thread's isolate keeps the mode it started with).
 * Each pool sets it for itself, so pools of different sizes one after the other (the bench: 1
 * worker, then 2) each get their own. MERMAP_LAB_V8_DEFAULTS=1 leaves it alone, as it leaves the
 * inlining budget (./v8-inlining.ts).
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { V8_DEFAULTS_ENV } from './v8-inlining.js';

export const COMPILE_ON_WORKER_THREAD = '--no-concurrent-recompilation';
export const COMPILE_IN_BACKGROUND = '--concurrent-recompilation';

/** The flag for a pool of `threads` worker threads on `cores` cores: background only with a core to spare. */
export function workerCompileFlag(threads: number, cores: number): string {
  return threads >= cores ? COMPILE_ON_WORKER_THREAD : COMPILE_IN_BACKGROUND;
}

/**
 * Set where the worker threads about to start compile (workerCompileFlag()), unless
 * MERMAP_LAB_V8_DEFAULTS=1. Returns the flag set, or null.
 */
export function setWorkerCompileMode(
  threads: number,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
  set: (flag: string) => void = setFlagsFromString,
): string | null {
  if (env[V8_DEFAULTS_ENV] === '1') return null;
  const flag = workerCompileFlag(threads, cores);
  set(flag);
  return flag;
}
