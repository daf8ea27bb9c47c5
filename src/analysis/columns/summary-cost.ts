/**
 * The run columns of RunSummary's cost section (./summary.ts places it): the cost model's
 * parameters as used, the run's cycles by cause, and the band over every preset.
 */
import type { CostParamName } from '../../config/cost-names.js';
import { COST_PARAM_INFO } from '../../config/cost-names.js';
import type { CostBandEnd, CostParams, RunSummary } from '../metrics/summary.js';
import { type DocsOf, type Leaf, UNIT_FRACTION } from './docs-of.js';

/** What each cost parameter the summary prints is; its unit comes from the cost vocabulary. */
const COST_PARAM_DOCS: { readonly [K in keyof CostParams]: string } = {
  invlpgCycles: 'cost of one INVLPG used (overrides included)',
  flushAllCycles: 'cost of one `__flush_tlb_all()` used',
  cr3Cycles: 'cost of one flushing CR3 write used',
  invpcidCycles: 'cost of one INVPCID single-context flush used',
  walkCycles: 'cost of one page walk and fill used',
  shootdownBaseCycles: "initiator's fixed cost of one shootdown used",
  ipiCycles: 'cost per IPI receiver used',
  cpuGhz: 'clock used to turn cycles into time',
  flushCeilingPages: '`tlb_single_page_flush_ceiling` used',
  pteWriteCycles: 'cost of one PTE write used (slow path)',
  lockCycles: 'cost of one PTE-lock acquisition and release used (slow path)',
  irqSaveRestoreCycles: 'cost of one `local_irq_save()`/`restore()` pair used (slow path)',
};

/** The printed cost parameters: unit from config/cost-names.ts; a page count is whole, the rest are not. */
function costParamDocs(): DocsOf<CostParams> {
  const leaf = (name: string, description: string): Leaf => {
    const unit = COST_PARAM_INFO[name as CostParamName].unit;
    return [unit, unit === 'pages' ? 'int' : 'float', description];
  };
  return Object.fromEntries(Object.entries(COST_PARAM_DOCS).map(([k, d]) => [k, leaf(k, d)])) as DocsOf<CostParams>;
}

/** cost: the run's figures (written before SUMMARY_DOCS: the band takes their units). */
const COST_DOCS: Omit<DocsOf<RunSummary['cost']>, 'band'> = {
  model: ['name', 'string', 'cost-model preset (src/analysis/cost-models.ts; each cites its source)'],
  source: ['text', 'string', "where the preset's numbers come from"],
  params: costParamDocs(),
  refillWalks: ['walks', 'int', 'walks charged: `tlb.refillsAfterFlush`'],
  flushCycles: [
    'cycles',
    'float',
    'FLUSH_ALL × flushAllCycles + flushing CR3 writes × cr3Cycles + INVPCID single × invpcidCycles',
  ],
  invlpgCycles: ['cycles', 'float', 'INVLPGs × invlpgCycles'],
  walkCycles: ['cycles', 'float', 'refillWalks × walkCycles'],
  shootdownCycles: ['cycles', 'float', 'shootdowns × shootdownBaseCycles + IPIs × ipiCycles'],
  slowPathCycles: [
    'cycles',
    'float',
    'the slow path beyond its zeroing: fallbackPages × irqSaveRestoreCycles + slowPath.pteWrites × pteWriteCycles + slowPath.lockAcquisitions × lockCycles',
  ],
  totalCycles: ['cycles', 'float', 'the five above'],
  perGetCycles: ['cycles / get', 'float', 'totalCycles / gets'],
  overheadFraction: [UNIT_FRACTION, 'float', 'totalCycles / (totalCycles + workCycles); 1 without work'],
  totalNs: ['ns', 'float', 'totalCycles / cpuGhz'],
};

/**
 * One end of the cost band: each figure's least (or most) over every preset, in the unit of the
 * run's own figure (COST_DOCS); `totalNote` follows totalCycles' description.
 */
function costBandEndDocs(extreme: 'least' | 'most', totalNote: string): DocsOf<CostBandEnd> {
  const of = (key: keyof CostBandEnd, note = ''): Leaf => {
    const [unit, kind] = COST_DOCS[key];
    return [unit, kind, `${key}, the ${extreme} over every preset${note}`];
  };
  return {
    totalCycles: of('totalCycles', totalNote),
    slowPathCycles: of('slowPathCycles'),
    perGetCycles: of('perGetCycles'),
    overheadFraction: of('overheadFraction'),
  };
}

/** cost: the figures, then the band's two ends. */
export const COST_SECTION_DOCS: DocsOf<RunSummary['cost']> = {
  ...COST_DOCS,
  band: {
    low: costBandEndDocs('least', " (the presets' own figures: `cost.overrides` do not apply)"),
    high: costBandEndDocs('most', ''),
  },
};
