import type { PageSizeName } from '../paging/geometry.js';

/**
 * Flush kinds, discard categories, the clock and snapshots of the TLB model (./tlb.ts).
 *
 * The kinds and categories index the TLB's counters on every flush and every entry a flush
 * drops: const enums (docs/design.md, Habits). FLUSH_INVLPG and the other names below are their
 * public names.
 */
// biome-ignore lint/suspicious/noConstEnum: tsc writes the values out; vitest compiles file by file and makes an object
export const enum Flush {
  /** a translation leaving without a flush (eviction, replacement by fill): counted by no kind */
  NONE = -1,
  INVLPG = 0,
  ALL = 1,
  CR3 = 2,
  INVPCID_SINGLE = 3,
  /** the number of kinds */
  KINDS = 4,
}
export type FlushKind = Flush.INVLPG | Flush.ALL | Flush.CR3 | Flush.INVPCID_SINGLE;
export const FLUSH_INVLPG = Flush.INVLPG;
export const FLUSH_ALL = Flush.ALL;
export const FLUSH_CR3 = Flush.CR3;
export const FLUSH_INVPCID_SINGLE = Flush.INVPCID_SINGLE;
export const FLUSH_KINDS = Flush.KINDS;

/** What a flush discarded, by category (the discards' second index). */
// biome-ignore lint/suspicious/noConstEnum: as Flush
export const enum Cat {
  /** vpn in the mermap range [lo, hi) (any PCID, global or not) */
  MERMAP = 0,
  /** global, outside the mermap: kernel text, direct map... */
  GLOBAL = 1,
  /** non-global, another PCID's, outside the mermap */
  OTHER_PCID = 2,
  /** non-global, current PCID, outside the mermap (user and non-global kernel) */
  OTHER = 3,
  /** the number of categories */
  COUNT = 4,
}
export const CAT_MERMAP = Cat.MERMAP;
export const CAT_GLOBAL = Cat.GLOBAL;
export const CAT_OTHER_PCID = Cat.OTHER_PCID;
export const CAT_OTHER = Cat.OTHER;
export const TLB_CATEGORIES = Cat.COUNT;

/** The Machine's notion of time; the TLB only reads it. */
export interface Clock {
  /** events applied so far */
  op: number;
  /** simulated nanoseconds */
  ns: number;
}

export interface TlbEntrySnapshot {
  level: 'l1' | 'stlb';
  vpn: number;
  pcid: number;
  global: boolean;
  pte: number;
  stale: boolean;
  /** the entry's page size (a 1 GiB translation held as 2 MiB entries: '2m') */
  pageSize: PageSizeName;
}
