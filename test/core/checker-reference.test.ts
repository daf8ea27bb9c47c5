import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocatorNames } from '../../src/core/allocators.js';
import type { MachineObserver } from '../../src/core/machine.js';
import { Replayer } from '../../src/core/replay.js';
import { FLUSH_INVLPG } from '../../src/core/tlb/tlb.js';

/**
 * The reuse rule (facts §5.1) against a naive reference written here with Sets: for each CPU c,
 *   present[c]  pages c mapped whose PTE is still present
 *   seen[c]     pages c mapped whose PTE was present at some time since c's last full flush
 * A get that maps a page in some seen[c] is a reuse without flush. Random scripts on 2 CPUs with
 * reserved allocations held while other gets run, for every variant and policy; the checker's
 * reuse_without_flush events (op, first page) must equal the reference's, op by op.
 */
type Action =
  | { k: 'get'; cpu: number; pages: number; reserved: boolean }
  | { k: 'put'; pick: number }
  | { k: 'touch'; pick: number };

const R = 12;
const CPUS = 2;

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant('get' as const),
      cpu: fc.nat(CPUS - 1),
      pages: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: R + 1 }) },
      ),
      reserved: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('put' as const), pick: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('touch' as const), pick: fc.nat(7) }) },
);

class NaiveRule implements MachineObserver {
  readonly present: Set<number>[] = [];
  readonly seen: Set<number>[] = [];
  /** [op, first reused page] per get that reused */
  readonly reuses: Array<[number, number]> = [];
  op = 0;
  constructor(
    private readonly lo: number,
    private readonly hi: number,
  ) {
    for (let c = 0; c < CPUS; c++) {
      this.present.push(new Set());
      this.seen.push(new Set());
    }
  }
  onGet(cpu: number, _mm: number, _task: number, _h: number, base: number, pages: number): void {
    let first = -1;
    for (let v = base; v < base + pages; v++) {
      if (v < this.lo || v >= this.hi) continue;
      if (first < 0 && this.seen.some((s) => s.has(v))) first = v;
      this.present[cpu].add(v);
      this.seen[cpu].add(v);
    }
    if (first >= 0) this.reuses.push([this.op, first]);
  }
  onPut(_cpu: number, _mm: number, _task: number, _h: number, base: number, pages: number): void {
    for (let v = base; v < base + pages; v++) for (const p of this.present) p.delete(v);
  }
  onFlush(cpu: number, kind: number, _pages: number, vpn: number): void {
    if (kind === FLUSH_INVLPG) {
      if (!this.present[cpu].has(vpn)) this.seen[cpu].delete(vpn);
    } else {
      this.seen[cpu] = new Set(this.present[cpu]);
    }
  }
}

function run(variant: string, actions: Action[]): { checker: Array<[number, number]>; naive: Array<[number, number]> } {
  const r = new Replayer({ possibleCpus: CPUS, regionPages: R, variant, tlb: 'tiny' });
  const m = r.machine;
  const g = m.geometry;
  const naive = new NaiveRule(g.baseVpn, g.baseVpn + CPUS * R);
  m.addObserver(naive);
  const live: Array<{ tag: string; cpu: number; base: number; pages: number }> = [];
  let n = 0;
  for (const a of actions) {
    naive.op = n;
    if (a.k === 'get') {
      const tag = `t${n}`;
      const res = r.apply({ op: 'get', cpu: a.cpu, pages: a.pages, tag, reserved: a.reserved, prot: 'noglobal' });
      n++;
      if (res.ok) live.push({ tag, cpu: a.cpu, base: m.allocator(r.mm).lastBase, pages: m.allocator(r.mm).lastPages });
    } else if (live.length > 0) {
      const i = a.pick % live.length;
      if (a.k === 'put') {
        const res = r.apply({ op: 'put', tag: live[i].tag });
        n++;
        if (res.ok) live.splice(i, 1);
      } else {
        for (let p = 0; p < live[i].pages; p++) m.access(live[i].cpu, live[i].base + p); // task c runs on CPU c
      }
    }
  }
  const checker = m.checker.violations
    .filter((v) => v.kind === 'reuse_without_flush')
    .map((v) => [v.op, v.vpn] as [number, number]);
  return { checker, naive: naive.reuses };
}

describe('the checker agrees with a naive reference of the reuse rule on random scripts', () => {
  for (const allocator of allocatorNames()) {
    it(`${allocator}: reuse_without_flush op by op`, () => {
      fc.assert(
        fc.property(fc.array(action, { minLength: 10, maxLength: 80, size: 'large' }), (acts) => {
          const { checker, naive } = run(allocator, acts);
          expect(checker).toEqual(naive);
        }),
        { numRuns: 300, seed: 20261128 },
      );
    });
  }

  it('the scripts reach the unsafe state: rfc-later and dev-snapshot report reuses on some of them', () => {
    for (const allocator of ['rfc-later', 'dev-snapshot']) {
      const out = fc.check(
        fc.property(
          fc.array(action, { minLength: 10, maxLength: 80, size: 'large' }),
          (acts) => run(allocator, acts).naive.length === 0,
        ),
        { numRuns: 300, seed: 20261128 },
      );
      expect(out.failed).toBe(true);
    }
  });
});
