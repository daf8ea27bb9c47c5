/**
 * An indexed binary min-heap over a fixed set of ids 0..n-1 (CPUs, usually), keyed by the time of
 * each id's next event. Ties go to the lower id, so the merge order of equal times is fixed and the
 * stream is deterministic. An id with key Infinity has nothing scheduled.
 *
 *   heap[0] is the id with the smallest (key, id); pos[id] is its index in heap.
 */
export class CpuHeap {
  readonly n: number;
  readonly key: Float64Array;
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;

  constructor(n: number) {
    this.n = n;
    this.key = new Float64Array(n).fill(Infinity);
    this.heap = new Int32Array(n);
    this.pos = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.heap[i] = i;
      this.pos[i] = i;
    }
  }

  /** The id with the earliest key. */
  top(): number {
    return this.heap[0]!;
  }

  topKey(): number {
    return this.key[this.heap[0]!]!;
  }

  /** Set an id's key and restore the heap order. */
  set(id: number, key: number): void {
    const old = this.key[id]!;
    this.key[id] = key;
    const i = this.pos[id]!;
    if (key < old) this.siftUp(i);
    else this.siftDown(i);
  }

  /** Re-establish order after every key was written directly into `key`. */
  rebuild(): void {
    for (let i = (this.n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const id = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pid = heap[p]!;
      if (!this.less(id, pid)) break;
      heap[i] = pid;
      this.pos[pid] = i;
      i = p;
    }
    heap[i] = id;
    this.pos[id] = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = this.n;
    const id = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n && this.less(heap[r]!, heap[l]!)) c = r;
      const cid = heap[c]!;
      if (!this.less(cid, id)) break;
      heap[i] = cid;
      this.pos[cid] = i;
      i = c;
    }
    heap[i] = id;
    this.pos[id] = i;
  }
}
