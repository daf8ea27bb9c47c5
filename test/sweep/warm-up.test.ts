import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/pool.js';
import { parseSweepSpec } from '../../src/sweep/spec.js';
import { FIXTURES, removeDir, tempDir } from './helpers.js';

/**
 * The workers' warm-up (RunSweepOptions.warmUp): the picker gets the shard's point configs, and
 * each thread runs what it picked once, before its first point, a failing warm-up ignored.
 */
const WORKER = { module: pathToFileURL(join(FIXTURES, 'warm-up-worker.ts')), export: 'runPoint' };

const spec = parseSweepSpec(
  {
    name: 'warm-up',
    seed: 3,
    replicates: 1,
    base: {},
    grid: { 'mermap.regionPages': [64, 128, 256, 512, 1024, 2048] },
  },
  'warm-up test',
);

/** The warmUpsBefore column of a sweep's results.jsonl, in point order. */
function warmUpsBefore(dir: string): number[] {
  return readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { point: number; row: { warmUpsBefore: number } })
    .sort((a, b) => a.point - b.point)
    .map((e) => e.row.warmUpsBefore);
}

describe('a sweep with a warm-up', () => {
  let root: string;
  let seen: Record<string, unknown>[] = [];
  beforeAll(async () => {
    root = tempDir('warm-up');
    const warmUp = (configs: Iterable<Record<string, unknown>>) => {
      seen = [...configs];
      return [{ warmUp: true }, { fail: true }, { warmUp: true }];
    };
    await runSweep({ spec, out: join(root, 'warm'), worker: WORKER, workers: 2, warmUp });
    await runSweep({
      spec,
      out: join(root, 'shard'),
      worker: WORKER,
      workers: 1,
      warmUp,
      shard: { index: 1, count: 2 },
    });
    await runSweep({ spec, out: join(root, 'cold'), worker: WORKER, workers: 2 });
  }, 60_000);
  afterAll(() => removeDir(root));

  it('runs the picked configs on every thread before its first point, a failure ignored', () => {
    expect(warmUpsBefore(join(root, 'warm'))).toEqual([2, 2, 2, 2, 2, 2]);
    expect(warmUpsBefore(join(root, 'cold'))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("gives the picker the shard's point configs", () => {
    // the last sweep with a warm-up was shard 1/2: points 1, 3 and 5
    expect(seen.map((c) => (c.mermap as { regionPages: number }).regionPages)).toEqual([128, 512, 2048]);
    expect(warmUpsBefore(join(root, 'shard'))).toEqual([2, 2, 2]);
  });
});
