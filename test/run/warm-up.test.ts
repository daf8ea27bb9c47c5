import { describe, expect, it } from 'vitest';
import { WARM_UP_EVENTS, WARM_UP_SCAN, warmUpConfigs } from '../../src/run/warm-up.js';

/** A point config as a sweep hands it to the worker (plain JSON). */
const point = (variant: string | undefined, kind: string, extra: Record<string, unknown> = {}) => ({
  seed: 7,
  mermap: variant === undefined ? { regionPages: 64 } : { variant, regionPages: 64 },
  workload: { kind, ...extra },
  length: { events: 375_000 },
});

describe('warmUpConfigs', () => {
  it('picks the first point of each version and workload kind, then a busy run of each', () => {
    const v1 = point('rfc-v1', 'unmapped-alloc');
    const v1Again = { ...point('rfc-v1', 'unmapped-alloc'), seed: 8 };
    const later = point('rfc-later', 'unmapped-alloc');
    const micro = point('rfc-v1', 'microbench');
    const cut = { length: { events: WARM_UP_EVENTS } };
    const busy = { kind: 'unmapped-alloc', timeSliceUs: 20, migrateProbability: 0.5 };
    expect(warmUpConfigs([v1, v1Again, later, micro, { ...later, seed: 9 }])).toEqual([
      { ...v1, ...cut },
      { ...later, ...cut },
      { ...micro, ...cut },
      // no point asks for more CPUs than the first: the busy runs are the first points, busier;
      // microbench has no scheduler, so its busy run would be its first again and is left out
      { ...v1, ...cut, workload: busy },
      { ...later, ...cut, workload: busy },
    ]);
    expect(WARM_UP_EVENTS).toBe(1000);
    expect(v1.length.events).toBe(375_000); // the points' own configs are not touched
    expect(v1.workload).toEqual({ kind: 'unmapped-alloc' });
  });

  it('runs each pair busy on its first point with the most possible CPUs', () => {
    const on = (variant: string, kind: string, cpus: number | undefined, seed: number) => ({
      ...point(variant, kind),
      seed,
      ...(cpus === undefined ? {} : { machine: { possibleCpus: cpus, onlineCpusCap: 12 } }),
    });
    const configs = [
      on('rfc-v1', 'unmapped-alloc', 1, 1),
      on('rfc-later', 'microbench', undefined, 2),
      on('rfc-v1', 'unmapped-alloc', 16, 3),
      on('rfc-later', 'microbench', 4, 4),
      on('rfc-v1', 'unmapped-alloc', 4, 5),
      on('rfc-v1', 'unmapped-alloc', 16, 6),
    ];
    const picks = warmUpConfigs(configs);
    const cpus = (c: Record<string, unknown>) => (c.machine as { possibleCpus?: number } | undefined)?.possibleCpus;
    expect(picks.map((c) => [c.seed, cpus(c)])).toEqual([
      [1, 1],
      [2, undefined],
      [3, 16],
      [4, 4],
    ]);
    expect(picks[2]).toEqual({
      ...configs[2],
      machine: { possibleCpus: 16, onlineCpusCap: 12 },
      workload: { kind: 'unmapped-alloc', timeSliceUs: 20, migrateProbability: 0.5 },
      length: { events: WARM_UP_EVENTS },
    });
    expect(picks[3]).toEqual({ ...configs[3], length: { events: WARM_UP_EVENTS } });
    expect(configs[2]!.machine).toEqual({ possibleCpus: 16, onlineCpusCap: 12 }); // untouched
  });

  it('warms a sweep of one version and one workload kind up alike, and an empty one not', () => {
    const first = point('rfc-v1', 'unmapped-alloc');
    const wide = { ...point('rfc-v1', 'unmapped-alloc'), seed: 8, machine: { possibleCpus: 4 } };
    const cut = { length: { events: WARM_UP_EVENTS } };
    expect(warmUpConfigs([first, wide])).toEqual([
      { ...first, ...cut },
      { ...wide, ...cut, workload: { kind: 'unmapped-alloc', timeSliceUs: 20, migrateProbability: 0.5 } },
    ]);
    // microbench has no scheduler: a single first point that is also the widest is run once
    const micro = point('rfc-v1', 'microbench');
    expect(warmUpConfigs([micro, micro])).toEqual([{ ...micro, ...cut }]);
    expect(warmUpConfigs([])).toEqual([]);
  });

  it('leaves out workloads read from a file', () => {
    const trace = point('rfc-later', 'ftrace', { path: 'trace.txt' });
    const v1 = point('rfc-v1', 'unmapped-alloc');
    expect(warmUpConfigs([v1, trace]).map((c) => (c.mermap as { variant: string }).variant)).toEqual([
      'rfc-v1',
      'rfc-v1',
    ]);
    expect(warmUpConfigs([trace])).toEqual([]);
  });

  it('reads the configs as given: an absent version is a value of its own', () => {
    const picks = warmUpConfigs([point(undefined, 'unmapped-alloc'), point('rfc-v1', 'unmapped-alloc')]);
    expect(picks.map((c) => (c.mermap as { variant?: string }).variant)).toEqual([
      undefined,
      'rfc-v1',
      undefined,
      'rfc-v1',
    ]);
  });

  it('looks at the first WARM_UP_SCAN points only', () => {
    const same = Array.from({ length: WARM_UP_SCAN - 1 }, () => point('rfc-v1', 'unmapped-alloc'));
    const last = point('rfc-later', 'unmapped-alloc');
    expect(warmUpConfigs([...same, last])).toHaveLength(4); // the WARM_UP_SCAN-th point is read
    // one point further on, rfc-later is past the scan: rfc-v1's two runs only
    expect(warmUpConfigs([...same, point('rfc-v1', 'unmapped-alloc'), last])).toHaveLength(2);
    expect(WARM_UP_SCAN).toBe(1024);
  });
});
