/**
 * The CPUs of a generator ordered by the time of their next event, for many CPUs: a calendar
 * queue like FreeWheel, whose entries are the CPU ids themselves. O(1) on average per step,
 * where the 4-ary CpuHeap pays ~log4(n) levels of unpredictable branches (5 at 1024 CPUs).
 *
 *   bucket b = floor(key / width) mod buckets: a singly linked list of CPU ids sorted by key,
 *   equal keys in insertion order; CPUs with key Infinity are in no bucket
 *   `cur`: an absolute bucket at or before every queued key (keys only move forward in time)
 *
 * Same interface as CpuHeap for the generator's loop: top(), key[], replaceTopKey().
 */
export class CpuWheel {
  readonly n: number;
  readonly key: Float64Array;
  private readonly width: number;
  private readonly mask: number;
  private readonly head: Int32Array;
  private readonly next: Int32Array;
  private cur = 0;
  private topId = -1;
  private queued = 0;

  /**
   * @param n CPUs
   * @param spacingNs expected time between one CPU's consecutive events
   */
  constructor(n: number, spacingNs: number) {
    this.n = n;
    this.key = new Float64Array(n).fill(Infinity);
    this.next = new Int32Array(n).fill(-1);
    // ~2 CPUs per bucket: n keys spread over about one spacing
    this.width = Math.max(1, Math.floor((2 * spacingNs) / n));
    let buckets = 64;
    while (buckets < 4 * n && buckets < 1 << 20) buckets *= 2;
    this.mask = buckets - 1;
    this.head = new Int32Array(buckets).fill(-1);
  }

  /** Queue every CPU with the keys written into `key` (in id order for equal keys). */
  rebuild(): void {
    this.head.fill(-1);
    this.queued = 0;
    let min = Infinity;
    for (let id = 0; id < this.n; id++) {
      const k = this.key[id]!;
      if (k < min) min = k;
    }
    this.cur = min === Infinity ? 0 : Math.floor(min / this.width);
    for (let id = 0; id < this.n; id++) this.insert(id);
    this.topId = -1;
  }

  private insert(id: number): void {
    const k = this.key[id]!;
    if (k === Infinity) return;
    const abs = Math.floor(k / this.width);
    if (abs < this.cur) this.cur = abs;
    const b = abs & this.mask;
    let p = this.head[b]!;
    if (p < 0 || this.key[p]! > k) {
      this.next[id] = p;
      this.head[b] = id;
    } else {
      let q = this.next[p]!;
      while (q >= 0 && this.key[q]! <= k) {
        p = q;
        q = this.next[q]!;
      }
      this.next[id] = q;
      this.next[p] = id;
    }
    this.queued++;
  }

  /** The CPU with the earliest key (any CPU, with key Infinity, when none is queued). */
  top(): number {
    if (this.topId < 0) this.findTop();
    return this.topId;
  }

  /** Give the top CPU a new key, not earlier than its old one. */
  replaceTopKey(key: number): void {
    const id = this.top();
    if (this.key[id] !== Infinity) {
      // the top is the head of its bucket
      const b = Math.floor(this.key[id]! / this.width) & this.mask;
      this.head[b] = this.next[id]!;
      this.queued--;
    }
    this.key[id] = key;
    this.insert(id);
    this.topId = -1;
  }

  private findTop(): void {
    if (this.queued === 0) {
      this.topId = 0;
      return;
    }
    const w = this.width;
    const mask = this.mask;
    let a = this.cur;
    for (let scanned = 0; scanned <= mask; scanned++, a++) {
      const h = this.head[a & mask]!;
      if (h >= 0 && this.key[h]! < (a + 1) * w) {
        this.cur = a;
        this.topId = h;
        return;
      }
    }
    let best = -1;
    for (let b = 0; b <= mask; b++) {
      const h = this.head[b]!;
      if (h >= 0 && (best < 0 || this.key[h]! < this.key[best]!)) best = h;
    }
    this.topId = best;
    this.cur = Math.floor(this.key[best]! / w);
  }
}
