/** Vega-Lite v6 spec builders, one per chart; plain JSON, nothing imported from vega. */
export * from './common.js';
export * from './flush-frequency.js';
export * from './wasted-va.js';
export * from './failure-rate.js';
export * from './region-timeline.js';
export * from './tlb-collateral.js';
export * from './page-table-memory.js';
export * from './policy-comparison.js';
export * from './wasted-va-by-region.js';
export * from './recommendation.js';
