/** Cost models: parameters with provenance (params), the cited figures, presets, cost functions. */
export {
  COST_PARAM_INFO,
  COST_PARAM_KINDS,
  COST_PARAM_NAMES,
  type CostModel,
  type CostParam,
  type CostParamKind,
  type CostParamName,
  type CostPreset,
  costPresetProblems,
  describeCostParam,
} from './params.js';
export {
  COST_PRESET_SPECS,
  COST_PRESETS,
  DEFAULT_COST_MODEL,
  ZERO_CYCLES_PER_PAGE,
  type CostParamRow,
  costModelProvenance,
  costParamRows,
  costPresetNames,
  costPresetSpec,
  resolveCostModel,
} from './presets.js';
export * from './cost.js';
export { costModelsMarkdown } from './doc.js';
