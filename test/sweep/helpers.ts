/** Shared set-up for the sweep engine's tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerRef } from '../../src/sweep/pool.js';

// Pin the commit stamped on rows, so a commit landing while the tests run cannot make a resumed
// folder look like another version's. Child processes inherit it.
export const TEST_COMMIT = '0123456789abcdef0123456789abcdef01234567';
process.env.MERMAP_LAB_GIT_COMMIT = TEST_COMMIT;

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = join(REPO, 'test', 'fixtures', 'sweep');
export const SPEC_FILE = join(FIXTURES, 'spec.yaml');
export const FAKE_WORKER: WorkerRef = { module: pathToFileURL(join(FIXTURES, 'fake-worker.ts')), export: 'runPoint' };
export const RESULT_FILES = ['sweep.json', 'results.jsonl', 'results.csv', 'results.arrow'];

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mermap-sweep-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function bytes(dir: string, name: string): Buffer {
  return readFileSync(join(dir, name));
}

/** Lines of text written to a fake stderr. */
export class Capture {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Start test/fixtures/sweep/run-sweep.ts as its own process. */
export function spawnSweep(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', tsxLoader, join(FIXTURES, 'run-sweep.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    }
  });
}

/** Complete lines in a journal (0 when it does not exist yet). */
export function journalLines(dir: string): number {
  try {
    const text = readFileSync(join(dir, 'results.jsonl'), 'utf8');
    return text.split('\n').length - 1;
  } catch {
    return 0;
  }
}

export async function waitFor(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
