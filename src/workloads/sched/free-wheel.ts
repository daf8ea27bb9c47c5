/**
 * Pending FREE events (pages that stay allocated for an exponential hold after zeroing), ordered
 * by time: a calendar queue ("timing wheel") in typed arrays, O(1) per push and pop on average.
 * A binary or 4-ary heap costs log(size) unpredictable branches per pop, and the queue holds
 * rate x hold x CPUs entries (~20,000 at 1024 CPUs), which made it the generator's bottleneck.
 *
 *   bucket b = floor(time / width) mod buckets; each bucket a singly linked list sorted by time
 *   (equal times in insertion order), entries from later laps of the wheel behind earlier ones
 *
 *   `cur` is an absolute bucket (floor(time / width)) at or before every entry: the bucket of the
 *   last minimum found, moved back by a push before it. The minimum is the head of the first
 *   bucket at or after `cur` whose head lies in that bucket's current lap.
 *
 * Width is chosen from the expected FREE rate so that a bucket holds ~2 entries, and the wheel
 * spans a few mean holds; a scan that finds nothing in a whole lap falls back to a direct search.
 */
export class FreeWheel {
  size = 0;
  /** Filled by pop(). */
  poppedTime = 0;
  poppedPfn = 0;
  poppedOrder = 0;

  private readonly width: number;
  private readonly mask: number;
  private readonly head: Int32Array;
  private time: Float64Array;
  private packed: Float64Array;
  private next: Int32Array;
  private freeList = -1;
  private used = 0;
  private cur = 0;
  /** entry holding the minimum, or -1 when not known */
  private minEntry = -1;

  /**
   * @param freesPerSecond expected FREE rate of the whole stream
   * @param meanHoldNs mean hold time
   */
  constructor(freesPerSecond: number, meanHoldNs: number) {
    this.width = freesPerSecond > 0 ? Math.max(1, Math.floor(2e9 / freesPerSecond)) : 1024;
    const want = Math.ceil((4 * Math.max(meanHoldNs, 1)) / this.width) + 16;
    let buckets = 64;
    while (buckets < want && buckets < 1 << 20) buckets *= 2;
    this.mask = buckets - 1;
    this.head = new Int32Array(buckets).fill(-1);
    this.time = new Float64Array(256);
    this.packed = new Float64Array(256);
    this.next = new Int32Array(256);
  }

  minTime(): number {
    if (this.size === 0) return Infinity;
    if (this.minEntry < 0) this.findMin();
    return this.time[this.minEntry]!;
  }

  push(time: number, pfn: number, order: number): void {
    let e = this.freeList;
    if (e >= 0) this.freeList = this.next[e]!;
    else {
      if (this.used === this.time.length) this.grow();
      e = this.used++;
    }
    this.time[e] = time;
    this.packed[e] = pfn * 16 + order; // pfn < 2^40: exact
    const abs = Math.floor(time / this.width);
    // a minimum found earlier may not have been popped yet: keep the scan start at or before
    // every entry
    if (abs < this.cur) this.cur = abs;
    const b = abs & this.mask;
    let p = this.head[b]!;
    if (p < 0 || this.time[p]! > time) {
      this.next[e] = p;
      this.head[b] = e;
    } else {
      let q = this.next[p]!;
      while (q >= 0 && this.time[q]! <= time) {
        p = q;
        q = this.next[q]!;
      }
      this.next[e] = q;
      this.next[p] = e;
    }
    this.size++;
    if (this.minEntry >= 0 && time < this.time[this.minEntry]!) this.minEntry = e;
  }

  /** Remove the earliest entry; the caller has checked size > 0. */
  pop(): void {
    if (this.minEntry < 0) this.findMin();
    const e = this.minEntry;
    const t = this.time[e]!;
    const v = this.packed[e]!;
    const order = v % 16;
    this.poppedTime = t;
    this.poppedOrder = order;
    this.poppedPfn = (v - order) / 16;
    // the minimum is always the head of its bucket
    const b = Math.floor(t / this.width) & this.mask;
    this.head[b] = this.next[e]!;
    this.next[e] = this.freeList;
    this.freeList = e;
    this.size--;
    this.minEntry = -1;
  }

  private findMin(): void {
    const w = this.width;
    const mask = this.mask;
    let a = this.cur;
    for (let scanned = 0; scanned <= mask; scanned++, a++) {
      const h = this.head[a & mask]!;
      if (h >= 0 && this.time[h]! < (a + 1) * w) {
        this.cur = a;
        this.minEntry = h;
        return;
      }
    }
    // nothing in a whole lap: search the heads directly
    let best = -1;
    for (let b = 0; b <= mask; b++) {
      const h = this.head[b]!;
      if (h >= 0 && (best < 0 || this.time[h]! < this.time[best]!)) best = h;
    }
    this.minEntry = best;
    this.cur = Math.floor(this.time[best]! / w);
  }

  private grow(): void {
    const n = this.time.length * 2;
    const t = new Float64Array(n);
    t.set(this.time);
    this.time = t;
    const p = new Float64Array(n);
    p.set(this.packed);
    this.packed = p;
    const x = new Int32Array(n);
    x.set(this.next);
    this.next = x;
  }
}
