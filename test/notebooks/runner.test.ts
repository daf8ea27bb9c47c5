/**
 * scripts/run-notebooks.py refuses bad parameters before running anything: exit status 2, one
 * line naming the notebook and the parameter, no output folder. (Needs Debian's Jupyter modules
 * and the mermap-lab kernel: scripts/setup.sh --with-notebooks. A good -p is checked by the
 * template's injected run in notebooks.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'mermap-runner-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runner(...args: string[]) {
  return spawnSync('/usr/bin/python3', ['scripts/run-notebooks.py', ...args], { cwd: ROOT, encoding: 'utf8' });
}

describe('run-notebooks.py -p', () => {
  it('refuses a name the parameters cell does not declare', () => {
    const out = path.join(scratch, 'a');
    const r = runner('notebooks/00-template.ipynb', out, '-p', 'NOT_A_PARAMETER', '1');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'run-notebooks: 00-template.ipynb: -p NOT_A_PARAMETER: the parameters cell declares no NOT_A_PARAMETER',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a name that is not an identifier', () => {
    const r = runner('notebooks/00-template.ipynb', path.join(scratch, 'b'), '-p', 'EVENTS;', '1');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('run-notebooks: 00-template.ipynb: -p EVENTS;: not a TypeScript identifier');
  });
});
