/**
 * One measured process for bench/instructions.ts, which runs it under callgrind (node
 * --predictable): what it runs, nothing printed.
 *
 *   node instructions-child.js tight PAIRS    the full machine's tight loop (bench/core.ts): a
 *                                             warm-up of WARM_PAIRS, then PAIRS pairs
 *   node instructions-child.js points COUNT FILE
 *                                             a sweep worker's first COUNT points, as a worker
 *                                             thread runs them: it imports the point runner
 *                                             alone (src/run/point.ts), runs FILE's warm-up
 *                                             configs (src/run/warm-up.ts), then the first COUNT
 *                                             of FILE's points; prints the events they simulated
 *
 * Each mode imports only what it runs, and the points' configs come ready from the parent, in
 * FILE (a PointsFile). When this process planned them itself (bench/sweep.ts: the sweep
 * planner, its spec parser, the YAML parser), the worker's start-up figure counted all that,
 * which no worker loads or runs: 3,976 M instructions against 2,734 M (November 2026).
 */
import { readFileSync } from 'node:fs';
import { widenV8Inlining } from '../src/util/v8-inlining.js';

/** The tight loop's warm-up before the counted pairs: as benchCore()'s, so V8 has settled. */
export const WARM_PAIRS = 2_000_000;

/** The points mode's FILE: the warm-up configs and the points, plain JSON as a worker gets them. */
export interface PointsFile {
  warm: Array<Record<string, unknown>>;
  points: Array<Record<string, unknown>>;
}

widenV8Inlining(); // as the CLI and bench/main.ts
const [mode, arg, path] = process.argv.slice(2);
const n = Number(arg);
if (mode === 'tight' && Number.isSafeInteger(n) && n >= 0) {
  const { machineTightLoop } = await import('./core.js');
  const loop = machineTightLoop();
  loop(WARM_PAIRS);
  loop(n);
} else if (mode === 'points' && Number.isSafeInteger(n) && n >= 0 && path !== undefined) {
  const file = JSON.parse(readFileSync(path, 'utf8')) as PointsFile;
  const { runPoint } = await import('../src/run/point.js');
  for (const c of file.warm) await runPoint(c);
  let events = 0;
  for (const c of file.points.slice(0, n)) events += (await runPoint(c)).events;
  process.stdout.write(`${events}\n`);
} else {
  process.stderr.write('usage: instructions-child.js tight PAIRS | points COUNT FILE\n');
  process.exitCode = 2;
}
