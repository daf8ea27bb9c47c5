/**
 * A bench child script run from source, as the bench tests run them (CI never runs the benches
 * that spawn them): `node --import tsx bench/NAME.ts ARGS`, its status and output.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChildRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A function running bench/`name`.ts with its arguments, each time in a fresh Node process. */
export function benchChild(name: string): (...args: string[]) => ChildRun {
  const script = resolve(dirname(fileURLToPath(import.meta.url)), `../../bench/${name}.ts`);
  return (...args) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}
