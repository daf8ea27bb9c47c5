import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twinKey } from '../../src/run/twins.js';
import { warmUpConfigs } from '../../src/run/warm-up.js';
import { runSweep, type SweepSummary } from '../../src/sweep/pool.js';
import { parseSweepSpec } from '../../src/sweep/spec.js';
import { LOOKAHEAD, TaskQueue } from '../../src/sweep/tasks.js';
import type { SweepPoint } from '../../src/sweep/plan.js';
import { bytes, REPO, RESULT_FILES, removeDir, tempDir } from './helpers.js';

/**
 * Twin points (src/sweep/tasks.ts, src/run/twins.ts): a sweep over possible CPUs above the
 * online count runs one simulation per twin group and writes the same bytes as running each.
 */
const RUN_POINT = { module: pathToFileURL(join(REPO, 'src', 'run', 'point.ts')), export: 'runPoint' };

const spec = parseSweepSpec(
  {
    name: 'twins',
    seed: 5,
    replicates: 2,
    sharedSeeds: ['machine.possibleCpus'],
    base: {
      machine: { possibleCpus: 4, onlineCpusCap: 2, tlb: 'golden-cove', shadowTlb: false },
      mermap: { variant: 'rfc-v1', regionPages: 64 },
      workload: { kind: 'unmapped-alloc', tlbPressure: {} },
      length: { events: 4_000 },
    },
    // 1 possible CPU: 1 online, its own run; 4, 8 and 16: 2 online, one run for the three
    grid: {
      'mermap.regionPages': [64, 128],
      'machine.possibleCpus': [1, 4, 8, 16],
      'mermap.variant': ['rfc-v1', 'rfc-later'],
    },
  },
  'twins test',
);

describe('a sweep with twin points', () => {
  let root: string;
  let plain: SweepSummary;
  let twinned: SweepSummary;
  let twinnedTwoWorkers: SweepSummary;
  beforeAll(async () => {
    root = tempDir('twins');
    plain = await runSweep({ spec, out: join(root, 'plain'), worker: RUN_POINT, workers: 1 });
    twinned = await runSweep({ spec, out: join(root, 'twins1'), worker: RUN_POINT, workers: 1, twinKey });
    twinnedTwoWorkers = await runSweep({ spec, out: join(root, 'twins2'), worker: RUN_POINT, workers: 2, twinKey });
    // as the CLI runs it: the workers warm up on both versions first (src/run/warm-up.ts)
    await runSweep({ spec, out: join(root, 'warm'), worker: RUN_POINT, workers: 2, twinKey, warmUp: warmUpConfigs });
  }, 120_000);
  afterAll(() => removeDir(root));

  it('runs each twin group once', () => {
    expect(plain.ran).toBe(32);
    expect(plain.derived).toBe(0);
    // 2 regions x 2 variants x 2 replicates groups of 3 twins: 2 of each 3 derived
    expect(twinned.ran).toBe(32);
    expect(twinned.derived).toBe(16);
    expect(twinnedTwoWorkers.derived).toBe(16);
    expect(twinned.events).toBe(plain.events / 2);
    expect(twinned.perWorker[0]!.points).toBe(32);
  });

  it('writes the same bytes as running every point', () => {
    for (const name of RESULT_FILES.filter((f) => f !== 'sweep.json')) {
      expect(bytes(join(root, 'twins1'), name).equals(bytes(join(root, 'plain'), name)), name).toBe(true);
      expect(bytes(join(root, 'twins2'), name).equals(bytes(join(root, 'plain'), name)), name).toBe(true);
      expect(bytes(join(root, 'warm'), name).equals(bytes(join(root, 'plain'), name)), name).toBe(true);
    }
  });
});

describe('TaskQueue', () => {
  const points = (keys: (string | null)[]): SweepPoint[] =>
    keys.map((k, index) => ({ index, config: { k } }) as unknown as SweepPoint);
  const drain = (q: TaskQueue): number[][] => {
    const out: number[][] = [];
    for (let t = q.next(); t !== null; t = q.next()) out.push([t.point.index, ...t.twins.map((p) => p.index)]);
    return out;
  };
  const key = (c: Record<string, unknown>) => c.k as string | null;

  it('groups each point with the later points of its key, in canonical order', () => {
    const q = new TaskQueue(points(['a', null, 'b', 'a', null, 'b', 'a', 'c'])[Symbol.iterator](), key);
    expect(drain(q)).toEqual([[0, 3, 6], [1], [2, 5], [4], [7]]);
  });

  it('hands out single points without a key function', () => {
    const q = new TaskQueue(points(['a', 'a'])[Symbol.iterator](), undefined);
    expect(drain(q)).toEqual([[0], [1]]);
  });

  it('looks ahead LOOKAHEAD points, no further', () => {
    // 'a' at 0, LOOKAHEAD (the last point within reach of 0) and LOOKAHEAD + 1 (beyond it)
    const keys: (string | null)[] = ['a', ...Array.from({ length: LOOKAHEAD - 1 }, () => null), 'a', 'a'];
    const tasks = drain(new TaskQueue(points(keys)[Symbol.iterator](), key));
    expect(tasks[0]).toEqual([0, LOOKAHEAD]);
    expect(tasks.at(-1)).toEqual([LOOKAHEAD + 1]);
    expect(tasks).toHaveLength(LOOKAHEAD + 1); // 258 points, 2 in the first task
  });
});
