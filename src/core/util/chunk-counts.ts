/**
 * A count per non-negative integer key (frame numbers), held in chunks of CHUNK Int32 counters
 * made on first use, with the last chunk used cached: keys that cluster (the frames a run hands
 * to the mermap) cost an index into a typed array, not a hash probe. A chunk stays once made
 * (all zero when its keys are gone); the chunks cover only the key ranges a run touches.
 */
const CHUNK = 4096;

export class ChunkCounts {
  /** keys whose count is not 0 */
  size = 0;
  private readonly chunks = new Map<number, Int32Array>();
  private lastChunk = -1;
  private last: Int32Array = new Int32Array(0);

  /** Add delta to key's count (0 when never added); returns the new count. */
  add(key: number, delta: number): number {
    const c = Math.floor(key / CHUNK);
    if (c !== this.lastChunk) this.use(c);
    const a = this.last;
    const i = key - c * CHUNK;
    const before = a[i];
    const v = before + delta;
    a[i] = v;
    if (before === 0) {
      if (v !== 0) this.size++;
    } else if (v === 0) this.size--;
    return v;
  }

  /** key's count (0 when never added) */
  get(key: number): number {
    const c = Math.floor(key / CHUNK);
    if (c !== this.lastChunk) {
      const a = this.chunks.get(c);
      if (a === undefined) return 0;
      this.lastChunk = c;
      this.last = a;
    }
    return this.last[key - c * CHUNK];
  }

  /** Make chunk c the last one used (made if new). */
  private use(c: number): void {
    let a = this.chunks.get(c);
    if (a === undefined) {
      a = new Int32Array(CHUNK);
      this.chunks.set(c, a);
    }
    this.lastChunk = c;
    this.last = a;
  }
}
