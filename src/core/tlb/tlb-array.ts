/** The set-associative array behind each TLB level (./tlb.ts). */
import { PAGE_SIZE_ORDER } from '../paging/geometry.js';

export const F_GLOBAL = 1;
export const F_MERMAP = 2;
export const F_STALE = 4;
/** the page size the entry maps, as its index in PAGE_SIZE_NAMES (0: 4 KiB) shifted by SIZE_SHIFT */
export const F_SIZE = 8 | 16;
export const SIZE_SHIFT = 3;
/** a 1 GiB translation held as a 2 MiB entry (Zen 2's L2): the entry's size is 2 MiB, the translation's 1 GiB */
export const F_SPLIT = 32;

/** 4 KiB pages per page of each size index, and their inverse (exact: powers of two) */
export const SIZE_PAGES: readonly number[] = PAGE_SIZE_ORDER.map((o) => 2 ** o);
const SIZE_SCALE: readonly number[] = PAGE_SIZE_ORDER.map((o) => 2 ** -o);

/** The first 4 KiB page of the page of size index sz that holds vpn (exact on doubles: powers of two). */
export function alignDown(vpn: number, sz: number): number {
  if (sz === 0) return vpn;
  const pages = SIZE_PAGES[sz];
  return Math.floor(vpn * SIZE_SCALE[sz]) * pages;
}

/**
 * One set-associative array; entry i of set s is at s * ways + w. pcid -1 = invalid. An entry is
 * tagged with the first 4 KiB page of what it maps (`vpn`) and its size (flags & F_SIZE); its
 * set is that page's number at its own size (vpn / pages of the size) mod sets.
 */
export class TlbArray {
  readonly sets: number;
  readonly ways: number;
  readonly vpn: Float64Array;
  readonly pcid: Int32Array;
  readonly flags: Uint8Array;
  readonly pte: Float64Array;
  readonly lru: Float64Array;
  readonly staleOp: Float64Array;
  readonly staleNs: Float64Array;
  valid = 0;
  /** valid entries of each size index */
  readonly validBySize = new Int32Array(3);
  /** sets - 1 when sets is a power of two, else -1 */
  private readonly setMask: number;

  constructor(entries: number, ways: number) {
    this.ways = ways;
    this.sets = entries / ways;
    this.setMask = (this.sets & (this.sets - 1)) === 0 ? this.sets - 1 : -1;
    this.vpn = new Float64Array(entries);
    this.pcid = new Int32Array(entries).fill(-1);
    this.flags = new Uint8Array(entries);
    this.pte = new Float64Array(entries);
    this.lru = new Float64Array(entries);
    this.staleOp = new Float64Array(entries);
    this.staleNs = new Float64Array(entries);
  }

  /**
   * First way of the set of page number n: (n mod sets) * ways. Page numbers near 2^52 are
   * doubles, and `%` on them is a libm fmod call. With a power-of-two set count (every Intel
   * preset), n mod sets is in n's low 32 bits, which `>>> 0` takes exactly (ToUint32 is mod
   * 2^32, and V8 does it with one 64-bit truncation for integers below 2^53). Otherwise a floor
   * division (off by at most one for the small set counts used here, and corrected) gives the
   * same value.
   */
  setBase(n: number): number {
    const mask = this.setMask;
    if (mask >= 0) return ((n >>> 0) & mask) * this.ways;
    const sets = this.sets;
    let s = n - Math.floor(n / sets) * sets;
    if (s < 0) s += sets;
    else if (s >= sets) s -= sets;
    return s * this.ways;
  }

  /** setBase() of an entry of size index sz tagged `tag` */
  setOf(tag: number, sz: number): number {
    return this.setBase(sz === 0 ? tag : tag * SIZE_SCALE[sz]);
  }

  /** first 4 KiB entry a lookup by (vpn, pcid) hits, or -1 */
  find(vpn: number, pcid: number): number {
    const vpns = this.vpn;
    const pcids = this.pcid;
    const base = this.setBase(vpn);
    const end = base + this.ways;
    for (let i = base; i < end; i++) {
      // an invalid way keeps its old vpn: pcid -1 marks it
      if (vpns[i] === vpn) {
        const p = pcids[i];
        const f = this.flags[i];
        if (p >= 0 && (f & F_SIZE) === 0 && (p === pcid || (f & F_GLOBAL) !== 0)) return i;
      }
    }
    return -1;
  }

  /** first entry of size index sz tagged `tag` a lookup by pcid hits, or -1 */
  findSized(tag: number, sz: number, pcid: number): number {
    const base = this.setOf(tag, sz);
    const end = base + this.ways;
    const size = sz << SIZE_SHIFT;
    for (let i = base; i < end; i++) {
      if (this.vpn[i] !== tag) continue;
      const p = this.pcid[i];
      const f = this.flags[i];
      if (p >= 0 && (f & F_SIZE) === size && (p === pcid || (f & F_GLOBAL) !== 0)) return i;
    }
    return -1;
  }

  /** whether a copy of exactly this translation (tag and size, global-ness, pcid unless global) is here */
  hasKey(tag: number, sz: number, pcid: number, global: boolean): boolean {
    const vpns = this.vpn;
    const pcids = this.pcid;
    const base = this.setOf(tag, sz);
    const end = base + this.ways;
    const size = sz << SIZE_SHIFT;
    for (let i = base; i < end; i++) {
      if (vpns[i] !== tag || pcids[i] < 0 || (this.flags[i] & F_SIZE) !== size) continue;
      const g = (this.flags[i] & F_GLOBAL) !== 0;
      if (g === global && (global || pcids[i] === pcid)) return true;
    }
    return false;
  }

  /** hasKey() for the translation in entry i of `a` */
  hasCopyOf(a: TlbArray, i: number): boolean {
    const f = a.flags[i];
    return this.hasKey(a.vpn[i], (f & F_SIZE) >> SIZE_SHIFT, a.pcid[i], (f & F_GLOBAL) !== 0);
  }

  /** LRU victim of the set of `tag` at size index sz: an invalid way if any, else the least recently used */
  victim(tag: number, sz: number): number {
    const pcids = this.pcid;
    const lru = this.lru;
    const base = this.setOf(tag, sz);
    const end = base + this.ways;
    let best = base;
    let oldest = Infinity;
    for (let i = base; i < end; i++) {
      if (pcids[i] < 0) return i;
      const t = lru[i];
      if (t < oldest) {
        oldest = t;
        best = i;
      }
    }
    return best;
  }

  /** Write a valid entry at j (an invalid way). */
  occupy(j: number, tag: number, pcid: number, flags: number, pte: number, lru: number): void {
    this.vpn[j] = tag;
    this.pcid[j] = pcid;
    this.flags[j] = flags;
    this.pte[j] = pte;
    this.lru[j] = lru;
    this.valid++;
    this.validBySize[(flags & F_SIZE) >> SIZE_SHIFT]++;
  }

  invalidate(i: number): void {
    this.validBySize[(this.flags[i] & F_SIZE) >> SIZE_SHIFT]--;
    this.pcid[i] = -1;
    this.flags[i] = 0;
    this.valid--;
  }
}
