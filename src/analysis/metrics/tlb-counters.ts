import { type Tlb, Flush, Cat } from '../../core/tlb/index.js';

/**
 * A TLB's counters as one row of numbers, so a collector can take a baseline at its start and
 * report differences (a warm-up before the collector counts nothing). Reading is O(1) per CPU;
 * it happens at samples and at the end, never per event.
 *
 *   T_L1_HITS .. T_EXPOSURE_NS     the scalar counters of src/core/tlb/tlb.ts
 *   T_SHADOW_MISSES                the shadow TLB's misses (0 without a shadow)
 *   T_FLUSHES + kind               flushes[kind]
 *   T_DISCARDED + kind*4 + cat     discarded[kind*4 + cat]
 *
 * maxExposureOps / maxExposureNs are maxima, not sums, and are read directly (they cover the TLB's
 * whole life, warm-up included).
 */
export const T_L1_HITS = 0;
export const T_STLB_HITS = 1;
export const T_MISSES = 2;
export const T_FILLS = 3;
export const T_EVICTIONS = 4;
export const T_REFILLS = 5;
export const T_STALE_HITS = 6;
export const T_STALE_DROPPED = 7;
export const T_EXPOSURE_OPS = 8;
export const T_EXPOSURE_NS = 9;
export const T_SHADOW_MISSES = 10;
export const T_FLUSHES = 11;
export const T_DISCARDED = T_FLUSHES + Flush.KINDS;
export const T_FIELDS = T_DISCARDED + Flush.KINDS * Cat.COUNT;

/** The flush kinds that empty a whole TLB or a whole context: what the mermap's wrap does. */
export const FULL_FLUSH_KINDS: readonly number[] = [Flush.ALL, Flush.INVPCID_SINGLE];

/** Add (sign = 1) or subtract (sign = -1) tlb's counters into out[off .. off + T_FIELDS). */
export function addTlbCounters(t: Tlb, out: Float64Array, off: number, sign: number): void {
  out[off + T_L1_HITS] += sign * t.l1Hits;
  out[off + T_STLB_HITS] += sign * t.stlbHits;
  out[off + T_MISSES] += sign * t.misses;
  out[off + T_FILLS] += sign * t.fills;
  out[off + T_EVICTIONS] += sign * t.evictions;
  out[off + T_REFILLS] += sign * t.refillsAfterFlush;
  out[off + T_STALE_HITS] += sign * t.staleHits;
  out[off + T_STALE_DROPPED] += sign * t.staleDropped;
  out[off + T_EXPOSURE_OPS] += sign * t.exposureOps;
  out[off + T_EXPOSURE_NS] += sign * t.exposureNs;
  out[off + T_SHADOW_MISSES] += sign * (t.shadowMisses ?? 0);
  for (let k = 0; k < Flush.KINDS; k++) out[off + T_FLUSHES + k] += sign * t.flushes[k];
  for (let i = 0; i < Flush.KINDS * Cat.COUNT; i++) out[off + T_DISCARDED + i] += sign * t.discarded[i];
}

/** Discarded translations of category `cat` by full flushes (FULL_FLUSH_KINDS), from a counter row. */
export function fullFlushDiscards(row: Float64Array, off: number, cat: number): number {
  let n = 0;
  for (const k of FULL_FLUSH_KINDS) n += row[off + T_DISCARDED + k * Cat.COUNT + cat];
  return n;
}

export function fullFlushCount(row: Float64Array, off: number): number {
  let n = 0;
  for (const k of FULL_FLUSH_KINDS) n += row[off + T_FLUSHES + k];
  return n;
}

export function discardsOfKind(row: Float64Array, off: number, kind: number): number {
  let n = 0;
  for (let c = 0; c < Cat.COUNT; c++) n += row[off + T_DISCARDED + kind * Cat.COUNT + c];
  return n;
}
