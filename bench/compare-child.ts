/**
 * One build's sweep figures for bench/compare.ts, in a process of its own, with that build's own
 * code: its bench's sweep functions and the V8 flags its own bench gives them.
 *
 *   node compare-child.js SWEEP_MODULE V8_MODULE [quick]
 *
 * SWEEP_MODULE is the build's compiled bench/sweep.js (benchSweepRealRuns(), benchDefaultSweep()),
 * V8_MODULE its src/util/v8-inlining.js (widenV8Inlining()). Prints {real, dflt}, the two
 * functions' results, as JSON. Exit status 2: the usage, or a module without those exports.
 */
import { pathToFileURL } from 'node:url';

interface SweepModule {
  benchSweepRealRuns(opts: { quick?: boolean }): Promise<{ speedup: number }>;
  benchDefaultSweep(opts: { quick?: boolean }): Promise<{ eventsPerSecond: number }>;
}

const USAGE = 'usage: compare-child.js SWEEP_MODULE V8_MODULE [quick]';

/** The module at `path`, with the functions `names` (else null: not there, or not functions). */
async function load(path: string, names: readonly string[]): Promise<Record<string, unknown> | null> {
  let m: Record<string, unknown>;
  try {
    m = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch {
    return null;
  }
  return names.every((n) => typeof m[n] === 'function') ? m : null;
}

async function main(): Promise<number> {
  const [sweepPath, v8Path, mode, ...rest] = process.argv.slice(2);
  if (sweepPath === undefined || v8Path === undefined || (mode !== undefined && mode !== 'quick') || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const v8 = await load(v8Path, ['widenV8Inlining']);
  const sweep = await load(sweepPath, ['benchSweepRealRuns', 'benchDefaultSweep']);
  if (v8 === null || sweep === null) {
    const [path, names] =
      v8 === null ? [v8Path, 'widenV8Inlining()'] : [sweepPath, 'benchSweepRealRuns(), benchDefaultSweep()'];
    process.stderr.write(`compare-child: ${path} does not export ${names}\n`);
    return 2;
  }
  (v8.widenV8Inlining as () => void)();
  const s = sweep as unknown as SweepModule;
  const quick = mode === 'quick';
  const real = await s.benchSweepRealRuns({ quick });
  const dflt = await s.benchDefaultSweep({ quick });
  process.stdout.write(`${JSON.stringify({ real, dflt })}\n`);
  return 0;
}

process.exitCode = await main();
