/**
 * bench:instructions' child (bench/instructions-child.ts), which the bench runs under callgrind
 * and CI never does: the points mode runs a configs file's warm-up configs, then the first COUNT
 * of its points, and prints the events those points simulated; without a file it refuses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchChild } from './bench-child.js';
import type { PointsFile } from '../../bench/instructions-child.js';

const dir = mkdtempSync(join(tmpdir(), 'mermap-lab-child-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const child = benchChild('instructions-child');

describe('bench:instructions child', () => {
  it('runs the warm-up configs, then the first COUNT points, and prints their events', () => {
    const file: PointsFile = {
      warm: [{ seed: 1, length: { events: 250 } }],
      points: [
        { seed: 2, length: { events: 300 } },
        { seed: 3, length: { events: 700 } },
        { seed: 4, length: { events: 5000 } },
      ],
    };
    const path = join(dir, 'points.json');
    writeFileSync(path, JSON.stringify(file));
    expect(child('points', '2', path)).toEqual({ status: 0, stdout: '1000\n', stderr: '' });
    expect(child('points', '0', path)).toEqual({ status: 0, stdout: '0\n', stderr: '' });
  });

  it('fails on a warm-up config that fails, where a sweep worker would go on: the bench counts no broken warm-up', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, JSON.stringify({ warm: [{ length: { events: -1 } }], points: [] }));
    const r = child('points', '0', path);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('length.events');
  });

  it('refuses the points mode without its file', () => {
    const r = child('points', '2');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('usage: instructions-child.js tight PAIRS | points COUNT FILE\n');
  });
});
