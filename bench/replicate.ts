import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CoreBenchRow } from './core.js';

/** bench/child.ts, compiled beside this file. */
const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

/** Run child.ts with `args` in a fresh Node process (with gc exposed) and parse what it prints. */
function child<T>(args: string[]): T {
  const out = execFileSync(process.execPath, ['--expose-gc', CHILD, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as T;
}

/** benchCore() in a fresh process. */
export function coreInChild(pairs: { allocatorPairs: number; machinePairs: number }): CoreBenchRow[] {
  return child<CoreBenchRow[]>(['core', String(pairs.allocatorPairs), String(pairs.machinePairs)]);
}

/** benchWorkloads() of one case in a fresh process: its events per second. */
export function workloadInChild(name: string, quick: boolean): number {
  const rows = child<Array<{ name: string; eventsPerSecond: number }>>(['workload', name, ...(quick ? ['quick'] : [])]);
  if (rows.length !== 1) throw new Error(`bench: no workload case named '${name}'`);
  return rows[0]!.eventsPerSecond;
}
