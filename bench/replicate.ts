import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CoreBenchRow } from './core.js';

/** bench/child.ts, compiled beside this file. */
const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

/** The core's pairs per run: 10^8 for the tight loops (the memory check), as benchCore() says. */
export const FULL_CORE = { allocatorPairs: 100_000_000, machinePairs: 100_000_000 };
export const QUICK_CORE = { allocatorPairs: 10_000_000, machinePairs: 2_000_000 };

/**
 * Run child.ts (or another build's compiled child.js, `script`) with `args` in a fresh Node
 * process (with gc exposed) and parse what it prints.
 */
function child<T>(args: string[], script = CHILD): T {
  const out = execFileSync(process.execPath, ['--expose-gc', script, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as T;
}

/** benchCore() in a fresh process. */
export function coreInChild(pairs: { allocatorPairs: number; machinePairs: number }, script = CHILD): CoreBenchRow[] {
  return child<CoreBenchRow[]>(['core', String(pairs.allocatorPairs), String(pairs.machinePairs)], script);
}

/** benchWorkloads() of one case in a fresh process: its events per second. */
export function workloadInChild(name: string, quick: boolean): number {
  const rows = child<Array<{ name: string; eventsPerSecond: number }>>(['workload', name, ...(quick ? ['quick'] : [])]);
  if (rows.length !== 1) throw new Error(`bench: no workload case named '${name}'`);
  return rows[0]!.eventsPerSecond;
}
