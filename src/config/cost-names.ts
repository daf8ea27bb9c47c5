/**
 * The cost models' vocabulary, written once: every cost parameter (its unit and meaning) and every
 * preset's name. The figures themselves, with their provenance, are in src/analysis/costs, which
 * imports these; the run config's schema checks `cost.preset` and `cost.overrides` against them
 * (config sits below analysis, so the names live here).
 */

export type CostUnit = 'cycles' | 'fraction' | 'GHz' | 'pages';

/** A parameter's unit and meaning; most are counted in cycles. */
const cycles = (doc: string) => ({ unit: 'cycles', doc }) as const;
const inUnit = <U extends CostUnit>(unit: U, doc: string) => ({ unit, doc }) as const;

/** Every parameter of a cost model: its unit and meaning, in the order reports print them. */
export const COST_PARAM_INFO = {
  invlpgCycles: cycles('one INVLPG'),
  flushAllCycles: cycles(
    'one __flush_tlb_all(): a global flush (INVPCID type 2 or a CR4.PGE toggle); refills are charged as walks',
  ),
  cr3Cycles: cycles('one CR3 write that flushes (no PCID, or PCID without NOFLUSH)'),
  invpcidCycles: cycles('one INVPCID single-context flush (type 1, one PCID, globals kept)'),
  walkCycles: cycles('one page walk + TLB fill that hits the paging-structure caches (reads the PTE only)'),
  walkNoPscCycles: cycles('one page walk that misses every paging-structure cache (reads all 4 levels)'),
  walkPscHitFraction: inUnit(
    'fraction',
    'share of walks taken to hit the paging-structure caches when the counters do not say',
  ),
  shootdownBaseCycles: cycles("the initiator's fixed cost of a remote flush (flush_tlb_kernel_range() with IPIs)"),
  ipiCycles: cycles('per CPU that receives the flush IPI'),
  cpuGhz: inUnit('GHz', 'clock, to turn cycles into time'),
  flushCeilingPages: inUnit('pages', 'tlb_single_page_flush_ceiling: above it a range flush becomes a full flush'),
  pteWriteCycles: cycles('one PTE write (set_pte or pte_clear of a mermap PTE)'),
  lockCycles: cycles('one uncontended spinlock acquisition and its release'),
  irqSaveRestoreCycles: cycles('one local_irq_save() + local_irq_restore() pair'),
  zeroCyclesPerPage: cycles('zeroing one 4 KiB page (clear_page)'),
} as const satisfies Record<string, { unit: CostUnit; doc: string }>;

export type CostParamName = keyof typeof COST_PARAM_INFO;
export const COST_PARAM_NAMES = Object.keys(COST_PARAM_INFO) as CostParamName[];

/** Every cost preset, in band order: low, the named presets, high (src/analysis/costs/presets.ts). */
export const COST_PRESET_NAMES = ['low', 'molnar-2015', 'hansen-2014', 'kernel-tlb-c', 'high'] as const;
export type CostPresetName = (typeof COST_PRESET_NAMES)[number];
