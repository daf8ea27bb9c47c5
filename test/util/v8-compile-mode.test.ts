import { describe, expect, it } from 'vitest';
import {
  COMPILE_IN_BACKGROUND,
  COMPILE_ON_WORKER_THREAD,
  setWorkerCompileMode,
  workerCompileFlag,
} from '../../src/util/v8-compile-mode.js';
import { V8_DEFAULTS_ENV } from '../../src/util/v8-inlining.js';

// That results do not depend on it: the smoke sweep of test/cli/sweep.test.ts gives the same bytes
// on 2 workers (each compiling on its own thread, on the project's 2-core machine) and on 1 (in
// the background).
describe('where a pool of worker threads compiles', () => {
  it('in the background only with a core to spare', () => {
    expect(workerCompileFlag(1, 2)).toBe('--concurrent-recompilation');
    expect(workerCompileFlag(2, 2)).toBe('--no-concurrent-recompilation');
    expect(workerCompileFlag(3, 2)).toBe('--no-concurrent-recompilation');
    expect(workerCompileFlag(7, 8)).toBe('--concurrent-recompilation');
    expect(workerCompileFlag(8, 8)).toBe('--no-concurrent-recompilation');
  });

  it('sets the flag before each pool, unless MERMAP_LAB_V8_DEFAULTS=1', () => {
    const set: string[] = [];
    const record = (f: string) => void set.push(f);
    expect(setWorkerCompileMode(2, {}, 2, record)).toBe(COMPILE_ON_WORKER_THREAD);
    expect(setWorkerCompileMode(1, { [V8_DEFAULTS_ENV]: '0' }, 2, record)).toBe(COMPILE_IN_BACKGROUND);
    expect(setWorkerCompileMode(2, { [V8_DEFAULTS_ENV]: '1' }, 2, record)).toBeNull();
    expect(set).toEqual(['--no-concurrent-recompilation', '--concurrent-recompilation']);
  });
});
