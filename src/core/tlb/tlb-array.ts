/** The set-associative array behind each TLB level (./tlb.ts). */
import { PAGE_SIZE_ORDER } from '../paging/geometry.js';

/**
 * An entry's flags byte (TlbArray.flags), read on every lookup and fill: a const enum
 * (docs/design.md, Habits).
 */
// biome-ignore lint/suspicious/noConstEnum: tsc writes the values out; vitest compiles file by file and makes an object
export const enum TlbFlag {
  GLOBAL = 1,
  MERMAP = 2,
  STALE = 4,
  /** the page size the entry maps, as its index in PAGE_SIZE_NAMES (0: 4 KiB) shifted by SIZE_SHIFT */
  SIZE = 8 | 16,
  SIZE_SHIFT = 3,
  /** a 1 GiB translation held as a 2 MiB entry (Zen 2's L2): the entry's size is 2 MiB, the translation's 1 GiB */
  SPLIT = 32,
}

/** the multiplier of the tag buckets' Fibonacci hash: 2^32 / golden ratio, odd */
const TAG_HASH = 0x9e3779b1;

/** the most tag buckets per set (masks per set: buckets x ceil(ways / 32) words) */
const MAX_BUCKETS = 256;

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
 * One set-associative array; entry i of set s is at s * ways + w. An entry is tagged with the
 * first 4 KiB page of what it maps (`vpn`) and its size (flags & TlbFlag.SIZE); its set is that page's
 * number at its own size (vpn / pages of the size) mod sets.
 *
 * Per entry: vpn, pcid (-1 = invalid; an invalid way keeps its old vpn and flags are 0), flags,
 * pte, the stale stamps, its set (`home`) and its copy in the other level (`partner`, -1: none).
 * Ways as bits: `words` 32-bit words per mask (bit w & 31 of word w >> 5 is way w).
 *   validMask    per set: the valid ways (the victim is the lowest clear bit, if any)
 *   bucketMask   per set and tag bucket (a hash of the tag's low bits into `buckets` >= ways
 *                buckets): the valid ways whose tag falls in it. A lookup or a stale
 *                marking by tag visits those only: on a miss, usually none.
 *   mermapMask   the same for the valid TlbFlag.MERMAP ways
 * The ways of each set in LRU order: a circular doubly linked list through `next`/`prev` whose
 * node `entries + s` is set s's sentinel (the sentinel's next: least recently used; its prev:
 * most). A hit or occupy moves the entry to the most recent end, so the valid ways are in the
 * order of their last use, and the victim of a full set is the sentinel's next (LRU exactly as
 * unique, increasing per-entry stamps would give it).
 *
 * The lookups' index arithmetic (findTag(), victim(), bucketBase(), TlbDrops.markStaleMermap())
 * is 32-bit: Math.imul for products, `| 0` on sums. Every index is far below 2^31 (an array's
 * masks and entries are a few thousand), and written so, V8 checks no sum or product for
 * overflow, where `s * ways + w` is a multiply and an add each followed by an overflow check
 * (a worker's four points: 11,201.8 M -> 11,174.8 M instructions). Not in occupy() and
 * invalidate(): there the longer bytecode changed what V8 inlines into the full machine's
 * get/put loop, 1,083 -> 1,113 instructions a pair (November 2026). One array per field, not
 * one record per entry: docs/design.md, Habits.
 */
export class TlbArray {
  readonly sets: number;
  readonly ways: number;
  readonly vpn: Float64Array;
  readonly pcid: Int32Array;
  readonly flags: Uint8Array;
  readonly pte: Float64Array;
  readonly staleOp: Float64Array;
  readonly staleNs: Float64Array;
  /**
   * [entry] the entry of the other level holding a copy of this one's translation (the same tag,
   * size, global bit and PCID; the other level is the STLB for an L1 array and, for the STLB, the
   * L1 array of the entry's size), or -1: kept by TlbLevels as copies are made and dropped
   * (./tlb-levels.ts), so that a translation leaving counts only with its last copy
   */
  readonly partner: Int32Array;
  valid = 0;
  /** valid entries of each size index */
  readonly validBySize = new Int32Array(3);
  /** 32-bit mask words per set: ceil(ways / 32) */
  readonly words: number;
  /** [set * words + word] valid ways */
  readonly validMask: Int32Array;
  /** [(set * buckets + bucket of the tag) * words + word] valid ways whose tag is in that bucket */
  readonly bucketMask: Int32Array;
  /** the same for the valid TlbFlag.MERMAP ways */
  readonly mermapMask: Int32Array;
  /** tag buckets per set: a power of two, at least 2 and ways (up to MAX_BUCKETS) */
  private readonly buckets: number;
  /** 32 - log2(buckets): the bucket is the top bits of a multiplicative hash */
  private readonly bucketShift: number;
  /** [entry] its set */
  private readonly home: Int32Array;
  /** [node] LRU list links; nodes 0..entries-1 are entries, entries + s is set s's sentinel */
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** the bits of the last mask word that are ways (-1 when ways is a multiple of 32) */
  private readonly lastWordMask: number;
  /** sets - 1 when sets is a power of two, else -1 */
  private readonly setMask: number;

  constructor(entries: number, ways: number) {
    this.ways = ways;
    const sets = entries / ways;
    this.sets = sets;
    this.setMask = (sets & (sets - 1)) === 0 ? sets - 1 : -1;
    this.vpn = new Float64Array(entries);
    this.pcid = new Int32Array(entries).fill(-1);
    this.flags = new Uint8Array(entries);
    this.pte = new Float64Array(entries);
    this.staleOp = new Float64Array(entries);
    this.staleNs = new Float64Array(entries);
    this.partner = new Int32Array(entries).fill(-1);
    const words = Math.ceil(ways / 32);
    this.words = words;
    this.lastWordMask = ways % 32 === 0 ? -1 : (1 << (ways % 32)) - 1;
    this.validMask = new Int32Array(sets * words);
    // at least as many buckets as ways (a full set: about one way per bucket), at most
    // MAX_BUCKETS (a fully associative array of thousands of ways: a few ways per bucket)
    let buckets = 2;
    while (buckets < ways && buckets < MAX_BUCKETS) buckets *= 2;
    this.buckets = buckets;
    this.bucketShift = 32 - Math.log2(buckets);
    this.bucketMask = new Int32Array(sets * buckets * words);
    this.mermapMask = new Int32Array(sets * buckets * words);
    this.home = new Int32Array(entries);
    this.next = new Int32Array(entries + sets);
    this.prev = new Int32Array(entries + sets);
    // each set's list: sentinel, way 0, way 1, ... (the order does not matter until the set is full)
    for (let s = 0; s < sets; s++) {
      const sentinel = entries + s;
      let p = sentinel;
      for (let i = s * ways; i < (s + 1) * ways; i++) {
        this.home[i] = s;
        this.next[p] = i;
        this.prev[i] = p;
        p = i;
      }
      this.next[p] = sentinel;
      this.prev[sentinel] = p;
    }
  }

  /**
   * Set of page number n: n mod sets. Page numbers near 2^52 are doubles, and `%` on them is a
   * libm fmod call. With a power-of-two set count (every Intel preset), n mod sets is in n's low
   * 32 bits, which `>>> 0` takes exactly (ToUint32 is mod 2^32, and V8 does it with one 64-bit
   * truncation for integers below 2^53). Otherwise a floor division (off by at most one for the
   * small set counts used here, and corrected) gives the same value.
   */
  setIndex(n: number): number {
    const mask = this.setMask;
    if (mask >= 0) return (n >>> 0) & mask;
    const sets = this.sets;
    let s = n - Math.floor(n / sets) * sets;
    if (s < 0) s += sets;
    else if (s >= sets) s -= sets;
    return s;
  }

  /** setIndex() of an entry of size index sz tagged `tag` */
  setOfTag(tag: number, sz: number): number {
    return this.setIndex(sz === 0 ? tag : tag * SIZE_SCALE[sz]);
  }

  /**
   * First word of the bucket mask in set s of the tag whose low 32 bits are `low` (tag | 0:
   * ToInt32 takes them exactly from a page number below 2^53, and an int32 crosses a call
   * unboxed): a Fibonacci hash of them, its top bits the bucket. (Written out in the hot
   * methods below, which V8 does not always inline this into.)
   */
  bucketBase(low: number, s: number): number {
    return Math.imul((Math.imul(s, this.buckets) + (Math.imul(low, TAG_HASH) >>> this.bucketShift)) | 0, this.words);
  }

  /**
   * first 4 KiB entry a lookup by (vpn, pcid) hits, or -1. (Not through findSized(): the call of
   * alignDown() there is a module cell V8 loads and checks even where it inlines the function,
   * and a test of sz there would leave that call, taken by the large sizes only, too rare
   * beside the 4 KiB lookups for V8 to inline it at all.)
   */
  find(vpn: number, pcid: number): number {
    return this.findTag(vpn, 0, pcid);
  }

  /** first entry of size index sz holding vpn (tagged alignDown(vpn, sz)) a lookup by pcid hits, or -1 */
  findSized(vpn: number, sz: number, pcid: number): number {
    return this.findTag(alignDown(vpn, sz), sz, pcid);
  }

  /** first entry of size index sz tagged `tag` a lookup by pcid hits, or -1 */
  findTag(tag: number, sz: number, pcid: number): number {
    const s = this.setOfTag(tag, sz);
    const size = sz << TlbFlag.SIZE_SHIFT;
    const words = this.words;
    const bucket = (Math.imul(s, this.buckets) + (Math.imul(tag | 0, TAG_HASH) >>> this.bucketShift)) | 0;
    const k = Math.imul(bucket, this.words);
    for (let w = 0; w < words; w++) {
      let m = this.bucketMask[k + w];
      while (m !== 0) {
        const bit = m & -m;
        m ^= bit;
        const i = (Math.imul(s, this.ways) + (w << 5) + 31 - Math.clz32(bit)) | 0;
        if (this.vpn[i] !== tag) continue;
        const f = this.flags[i];
        // (the global bit first: tested on every tag match, so V8 has seen it before it optimizes;
        // tested second, it first ran on another PCID's tag, and every lookup inlining this deopted)
        if ((f & TlbFlag.SIZE) === size && ((f & TlbFlag.GLOBAL) !== 0 || this.pcid[i] === pcid)) return i;
      }
    }
    return -1;
  }

  /** LRU victim in set s: the lowest invalid way if any, else the least recently used */
  victim(s: number): number {
    const words = this.words;
    const w0 = Math.imul(s, words);
    for (let w = 0; w < words; w++) {
      const free = ~this.validMask[w0 + w] & (w === words - 1 ? this.lastWordMask : -1);
      if (free !== 0) return (Math.imul(s, this.ways) + (w << 5) + 31 - Math.clz32(free & -free)) | 0;
    }
    return this.next[this.pcid.length + s];
  }

  /** A hit on entry i: it becomes its set's most recently used. */
  touch(i: number): void {
    const next = this.next;
    const prev = this.prev;
    const sentinel = this.pcid.length + this.home[i];
    const last = prev[sentinel];
    if (last === i) return;
    const p = prev[i];
    const n = next[i];
    next[p] = n;
    prev[n] = p;
    next[last] = i;
    prev[i] = last;
    next[i] = sentinel;
    prev[sentinel] = i;
  }

  /**
   * Make j (an invalid way) a valid entry of pcid with these flags, its set's most recently
   * used. The caller writes vpn[j] and pte[j] first: they are doubles, which a call that is not
   * inlined would box.
   */
  occupy(j: number, pcid: number, flags: number): void {
    this.pcid[j] = pcid;
    this.flags[j] = flags;
    this.valid++;
    this.validBySize[(flags & TlbFlag.SIZE) >> TlbFlag.SIZE_SHIFT]++;
    const s = this.home[j];
    const way = j - s * this.ways;
    const k = s * this.words + (way >> 5);
    const bit = 1 << (way & 31);
    this.validMask[k] |= bit;
    const kb =
      (s * this.buckets + (Math.imul(this.vpn[j] | 0, TAG_HASH) >>> this.bucketShift)) * this.words + (way >> 5);
    this.bucketMask[kb] |= bit;
    if ((flags & TlbFlag.MERMAP) !== 0) this.mermapMask[kb] |= bit;
    this.touch(j);
  }

  /**
   * Invalidate every entry: the state invalidate() of each valid one leaves (an invalid way keeps
   * its vpn, pte, stale stamps and place in the LRU list, none of which a lookup reads before
   * the way is occupied again), in a few fills instead of a mask update per entry.
   */
  clear(): void {
    this.pcid.fill(-1);
    this.partner.fill(-1);
    this.flags.fill(0);
    this.valid = 0;
    this.validBySize.fill(0);
    this.validMask.fill(0);
    this.bucketMask.fill(0);
    this.mermapMask.fill(0);
  }

  invalidate(i: number): void {
    this.validBySize[(this.flags[i] & TlbFlag.SIZE) >> TlbFlag.SIZE_SHIFT]--;
    this.pcid[i] = -1;
    this.flags[i] = 0;
    this.valid--;
    const s = this.home[i];
    const way = i - s * this.ways;
    const k = s * this.words + (way >> 5);
    const keep = ~(1 << (way & 31));
    this.validMask[k] &= keep;
    const kb =
      (s * this.buckets + (Math.imul(this.vpn[i] | 0, TAG_HASH) >>> this.bucketShift)) * this.words + (way >> 5);
    this.bucketMask[kb] &= keep;
    this.mermapMask[kb] &= keep;
  }
}
