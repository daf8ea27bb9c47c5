import { describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfigInput } from '../../src/config/index.js';
import { EV_FREE, EV_GET, EV_PUT, EventChunk, FLAG_ZEROING } from '../../src/workloads/events.js';
import { createEventSource } from '../../src/workloads/index.js';
import { collectEvents, hashEventStream } from '../../src/workloads/stream.js';
import { UnmappedAllocSource } from '../../src/workloads/unmapped-alloc.js';
import { checkStream } from './helpers.js';

const cfg = (input: RunConfigInput) => parseRunConfig(input);
const ORDER0 = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

describe('unmapped-alloc: determinism', () => {
  it('pinned stream hashes for fixed seeds', () => {
    const digest = (input: RunConfigInput) => {
      const d = hashEventStream(createEventSource(cfg(input)));
      return `${d.hash} ${d.events} ${JSON.stringify(d.byKind)}`;
    };
    expect(digest({ length: { events: 200_000 } })).toBe(HASHES.default);
    expect(
      digest({
        machine: { possibleCpus: 8, onlineCpus: 6 },
        workload: {
          kind: 'unmapped-alloc',
          arrival: 'bursty',
          initMode: 'init_on_free',
          tlbPressure: { touchesPerOp: 1.5 },
        },
        seed: 'other',
        length: { events: 200_000 },
      }),
    ).toBe(HASHES.burstyFree);
    expect(digest({ machine: { possibleCpus: 1024, onlineCpus: 1000 }, length: { events: 100_000 } })).toBe(
      HASHES.cpus1000,
    );
  });

  it('the same config gives the same stream; another seed another one', () => {
    const a = hashEventStream(createEventSource(cfg({ length: { events: 50_000 } })));
    const b = hashEventStream(createEventSource(cfg({ length: { events: 50_000 } })));
    const c = hashEventStream(createEventSource(cfg({ seed: 2, length: { events: 50_000 } })));
    expect(b).toEqual(a);
    expect(c.hash).not.toBe(a.hash);
  });

  it('the stream does not depend on the chunk size the consumer uses', () => {
    const config = cfg({ workload: { kind: 'unmapped-alloc', tlbPressure: {} }, length: { events: 30_000 } });
    expect(hashEventStream(createEventSource(config), Infinity, 16)).toEqual(
      hashEventStream(createEventSource(config), Infinity, 5000),
    );
  });

  it("a CPU's arrival stream does not depend on how many CPUs there are", () => {
    // no preemption, no migration, no backlog: GET times are the arrival times of that CPU
    const w = {
      kind: 'unmapped-alloc',
      orders: ORDER0,
      zeroCyclesPerPage: 0.001,
      preemptProbability: 0,
      migrateProbability: 0,
    } as const;
    const times = (cpus: number) =>
      collectEvents(createEventSource(cfg({ machine: { possibleCpus: cpus }, workload: w, length: { seconds: 0.01 } })))
        .filter((e) => e.kind === 'get' && e.cpu === 0)
        .map((e) => e.time);
    const one = times(1);
    expect(one.length).toBeGreaterThan(150);
    expect(times(16)).toEqual(one);
  });
});

const HASHES = {
  default: 'fdf78502 200000 {"get":66065,"put":66064,"free":65901,"switch":1937,"migrate":33}',
  burstyFree: 'e8555a08 200000 {"get":33134,"put":33134,"free":33102,"switch":1223,"migrate":31,"touch":99376}',
  cpus1000: '3fe646d8 100000 {"get":38266,"put":38138,"free":21281,"switch":2288,"migrate":27}',
};

describe('unmapped-alloc: the stream contract', () => {
  it.each([
    ['default', {}],
    ['init_on_free, bursty', { workload: { kind: 'unmapped-alloc', initMode: 'init_on_free', arrival: 'bursty' } }],
    [
      'heavy preemption and migration',
      {
        workload: {
          kind: 'unmapped-alloc',
          ratePerCpuHz: 400_000,
          timeSliceUs: 1,
          preemptProbability: 0.8,
          migrateProbability: 0.2,
        },
      },
    ],
    [
      'fractional durations still give whole-ns times',
      {
        workload: {
          kind: 'unmapped-alloc',
          arrival: 'bursty',
          timeSliceUs: 0.3333,
          holdAfterZeroUs: 0.77,
          cpuGhz: 2.7,
          burstOnUs: 1.1,
          zeroCyclesPerPage: 999.9,
        },
      },
    ],
    [
      '1 CPU, 1 task',
      { machine: { possibleCpus: 1 }, workload: { kind: 'unmapped-alloc', mmsPerCpu: 1, threadsPerMm: 1 } },
    ],
    ['1024 possible, 1000 online', { machine: { possibleCpus: 1024, onlineCpus: 1000 }, length: { events: 200_000 } }],
  ] as Array<[string, RunConfigInput]>)('%s', (_name, input) => {
    const c = cfg({ length: { events: 300_000 }, ...input });
    const f = checkStream(createEventSource(c), c.machine.onlineCpus, { allowLiveAtEnd: true, distinctPfns: true });
    expect(f.events).toBe(c.length.events);
    expect(f.byKind.get).toBeGreaterThan(0);
  });

  it('every GET is a zeroing (ZEROING flag) and its PUT carries the same range', () => {
    const ev = collectEvents(createEventSource(cfg({ length: { events: 20_000 } })));
    for (const e of ev) if (e.kind === 'get' || e.kind === 'put') expect(e.flags).toBe(FLAG_ZEROING);
  });

  it('the first events are one SWITCH per online CPU at time 0, to the first task of each CPU', () => {
    const ev = collectEvents(createEventSource(cfg({ machine: { possibleCpus: 3 } })), 3);
    expect(ev.map((e) => [e.kind, e.time, e.cpu, e.task])).toEqual([
      ['switch', 0, 0, 0],
      ['switch', 0, 1, 8],
      ['switch', 0, 2, 16],
    ]);
  });

  it('topology: mmsPerCpu x threadsPerMm tasks per online CPU', () => {
    const s = new UnmappedAllocSource(
      cfg({
        machine: { possibleCpus: 4, onlineCpus: 2 },
        workload: { kind: 'unmapped-alloc', mmsPerCpu: 2, threadsPerMm: 3 },
      }),
    );
    expect(s.topology.mms).toBe(4);
    expect(Array.from(s.topology.taskMm)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(Array.from(s.topology.taskCpu)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });

  it('a workload that can emit nothing ends after its initial switches', () => {
    const s = createEventSource(
      cfg({ workload: { kind: 'unmapped-alloc', ratePerCpuHz: 0, preemptProbability: 0, migrateProbability: 0 } }),
    );
    const chunk = new EventChunk(64);
    expect(s.fill(chunk)).toBe(false);
    expect(chunk.length).toBe(4);
  });

  it('length in seconds: no event after it', () => {
    const d = hashEventStream(createEventSource(cfg({ length: { seconds: 0.02 } })));
    expect(d.lastTimeNs).toBeLessThanOrEqual(20_000_000);
    expect(d.lastTimeNs).toBeGreaterThan(19_000_000);
  });
});

describe('unmapped-alloc: distributions', () => {
  it('Poisson arrivals: mean inter-arrival 1/rate and coefficient of variation 1, within 1.5%', () => {
    const c = cfg({
      machine: { possibleCpus: 2 },
      workload: {
        kind: 'unmapped-alloc',
        ratePerCpuHz: 100_000,
        orders: ORDER0,
        zeroCyclesPerPage: 0.001,
        preemptProbability: 0,
        migrateProbability: 0,
      },
      length: { seconds: 2 },
    });
    const f = checkStream(createEventSource(c), 2, { keepTimes: true, allowLiveAtEnd: true });
    for (const times of f.getTimes) {
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
      expect(gaps.length).toBeGreaterThan(190_000);
      expect(Math.abs(mean - 10_000) / 10_000).toBeLessThan(0.015);
      expect(Math.abs(sd / mean - 1)).toBeLessThan(0.015);
    }
  });

  it('bursty arrivals keep the mean rate and are overdispersed', () => {
    const c = cfg({
      machine: { possibleCpus: 1 },
      workload: {
        kind: 'unmapped-alloc',
        arrival: 'bursty',
        burstOnUs: 200,
        burstOffUs: 800,
        ratePerCpuHz: 100_000,
        orders: ORDER0,
        zeroCyclesPerPage: 0.001,
        preemptProbability: 0,
        migrateProbability: 0,
      },
      length: { seconds: 2 },
    });
    const f = checkStream(createEventSource(c), 1, { keepTimes: true, allowLiveAtEnd: true });
    const times = f.getTimes[0]!;
    expect(Math.abs(times.length - 200_000) / 200_000).toBeLessThan(0.05);
    // counts in 100 µs windows: variance / mean is 1 for Poisson, far above for on/off
    const counts = new Array(20_000).fill(0);
    for (const t of times) counts[Math.min(19_999, Math.floor(t / 100_000))]++;
    const m = counts.reduce((a, b) => a + b, 0) / counts.length;
    const v = counts.reduce((a, x) => a + (x - m) ** 2, 0) / counts.length;
    expect(v / m).toBeGreaterThan(3);
  });

  it('order frequencies follow the table (chi-square over ~330k allocations)', () => {
    const c = cfg({ length: { events: 1_000_000 } });
    const f = checkStream(createEventSource(c), 4, { allowLiveAtEnd: true });
    const g = (pages: number) => f.getPages.get(pages) ?? 0;
    // order 10 is zeroed as a 1024-page GET then a 512-page GET (pageblockQuirk)
    const byOrder = Array.from({ length: 11 }, (_, o) => (o === 9 ? g(512) - g(1024) : g(2 ** o)));
    const n = byOrder.reduce((a, b) => a + b, 0);
    const w = c.workload.kind === 'unmapped-alloc' ? c.workload.orders : [];
    let chi2 = 0;
    for (let o = 0; o <= 10; o++) {
      const e = n * w[o]!;
      chi2 += (byOrder[o]! - e) ** 2 / e;
    }
    // 10 degrees of freedom: P(chi2 > 29.59) = 0.001
    expect(chi2).toBeLessThan(29.59);
    expect(n).toBeGreaterThan(300_000);
  });

  it('init_on_alloc: FREE comes after an exponential hold of mean holdAfterZeroUs', () => {
    const c = cfg({
      machine: { possibleCpus: 2 },
      workload: { kind: 'unmapped-alloc', holdAfterZeroUs: 50 },
      length: { events: 300_000 },
    });
    const ev = collectEvents(createEventSource(c));
    const putAt = new Map<number, number>();
    const holds: number[] = [];
    for (const e of ev) {
      if (e.kind === 'put') putAt.set(e.pfn, e.time);
      if (e.kind === 'free') holds.push(e.time - putAt.get(e.a)!);
    }
    const mean = holds.reduce((a, b) => a + b, 0) / holds.length;
    expect(holds.length).toBeGreaterThan(90_000);
    expect(Math.abs(mean - 50_000) / 50_000).toBeLessThan(0.02);
  });

  it('init_on_free: each allocation is FREEd right after the PUT of its zeroing', () => {
    const c = cfg({
      workload: { kind: 'unmapped-alloc', initMode: 'init_on_free', orders: [8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] },
      length: { events: 100_000 },
    });
    const chunk = new EventChunk(100_000);
    createEventSource(c).fill(chunk);
    let frees = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk.kind[i] !== EV_FREE) continue;
      frees++;
      const j = i - 1;
      expect(chunk.kind[j]).toBe(EV_PUT);
      expect(chunk.time[j]).toBe(chunk.time[i]);
      expect(chunk.pfn[j]).toBe(chunk.a[i]);
      // the PUT ends the allocation: its pages (quirk: order 10's last call maps 512 of 1024)
      expect(chunk.b[i] === chunk.a[j] || (chunk.b[i] === 1024 && chunk.a[j] === 512)).toBe(true);
    }
    expect(frees).toBeGreaterThan(30_000);
  });
});

describe('unmapped-alloc: zeroing shape', () => {
  const order10 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const gets = (quirk: boolean) =>
    collectEvents(
      createEventSource(
        cfg({
          machine: { possibleCpus: 1 },
          workload: { kind: 'unmapped-alloc', orders: order10, pageblockQuirk: quirk, mmsPerCpu: 1, threadsPerMm: 1 },
        }),
      ),
      40,
    )
      .filter((e) => e.kind === 'get' || e.kind === 'put')
      .slice(0, 4)
      .map((e) => [e.kind, e.a, e.pfn]);

  it('rfc-v1 pageblock quirk: order 10 zeroes 1024 pages then 512, both from the first page', () => {
    expect(gets(true)).toEqual([
      ['get', 1024, 0x100000],
      ['put', 1024, 0x100000],
      ['get', 512, 0x100000],
      ['put', 512, 0x100000],
    ]);
  });

  it('without the quirk: one 512-page call per pageblock', () => {
    expect(gets(false)).toEqual([
      ['get', 512, 0x100000],
      ['put', 512, 0x100000],
      ['get', 512, 0x100200],
      ['put', 512, 0x100200],
    ]);
  });

  it('zeroing time is pages x cycles / GHz', () => {
    const ev = collectEvents(
      createEventSource(
        cfg({
          machine: { possibleCpus: 1 },
          workload: {
            kind: 'unmapped-alloc',
            orders: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
            zeroCyclesPerPage: 1500,
            cpuGhz: 2,
            mmsPerCpu: 1,
            threadsPerMm: 1,
          },
        }),
      ),
      3,
    );
    expect(ev[1]!.kind).toBe('get');
    expect(ev[2]!.kind).toBe('put');
    expect(ev[2]!.time - ev[1]!.time).toBe(8 * 750);
  });

  it('preempted holders let other threads of the mm take more slots on the CPU', () => {
    const nested = cfg({
      workload: {
        kind: 'unmapped-alloc',
        ratePerCpuHz: 500_000,
        mmsPerCpu: 1,
        threadsPerMm: 6,
        timeSliceUs: 0.2,
        preemptProbability: 0.9,
        migrateProbability: 0,
      },
      length: { events: 300_000 },
    });
    expect(checkStream(createEventSource(nested), 4, { allowLiveAtEnd: true }).maxLivePerCpuMm).toBeGreaterThan(4);
    const calm = cfg({ workload: { kind: 'unmapped-alloc', preemptProbability: 0 }, length: { events: 300_000 } });
    const f = checkStream(createEventSource(calm), 4, { allowLiveAtEnd: true });
    expect(f.maxLivePerCpuMm).toBe(1);
    expect(f.byKind.migrate).toBeGreaterThan(0);
  });

  it('GET events put the range first pfn in the pfn column and allocIds count up from 0', () => {
    const chunk = new EventChunk(1000);
    new UnmappedAllocSource(cfg({})).fill(chunk);
    const ids: number[] = [];
    for (let i = 0; i < chunk.length; i++) if (chunk.kind[i] === EV_GET) ids.push(chunk.b[i]!);
    expect(ids.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
  });
});
