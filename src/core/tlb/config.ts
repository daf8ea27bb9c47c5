/**
 * TLB geometry presets: the data TLBs of one CPU, per page size (facts sheet §9.4).
 *
 *   L1 dTLB   one array per page size (Intel), or one array for every size (AMD Zen 2)
 *   STLB      one array shared by the sizes it holds; a 1 GiB translation is held as itself,
 *             as a 2 MiB entry for the 2 MiB part of the address looked up (Zen 2), or not
 *             at all (Haswell: L1 only)
 *   every array  sets = entries / ways, set = page number of the entry's size % sets, LRU
 *
 * Every number here comes from outside the kernel; each preset says where, in a comment and
 * in its `source`, so a result can always be traced back to the geometry that produced it. All
 * are third-party figures (no machine of ours measured them) unless a comment says derived.
 */
import type { PageSizeName } from '../paging/geometry.js';

export interface TlbLevelConfig {
  entries: number;
  ways: number;
}

/** How an STLB holds 1 GiB translations: as themselves, as 2 MiB entries, or not at all. */
export type StlbGigaMode = '1g' | '2m' | 'none';

export interface TlbConfig {
  name: string;
  /** first-level data TLB for 4 KiB pages (and for the large sizes where l1Large says 'l1') */
  l1: TlbLevelConfig;
  /**
   * The L1 arrays of 2 MiB and 1 GiB pages: their own geometry, or 'l1' where the 4 KiB array
   * holds them too. Absent: the 4 KiB array holds every size.
   */
  l1Large?: Readonly<Record<Exclude<PageSizeName, '4k'>, TlbLevelConfig | 'l1'>> | undefined;
  /** second-level (shared) TLB */
  stlb: TlbLevelConfig;
  /**
   * Whether the STLB holds 2 MiB translations, and how it holds 1 GiB ones. Absent: both as
   * themselves.
   */
  stlbLarge?: Readonly<{ '2m': boolean; '1g': StlbGigaMode }> | undefined;
  /** where the numbers come from */
  source: string;
}

export type TlbPresetName = 'golden-cove' | 'haswell' | 'zen2' | 'tiny';

/** A preset's geometry in short: [entries, ways] per array, 'l1' for an L1 array shared with 4 KiB. */
interface Geometry {
  l1: readonly [number, number];
  l1of2m: readonly [number, number] | 'l1';
  l1of1g: readonly [number, number] | 'l1';
  stlb: readonly [number, number];
  stlb2m: boolean;
  stlb1g: StlbGigaMode;
}

function preset(name: TlbPresetName, g: Geometry, source: string): TlbConfig {
  const level = (l: readonly [number, number] | 'l1'): TlbLevelConfig | 'l1' =>
    l === 'l1' ? l : Object.freeze({ entries: l[0], ways: l[1] });
  return Object.freeze({
    name,
    l1: level(g.l1) as TlbLevelConfig,
    l1Large: Object.freeze({ '2m': level(g.l1of2m), '1g': level(g.l1of1g) }),
    stlb: level(g.stlb) as TlbLevelConfig,
    stlbLarge: Object.freeze({ '2m': g.stlb2m, '1g': g.stlb1g }),
    source,
  });
}

export const TLB_PRESETS: Readonly<Record<TlbPresetName, TlbConfig>> = Object.freeze({
  // Intel Golden Cove (Alder Lake P-core), facts §9.4 from CAQA reading notes on the Core
  // i9-12900 (https://my-knowledge-base-bmo.pages.dev/Reading-Notes/Computer-Architecture/CAQA/02-Memory-Hierarchy/08-Intel-Core-i9-12900),
  // third-party: L1 DTLB 96 x 6-way for 4 KiB, 32 x 4-way for 2/4 MiB, 8 x 8-way for 1 GiB;
  // STLB 2048 x 16-way holding 4 KiB, 2 MiB and 1 GiB pages.
  'golden-cove': preset(
    'golden-cove',
    { l1: [96, 6], l1of2m: [32, 4], l1of1g: [8, 8], stlb: [2048, 16], stlb2m: true, stlb1g: '1g' },
    'Intel Golden Cove: L1 DTLB 96 x 6-way (4 KiB), 32 x 4-way (2 MiB), 8 x 8-way (1 GiB); STLB 2048 x 16-way for 4 KiB, 2 MiB and 1 GiB; mermap-facts §9.4, CAQA notes on the Core i9-12900 (third-party)',
  ),
  // Intel Haswell. L1 DTLB 64 x 4-way for 4 KiB (facts §9.4); 32 entries for 2 MiB and 4 for
  // 1 GiB (third-party: https://errorhandle.ai/haswell-memory-access), their ways ASSUMED: 4
  // like the 4 KiB array (the 1 GiB array is then fully associative). STLB 1024 x 8-way, shared
  // by 4 KiB and 2 MiB pages, no 1 GiB entries, per the TLB table of the Haswell chapter of the
  // Intel 64 and IA-32 Architectures Optimization Reference Manual.
  haswell: preset(
    'haswell',
    { l1: [64, 4], l1of2m: [32, 4], l1of1g: [4, 4], stlb: [1024, 8], stlb2m: true, stlb1g: 'none' },
    'Intel Haswell: L1 DTLB 64 x 4-way (4 KiB), 32 (2 MiB) and 4 (1 GiB) entries, ways assumed 4; STLB 1024 x 8-way for 4 KiB and 2 MiB; Intel 64 and IA-32 Architectures Optimization Reference Manual (Haswell microarchitecture), mermap-facts §9.4, errorhandle.ai Haswell notes (third-party)',
  ),
  // AMD Zen 2 (facts §9.4, WikiChip, third-party): L1 DTLB 64 entries fully associative for
  // every page size (1 set of 64 ways, one array); L2 DTLB 2048 x 12-way for 4 KiB and 2 MiB,
  // 1 GiB pages held as 2 MiB entries. 2048 is not a multiple of 12: DERIVED 170 sets x 12 ways
  // = 2040 entries, 8 fewer than the real array.
  zen2: preset(
    'zen2',
    { l1: [64, 64], l1of2m: 'l1', l1of1g: 'l1', stlb: [2040, 12], stlb2m: true, stlb1g: '2m' },
    'AMD Zen 2: L1 DTLB 64 fully associative for every size, L2 DTLB 2048 x 12-way with 1 GiB held as 2 MiB (WikiChip, mermap-facts §9.4, third-party); L2 modelled as 170 sets x 12 = 2040 since 2048 is not divisible by 12',
  ),
  // Not a real CPU: small enough that tests can compute every set and victim by hand.
  tiny: preset(
    'tiny',
    { l1: [4, 2], l1of2m: [2, 2], l1of1g: [2, 2], stlb: [16, 4], stlb2m: true, stlb1g: '1g' },
    'synthetic: L1 4 x 2-way (4 KiB), 2 x 2-way (2 MiB), 2 x 2-way (1 GiB), STLB 16 x 4-way for every size, for hand-computed tests',
  ),
});

/** A preset by name, or a custom config after checking its geometry. */
export function resolveTlbConfig(nameOrConfig: TlbPresetName | string | TlbConfig): TlbConfig {
  if (typeof nameOrConfig === 'string') {
    const c = (TLB_PRESETS as Record<string, TlbConfig | undefined>)[nameOrConfig];
    if (!c) {
      throw new RangeError(`unknown TLB preset '${nameOrConfig}' (known: ${Object.keys(TLB_PRESETS).join(', ')})`);
    }
    return c;
  }
  const c = nameOrConfig;
  checkLevel(c.name, 'l1', c.l1);
  checkLevel(c.name, 'stlb', c.stlb);
  for (const [size, l] of Object.entries(c.l1Large ?? {})) if (l !== 'l1') checkLevel(c.name, `l1Large.${size}`, l);
  return c;
}

function checkLevel(name: string, which: string, l: TlbLevelConfig): void {
  const ok =
    Number.isInteger(l.entries) &&
    Number.isInteger(l.ways) &&
    l.ways > 0 &&
    l.entries >= l.ways &&
    l.entries % l.ways === 0;
  if (!ok) {
    throw new RangeError(
      `TLB '${name}' ${which}: entries (${l.entries}) must be a positive multiple of ways (${l.ways})`,
    );
  }
}
