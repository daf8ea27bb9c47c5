import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CpuHeap } from '../../src/workloads/sched/cpu-heap.js';
import { CpuWheel } from '../../src/workloads/sched/cpu-wheel.js';
import { FreeWheel } from '../../src/workloads/sched/free-wheel.js';
import { PHYS_BASE_PFN } from '../../src/config/defaults.js';
import { PhysAllocator } from '../../src/workloads/sched/phys.js';
import { RunQueues } from '../../src/workloads/sched/run-queues.js';

describe('FreeWheel', () => {
  // ops: [kind, value]: 0 push (delay from now), 1 peek, 2 pop
  const opArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 5000 })), {
    minLength: 100,
    maxLength: 400,
    size: 'max',
  });

  it('pops in (time, insertion) order, with pushes at or after the present and peeks in between', () => {
    fc.assert(
      fc.property(
        opArb,
        fc.integer({ min: 1, max: 2_000_000_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (ops, rate, hold) => {
          const w = new FreeWheel(rate, hold);
          const ref: Array<{ t: number; seq: number; pfn: number }> = [];
          let now = 0;
          let seq = 0;
          for (const [kind, v] of ops) {
            if (kind === 0) {
              const t = now + (v % 7 === 0 ? v * 1000 : v); // some far in the future, beyond a lap
              // pfns up to 2^40: the packed entry (pfn * 16 + order) is past 2^32
              const pfn = seq % 2 === 0 ? seq : 2 ** 40 - 1 - seq;
              w.push(t, pfn, seq % 11);
              ref.push({ t, seq, pfn });
              seq++;
            } else if (kind === 1) {
              const min = ref.length ? Math.min(...ref.map((r) => r.t)) : Infinity;
              if (w.minTime() !== min) return false;
            } else if (ref.length > 0) {
              ref.sort((a, b) => a.t - b.t || a.seq - b.seq);
              const r = ref.shift()!;
              w.pop();
              if (w.poppedTime !== r.t || w.poppedPfn !== r.pfn || w.poppedOrder !== r.seq % 11) return false;
              // the present moves on, but never past an entry still queued
              now = r.t;
            }
            if (w.size !== ref.length) return false;
          }
          return true;
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('a minimum found but not popped does not hide earlier pushes (regression)', () => {
    const w = new FreeWheel(1e9, 10);
    w.push(5000, 1, 0);
    expect(w.minTime()).toBe(5000);
    w.push(100, 2, 0);
    w.push(200, 3, 0);
    const popped: number[] = [];
    while (w.size > 0) {
      w.pop();
      popped.push(w.poppedTime);
    }
    expect(popped).toEqual([100, 200, 5000]);
  });
});

describe('CpuHeap', () => {
  it('top is always the smallest (key, id) after arbitrary updates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(Infinity))), {
          minLength: 50,
          maxLength: 300,
          size: 'max',
        }),
        (n, updates) => {
          const h = new CpuHeap(n);
          const keys = new Array(n).fill(Infinity);
          for (const [i, k] of updates) {
            const id = i % n;
            if (id === h.top() && k >= keys[id]) h.replaceTopKey(k);
            else h.set(id, k);
            keys[id] = k;
            let best = 0;
            for (let j = 1; j < n; j++) if (keys[j] < keys[best]) best = j;
            if (h.top() !== best || h.topKey() !== keys[best]) return false;
          }
          return true;
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('rebuild orders keys written directly', () => {
    const h = new CpuHeap(6);
    [5, 3, 3, 9, 1, 1].forEach((k, i) => (h.key[i] = k));
    h.rebuild();
    expect([h.top(), h.topKey()]).toEqual([4, 1]);
  });
});

describe('CpuWheel', () => {
  it('top always has the smallest key while the top moves forward in time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constant(-1)), {
          minLength: 50,
          maxLength: 500,
          size: 'max',
        }),
        (n, spacing, steps) => {
          const w = new CpuWheel(n, spacing);
          for (let i = 0; i < n; i++) w.key[i] = (i * 37) % 101;
          w.rebuild();
          const keys = Array.from(w.key);
          for (const d of steps) {
            const top = w.top();
            const min = Math.min(...keys);
            if (w.key[top] !== min) return false;
            if (min === Infinity) return true;
            // -1: this CPU has nothing more; else its next event d ns (sometimes far) later
            const k = d < 0 ? Infinity : min + (d % 5 === 0 ? d * 1000 : d);
            w.replaceTopKey(k);
            keys[top] = k;
          }
          return true;
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });

  it('equal keys: the CPU queued first comes first; all Infinity: the stream is over', () => {
    const w = new CpuWheel(3, 1000);
    w.rebuild();
    expect(w.key[w.top()]).toBe(Infinity);
    w.key.fill(0);
    w.rebuild();
    expect(w.top()).toBe(0);
    w.replaceTopKey(5);
    expect(w.top()).toBe(1);
    w.replaceTopKey(5);
    expect([w.top(), w.key[w.top()]]).toEqual([2, 0]);
    w.replaceTopKey(5);
    expect(w.top()).toBe(0);
  });
});

describe('PhysAllocator', () => {
  it('naturally aligned blocks from 4 GiB, freed blocks reused last-in first-out', () => {
    const p = new PhysAllocator();
    expect(PHYS_BASE_PFN).toBe(0x100000);
    const a = p.alloc(0);
    const b = p.alloc(3);
    const c = p.alloc(0);
    expect([a, b, c]).toEqual([0x100000, 0x100008, 0x100010]);
    p.free(a, 0);
    p.free(c, 0);
    expect(p.alloc(0)).toBe(c);
    expect(p.alloc(0)).toBe(a);
    expect(p.alloc(10) % 1024).toBe(0);
  });
});

describe('RunQueues', () => {
  /** CPU c's queue in round-robin order from its running task, walked by next and checked by prev */
  const queue = (q: RunQueues, c: number): number[] => {
    const out = [q.cur[c]!];
    for (let k = q.next[q.cur[c]!]!; k !== q.cur[c]; k = q.next[k]!) out.push(k);
    out.forEach((k, i) => expect(q.prev[k]).toBe(out[(i + out.length - 1) % out.length]));
    expect(q.count[c]).toBe(out.length);
    return out;
  };

  it('starts each CPU on its first task, rotates, and queues a migrated task last', () => {
    const q = new RunQueues(2, 3); // CPU 0: tasks 0, 1, 2; CPU 1: 3, 4, 5
    expect([queue(q, 0), queue(q, 1)]).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(q.rotate(0)).toBe(1); // preemption: 1 runs, 0 goes last
    expect(queue(q, 0)).toEqual([1, 2, 0]);
    q.migrate(2, 0, 1); // 2 leaves CPU 0 and runs after 4 and 5 on CPU 1
    expect([queue(q, 0), queue(q, 1)]).toEqual([
      [1, 0],
      [3, 4, 5, 2],
    ]);
    expect(q.rotate(1)).toBe(4);
    expect(queue(q, 1)).toEqual([4, 5, 2, 3]);
  });

  it('a CPU of one task rotates onto itself', () => {
    const q = new RunQueues(1, 1);
    expect(q.rotate(0)).toBe(0);
    expect(queue(q, 0)).toEqual([0]);
  });
});
