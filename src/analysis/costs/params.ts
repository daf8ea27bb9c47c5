/**
 * A cost parameter is a number with its provenance: where it comes from and whether it was
 * measured (by whom, on what), derived from cited figures (how), assumed (a stand-in, and why) or
 * unknown (no figure exists; the value is a stand-in a report must flag). Presets are built from
 * these, never from bare numbers, so every cost the workbench prints can say what it rests on.
 */

export const COST_PARAM_KINDS = ['measured', 'derived', 'assumed', 'unknown'] as const;
export type CostParamKind = (typeof COST_PARAM_KINDS)[number];

export interface CostParam {
  value: number;
  kind: CostParamKind;
  /** the publication, mail, commit or source file the figure (or its inputs) comes from */
  source: string;
  /** measured: the machine it was measured on ("not stated" when the source does not say) */
  machine?: string;
  /** derived: the computation; assumed / unknown: what stands in and why */
  how?: string;
}

export function measured(value: number, source: string, machine: string): CostParam {
  return { value, kind: 'measured', source, machine };
}

export function derived(value: number, source: string, how: string): CostParam {
  return { value, kind: 'derived', source, how };
}

export function assumed(value: number, source: string, how: string): CostParam {
  return { value, kind: 'assumed', source, how };
}

export function unknown(value: number, source: string, how: string): CostParam {
  return { value, kind: 'unknown', source, how };
}

// The parameters' names, units and meanings (and the presets' names) live in src/config so the
// run config's schema can check `cost.preset` and `cost.overrides` against them.
import { COST_PARAM_INFO, COST_PARAM_NAMES, type CostParamName } from '../../config/cost-names.js';

export {
  COST_PARAM_INFO,
  COST_PARAM_NAMES,
  COST_PRESET_NAMES,
  type CostParamName,
  type CostPresetName,
} from '../../config/cost-names.js';

/** A preset as written: every parameter with its provenance. */
export interface CostPreset {
  name: string;
  /** one line: where the preset's own numbers come from */
  source: string;
  params: Record<CostParamName, CostParam>;
}

/**
 * A preset resolved to plain numbers (plus any overrides), as the cost functions use it.
 *
 *   flushes    flushAlls x flushAllCycles + cr3Writes x cr3Cycles + invpcids x invpcidCycles
 *   invlpg     invlpgs x invlpgCycles
 *   refill     walks hitting the PSC x walkCycles + walks missing it x walkNoPscCycles
 *   shootdown  shootdowns x shootdownBaseCycles + ipis x ipiCycles
 */
export type CostModel = { name: string; source: string } & Record<CostParamName, number>;

/**
 * What is wrong with a preset: parameters missing, given as bare numbers, or without the
 * provenance their kind needs. Empty when the preset is sound.
 */
export function costPresetProblems(preset: { name: string; params: Record<string, unknown> }): string[] {
  const problems: string[] = [];
  for (const name of COST_PARAM_NAMES) {
    if (!(name in preset.params)) problems.push(`${preset.name}.${name}: missing`);
  }
  for (const [name, p] of Object.entries(preset.params)) {
    const at = `${preset.name}.${name}`;
    if (!(name in COST_PARAM_INFO)) problems.push(`${at}: not a cost parameter`);
    if (typeof p !== 'object' || p === null) {
      problems.push(`${at}: a bare ${typeof p}, not a value with a source`);
      continue;
    }
    const q = p as Partial<CostParam>;
    if (typeof q.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) {
      problems.push(`${at}: value must be a finite number >= 0`);
    }
    if (!COST_PARAM_KINDS.includes(q.kind as CostParamKind)) {
      problems.push(`${at}: kind must be one of ${COST_PARAM_KINDS.join(', ')}`);
    }
    if (typeof q.source !== 'string' || q.source.trim().length < 8) problems.push(`${at}: no source`);
    if (q.kind === 'measured' && !q.machine?.trim()) problems.push(`${at}: measured, but on what machine?`);
    if (q.kind !== 'measured' && !q.how?.trim()) problems.push(`${at}: ${q.kind}, but how?`);
  }
  return problems;
}

/** Print a parameter's provenance on one line, e.g. for a report's footnote. */
export function describeCostParam(p: CostParam): string {
  const where = p.kind === 'measured' ? `machine: ${p.machine}` : p.how;
  return `${p.value} (${p.kind}: ${p.source}; ${where})`;
}
