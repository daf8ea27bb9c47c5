import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/core/machine.js';

/**
 * Machine.accessMermap(task, off, pages) is access() of the pages baseVpn + off .. one by one:
 * two machines fed the same operations, one touching mermap ranges page by page through
 * access() and the other through accessMermap(), end in the same state.
 */
type Op =
  | { k: 'get'; task: number; pages: number; reserved: boolean }
  | { k: 'put'; pick: number }
  | { k: 'touch'; task: number; off: number; pages: number }
  | { k: 'user'; task: number; page: number }
  | { k: 'flush'; cpu: number };

const R = 16;
const CPUS = 2;
const TASKS = 4;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('get' as const),
      task: fc.nat(TASKS - 1),
      pages: fc.integer({ min: 1, max: 5 }),
      reserved: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('put' as const), pick: fc.nat() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant('touch' as const),
      task: fc.nat(TASKS - 1),
      // from before the mermap to past its end: the general path's cases too
      off: fc.integer({ min: -2, max: CPUS * R + 1 }),
      pages: fc.integer({ min: 0, max: 6 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('user' as const), task: fc.nat(TASKS - 1), page: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('flush' as const), cpu: fc.nat(CPUS - 1) }) },
);

function run(variant: string, ops: Op[], batched: boolean): unknown {
  const m = new Machine({ possibleCpus: CPUS, regionPages: R, variant, tlb: 'tiny', shadowTlb: true });
  const mms = [m.createMm(), m.createMm()];
  // two mms, two tasks each, one per CPU: CR3 writes and PCIDs between them
  const tasks = [0, 1, 2, 3].map((t) => m.createTask(mms[t % 2], t >> 1));
  const live: Array<{ task: number; h: number }> = [];
  let pfn = 0x100;
  for (const op of ops) {
    if (op.k === 'get') {
      const task = tasks[op.task];
      const h = m.mermapGet(task, op.reserved ? 1 : op.pages, pfn, undefined, op.reserved);
      pfn += 8;
      if (h >= 0) live.push({ task, h });
    } else if (op.k === 'put') {
      if (live.length === 0) continue;
      const [{ task, h }] = live.splice(op.pick % live.length, 1);
      m.mermapPut(task, h);
    } else if (op.k === 'touch') {
      const task = tasks[op.task];
      if (batched) m.accessMermap(task, op.off, op.pages);
      else for (let p = 0; p < op.pages; p++) m.access(task, m.geometry.baseVpn + op.off + p);
    } else if (op.k === 'user') {
      m.access(tasks[op.task], 0x400 + op.page);
    } else {
      m.flushTlbAll(op.cpu);
    }
  }
  return {
    counters: [m.accesses, m.pageWalks, m.walkReads, m.mermapFaults, m.pageFaults, m.cr3Writes],
    tlbs: m.tlbs.map((t) => ({
      entries: t.snapshot(),
      shadow: t.shadow?.snapshot(),
      counts: [t.l1Hits, t.stlbHits, t.misses, t.fills, t.evictions, t.staleHits, t.shadow?.misses],
    })),
    violations: m.checker.violations.map((v) => [v.kind, v.cpu, v.vpn, v.pfn]),
  };
}

describe('Machine.accessMermap', () => {
  it('leaves the state access() of each page leaves', () => {
    fc.assert(
      fc.property(fc.constantFrom('rfc-v1', 'rfc-later'), fc.array(opArb, { maxLength: 120 }), (variant, ops) => {
        expect(run(variant, ops, true)).toEqual(run(variant, ops, false));
      }),
      { numRuns: 200, seed: 20261129 },
    );
  });

  it('a mapped range: one walk and fill per page, then hits', () => {
    const m = new Machine({ possibleCpus: 1, regionPages: R, variant: 'rfc-v1', tlb: 'tiny' });
    const t = m.createTask(m.createMm(), 0);
    m.mermapGet(t, 3, 0x500);
    m.accessMermap(t, 0, 3);
    m.accessMermap(t, 0, 3);
    m.accessMermap(t, 3, 1); // not mapped: the sentinel, a fault
    expect([m.accesses, m.pageWalks, m.mermapFaults, m.tlbs[0].fills, m.tlbs[0].l1Hits]).toEqual([7, 4, 1, 3, 3]);
  });
});
