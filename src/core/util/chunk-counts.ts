/**
 * A count per non-negative integer key (frame numbers), held in chunks of CHUNK Int32 counters
 * made on first use. The chunks a run uses recently sit in a small direct-mapped cache (slot:
 * chunk number mod SLOTS), so keys that cluster in a few chunks (the frames a run hands to the
 * mermap, from a few CPUs' allocations interleaved) cost an index into a typed array, not a
 * hash probe. A chunk stays once made (all zero when its keys are gone); the chunks cover only
 * the key ranges a run touches.
 */
const CHUNK = 4096;
/**
 * cache slots: a power of two. The slot is the chunk number mod SLOTS, `c & (SLOTS - 1)`: exact
 * for any key, as ToInt32 keeps an integer's low bits (see pteFlags()), and without fmod.
 */
const SLOTS = 8;
const NONE = new Int32Array(0);

export class ChunkCounts {
  /** keys whose count is not 0 */
  size = 0;
  private readonly chunks = new Map<number, Int32Array>();
  /** [slot] the chunk number cached there (-1: none) and its counters */
  private readonly slotChunk = new Float64Array(SLOTS).fill(-1);
  private readonly slotCounts: Int32Array[] = Array.from({ length: SLOTS }, () => NONE);

  /** Add delta to key's count (0 when never added); returns the new count. */
  add(key: number, delta: number): number {
    const c = Math.floor(key / CHUNK);
    const slot = c & (SLOTS - 1);
    const a = this.slotChunk[slot] === c ? this.slotCounts[slot] : this.cache(c, slot, true);
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
    const slot = c & (SLOTS - 1);
    const a = this.slotChunk[slot] === c ? this.slotCounts[slot] : this.cache(c, slot, false);
    return a === NONE ? 0 : a[key - c * CHUNK];
  }

  /**
   * The first key of [from, from + count) whose count is not 0, or -1: chunk by chunk, a scan of
   * each existing chunk's counters (a missing chunk is all zero), with no division per key.
   * (A range of 512 or 1,024 frames, an order-9 or -10 free, is a few hundred loads.)
   */
  firstNonZero(from: number, count: number): number {
    if (this.size === 0 || count <= 0) return -1;
    const last = from + count - 1;
    for (let c = Math.floor(from / CHUNK); c * CHUNK <= last; c++) {
      const slot = c & (SLOTS - 1);
      const a = this.slotChunk[slot] === c ? this.slotCounts[slot] : this.cache(c, slot, false);
      if (a === NONE) continue;
      const lo = Math.max(from, c * CHUNK) - c * CHUNK;
      const hi = Math.min(last, c * CHUNK + CHUNK - 1) - c * CHUNK;
      for (let i = lo; i <= hi; i++) if (a[i] !== 0) return c * CHUNK + i;
    }
    return -1;
  }

  /** Chunk c into its cache slot (made if `make`; NONE, not cached, if it does not exist and not `make`). */
  private cache(c: number, slot: number, make: boolean): Int32Array {
    let a = this.chunks.get(c);
    if (a === undefined) {
      if (!make) return NONE;
      a = new Int32Array(CHUNK);
      this.chunks.set(c, a);
    }
    this.slotChunk[slot] = c;
    this.slotCounts[slot] = a;
    return a;
  }
}
