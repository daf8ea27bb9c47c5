/**
 * A calendar queue ("timing wheel") of entry ids ordered by a key (a time), in typed arrays:
 * O(1) per insert and per removal of the minimum on average, where a binary or 4-ary heap pays
 * log(size) unpredictable branches per pop. The generators use it twice: for pending FREE
 * events (FreeWheel: entries come and go) and for the CPUs ordered by their next event
 * (CpuWheel: one entry per CPU, re-keyed in place).
 *
 *   bucket b = floor(key / width) mod buckets; each bucket a singly linked list of ids sorted by
 *   key (equal keys in insertion order), entries from later laps of the wheel behind earlier ones
 *
 *   `cur` is an absolute bucket (floor(key / width)) at or before every entry: the bucket of the
 *   last minimum found, moved back by an insert before it. The minimum is the head of the first
 *   bucket at or after `cur` whose head lies in that bucket's current lap; a scan that finds
 *   nothing in a whole lap falls back to a direct search of the heads.
 *
 * The caller writes key[id] before insert(id) and chooses width and bucket count for its rate;
 * the width is rounded to the nearest power of two, so that floor(key / width) is a
 * multiplication by an exact reciprocal instead of a division. The width changes only how the
 * entries spread over the buckets, never the order they come out in: equal keys share a bucket
 * whatever the width, in the order they were inserted.
 */
export class CalendarWheel {
  /** entries queued */
  size = 0;
  /** key of each id (the caller writes it before insert) */
  key: Float64Array;
  private next: Int32Array;
  private readonly width: number;
  /** 1 / width, exact (a power of two) */
  private readonly perWidth: number;
  private readonly mask: number;
  private readonly head: Int32Array;
  private cur = 0;
  /** id holding the minimum, or -1 when not known */
  private minId = -1;

  /**
   * @param width key span of one bucket (>= 1; the nearest power of two is used)
   * @param minBuckets at least this many buckets (a power of two from 64 up to 2^20 is used)
   * @param capacity ids 0..capacity-1 to start with (grow() adds more)
   */
  constructor(width: number, minBuckets: number, capacity: number) {
    this.width = 2 ** Math.round(Math.log2(width));
    this.perWidth = 1 / this.width;
    let buckets = 64;
    while (buckets < minBuckets && buckets < 1 << 20) buckets *= 2;
    this.mask = buckets - 1;
    this.head = new Int32Array(buckets).fill(-1);
    this.key = new Float64Array(capacity);
    this.next = new Int32Array(capacity).fill(-1);
  }

  /** Room for ids up to twice the current capacity; returns the new capacity. */
  grow(): number {
    const n = this.key.length * 2;
    const k = new Float64Array(n);
    k.set(this.key);
    this.key = k;
    const x = new Int32Array(n).fill(-1);
    x.set(this.next);
    this.next = x;
    return n;
  }

  /** Empty the wheel; `cur` starts at the bucket of `fromKey`. */
  clear(fromKey: number): void {
    this.head.fill(-1);
    this.size = 0;
    this.minId = -1;
    this.cur = Math.floor(fromKey * this.perWidth);
  }

  /** Queue id with key[id] (after the entries of equal key already queued). */
  insert(id: number): void {
    const k = this.key[id]!;
    const abs = Math.floor(k * this.perWidth);
    // a minimum found earlier may not have been removed yet: keep the scan start at or before
    // every entry
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
    this.size++;
    if (this.minId >= 0 && k < this.key[this.minId]!) this.minId = id;
  }

  /** The id with the smallest key; the caller has checked size > 0. */
  min(): number {
    if (this.minId < 0) this.findMin();
    return this.minId;
  }

  /** Remove the minimum (the head of its bucket) and return its id; size > 0. */
  removeMin(): number {
    const id = this.min();
    const b = Math.floor(this.key[id]! * this.perWidth) & this.mask;
    this.head[b] = this.next[id]!;
    this.size--;
    this.minId = -1;
    return id;
  }

  /** Next id in an internal list: for a caller's own free list of ids while they are not queued. */
  link(id: number, to: number): void {
    this.next[id] = to;
  }
  linked(id: number): number {
    return this.next[id]!;
  }

  private findMin(): void {
    const w = this.width;
    const mask = this.mask;
    let a = this.cur;
    for (let scanned = 0; scanned <= mask; scanned++, a++) {
      const h = this.head[a & mask]!;
      if (h >= 0 && this.key[h]! < (a + 1) * w) {
        this.cur = a;
        this.minId = h;
        return;
      }
    }
    let best = -1;
    for (let b = 0; b <= mask; b++) {
      const h = this.head[b]!;
      if (h >= 0 && (best < 0 || this.key[h]! < this.key[best]!)) best = h;
    }
    this.minId = best;
    this.cur = Math.floor(this.key[best]! * this.perWidth);
  }
}
