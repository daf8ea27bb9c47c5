import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignDown, TlbArray, TlbFlag } from '../../src/core/tlb/tlb-array.js';

/**
 * The set-associative array as it was before per-set masks and LRU lists, written plainly: a
 * Float64 LRU stamp per entry, every question answered by a scan of the set's ways in order.
 * TlbArray must give the same hits, the same copies found and the same victims.
 */
class NaiveArray {
  readonly vpn: number[];
  readonly pcid: number[];
  readonly flags: number[];
  readonly lru: number[];
  private tick = 0;

  constructor(
    readonly sets: number,
    readonly ways: number,
  ) {
    const n = sets * ways;
    this.vpn = new Array<number>(n).fill(0);
    this.pcid = new Array<number>(n).fill(-1);
    this.flags = new Array<number>(n).fill(0);
    this.lru = new Array<number>(n).fill(0);
  }

  /** the set of an entry of size index sz tagged `tag`: the tag's page number at that size mod sets */
  setOf(tag: number, sz: number): number {
    const n = tag / 2 ** (9 * sz);
    return ((n % this.sets) + this.sets) % this.sets;
  }

  find(tag: number, sz: number, pcid: number): number {
    const base = this.setOf(tag, sz) * this.ways;
    for (let i = base; i < base + this.ways; i++) {
      const f = this.flags[i];
      const sizeOk = (f & TlbFlag.SIZE) >> TlbFlag.SIZE_SHIFT === sz;
      if (this.pcid[i] >= 0 && this.vpn[i] === tag && sizeOk && (this.pcid[i] === pcid || (f & TlbFlag.GLOBAL) !== 0))
        return i;
    }
    return -1;
  }

  /** the first invalid way, else the way with the smallest stamp */
  victim(tag: number, sz: number): number {
    const base = this.setOf(tag, sz) * this.ways;
    let best = base;
    for (let i = base; i < base + this.ways; i++) {
      if (this.pcid[i] < 0) return i;
      if (this.lru[i] < this.lru[best]) best = i;
    }
    return best;
  }

  touch(i: number): void {
    this.lru[i] = ++this.tick;
  }

  occupy(j: number, tag: number, pcid: number, flags: number): void {
    this.vpn[j] = tag;
    this.pcid[j] = pcid;
    this.flags[j] = flags;
    this.touch(j);
  }

  invalidate(i: number): void {
    this.pcid[i] = -1;
    this.flags[i] = 0;
  }
}

/** page numbers near the top of the 4-level address space, as the kernel's are (doubles) */
const TOP = 2 ** 36 - 2 ** 20;

type Op =
  | { k: 'lookup'; page: number; sz: number; pcid: number }
  | { k: 'fill'; page: number; sz: number; pcid: number; global: boolean }
  | { k: 'invalidate'; pick: number }
  | { k: 'flushPcid'; pcid: number }
  | { k: 'clear' }
  | { k: 'stale'; pick: number };

const pcidArb = fc.integer({ min: 1, max: 3 });
const pageArb = fc.integer({ min: 0, max: 2 ** 21 });
const szArb = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 2 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('lookup' as const), page: pageArb, sz: szArb, pcid: pcidArb }) },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant('fill' as const),
      page: pageArb,
      sz: szArb,
      pcid: pcidArb,
      global: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('invalidate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('stale' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('flushPcid' as const), pcid: pcidArb }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clear' as const) }) },
);

/**
 * [sets, ways]: power-of-two and other set counts, one word of ways, a word exactly, two words,
 * and more ways than tag buckets (fully associative, 10 words)
 */
const geometryArb = fc.constantFrom<[number, number]>(
  [2, 2],
  [4, 3],
  [3, 4],
  [1, 6],
  [5, 6],
  [2, 32],
  [1, 40],
  [3, 33],
  [1, 300],
);

/** Drive both with `ops`, comparing every answer, then the contents and each set's masks and victim. */
function check(sets: number, ways: number, ops: Op[]): void {
  const a = new TlbArray(sets * ways, ways);
  const r = new NaiveArray(sets, ways);
  // a few tags per set so that sets fill, evict and hold copies of one page for several PCIDs;
  // every other one a mermap page (whether a page is in the mermap depends on the page only)
  const pages = sets * ways * 3;
  const tagOf = (page: number, sz: number): number => alignDown(TOP + (page % pages) * 512 ** sz, sz);
  const isMermap = (page: number): boolean => (page % pages) % 2 === 0;
  const put = (j: number, tag: number, pcid: number, flags: number): void => {
    a.vpn[j] = tag;
    a.pte[j] = 0;
    a.occupy(j, pcid, flags);
    r.occupy(j, tag, pcid, flags);
  };
  const validIndex = (pick: number): number => {
    const valid = r.pcid.flatMap((p, i) => (p >= 0 ? [i] : []));
    return valid.length === 0 ? -1 : valid[pick % valid.length];
  };
  for (const op of ops) {
    if (op.k === 'lookup') {
      const tag = tagOf(op.page, op.sz);
      const i = op.sz === 0 ? a.find(tag, op.pcid) : a.findSized(tag, op.sz, op.pcid);
      expect(i).toBe(r.find(tag, op.sz, op.pcid));
      if (i >= 0) {
        a.touch(i);
        r.touch(i);
      }
    } else if (op.k === 'fill') {
      const tag = tagOf(op.page, op.sz);
      const flags =
        (op.global ? TlbFlag.GLOBAL : 0) | (isMermap(op.page) ? TlbFlag.MERMAP : 0) | (op.sz << TlbFlag.SIZE_SHIFT);
      const j = a.victim(a.setOfTag(tag, op.sz));
      expect(j).toBe(r.victim(tag, op.sz));
      if (a.pcid[j] >= 0) {
        a.invalidate(j);
        r.invalidate(j);
      }
      put(j, tag, op.pcid, flags);
    } else if (op.k === 'invalidate') {
      const i = validIndex(op.pick);
      if (i >= 0) {
        a.invalidate(i);
        r.invalidate(i);
      }
    } else if (op.k === 'stale') {
      const i = validIndex(op.pick);
      if (i >= 0) {
        a.flags[i] |= TlbFlag.STALE;
        r.flags[i] |= TlbFlag.STALE;
      }
    } else if (op.k === 'clear') {
      // everything at once: what invalidating each valid entry leaves
      a.clear();
      for (let i = 0; i < sets * ways; i++) if (r.pcid[i] >= 0) r.invalidate(i);
      expect(a.validBySize[0] + a.validBySize[1] + a.validBySize[2]).toBe(0);
    } else {
      for (let i = 0; i < sets * ways; i++) {
        if (r.pcid[i] === op.pcid && (r.flags[i] & TlbFlag.GLOBAL) === 0) {
          a.invalidate(i);
          r.invalidate(i);
        }
      }
    }
  }
  expect(Array.from(a.pcid)).toEqual(r.pcid);
  expect(Array.from(a.flags)).toEqual(r.flags);
  for (let i = 0; i < sets * ways; i++) if (r.pcid[i] >= 0) expect(a.vpn[i]).toBe(r.vpn[i]);
  expect(a.valid).toBe(r.pcid.filter((p) => p >= 0).length);
  for (let s = 0; s < sets; s++) {
    for (let w = 0; w < ways; w++) {
      const i = s * ways + w;
      const bit = (k: Int32Array): number => (k[s * a.words + (w >> 5)] >>> (w & 31)) & 1;
      expect(bit(a.validMask)).toBe(r.pcid[i] >= 0 ? 1 : 0);
      if (r.pcid[i] >= 0) {
        const k = a.bucketBase(a.vpn[i] | 0, s) + (w >> 5);
        expect((a.bucketMask[k] >>> (w & 31)) & 1).toBe(1);
        expect((a.mermapMask[k] >>> (w & 31)) & 1).toBe((r.flags[i] & TlbFlag.MERMAP) !== 0 ? 1 : 0);
      }
    }
    // and no other bucket bits: as many as valid ways, and as valid mermap ways
    const count = (masks: Int32Array): number => {
      const perSet = masks.length / sets;
      let bits = 0;
      for (let k = s * perSet; k < (s + 1) * perSet; k++) for (let m = masks[k]; m !== 0; m &= m - 1) bits++;
      return bits;
    };
    const inSet = (i: number): boolean => i >= s * ways && i < (s + 1) * ways && r.pcid[i] >= 0;
    expect(count(a.bucketMask)).toBe(r.pcid.filter((_, i) => inSet(i)).length);
    expect(count(a.mermapMask)).toBe(r.flags.filter((f, i) => inSet(i) && (f & TlbFlag.MERMAP) !== 0).length);
    // every set's victim for a 4 KiB page that falls in it
    const tag = TOP + s;
    expect(a.victim(a.setOfTag(tag, 0))).toBe(r.victim(tag, 0));
  }
}

describe('TlbArray against a scan-based reference', () => {
  it('a full 6-way set evicts its least recently used way, a hit protects a way', () => {
    const a = new TlbArray(6, 6);
    for (let v = 0; v < 6; v++) {
      const j = a.victim(0);
      a.vpn[j] = TOP + v;
      a.occupy(j, 1, 0);
    }
    expect(a.victim(0)).toBe(0);
    a.touch(a.find(TOP, 1));
    a.touch(a.find(TOP + 1, 1));
    expect(a.victim(0)).toBe(2);
    a.invalidate(4);
    expect(a.victim(0)).toBe(4); // an invalid way comes first
    a.vpn[4] = TOP + 6;
    a.occupy(4, 1, 0);
    expect(a.victim(0)).toBe(2);
    expect(Array.from(a.validMask)).toEqual([0b111111]);
  });

  it('same hits, victims, contents and masks over random operation sequences', () => {
    fc.assert(
      fc.property(geometryArb, fc.array(opArb, { maxLength: 300 }), ([sets, ways], ops) => check(sets, ways, ops)),
      { numRuns: 300, seed: 20261129 },
    );
  });
});
