/**
 * Where the checker (./checker.ts, which gives the reuse rule and what a stamp means) keeps its
 * stamps: MmStamps, an mm's arrays and flush epochs, and mapOwnStamp() / unmapOwnStamp(), the
 * page-by-page writes of the Machine's gets and puts inside a CPU's own region.
 */

/**
 * The stamp values with a meaning of their own (./checker.ts has the rule), written on every page
 * of every get and put: a const enum (docs/design.md, Habits).
 */
// biome-ignore lint/suspicious/noConstEnum: tsc writes the values out; vitest compiles file by file and makes an object
export const enum Stamp {
  /** a page mapped by the CPU whose PTE is still present */
  LIVE = -1,
}

/** Per-mm state of the checker. */
export class MmStamps {
  /** flush epoch of this mm on each possible CPU (INVPCID single context, a reused PCID) */
  readonly epoch: Uint32Array;
  /** own[c]: CPU c's stamps in its own region (made on first use) */
  readonly own: (Float64Array | undefined)[] = [];
  /** stamps of a CPU in a region not its own: parallel lists (out-of-region bugs only) */
  readonly foreignCpu: number[] = [];
  readonly foreignRegion: number[] = [];
  readonly foreign: Float64Array[] = [];
  constructor(possibleCpus: number) {
    this.epoch = new Uint32Array(possibleCpus);
  }

  /**
   * Drop every stamp (the mm exited: nothing maps or unmaps in it again); returns their bytes.
   * The epochs stay: a CPU that still has the mm loaded (lazy TLB) bumps them when it flushes.
   */
  release(): number {
    let bytes = 0;
    for (const a of this.own) bytes += a === undefined ? 0 : a.byteLength;
    for (const a of this.foreign) bytes += a.byteLength;
    this.own.length = 0;
    this.foreignCpu.length = 0;
    this.foreignRegion.length = 0;
    this.foreign.length = 0;
    return bytes;
  }
}

/**
 * onMapOwn() of page i on stamps from Checker.ownStamps(), `stamp` = Checker.stampNow(): a
 * range's pages without a call or a look-up each (nothing flushes within a range).
 */
export function mapOwnStamp(a: Float64Array, i: number, stamp: number): boolean {
  const s = a[i];
  a[i] = Stamp.LIVE;
  return s === Stamp.LIVE || (s !== 0 && s === stamp);
}

/** onUnmapOwn() of page i on stamps from Checker.ownStamps(), `stamp` = Checker.stampNow(). */
export function unmapOwnStamp(a: Float64Array, i: number, stamp: number): void {
  if (a[i] === Stamp.LIVE) a[i] = stamp;
}
