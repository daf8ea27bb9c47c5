import type { PageSizeName } from '../paging/geometry.js';

/** Flush kinds, discard categories, the clock and snapshots of the TLB model (./tlb.ts). */
export const FLUSH_INVLPG = 0;
export const FLUSH_ALL = 1;
export const FLUSH_CR3 = 2;
export const FLUSH_INVPCID_SINGLE = 3;
export const FLUSH_KINDS = 4;
export type FlushKind = typeof FLUSH_INVLPG | typeof FLUSH_ALL | typeof FLUSH_CR3 | typeof FLUSH_INVPCID_SINGLE;

/** vpn in the mermap range [lo, hi) (any PCID, global or not) */
export const CAT_MERMAP = 0;
/** global, outside the mermap: kernel text, direct map... */
export const CAT_GLOBAL = 1;
/** non-global, another PCID's, outside the mermap */
export const CAT_OTHER_PCID = 2;
/** non-global, current PCID, outside the mermap (user and non-global kernel) */
export const CAT_OTHER = 3;
export const TLB_CATEGORIES = 4;

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
