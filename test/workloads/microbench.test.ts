import { describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfigInput } from '../../src/config/index.js';
import { createEventSource } from '../../src/workloads/index.js';
import { presetConfig } from '../../src/config/presets.js';
import { collectEvents, hashEventStream } from '../../src/workloads/stream.js';
import { checkStream } from './helpers.js';

const cfg = (input: RunConfigInput) => parseRunConfig(input);
const brief = (input: RunConfigInput, n: number) =>
  collectEvents(createEventSource(cfg(input)), n).map(
    (e) => `${e.time} c${e.cpu} ${e.kind} ${e.a} #${e.b} @${e.pfn.toString(16)}`,
  );

describe('microbench', () => {
  it('tight: get, put, get, put ... opNs apart, always the same page', () => {
    expect(brief({ machine: { possibleCpus: 1 }, workload: { kind: 'microbench' } }, 6)).toEqual([
      '0 c0 switch 0 #0 @-1',
      '0 c0 get 1 #0 @100000',
      '50 c0 put 1 #0 @100000',
      '100 c0 get 1 #1 @100000',
      '150 c0 put 1 #1 @100000',
      '200 c0 get 1 #2 @100000',
    ]);
  });

  it('window 3: a FIFO of 3 live mappings, the oldest put before each new get', () => {
    const ev = brief(
      {
        machine: { possibleCpus: 1 },
        workload: { kind: 'microbench', mode: 'window', window: 3, sizes: { dist: 'fixed', pages: 2 } },
      },
      10,
    );
    expect(ev).toEqual([
      '0 c0 switch 0 #0 @-1',
      '0 c0 get 2 #0 @100000',
      '50 c0 get 2 #1 @100002',
      '100 c0 get 2 #2 @100004',
      '150 c0 put 2 #0 @100000',
      '200 c0 get 2 #3 @100000',
      '250 c0 put 2 #1 @100002',
      '300 c0 get 2 #4 @100002',
      '350 c0 put 2 #2 @100004',
      '400 c0 get 2 #5 @100004',
    ]);
  });

  it('CPUs run in step, equal times in CPU order; never more than `window` live, distinct pfns', () => {
    const c = cfg({
      machine: { possibleCpus: 3 },
      workload: { kind: 'microbench', mode: 'window', window: 4, sizes: { dist: 'uniform', min: 1, max: 8 } },
      length: { events: 30_000 },
    });
    const f = checkStream(createEventSource(c), 3, { allowLiveAtEnd: true, distinctPfns: true });
    expect(f.maxLivePerCpu).toBe(4);
    expect(brief({ machine: { possibleCpus: 2 }, workload: { kind: 'microbench' } }, 6)).toEqual([
      '0 c0 switch 0 #0 @-1',
      '0 c1 switch 0 #0 @-1',
      '0 c0 get 1 #0 @100000',
      '0 c1 get 1 #1 @100001',
      '50 c0 put 1 #0 @100000',
      '50 c1 put 1 #1 @100001',
    ]);
  });

  it('size distributions: uniform mean and table frequencies on large samples', () => {
    const sizes = (input: RunConfigInput) => {
      const f = checkStream(
        createEventSource(cfg({ machine: { possibleCpus: 1 }, length: { events: 400_001 }, ...input })),
        1,
        { allowLiveAtEnd: true },
      );
      return f.getPages;
    };
    const u = sizes({ workload: { kind: 'microbench', sizes: { dist: 'uniform', min: 3, max: 9 } } });
    expect([...u.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    let n = 0;
    let s = 0;
    for (const [p, k] of u) {
      n += k;
      s += p * k;
    }
    expect(n).toBe(200_000);
    expect(Math.abs(s / n - 6)).toBeLessThan(0.02);
    const t = sizes({
      workload: { kind: 'microbench', sizes: { dist: 'table', pages: [1, 16, 511], weights: [6, 3, 1] } },
    });
    expect(Math.abs(t.get(1)! / 200_000 - 0.6)).toBeLessThan(0.005);
    expect(Math.abs(t.get(16)! / 200_000 - 0.3)).toBeLessThan(0.005);
    expect(Math.abs(t.get(511)! / 200_000 - 0.1)).toBeLessThan(0.005);
  });

  it('reservedFraction turns that share of gets into reserved 1-page gets', () => {
    const f = checkStream(
      createEventSource(
        cfg({
          machine: { possibleCpus: 2 },
          workload: { kind: 'microbench', reservedFraction: 0.25, sizes: { dist: 'fixed', pages: 4 } },
          length: { events: 200_002 },
        }),
      ),
      2,
      { allowLiveAtEnd: true },
    );
    const gets = f.byKind.get! + f.byKind.reserved!;
    expect(gets).toBe(100_000);
    expect(Math.abs(f.byKind.reserved! / gets - 0.25)).toBeLessThan(0.01);
  });

  it('a fractional opNs still gives whole-ns times', () => {
    const c = cfg({
      machine: { possibleCpus: 2 },
      workload: { kind: 'microbench', opNs: 33.3 },
      length: { events: 1000 },
    });
    const f = checkStream(createEventSource(c), 2, { allowLiveAtEnd: true });
    expect(f.lastTime).toBe(Math.round(498 * 33.3));
  });

  it('kunit-tight preset: pinned hash', () => {
    const d = hashEventStream(createEventSource(presetConfig('kunit-tight')));
    expect(`${d.hash} ${d.events} ${JSON.stringify(d.byKind)}`).toBe(
      '1ddbdf60 100000 {"get":50000,"put":49999,"switch":1}',
    );
  });
});
