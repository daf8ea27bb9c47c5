/**
 * Named cost presets, and `low` / `high`, which bound the plausible range of every parameter from
 * the cited figures (figures.ts), so a cost can be reported as a band: low, each named preset, high.
 * The named presets differ only in their flush figures; walks, IPIs and the slow path's events
 * share the same figures.
 */
import * as F from './figures.js';
import {
  COST_PARAM_INFO,
  COST_PARAM_NAMES,
  type CostModel,
  type CostParam,
  type CostParamName,
  type CostPreset,
  type CostPresetName,
  COST_PRESET_NAMES,
  costPresetProblems,
} from './params.js';

/** A preset of this module: its name is one of config's COST_PRESET_NAMES. */
type NamedPreset = CostPreset & { name: CostPresetName };

type FlushFigures = Pick<
  Record<CostParamName, CostParam>,
  'invlpgCycles' | 'flushAllCycles' | 'cr3Cycles' | 'invpcidCycles'
>;

const shared = (flush: FlushFigures): Record<CostParamName, CostParam> => ({
  ...flush,
  walkCycles: F.WALK_PSC_HIT,
  walkNoPscCycles: F.WALK_NO_PSC,
  walkPscHitFraction: F.PSC_HIT_ALL,
  shootdownBaseCycles: F.SHOOTDOWN_BASE,
  ipiCycles: F.IPI,
  cpuGhz: F.CPU_GHZ,
  flushCeilingPages: F.FLUSH_CEILING,
  pteWriteCycles: F.PTE_WRITE,
  lockCycles: F.LOCK,
  irqSaveRestoreCycles: F.IRQ_PAIR,
  zeroCyclesPerPage: F.ZERO_4K,
});

/** Molnar 2015: CR3 write 96, INVLPG 260 cycles, "but a full flush has hidden refill costs". */
const MOLNAR_2015: NamedPreset = {
  name: 'molnar-2015',
  source: 'Molnar, linux-mm 2015: CR3 write 96, INVLPG 260 cycles; global flush derived as 2 CR3-priced writes',
  params: shared({
    invlpgCycles: F.INVLPG_MOLNAR,
    flushAllCycles: F.FLUSH_ALL_MOLNAR,
    cr3Cycles: F.CR3_MOLNAR,
    invpcidCycles: F.INVPCID_MOLNAR,
  }),
};

/** Hansen 2014, measured per flush_tlb_mm_range() call: the call's overhead is included. */
const HANSEN_2014: NamedPreset = {
  name: 'hansen-2014',
  source: 'Hansen 2014 (tlb_single_page_flush_ceiling commit): 1-page flush 1,276 cycles, full flush 2,283 cycles',
  params: shared({
    invlpgCycles: F.INVLPG_HANSEN,
    flushAllCycles: F.FLUSH_ALL_HANSEN,
    cr3Cycles: F.CR3_HANSEN,
    invpcidCycles: F.INVPCID_HANSEN,
  }),
};

/** The tlb.c comment: ~100 ns per single flush, 33-page ceiling; full flush = the ceiling's worth. */
const KERNEL_TLB_C: NamedPreset = {
  name: 'kernel-tlb-c',
  source: 'arch/x86/mm/tlb.c: ~100 ns per single-page flush, 33-page ceiling (~3,000 ns); 3 GHz assumed',
  params: shared({
    invlpgCycles: F.INVLPG_TLB_C,
    flushAllCycles: F.FLUSH_ALL_TLB_C,
    cr3Cycles: F.CR3_TLB_C,
    invpcidCycles: F.INVPCID_TLB_C,
  }),
};

/** The cheapest plausible figure of each parameter. */
const LOW: NamedPreset = {
  name: 'low',
  source: 'the lowest cited or derived figure of each parameter (lower end of the band)',
  params: {
    ...shared({
      invlpgCycles: F.INVLPG_MOLNAR,
      flushAllCycles: F.FLUSH_ALL_FLOOR,
      cr3Cycles: F.CR3_MOLNAR,
      invpcidCycles: F.INVPCID_MOLNAR,
    }),
    pteWriteCycles: F.PTE_WRITE_LOW,
    zeroCyclesPerPage: F.ZERO_2M,
  },
};

/** The dearest plausible figure of each parameter. */
const HIGH: NamedPreset = {
  name: 'high',
  source: 'the highest cited or derived figure of each parameter (upper end of the band)',
  params: {
    ...shared({
      invlpgCycles: F.INVLPG_HANSEN,
      flushAllCycles: F.FLUSH_ALL_TLB_C,
      cr3Cycles: F.CR3_TLB_C,
      invpcidCycles: F.INVPCID_TLB_C,
    }),
    walkNoPscCycles: F.WALK_NO_PSC_SHI,
    walkPscHitFraction: F.PSC_HIT_NONE,
    pteWriteCycles: F.PTE_WRITE_HIGH,
    lockCycles: F.LOCK_HIGH,
    irqSaveRestoreCycles: F.IRQ_PAIR_HIGH,
    zeroCyclesPerPage: F.ZERO_OLD,
  },
};

const BY_NAME: Record<CostPresetName, NamedPreset> = {
  low: LOW,
  'molnar-2015': MOLNAR_2015,
  'hansen-2014': HANSEN_2014,
  'kernel-tlb-c': KERNEL_TLB_C,
  high: HIGH,
};
/** Band order (COST_PRESET_NAMES): low, the named presets, high. */
export const COST_PRESET_SPECS: readonly CostPreset[] = Object.freeze(COST_PRESET_NAMES.map((n) => BY_NAME[n]));

for (const n of COST_PRESET_NAMES) {
  if (BY_NAME[n].name !== n) throw new Error(`cost presets: ${BY_NAME[n].name} is filed as ${n}`);
}
for (const p of COST_PRESET_SPECS) {
  const problems = costPresetProblems(p);
  if (problems.length > 0) throw new Error(`cost presets: ${problems.join('; ')}`);
}

export function resolvePreset(p: CostPreset): CostModel {
  const m: Record<string, number | string> = { name: p.name, source: p.source };
  for (const [k, v] of Object.entries(p.params)) m[k] = v.value;
  return m as CostModel;
}

export const COST_PRESETS: Readonly<Record<string, CostModel>> = Object.freeze(
  Object.fromEntries(COST_PRESET_SPECS.map((p) => [p.name, Object.freeze(resolvePreset(p))])),
);

export const DEFAULT_COST_MODEL = 'molnar-2015';

/** Zeroing cycles per 4 KiB page of the named presets and of workloads' zeroCyclesPerPage (written in core). */
export { ZERO_CYCLES_PER_PAGE } from '../../core/defaults.js';

export function costPresetNames(): string[] {
  return [...COST_PRESET_NAMES];
}

export function costPresetSpec(preset: string): CostPreset | undefined {
  return COST_PRESET_SPECS.find((p) => p.name === preset);
}

export function resolveCostModel(preset: string = DEFAULT_COST_MODEL, overrides: Partial<CostModel> = {}): CostModel {
  const base = COST_PRESETS[preset];
  if (base === undefined) throw new RangeError(`unknown cost model ${preset}: one of ${costPresetNames().join(', ')}`);
  return { ...base, ...overrides };
}

/**
 * The provenance of each number of resolveCostModel(preset, overrides): the preset's own, or,
 * for an overridden parameter, the user's value marked as an assumption of the run's config.
 */
export function costModelProvenance(
  preset: string = DEFAULT_COST_MODEL,
  overrides: Partial<Record<CostParamName, number>> = {},
): Record<CostParamName, CostParam> {
  const spec = costPresetSpec(preset);
  if (spec === undefined) throw new RangeError(`unknown cost model ${preset}: one of ${costPresetNames().join(', ')}`);
  const out = { ...spec.params };
  for (const [k, v] of Object.entries(overrides)) {
    if (k in out && typeof v === 'number') {
      out[k as CostParamName] = {
        value: v,
        kind: 'assumed',
        source: 'cost.overrides of the run config',
        how: `set by the user (preset ${preset} has ${out[k as CostParamName].value})`,
      };
    }
  }
  return out;
}

/** One row per preset and parameter, in band and parameter order: what a report's cost footnote prints. */
export interface CostParamRow {
  preset: string;
  param: CostParamName;
  unit: string;
  value: number;
  kind: CostParam['kind'];
  source: string;
  /** the machine (measured) or the derivation / stand-in (otherwise) */
  basis: string;
}

export function costParamRows(presets: readonly CostPreset[] = COST_PRESET_SPECS): CostParamRow[] {
  return presets.flatMap((p) =>
    COST_PARAM_NAMES.map((param) => {
      const v = p.params[param];
      return {
        preset: p.name,
        param,
        unit: COST_PARAM_INFO[param].unit,
        value: v.value,
        kind: v.kind,
        source: v.source,
        basis: (v.kind === 'measured' ? v.machine : v.how) ?? '',
      };
    }),
  );
}
