import { describe, expect, it } from 'vitest';
import { parseRunConfig, type RunConfigInput } from '../../src/config/index.js';
import { EventChunk, FLAG_ZEROING } from '../../src/workloads/events.js';
import { GuestMemfdSource, guestAllocations } from '../../src/workloads/guest-memfd.js';
import { createEventSource } from '../../src/workloads/index.js';
import { presetConfig } from '../../src/config/presets.js';
import { collectEvents, hashEventStream } from '../../src/workloads/stream.js';
import { checkStream } from './helpers.js';

const cfg = (input: RunConfigInput) => parseRunConfig(input);

describe('guest-memfd-populate', () => {
  it('guest-boot: every GET is 512 pages, more than the 511 a normal caller can ever get with R = 512', () => {
    const c = presetConfig('guest-boot');
    expect(c.mermap.regionPages).toBe(512);
    const ev = collectEvents(createEventSource(c));
    const gets = ev.filter((e) => e.kind === 'get');
    expect(gets).toHaveLength(512); // 1 GiB / 2 MiB
    for (const g of gets) {
      expect(g.a).toBe(512);
      expect(g.a).toBeGreaterThan(c.mermap.regionPages - 1);
      expect(g.flags).toBe(FLAG_ZEROING);
      expect(g.pfn % 512).toBe(0);
    }
    expect(new Set(gets.map((g) => g.pfn)).size).toBe(512);
    expect(ev.filter((e) => e.kind === 'put')).toHaveLength(512);
    expect(ev.filter((e) => e.kind === 'switch')).toHaveLength(4);
    expect(ev.filter((e) => e.kind === 'free')).toHaveLength(0);
    expect(new Set(gets.map((g) => g.cpu))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('pinned stream hash, and the stream ends by itself', () => {
    const d = hashEventStream(createEventSource(presetConfig('guest-boot')));
    expect(`${d.hash} ${d.events} ${d.lastTimeNs}`).toBe('d66250c1 1028 19722264');
  });

  it('timing: each vCPU loops GET, zeroing (pages x cycles / GHz), PUT, fault gap', () => {
    const ev = collectEvents(
      createEventSource(
        cfg({ machine: { possibleCpus: 1 }, workload: { kind: 'guest-memfd-populate', vcpus: 1, guestGiB: 0.01 } }),
      ),
    );
    expect(ev.slice(0, 5).map((e) => [e.kind, e.time, e.a, e.b])).toEqual([
      ['switch', 0, 0, 0],
      ['get', 0, 512, 0],
      // 512 pages x 897 cycles / 3 GHz = 153,088 ns of zeroing, then a 1 us fault gap
      ['put', 153_088, 512, 0],
      ['get', 154_088, 512, 1],
      ['put', 307_176, 512, 1],
    ]);
    expect(ev.filter((e) => e.kind === 'get')).toHaveLength(Math.ceil((0.01 * 262_144) / 512));
  });

  it('more vCPUs than CPUs take turns on each CPU, with SWITCHes between them', () => {
    const c = cfg({ machine: { possibleCpus: 4 }, workload: { kind: 'guest-memfd-populate', vcpus: 10 } });
    const src = new GuestMemfdSource(c);
    expect(Array.from(src.topology.taskCpu)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(src.topology.mms).toBe(1);
    const f = checkStream(createEventSource(c), 4);
    expect(f.byKind.get).toBe(512);
    const perTask = new Map<number, number>();
    for (const e of collectEvents(createEventSource(c)))
      if (e.kind === 'get') perTask.set(e.task, (perTask.get(e.task) ?? 0) + 1);
    expect(perTask.size).toBe(10);
    // CPUs 0 and 1 have 3 vCPUs, CPUs 2 and 3 have 2: each CPU makes 128 allocations
    expect(perTask.get(0)! + perTask.get(4)! + perTask.get(8)!).toBe(128);
    expect(perTask.get(2)! + perTask.get(6)!).toBe(128);
  });

  it('the order is a parameter: order 8 fits the fast path (256 pages)', () => {
    const c = cfg({ workload: { kind: 'guest-memfd-populate', order: 8, guestGiB: 0.5 } });
    expect(guestAllocations(c.workload as never)).toBe(512);
    const f = checkStream(createEventSource(c), 4);
    expect([...f.getPages]).toEqual([[256, 512]]);
  });

  it('length caps it like any other workload', () => {
    const c = cfg({ workload: { kind: 'guest-memfd-populate' }, length: { events: 10 } });
    const chunk = new EventChunk(100);
    expect(createEventSource(c).fill(chunk)).toBe(false);
    expect(chunk.length).toBe(10);
  });
});
