/**
 * Pending FREE events (pages that stay allocated for a while after zeroing): a growable binary
 * min-heap on (time, insertion number), in typed arrays. Equal times leave in insertion order.
 */
export class FreeQueue {
  size = 0;
  private seqNext = 0;
  private time = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private pfn = new Float64Array(1024);
  private order = new Int8Array(1024);
  /** Filled by pop(). */
  poppedTime = 0;
  poppedPfn = 0;
  poppedOrder = 0;

  minTime(): number {
    return this.size > 0 ? this.time[0]! : Infinity;
  }

  push(time: number, pfn: number, order: number): void {
    if (this.size === this.time.length) this.grow();
    let i = this.size++;
    const s = this.seqNext++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.time[p]!;
      if (pt < time || (pt === time && this.seq[p]! < s)) break;
      this.move(p, i);
      i = p;
    }
    this.time[i] = time;
    this.seq[i] = s;
    this.pfn[i] = pfn;
    this.order[i] = order;
  }

  pop(): void {
    this.poppedTime = this.time[0]!;
    this.poppedPfn = this.pfn[0]!;
    this.poppedOrder = this.order[0]!;
    const n = --this.size;
    if (n === 0) return;
    const t = this.time[n]!;
    const s = this.seq[n]!;
    const f = this.pfn[n]!;
    const o = this.order[n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n && (this.time[r]! < this.time[l]! || (this.time[r] === this.time[l] && this.seq[r]! < this.seq[l]!))) c = r;
      const ct = this.time[c]!;
      if (t < ct || (t === ct && s < this.seq[c]!)) break;
      this.move(c, i);
      i = c;
    }
    this.time[i] = t;
    this.seq[i] = s;
    this.pfn[i] = f;
    this.order[i] = o;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from]!;
    this.seq[to] = this.seq[from]!;
    this.pfn[to] = this.pfn[from]!;
    this.order[to] = this.order[from]!;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const t = new Float64Array(n);
    t.set(this.time);
    this.time = t;
    const s = new Float64Array(n);
    s.set(this.seq);
    this.seq = s;
    const f = new Float64Array(n);
    f.set(this.pfn);
    this.pfn = f;
    const o = new Int8Array(n);
    o.set(this.order);
    this.order = o;
  }
}
