import { describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfigInput } from '../../src/config/index.js';
import { createEventSource } from '../../src/workloads/index.js';
import { collectEvents, hashEventStream } from '../../src/workloads/stream.js';
import {
  DIRECT_MAP_BASE_VPN_4,
  DIRECT_MAP_BASE_VPN_5,
  TlbPressureSource,
  USER_BASE_VPN,
} from '../../src/workloads/tlb-pressure.js';
import { checkStream } from './helpers.js';

const cfg = (input: RunConfigInput) => parseRunConfig(input);

describe('TLB pressure', () => {
  it('the direct-map base page numbers are the kernel addresses >> 12', () => {
    expect(DIRECT_MAP_BASE_VPN_4 * 4096).toBe(0xffff888000000000);
    expect(DIRECT_MAP_BASE_VPN_5 * 4096).toBe(0xff11000000000000);
    expect(USER_BASE_VPN * 4096).toBe(0x400000);
  });

  it('mixing in touches leaves the underlying stream unchanged', () => {
    const base = { machine: { possibleCpus: 2 }, length: { events: 40_000 } } as const;
    const plain = collectEvents(createEventSource(cfg({ ...base, length: { events: 10_000 } })));
    const mixed = collectEvents(
      createEventSource(cfg({ ...base, workload: { kind: 'unmapped-alloc', tlbPressure: { touchesPerOp: 2.5 } } })),
    );
    const stripped = mixed.filter((e) => e.kind !== 'touch').slice(0, plain.length);
    expect(stripped).toEqual(plain);
  });

  it('touch counts, global share and vpn ranges on a large sample', () => {
    const tp = { userPagesPerMm: 100, globalPages: 50, touchesPerOp: 2.5, globalFraction: 0.3 };
    const ev = collectEvents(
      createEventSource(
        cfg({
          workload: { kind: 'microbench', tlbPressure: tp },
          machine: { possibleCpus: 1 },
          length: { events: 400_000 },
        }),
      ),
    );
    let ops = 0;
    let touches = 0;
    let global = 0;
    const user = new Set<number>();
    const glob = new Set<number>();
    let misplaced = 0;
    for (let i = 0; i < ev.length; i++) {
      const e = ev[i]!;
      if (e.kind === 'get' || e.kind === 'put') ops++;
      if (e.kind !== 'touch') continue;
      touches++;
      // touches follow their op: same time, CPU and task
      let j = i - 1;
      while (ev[j]!.kind === 'touch') j--;
      if (ev[j]!.time !== e.time || ev[j]!.cpu !== e.cpu || ev[j]!.task !== e.task) misplaced++;
      if (e.b === 1) {
        global++;
        glob.add(e.a - DIRECT_MAP_BASE_VPN_4);
      } else {
        if (e.b !== 0) misplaced++;
        user.add(e.a - USER_BASE_VPN);
      }
    }
    expect(misplaced).toBe(0);
    expect(Math.abs(touches / ops - 2.5)).toBeLessThan(0.02);
    expect(Math.abs(global / touches - 0.3)).toBeLessThan(0.01);
    expect([Math.min(...user), Math.max(...user), user.size]).toEqual([0, 99, 100]);
    expect([Math.min(...glob), Math.max(...glob), glob.size]).toEqual([0, 49, 50]);
  });

  it('5-level paging moves the global pages to the 5-level direct map', () => {
    const ev = collectEvents(
      createEventSource(
        cfg({
          machine: { pagingLevels: 5 },
          workload: { kind: 'unmapped-alloc', tlbPressure: { globalFraction: 1, globalPages: 8 } },
          length: { events: 2000 },
        }),
      ),
    );
    const g = ev.filter((e) => e.kind === 'touch');
    expect(g.length).toBeGreaterThan(500);
    for (const e of g) {
      expect(e.b).toBe(1);
      expect(e.a - DIRECT_MAP_BASE_VPN_5).toBeGreaterThanOrEqual(0);
      expect(e.a - DIRECT_MAP_BASE_VPN_5).toBeLessThan(8);
    }
  });

  it('works over every workload kind and keeps the stream contract; pinned hash', () => {
    const c = cfg({ workload: { kind: 'guest-memfd-populate', tlbPressure: {} } });
    const f = checkStream(createEventSource(c), 4);
    expect(f.byKind.touch).toBeGreaterThan(3 * 1024);
    const d = hashEventStream(createEventSource(c));
    expect(`${d.hash} ${d.events}`).toBe('ebc1cb2a 5124');
  });

  it('a chunk too small for an op and its touches is refused', () => {
    const c = cfg({ workload: { kind: 'microbench', tlbPressure: { touchesPerOp: 8 } } });
    const inner = createEventSource(c);
    const s = new TlbPressureSource(
      inner,
      { userPagesPerMm: 1, globalPages: 1, touchesPerOp: 8, globalFraction: 0 },
      1,
    );
    expect(() => collectEvents(s, 10, 8)).toThrow('EventChunk capacity must be >= 9');
  });
});
