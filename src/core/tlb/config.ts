/**
 * TLB geometry presets. Only the 4 KiB-page data TLBs are modelled: the mermap maps 4 KiB
 * pages, and the per-size L1 arrays for 2 MiB / 1 GiB pages hold nothing the mermap touches.
 *
 *   L1 dTLB   sets = entries / ways, set = vpn % sets, LRU within a set
 *   STLB      the same; filled together with L1 on a page walk, refills L1 on an L1 miss
 *
 * Every number here comes from outside the kernel; each preset says where, in a comment and
 * in its `source`, so a result can always be traced back to the geometry that produced it.
 */
export interface TlbLevelConfig {
  entries: number;
  ways: number;
}

export interface TlbConfig {
  name: string;
  /** first-level data TLB, 4 KiB pages */
  l1: TlbLevelConfig;
  /** second-level (shared) TLB */
  stlb: TlbLevelConfig;
  /** where the numbers come from */
  source: string;
}

export type TlbPresetName = 'golden-cove' | 'haswell' | 'zen2' | 'tiny';

const preset = (c: TlbConfig): TlbConfig =>
  Object.freeze({ ...c, l1: Object.freeze({ ...c.l1 }), stlb: Object.freeze({ ...c.stlb }) });

export const TLB_PRESETS: Readonly<Record<TlbPresetName, TlbConfig>> = Object.freeze({
  // Intel Golden Cove (Alder Lake P-core): L1 DTLB 96 entries 6-way for 4 KiB pages; STLB 2048
  // entries 16-way. Facts sheet §9.4, from CAQA reading notes on the Core i9-12900
  // (https://my-knowledge-base-bmo.pages.dev/Reading-Notes/Computer-Architecture/CAQA/02-Memory-Hierarchy/08-Intel-Core-i9-12900).
  'golden-cove': preset({
    name: 'golden-cove',
    l1: { entries: 96, ways: 6 },
    stlb: { entries: 2048, ways: 16 },
    source:
      'Intel Golden Cove: L1 DTLB 96 x 6-way (4 KiB), STLB 2048 x 16-way; mermap-facts §9.4, CAQA notes on the Core i9-12900',
  }),
  // Intel Haswell: L1 DTLB 64 entries 4-way for 4 KiB pages (facts sheet §9.4); STLB 1024
  // entries 8-way, shared by 4 KiB and 2 MiB pages, per the TLB table of the Haswell chapter of
  // the Intel 64 and IA-32 Architectures Optimization Reference Manual.
  haswell: preset({
    name: 'haswell',
    l1: { entries: 64, ways: 4 },
    stlb: { entries: 1024, ways: 8 },
    source:
      'Intel Haswell: L1 DTLB 64 x 4-way (4 KiB), STLB 1024 x 8-way; Intel 64 and IA-32 Architectures Optimization Reference Manual (Haswell microarchitecture), mermap-facts §9.4',
  }),
  // AMD Zen 2: L1 DTLB 64 entries fully associative (modelled as 1 set of 64 ways); L2 DTLB
  // 2048 entries 12-way (facts sheet §9.4, WikiChip). 2048 is not a multiple of 12, so the model
  // uses 170 sets x 12 ways = 2040 entries, 8 fewer than the real array.
  zen2: preset({
    name: 'zen2',
    l1: { entries: 64, ways: 64 },
    stlb: { entries: 2040, ways: 12 },
    source:
      'AMD Zen 2: L1 DTLB 64 fully associative, L2 DTLB 2048 x 12-way (WikiChip, mermap-facts §9.4); L2 modelled as 170 sets x 12 = 2040 since 2048 is not divisible by 12',
  }),
  // Not a real CPU: small enough that tests can compute every set and victim by hand.
  tiny: preset({
    name: 'tiny',
    l1: { entries: 4, ways: 2 },
    stlb: { entries: 16, ways: 4 },
    source: 'synthetic: L1 4 x 2-way, STLB 16 x 4-way, for hand-computed tests',
  }),
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
  checkLevel(nameOrConfig.name, 'l1', nameOrConfig.l1);
  checkLevel(nameOrConfig.name, 'stlb', nameOrConfig.stlb);
  return nameOrConfig;
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
