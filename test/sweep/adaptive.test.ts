import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsMoreReplicates } from '../../src/sweep/adaptive.js';
import { mergeSweeps } from '../../src/sweep/merge.js';
import { planSweep } from '../../src/sweep/plan.js';
import { runSweep } from '../../src/sweep/pool.js';
import { parseSweepSpec } from '../../src/sweep/spec.js';
import { bytes, FIXTURES, RESULT_FILES, removeDir, tempDir } from './helpers.js';

const WORKER = { module: pathToFileURL(join(FIXTURES, 'adaptive-worker.ts')), export: 'runPoint' };
const TARGETS = { maxFallbackRate: 0.01, maxFlushCostFraction: 0.01 };
const spec = parseSweepSpec({
  name: 'adaptive',
  seed: 7,
  replicates: 2,
  adaptive: { maxReplicates: 8, ciWidth: 0.05 },
  targets: TARGETS,
  base: { mermap: { regionPages: 64 } },
  grid: { 'mermap.regionPages': [64, 256, 1024], 'machine.possibleCpus': [1, 4] },
});

const fb = (...values: number[]) =>
  values.map((v) => ({ fastPathFailuresPerAllocation: v, costOverheadFraction: 0.001 }));

describe('needsMoreReplicates', () => {
  it('asks for more only where an interval straddles a target and is wider than ciWidth', () => {
    // 1.16 % and 0.82 %: [-1.17 %, 3.15 %] straddles 1 %
    expect(needsMoreReplicates(fb(0.0116, 0.0082), TARGETS, 0.1)).toBe(true);
    // wholly under: 0.2 % ± tiny
    expect(needsMoreReplicates(fb(0.002, 0.0021), TARGETS, 0.1)).toBe(false);
    // wholly over: the point cannot meet the target, more runs do not help
    expect(needsMoreReplicates(fb(0.03, 0.031), TARGETS, 0.1)).toBe(false);
    // straddles with the mean over the target: more runs would only confirm it fails
    expect(needsMoreReplicates(fb(0.0126, 0.0092), TARGETS, 0.1)).toBe(false);
    // straddles, but half the interval (12.706 · 0.0000141 / √2 = 0.000127) is within 2 % of the
    // target (0.0002), though not within 1 % (0.0001)
    expect(needsMoreReplicates(fb(0.00998, 0.01), TARGETS, 0.02)).toBe(false);
    expect(needsMoreReplicates(fb(0.00998, 0.01), TARGETS, 0.01)).toBe(true);
    expect(needsMoreReplicates(fb(0.00998, 0.01), TARGETS, 0.001)).toBe(true);
  });
});

describe('an adaptive sweep', () => {
  const root = tempDir('adaptive');
  afterAll(() => removeDir(root));
  const plan = planSweep(spec);
  const replicatesOf = (dir: string) => {
    const counts = new Map<number, number>();
    for (const line of readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n')) {
      const c = plan.point(
        (JSON.parse(line.slice(0, line.lastIndexOf('}') + 1)) as { point: number }).point,
      ).combination;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  };

  beforeAll(async () => {
    await runSweep({ spec, out: join(root, 'one'), worker: WORKER, workers: 1 });
    await runSweep({ spec, out: join(root, 'two'), worker: WORKER, workers: 2 });
    for (const i of [0, 1]) {
      await runSweep({ spec, out: join(root, `s${i}`), worker: WORKER, workers: 2, shard: { index: i, count: 2 } });
    }
    mergeSweeps([join(root, 's0'), join(root, 's1')], join(root, 'merged'));
  });

  it('adds replicates only where the mean is under the target and the interval is not', () => {
    // combinations in grid order: (64, 1), (64, 4), (256, 1), (256, 4), (1024, 1), (1024, 4)
    const counts = replicatesOf(join(root, 'one'));
    expect(counts[0]).toBe(2);
    expect(counts[1]).toBe(2);
    expect(counts[2]).toBeGreaterThan(2);
    expect(counts[3]).toBeGreaterThan(2);
    expect(counts[4]).toBe(2);
    expect(counts[5]).toBe(2);
    expect(counts.every((n) => n % 2 === 0 && n <= 8)).toBe(true);
  });

  it('gives the same bytes for 1 and 2 workers and for merged shards', () => {
    for (const f of RESULT_FILES) {
      expect(bytes(join(root, 'two'), f).equals(bytes(join(root, 'one'), f)), f).toBe(true);
      expect(bytes(join(root, 'merged'), f).equals(bytes(join(root, 'one'), f)), f).toBe(true);
    }
  });

  it('a shard holds whole combinations', () => {
    const s0 = replicatesOf(join(root, 's0'));
    const s1 = replicatesOf(join(root, 's1'));
    expect(s0.length + s1.length).toBe(6);
  });

  it('starts no more threads than points it may still run (it used to start every one asked for)', async () => {
    const small = parseSweepSpec({ ...spec, adaptive: { maxReplicates: 3, ciWidth: 0.05 }, grid: {} });
    const summary = await runSweep({ spec: small, out: join(root, 'small'), worker: WORKER, workers: 64 });
    expect([planSweep(small).size, summary.workers]).toEqual([3, 3]);
  });

  it('resumes from a cut journal to the same bytes', async () => {
    const dir = join(root, 'resumed');
    mkdirSync(dir);
    copyFileSync(join(root, 'one', 'sweep.json'), join(dir, 'sweep.json'));
    const lines = readFileSync(join(root, 'one', 'results.jsonl'), 'utf8').split('\n');
    writeFileSync(join(dir, 'results.jsonl'), `${lines.slice(0, 5).join('\n')}\n`);
    const summary = await runSweep({ spec, out: dir, worker: WORKER, workers: 2, resume: true });
    expect(summary.skipped).toBe(5);
    for (const f of RESULT_FILES) expect(bytes(dir, f).equals(bytes(join(root, 'one'), f)), f).toBe(true);
  });
});
