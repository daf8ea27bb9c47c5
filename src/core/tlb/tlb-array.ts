/** The set-associative array behind each TLB level (./tlb.ts). */
export const F_GLOBAL = 1;
export const F_MERMAP = 2;
export const F_STALE = 4;

/** One set-associative array; entry i of set s is at s * ways + w. pcid -1 = invalid. */
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
   * First way of vpn's set: (vpn mod sets) * ways. Page numbers near 2^52 are doubles, and `%`
   * on them is a libm fmod call. With a power-of-two set count (every Intel preset), vpn mod sets
   * is in vpn's low 32 bits, which `>>> 0` takes exactly (ToUint32 is mod 2^32, and V8 does it
   * with one 64-bit truncation for integers below 2^53). Otherwise a floor division (off by at
   * most one for the small set counts used here, and corrected) gives the same value.
   */
  setBase(vpn: number): number {
    const mask = this.setMask;
    if (mask >= 0) return ((vpn >>> 0) & mask) * this.ways;
    const sets = this.sets;
    let s = vpn - Math.floor(vpn / sets) * sets;
    if (s < 0) s += sets;
    else if (s >= sets) s -= sets;
    return s * this.ways;
  }

  /** first entry a lookup by (vpn, pcid) hits, or -1 */
  find(vpn: number, pcid: number): number {
    const vpns = this.vpn;
    const pcids = this.pcid;
    const base = this.setBase(vpn);
    const end = base + this.ways;
    for (let i = base; i < end; i++) {
      // an invalid way keeps its old vpn: pcid -1 marks it
      if (vpns[i] === vpn) {
        const p = pcids[i];
        if (p >= 0 && (p === pcid || (this.flags[i] & F_GLOBAL) !== 0)) return i;
      }
    }
    return -1;
  }

  /** whether a copy of exactly this translation (same vpn, same global-ness, same pcid unless global) is here */
  hasKey(vpn: number, pcid: number, global: boolean): boolean {
    const vpns = this.vpn;
    const pcids = this.pcid;
    const base = this.setBase(vpn);
    const end = base + this.ways;
    for (let i = base; i < end; i++) {
      if (vpns[i] !== vpn || pcids[i] < 0) continue;
      const g = (this.flags[i] & F_GLOBAL) !== 0;
      if (g === global && (global || pcids[i] === pcid)) return true;
    }
    return false;
  }

  /** LRU victim of vpn's set: an invalid way if any, else the least recently used */
  victim(vpn: number): number {
    const pcids = this.pcid;
    const lru = this.lru;
    const base = this.setBase(vpn);
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

  invalidate(i: number): void {
    this.pcid[i] = -1;
    this.flags[i] = 0;
    this.valid--;
  }
}
