import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { scratchDir } from '../helpers/scratch-dir.js';

const ENTRY = fileURLToPath(new URL('../helpers/cli-entry.ts', import.meta.url));

/** A run of 20 M events: about 25 s, so only an interruption ends it within the test. */
const LONG_RUN = 'length: { events: 20000000 }\n';

interface Ended {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The child's output and status once it has ended (killed when the test ends, should it still run). */
function ended(child: ChildProcess): Promise<Ended> {
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/** Wait until `file` exists (the run holds its folder's lock: its signal handler is in place). */
async function waitFor(file: string): Promise<void> {
  for (let i = 0; i < 500 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
  expect(existsSync(file)).toBe(true);
}

/**
 * Start the long run with `--out out` (a folder under `dir`; the test may have made it),
 * send `signal` once the run holds the folder's lock, and return how it ended.
 */
async function interruptLongRun(dir: string, out: string, signal: NodeJS.Signals): Promise<Ended> {
  const config = join(dir, 'long.yaml');
  writeFileSync(config, LONG_RUN);
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'run', config, '--out', out], { cwd: ROOT });
  const done = ended(child);
  await waitFor(join(out, '.lock'));
  child.kill(signal);
  return done;
}

describe('mermap-lab run, interrupted', () => {
  it('Ctrl-C ends a run with --out at once: status 130, nothing written, the folder it made removed', async () => {
    const dir = scratchDir('mermap-lab-run-int-');
    const out = join(dir, 'made');
    const r = await interruptLongRun(dir, out, 'SIGINT');
    expect(r.status).toBe(130);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('mermap-lab: run: interrupted by SIGINT; nothing was written\n');
    expect(existsSync(out)).toBe(false);
  }, 20_000);

  it('SIGTERM leaves a folder that was there as it was: status 143, its lock released', async () => {
    const dir = scratchDir('mermap-lab-run-int-');
    const out = join(dir, 'there');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const r = await interruptLongRun(dir, out, 'SIGTERM');
    expect(r.status).toBe(143);
    expect(r.stderr).toBe('mermap-lab: run: interrupted by SIGTERM; nothing was written\n');
    expect(readdirSync(out)).toEqual(['notes.txt']);
  }, 20_000);
});
