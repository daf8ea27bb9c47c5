/**
 * Pending FREE events (pages that stay allocated for a while after zeroing): a growable 4-ary
 * min-heap on time, in typed arrays (4-ary: half the depth of a binary heap for the pops, which
 * dominate; children of slot i are 4i+1 .. 4i+4). The pfn and order travel packed in one number,
 * pfn * 16 + order (pfn < 2^40, so it stays an exact integer). Pops of equal times come out in an
 * order fixed by the sequence of pushes and pops, so the stream stays deterministic.
 */
export class FreeQueue {
  size = 0;
  private time: Float64Array;
  private packed: Float64Array;
  /** Filled by pop(). */
  poppedTime = 0;
  poppedPfn = 0;
  poppedOrder = 0;

  constructor(capacity = 64) {
    this.time = new Float64Array(capacity);
    this.packed = new Float64Array(capacity);
  }

  minTime(): number {
    return this.size > 0 ? this.time[0]! : Infinity;
  }

  push(time: number, pfn: number, order: number): void {
    if (this.size === this.time.length) this.grow();
    const times = this.time;
    const packed = this.packed;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      if (times[p]! <= time) break;
      times[i] = times[p]!;
      packed[i] = packed[p]!;
      i = p;
    }
    times[i] = time;
    packed[i] = pfn * 16 + order;
  }

  pop(): void {
    const times = this.time;
    const packed = this.packed;
    this.poppedTime = times[0]!;
    const p0 = packed[0]!;
    const order = p0 % 16;
    this.poppedOrder = order;
    this.poppedPfn = (p0 - order) / 16;
    const n = --this.size;
    if (n === 0) return;
    const t = times[n]!;
    const v = packed[n]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      const last = first + 4 < n ? first + 4 : n;
      let c = first;
      let ct = times[first]!;
      for (let j = first + 1; j < last; j++) {
        const jt = times[j]!;
        if (jt < ct) {
          c = j;
          ct = jt;
        }
      }
      if (t <= ct) break;
      times[i] = ct;
      packed[i] = packed[c]!;
      i = c;
    }
    times[i] = t;
    packed[i] = v;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const t = new Float64Array(n);
    t.set(this.time);
    this.time = t;
    const p = new Float64Array(n);
    p.set(this.packed);
    this.packed = p;
  }
}
