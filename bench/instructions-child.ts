/**
 * One measured process for bench/instructions.ts, which runs it under callgrind (node
 * --predictable): what it runs, nothing printed.
 *
 *   node instructions-child.js tight PAIRS    the full machine's tight loop (bench/core.ts): a
 *                                             warm-up of WARM_PAIRS, then PAIRS pairs
 *   node instructions-child.js points COUNT   a sweep worker's first COUNT points: the default
 *                                             sweep's warm-up runs (src/run/warm-up.ts), then
 *                                             COUNT of the points bench/sweep.ts's warm figure
 *                                             runs, in one isolate, as a worker thread would;
 *                                             prints the events the points simulated
 */
import { machineTightLoop } from './core.js';
import { defaultWarmPoints } from './sweep.js';
import { runPoint } from '../src/run/point.js';
import { warmUpConfigs } from '../src/run/warm-up.js';
import { widenV8Inlining } from '../src/util/v8-inlining.js';

/** The tight loop's warm-up before the counted pairs: as benchCore()'s, so V8 has settled. */
export const WARM_PAIRS = 2_000_000;

widenV8Inlining(); // as the CLI and bench/main.ts
const [mode, arg] = process.argv.slice(2);
const n = Number(arg);
if (mode === 'tight' && Number.isSafeInteger(n) && n >= 0) {
  const loop = machineTightLoop();
  loop(WARM_PAIRS);
  loop(n);
} else if (mode === 'points' && Number.isSafeInteger(n) && n >= 0) {
  const points = defaultWarmPoints(false);
  for (const c of warmUpConfigs(points)) await runPoint(c);
  let events = 0;
  for (const c of points.slice(0, n)) events += (await runPoint(c)).events;
  process.stdout.write(`${events}\n`);
} else {
  process.stderr.write('usage: instructions-child.js tight PAIRS | points COUNT\n');
  process.exitCode = 2;
}
